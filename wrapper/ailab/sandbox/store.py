"""Tasks and result files: who is queued, processing, done or failed, and what expires when.

A task's state follows from its age on the sandbox's clock, so nothing runs in the background:
queued for ``queued_seconds``, then processing for ``processing_seconds``, then completed (its
result is rendered once, on first demand) or failed. Result URLs stop working ``result_ttl``
seconds after completion; tasks are forgotten ``retention_seconds`` after submission.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from enum import IntEnum

from .config import SandboxConfig
from .validation import CheckedSubmit

_SWEEP_EVERY = 1024  # requests between scans that drop long-expired result files


class State(IntEnum):
    """A task's ``task_status``; ``FAILED`` is answered as an error, never as a status."""

    QUEUED = 0
    PROCESSING = 1
    COMPLETED = 2
    FAILED = 3


@dataclass
class ResultFile:
    """A rendered result, reachable under its token until ``expires``."""

    content: bytes
    media_type: str
    expires: float
    expired: bool = False


@dataclass
class Task:
    """One accepted submit."""

    task_id: str
    operation: str
    submitted: float
    fails: bool
    submit: CheckedSubmit | None  # dropped once the result is rendered
    tokens: list[str] = field(default_factory=list)
    media_type: str = ""
    render_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def new_task_id() -> str:
    """An id shaped like the API's: ``<epoch milliseconds>x<12 hex digits>``."""
    return f"{time.time_ns() // 1_000_000}x{secrets.token_hex(6)}"


class TaskStore:
    """Every task and result file of one sandbox."""

    def __init__(self, config: SandboxConfig) -> None:
        """Time tasks with ``config.clock``."""
        self._config = config
        self._tasks: dict[str, Task] = {}
        self._files: dict[str, ResultFile] = {}
        self._sweeps = 0

    def __len__(self) -> int:
        self._forget_old()
        return len(self._tasks)

    def add(self, operation: str, submit: CheckedSubmit, *, fails: bool) -> Task:
        """Accept a submit: a new queued task."""
        self._forget_old()
        task = Task(new_task_id(), operation, self._config.clock(), fails, submit)
        self._tasks[task.task_id] = task
        return task

    def get(self, task_id: str) -> Task | None:
        """The task, unless it never existed or is past its retention."""
        self._forget_old()
        return self._tasks.get(task_id)

    def state(self, task: Task) -> State:
        """Where the task is now."""
        age = self._config.clock() - task.submitted
        if age < self._config.queued_seconds:
            return State.QUEUED
        if age < self._config.queued_seconds + self._config.processing_seconds:
            return State.PROCESSING
        return State.FAILED if task.fails else State.COMPLETED

    def completed_at(self, task: Task) -> float:
        """When the task finished (or will finish), on the sandbox's clock."""
        return task.submitted + self._config.queued_seconds + self._config.processing_seconds

    def publish(self, task: Task, content: bytes, media_type: str) -> str:
        """Keep a rendered result; return the token its URL carries."""
        token = secrets.token_urlsafe(16)
        expires = self.completed_at(task) + self._config.result_ttl
        self._files[token] = ResultFile(content, media_type, expires)
        task.tokens.append(token)
        task.media_type = media_type
        task.submit = None
        return token

    def result(self, token: str) -> ResultFile | None:
        """The file for ``token`` (check ``expired``), or None if it never existed."""
        found = self._files.get(token)
        if found is not None and self._config.clock() >= found.expires:
            found.content = b""  # the token is remembered (an expired link), its bytes are not
            found.expired = True
        return found

    def _forget_old(self) -> None:
        now = self._config.clock()
        horizon = now - self._config.retention_seconds
        # Tasks are kept in submission order, so the old ones are at the front. Their result
        # files stay until they expire: a link's life is result_ttl, whatever else happens.
        while self._tasks:
            task = next(iter(self._tasks.values()))
            if task.submitted > horizon:
                break
            del self._tasks[task.task_id]
        self._sweeps += 1
        if self._sweeps % _SWEEP_EVERY == 0:
            old = [t for t, found in self._files.items() if found.expires <= horizon]
            for token in old:  # expired for longer than tasks are kept: forget the link too
                del self._files[token]
