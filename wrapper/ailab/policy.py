"""Retry timing: exponential backoff with jitter, bounded by a count and a deadline."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field


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

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        if retry_after is not None:
            return retry_after
        backoff = min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
        return backoff * (1 - self.jitter * self.uniform())
