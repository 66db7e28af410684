"""The single-image commands (one per operation) and ``ailab wait``, in process, over HTTP.

Every command runs against :class:`FakeApi` through ``ailab.cli.main``; per-operation inputs
(images, required options, ranges, choices, flags) are derived from ``OPERATIONS``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

import ailab
import click
import pytest
from _pytest.mark import ParameterSet
from ailab.cli.app import _build
from ailab.client import API_KEY_ENV, BASE_URL_ENV
from ailab.operations import OPERATIONS
from ailab.specs import ImageField, OperationSpec, Param

from tests.cli.conftest import Run, assert_untouched, queries_held_for
from tests.cli.fake_api import CREDITS, FAIL, REJECT, FakeApi, Submit, make_image, result_png

PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/bmp": "BMP", "image/webp": "WEBP"}
SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "BMP": ".bmp", "WEBP": ".webp", "GIF": ".gif"}
FBP = "face-beauty-pro"


# ---------------------------------------------------------------- inputs from OPERATIONS


def command(spec: OperationSpec) -> str:
    return spec.name.replace("_", "-")


def option(param: Param) -> str:
    """The command-line option of a form field (``x-cli-name`` when it has one)."""
    return "--" + (param.cli or param.name).replace("_", "-")


def image_option(field: ImageField) -> str:
    return "--" + field.label.replace("_", "-")


def primary(spec: OperationSpec) -> ImageField:
    return next(field for field in spec.images if field.required)


def valid_image(field: ImageField, seed: int = 0, kind: int = 0) -> tuple[bytes, str]:
    """An image ``field`` accepts (its ``kind``-th format, its minimum size) and its suffix."""
    fmt = PIL_FORMATS[field.media_types[kind % len(field.media_types)]]
    side = max(field.min_width, field.min_height, 16)
    return make_image(side, side, fmt=fmt, seed=seed), SUFFIXES[fmt]


def required_options(spec: OperationSpec) -> list[str]:
    """The options every run of ``spec`` needs (a required choice takes its first choice)."""
    args: list[str] = []
    for param in spec.params:
        if not param.required:
            continue
        if param.kind == "flag":
            args.append(option(param))
        elif param.kind == "choice":
            args += [option(param), str(param.choices[0])]
        else:
            args += [option(param), str(param.minimum if param.minimum is not None else 1)]
    return args


@dataclass(frozen=True)
class Invocation:
    """A valid command line for one operation, and the bytes of each image it uploads."""

    spec: OperationSpec
    source: Path
    args: list[str]
    images: dict[str, bytes]  # wire field name -> bytes


def invocation(
    spec: OperationSpec, folder: Path, *, optional_images: bool = True, seed: int = 0
) -> Invocation:
    """Write every image of ``spec`` into ``folder`` and build its command line (with paths
    relative to the current folder, as a user types them)."""
    folder.mkdir(parents=True, exist_ok=True)
    first = primary(spec)
    images: dict[str, bytes] = {}
    args: list[str] = [command(spec)]
    source = folder
    for number, field in enumerate(spec.images):
        if not (field.required or optional_images):
            continue
        # Each image in another of its formats: the primary one in its last (PNG, WEBP, BMP).
        kind = -1 if field is first else number
        data, suffix = valid_image(field, seed=seed * 10 + number, kind=kind)
        images[field.name] = data
        if field is first:
            source = folder / f"me{suffix}"
            source.write_bytes(data)
            args.insert(1, os.path.relpath(source))
        else:
            path = folder / f"{field.label}{suffix}"
            path.write_bytes(data)
            args += [image_option(field), os.path.relpath(path)]
    return Invocation(spec, source, args + required_options(spec), images)


def result_count(spec: OperationSpec, fake: FakeApi) -> int:
    return fake.results_per_list if spec.url_path[-1] == "*" else 1


@pytest.fixture
def me(run: Run, tmp_path: Path) -> Path:
    """A valid portrait ``me.jpg`` in the current folder (``run`` has chdir'ed there)."""
    path = tmp_path / "me.jpg"
    path.write_bytes(make_image(64, 64, fmt="JPEG"))
    return path


def only_submit(fake: FakeApi) -> Submit:
    (submit,) = fake.submits
    return submit


# ---------------------------------------------------------------- every operation


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_every_operation_saves_its_result_next_to_the_input(
    name: str, run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    spec = OPERATIONS[name]
    call = invocation(spec, tmp_path / "pics")

    code, out, err = run(*call.args)

    assert code == 0, err
    submit = only_submit(fake_api)
    assert submit.operation == name
    assert submit.files == call.images  # every image, byte for byte, in its own field
    for param in spec.params:
        if param.required:
            assert submit.fields[param.name] == str(param.choices[0])
    count = result_count(spec, fake_api)
    stem = f"me.{command(spec)}"
    names = [f"{stem}.png"] + [f"{stem}_{index + 1}.png" for index in range(1, count)]
    expected = [(call.source.parent / each).resolve() for each in names]
    assert [Path(line).resolve() for line in out.splitlines()] == expected
    for index, path in enumerate(expected):
        assert path.read_bytes() == result_png(submit.task_id, index)
    assert sorted(p.name for p in call.source.parent.iterdir() if p.name.startswith(stem)) == (
        sorted(names)
    )
    assert (fake_api.downloads, fake_api.downloads_with_key) == (count, 0)


def test_an_operation_with_several_results_saves_every_file(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    spec = next(spec for spec in OPERATIONS.values() if spec.url_path[-1] == "*")
    fake_api.results_per_list = 3
    call = invocation(spec, tmp_path)

    code, out, _ = run(*call.args)

    assert code == 0
    task_id = only_submit(fake_api).task_id
    stem = f"me.{command(spec)}"
    assert out.splitlines() == [f"{stem}.png", f"{stem}_2.png", f"{stem}_3.png"]
    for index, line in enumerate(out.splitlines()):
        assert (tmp_path / line).read_bytes() == result_png(task_id, index)


# ---------------------------------------------------------------- options on the wire


@pytest.mark.parametrize("filter_value", ["sakura", "10", "Sakura", "SAKURA"])
def test_face_beauty_pro_options_reach_the_wire(
    filter_value: str, run: Run, fake_api: FakeApi, me: Path
) -> None:
    code, _, err = run(FBP, "me.jpg", "--smoothing", "60", "--filter", filter_value)

    assert code == 0, err
    fields = only_submit(fake_api).fields
    assert fields["smoothing"] == "60"
    assert fields["filter_type"] == "10" == str(ailab.FilterType.SAKURA.value)
    # Options not given are not sent (the API applies its own defaults).
    for param in OPERATIONS["face_beauty_pro"].params:
        if param.name not in ("smoothing", "filter_type"):
            assert param.name not in fields


def _extreme(param: Param) -> tuple[str, str]:
    """A valid command-line value at the edge of ``param``'s range, and its wire form."""
    if param.kind == "integer":
        assert param.maximum is not None
        return str(int(param.maximum)), str(int(param.maximum))
    if param.kind == "number":
        assert param.minimum is not None
        assert param.maximum is not None
        middle = (param.minimum + param.maximum) / 2
        return str(middle), str(middle)
    choice = str(param.choices[-1])
    return choice, choice


VALUED = [
    pytest.param(spec, param, id=f"{command(spec)}{option(param)}")
    for spec in OPERATIONS.values()
    for param in spec.params
    if param.kind != "flag"
]


@pytest.mark.parametrize(("spec", "param"), VALUED)
def test_every_valued_option_reaches_the_wire(
    spec: OperationSpec, param: Param, run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    call = invocation(spec, tmp_path, optional_images=False)
    given, wire = _extreme(param)
    args = list(call.args)
    if param.required:  # replace the default choice by this one
        at = args.index(option(param))
        args[at + 1] = given
    else:
        args += [option(param), given]

    code, _, err = run(*args)

    assert code == 0, err
    assert only_submit(fake_api).fields[param.name] == wire


FLAGGED = [
    pytest.param(spec, id=command(spec))
    for spec in OPERATIONS.values()
    if any(param.kind == "flag" for param in spec.params)
]


@pytest.mark.parametrize("spec", FLAGGED)
@pytest.mark.parametrize(("prefix", "wire"), [("--", "1"), ("--no-", "0")])
def test_flags_send_one_or_zero(
    spec: OperationSpec, prefix: str, wire: str, run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    call = invocation(spec, tmp_path, optional_images=False)
    flags = [param for param in spec.params if param.kind == "flag"]

    code, _, err = run(*call.args, *[prefix + option(param)[2:] for param in flags])

    assert code == 0, err
    fields = only_submit(fake_api).fields
    assert {param.name: fields.get(param.name) for param in flags} == {
        param.name: wire for param in flags
    }


@pytest.mark.parametrize("spec", FLAGGED)
def test_an_unset_flag_sends_nothing(
    spec: OperationSpec, run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    call = invocation(spec, tmp_path, optional_images=False)

    code, _, err = run(*call.args)

    assert code == 0, err
    fields = only_submit(fake_api).fields
    sent = sorted(param.name for param in spec.params if param.name in fields)
    assert sent == [], f"flags sent although not given: {sent}"


def test_smart_skin_flag_sends_one_or_zero(run: Run, fake_api: FakeApi, me: Path) -> None:
    assert run("smart-skin-advanced", "me.jpg", "--smart-skin").code == 0
    assert run("smart-skin-advanced", "me.jpg", "--no-smart-skin").code == 0
    on, off = (submit.fields.get("smart_skin") for submit in fake_api.submits)
    assert (on, off) == ("1", "0")


# ---------------------------------------------------------------- --json and where files go


def test_json_prints_exactly_one_record(run: Run, fake_api: FakeApi, me: Path) -> None:
    code, out, err = run(FBP, "me.jpg", "--json")

    assert code == 0, err
    (line,) = out.splitlines()
    record = json.loads(line)
    task_id = only_submit(fake_api).task_id
    assert record == {
        "task_id": task_id,
        "operation": FBP,
        "urls": [f"{fake_api.url}/results/{task_id}/0.png"],
        "saved": [f"me.{FBP}.png"],
    }
    assert Path(record["saved"][0]).read_bytes() == result_png(task_id, 0)


def test_json_lists_every_file_of_a_several_result_task(
    run: Run, fake_api: FakeApi, me: Path
) -> None:
    code, out, _ = run("smart-skin-advanced", "me.jpg", "--json")

    assert code == 0
    (line,) = out.splitlines()
    record = json.loads(line)
    assert record["operation"] == "smart-skin-advanced"
    assert len(record["urls"]) == 2
    assert record["saved"] == ["me.smart-skin-advanced.png", "me.smart-skin-advanced_2.png"]


def test_output_file_is_never_replaced_without_overwrite(
    run: Run, fake_api: FakeApi, me: Path, tmp_path: Path
) -> None:
    code, out, _ = run(FBP, "me.jpg", "-o", "out.png")
    assert code == 0
    assert out.splitlines() == ["out.png"]
    first = only_submit(fake_api).task_id
    assert (tmp_path / "out.png").read_bytes() == result_png(first, 0)

    code, out, err = run(FBP, "me.jpg", "-o", "out.png")
    assert code == 2
    assert out == ""
    assert "out.png" in err
    assert "--overwrite" in err
    assert len(fake_api.submits) == 1  # refused before anything was sent
    assert (tmp_path / "out.png").read_bytes() == result_png(first, 0)

    code, out, _ = run(FBP, "me.jpg", "-o", "out.png", "--overwrite")
    assert code == 0
    second = fake_api.submits[1].task_id
    assert (tmp_path / "out.png").read_bytes() == result_png(second, 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["me.jpg", "out.png"]


@pytest.mark.parametrize("out_arg", ["notadir/", "notadir/sub/out.png", "me.jpg/out.png"])
def test_an_output_that_cannot_be_written_is_refused_before_submitting(
    out_arg: str, run: Run, fake_api: FakeApi, me: Path, tmp_path: Path
) -> None:
    (tmp_path / "notadir").write_text("a file")

    code, out, err = run(FBP, "me.jpg", "-o", out_arg)

    assert code == 2
    assert out == ""
    assert "is not a folder" in err
    assert_untouched(fake_api)


@pytest.mark.parametrize("out_arg", ["folder/", "made/deeper/", "existing"])
def test_output_folder_names_the_file_after_the_input(
    out_arg: str, run: Run, fake_api: FakeApi, me: Path, tmp_path: Path
) -> None:
    (tmp_path / "existing").mkdir()

    code, out, _ = run(FBP, "me.jpg", "-o", out_arg)

    assert code == 0
    saved = (tmp_path / out_arg / f"me.{FBP}.png").resolve()
    assert [Path(line).resolve() for line in out.splitlines()] == [saved]
    assert saved.read_bytes() == result_png(only_submit(fake_api).task_id, 0)


def test_the_default_name_never_overwrites(
    run: Run, fake_api: FakeApi, me: Path, tmp_path: Path
) -> None:
    assert run(FBP, "me.jpg").out.splitlines() == [f"me.{FBP}.png"]
    code, out, _ = run(FBP, "me.jpg")

    assert code == 0
    assert out.splitlines() == [f"me.{FBP}-2.png"]
    first, second = (submit.task_id for submit in fake_api.submits)
    assert (tmp_path / f"me.{FBP}.png").read_bytes() == result_png(first, 0)
    assert (tmp_path / f"me.{FBP}-2.png").read_bytes() == result_png(second, 0)


# ---------------------------------------------------------------- --no-wait and wait


def test_no_wait_then_wait_with_operation(
    run: Run, fake_api: FakeApi, me: Path, tmp_path: Path
) -> None:
    code, out, err = run(FBP, "me.jpg", "--no-wait")

    assert code == 0, err
    task_id = only_submit(fake_api).task_id
    assert out == f"{task_id}\n"
    assert f"ailab wait {task_id} --operation {FBP}" in err
    assert (len(fake_api.submits), fake_api.queries, fake_api.downloads) == (1, 0, 0)
    assert not (tmp_path / f"me.{FBP}.png").exists()

    code, out, err = run("wait", task_id, "--operation", FBP, "-o", "x.png")

    assert code == 0, err
    assert out.splitlines() == ["x.png"]
    assert (tmp_path / "x.png").read_bytes() == result_png(task_id, 0)
    assert len(fake_api.submits) == 1


def test_wait_without_operation_recognises_the_result(
    run: Run, fake_api: FakeApi, me: Path, tmp_path: Path
) -> None:
    code, out, _ = run(FBP, "me.jpg", "--no-wait")
    assert code == 0
    task_id = out.strip()

    code, out, err = run("wait", task_id)

    assert code == 0, err
    (line,) = out.splitlines()
    assert (tmp_path / line).read_bytes() == result_png(task_id, 0)
    assert task_id in line  # named after the task: there is no input to name it after
    assert len(fake_api.submits) == 1


def test_wait_json(run: Run, fake_api: FakeApi, me: Path) -> None:
    task_id = run(FBP, "me.jpg", "--no-wait").out.strip()

    code, out, _ = run("wait", task_id, "--operation", FBP, "--json", "-o", "w.png")

    assert code == 0
    (line,) = out.splitlines()
    assert json.loads(line) == {
        "task_id": task_id,
        "operation": FBP,
        "urls": [f"{fake_api.url}/results/{task_id}/0.png"],
        "saved": ["w.png"],
    }


def test_wait_rejects_an_unknown_operation(run: Run, fake_api: FakeApi) -> None:
    code, out, err = run("wait", "1700000000000xabcdefabcdef", "--operation", "nonsense")

    assert code == 2
    assert out == ""
    assert "nonsense" in err
    assert FBP in err  # lists the known ones
    assert_untouched(fake_api)


def test_wait_for_an_unknown_task_fails(run: Run, fake_api: FakeApi) -> None:
    code, out, err = run("wait", "1700000000000xabcdefabcdef", "--operation", FBP)

    assert code == 1
    assert out == ""
    assert "ERROR_TASK_NOT_EXISTS" in err
    assert "Resume with" not in err


# ---------------------------------------------------------------- refused before any request


@dataclass(frozen=True)
class Refusal:
    """A command line refused with exit 2 before any request, and what its message names.

    ``args`` are added to a valid command line (a repeated option: the last one wins);
    ``image`` (name, bytes) replaces its IMAGE; ``environ`` sets (or, with None, unsets)
    environment variables.
    """

    args: list[str]
    says: list[str]
    image: tuple[str, bytes] | None = None
    environ: dict[str, str | None] = dataclass_field(default_factory=dict)


def _out_of_range() -> Iterator[ParameterSet]:
    for spec in OPERATIONS.values():
        for param in spec.params:
            if param.kind not in ("integer", "number"):
                continue
            assert param.minimum is not None
            assert param.maximum is not None
            step = 1 if param.kind == "integer" else 0.5
            for value in (param.maximum + step, param.minimum - step):
                shown = str(int(value)) if param.kind == "integer" else str(value)
                yield pytest.param(
                    spec,
                    Refusal([option(param), shown], [option(param), shown]),
                    id=f"{command(spec)}{option(param)}={shown}",
                )


def _bad_choices() -> Iterator[ParameterSet]:
    for spec in OPERATIONS.values():
        for param in spec.params:
            if param.kind == "choice":
                yield pytest.param(
                    spec,
                    Refusal([option(param), "nonsense"], [option(param), "nonsense"]),
                    id=f"{command(spec)}{option(param)}=nonsense",
                )


def _images_too_small() -> Iterator[ParameterSet]:
    for spec in OPERATIONS.values():
        field = primary(spec)
        if field.min_width <= 1:
            continue
        fmt = PIL_FORMATS[field.media_types[0]]
        name = f"tiny{SUFFIXES[fmt]}"
        small = make_image(field.min_width - 1, field.min_height, fmt=fmt)
        limit = f"{field.min_width}..{field.max_width}"
        yield pytest.param(
            spec,
            Refusal([], [name, limit, f"{field.min_width - 1}x"], image=(name, small)),
            id=f"{command(spec)}-too-small",
        )


def _images_of_a_wrong_format() -> Iterator[ParameterSet]:
    for spec in OPERATIONS.values():
        allowed = ", ".join(kind.split("/")[1].upper() for kind in primary(spec).media_types)
        gif = ("picture.gif", make_image(fmt="GIF"))
        yield pytest.param(
            spec,
            Refusal([], ["picture.gif", "GIF", allowed], image=gif),
            id=f"{command(spec)}-gif",
        )


FBP_SPEC = OPERATIONS["face_beauty_pro"]
REFUSALS = [
    *_out_of_range(),
    *_bad_choices(),
    *_images_too_small(),
    *_images_of_a_wrong_format(),
    pytest.param(FBP_SPEC, Refusal(["--filter", "nonsense"], ["nonsense", "sakura"]), id="filter"),
    pytest.param(FBP_SPEC, Refusal(["--filter", "0"], ["'0'"]), id="filter-number-0"),
    pytest.param(FBP_SPEC, Refusal(["--smoothing", "50.5"], ["50.5"]), id="integer-not-integer"),
    pytest.param(
        FBP_SPEC, Refusal([], [API_KEY_ENV], environ={API_KEY_ENV: None}), id="missing-api-key"
    ),
    pytest.param(
        FBP_SPEC, Refusal([], [API_KEY_ENV], environ={API_KEY_ENV: "  "}), id="blank-api-key"
    ),
    pytest.param(FBP_SPEC, Refusal(["--base-url", "not a url"], ["not a url"]), id="base-url"),
    pytest.param(FBP_SPEC, Refusal(["--base-url", "ftp://host"], ["ftp://host"]), id="ftp-url"),
    pytest.param(
        FBP_SPEC,
        Refusal([], ["base_url"], environ={BASE_URL_ENV: "localhost:8080"}),
        id="base-url-env-without-scheme",
    ),
    pytest.param(FBP_SPEC, Refusal(["--timeout", "0"], ["--timeout"]), id="timeout-0"),
    pytest.param(FBP_SPEC, Refusal(["--timeout", "-1"], ["--timeout"]), id="timeout-negative"),
    pytest.param(FBP_SPEC, Refusal(["--poll-interval", "0"], ["--poll-interval"]), id="poll-0"),
]


@pytest.mark.parametrize(("spec", "refusal"), REFUSALS)
def test_refused_before_any_request(
    spec: OperationSpec,
    refusal: Refusal,
    run: Run,
    fake_api: FakeApi,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    call = invocation(spec, tmp_path / "in", optional_images=False)
    args = list(call.args)
    if refusal.image is not None:
        name, data = refusal.image
        (tmp_path / name).write_bytes(data)
        args[1] = name
    for variable, value in refusal.environ.items():
        if value is None:
            monkeypatch.delenv(variable)
        else:
            monkeypatch.setenv(variable, value)
    # run() appends --poll-interval 0.01, which would win over a --poll-interval given here.
    fast = "--poll-interval" not in refusal.args

    code, out, err = run(*args, *refusal.args, fast=fast)

    assert code == 2, err
    assert out == ""
    for text in refusal.says:
        assert text in err, f"{text!r} not in {err!r}"
    assert_untouched(fake_api)
    assert not [p for p in tmp_path.rglob("*") if f".{command(spec)}" in p.name]


def _required_inputs() -> Iterator[ParameterSet]:
    """Each required option and image of each operation (None: the IMAGE argument)."""
    for spec in OPERATIONS.values():
        yield pytest.param(spec, None, id=f"{command(spec)}-IMAGE")
        for param in spec.params:
            if param.required:
                yield pytest.param(spec, option(param), id=f"{command(spec)}{option(param)}")
        for image in spec.images:
            if image.required and image is not primary(spec):
                name = image_option(image)
                yield pytest.param(spec, name, id=f"{command(spec)}{name}")


@pytest.mark.parametrize(("spec", "missing"), list(_required_inputs()))
def test_refused_when_a_required_input_is_missing(
    spec: OperationSpec, missing: str | None, run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    call = invocation(spec, tmp_path / "in", optional_images=False)
    if missing is None:
        args = call.args[:1] + call.args[2:]
    else:
        at = call.args.index(missing)
        args = call.args[:at] + call.args[at + 2 :]

    code, out, err = run(*args)

    assert code == 2, err
    assert out == ""
    assert "Missing" in err
    assert (missing or primary(spec).label.upper()) in err
    assert_untouched(fake_api)


@pytest.mark.parametrize("missing", ["nowhere.jpg", "folder/nowhere.jpg"])
def test_refused_when_the_image_does_not_exist(missing: str, run: Run, fake_api: FakeApi) -> None:
    code, out, err = run(FBP, missing)

    assert code == 2
    assert out == ""
    assert missing in err
    assert_untouched(fake_api)


def test_refused_when_an_other_image_does_not_exist(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    spec = OPERATIONS["try_on_clothes_refiner"]
    call = invocation(spec, tmp_path, optional_images=False)
    code, _, err = run(*call.args, "--bottom-garment", "nowhere.png")

    assert code == 2
    assert "nowhere.png" in err
    assert_untouched(fake_api)


def test_refused_when_an_other_image_is_invalid(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    spec = OPERATIONS["try_on_clothes_refiner"]
    call = invocation(spec, tmp_path, optional_images=False)
    (tmp_path / "small.png").write_bytes(make_image(150, 150))
    code, _, err = run(*call.args, "--bottom-garment", "small.png")

    assert code == 2
    assert "small.png" in err
    assert "151..4095" in err
    assert_untouched(fake_api)


# ---------------------------------------------------------------- API failures


def test_a_wrong_key_exits_3(run: Run, fake_api: FakeApi, me: Path, tmp_path: Path) -> None:
    code, out, err = run(FBP, "me.jpg", "--api-key", "not-the-key")

    assert code == 3
    assert out == ""
    assert "ERROR_APPLICATIONS_NOT_EXISTS" in err or "401" in err
    assert fake_api.unauthorized == 1
    assert fake_api.submits == []
    assert not (tmp_path / f"me.{FBP}.png").exists()


def test_no_credits_exits_3(run: Run, fake_api: FakeApi, me: Path, tmp_path: Path) -> None:
    fake_api.decide = lambda submit: CREDITS

    code, out, err = run(FBP, "me.jpg")

    assert code == 3
    assert out == ""
    assert "ERROR_NOT_ENOUGH_CREDITS" in err
    assert (len(fake_api.rejected), fake_api.submits, fake_api.queries) == (1, [], 0)
    assert not (tmp_path / f"me.{FBP}.png").exists()


def test_a_rejected_image_exits_1(run: Run, fake_api: FakeApi, me: Path, tmp_path: Path) -> None:
    fake_api.decide = lambda submit: REJECT

    code, out, err = run(FBP, "me.jpg")

    assert code == 1
    assert out == ""
    assert "ERROR_NO_FACE_IN_FILE" in err
    assert "Resume with" not in err
    assert (len(fake_api.rejected), fake_api.queries) == (1, 0)
    assert not (tmp_path / f"me.{FBP}.png").exists()


def test_a_failed_task_exits_1_with_its_code(
    run: Run, fake_api: FakeApi, me: Path, tmp_path: Path
) -> None:
    fake_api.decide = lambda submit: FAIL

    code, out, err = run(FBP, "me.jpg")

    assert code == 1
    assert out == ""
    assert "ERROR_NO_FACE_IN_FILE" in err
    assert "Resume with" not in err  # waiting again cannot help a failed task
    assert "ailab wait" not in err
    assert len(fake_api.submits) == 1
    assert fake_api.downloads == 0
    assert not (tmp_path / f"me.{FBP}.png").exists()


def test_a_timeout_tells_how_to_resume(
    run: Run, fake_api: FakeApi, me: Path, tmp_path: Path
) -> None:
    with queries_held_for(fake_api, 0.4):
        code, out, err = run(FBP, "me.jpg", "--timeout", "0.2")

    assert code == 1
    assert out == ""
    task_id = only_submit(fake_api).task_id
    assert f"Resume with: ailab wait {task_id} --operation {FBP}" in err
    assert "when --timeout ran out" in err
    assert "client.wait" not in err  # the wrapper's Python hint is not a CLI user's
    assert not (tmp_path / f"me.{FBP}.png").exists()

    # The hint works: the task carried on and is collected without a new submit.
    code, out, _ = run("wait", task_id, "--operation", FBP)
    assert code == 0
    assert len(fake_api.submits) == 1
    (line,) = out.splitlines()
    assert (tmp_path / line).read_bytes() == result_png(task_id, 0)


def test_a_timeout_with_output_resumes_to_the_same_file(
    run: Run, fake_api: FakeApi, me: Path
) -> None:
    with queries_held_for(fake_api, 0.4):
        code, _, err = run(FBP, "me.jpg", "--timeout", "0.2", "-o", "out dir/r.png")

    assert code == 1
    task_id = only_submit(fake_api).task_id
    assert f"Resume with: ailab wait {task_id} --operation {FBP} -o 'out dir/r.png'" in err


# ---------------------------------------------------------------- secrets


SEPARATE, EQUALS = "--api-key KEY", "--api-key=KEY"
SECRET_RUNS = [
    pytest.param([FBP, "me.jpg"], None, 0, SEPARATE, id="success"),
    pytest.param([FBP, "me.jpg"], None, 0, EQUALS, id="success-equals"),
    pytest.param([FBP, "me.jpg", "--json"], None, 0, SEPARATE, id="json"),
    pytest.param([FBP, "me.jpg", "--no-wait"], None, 0, SEPARATE, id="no-wait"),
    pytest.param([FBP, "me.jpg", "--no-wait", "--json"], None, 0, SEPARATE, id="no-wait-json"),
    pytest.param([FBP, "me.jpg"], REJECT, 1, SEPARATE, id="rejected"),
    pytest.param([FBP, "me.jpg", "--json"], FAIL, 1, SEPARATE, id="failed-json"),
    pytest.param([FBP, "me.jpg"], CREDITS, 3, SEPARATE, id="credits"),
    pytest.param(["batch", FBP, "."], None, 0, SEPARATE, id="batch"),
    pytest.param(["batch", FBP, "."], None, 0, EQUALS, id="batch-equals"),
    pytest.param(["batch", FBP, ".", "--json"], REJECT, 1, SEPARATE, id="batch-json-rejected"),
    pytest.param(["batch", FBP, "."], FAIL, 1, EQUALS, id="batch-failed"),
    pytest.param(["batch", FBP, "."], CREDITS, 3, SEPARATE, id="batch-credits"),
]


@pytest.mark.parametrize(("args", "outcome", "expected", "form"), SECRET_RUNS)
def test_the_api_key_is_never_shown(
    args: list[str],
    outcome: str | None,
    expected: int,
    form: str,
    run: Run,
    fake_api: FakeApi,
    me: Path,
    tmp_path: Path,
) -> None:
    secret = fake_api.api_key  # also in AILAB_API_KEY (set by run)
    assert os.environ[API_KEY_ENV] == secret
    fake_api.decide = lambda submit: outcome
    key_args = ["--api-key", secret] if form == SEPARATE else [f"--api-key={secret}"]

    code, out, err = run(*args, *key_args)

    assert code == expected, err
    assert secret not in out
    assert secret not in err
    for path in tmp_path.rglob("*"):  # the batch journal (and its WAL), results, anything
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_a_wrong_key_is_never_shown(run: Run, fake_api: FakeApi, me: Path, tmp_path: Path) -> None:
    wrong = "wrong-secret-91b2"
    for args in ([FBP, "me.jpg"], [FBP, "me.jpg", "--json"], ["batch", FBP, "."]):
        code, out, err = run(*args, "--api-key", wrong)
        assert code == 3
        assert wrong not in out
        assert wrong not in err
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert wrong.encode() not in path.read_bytes(), path


# ---------------------------------------------------------------- help and imports


def test_python_m_ailab_help_lists_every_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ailab", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )

    assert done.returncode == 0, done.stderr
    for spec in OPERATIONS.values():
        assert command(spec) in done.stdout
    assert "batch" in done.stdout
    assert "wait" in done.stdout
    assert "Traceback" not in done.stderr


def test_help_lists_batch_and_wait(run: Run) -> None:
    code, out, err = run("--help", fast=False)

    assert code == 0, err
    commands = out.split("Commands:")[1]
    for name in ("batch", "wait", *(command(spec) for spec in OPERATIONS.values())):
        assert f"  {name} " in commands


def test_batch_help_lists_every_operation(run: Run) -> None:
    code, out, _ = run("batch", "--help", fast=False)

    assert code == 0
    for spec in OPERATIONS.values():
        assert command(spec) in out


@pytest.mark.parametrize("spec", [pytest.param(s, id=command(s)) for s in OPERATIONS.values()])
def test_each_command_has_help(spec: OperationSpec, run: Run) -> None:
    code, out, _ = run(command(spec), "--help", fast=False)

    assert code == 0
    for param in spec.params:
        assert option(param) in out
    for field in spec.images:
        if field is not primary(spec):
            assert image_option(field) in out


IMPORT_CHECK = "import sys, ailab; print(sorted(m for m in ('click', 'rich') if m in sys.modules))"


def test_ailab_itself_imports_neither_click_nor_rich() -> None:
    """The package's own modules, with httpx's optional command line (``httpx._main``,
    which imports click and rich whenever they are installed) kept out of the picture."""
    blocked = "import sys; sys.modules['httpx._main'] = None; " + IMPORT_CHECK
    done = subprocess.run(
        [sys.executable, "-c", blocked], capture_output=True, text=True, check=True
    )

    assert done.stdout.strip() == "[]"


def test_base_url_from_the_environment_is_used(
    run: Run, fake_api: FakeApi, me: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert os.environ[BASE_URL_ENV] == fake_api.url
    assert run(FBP, "me.jpg").code == 0
    monkeypatch.delenv(BASE_URL_ENV)
    assert run(FBP, "me.jpg", "--base-url", fake_api.url).code == 0
    assert len(fake_api.submits) == 2


def test_output_file_for_several_results(
    run: Run, fake_api: FakeApi, me: Path, tmp_path: Path
) -> None:
    code, out, _ = run("smart-skin-advanced", "me.jpg", "-o", "skin.png")

    assert code == 0
    task_id = only_submit(fake_api).task_id
    assert out.splitlines() == ["skin.png", "skin_2.png"]
    assert (tmp_path / "skin.png").read_bytes() == result_png(task_id, 0)
    assert (tmp_path / "skin_2.png").read_bytes() == result_png(task_id, 1)


def test_wait_refuses_an_existing_output_before_any_request(
    run: Run, fake_api: FakeApi, tmp_path: Path
) -> None:
    (tmp_path / "x.png").write_bytes(b"mine")

    code, _, err = run("wait", "1700000000000xabcdefabcdef", "--operation", FBP, "-o", "x.png")

    assert code == 2
    assert "--overwrite" in err
    assert (tmp_path / "x.png").read_bytes() == b"mine"
    assert_untouched(fake_api)


def test_a_submit_without_an_answer_is_reported_as_uncertain(
    run: Run, fake_api: FakeApi, me: Path
) -> None:
    fake_api.hold_submits()

    def drop_when_held() -> None:
        if fake_api.wait_held():
            fake_api.release(accept=False)

    dropper = threading.Thread(target=drop_when_held, daemon=True)
    dropper.start()
    try:
        code, out, err = run(FBP, "me.jpg")
    finally:
        dropper.join(15)
        fake_api.release()

    assert code == 1
    assert out == ""
    assert len(fake_api.dropped) == 1
    assert fake_api.submits == []
    assert "task list" in err  # check before submitting again: it may have been charged
    assert "Resume with" not in err  # there is no task id to resume


def test_no_operation_field_clashes_with_a_command_option() -> None:
    """A field named like a shared option (out, timeout, ...) would silently shadow it."""
    app = _build()
    batch = app.commands["batch"]
    assert isinstance(batch, click.Group)
    commands = [*app.commands.values(), *batch.commands.values()]
    for command in commands:
        names = [param.name for param in command.params]
        flags = [flag for param in command.params for flag in param.opts]
        assert len(names) == len(set(names)), command.name
        assert len(flags) == len(set(flags)), command.name


@pytest.mark.parametrize("missing", ["click", "rich"])
def test_without_the_cli_extra_the_command_says_how_to_install_it(missing: str) -> None:
    script = f"import sys; sys.modules[{missing!r}] = None; import ailab.cli; ailab.cli.main([])"
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True
    )

    assert done.returncode == 2
    assert done.stderr == (
        f"error: the ailab command line needs {missing}: "
        'pip install "ailab[cli]" (the library itself works without it)\n'
    )
