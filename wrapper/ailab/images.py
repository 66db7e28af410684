"""Read an image argument and check it against the operation's limits before upload.

The format is judged by content (Pillow reads the header only), never by the file name.
Pillow is imported on first use, so ``import ailab`` stays light.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import InvalidInputError
from .specs import ImageField

ImageInput = str | os.PathLike[str] | bytes | bytearray | IO[bytes]
"""A path, the image's bytes, or a binary file object (read from its current position)."""

# Pillow format names whose bytes are one of the API's media types under another name.
# MPO is the multi-picture JPEG many phone cameras write; its first frame is a plain JPEG.
_FORMAT_ALIASES = {"MPO": "image/jpeg"}
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/bmp": ".bmp", "image/webp": ".webp"}
"""File name extensions of the image media types the API takes and returns."""


@dataclass(frozen=True)
class PreparedImage:
    """An image that passed every check, ready to be sent (as often as needed)."""

    field: str
    data: bytes
    media_type: str
    width: int
    height: int

    @property
    def file_name(self) -> str:
        """A neutral part file name: the local path is not disclosed to the API."""
        return self.field + EXTENSIONS.get(self.media_type, ".bin")


def _describe(value: object) -> str:
    if isinstance(value, str | os.PathLike):
        return repr(os.fspath(value))
    if isinstance(value, bytes | bytearray):
        return f"<{len(value):,} bytes>"
    if not hasattr(value, "read"):
        return f"<{type(value).__name__}>"
    name = getattr(value, "name", None)
    return repr(name) if isinstance(name, str) else "<file object>"


def _read_path(value: str | os.PathLike[Any], where: str, limit: int) -> bytes:
    if isinstance(value, str) and not value:
        raise InvalidInputError(f"{where}: the path is empty")
    try:
        path = Path(os.fspath(value))  # TypeError: a path-like that returns bytes
        with path.open("rb") as handle:
            return handle.read(limit + 1)
    except (OSError, ValueError, TypeError) as exc:  # ValueError: e.g. a NUL byte in the path
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InvalidInputError(f"{where}: cannot read this path: {reason}") from exc


def _read(value: object, where: str, limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes: enough to tell that a file is too large."""
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, str | os.PathLike):
        return _read_path(value, where, limit)
    read = getattr(value, "read", None)
    if read is None:
        raise InvalidInputError(
            f"{where}: expected a path, bytes or a binary file object, got {type(value).__name__}"
        )
    if isinstance(value, io.TextIOBase):
        raise InvalidInputError(f"{where}: the file is open in text mode: open it with 'rb'")
    try:
        data = read(limit + 1)
    except (OSError, ValueError) as exc:
        raise InvalidInputError(f"{where}: cannot read the file object: {exc}") from exc
    if not isinstance(data, bytes | bytearray):
        raise InvalidInputError(f"{where}: the file object is not binary: open it with 'rb'")
    return bytes(data)


def _probe(data: bytes) -> tuple[str | None, int, int]:
    """(media type or Pillow format name, width, height) from the header."""
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415 - keep `import ailab` light

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                name = image.format or "unknown"
                width, height = image.size
        except Image.DecompressionBombError:
            return "huge", 0, 0
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return None, 0, 0
    return _FORMAT_ALIASES.get(name) or Image.MIME.get(name) or name, width, height


def _kind(media_type: str) -> str:
    return media_type.removeprefix("image/").upper()


def prepare_image(value: object, field: ImageField, operation: str) -> PreparedImage:
    """Read ``value`` and check its size, format and resolution; raise InvalidInputError."""
    where = f"{operation}: {field.label}={_describe(value)}"
    data = _read(value, where, field.max_bytes)
    if len(data) > field.max_bytes:
        raise InvalidInputError(
            f"{where} is larger than the limit of {field.max_bytes:,} bytes "
            f"({field.max_bytes / 1048576:g} MiB)"
        )
    if not data:
        raise InvalidInputError(f"{where} is empty")
    allowed = ", ".join(_kind(media_type) for media_type in field.media_types)
    media_type, width, height = _probe(data)
    if media_type == "huge":
        raise InvalidInputError(
            f"{where} has far more pixels than the limit of {field.max_width}x{field.max_height} px"
        )
    if media_type is None:
        raise InvalidInputError(f"{where} is not an image Pillow can read; allowed: {allowed}")
    if media_type not in field.media_types:
        raise InvalidInputError(f"{where} is {_kind(media_type)}; allowed: {allowed}")
    if not (
        field.min_width <= width <= field.max_width
        and field.min_height <= height <= field.max_height
    ):
        raise InvalidInputError(
            f"{where} is {width}x{height} px; allowed: width {field.min_width}..{field.max_width}"
            f" and height {field.min_height}..{field.max_height} px"
        )
    return PreparedImage(field.name, data, media_type, width, height)
