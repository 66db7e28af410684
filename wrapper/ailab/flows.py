"""The client's logic, free of I/O: submit, poll until done, download.

Each flow is a generator. It yields an action (:class:`Send`, :class:`Sleep`, :class:`Fetch`)
and receives that action's outcome; it returns the final value or raises an
:class:`~ailab.errors.AilabError`. :mod:`ailab.engine` drives the same flows with httpx, once
synchronously and once with asyncio, so the retry and poll rules exist exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .envelope import Reply, api_error, failure_status, is_retryable, reasons, retry_after
from .errors import (
    AilabError,
    DownloadError,
    ResultExpiredError,
    SubmissionUncertainError,
    TaskFailedError,
    TransportError,
    UnexpectedResponseError,
    WaitTimeoutError,
)
from .policy import RetryPolicy
from .results import StatusChange, Task
from .specs import OperationSpec, QuerySpec
from .submission import Submission, query_request

logger = logging.getLogger("ailab")
T = TypeVar("T")
StatusCallback = Callable[[StatusChange], object]
# Answers to a download that mean the file is gone, not that the storage host is struggling.
_EXPIRED = frozenset({403, 404, 410})
_DOWNLOAD_RETRYABLE = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Send:
    """Send an API request built by ``request()`` (called anew for every attempt)."""

    request: Callable[[], dict[str, Any]]
    label: str


@dataclass(frozen=True)
class Sleep:
    """Wait this many seconds."""

    seconds: float


@dataclass(frozen=True)
class Fetch:
    """Download a result file into memory (``target`` None) or to ``target``.

    For a directory target the file is named ``name`` (default: from the task id) plus an
    extension from the content. Without ``overwrite`` an existing file is never replaced.
    """

    url: str
    target: Path | None
    task_id: str
    index: int
    max_bytes: int
    name: str = ""
    overwrite: bool = True


@dataclass(frozen=True)
class NoReply:
    """No HTTP answer. ``sent`` is False only when the request surely never left."""

    sent: bool
    detail: str


@dataclass(frozen=True)
class Fetched:
    """A complete download: the bytes, or the path the file was moved to."""

    data: bytes | None = None
    path: Path | None = None


@dataclass(frozen=True)
class Oversize:
    """The download was stopped at the size cap (nothing was kept)."""

    limit: int


Action = Send | Sleep | Fetch
Outcome = Reply | NoReply | Fetched | Oversize | None
Flow = Generator[Action, Outcome, T]


@dataclass(frozen=True)
class Context:
    """What the flows need from their client: policy, clocks and the query endpoint."""

    policy: RetryPolicy
    clock: Callable[[], float]
    now: Callable[[], datetime]
    query: QuerySpec
    operations: Mapping[str, OperationSpec]
    max_download_bytes: int


def _reply(outcome: Outcome) -> Reply | NoReply:
    if not isinstance(outcome, Reply | NoReply):
        raise TypeError(f"unexpected outcome {outcome!r}")  # a driver bug, not an API answer
    return outcome


def _backoff(
    ctx: Context, error: AilabError, retry: int, *, hint: float | None, deadline: float, label: str
) -> Flow[None]:
    """Sleep before retry number ``retry``, or raise ``error`` when retries or time run out."""
    if retry > ctx.policy.max_retries:
        raise error
    delay = max(0.0, ctx.policy.delay(retry, hint))
    if ctx.clock() + delay > deadline:
        raise error
    logger.warning(
        "%s failed (%s); retry %d of %d in %.1f s",
        label,
        error,
        retry,
        ctx.policy.max_retries,
        delay,
    )
    yield Sleep(delay)


def submit_flow(submission: Submission, ctx: Context, deadline: float) -> Flow[Task]:
    """Send the submit; resend only when the API cannot have started any work."""
    name = submission.spec.name
    label = f"{name} submit"
    retry = 0
    while True:
        started = ctx.clock()
        outcome = _reply((yield Send(submission.request, label)))
        hint = None
        if isinstance(outcome, NoReply):
            if outcome.sent:
                raise SubmissionUncertainError(
                    f"{label}: the request was sent but no answer came back ({outcome.detail}). "
                    "A task may exist and be charged, so it was not resent; check your task "
                    "list before submitting again."
                )
            error: AilabError = TransportError(
                f"{label}: could not connect ({outcome.detail}); nothing was submitted",
                request_sent=False,
            )
        else:
            body = outcome.json_object()
            status = failure_status(outcome, body)
            if status is None:
                return _accepted(submission.spec, outcome, body, ctx.clock() - started)
            error = api_error(outcome, body, status, phase="submit", operation=name)
            if not is_retryable(error, "submit"):
                raise error
            hint = retry_after(outcome.headers, ctx.now())
        retry += 1
        yield from _backoff(ctx, error, retry, hint=hint, deadline=deadline, label=label)


def _accepted(
    spec: OperationSpec, reply: Reply, body: dict[str, Any] | None, duration: float
) -> Task:
    task_id = body.get("task_id") if body else None
    if not isinstance(task_id, str) or not task_id:
        raise SubmissionUncertainError(
            f"{spec.name} submit: HTTP 200 without a task_id ({reply.snippet()}). A task may "
            "exist and be charged; check your task list before submitting again."
        )
    request_id = body.get("request_id") if body else None
    logger.info(
        "%s submitted: task %s (request_id=%s, log_id=%s, %.2f s)",
        spec.name,
        task_id,
        request_id,
        body.get("log_id") if body else None,
        duration,
    )
    return Task(
        task_id=task_id,
        operation=spec.name,
        submitted_at=Task.now(),
        request_id=request_id if isinstance(request_id, str) else None,
    )


@dataclass(frozen=True)
class Finished:
    """What a completed query yields: the operation, its answer, typed model and URLs."""

    spec: OperationSpec
    raw: dict[str, Any]
    model: Any
    urls: list[str]


def wait_flow(
    task_id: str,
    spec: OperationSpec | None,
    ctx: Context,
    *,
    deadline: float,
    poll_interval: float,
    on_status: StatusCallback | None,
) -> Flow[Finished]:
    """Query until the task completes, fails or the deadline (a ``ctx.clock`` time) passes.

    The first query is always sent, even when the deadline has already passed.
    """
    start = ctx.clock()
    name = spec.name if spec else None
    label = f"query of task {task_id}"
    last: str | None = None
    retry = 0
    while True:
        outcome = _reply((yield Send(lambda: query_request(ctx.query, task_id), label)))
        body, error, hint = _query_answer(outcome, ctx, label, name, task_id)
        if body is not None:
            retry = 0
            state = _state(body, ctx.query, label, task_id)
            if state != last:
                _report(on_status, StatusChange(task_id, name, state, last, ctx.clock() - start))
                last = state
            if state in ctx.query.completed.values():
                return _finished(body, spec, ctx, task_id, ctx.clock() - start)
            delay = max(poll_interval, hint or 0.0)
        else:
            assert error is not None  # noqa: S101 - _query_answer returns one or the other
            retry += 1
            if retry > ctx.policy.max_retries:
                raise error
            delay = ctx.policy.delay(retry, hint)
            logger.warning("%s failed (%s); retry %d in %.1f s", label, error, retry, delay)
        remaining = deadline - ctx.clock()
        if remaining <= 0:
            raise WaitTimeoutError(
                f"task {task_id} did not finish before the deadline ({ctx.clock() - start:.1f} s "
                f"of waiting; last status: {last}); it is not lost: resume with "
                f"client.wait({task_id!r}, operation={name!r})",
                task_id=task_id,
                operation=name,
                last_status=last,
            )
        yield Sleep(max(0.0, min(delay, remaining)))


def _query_answer(
    outcome: Reply | NoReply, ctx: Context, label: str, name: str | None, task_id: str
) -> tuple[dict[str, Any] | None, AilabError | None, float | None]:
    """(successful body, or a retryable error; Retry-After hint). Raises what is final."""
    if isinstance(outcome, NoReply):
        error = TransportError(
            f"{label}: {outcome.detail}", request_sent=outcome.sent, task_id=task_id
        )
        return None, error, None
    body = outcome.json_object()
    status = failure_status(outcome, body)
    hint = retry_after(outcome.headers, ctx.now())
    if status is not None:
        failure = api_error(outcome, body, status, phase="query", operation=name, task_id=task_id)
        if not is_retryable(failure, "query"):
            raise failure
        return None, failure, hint
    if body is None:
        raise UnexpectedResponseError(
            f"{label}: HTTP 200 with a body that is not a JSON object "
            f"({outcome.snippet()}); resume with client.wait({task_id!r})",
            status_code=outcome.status,
            task_id=task_id,
        )
    return body, None, hint


def _report(on_status: StatusCallback | None, change: StatusChange) -> None:
    logger.info(
        "task %s (%s): %s after %.1f s",
        change.task_id,
        change.operation,
        change.status,
        change.elapsed,
    )
    if on_status is not None:
        on_status(change)


def _state(body: Mapping[str, Any], query: QuerySpec, label: str, task_id: str) -> str:
    value = body.get("task_status")
    status = value if isinstance(value, int) and not isinstance(value, bool) else None
    if status is None and isinstance(value, str) and value.strip().isdigit():
        status = int(value)
    if status in query.failed:
        code, code_message, message = reasons(body)
        why = " - ".join(part for part in (code, code_message, message) if part)
        raise TaskFailedError(
            f"{label}: the task failed (task_status {status})" + (f": {why}" if why else ""),
            status_code=200,
            code=code or "TASK_FAILED",
            code_message=code_message,
            api_message=message,
            request_id=body.get("request_id") if isinstance(body.get("request_id"), str) else None,
            log_id=body.get("log_id") if isinstance(body.get("log_id"), str) else None,
            task_id=task_id,
        )
    states = {**query.pending, **query.completed}
    if status not in states:
        raise UnexpectedResponseError(
            f"{label}: unknown task_status {value!r}; the task may still finish: resume with "
            f"client.wait({task_id!r}) later",
            status_code=200,
            task_id=task_id,
        )
    return states[status]


def _finished(
    body: dict[str, Any], spec: OperationSpec | None, ctx: Context, task_id: str, took: float
) -> Finished:
    candidates = [spec] if spec else list(ctx.operations.values())
    for candidate in candidates:
        try:
            urls = _urls(body, candidate.url_path)
        except (KeyError, ValueError):
            continue
        if urls:
            logger.info("task %s (%s) completed in %.1f s", task_id, candidate.name, took)
            logger.debug("task %s result URLs: %s", task_id, urls)
            return Finished(candidate, body, _model(candidate, body, task_id), urls)
    expected = f"the {spec.name} result ({'.'.join(spec.url_path)})" if spec else "a known result"
    raise UnexpectedResponseError(
        f"task {task_id} completed, but the answer lacks {expected}",
        status_code=200,
        task_id=task_id,
    )


def _model(spec: OperationSpec, body: dict[str, Any], task_id: str) -> Any:
    """The generated model of the answer, or None when it strays from the spec elsewhere.

    The URLs were found, so the result is usable: a missing envelope field must not cost it.
    """
    model_class: Any = spec.result_model
    try:
        return model_class.from_dict(body)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        logger.warning(
            "task %s: the answer does not match %s (%s: %s); Result.model is None",
            task_id,
            model_class.__name__,
            type(exc).__name__,
            exc,
        )
        return None


def _urls(body: Mapping[str, Any], path: tuple[str, ...]) -> list[str]:
    """Follow ``path`` (keys, ``*`` = every list item) to the result URLs; raise if malformed."""
    values: list[object] = [body]
    for step in path:
        found: list[object] = []
        for value in values:
            if step == "*" and isinstance(value, list):
                found.extend(value)
            elif isinstance(value, Mapping) and step in value:
                found.append(value[step])
            else:
                raise KeyError(step)
        values = found
    urls = [value for value in values if isinstance(value, str) and _is_http_url(value)]
    if len(urls) != len(values):
        raise ValueError("result URLs must be http(s) URLs")
    return urls


def _is_http_url(text: str) -> bool:
    """An absolute http(s) URL with a host and no spaces or control characters."""
    try:
        parts = urlsplit(text)
        return (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and text.isprintable()
            and " " not in text
        )
    except ValueError:  # e.g. a malformed IPv6 host or port
        return False


def download_flow(fetch: Fetch, ctx: Context, deadline: float) -> Flow[Fetched]:
    """Fetch one result file, retrying transient failures; 403/404 mean it expired."""
    host = urlsplit(fetch.url).hostname or "the storage host"
    label = f"download of task {fetch.task_id}'s result from {host}"
    retry = 0
    while True:
        outcome = yield fetch
        if isinstance(outcome, Fetched):
            return outcome
        if isinstance(outcome, Oversize):
            raise DownloadError(
                f"{label}: the file is larger than max_download_bytes ({outcome.limit:,}); "
                "nothing was kept"
            )
        reply = _reply(outcome)
        if isinstance(reply, NoReply):
            error = DownloadError(f"{label}: {reply.detail}")
        elif reply.status in _EXPIRED:
            raise ResultExpiredError(
                f"{label}: HTTP {reply.status}. The result has expired or was removed: results "
                f"last {ctx.query.retention_hours} hours, download them promptly",
                status_code=reply.status,
            )
        else:
            error = DownloadError(f"{label}: HTTP {reply.status}", status_code=reply.status)
            if reply.status not in _DOWNLOAD_RETRYABLE:
                raise error
        retry += 1
        hint = retry_after(reply.headers, ctx.now()) if isinstance(reply, Reply) else None
        yield from _backoff(ctx, error, retry, hint=hint, deadline=deadline, label=label)
