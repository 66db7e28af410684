"""The documented response envelope, in either generation, and the sandbox's error answers."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import JSONResponse

from .config import Envelope

# code -> (HTTP status, code_message), as the API documents them.
CODES: dict[str, tuple[int, str]] = {
    "ERROR_INVALID_PARAMETER": (400, "Invalid parameter."),
    "MISSING_PARAMETERS": (400, "Missing parameters."),
    "PARAMETERS_CANNOT_EMPTY": (400, "Parameters cannot be empty."),
    "ERROR_APPLICATIONS_NOT_EXISTS": (401, "The application does not exist."),
    "ERROR_AI_NOT_EXISTS": (404, "The AI service does not exist."),
    "ERROR_TASK_NOT_EXISTS": (404, "The task does not exist."),
    "FILE_SIZE_EXCEEDS_LIMIT": (413, "The file size exceeds the limit."),
    "FILE_RESOLUTION_EXCEEDS_LIMITS": (413, "The file resolution exceeds the limits."),
    "UNSUPPORTED_FILE_TYPES": (415, "Unsupported file types."),
    "FILE_DECODING_FAILURE": (422, "File decoding failed."),
    "ERROR_NO_FACE_IN_FILE": (422, "No face detected in the file."),
}
"""Codes the sandbox answers with besides injected faults. ``ERROR_TASK_NOT_EXISTS`` is the
sandbox's own: the API documents a 404 for the query but no code for an unknown task."""


@dataclass(eq=False)
class Rejection(Exception):  # noqa: N818 - an answer, not a crash
    """An error answer: HTTP status, ``error_detail`` code and texts, extra headers."""

    status: int
    code: str
    code_message: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, code: str, message: str) -> Rejection:
        """The documented answer for ``code`` (see :data:`CODES`) with this message."""
        status, code_message = CODES[code]
        return cls(status, code, code_message, message)


class Envelopes:
    """Builds answers in the configured envelope generation (``both``: one at random)."""

    def __init__(self, generation: Envelope, rng: random.Random) -> None:
        """Pick the generation of ``both`` with ``rng``."""
        self._generation = generation
        self._rng = rng

    def _older(self) -> bool:
        if self._generation == "both":
            return self._rng.random() < 0.5
        return self._generation == "older"

    def body(
        self,
        status: int = 200,
        code: str = "",
        code_message: str = "",
        message: str = "",
    ) -> dict[str, Any]:
        """The envelope fields of one answer."""
        body: dict[str, Any] = {
            "request_id": str(uuid.uuid4()),
            "log_id": uuid.uuid4().hex[:16].upper(),
        }
        detail: dict[str, Any] = {"code": code, "code_message": code_message, "message": message}
        if self._older():
            body.update(
                error_code=0 if status == 200 else status,
                error_code_str=code,
                error_msg=code_message,
            )
            detail = {"status_code": status, **detail}
        body["error_detail"] = detail
        return body

    def success(self, fields: dict[str, Any], *, break_spec: bool = False) -> JSONResponse:
        """HTTP 200 with the envelope and ``fields``; ``break_spec`` drops ``error_detail``."""
        body = {**self.body(), **fields}
        if break_spec:
            del body["error_detail"]
        return JSONResponse(body)

    def failure(self, rejection: Rejection) -> JSONResponse:
        """The error answer of ``rejection``."""
        body = self.body(
            rejection.status, rejection.code, rejection.code_message, rejection.message
        )
        return JSONResponse(body, status_code=rejection.status, headers=rejection.headers)
