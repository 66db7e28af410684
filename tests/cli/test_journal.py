"""The batch journal on its own: locking, refusal of another batch, durable states, failures."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import ailab.cli
import pytest
from ailab.cli.journal import Identity, Journal, JournalError, State

from tests.cli.fake_api import FakeApi, make_image

IDENTITY = Identity("face_beauty_pro", {"smoothing": "60"}, "/photos", ("a.jpg", "b.jpg"))
OUTPUTS = {"a.jpg": "a", "b.jpg": "b"}


def open_journal(path: Path, identity: Identity = IDENTITY) -> Journal:
    return Journal.open(path, identity, OUTPUTS, "ailab batch face-beauty-pro photos")


def test_a_new_journal_lists_every_image_as_pending(tmp_path: Path) -> None:
    journal = open_journal(tmp_path / "j.sqlite3")
    assert [(item.key, item.output, item.state) for item in journal.items()] == [
        ("a.jpg", "a", State.PENDING),
        ("b.jpg", "b", State.PENDING),
    ]
    journal.close()


def test_every_step_is_on_disk_when_the_call_returns(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = open_journal(path)
    journal.mark_submitting("a.jpg")
    journal.mark_submitted("a.jpg", "task-1", 1000.0)
    journal.record_files("a.jpg", ["out/a.png"])
    journal.mark_failed("b.jpg", "ERROR_NO_FACE_IN_FILE", "no face")
    journal.close()  # read back through a fresh connection, as a re-run would
    items = {item.key: item for item in open_journal(path).items()}
    assert items["a.jpg"].state is State.SUBMITTED
    assert (items["a.jpg"].task_id, items["a.jpg"].submitted_at) == ("task-1", 1000.0)
    assert items["a.jpg"].saved == ("out/a.png",)
    assert items["a.jpg"].submits == 1
    assert (items["b.jpg"].state, items["b.jpg"].error_code) == (
        State.FAILED,
        "ERROR_NO_FACE_IN_FILE",
    )


def test_a_journal_in_use_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    first = open_journal(path)
    with pytest.raises(JournalError, match="in use by another `ailab batch` run"):
        open_journal(path)
    first.close()
    open_journal(path).close()


def other(**changes: Any) -> Identity:
    """IDENTITY with some fields changed."""
    values: dict[str, Any] = {
        "operation": IDENTITY.operation,
        "options": IDENTITY.options,
        "input": IDENTITY.input,
        "keys": IDENTITY.keys,
    }
    return Identity(**{**values, **changes})


@pytest.mark.parametrize(
    ("identity", "message"),
    [
        (other(operation="smart_beauty"), "not smart_beauty"),
        (other(options={"smoothing": "70"}), "option smoothing was 60, now 70"),
        (other(options={}), "option smoothing was 60, now not set"),
        (other(input="/other"), "input was /photos"),
        (other(keys=("a.jpg", "c.jpg")), "1 added: c.jpg; 1 missing: b.jpg"),
    ],
    ids=["operation", "option-value", "option-dropped", "input", "files"],
)
def test_a_journal_of_another_batch_is_refused(
    tmp_path: Path, identity: Identity, message: str
) -> None:
    path = tmp_path / "j.sqlite3"
    open_journal(path).close()
    with pytest.raises(JournalError, match="belongs to a different batch") as caught:
        Journal.open(path, identity, {key: key for key in identity.keys}, "ailab batch ...")
    assert message in str(caught.value)
    assert "written by: ailab batch face-beauty-pro photos" in str(caught.value)


def test_a_file_that_is_not_a_journal_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n" * 100)
    with pytest.raises(JournalError, match="not an ailab journal"):
        open_journal(path)
    assert path.read_text() == "shopping list\n" * 100


def test_a_failed_write_raises_journal_error(tmp_path: Path) -> None:
    journal = open_journal(tmp_path / "j.sqlite3")
    journal._db.close()  # what a vanished disk looks like to the next write
    with pytest.raises(JournalError, match="cannot write the journal"):
        journal.mark_submitting("a.jpg")


def test_a_batch_stops_when_its_journal_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    for number in range(6):
        (photos / f"p{number}.jpg").write_bytes(make_image(64, 64, fmt="JPEG", seed=number))
    calls = {"submitted": 0}
    real = Journal.mark_submitted

    def failing(self: Journal, *args: Any) -> None:
        calls["submitted"] += 1
        if calls["submitted"] == 2:
            raise JournalError("cannot write the journal 'j' (disk I/O error)")
        real(self, *args)

    monkeypatch.setattr(Journal, "mark_submitted", failing)
    monkeypatch.chdir(tmp_path)
    with FakeApi() as fake:
        for name, value in fake.environ().items():
            monkeypatch.setenv(name, value)
        with pytest.raises(SystemExit) as exited:
            ailab.cli.main(["batch", "face-beauty-pro", "photos", "-j1", "--poll-interval=0.01"])
    assert exited.value.code == 1
    stderr = capsys.readouterr().err
    assert "cannot write the journal" in stderr
    assert "Traceback" not in stderr
    assert len(fake.submits) == 2  # nothing submitted after the journal failed
    with sqlite3.connect(tmp_path / "ailab-face-beauty-pro" / "ailab-journal.sqlite3") as db:
        states = dict(db.execute("SELECT key, state FROM items").fetchall())
    assert states["p1.jpg"] == "submitting"  # so a re-run names it as uncertain
