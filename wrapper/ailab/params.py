"""Check keyword arguments against the spec and turn them into form values."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from enum import Enum

from .errors import InvalidInputError
from .specs import Param


def _range(param: Param) -> str:
    return f"{param.minimum:g}..{param.maximum:g}"


def _choice(param: Param, value: object, where: str) -> str | int:
    """One of ``param.choices``, compared by kind: 10.0 and True are not filter 10 or 1."""
    plain = value.value if isinstance(value, Enum) else value
    for choice in param.choices:
        if isinstance(choice, str) and isinstance(plain, str) and plain == choice:
            return choice
        if (
            isinstance(choice, int)
            and isinstance(plain, numbers.Integral)
            and not isinstance(plain, bool)
            and int(plain) == choice
        ):
            return choice
    names = f" or a {param.enum.__name__} member" if param.enum is not None else ""
    allowed = ", ".join(repr(choice) for choice in param.choices)
    if len(param.choices) > 6:  # a long run of numbers reads better as a range
        allowed = f"{param.choices[0]!r}..{param.choices[-1]!r}"
    raise InvalidInputError(f"{where} is not allowed; use one of {allowed}{names}")


def wire_value(param: Param, value: object, operation: str) -> str | int | float:
    """The value to put in the form for ``param``; raise InvalidInputError if it is not allowed."""
    where = f"{operation}: {param.name}={value!r}"
    if param.kind == "flag":
        if not isinstance(value, bool):
            raise InvalidInputError(f"{where} must be True or False")
        return "1" if value else "0"
    if param.kind == "choice":
        return _choice(param, value, where)
    if param.kind == "integer":
        # Any integral type (numpy ints too), but not bool and not 50.0.
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise InvalidInputError(f"{where} must be an integer in {_range(param)}")
        value = int(value)
    else:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise InvalidInputError(f"{where} must be a number in {_range(param)}")
        value = value if isinstance(value, int) else float(value)
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidInputError(f"{where} must be a finite number in {_range(param)}")
    if (param.minimum is not None and value < param.minimum) or (
        param.maximum is not None and value > param.maximum
    ):
        raise InvalidInputError(f"{where} is out of range {_range(param)}")
    return value


def form_values(
    params: tuple[Param, ...], values: Mapping[str, object], operation: str
) -> dict[str, str | int | float]:
    """Every given (non-None) argument as a form value; required ones must be present."""
    form: dict[str, str | int | float] = {}
    for param in params:
        value = values.get(param.name)
        if value is None:
            if param.required:
                raise InvalidInputError(f"{operation}: {param.name} is required")
            continue
        form[param.name] = wire_value(param, value, operation)
    unknown = set(values) - {param.name for param in params}
    if unknown:
        raise InvalidInputError(f"{operation}: unknown argument(s) {', '.join(sorted(unknown))}")
    return form
