"""Faults a sandbox injects: by rate, or on demand (queued through ``POST /sandbox/faults``)."""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Target = Literal["submit", "query", "any"]
TARGETS: tuple[Target, ...] = ("submit", "query", "any")


class Fault(StrEnum):
    """One injectable fault."""

    RATE_LIMIT = "rate_limit"
    """429 ``EXCEEDING_LIMITS`` with ``Retry-After``: a client should back off and retry."""
    NO_CREDITS = "no_credits"
    """429 ``ERROR_NOT_ENOUGH_CREDITS``: a client must not retry."""
    SERVER_ERROR = "server_error"
    """500 ``PROCESSING_FAILURE``."""
    BAD_GATEWAY = "bad_gateway"
    """502 ``AI_SERVICE_ERROR``."""
    UNAVAILABLE = "unavailable"
    """503 ``ERROR_INSUFFICIENT_RESOURCES`` with ``Retry-After``."""
    GATEWAY_TIMEOUT = "gateway_timeout"
    """504 ``AI_SERVICE_TIMEOUT``."""
    TASK_FAILURE = "task_failure"
    """The submit is accepted; the task then fails with ``ERROR_NO_FACE_IN_FILE``."""
    SLOW = "slow"
    """The answer is delayed by the sandbox's ``slow_seconds``."""


@dataclass(frozen=True)
class Refusal:
    """How an HTTP fault answers: status, ``error_detail`` texts and whether to send a hint."""

    status: int
    code: str
    code_message: str
    message: str
    retry_after: bool = False


REFUSALS: dict[Fault, Refusal] = {
    Fault.RATE_LIMIT: Refusal(
        429, "EXCEEDING_LIMITS", "Exceeding limits.", "concurrency limit reached", True
    ),
    Fault.NO_CREDITS: Refusal(
        429, "ERROR_NOT_ENOUGH_CREDITS", "Not enough credits.", "insufficient balance"
    ),
    Fault.SERVER_ERROR: Refusal(500, "PROCESSING_FAILURE", "Processing failure.", "internal error"),
    Fault.BAD_GATEWAY: Refusal(502, "AI_SERVICE_ERROR", "AI service error.", "upstream error"),
    Fault.UNAVAILABLE: Refusal(
        503, "ERROR_INSUFFICIENT_RESOURCES", "Insufficient resources.", "try again later", True
    ),
    Fault.GATEWAY_TIMEOUT: Refusal(
        504, "AI_SERVICE_TIMEOUT", "AI service timeout.", "processing timed out"
    ),
}
"""The answer of every fault that refuses the request outright."""

MAX_PENDING = 100_000
"""How many on-demand faults may wait at once."""

_SERVER_ERRORS = (Fault.SERVER_ERROR, Fault.BAD_GATEWAY, Fault.UNAVAILABLE, Fault.GATEWAY_TIMEOUT)


def _check_rate(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name}={value!r} must be a number between 0 and 1")
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise ValueError(f"{name}={value!r} must be between 0 and 1")


@dataclass(frozen=True)
class FaultRates:
    """The probability of each fault, drawn independently for every API request.

    ``rate_limit`` and ``server_error`` (one of 500, 502, 503, 504 at random) refuse a submit
    or a query; ``task_failure`` applies to accepted submits; ``slow`` delays any answer.
    """

    rate_limit: float = 0.0
    server_error: float = 0.0
    task_failure: float = 0.0
    slow: float = 0.0

    def __post_init__(self) -> None:
        """Refuse a rate outside [0, 1]."""
        for name in ("rate_limit", "server_error", "task_failure", "slow"):
            _check_rate(name, getattr(self, name))


@dataclass(frozen=True)
class Draw:
    """The faults that apply to one request."""

    refusal: Fault | None = None
    slow: bool = False


class FaultPlan:
    """Decides each request's faults: queued on-demand faults first, then the rates.

    Refusals and delays are drawn when a request arrives; a task failure only once a submit
    has passed every check, so a rejected submit never uses one up.
    """

    def __init__(self, rates: FaultRates, rng: random.Random) -> None:
        """Draw rate-based faults from ``rng``."""
        self._rates = rates
        self._rng = rng
        self._queue: deque[tuple[Fault, Target]] = deque()
        self.injected: dict[str, int] = {fault.value: 0 for fault in Fault}

    def queue(self, fault: Fault, target: Target = "any", count: int = 1) -> None:
        """Inject ``fault`` into the next ``count`` requests that ``target`` names."""
        if fault == Fault.TASK_FAILURE and target == "query":
            raise ValueError("task_failure applies to submits: target it at submit or any")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"count={count!r} must be a positive integer")
        if self.pending + count > MAX_PENDING:
            raise OverflowError(f"at most {MAX_PENDING} faults can wait at once")
        self._queue.extend([(fault, target)] * count)

    @property
    def pending(self) -> int:
        """On-demand faults not yet injected."""
        return len(self._queue)

    def _take(self, kind: Literal["submit", "query"]) -> set[Fault]:
        """Remove and return this request's queued faults: at most one refusal, one ``slow``."""
        chosen: dict[str, int] = {}
        for index, (fault, target) in enumerate(self._queue):
            if target in ("any", kind) and fault != Fault.TASK_FAILURE:
                chosen.setdefault("refusal" if fault in REFUSALS else fault.value, index)
        taken = {self._queue[index][0] for index in chosen.values()}
        self._queue = deque(
            item for index, item in enumerate(self._queue) if index not in chosen.values()
        )
        return taken

    def draw(self, kind: Literal["submit", "query"]) -> Draw:
        """The faults of one submit or query, before it is read (counted in :attr:`injected`)."""
        taken = self._take(kind)
        refusal = next((fault for fault in sorted(taken) if fault in REFUSALS), None)
        slow = Fault.SLOW in taken or self._rng.random() < self._rates.slow
        if refusal is None and self._rng.random() < self._rates.rate_limit:
            refusal = Fault.RATE_LIMIT
        if refusal is None and self._rng.random() < self._rates.server_error:
            refusal = self._rng.choice(_SERVER_ERRORS)
        if refusal is not None:
            self.injected[refusal.value] += 1
        if slow:
            self.injected[Fault.SLOW.value] += 1
        return Draw(refusal=refusal, slow=slow)

    def task_fails(self) -> bool:
        """Whether a submit that passed every check gets a task that will fail."""
        for index, (fault, _) in enumerate(self._queue):
            if fault == Fault.TASK_FAILURE:
                del self._queue[index]
                break
        else:
            if not self._rng.random() < self._rates.task_failure:
                return False
        self.injected[Fault.TASK_FAILURE.value] += 1
        return True
