"""Retry timing: exponential backoff with jitter, bounded by a count and a deadline."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import InvalidInputError


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to resend a request that failed transiently.

    The n-th retry waits ``min(max_delay, base_delay * 2**(n-1))``, scaled by a random factor in
    ``[1 - jitter, 1]`` (``uniform`` draws from ``[0, 1)``) so that many clients do not retry
    in step; a ``Retry-After`` answer replaces that delay. The defaults follow the vendor's
    guidance (about 1, 2, 4, 8 s).
    """

    max_retries: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    jitter: float = 0.5
    uniform: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Refuse settings that would give negative or endless waits."""
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise InvalidInputError(f"max_retries={self.max_retries!r} must be an integer >= 0")
        if self.max_retries < 0:
            raise InvalidInputError(f"max_retries={self.max_retries!r} must be an integer >= 0")
        if not 0 <= self.jitter <= 1:
            raise InvalidInputError(f"jitter={self.jitter!r} must be between 0 and 1")
        if not 0 <= self.base_delay <= self.max_delay or not math.isfinite(self.max_delay):
            raise InvalidInputError(
                f"base_delay={self.base_delay!r} and max_delay={self.max_delay!r} must satisfy "
                "0 <= base_delay <= max_delay (finite)"
            )

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        if retry_after is not None:
            return retry_after
        backoff = min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
        return max(0.0, backoff * (1 - self.jitter * self.uniform()))
