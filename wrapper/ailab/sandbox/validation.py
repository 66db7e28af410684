"""Check a submit against its operation's limits, as the API does, before any task exists.

The limits are those of the merged spec (:data:`ailab.operations.OPERATIONS`): required
fields, ranges, choices, constants, and each image's formats, size and resolution.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from starlette.datastructures import FormData, UploadFile

from ..specs import ImageField, OperationSpec, Param
from .answers import Rejection

# JSON's grammar, as the spec's schemas mean it: no "05", "+5", "5." or full-width digits.
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)", re.ASCII)
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?", re.ASCII)


@dataclass(frozen=True)
class Upload:
    """One checked image: its bytes and the format Pillow recognised in them."""

    data: bytes
    media_type: str
    width: int
    height: int


@dataclass(frozen=True)
class CheckedSubmit:
    """A submit that passed every check: its images (by field) and its text fields."""

    images: dict[str, Upload]
    fields: dict[str, str]


def body_limit(spec: OperationSpec) -> int:
    """The largest request body worth reading: every image at its limit, plus form overhead."""
    return sum(image.max_bytes for image in spec.images) + 1024 * 1024


def _bounds(param: Param) -> str:
    return f"{param.minimum:g} and {param.maximum:g}"


def _check_param(param: Param, value: str) -> None:
    problem = ""
    if param.kind == "flag":
        problem = "" if value in ("0", "1") else "must be 0 or 1"
    elif param.kind == "choice":
        allowed = [str(choice) for choice in param.choices]
        problem = "" if value in allowed else f"must be one of {', '.join(allowed)}"
    else:
        pattern = _INTEGER if param.kind == "integer" else _NUMBER
        number = float(value) if pattern.fullmatch(value) else math.nan
        low = -math.inf if param.minimum is None else param.minimum
        high = math.inf if param.maximum is None else param.maximum
        if not low <= number <= high:
            problem = f"must be {'an integer' if param.kind == 'integer' else 'a number'}"
            if param.minimum is not None and param.maximum is not None:
                problem += f" between {_bounds(param)}"
    if problem:
        raise Rejection.of("ERROR_INVALID_PARAMETER", f"{param.name} {problem}")


def probe(limits: ImageField, data: bytes) -> Upload:
    """Check one image's size, format and resolution; decode it fully to prove it is whole."""
    name = limits.name
    if len(data) > limits.max_bytes:
        raise Rejection.of(
            "FILE_SIZE_EXCEEDS_LIMIT",
            f"{name} is {len(data):,} bytes; the limit is {limits.max_bytes:,}",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = Image.MIME.get(image.format or "", "")
            width, height = image.size
            if kind not in limits.media_types:
                found = (image.format or "this format").lower()
                raise Rejection.of("UNSUPPORTED_FILE_TYPES", f"{name}: {found} is not supported")
            if width > limits.max_width or height > limits.max_height:
                raise Rejection.of(
                    "FILE_RESOLUTION_EXCEEDS_LIMITS",
                    f"{name} is {width}x{height}; the limit is "
                    f"{limits.max_width}x{limits.max_height}",
                )
            if width < limits.min_width or height < limits.min_height:
                raise Rejection.of(
                    "ERROR_INVALID_PARAMETER",
                    f"{name} is {width}x{height}; it must be at least "
                    f"{limits.min_width}x{limits.min_height}",
                )
            image.load()
    except Image.DecompressionBombError:
        raise Rejection.of(
            "FILE_RESOLUTION_EXCEEDS_LIMITS", f"{name} has far too many pixels"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise Rejection.of("FILE_DECODING_FAILURE", f"{name} cannot be decoded") from None
    return Upload(data, kind, width, height)


async def _read(value: UploadFile | str) -> bytes:
    if isinstance(value, str):  # a text part where a file was expected: its text is the file
        return value.encode()
    return await value.read()


async def read_submit(spec: OperationSpec, form: FormData) -> dict[str, bytes | str]:
    """The form's fields, each once, or the rejection the API would answer with.

    Images are returned as bytes, to be checked with :func:`probe` (off the event loop).
    """
    items = form.multi_items()
    names = [name for name, _ in items]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise Rejection.of("ERROR_INVALID_PARAMETER", f"{repeated[0]} is given more than once")
    known = {image.name for image in spec.images} | {param.name for param in spec.params}
    unknown = sorted(set(names) - known - set(spec.constants))
    if unknown:
        raise Rejection.of("ERROR_INVALID_PARAMETER", f"unknown parameter {unknown[0]}")
    values = dict(items)
    fields: dict[str, bytes | str] = {}
    for image in spec.images:
        if image.name in values:
            fields[image.name] = await _read(values[image.name])
        elif image.required:
            raise Rejection.of("MISSING_PARAMETERS", f"{image.name} is required")
    for name in [*spec.constants, *(param.name for param in spec.params)]:
        value = values.get(name)
        if isinstance(value, UploadFile):
            raise Rejection.of("ERROR_INVALID_PARAMETER", f"{name} must be text, not a file")
        if value is not None:
            fields[name] = value
    return fields


def check_fields(spec: OperationSpec, fields: dict[str, bytes | str]) -> CheckedSubmit:
    """Check every field against the spec's limits (images are decoded: run off the loop)."""
    texts = {name: value for name, value in fields.items() if isinstance(value, str)}
    for name, value in fields.items():
        if not value:
            raise Rejection.of("PARAMETERS_CANNOT_EMPTY", f"{name} is empty")
    for name, constant in spec.constants.items():
        if name not in texts:
            raise Rejection.of("MISSING_PARAMETERS", f"{name} is required")
        if texts[name] != constant:
            raise Rejection.of("ERROR_INVALID_PARAMETER", f"{name} must be {constant}")
    for param in spec.params:
        if param.name in texts:
            _check_param(param, texts[param.name])
        elif param.required:
            raise Rejection.of("MISSING_PARAMETERS", f"{param.name} is required")
    images: dict[str, Upload] = {}
    for image in spec.images:
        data = fields.get(image.name)
        if isinstance(data, bytes):
            images[image.name] = probe(image, data)
    return CheckedSubmit(images=images, fields=texts)
