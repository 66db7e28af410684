"""``ailab <operation> IMAGE`` and ``ailab wait TASK_ID``: one task, from submit to saved file."""

from __future__ import annotations

import contextlib
import shlex
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..client import Client
from ..errors import (
    AilabError,
    AuthenticationError,
    InvalidInputError,
    TaskFailedError,
    TaskNotFoundError,
)
from ..operations import OPERATIONS
from ..results import Result, Task
from ..specs import OperationSpec
from .connection import Connection
from .console import Output, StatusLine
from .destination import Destination
from .exits import CommandError, ExitCode, describe
from .options import call_arguments, command_name, primary_image


def resume_command(task_id: str, operation: str | None, out: str | Path | None) -> str:
    """The command that picks a task up again (the key comes from the environment)."""
    words = ["ailab", "wait", task_id]
    if operation:
        words += ["--operation", operation]
    if out is not None:
        words += ["-o", str(out)]
    return shlex.join(words)


def run_operation(
    spec: OperationSpec,
    values: dict[str, Any],
    connection: Connection,
    *,
    out: str | None,
    overwrite: bool,
    no_wait: bool,
) -> None:
    """Submit one image, wait with a live status line, save the result and say where."""
    output = Output(json_mode=connection.json_mode)
    name = command_name(spec)
    source: Path = values[primary_image(spec).label]
    destination = Destination.choose(out, source=source, suffix=name)
    if not no_wait:
        destination.check(overwrite=overwrite)
    arguments = call_arguments(spec, values)
    with stops_as_interrupts(), connection.client() as client:
        with StatusLine(output, source.name) as line:
            try:
                task: Task = getattr(client, spec.name).submit(**arguments)
            except KeyboardInterrupt:
                output.warn(
                    "interrupted while submitting: the task may have been created (and charged);"
                    " check your task list before submitting this image again"
                )
                raise
            if no_wait:
                _report_task(output, task, name, out)
                return
            line.print(f"{source.name}: submitted as task {task.task_id}")
            hint = resume_command(task.task_id, name, out)
            result = _wait(client, task, line, timeout=connection.timeout, hint=hint)
        _save(output, result, name, destination, overwrite=overwrite, resume_out=out)


def run_wait(
    task_id: str,
    operation: str | None,
    connection: Connection,
    *,
    out: str | None,
    overwrite: bool,
) -> None:
    """Wait for an earlier task and save its result."""
    output = Output(json_mode=connection.json_mode)
    spec = _operation(operation) if operation else None
    name = command_name(spec) if spec else None
    destination = Destination.choose(out, source=None, suffix="")
    destination.check(overwrite=overwrite)
    task: Task | str = Task(task_id, spec.name) if spec else task_id
    with stops_as_interrupts(), connection.client() as client:
        with StatusLine(output, f"task {task_id}") as line:
            hint = resume_command(task_id, name, out)
            result = _wait(client, task, line, timeout=connection.timeout, hint=hint)
        name = name or command_name(OPERATIONS[result.operation])
        _save(output, result, name, destination, overwrite=overwrite, resume_out=out)


@contextlib.contextmanager
def stops_as_interrupts() -> Iterator[None]:
    """Treat SIGTERM and SIGHUP (a closed terminal) like Ctrl-C, so the resume hint is printed."""

    def interrupt(number: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is None:  # Windows has no SIGHUP
            continue
        with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
            previous[number] = signal.signal(number, interrupt)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _operation(text: str) -> OperationSpec:
    key = text.strip().lower().replace("-", "_")
    if key not in OPERATIONS:
        known = ", ".join(sorted(command_name(spec) for spec in OPERATIONS.values()))
        raise CommandError(f"--operation {text!r} is not one of: {known}")
    return OPERATIONS[key]


def _wait(
    client: Client,
    task: Task | str,
    line: StatusLine,
    *,
    timeout: float,
    hint: str,
) -> Result[Any]:
    """Wait with the status line; errors that waiting again can fix carry the resume hint."""
    try:
        return client.wait(task, on_status=line.on_status, timeout=timeout)
    except KeyboardInterrupt:
        line.output.warn(f"stopped waiting; the task carries on. Resume with: {hint}")
        raise
    except InvalidInputError:
        raise
    except AilabError as error:
        if _resumable(error):
            raise CommandError(
                f"{describe(error)}\nResume with: {hint}", ExitCode.FAILED
            ) from error
        raise


def _resumable(error: AilabError) -> bool:
    """Whether waiting again later can still bring the result."""
    return not isinstance(error, TaskFailedError | TaskNotFoundError | AuthenticationError)


def _save(
    output: Output,
    result: Result[Any],
    name: str,
    destination: Destination,
    *,
    overwrite: bool,
    resume_out: str | None,
) -> None:
    hint = resume_command(result.task_id, name, resume_out)
    try:
        paths = destination.save(result, overwrite=overwrite)
    except KeyboardInterrupt:
        output.warn(f"stopped while saving; the task is done. Fetch it again with: {hint}")
        raise
    except AilabError as error:
        raise CommandError(
            f"{error}\nThe task is done; fetch it again with: {hint}", ExitCode.FAILED
        ) from error
    if output.json_mode:
        output.record(
            {
                "task_id": result.task_id,
                "operation": name.replace("_", "-"),
                "urls": result.urls,
                "saved": [str(path) for path in paths],
            }
        )
        return
    for path in paths:
        output.result(str(path))


def _report_task(output: Output, task: Task, name: str, out: str | None) -> None:
    if output.json_mode:
        output.record(
            {
                "task_id": task.task_id,
                "operation": name,
                "submitted_at": task.submitted_at.isoformat() if task.submitted_at else None,
            }
        )
    else:
        output.result(task.task_id)
    output.say(f"submitted; wait for it with: {resume_command(task.task_id, name, out)}")
