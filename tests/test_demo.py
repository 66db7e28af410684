"""The demo (scripts/demo.py) against the in-process sandbox, and its sample inputs."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ailab.images import prepare_image
from ailab.operations import OPERATIONS
from ailab.sandbox import DEFAULT_API_KEY, SandboxConfig, running_sandbox
from PIL import Image, ImageChops

from scripts import demo
from scripts.samples import call_arguments, make_samples

FAST = ["--queued-seconds", "0", "--processing-seconds", "0", "--poll-interval", "0.01"]


@dataclasses.dataclass(frozen=True)
class Run:
    code: int
    output: str
    out: Path


def run_demo(out: Path, *extra: str) -> Run:
    """``python -m scripts.demo --out OUT`` in this process, with its stdout and stderr."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        code = demo.main(["--out", str(out), *FAST, *extra])
    return Run(code, buffer.getvalue(), out)


@contextlib.contextmanager
def no_api_key() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("AILAB_API_KEY", raising=False)
        patch.delenv("AILAB_BASE_URL", raising=False)
        yield patch


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Run:
    with no_api_key():
        return run_demo(tmp_path_factory.mktemp("demo"))


def primary_input(name: str) -> bytes:
    arguments = call_arguments(OPERATIONS)[name]
    value: bytes = arguments[OPERATIONS[name].images[0].label]
    return value


def result_file(out: Path, name: str) -> Path:
    (found,) = [path for path in out.glob(f"{name}.*") if path.suffix in (".png", ".jpg")]
    return found


def test_offline_demo_succeeds_without_showing_a_key(offline: Run) -> None:
    assert offline.code == 0, offline.output
    assert "No AILAB_API_KEY set: using an offline sandbox" in offline.output
    assert "all succeeded" in offline.output
    assert DEFAULT_API_KEY not in offline.output
    assert "Traceback" not in offline.output
    assert sorted(path.name for path in (offline.out / "inputs").iterdir()) == sorted(
        make_samples().files()
    )


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_each_operation_saves_a_changed_image(offline: Run, name: str) -> None:
    with Image.open(result_file(offline.out, name)) as after:
        after_rgb = after.convert("RGB")
    with Image.open(io.BytesIO(primary_input(name))) as before:
        before_rgb = before.convert("RGB")
    assert after_rgb.size == before_rgb.size
    assert ImageChops.difference(after_rgb, before_rgb).getbbox() is not None


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_lifecycle_lines_follow_each_task(offline: Run, name: str) -> None:
    task = rf"^\[\s*\d+\.\d\d s\] {name} +task (\S+)  "
    submitted = re.search(task + "submitted$", offline.output, re.MULTILINE)
    assert submitted, offline.output
    task_id = re.escape(submitted.group(1))
    completed = rf"^\[\s*\d+\.\d\d s\] {name} +task {task_id}  completed after \d+\.\d s$"
    assert re.search(completed, offline.output, re.MULTILINE)
    saved = rf"^\[.*\] {name} +task {task_id}  saved .*{name}\.png \(\d+ KB\)$"
    assert re.search(saved, offline.output, re.MULTILINE)
    assert re.search(rf"^{name} +{task_id} .*{name}\.png$", offline.output, re.MULTILINE)


def outcomes_of(run: Run) -> list[demo.Outcome]:
    arguments = call_arguments(OPERATIONS)
    return [
        demo.Outcome(name, arguments[name], task_id="t", files=[result_file(run.out, name)])
        for name in OPERATIONS
    ]


def test_contact_sheet_has_one_row_per_operation(offline: Run) -> None:
    outcomes = outcomes_of(offline)
    heights = [demo.contact_sheet(outcomes[:count], "test").height for count in (1, 2)]
    row = heights[1] - heights[0]
    assert row >= demo.ROW_HEIGHT
    with Image.open(offline.out / "contact-sheet.png") as sheet:
        assert sheet.height == heights[0] + row * (len(OPERATIONS) - 1)
        assert sheet.width > 2 * demo.ROW_HEIGHT
    assert f"contact-sheet.png ({len(OPERATIONS)} rows)" in offline.output


def test_a_failed_operation_is_reported_and_the_others_finish(
    tmp_path: Path, offline: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(operations: Any) -> dict[str, dict[str, Any]]:
        arguments = call_arguments(operations)
        arguments["face_beauty_pro"] = {**arguments["face_beauty_pro"], "smoothing": 150}
        return arguments

    monkeypatch.setattr(demo, "call_arguments", broken)
    with no_api_key():
        run = run_demo(tmp_path)
    assert run.code == 1
    assert "Traceback" not in run.output
    (line,) = [line for line in run.output.splitlines() if "FAILED InvalidInputError" in line]
    assert "face_beauty_pro" in line
    assert "smoothing=150" in line
    assert not list(tmp_path.glob("face_beauty_pro.*"))
    assert f"1 of {len(OPERATIONS)} failed" in run.output
    with (
        Image.open(tmp_path / "contact-sheet.png") as partial,
        Image.open(offline.out / "contact-sheet.png") as full,
    ):
        assert 0 < partial.height < full.height


def test_with_a_key_the_demo_uses_that_api_and_never_prints_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "demo-secret-4b1d9e"
    config = SandboxConfig(api_key=secret, queued_seconds=0, processing_seconds=0)
    with running_sandbox(config) as api:
        monkeypatch.setenv("AILAB_API_KEY", secret)
        monkeypatch.setenv("AILAB_BASE_URL", api.url)
        run = run_demo(tmp_path)
    assert run.code == 0, run.output
    assert f"Using the real API at {api.url}" in run.output
    assert f"spends credits: {len(OPERATIONS)} tasks" in run.output
    assert secret not in run.output


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_samples_satisfy_the_operations_limits(name: str) -> None:
    spec = OPERATIONS[name]
    arguments = call_arguments(OPERATIONS)[name]
    for field in spec.images:
        if field.label not in arguments:
            assert not field.required
            continue
        data = arguments[field.label]
        assert isinstance(data, bytes)
        assert len(data) <= field.max_bytes
        with Image.open(io.BytesIO(data)) as image:
            assert Image.MIME[str(image.format)] in field.media_types
            assert field.min_width <= image.width <= field.max_width
            assert field.min_height <= image.height <= field.max_height
        prepare_image(data, field, name)  # the client's own check agrees


def test_samples_are_deterministic() -> None:
    first = make_samples()
    make_samples.cache_clear()
    assert make_samples() == first


def test_an_unknown_operation_still_gets_a_call() -> None:
    template = OPERATIONS["try_on_clothes_refiner"]
    future = dataclasses.replace(template, name="future_operation")
    arguments = call_arguments({"future_operation": future})["future_operation"]
    portrait = make_samples().portrait
    required = [field.label for field in template.images if field.required]
    assert {label: arguments[label] for label in required} == dict.fromkeys(required, portrait)
    assert "bottom_garment" not in arguments  # optional images are left out
    assert arguments["gender"] == "woman"  # a required parameter gets a valid value
