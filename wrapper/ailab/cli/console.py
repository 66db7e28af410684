"""Terminal output: live displays on a terminal, plain lines otherwise.

Results (paths, JSON records, task ids) go to stdout; everything for a human (status, progress,
warnings, errors) goes to stderr, so ``ailab ... --json | jq`` stays clean. Rich honours
``NO_COLOR`` and ``TERM=dumb``, and draws nothing live when stderr is not a terminal.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import Self

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ..results import StatusChange


@functools.cache
def _stderr() -> Console:
    # One console for every writer, so lines printed while a live display runs go above it.
    return Console(stderr=True, highlight=False, soft_wrap=True)


class Output:
    """Where the command line writes, and whether it may draw live displays."""

    def __init__(self, *, json_mode: bool = False, stderr: Console | None = None) -> None:
        """Write human output to ``stderr`` (the shared Console on sys.stderr by default)."""
        self.json_mode = json_mode
        self.err = stderr or _stderr()

    @property
    def live(self) -> bool:
        """Whether stderr is a terminal that can show a spinner or a progress bar."""
        return self.err.is_terminal and not self.err.is_dumb_terminal

    def say(self, text: str, style: str | None = None) -> None:
        """One line for a human, on stderr (never parsed as markup)."""
        self.err.print(text, style=style, markup=False, highlight=False)

    def warn(self, text: str) -> None:
        """A warning line."""
        self.say(f"warning: {text}", "yellow")

    def error(self, text: str) -> None:
        """An error line."""
        self.say(f"error: {text}", "bold red")

    def result(self, text: str) -> None:
        """A line on stdout for scripts (a saved path, a task id)."""
        print(text, flush=True)

    def record(self, data: Mapping[str, object]) -> None:
        """One JSON record on stdout (``--json``)."""
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        sys.stdout.flush()


class WarningsToConsole(logging.Handler):
    """Show the wrapper's warnings (retries, odd answers) as ``warning:`` lines."""

    def emit(self, record: logging.LogRecord) -> None:
        """Write one record; never raise from logging."""
        try:
            Output().warn(record.getMessage())
        except Exception:  # a logging handler must never break the command
            self.handleError(record)


def show_library_warnings() -> None:
    """Show the ``ailab`` logger's warnings on the console, not as bare logging output.

    With a handler on the ``ailab`` logger, Python's last-resort stderr handler stays out.
    """
    logger = logging.getLogger("ailab")
    if not any(isinstance(handler, WarningsToConsole) for handler in logger.handlers):
        logger.addHandler(WarningsToConsole(logging.WARNING))


class StatusLine:
    """A live ``queued / processing`` line with the elapsed time while one task runs."""

    def __init__(self, output: Output, label: str) -> None:
        """Show ``label: <status>`` while the context is open."""
        self.output = output
        self.label = label
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Self:
        """Start the live line (on a terminal)."""
        if self.output.live:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=self.output.err,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(escape(f"{self.label}: submitting"), total=None)
        return self

    def update(self, text: str) -> None:
        """Replace the status text."""
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=escape(f"{self.label}: {text}"))
        else:
            self.output.say(f"{self.label}: {text}")

    def print(self, text: str) -> None:
        """A permanent line above the live one (it stays in the terminal's scrollback)."""
        self.output.say(text)

    def on_status(self, change: StatusChange) -> None:
        """The wrapper's ``on_status`` callback."""
        if self._progress is not None:
            self.update(change.status)
        else:
            self.output.say(f"{self.label}: {change.status} ({change.elapsed:.1f} s)")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Remove the live line."""
        if self._progress is not None:
            self._progress.stop()


class BatchProgress:
    """The batch's progress bar (done, failed, in flight, ETA), or plain lines off a terminal.

    The bar counts images this run is finished with, whatever the outcome; failures are counted
    (and listed) separately.
    """

    def __init__(self, output: Output, total: int, done: int) -> None:
        """Count ``total`` images, ``done`` of which were finished by an earlier run."""
        self.output = output
        self.failed = 0
        self.flight = 0
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if output.live:
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[failed]} failed, {task.fields[flight]} in flight"),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=output.err,
            )
            self._task = self._progress.add_task(
                "batch", total=total, completed=done, failed=0, flight=0
            )

    @contextmanager
    def shown(self) -> Iterator[Self]:
        """Draw the bar while the context is open."""
        if self._progress is None:
            yield self
            return
        with self._progress:
            yield self

    def _refresh(self, advance: int = 0) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(
                self._task, advance=advance, failed=self.failed, flight=self.flight
            )

    def started(self) -> None:
        """One more image in flight."""
        self.flight += 1
        self._refresh()

    def finished(self) -> None:
        """One image left flight (saved, failed or left for a re-run): the bar advances."""
        self.flight -= 1
        self._refresh(advance=1)

    def saved(self, name: str, paths: list[str]) -> None:
        """An image's result was saved."""
        if self._progress is None and not self.output.json_mode:
            self.output.say(f"saved {name} -> {', '.join(paths)}")

    def failure(self, name: str, code: str, message: str, status: str = "failed") -> None:
        """One line per image this run could not finish, above the bar.

        ``status`` is ``failed``, or ``unfinished`` / ``uncertain`` for images a re-run takes
        up again (those are not counted as failed).
        """
        if status == "failed":
            self.failed += 1
        self._refresh()
        self.output.say(
            f"{status} {name}: {code}: {message}", "red" if status == "failed" else "yellow"
        )
