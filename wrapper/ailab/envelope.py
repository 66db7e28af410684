"""Read the API's answers: success or failure, which error, and when to try again.

Pure functions over a :class:`Reply` (status, headers, body). Failure bodies are read leniently,
field by field: an error answer is exactly where a strict parser must not crash. Both envelope
generations are understood (``error_code``/``error_msg``/``error_detail.status_code`` and the
newer ``error_detail`` only).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal

from .errors import (
    ApiError,
    AuthenticationError,
    InsufficientCreditsError,
    RateLimitError,
    ServerError,
    TaskFailedError,
    TaskNotFoundError,
)

Phase = Literal["submit", "query"]
NOT_ENOUGH_CREDITS = "ERROR_NOT_ENOUGH_CREDITS"
PROCESSING_FAILURE = "PROCESSING_FAILURE"
# A submit is resent only on answers that prove no work started; a query on any transient one.
RETRYABLE_STATUSES: Mapping[Phase, frozenset[int]] = {
    "submit": frozenset({429, 503}),
    "query": frozenset({429, 502, 503, 504}),
}


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, headers (lower-case names) and body."""

    status: int
    headers: Mapping[str, str]
    content: bytes

    def json_object(self) -> dict[str, Any] | None:
        """The body as a JSON object, or None when it is not one."""
        try:
            data = json.loads(self.content)
        except (ValueError, UnicodeDecodeError):
            return None
        return data if isinstance(data, dict) else None

    def snippet(self, limit: int = 160) -> str:
        """The start of the body as one line of text, for error messages."""
        text = re.sub(r"\s+", " ", self.content[: limit * 4].decode("utf-8", "replace")).strip()
        return (text[:limit] + "...") if len(text) > limit else text or "<empty body>"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def failure_status(reply: Reply, body: Mapping[str, Any] | None) -> int | None:
    """The failing status of an answer, or None for a success.

    Success is HTTP 200 with ``error_code`` absent or 0. HTTP 200 with a non-zero ``error_code``
    fails with that code (the older envelope sets it to the would-be HTTP status).
    """
    if reply.status != 200:
        return reply.status
    if body is None:
        return None
    code = body.get("error_code")
    if code is None or code == 0:
        return None
    detail = body.get("error_detail")
    nested = _int(detail.get("status_code")) if isinstance(detail, Mapping) else None
    return _int(code) or nested or 500


def retry_after(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), if any."""
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def reasons(body: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """``(code, code_message, message)`` from either envelope generation."""
    raw_detail = body.get("error_detail")
    detail: Mapping[str, Any] = raw_detail if isinstance(raw_detail, Mapping) else {}
    code = _text(detail.get("code")) or _text(body.get("error_code_str"))
    code_message = _text(detail.get("code_message"))
    message = _text(detail.get("message")) or _text(body.get("error_msg"))
    return code, code_message, message


def api_error(
    reply: Reply,
    body: Mapping[str, Any] | None,
    status: int,
    *,
    phase: Phase,
    operation: str | None,
    task_id: str | None = None,
) -> ApiError:
    """The error for a failed answer, with every envelope field the answer carries."""
    body = body or {}
    code, code_message, message = reasons(body)
    request_id = _text(body.get("request_id"))
    log_id = _text(body.get("log_id"))
    cls = _error_class(status, code, phase)
    what = f"{operation} {phase}" if operation else phase
    text = f"{what}: HTTP {status}"
    if code:
        text += f" {code}"
    if code_message or message:
        text += ": " + " - ".join(part for part in (code_message, message) if part)
    elif not body:
        text += f" (not a JSON answer: {reply.snippet()})"
    if task_id:
        text += f" [task_id={task_id}]"
    if request_id or log_id:
        text += f" [request_id={request_id}, log_id={log_id}]"
    task_may_exist = phase == "submit" and status in (500, 502, 504)
    if task_may_exist:
        text += ". The request reached the server, so a task may exist: it was not resent"
    return cls(
        text,
        status_code=status,
        code=code,
        code_message=code_message,
        api_message=message,
        request_id=request_id,
        log_id=log_id,
        task_id=task_id,
        task_may_exist=task_may_exist,
    )


def _error_class(status: int, code: str | None, phase: Phase) -> type[ApiError]:
    if status in (401, 403):
        return AuthenticationError
    if status == 429:
        return InsufficientCreditsError if code == NOT_ENOUGH_CREDITS else RateLimitError
    if phase == "query":
        if status == 404:
            return TaskNotFoundError
        if 400 <= status < 500 or (status == 500 and code == PROCESSING_FAILURE):
            return TaskFailedError
    if status >= 500:
        return ServerError
    return ApiError


def is_retryable(error: ApiError, phase: Phase) -> bool:
    """Whether resending can help and is safe (see README "Retry policy")."""
    if isinstance(error, InsufficientCreditsError):
        return False
    return error.status_code in RETRYABLE_STATUSES[phase]
