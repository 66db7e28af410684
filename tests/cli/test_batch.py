"""``ailab batch``, in process, against the fake API: what is submitted, saved and resumed.

The fake counts the submits it accepted per image (by the image's bytes), so "never paid twice"
is checked where it matters: at the server. Killing real processes is covered elsewhere
(``test_interrupts.py``).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.conftest import Run, assert_untouched, queries_held_for
from tests.cli.fake_api import (
    CREDITS,
    FAIL,
    REJECT,
    FakeApi,
    Submit,
    digest,
    make_image,
    result_png,
)

OP = "face-beauty-pro"
OUT = Path(f"ailab-{OP}")
JOURNAL = OUT / "ailab-journal.sqlite3"
DAY = 24 * 3600


# ---------------------------------------------------------------- helpers


def write_images(root: Path, names: Iterable[str], *, first_seed: int = 0) -> dict[str, bytes]:
    """Valid, all different portraits at ``root/name`` (PNG for ``.png``, else JPEG)."""
    images: dict[str, bytes] = {}
    for seed, name in enumerate(names, start=first_seed):
        data = make_image(64, 64, fmt="PNG" if name.endswith(".png") else "JPEG", seed=seed)
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        images[name] = data
    return images


def photos(tmp_path: Path, names: Iterable[str] = ("a.jpg", "b.jpg", "c.jpg")) -> dict[str, bytes]:
    return write_images(tmp_path / "photos", names)


def task_of(fake: FakeApi, data: bytes) -> str:
    """The task id of the last accepted submit of this image."""
    return [submit for submit in fake.submits if submit.digest == digest(data)][-1].task_id


def decide_by(images: dict[str, bytes], outcomes: dict[str, str]) -> Callable[[Submit], str | None]:
    """A ``decide`` that gives the images named in ``outcomes`` their outcome."""
    by_digest = {digest(images[name]): outcome for name, outcome in outcomes.items()}
    return lambda submit: by_digest.get(submit.digest)


@dataclass(frozen=True)
class Row:
    """One image in the journal."""

    state: str
    task_id: str | None
    submitted_at: float | None
    error_code: str | None
    submits: int


def journal(path: Path) -> dict[str, Row]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT key, state, task_id, submitted_at, error_code, submits FROM items"
        ).fetchall()
    db.close()
    return {row[0]: Row(*row[1:]) for row in rows}


def journal_command(path: Path) -> str:
    with sqlite3.connect(path) as db:
        (command,) = db.execute("SELECT value FROM meta WHERE key = 'command'").fetchone()
    db.close()
    return str(command)


def set_submitted_at(path: Path, key: str, when: float) -> None:
    with sqlite3.connect(path) as db:
        db.execute("UPDATE items SET submitted_at = ? WHERE key = ?", (when, key))
    db.close()


def failed_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("failed ")]


def assert_saved(tmp_path: Path, fake: FakeApi, images: dict[str, bytes]) -> None:
    """Each image's result is in OUT under its key's stem, holding its last task's result."""
    for name, data in images.items():
        saved = tmp_path / OUT / Path(name).with_suffix(".png")
        assert saved.read_bytes() == result_png(task_of(fake, data), 0), name


# ---------------------------------------------------------------- what a batch takes


def test_a_folder_gives_one_result_per_image_mirroring_sub_folders(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    images = photos(tmp_path, ["a.jpg", "b.png", "sub/c.jpg", "sub/deeper/d.jpeg"])
    root = tmp_path / "photos"
    (root / "notes.txt").write_text("not an image")
    (root / "sub" / "README").write_text("no extension")
    write_images(
        root, [".hidden.jpg", ".cache/e.jpg", f"x.{OP}.png", f"sub/y.{OP}-2.png"], first_seed=50
    )

    code, _, err = run("batch", OP, "photos")

    assert code == 0, err
    assert len(fake_api.submits) == len(images)
    assert fake_api.submits_per_file() == {digest(data): 1 for data in images.values()}
    assert_saved(tmp_path, fake_api, images)
    results = sorted(
        p.relative_to(tmp_path / OUT).as_posix() for p in (tmp_path / OUT).rglob("*.png")
    )
    assert results == ["a.png", "b.png", "sub/c.png", "sub/deeper/d.png"]
    assert "4 images: 4 saved" in err
    assert "0 failed" in err
    assert (fake_api.downloads_with_key, fake_api.rejected, fake_api.invalid) == (0, [], [])


def test_inputs_sharing_a_stem_keep_their_extension(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    photos(tmp_path, ["me.jpg", "me.png"])

    code, _, err = run("batch", OP, "photos")

    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / OUT).glob("*.png")) == ["me.jpg.png", "me.png.png"]


def test_glob_input(run: Run, fake_api: FakeApi, tmp_path: Path) -> None:
    images = photos(tmp_path, ["a.jpg", "b.png", "sub/c.jpg", "sub/d.png"])
    jpegs = {name: data for name, data in images.items() if name.endswith(".jpg")}

    code, _, err = run("batch", OP, "photos/**/*.jpg")

    assert code == 0, err
    assert fake_api.submits_per_file() == {digest(data): 1 for data in jpegs.values()}
    assert_saved(tmp_path, fake_api, jpegs)
    assert sorted(
        p.relative_to(tmp_path / OUT).as_posix() for p in (tmp_path / OUT).rglob("*.png")
    ) == [
        "a.png",
        "sub/c.png",
    ]
    assert "2 images: 2 saved" in err


@pytest.mark.parametrize(
    "pattern", ["photos/**/*.gif", "nowhere/*.jpg", "empty", "photos/notes.txt*"]
)
def test_input_with_no_images_exits_2(
    pattern: str, run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    photos(tmp_path)
    (tmp_path / "photos" / "notes.txt").write_text("x")
    (tmp_path / "empty").mkdir()

    code, out, err = run("batch", OP, pattern)

    assert code == 2
    assert out == ""
    assert "no image files" in err
    assert pattern in err
    assert_untouched(fake_api)
    assert not (tmp_path / OUT).exists()


@pytest.mark.parametrize(
    ("given", "says"), [("missing", "does not exist"), ("photos/a.jpg", "is a file")]
)
def test_a_missing_or_file_input_exits_2(
    given: str, says: str, run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    photos(tmp_path)

    code, out, err = run("batch", OP, given)

    assert code == 2
    assert out == ""
    assert says in err
    assert_untouched(fake_api)


def test_an_unknown_operation_exits_2(run: Run, fake_api: FakeApi, tmp_path: Path) -> None:
    photos(tmp_path)

    code, _, err = run("batch", "nonsense", "photos")

    assert code == 2
    assert "nonsense" in err
    assert_untouched(fake_api)


def test_options_are_validated_before_anything_is_sent(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    photos(tmp_path)

    for bad in (["--smoothing", "101"], ["--filter", "nope"], ["--concurrency", "0"]):
        code, _, err = run("batch", OP, "photos", *bad)
        assert code == 2, bad
        assert bad[0] in err
    assert_untouched(fake_api)
    assert not (tmp_path / JOURNAL).exists()


def test_options_reach_the_wire(run: Run, fake_api: FakeApi, tmp_path: Path) -> None:
    photos(tmp_path)

    code, _, _ = run("batch", OP, "photos", "--smoothing", "60", "--filter", "sakura")

    assert code == 0
    assert len(fake_api.submits) == 3
    for submit in fake_api.submits:
        assert (submit.fields["smoothing"], submit.fields["filter_type"]) == ("60", "10")
        assert "whitening" not in submit.fields


def test_shared_images_are_sent_with_every_task(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    people = write_images(tmp_path / "people", ["p1.png", "p2.png"])
    # try-on images must be at least 151 px: replace the small portraits.
    for seed, name in enumerate(people):
        people[name] = make_image(160, 160, seed=seed)
        (tmp_path / "people" / name).write_bytes(people[name])
    top, coarse = make_image(160, 160, seed=90), make_image(160, 160, seed=91)
    (tmp_path / "top.png").write_bytes(top)
    (tmp_path / "coarse.png").write_bytes(coarse)

    code, _, err = run(
        "batch",
        "try-on-clothes-refiner",
        "people",
        "--top-garment",
        "top.png",
        "--coarse-image",
        "coarse.png",
        "--gender",
        "man",
    )

    assert code == 0, err
    assert sorted(submit.files["person_image"] for submit in fake_api.submits) == sorted(
        people.values()
    )
    for submit in fake_api.submits:
        assert (submit.files["top_garment"], submit.files["coarse_image"]) == (top, coarse)
        assert submit.fields["gender"] == "man"


# ---------------------------------------------------------------- re-running


@pytest.mark.parametrize("again", ["photos", "photos/", "./photos", "ABSOLUTE"])
def test_re_running_a_finished_batch_sends_nothing(
    again: str, run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    images = photos(tmp_path)
    assert run("batch", OP, "photos").code == 0
    before = (len(fake_api.submits), fake_api.queries, fake_api.downloads)

    # The same folder, however it is spelled, is the same batch.
    code, out, err = run("batch", OP, str(tmp_path / "photos") if again == "ABSOLUTE" else again)

    assert code == 0, err
    assert out == ""
    assert (len(fake_api.submits), fake_api.queries, fake_api.downloads) == before
    assert "3 already saved" in err
    assert "3 saved (3 by an earlier run)" in err
    assert_saved(tmp_path, fake_api, images)


def test_partial_failure_then_retry_failed(run: Run, fake_api: FakeApi, tmp_path: Path) -> None:
    images = photos(tmp_path, ["a.jpg", "b.jpg", "c.jpg", "d.jpg"])
    fake_api.decide = decide_by(images, {"a.jpg": REJECT, "b.jpg": FAIL})

    code, _, err = run("batch", OP, "photos")

    assert code == 1
    lines = sorted(failed_lines(err))
    assert len(lines) == 2, err
    assert lines[0].startswith("failed a.jpg: ERROR_NO_FACE_IN_FILE")
    assert lines[1].startswith("failed b.jpg: ERROR_NO_FACE_IN_FILE")
    assert_saved(tmp_path, fake_api, {k: images[k] for k in ("c.jpg", "d.jpg")})
    assert not (tmp_path / OUT / "a.png").exists()
    assert not (tmp_path / OUT / "b.png").exists()
    rows = journal(tmp_path / JOURNAL)
    assert {key: row.state for key, row in rows.items()} == {
        "a.jpg": "failed",
        "b.jpg": "failed",
        "c.jpg": "saved",
        "d.jpg": "saved",
    }
    assert rows["a.jpg"].error_code == rows["b.jpg"].error_code == "ERROR_NO_FACE_IN_FILE"
    accepted, refused = len(fake_api.submits), len(fake_api.rejected)
    assert (accepted, refused) == (3, 1)

    # Without a flag nothing is sent again, and the run still says what failed.
    fake_api.decide = None
    code, _, err = run("batch", OP, "photos")
    assert code == 1
    assert (len(fake_api.submits), len(fake_api.rejected)) == (accepted, refused)
    assert "--retry-failed" in err
    assert "a.jpg" in err
    assert "b.jpg" in err

    # --retry-failed submits exactly the failed images again.
    code, _, err = run("batch", OP, "photos", "--retry-failed")
    assert code == 0, err
    again = fake_api.submits[accepted:]
    assert sorted(submit.digest for submit in again) == sorted(
        digest(images[name]) for name in ("a.jpg", "b.jpg")
    )
    assert_saved(tmp_path, fake_api, images)
    assert {row.state for row in journal(tmp_path / JOURNAL).values()} == {"saved"}


def test_an_invalid_image_fails_alone_without_a_submit(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    images = photos(tmp_path, ["a.jpg", "c.jpg"])
    (tmp_path / "photos" / "b-tiny.jpg").write_bytes(make_image(48, 48, fmt="JPEG", seed=7))
    (tmp_path / "photos" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")

    code, _, err = run("batch", OP, "photos")

    assert code == 1
    lines = sorted(failed_lines(err))
    assert len(lines) == 2, err
    assert lines[0].startswith("failed b-tiny.jpg: INVALID_INPUT")
    assert "48x48" in lines[0]
    assert "49..4095" in lines[0]
    assert lines[1].startswith("failed broken.png: INVALID_INPUT")
    assert fake_api.submits_per_file() == {digest(data): 1 for data in images.values()}
    assert (fake_api.rejected, fake_api.invalid) == ([], [])
    assert_saved(tmp_path, fake_api, images)
    assert journal(tmp_path / JOURNAL)["b-tiny.jpg"].state == "failed"
    assert journal(tmp_path / JOURNAL)["b-tiny.jpg"].submits == 0


# ---------------------------------------------------------------- the journal's identity


def test_the_journal_refuses_other_option_values(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    photos(tmp_path)
    assert run("batch", OP, "photos", "--smoothing", "60").code == 0
    submitted = len(fake_api.submits)

    code, out, err = run("batch", OP, "photos", "--smoothing", "70")

    assert code == 2
    assert out == ""
    assert "different batch" in err
    assert "smoothing was 60, now 70" in err
    assert "--journal" in err
    assert len(fake_api.submits) == submitted

    code, _, err = run("batch", OP, "photos")  # an option left out is a difference too
    assert code == 2
    assert "smoothing was 60, now not set" in err
    assert len(fake_api.submits) == submitted

    code, _, err = run("batch", OP, "photos", "--smoothing", "70", "--journal", "other.sqlite3")
    assert code == 0, err
    assert len(fake_api.submits) == 2 * submitted
    assert {submit.fields["smoothing"] for submit in fake_api.submits[submitted:]} == {"70"}
    assert (tmp_path / "other.sqlite3").exists()


def test_the_journal_refuses_added_or_removed_inputs(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    photos(tmp_path)
    assert run("batch", OP, "photos").code == 0
    submitted = len(fake_api.submits)

    write_images(tmp_path / "photos", ["new.jpg"], first_seed=40)
    code, _, err = run("batch", OP, "photos")
    assert code == 2
    assert "1 added: new.jpg" in err
    assert len(fake_api.submits) == submitted

    (tmp_path / "photos" / "new.jpg").unlink()
    (tmp_path / "photos" / "b.jpg").unlink()
    code, _, err = run("batch", OP, "photos")
    assert code == 2
    assert "1 missing: b.jpg" in err
    assert len(fake_api.submits) == submitted


def test_the_journal_refuses_another_operation(run: Run, fake_api: FakeApi, tmp_path: Path) -> None:
    photos(tmp_path)
    assert run("batch", OP, "photos", "--journal", "j.sqlite3").code == 0

    code, _, err = run("batch", "waist-slimming", "photos", "--journal", "j.sqlite3")

    assert code == 2
    assert "face_beauty_pro" in err
    assert len(fake_api.submits) == 3


def test_the_journal_records_the_command_without_the_key(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    photos(tmp_path)

    assert run("batch", OP, "photos", "--api-key", fake_api.api_key, "--smoothing", "5").code == 0

    command = journal_command(tmp_path / JOURNAL)
    assert command.startswith(f"ailab batch {OP} photos --smoothing 5")
    assert fake_api.api_key not in command


def test_main_records_its_own_argv_not_the_host_process_argv(
    run: Run, fake_api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ailab.cli.main(argv)`` called by another program: the journal and the "Resume with"
    hints must show ``argv``, not the host program's own command line."""
    photos(tmp_path)
    monkeypatch.setattr(sys, "argv", ["host-program", "--its-own", "options"])

    code, _, _ = run("batch", OP, "photos", "--smoothing", "5", as_typed=False)

    assert code == 0
    assert journal_command(tmp_path / JOURNAL).startswith(f"ailab batch {OP} photos --smoothing 5")


# ---------------------------------------------------------------- uncertain submits


def test_an_uncertain_submit_is_never_resubmitted_unasked(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    images = photos(tmp_path)
    fake_api.hold_submits(after=1)  # a.jpg goes through; b.jpg's submit is held...

    def drop_when_held() -> None:
        if fake_api.wait_held():
            fake_api.release(accept=False)  # ...then its connection is closed unanswered

    dropper = threading.Thread(target=drop_when_held, daemon=True)
    dropper.start()
    try:
        code, _, err = run("batch", OP, "photos", "--concurrency", "1")
    finally:
        dropper.join(15)
        fake_api.release()

    assert code == 1
    assert [submit.digest for submit in fake_api.dropped] == [digest(images["b.jpg"])]
    assert failed_lines(err) == []  # a re-run can still settle it: not reported as failed
    (line,) = [line for line in err.splitlines() if line.startswith("uncertain ")]
    assert line.startswith("uncertain b.jpg: SubmissionUncertainError")
    assert "1 uncertain" in err
    assert "--resubmit-uncertain" in err
    assert journal(tmp_path / JOURNAL)["b.jpg"].state == "uncertain"
    assert_saved(tmp_path, fake_api, {k: images[k] for k in ("a.jpg", "c.jpg")})
    assert len(fake_api.submits) == 2

    # A plain re-run warns, naming the image, and does not submit it.
    code, _, err = run("batch", OP, "photos")
    assert code == 1
    warning = next(line for line in err.splitlines() if line.startswith("warning:"))
    assert "b.jpg" in warning
    assert "--resubmit-uncertain" in warning
    assert (len(fake_api.submits), len(fake_api.dropped)) == (2, 1)

    # Asked to, it submits it (once).
    code, _, err = run("batch", OP, "photos", "--resubmit-uncertain")
    assert code == 0, err
    assert fake_api.submits_per_file() == {digest(data): 1 for data in images.values()}
    assert_saved(tmp_path, fake_api, images)


def test_the_resume_hint_never_carries_a_flag_that_pays_again(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    photos(tmp_path, ["a.jpg"])
    with queries_held_for(fake_api, 0.3):
        flags = ("--retry-failed", "--resubmit-uncertain", f"--api-key={fake_api.api_key}")
        code, _, err = run("batch", OP, "photos", *flags, "--timeout", "0.1")
    assert code == 1
    hint = next(line for line in err.splitlines() if line.startswith("Resume with: "))
    assert hint.startswith(f"Resume with: ailab batch {OP} photos --timeout 0.1")
    assert "--retry-failed" not in hint
    assert "--resubmit-uncertain" not in hint
    assert fake_api.api_key not in err
    assert hint.endswith("# with AILAB_API_KEY set")


def test_a_batch_over_the_current_folder_leaves_earlier_results_alone(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    (tmp_path / "a.jpg").write_bytes(make_image(64, 64, fmt="JPEG", seed=1))
    assert run("batch", OP, ".").code == 0
    code, _, err = run("batch", "smart-beauty", ".")
    assert code == 0, err
    assert "1 images: 1 to submit" in err
    assert len(fake_api.submits) == 2
    assert run("batch", OP, ".").code == 0  # the first batch still resumes (nothing to do)
    assert len(fake_api.submits) == 2


def test_an_unwritable_output_folder_is_refused_before_anything_is_sent(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    photos(tmp_path, ["a.jpg"])
    (tmp_path / "taken").write_text("a file, not a folder")
    code, _, err = run("batch", OP, "photos", "--out", "taken/results", "--journal", "j.sqlite3")
    assert code == 2
    assert "is not a folder" in err
    assert_untouched(fake_api)


# ---------------------------------------------------------------- unfinished tasks


def _stop_while_polling(run: Run, fake: FakeApi) -> str:
    """Run a batch of one image that gives up waiting (tiny --timeout); its task id."""
    with queries_held_for(fake, 0.4):
        code, _, err = run("batch", OP, "photos", "--timeout", "0.2")
    assert code == 1, err
    assert "1 unfinished" in err
    assert f"Resume with: ailab batch {OP} photos" in err
    (submit,) = fake.submits
    return submit.task_id


def test_a_young_unfinished_task_is_polled_again_not_resubmitted(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    images = photos(tmp_path, ["a.jpg"])
    task_id = _stop_while_polling(run, fake_api)
    row = journal(tmp_path / JOURNAL)["a.jpg"]
    assert (row.state, row.task_id, row.submits) == ("submitted", task_id, 1)
    queries = fake_api.queries

    code, _, err = run("batch", OP, "photos")

    assert code == 0, err
    assert len(fake_api.submits) == 1
    assert fake_api.queries > queries
    assert "1 submitted earlier (polled again, not resubmitted)" in err
    assert (tmp_path / OUT / "a.png").read_bytes() == result_png(task_id, 0)
    assert_saved(tmp_path, fake_api, images)


def test_a_task_older_than_24_hours_is_submitted_again(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    images = photos(tmp_path, ["a.jpg"])
    old_task = _stop_while_polling(run, fake_api)
    set_submitted_at(tmp_path / JOURNAL, "a.jpg", time.time() - DAY - 3600)

    code, _, err = run("batch", OP, "photos")

    assert code == 0, err
    assert "warning:" in err
    assert "older than 24 hours" in err
    assert old_task in err
    assert len(fake_api.submits) == 2
    new_task = fake_api.submits[1].task_id
    assert (tmp_path / OUT / "a.png").read_bytes() == result_png(new_task, 0)
    assert_saved(tmp_path, fake_api, images)
    assert journal(tmp_path / JOURNAL)["a.jpg"].submits == 2


def test_a_deleted_result_is_fetched_again_without_a_submit(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    images = photos(tmp_path)
    assert run("batch", OP, "photos").code == 0
    (tmp_path / OUT / "b.png").unlink()
    downloads = fake_api.downloads

    code, _, err = run("batch", OP, "photos")

    assert code == 0, err
    assert "b.jpg" in err
    assert "missing" in err
    assert len(fake_api.submits) == 3
    assert fake_api.downloads == downloads + 1
    assert (tmp_path / OUT / "b.png").read_bytes() == result_png(
        task_of(fake_api, images["b.jpg"]), 0
    )
    assert_saved(tmp_path, fake_api, images)


def test_a_deleted_result_of_a_several_result_task_is_fetched_again(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    images = photos(tmp_path, ["a.jpg"])
    out = Path("ailab-smart-skin-advanced")
    assert run("batch", "smart-skin-advanced", "photos").code == 0
    task_id = task_of(fake_api, images["a.jpg"])
    assert sorted(p.name for p in (tmp_path / out).glob("*.png")) == ["a.png", "a_2.png"]
    (tmp_path / out / "a_2.png").unlink()

    code, _, err = run("batch", "smart-skin-advanced", "photos")

    assert code == 0, err
    assert len(fake_api.submits) == 1
    assert (tmp_path / out / "a.png").read_bytes() == result_png(task_id, 0)
    assert (tmp_path / out / "a_2.png").read_bytes() == result_png(task_id, 1)


# ---------------------------------------------------------------- --json


def test_json_prints_one_record_per_image(run: Run, fake_api: FakeApi, tmp_path: Path) -> None:
    images = photos(tmp_path, ["a.jpg", "b.jpg", "sub/c.jpg"])
    fake_api.decide = decide_by(images, {"a.jpg": REJECT})

    code, out, _ = run("batch", OP, "photos", "--json")

    assert code == 1
    records = {record["input"]: record for record in map(json.loads, out.splitlines())}
    assert len(out.splitlines()) == 3
    assert records["a.jpg"]["status"] == "failed"
    assert records["a.jpg"]["error"]["code"] == "ERROR_NO_FACE_IN_FILE"
    for name in ("b.jpg", "sub/c.jpg"):
        record = records[name]
        task_id = task_of(fake_api, images[name])
        assert record["status"] == "saved"
        assert record["task_id"] == task_id
        assert record["operation"] == OP
        assert record["urls"] == [f"{fake_api.url}/results/{task_id}/0.png"]
        (saved,) = record["saved"]
        assert Path(saved).read_bytes() == result_png(task_id, 0)


# ---------------------------------------------------------------- concurrency


def test_concurrency_bounds_the_tasks_in_flight(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    images = photos(tmp_path, [f"p{number}.jpg" for number in range(6)])
    seen: list[tuple[bool, int, bool]] = []
    fake_api.hold_queries()

    def look() -> None:
        two = fake_api.wait_held_queries(count=2)
        three = fake_api.wait_held_queries(count=3, timeout=0)
        seen.append((two, len(fake_api.submits), three))

    def watch_then_release() -> None:
        look()
        # While two tasks wait on their queries, no third image may be submitted.
        fake_api.wait_until(lambda: len(fake_api.submits) > 2, timeout=0.3)
        look()
        fake_api.release_queries()

    watcher = threading.Thread(target=watch_then_release, daemon=True)
    watcher.start()
    try:
        code, _, err = run("batch", OP, "photos", "--concurrency", "2")
    finally:
        watcher.join(15)
        fake_api.release_queries()

    assert code == 0, err
    assert seen == [(True, 2, False), (True, 2, False)]
    assert fake_api.submits_per_file() == {digest(data): 1 for data in images.values()}
    assert_saved(tmp_path, fake_api, images)


# ---------------------------------------------------------------- account errors


def test_a_wrong_key_exits_3_and_the_right_key_then_completes(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    images = photos(tmp_path)

    code, out, err = run("batch", OP, "photos", "--api-key", "not-the-key")

    assert code == 3
    assert out == ""
    assert "ERROR_APPLICATIONS_NOT_EXISTS" in err
    assert fake_api.submits == []
    assert fake_api.unauthorized >= 1
    assert not list((tmp_path / OUT).rglob("*.png"))
    assert {row.state for row in journal(tmp_path / JOURNAL).values()} == {"pending"}

    code, _, err = run("batch", OP, "photos")

    assert code == 0, err
    assert fake_api.submits_per_file() == {digest(data): 1 for data in images.values()}
    assert_saved(tmp_path, fake_api, images)


def test_credits_running_out_midway_stops_submitting(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    names = [f"p{number}.jpg" for number in range(5)]
    images = photos(tmp_path, names)
    lock = threading.Lock()
    calls: list[str] = []

    def from_the_third_on(submit: Submit) -> str | None:
        with lock:
            calls.append(submit.digest)
            return CREDITS if len(calls) >= 3 else None

    fake_api.decide = from_the_third_on

    code, _, err = run("batch", OP, "photos", "--concurrency", "1")

    assert code == 3
    assert "ERROR_NOT_ENOUGH_CREDITS" in err
    assert len(fake_api.submits) == 2
    assert len(fake_api.rejected) == 1  # nothing more was tried once the account was empty
    assert_saved(tmp_path, fake_api, {name: images[name] for name in names[:2]})
    states = {key: row.state for key, row in journal(tmp_path / JOURNAL).items()}
    assert states == {name: "saved" if name in names[:2] else "pending" for name in names}

    fake_api.decide = None
    code, _, err = run("batch", OP, "photos")

    assert code == 0, err
    assert len(fake_api.submits) == len(names)
    assert fake_api.submits_per_file() == {digest(data): 1 for data in images.values()}
    assert_saved(tmp_path, fake_api, images)


def test_credits_running_out_with_concurrency_never_pays_twice(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    images = photos(tmp_path, [f"p{number}.jpg" for number in range(8)])
    lock = threading.Lock()
    count = [0]

    def from_the_third_on(submit: Submit) -> str | None:
        with lock:
            count[0] += 1
            return CREDITS if count[0] >= 3 else None

    fake_api.decide = from_the_third_on
    code, _, _ = run("batch", OP, "photos")
    assert code == 3
    assert len(fake_api.submits) == 2

    fake_api.decide = None
    code, _, err = run("batch", OP, "photos")

    assert code == 0, err
    assert fake_api.submits_per_file() == {digest(data): 1 for data in images.values()}
    assert_saved(tmp_path, fake_api, images)
