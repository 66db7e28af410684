"""Checks for the client's numeric options, shared by constructors and per-call arguments."""

from __future__ import annotations

import math

from .errors import InvalidInputError


def positive_seconds(name: str, value: object, *, allow_none: bool = False) -> float | None:
    """``value`` as seconds; raise InvalidInputError unless it is a finite number > 0."""
    if value is None and allow_none:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise InvalidInputError(f"{name}={value!r} must be a positive number of seconds")
    return float(value)
