"""Run every operation at once and show before/after: ``python -m scripts.demo [--out DIR]``.

Without ``AILAB_API_KEY`` the demo starts the offline sandbox in this process, so it costs
nothing and needs no network. With the key set it calls the real API (one task, and its
credits, per operation). Inputs are drawn by :mod:`scripts.samples`; results, the inputs and a
contact sheet (``contact-sheet.png``) are written to ``DIR`` (default ``demo-output/``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ailab import AilabError, AsyncClient, StatusChange
from ailab.client import API_KEY_ENV, BASE_URL_ENV
from ailab.operations import DEFAULT_BASE_URL, OPERATIONS, QUERY
from PIL import Image, ImageDraw, ImageFont

from .samples import call_arguments, make_samples

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

SANDBOX_POLL_INTERVAL = 0.5
ROW_HEIGHT = 320
"""Height, in pixels, of the before and after pictures on the contact sheet."""
_PAD = 20
_LABEL_WIDTH = 300
_ARROW_GAP = 70
_HEADER = 70
_CAPTION = 30
_ROW = _CAPTION + ROW_HEIGHT + _PAD


@dataclass(frozen=True)
class Backend:
    """Where the demo sends its tasks. ``api_key`` is never printed."""

    base_url: str
    api_key: str
    label: str
    poll_interval: float


@dataclass
class Outcome:
    """One operation's run: its task, the moments its status changed, its files or error."""

    name: str
    arguments: dict[str, Any]
    task_id: str = ""
    submitted: float | None = None
    processing: float | None = None
    completed: float | None = None
    files: list[Path] = field(default_factory=list)
    error: str = ""

    @property
    def images(self) -> dict[str, bytes]:
        """The input images by argument name, the primary (the "before") first."""
        labels = [image.label for image in OPERATIONS[self.name].images]
        return {label: self.arguments[label] for label in labels if label in self.arguments}

    @property
    def params(self) -> str:
        """The non-image arguments, as ``name=value`` text."""
        rest = {key: value for key, value in self.arguments.items() if key not in self.images}
        return ", ".join(f"{key}={getattr(value, 'name', value)}" for key, value in rest.items())

    def seconds(self) -> tuple[float | None, float | None, float | None]:
        """(queued, processing, total) seconds, as far as polling could observe them."""
        start, mid, end = self.submitted, self.processing, self.completed
        queued = mid - start if start is not None and mid is not None else None
        processing = end - mid if mid is not None and end is not None else None
        total = end - start if start is not None and end is not None else None
        return queued, processing, total


def shown(path: Path) -> str:
    """``path`` relative to the current directory when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class Lifecycle:
    """Prints one line per task event, timed from the start of the demo."""

    def __init__(self, names: Sequence[str]) -> None:
        """Time events from now; align operation names to the longest of ``names``."""
        self.start = time.monotonic()
        self.width = max(map(len, names), default=0)

    def now(self) -> float:
        """Seconds since the demo started."""
        return time.monotonic() - self.start

    def say(self, outcome: Outcome, event: str) -> None:
        """Print ``event`` for ``outcome``'s task."""
        task = f"task {outcome.task_id}  " if outcome.task_id else ""
        print(f"[{self.now():6.2f} s] {outcome.name:<{self.width}}  {task}{event}", flush=True)

    def watch(self, outcome: Outcome) -> Callable[[StatusChange], None]:
        """An ``on_status`` callback recording and printing ``outcome``'s status changes."""

        def on_status(change: StatusChange) -> None:
            at = self.now()
            if change.status == "processing":
                outcome.processing = at
            elif change.status == "completed":
                outcome.completed = at
            queued, _, total = outcome.seconds()
            if change.status == "processing" and queued is not None:
                self.say(outcome, f"processing (queued {queued:.1f} s)")
            elif change.status == "completed" and total is not None:
                self.say(outcome, f"completed after {total:.1f} s")
            else:
                self.say(outcome, change.status)

        return on_status


async def run_operation(
    client: AsyncClient, name: str, arguments: dict[str, Any], out: Path, log: Lifecycle
) -> Outcome:
    """Submit one operation, wait for it and save its result files into ``out``.

    An :class:`~ailab.AilabError` is recorded in the outcome (and printed), not raised.
    """
    outcome = Outcome(name, arguments)
    operation: Any = getattr(client, name)
    try:
        task = await operation.submit(**arguments)
        outcome.task_id, outcome.submitted = task.task_id, log.now()
        log.say(outcome, "submitted")
        result = await client.wait(task, on_status=log.watch(outcome))
        for index in range(len(result.urls)):
            stem = name if index == 0 else f"{name}-{index + 1}"
            path = await result.save(out, index, name=stem)
            outcome.files.append(path)
            log.say(outcome, f"saved {shown(path)} ({path.stat().st_size / 1024:.0f} KB)")
    except AilabError as error:
        outcome.error = f"{type(error).__name__}: {' '.join(str(error).split())}"
        log.say(outcome, f"FAILED {outcome.error}")
    return outcome


async def run_all(backend: Backend, out: Path) -> list[Outcome]:
    """Run every operation in OPERATIONS concurrently; return their outcomes in that order."""
    arguments = call_arguments(OPERATIONS)
    log = Lifecycle(list(OPERATIONS))
    async with AsyncClient(
        backend.api_key, base_url=backend.base_url, poll_interval=backend.poll_interval
    ) as client:
        jobs = [run_operation(client, name, arguments[name], out, log) for name in OPERATIONS]
        return list(await asyncio.gather(*jobs))


def _fit(data: bytes | Path, height: int = ROW_HEIGHT) -> Image.Image:
    with Image.open(io.BytesIO(data) if isinstance(data, bytes) else data) as image:
        width = max(1, round(image.width * height / image.height))
        return image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int) -> list[str]:
    """``text`` broken into lines (at spaces) no wider than ``width`` pixels."""
    lines = [""]
    for word in text.split():
        candidate = f"{lines[-1]} {word}".strip()
        if lines[-1] and draw.textlength(candidate, font=font) > width:
            lines.append(word)
        else:
            lines[-1] = candidate
    return lines


def _label(sheet: Image.Image, outcome: Outcome, top: int) -> None:
    """The row's left column: title, operation, task, parameters, other inputs."""
    draw = ImageDraw.Draw(sheet)
    big, small = ImageFont.load_default(size=26), ImageFont.load_default(size=16)
    lines = [
        (text, big, "black")
        for text in _wrap(draw, OPERATIONS[outcome.name].title, big, _LABEL_WIDTH)
    ]
    lines += [(outcome.name, small, "dimgray"), (f"task {outcome.task_id}", small, "dimgray")]
    lines += [(text, small, "dimgray") for text in _wrap(draw, outcome.params, small, _LABEL_WIDTH)]
    y = top
    for text, font, colour in lines:
        draw.text((_PAD, y), text, fill=colour, font=font)
        y += 32 if font is big else 22
    x = _PAD
    for name, data in list(outcome.images.items())[1:]:  # inputs besides the "before"
        thumbnail = _fit(data, 90)
        sheet.paste(thumbnail, (x, top + ROW_HEIGHT - 90))
        draw.text((x, top + ROW_HEIGHT - 112), f"+ {name}", fill="dimgray", font=small)
        x += max(thumbnail.width, 110) + 12


def _arrow(draw: ImageDraw.ImageDraw, left: int, right: int, y: int) -> None:
    draw.line((left, y, right - 12, y), fill="gray", width=5)
    draw.polygon([(right, y), (right - 18, y - 12), (right - 18, y + 12)], fill="gray")


def contact_sheet(outcomes: Sequence[Outcome], subtitle: str) -> Image.Image:
    """One row per outcome with files: its label, then before and after at a common height."""
    rows = [(o, _fit(next(iter(o.images.values()))), _fit(o.files[0])) for o in outcomes]
    before_width = max((before.width for _, before, _ in rows), default=ROW_HEIGHT)
    after_width = max((after.width for _, _, after in rows), default=ROW_HEIGHT)
    before_x = _PAD + _LABEL_WIDTH + _PAD
    after_x = before_x + before_width + _ARROW_GAP
    size = (after_x + after_width + _PAD, _HEADER + len(rows) * _ROW + _PAD)
    sheet = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(sheet)
    big, small = ImageFont.load_default(size=26), ImageFont.load_default(size=16)
    heading = "ailab demo: before and after"
    draw.text((_PAD, 18), heading, fill="black", font=big)
    subtitle_x = _PAD + round(draw.textlength(heading, font=big)) + 16
    draw.text((subtitle_x, 26), f"({subtitle})", fill="dimgray", font=small)
    for number, (outcome, before, after) in enumerate(rows):
        top = _HEADER + number * _ROW
        draw.line((_PAD, top, size[0] - _PAD, top), fill="lightgray", width=2)
        _label(sheet, outcome, top + _CAPTION)
        primary = next(iter(outcome.images))
        for x, width, picture, caption in (
            (before_x, before_width, before, f"before ({primary})"),
            (after_x, after_width, after, "after"),
        ):
            left = x + (width - picture.width) // 2
            draw.text((left, top + 6), caption, fill="dimgray", font=small)
            sheet.paste(picture, (left, top + _CAPTION))
        middle = top + _CAPTION + ROW_HEIGHT // 2
        _arrow(draw, before_x + before_width + 15, after_x - 15, middle)
    return sheet


def print_summary(outcomes: Sequence[Outcome]) -> None:
    """A table of every operation: task id, queued/processing/total seconds, result or error."""

    def number(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    rows: list[tuple[str, ...]] = [
        ("operation", "task id", "queued s", "processing s", "total s", "result")
    ]
    for outcome in outcomes:
        failure = f"FAILED ({outcome.error.split(':', 1)[0]}, see above)"
        result = shown(outcome.files[0]) if outcome.files else failure
        rows.append((outcome.name, outcome.task_id or "-", *map(number, outcome.seconds()), result))
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    print()
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        cells += [cell.rjust(width) for cell, width in zip(row[2:5], widths[2:], strict=True)]
        print("  ".join([*cells, row[5]]))


@contextlib.contextmanager
def backend(args: argparse.Namespace) -> Iterator[Backend]:
    """The real API when AILAB_API_KEY is set, otherwise a sandbox running in this process."""
    key = os.environ.get(API_KEY_ENV, "").strip()
    if key:
        url = os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        poll = QUERY.poll_interval if args.poll_interval is None else args.poll_interval
        print(f"Using the real API at {url} ({API_KEY_ENV} is set); polling every {poll:g} s.")
        print(f"WARNING: this spends credits: {len(OPERATIONS)} tasks, one per operation.")
        yield Backend(url, key, f"real API at {url}", poll)
        return
    from ailab.sandbox import SandboxConfig, running_sandbox  # noqa: PLC0415 - only offline

    config = SandboxConfig(
        queued_seconds=args.queued_seconds, processing_seconds=args.processing_seconds
    )
    with running_sandbox(config) as sandbox:
        poll = SANDBOX_POLL_INTERVAL if args.poll_interval is None else args.poll_interval
        print(
            f"No {API_KEY_ENV} set: using an offline sandbox at {sandbox.url} (queued "
            f"{config.queued_seconds:g} s, processing {config.processing_seconds:g} s, "
            f"polling every {poll:g} s)."
        )
        yield Backend(sandbox.url, sandbox.api_key, "offline sandbox", poll)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(
        prog="python -m scripts.demo",
        description="Run every operation at once on drawn sample portraits; save the results "
        f"and a before/after contact sheet. Without {API_KEY_ENV} an offline sandbox runs in "
        "this process; with it, the real API is called (one paid task per operation).",
    )
    parser.add_argument("--out", metavar="DIR", type=Path, default=Path("demo-output"))
    parser.add_argument("--queued-seconds", metavar="S", type=float, default=1.0, help="sandbox")
    parser.add_argument(
        "--processing-seconds", metavar="S", type=float, default=2.0, help="sandbox"
    )
    parser.add_argument(
        "--poll-interval",
        metavar="S",
        type=float,
        default=None,
        help=f"seconds between status queries (sandbox: {SANDBOX_POLL_INTERVAL}, API: 5)",
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    """Write the inputs, run every operation, save results and the contact sheet; exit code."""
    inputs = args.out / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    for file_name, data in make_samples().files().items():
        (inputs / file_name).write_bytes(data)
    print(f"Wrote {len(make_samples().files())} sample inputs to {shown(inputs)}/")
    started = time.monotonic()
    with backend(args) as target:
        print(f"Running {len(OPERATIONS)} operations concurrently ...")
        outcomes = asyncio.run(run_all(target, args.out))
    print_summary(outcomes)
    done = [outcome for outcome in outcomes if outcome.files]
    if done:
        sheet = args.out / "contact-sheet.png"
        contact_sheet(done, target.label).save(sheet)
        print(f"\nContact sheet: {shown(sheet)} ({len(done)} rows)")
    failed = sum(1 for outcome in outcomes if outcome.error)
    verdict = f"{failed} of {len(outcomes)} failed" if failed else "all succeeded"
    print(f"Finished in {time.monotonic() - started:.1f} s: {verdict}.")
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; return the exit code (0 all succeeded, 1 some failed, 130 interrupted)."""
    args = parse_args(argv)
    try:
        return run(args)
    except KeyboardInterrupt:
        print(
            "\nInterrupted (Ctrl-C): stopped. Tasks already sent to the real API may still finish.",
            file=sys.stderr,
        )
        return 130
    except AilabError as error:  # e.g. a malformed AILAB_BASE_URL, before any task
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
