"""``ailab batch OP INPUT``: many images, bounded concurrency, a journal: nothing paid twice.

Each image goes through submit -> wait -> save on one of ``--concurrency`` workers, and every
step is committed to the journal before the next begins (see :mod:`ailab.cli.journal`).
Ctrl-C (or SIGTERM) stops new submits, cancels polling (the tasks carry on at the API), lets
submits and saves already under way finish, and prints the command that resumes. A second
Ctrl-C stops at once; the journal still knows which submits were in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import Any

from ..client import AsyncClient
from ..errors import (
    AilabError,
    ApiError,
    InvalidInputError,
    RateLimitError,
    ServerError,
    TaskFailedError,
    TaskNotFoundError,
    TransportError,
)
from ..images import prepare_image
from ..operations import QUERY
from ..results import AsyncResult, Task
from ..specs import OperationSpec
from .console import BatchProgress, Output
from .destination import Destination
from .exits import ExitCode, describe, error_code, is_account_error
from .inputs import Inputs
from .journal import Item, Journal, JournalError, State
from .options import command_name, primary_image
from .single import resume_command

RETENTION_SECONDS = QUERY.retention_hours * 3600


class Step(Enum):
    """What an image still needs in this run."""

    SUBMIT = "submit"
    WAIT = "wait"


@dataclass
class Tally:
    """How the images stand at the end of a run."""

    total: int = 0
    saved: int = 0
    saved_before: int = 0
    failed: list[str] = field(default_factory=list)
    failed_before: list[str] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BatchOptions:
    """Everything a batch run was asked to do."""

    spec: OperationSpec
    arguments: dict[str, Any]
    inputs: Inputs
    out: Path
    concurrency: int
    timeout: float
    overwrite: bool
    retry_failed: bool
    resubmit_uncertain: bool
    command: str


class Batch:
    """One run over a journal's images."""

    def __init__(
        self,
        options: BatchOptions,
        journal: Journal,
        client: AsyncClient,
        output: Output,
        clock: Any = time.time,
    ) -> None:
        """Prepare a run; nothing is sent before :meth:`run`."""
        self.options = options
        self.journal = journal
        self.client = client
        self.output = output
        self.clock = clock
        self.tally = Tally()
        self.stopping = False
        self.interrupted = False
        self.account_error: AilabError | None = None
        self.journal_error: JournalError | None = None
        self._polling: set[asyncio.Task[Any]] = set()
        self._workers: list[asyncio.Task[None]] = []
        self._queue: deque[tuple[Item, Step]] = deque()
        self._progress: BatchProgress | None = None
        self._operation = getattr(client, options.spec.name)
        self._primary = primary_image(options.spec)

    # ------------------------------------------------------------------ planning

    def plan(self) -> None:
        """Decide what each image needs from its journal state (see :mod:`ailab.cli.journal`)."""
        waits, submits = [], []
        for item in self.journal.items():
            self.tally.total += 1
            step = self._step(item, self.clock())
            if step is Step.WAIT:
                waits.append(item)
            elif step is Step.SUBMIT:
                submits.append(item)
        # Tasks already paid for first: their results expire; new submits can wait.
        self._queue.extend((item, Step.WAIT) for item in waits)
        self._queue.extend((item, Step.SUBMIT) for item in submits)
        plan = [f"{len(submits)} to submit"]
        if waits:
            plan.insert(0, f"{len(waits)} submitted earlier (polled again, not resubmitted)")
        if self.tally.saved_before:
            plan.insert(0, f"{self.tally.saved_before} already saved")
        self.output.say(f"{self.tally.total} images: {', '.join(plan)}")

    def _step(self, item: Item, now: float) -> Step | None:  # noqa: PLR0911 - a state table
        young = item.submitted_at is not None and now - item.submitted_at < RETENTION_SECONDS
        if item.state is State.SAVED:
            if all(Path(path).exists() for path in item.saved):
                self.tally.saved_before += 1
                return None
            if young:
                self.output.warn(f"{item.key}: its saved result is missing; fetching it again")
                return Step.WAIT
            # Never turned into "failed": --retry-failed would then pay for it again.
            self.output.warn(
                f"{item.key}: its result ({', '.join(item.saved)}) is no longer on disk and its "
                f"task is older than {QUERY.retention_hours} hours; it is not redone"
            )
            self.tally.saved_before += 1
            return None
        if item.state is State.SUBMITTED:
            if young:
                return Step.WAIT
            self.output.warn(
                f"{item.key}: task {item.task_id} is older than {QUERY.retention_hours} hours, "
                "so its result is gone; submitting it again"
            )
            return Step.SUBMIT
        if item.state in (State.SUBMITTING, State.UNCERTAIN):
            if self.options.resubmit_uncertain:
                return Step.SUBMIT
            self.tally.uncertain.append(item.key)
            return None
        if item.state is State.FAILED and not self.options.retry_failed:
            self.tally.failed_before.append(item.key)
            return None
        return Step.SUBMIT

    # ------------------------------------------------------------------ running

    async def run(self) -> ExitCode:
        """Process every planned image; return the exit code."""
        started = time.monotonic()
        done = self.tally.total - len(self._queue)  # settled earlier, or held (uncertain)
        self._progress = BatchProgress(self.output, self.tally.total, done)
        with self._signals(), self._progress.shown():
            workers = min(self.options.concurrency, len(self._queue))
            self._workers = [asyncio.create_task(self._worker()) for _ in range(workers)]
            outcomes = await asyncio.gather(*self._workers, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                raise outcome
        if self.journal_error is not None:
            raise self.journal_error
        self._summary(time.monotonic() - started)
        return self._exit_code()

    async def _worker(self) -> None:
        while self._queue and not self.stopping:
            item, step = self._queue.popleft()
            if step is Step.SUBMIT and self.account_error is not None:
                self.tally.unfinished.append(item.key)
                continue
            assert self._progress is not None  # noqa: S101 - set by run()
            self._progress.started()
            try:
                await self._process(item, step)
            except asyncio.CancelledError:  # a second Ctrl-C: the journal says where it stood
                if self.journal.state(item.key) is State.SUBMITTING:
                    self.tally.uncertain.append(item.key)  # cut off on the wire
                else:
                    self.tally.unfinished.append(item.key)
                raise
            except JournalError as error:
                # Without a journal nothing can promise "never twice": stop everything.
                self.journal_error = self.journal_error or error
                self.stopping = True
                for task in self._polling:
                    task.cancel()
            finally:
                self._progress.finished()

    async def _process(self, item: Item, step: Step) -> None:
        saved: tuple[str, ...] = ()
        if step is Step.SUBMIT:
            task = await self._submit(item)
            if task is None:
                return
        else:
            assert item.task_id is not None  # noqa: S101 - a WAIT item has a task id
            when = datetime.fromtimestamp(item.submitted_at or 0, UTC)
            task = Task(item.task_id, self.options.spec.name, when)
            saved = item.saved
        if self.stopping:
            self.tally.unfinished.append(item.key)
            return
        result = await self._wait(item, task)
        if result is not None:
            await self._save(item, result, list(saved))

    async def _submit(self, item: Item) -> Task | None:
        path = self.options.inputs.files[item.key]
        try:
            image = prepare_image(path, self._primary, self.options.spec.name)
        except InvalidInputError as error:
            self._failed(item.key, "INVALID_INPUT", str(error))
            return None
        if self.account_error is not None or self.stopping:
            self.tally.unfinished.append(item.key)
            return None
        self.journal.mark_submitting(item.key)
        arguments = {**self.options.arguments, self._primary.label: image.data}
        try:
            task: Task = await self._operation.submit(**arguments)
        except AilabError as error:
            self._submit_failed(item.key, error)
            return None
        submitted = task.submitted_at.timestamp() if task.submitted_at else self.clock()
        try:
            self.journal.mark_submitted(item.key, task.task_id, submitted)
        except JournalError:
            command = resume_command(task.task_id, command_name(self.options.spec), None)
            self.output.error(f"{item.key} was submitted as task {task.task_id}: {command}")
            raise
        return task

    def _submit_failed(self, key: str, error: AilabError) -> None:
        """Journal a failed submit by whether the API can have accepted it."""
        code = error_code(error)
        if isinstance(error, TransportError | RateLimitError) or (
            isinstance(error, ServerError) and not error.task_may_exist
        ):
            # Refused or never sent (a sent-but-unanswered submit is SubmissionUncertainError):
            # nothing was charged and the image is not at fault, so a re-run simply retries it.
            self.journal.mark_pending(key)
            self.journal.note_error(key, code, str(error))
            self.tally.unfinished.append(key)
            hint = " (lower --concurrency)" if isinstance(error, RateLimitError) else ""
            message = f"{error} (not charged; re-run to retry{hint})"
            self._report(key, code, message, "unfinished")
        elif isinstance(error, InvalidInputError):
            self._failed(key, code, str(error))
        elif is_account_error(error):
            self.journal.mark_pending(key)
            self.tally.unfinished.append(key)
            self._halt(error)
        elif isinstance(error, ApiError) and not error.task_may_exist:
            self._failed(key, code, str(error))
        else:
            # SubmissionUncertainError, a 500/502/504, or anything unforeseen after the intent:
            # the API may have accepted it, so it is never resubmitted without being asked.
            self._uncertain(key, code, str(error))

    async def _wait(self, item: Item, task: Task) -> AsyncResult[Any] | None:
        polling = asyncio.create_task(self.client.wait(task, timeout=self.options.timeout))
        self._polling.add(polling)
        try:
            await asyncio.wait({polling})
        finally:
            self._polling.discard(polling)
            if not polling.done():  # this worker itself was cancelled (a second Ctrl-C)
                polling.cancel()
        if polling.cancelled():
            self.tally.unfinished.append(item.key)
            return None
        error = polling.exception()
        if error is None:
            result: AsyncResult[Any] = polling.result()
            return result
        if isinstance(error, TaskFailedError | TaskNotFoundError):
            self._failed(item.key, error_code(error), str(error))
        elif isinstance(error, AilabError):
            if is_account_error(error):
                self._halt(error)
            self._unfinished(item.key, error)
        else:
            raise error
        return None

    async def _save(self, item: Item, result: AsyncResult[Any], paths: list[str]) -> None:
        output = PurePosixPath(item.output)
        folder = self.options.out.joinpath(*output.parent.parts)
        destination = Destination(folder=folder, name=output.name)
        try:
            for index in range(len(result.urls)):
                if index < len(paths) and Path(paths[index]).exists():
                    continue  # saved before this run stopped (or before it was deleted)
                target, name = destination.target(index)
                placed = await result.save(
                    target, index, name=name, overwrite=self.options.overwrite
                )
                saved = os.path.abspath(placed)  # found again from any working directory
                paths[index : index + 1] = [saved]
                self.journal.record_files(item.key, paths)
        except AilabError as error:
            self._unfinished(item.key, error)
            return
        self.journal.mark_saved(item.key, paths)
        self.tally.saved += 1
        assert self._progress is not None  # noqa: S101 - set by run()
        self._progress.saved(item.key, [_shown(path) for path in paths])
        if self.output.json_mode:
            self.output.record(
                {
                    "input": item.key,
                    "status": "saved",
                    "task_id": result.task_id,
                    "operation": command_name(self.options.spec),
                    "urls": result.urls,
                    "saved": paths,
                }
            )

    # ------------------------------------------------------------------ outcomes

    def _report(self, key: str, code: str, message: str, status: str = "failed") -> None:
        assert self._progress is not None  # noqa: S101 - set by run()
        self._progress.failure(key, code, message, status)
        if self.output.json_mode:
            self.output.record(
                {"input": key, "status": status, "error": {"code": code, "message": message}}
            )

    def _failed(self, key: str, code: str, message: str) -> None:
        self.journal.mark_failed(key, code, message)
        self.tally.failed.append(key)
        self._report(key, code, message)

    def _uncertain(self, key: str, code: str, message: str) -> None:
        self.journal.mark_uncertain(key, code, message)
        self.tally.uncertain.append(key)
        self._report(key, code, message, "uncertain")

    def _unfinished(self, key: str, error: AilabError) -> None:
        """The task exists and is paid for; a re-run polls it again (never resubmits it)."""
        self.journal.note_error(key, error_code(error), describe(error))
        self.tally.unfinished.append(key)
        message = f"{describe(error)} (the task is kept; re-run to resume)"
        self._report(key, error_code(error), message, "unfinished")

    def _halt(self, error: AilabError) -> None:
        if self.account_error is None:
            self.account_error = error
            self.output.error(f"{error}; no more images will be submitted")

    # ------------------------------------------------------------------ interrupts

    @contextlib.contextmanager
    def _signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        installed = []
        names = ("SIGINT", "SIGTERM", "SIGHUP")  # SIGHUP: the terminal closed (not on Windows)
        for number in [getattr(signal, name) for name in names if hasattr(signal, name)]:
            try:
                loop.add_signal_handler(number, self._interrupt)
                installed.append(number)
            except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not main thread
                pass
        try:
            yield
        finally:
            for number in installed:
                loop.remove_signal_handler(number)

    def _interrupt(self) -> None:
        self.interrupted = True
        if self.stopping:
            self.output.warn("stopping now")
            for task in [*self._workers, *self._polling]:
                task.cancel()
            return
        self.stopping = True
        self.output.warn(
            "stopping: no new submits; letting submits and saves in flight finish "
            "(Ctrl-C again to stop at once)"
        )
        for task in self._polling:
            task.cancel()

    # ------------------------------------------------------------------ summary

    def _summary(self, seconds: float) -> None:
        tally = self.tally
        self.tally.unfinished.extend(item.key for item, _ in self._queue)
        parts = [f"{tally.saved + tally.saved_before} saved"]
        if tally.saved_before:
            parts[0] += f" ({tally.saved_before} by an earlier run)"
        failed = len(tally.failed) + len(tally.failed_before)
        parts += [f"{failed} failed", f"{len(tally.unfinished)} unfinished"]
        parts.append(f"{len(tally.uncertain)} uncertain")
        self.output.say(
            f"{tally.total} images: {', '.join(parts)} in {seconds:.1f} s. "
            f"Journal: {self.journal.path}"
        )
        if tally.uncertain:
            self.output.warn(
                f"{len(tally.uncertain)} image(s) were being submitted when a run stopped, or "
                "their submit failed after reaching the API: the API may have accepted (and "
                f"charged) them without telling us their task id: {_names(tally.uncertain)}. "
                "They are not submitted again automatically. Check your AILabTools task list, "
                "then re-run with --resubmit-uncertain to submit them again (this may pay twice)."
            )
        if tally.failed_before:
            self.output.say(
                f"{len(tally.failed_before)} image(s) failed in an earlier run "
                f"({_names(tally.failed_before)}): re-run with --retry-failed to submit them again."
            )
        if self.interrupted or tally.unfinished:
            self.output.say(f"Resume with: {self.options.command}")

    def _exit_code(self) -> ExitCode:
        if self.interrupted:
            return ExitCode.INTERRUPTED
        if self.account_error is not None:
            return ExitCode.ACCOUNT
        tally = self.tally
        if tally.failed or tally.failed_before or tally.unfinished or tally.uncertain:
            return ExitCode.FAILED
        return ExitCode.OK


def _shown(path: str) -> str:
    """A saved path as the user would type it: relative to here when it is below here."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _names(keys: list[str], limit: int = 10) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")
