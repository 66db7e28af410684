"""How a sandbox behaves: its key, its timings, its faults and its envelope."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

from .faults import FaultRates

DEFAULT_API_KEY = "sandbox-key"
"""The key a sandbox accepts unless told otherwise. Not a secret: it only opens the sandbox."""

Envelope = Literal["newer", "older", "both"]


def _check_seconds(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name}={value!r} must be a number of seconds")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name}={value!r} must be a finite number of seconds >= 0")


@dataclass(frozen=True)
class SandboxConfig:
    """Everything a sandbox can be told.

    Args:
        api_key: The only key accepted in the ``ailabapi-api-key`` header.
        queued_seconds: How long a new task reports ``task_status`` 0 (queued).
        processing_seconds: How long it then reports 1 (processing) before it completes.
        result_ttl: Seconds a result URL can be downloaded, counted from completion.
        retention_seconds: Seconds a task can be queried at all (the API keeps them 24 hours).
        faults: Rates of injected faults (see :class:`FaultRates`).
        slow_seconds: The delay a ``slow`` fault adds to an answer.
        retry_after: The ``Retry-After`` seconds sent with 429 and 503 answers.
        envelope: Which documented envelope generation answers use; ``both`` picks one at
            random for each answer, as the real service may.
        break_contract: Break the spec on purpose: completed tasks are answered without the
            required ``error_detail`` (the live contract run must catch it).
        seed: Seed of the random draws (faults, envelope), for reproducible runs.
        clock: Seconds on a monotonic clock (tests inject a fake one).
        sleep: How a slow answer waits (tests inject a fake one).

    """

    api_key: str = DEFAULT_API_KEY
    queued_seconds: float = 1.0
    processing_seconds: float = 2.0
    result_ttl: float = 24 * 3600.0
    retention_seconds: float = 24 * 3600.0
    faults: FaultRates = field(default_factory=FaultRates)
    slow_seconds: float = 3.0
    retry_after: int = 1
    envelope: Envelope = "both"
    break_contract: bool = False
    seed: int | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    def __post_init__(self) -> None:
        """Refuse settings the sandbox cannot honour, naming the setting."""
        if not self.api_key or not self.api_key.isascii() or not self.api_key.isprintable():
            raise ValueError("api_key must be non-empty printable ASCII")
        for name in (
            "queued_seconds",
            "processing_seconds",
            "result_ttl",
            "retention_seconds",
            "slow_seconds",
        ):
            _check_seconds(name, getattr(self, name))
        if isinstance(self.retry_after, bool) or not isinstance(self.retry_after, int):
            raise ValueError(f"retry_after={self.retry_after!r} must be whole seconds")
        if self.retry_after < 0:
            raise ValueError(f"retry_after={self.retry_after!r} must be >= 0")
        if self.envelope not in ("newer", "older", "both"):
            raise ValueError(f"envelope={self.envelope!r} must be newer, older or both")

    def __repr__(self) -> str:
        return (
            f"SandboxConfig(queued_seconds={self.queued_seconds}, "
            f"processing_seconds={self.processing_seconds}, result_ttl={self.result_ttl}, "
            f"faults={self.faults!r}, envelope={self.envelope!r}, "
            f"break_contract={self.break_contract}, api_key=<hidden>)"
        )
