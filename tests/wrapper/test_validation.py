"""Client-side validation, driven by the spec data in ``ailab.operations.OPERATIONS``.

Every case below is generated from the compiled spec (image limits, media types, parameter
kinds, ranges and choices), so a new operation or a changed limit is covered without editing
this file. Acceptance is checked with the pure ``ailab.submission.prepare``; the public
methods are checked to reject bad input before anything reaches the (recording) server.
"""

from __future__ import annotations

import asyncio
import functools
import io
import math
import re
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ailab
import httpx
import pytest
from ailab.errors import InvalidInputError
from ailab.images import PreparedImage
from ailab.operations import OPERATIONS
from ailab.specs import ImageField, OperationSpec, Param
from ailab.submission import Submission, prepare

from tests.wrapper.conftest import Server, make_image

# Every format the tests can make; a field may allow any subset of the first four.
KNOWN_TYPES = ("image/png", "image/jpeg", "image/bmp", "image/webp")
NEVER_ALLOWED = "image/gif"

SPECS = list(OPERATIONS.values())
SPEC_PARAMS = [pytest.param(spec, id=spec.name) for spec in SPECS]
FIELD_PARAMS = [
    pytest.param(spec, field, id=f"{spec.name}.{field.name}")
    for spec in SPECS
    for field in spec.images
]


# --------------------------------------------------------------------------------------------
# Helpers: valid arguments for any operation, derived from the spec
# --------------------------------------------------------------------------------------------


@functools.cache
def image_bytes(width: int, height: int, media_type: str) -> bytes:
    """A real image (cached: many cases reuse the same one)."""
    return make_image(width, height, media_type)


def kind(media_type: str) -> str:
    """How a user names a format: ``image/jpeg`` -> ``JPEG``."""
    return media_type.split("/", 1)[1].upper()


def clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def inside_size(field: ImageField) -> tuple[int, int]:
    """A small size well within the field's resolution bounds."""
    return (
        clamp(64, field.min_width, field.max_width),
        clamp(64, field.min_height, field.max_height),
    )


def preferred_type(field: ImageField) -> str:
    """An allowed type that encodes cheaply (PNG compresses flat images to almost nothing)."""
    return next((t for t in KNOWN_TYPES if t in field.media_types), field.media_types[0])


def valid_image(field: ImageField) -> bytes:
    return image_bytes(*inside_size(field), preferred_type(field))


def valid_value(param: Param) -> object:
    """A value every param of this kind must accept."""
    if param.kind == "flag":
        return True
    if param.kind == "choice":
        return param.choices[-1]
    assert param.minimum is not None
    return int(param.minimum) if param.kind == "integer" else param.minimum


def required_images(spec: OperationSpec) -> dict[str, object]:
    return {field.name: valid_image(field) for field in spec.images if field.required}


def required_params(spec: OperationSpec) -> dict[str, object]:
    return {param.name: valid_value(param) for param in spec.params if param.required}


def prepare_image_arg(spec: OperationSpec, field: ImageField, value: object) -> Submission:
    """Prepare ``spec`` with ``value`` for ``field`` and valid values for everything required."""
    return prepare(spec, {**required_images(spec), field.name: value}, required_params(spec))


def prepare_param(spec: OperationSpec, param: Param, value: object) -> Submission:
    """Prepare ``spec`` with ``value`` for ``param`` and valid values for everything required."""
    return prepare(spec, required_images(spec), {**required_params(spec), param.name: value})


def prepared(submission: Submission, field: ImageField) -> PreparedImage:
    matches = [image for image in submission.images if image.field == field.name]
    assert len(matches) == 1, f"{field.name} is not in the submission"
    return matches[0]


def rejected(action: Callable[[], object]) -> str:
    """Run ``action``; it must raise InvalidInputError (a ValueError). Return the message."""
    with pytest.raises(InvalidInputError) as info:
        action()
    assert isinstance(info.value, ValueError)
    return str(info.value)


def public_args(spec: OperationSpec) -> tuple[list[object], dict[str, object]]:
    """Arguments for ``client.<op>.submit``: required images positionally, in spec order.

    The public argument of an image may differ from its wire name (smart_beauty's ``image`` is
    sent as ``image_target``), but the generated signatures take the required images as
    positional arguments in spec order, and every param under its own name.
    """
    return [valid_image(f) for f in spec.images if f.required], required_params(spec)


# --------------------------------------------------------------------------------------------
# 1. Images: formats
# --------------------------------------------------------------------------------------------

ALLOWED_TYPE_CASES = [
    pytest.param(spec, field, media_type, id=f"{spec.name}.{field.name}-{kind(media_type)}")
    for spec in SPECS
    for field in spec.images
    for media_type in field.media_types
]

DISALLOWED_TYPE_CASES = [
    pytest.param(spec, field, media_type, id=f"{spec.name}.{field.name}-{kind(media_type)}")
    for spec in SPECS
    for field in spec.images
    for media_type in (NEVER_ALLOWED, *(t for t in KNOWN_TYPES if t not in field.media_types))
]


@pytest.mark.parametrize(("spec", "field", "media_type"), ALLOWED_TYPE_CASES)
def test_every_allowed_media_type_is_accepted(
    spec: OperationSpec, field: ImageField, media_type: str
) -> None:
    data = image_bytes(*inside_size(field), media_type)
    image = prepared(prepare_image_arg(spec, field, data), field)
    assert image.media_type == media_type
    assert (image.width, image.height) == inside_size(field)
    assert image.data == data


@pytest.mark.parametrize(("spec", "field", "media_type"), DISALLOWED_TYPE_CASES)
def test_a_disallowed_format_is_rejected_naming_field_and_allowed_kinds(
    spec: OperationSpec, field: ImageField, media_type: str
) -> None:
    data = image_bytes(*inside_size(field), media_type)
    message = rejected(lambda: prepare_image_arg(spec, field, data))
    assert field.label in message
    assert kind(media_type) in message
    for allowed in field.media_types:
        assert kind(allowed) in message


@pytest.mark.parametrize(("spec", "field"), FIELD_PARAMS)
def test_png_bytes_named_jpg_are_judged_as_png(
    spec: OperationSpec, field: ImageField, tmp_path: Path
) -> None:
    path = tmp_path / "x.jpg"
    path.write_bytes(image_bytes(*inside_size(field), "image/png"))
    if "image/png" in field.media_types:
        assert prepared(prepare_image_arg(spec, field, path), field).media_type == "image/png"
    else:
        message = rejected(lambda: prepare_image_arg(spec, field, path))
        assert "PNG" in message
        assert field.label in message


@pytest.mark.parametrize(("spec", "field"), FIELD_PARAMS)
def test_jpeg_bytes_named_gif_are_judged_as_jpeg(
    spec: OperationSpec, field: ImageField, tmp_path: Path
) -> None:
    path = tmp_path / "x.gif"
    path.write_bytes(image_bytes(*inside_size(field), "image/jpeg"))
    if "image/jpeg" in field.media_types:
        assert prepared(prepare_image_arg(spec, field, path), field).media_type == "image/jpeg"
    else:
        message = rejected(lambda: prepare_image_arg(spec, field, path))
        assert "JPEG" in message
        assert field.label in message


# --------------------------------------------------------------------------------------------
# 1. Images: resolution, at and just across every bound
# --------------------------------------------------------------------------------------------


def resolution_cases() -> Iterator[Any]:
    for spec in SPECS:
        for field in spec.images:
            # Thin images keep the large bounds cheap: the other side stays at its minimum.
            sizes = {
                "width=min": ((field.min_width, field.min_height), True),
                "width=max": ((field.max_width, field.min_height), True),
                "width=min-1": ((field.min_width - 1, field.min_height), False),
                "width=max+1": ((field.max_width + 1, field.min_height), False),
                "height=min": ((field.min_width, field.min_height), True),
                "height=max": ((field.min_width, field.max_height), True),
                "height=min-1": ((field.min_width, field.min_height - 1), False),
                "height=max+1": ((field.min_width, field.max_height + 1), False),
            }
            for label, ((width, height), ok) in sizes.items():
                if width < 1 or height < 1:
                    continue  # a 0-px image cannot exist: the minimum is 1
                yield pytest.param(
                    spec, field, width, height, ok, id=f"{spec.name}.{field.name}-{label}"
                )


@pytest.mark.parametrize(("spec", "field", "width", "height", "ok"), list(resolution_cases()))
def test_resolution_bounds_are_inclusive(
    spec: OperationSpec, field: ImageField, width: int, height: int, ok: bool
) -> None:
    data = image_bytes(width, height, preferred_type(field))
    if ok:
        image = prepared(prepare_image_arg(spec, field, data), field)
        assert (image.width, image.height) == (width, height)
    else:
        message = rejected(lambda: prepare_image_arg(spec, field, data))
        assert field.label in message
        assert f"{width}x{height}" in message


# --------------------------------------------------------------------------------------------
# 1. Images: byte size
# --------------------------------------------------------------------------------------------


def padded_image(field: ImageField, size: int) -> bytes:
    """A valid image padded with trailing zeros (ignored by decoders) to exactly ``size``."""
    base = valid_image(field)
    assert len(base) < size
    return base + b"\0" * (size - len(base))


def as_input(data: bytes, how: str, tmp_path: Path, stack: ExitStack) -> object:
    if how == "bytes":
        return data
    path = tmp_path / "image.bin"
    path.write_bytes(data)
    if how == "path":
        return path
    assert how == "file"
    return stack.enter_context(path.open("rb"))


@pytest.mark.parametrize("how", ["bytes", "path"])
@pytest.mark.parametrize(("spec", "field"), FIELD_PARAMS)
def test_an_image_of_exactly_max_bytes_is_accepted(
    spec: OperationSpec, field: ImageField, how: str, tmp_path: Path
) -> None:
    data = padded_image(field, field.max_bytes)
    with ExitStack() as stack:
        image = prepared(
            prepare_image_arg(spec, field, as_input(data, how, tmp_path, stack)), field
        )
    assert len(image.data) == field.max_bytes
    assert image.data == data


@pytest.mark.parametrize("how", ["bytes", "path", "file"])
@pytest.mark.parametrize(("spec", "field"), FIELD_PARAMS)
def test_one_byte_over_max_bytes_is_rejected_naming_the_limit(
    spec: OperationSpec, field: ImageField, how: str, tmp_path: Path
) -> None:
    data = padded_image(field, field.max_bytes + 1)
    with ExitStack() as stack:
        value = as_input(data, how, tmp_path, stack)
        message = rejected(lambda: prepare_image_arg(spec, field, value))
    assert field.label in message
    assert f"{field.max_bytes:,}" in message or str(field.max_bytes) in message


# --------------------------------------------------------------------------------------------
# 1. Images: unreadable and wrong inputs
# --------------------------------------------------------------------------------------------


def _text_mode_file(content: bytes) -> Callable[[Path, ExitStack], object]:
    def make(tmp_path: Path, stack: ExitStack) -> object:
        path = tmp_path / "image.png"
        path.write_bytes(content)
        return stack.enter_context(path.open(encoding="utf-8"))

    return make


class _BytesPathLike:
    """An os.PathLike whose path is bytes: not an ImageInput (which takes str paths)."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def __fspath__(self) -> bytes:
        return bytes(self._path)


def _closed_file(tmp_path: Path, stack: ExitStack) -> object:
    path = tmp_path / "image.png"
    path.write_bytes(image_bytes(64, 64, "image/png"))
    with path.open("rb") as handle:
        pass
    return handle


BAD_INPUTS: dict[str, Callable[[Path, ExitStack], object]] = {
    "empty-bytes": lambda tmp_path, stack: b"",
    "empty-file": lambda tmp_path, stack: io.BytesIO(b""),
    "non-image-bytes": lambda tmp_path, stack: b"this is not an image\n" * 20,
    "missing-path": lambda tmp_path, stack: tmp_path / "missing.jpg",
    "missing-str-path": lambda tmp_path, stack: str(tmp_path / "missing.jpg"),
    "directory": lambda tmp_path, stack: tmp_path,
    "empty-str-path": lambda tmp_path, stack: "",
    "bytes-pathlike": lambda tmp_path, stack: _BytesPathLike(tmp_path / "x.jpg"),
    "path-with-nul-byte": lambda tmp_path, stack: str(tmp_path / "x\0.jpg"),
    "text-mode-file-of-text": _text_mode_file(b"hello, not binary\n"),
    "text-mode-file-of-an-image": _text_mode_file(image_bytes(64, 64, "image/png")),
    "closed-file": _closed_file,
    "int": lambda tmp_path, stack: 42,
    "float": lambda tmp_path, stack: 1.5,
    "list-of-bytes": lambda tmp_path, stack: [image_bytes(64, 64, "image/png")],
}


@pytest.mark.parametrize("bad", list(BAD_INPUTS))
@pytest.mark.parametrize(("spec", "field"), FIELD_PARAMS)
def test_unusable_image_input_is_rejected_naming_the_field(
    spec: OperationSpec, field: ImageField, bad: str, tmp_path: Path
) -> None:
    with ExitStack() as stack:
        value = BAD_INPUTS[bad](tmp_path, stack)
        message = rejected(lambda: prepare_image_arg(spec, field, value))
    assert field.label in message


@pytest.mark.parametrize(("spec", "field"), FIELD_PARAMS)
def test_missing_image_is_an_error_only_when_required(
    spec: OperationSpec, field: ImageField
) -> None:
    images = {**required_images(spec), field.name: None}
    if field.required:
        message = rejected(lambda: prepare(spec, images, required_params(spec)))
        assert field.label in message
        assert "required" in message
    else:
        submission = prepare(spec, images, required_params(spec))
        assert field.name not in {image.field for image in submission.images}


OPTIONAL_FIELD_PARAMS = [
    pytest.param(spec, field, id=f"{spec.name}.{field.name}")
    for spec in SPECS
    for field in spec.images
    if not field.required
]


@pytest.mark.parametrize(("spec", "field"), OPTIONAL_FIELD_PARAMS)
def test_an_optional_image_is_sent_when_given(spec: OperationSpec, field: ImageField) -> None:
    data = valid_image(field)
    assert prepared(prepare_image_arg(spec, field, data), field).data == data


INPUT_KINDS: dict[str, Callable[[bytes, Path, ExitStack], object]] = {
    "str-path": lambda data, path, stack: str(path),
    "pathlib-path": lambda data, path, stack: path,
    "bytes": lambda data, path, stack: data,
    "bytearray": lambda data, path, stack: bytearray(data),
    "binary-file": lambda data, path, stack: stack.enter_context(path.open("rb")),
    "bytesio": lambda data, path, stack: io.BytesIO(data),
}


@pytest.mark.parametrize("how", list(INPUT_KINDS))
@pytest.mark.parametrize(("spec", "field"), FIELD_PARAMS)
def test_every_input_kind_is_accepted(
    spec: OperationSpec, field: ImageField, how: str, tmp_path: Path
) -> None:
    data = valid_image(field)
    path = tmp_path / "portrait.img"
    path.write_bytes(data)
    with ExitStack() as stack:
        image = prepared(prepare_image_arg(spec, field, INPUT_KINDS[how](data, path, stack)), field)
    assert image.data == data
    assert image.media_type == preferred_type(field)


def test_a_file_object_is_read_from_its_current_position() -> None:
    spec = SPECS[0]
    field = spec.images[0]
    data = valid_image(field)
    handle = io.BytesIO(b"junk before the image" + data)
    handle.seek(len(b"junk before the image"))
    assert prepared(prepare_image_arg(spec, field, handle), field).data == data


def _huge_png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` (with a correct CRC)."""
    data = bytearray(image_bytes(1, 1, "image/png"))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


@pytest.mark.parametrize(("spec", "field"), FIELD_PARAMS)
def test_an_image_claiming_a_huge_resolution_is_rejected(
    spec: OperationSpec, field: ImageField
) -> None:
    # A header-only bomb: Pillow must not decode it, and the answer is still a clean error.
    data = _huge_png_header(100_000, 100_000)
    message = rejected(lambda: prepare_image_arg(spec, field, data))
    assert field.label in message


# --------------------------------------------------------------------------------------------
# 1. The public methods validate before sending anything
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", SPEC_PARAMS)
def test_public_submit_rejects_a_bad_image_before_sending(
    spec: OperationSpec, client: ailab.Client, server: Server
) -> None:
    args, kwargs = public_args(spec)
    first = next(field for field in spec.images if field.required)
    args[0] = image_bytes(*inside_size(first), NEVER_ALLOWED)
    message = rejected(lambda: getattr(client, spec.name).submit(*args, **kwargs))
    assert first.label in message
    assert "GIF" in message
    assert server.requests == []


@pytest.mark.parametrize("spec", SPEC_PARAMS)
def test_public_submit_rejects_a_missing_image_before_sending(
    spec: OperationSpec, client: ailab.Client, server: Server
) -> None:
    args, kwargs = public_args(spec)
    first = next(field for field in spec.images if field.required)
    args[0] = None
    message = rejected(lambda: getattr(client, spec.name).submit(*args, **kwargs))
    assert first.label in message
    assert server.requests == []


PUBLIC_PARAM_CASES = [
    pytest.param(spec, param, id=f"{spec.name}.{param.name}")
    for spec in SPECS
    for param in spec.params
]


@pytest.mark.parametrize(("spec", "param"), PUBLIC_PARAM_CASES)
def test_public_submit_rejects_a_bad_param_before_sending(
    spec: OperationSpec, param: Param, client: ailab.Client, server: Server
) -> None:
    args, kwargs = public_args(spec)
    kwargs[param.name] = "bogus-value"
    message = rejected(lambda: getattr(client, spec.name).submit(*args, **kwargs))
    assert param.name in message
    assert "bogus-value" in message
    assert server.requests == []


@pytest.mark.parametrize("spec", SPEC_PARAMS)
def test_async_submit_rejects_a_bad_image_before_sending(
    spec: OperationSpec, async_client: ailab.AsyncClient, server: Server
) -> None:
    args, kwargs = public_args(spec)
    first = next(field for field in spec.images if field.required)
    args[0] = b"not an image"

    async def attempt() -> str:
        async with async_client:
            with pytest.raises(InvalidInputError) as info:
                await getattr(async_client, spec.name).submit(*args, **kwargs)
        assert isinstance(info.value, ValueError)
        return str(info.value)

    assert first.label in asyncio.run(attempt())
    assert server.requests == []


# --------------------------------------------------------------------------------------------
# 2. Params
# --------------------------------------------------------------------------------------------


def accepted_values(param: Param) -> Iterator[tuple[str, object, object]]:
    """(label, value given, value expected in Submission.form)."""
    if param.kind == "integer":
        assert param.minimum is not None
        assert param.maximum is not None
        yield "min", int(param.minimum), int(param.minimum)
        yield "max", int(param.maximum), int(param.maximum)
    elif param.kind == "number":
        assert param.minimum is not None
        assert param.maximum is not None
        middle = (param.minimum + param.maximum) / 2
        yield "min", param.minimum, param.minimum
        yield "max", param.maximum, param.maximum
        yield "middle", middle, middle
        yield "min-as-float", float(param.minimum), float(param.minimum)
    elif param.kind == "flag":
        yield "True", True, "1"
        yield "False", False, "0"
    else:
        for choice in param.choices:
            yield repr(choice), choice, choice
        if param.enum is not None:
            for member in param.enum:
                yield f"{param.enum.__name__}.{member.name}", member, member.value


def rejected_values(param: Param) -> Iterator[tuple[str, object]]:
    if param.kind == "integer":
        assert param.minimum is not None
        assert param.maximum is not None
        low, high = int(param.minimum), int(param.maximum)
        yield "min-1", low - 1
        yield "max+1", high + 1
        yield "fraction", (low + high) // 2 + 0.5
        yield "integral-float", float(low)
        yield "True", True
        yield "string", str(low)
    elif param.kind == "number":
        assert param.minimum is not None
        assert param.maximum is not None
        yield "min-0.01", param.minimum - 0.01
        yield "max+0.01", param.maximum + 0.01
        yield "nan", math.nan
        yield "inf", math.inf
        yield "-inf", -math.inf
        yield "True", True
        yield "string", str(param.minimum)
        yield "huge-int", 10**400
    elif param.kind == "flag":
        yield "int-1", 1
        yield "int-0", 0
        yield "string-1", "1"
        yield "string-true", "true"
    else:
        ints = [choice for choice in param.choices if isinstance(choice, int)]
        strings = [choice for choice in param.choices if isinstance(choice, str)]
        if ints:
            yield "below-choices", min(ints) - 1
            yield "above-choices", max(ints) + 1
            yield "True", True
            yield "float-of-a-choice", float(ints[0])
            yield "string-of-a-choice", str(ints[0])
        if strings:
            yield "not-a-choice", f"not-{strings[0]}"
            if strings[0].upper() not in param.choices:
                yield "upper-case-choice", strings[0].upper()
            yield "int", 1


ACCEPTED_PARAM_CASES = [
    pytest.param(spec, param, value, wire, id=f"{spec.name}.{param.name}={label}")
    for spec in SPECS
    for param in spec.params
    for label, value, wire in accepted_values(param)
]
REJECTED_PARAM_CASES = [
    pytest.param(spec, param, value, id=f"{spec.name}.{param.name}={label}")
    for spec in SPECS
    for param in spec.params
    for label, value in rejected_values(param)
]


@pytest.mark.parametrize(("spec", "param", "value", "wire"), ACCEPTED_PARAM_CASES)
def test_param_value_is_accepted(
    spec: OperationSpec, param: Param, value: object, wire: object
) -> None:
    form = prepare_param(spec, param, value).form
    assert form[param.name] == wire
    if param.kind == "flag":
        assert isinstance(form[param.name], str)


@pytest.mark.parametrize(("spec", "param", "value"), REJECTED_PARAM_CASES)
def test_param_value_is_rejected_naming_field_and_value(
    spec: OperationSpec, param: Param, value: object
) -> None:
    message = rejected(lambda: prepare_param(spec, param, value))
    assert param.name in message
    assert repr(value) in message


RANGED_PARAM_CASES = [
    pytest.param(spec, param, param.minimum, param.maximum, id=f"{spec.name}.{param.name}")
    for spec in SPECS
    for param in spec.params
    if param.minimum is not None and param.maximum is not None
]


@pytest.mark.parametrize(("spec", "param", "low", "high"), RANGED_PARAM_CASES)
def test_out_of_range_message_states_the_range(
    spec: OperationSpec, param: Param, low: float, high: float
) -> None:
    for value in (low - 1, high + 1):
        message = rejected(functools.partial(prepare_param, spec, param, value))
        assert f"{low:g}" in message
        assert f"{high:g}" in message


@pytest.mark.parametrize(("spec", "param"), PUBLIC_PARAM_CASES)
def test_none_is_an_error_only_for_required_params(spec: OperationSpec, param: Param) -> None:
    params = {**required_params(spec), param.name: None}
    if param.required:
        message = rejected(lambda: prepare(spec, required_images(spec), params))
        assert param.name in message
        assert "required" in message
    else:
        assert param.name not in prepare(spec, required_images(spec), params).form


@pytest.mark.parametrize("spec", SPEC_PARAMS)
def test_an_unknown_argument_is_rejected(spec: OperationSpec) -> None:
    params = {**required_params(spec), "not_a_param": 1}
    message = rejected(lambda: prepare(spec, required_images(spec), params))
    assert "not_a_param" in message


ENUM_PARAMS = [
    pytest.param(param, id=f"{spec.name}.{param.name}")
    for spec in SPECS
    for param in spec.params
    if param.enum is not None
]


@pytest.mark.parametrize("param", ENUM_PARAMS)
def test_enum_members_and_choices_agree(param: Param) -> None:
    assert param.enum is not None
    assert sorted(member.value for member in param.enum) == sorted(param.choices)


def test_filter_type_is_the_public_enum_of_face_beauty_pro() -> None:
    assert ailab.FilterType is ailab.operations.FaceBeautyProBodyFilterType
    (param,) = (p for p in OPERATIONS["face_beauty_pro"].params if p.name == "filter_type")
    assert param.enum is ailab.FilterType
    assert len(ailab.FilterType) == 35


# --------------------------------------------------------------------------------------------
# 3. The request a valid submission builds
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None
    content_type: str | None
    payload: bytes


def multipart_parts(request: httpx.Request) -> list[Part]:
    """Split a multipart/form-data body byte-exactly (payloads are binary)."""
    match = re.search(r"boundary=([^;]+)", request.headers["content-type"])
    assert match is not None, request.headers["content-type"]
    boundary = match.group(1).strip('"').encode()
    chunks = (b"\r\n" + request.content).split(b"\r\n--" + boundary)
    assert chunks[0] == b""
    assert chunks[-1].startswith(b"--")
    parts = []
    for chunk in chunks[1:-1]:
        assert chunk.startswith(b"\r\n")
        head, _, payload = chunk[2:].partition(b"\r\n\r\n")
        headers: dict[str, str] = {}
        for line in head.decode().split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers["content-disposition"]
        name = re.search(r'(?:^|;)\s*name="([^"]*)"', disposition)
        filename = re.search(r'(?:^|;)\s*filename="([^"]*)"', disposition)
        assert name is not None, disposition
        parts.append(
            Part(
                name=name.group(1),
                filename=filename.group(1) if filename else None,
                content_type=headers.get("content-type"),
                payload=payload,
            )
        )
    return parts


def built_request(submission: Submission) -> httpx.Request:
    kwargs = submission.request()
    request = httpx.Request(
        "POST", "https://x" + kwargs["url"], files=kwargs["files"], headers=kwargs["headers"]
    )
    request.read()
    return request


def wire_text(param: Param, value: object) -> str:
    if param.kind == "flag":
        return "1" if value else "0"
    if param.enum is not None and isinstance(value, param.enum):
        return str(value.value)
    return str(value)


def full_values(param: Param) -> object:
    """A non-default valid value (an enum member where there is an enum)."""
    if param.enum is not None:
        return list(param.enum)[-1]
    if param.kind in ("integer", "number"):
        assert param.maximum is not None
        return param.maximum
    return valid_value(param)


@dataclass(frozen=True)
class Full:
    submission: Submission
    data: dict[str, bytes]
    media_types: dict[str, str]


def full_submission(spec: OperationSpec, tmp_path: Path) -> Full:
    """Every image (given as files with a misleading .gif name) and every param set."""
    images: dict[str, object] = {}
    data: dict[str, bytes] = {}
    media_types: dict[str, str] = {}
    for field in spec.images:
        media_types[field.name] = preferred_type(field)
        data[field.name] = image_bytes(*inside_size(field), media_types[field.name])
        path = tmp_path / f"{field.name}-local-name.gif"
        path.write_bytes(data[field.name])
        images[field.name] = path
    params = {param.name: full_values(param) for param in spec.params}
    return Full(prepare(spec, images, params), data, media_types)


@pytest.mark.parametrize("spec", SPEC_PARAMS)
def test_request_carries_images_params_and_constants(spec: OperationSpec, tmp_path: Path) -> None:
    full = full_submission(spec, tmp_path)
    request = built_request(full.submission)
    parts = multipart_parts(request)

    files = {part.name: part for part in parts if part.filename is not None}
    assert set(files) == {field.name for field in spec.images}
    for field in spec.images:
        part = files[field.name]
        assert part.filename
        assert "local-name" not in part.filename  # the local path is not disclosed
        assert part.content_type == full.media_types[field.name]  # from content, not ".gif"
        assert part.payload == full.data[field.name]
    assert str(tmp_path).encode() not in request.content

    texts = {part.name: part.payload.decode() for part in parts if part.filename is None}
    expected = {
        **spec.constants,
        **{param.name: wire_text(param, full_values(param)) for param in spec.params},
    }
    assert texts == expected
    for name, value in spec.constants.items():
        assert texts[name] == value


@pytest.mark.parametrize("spec", SPEC_PARAMS)
def test_each_request_call_uploads_the_whole_images_again(
    spec: OperationSpec, tmp_path: Path
) -> None:
    full = full_submission(spec, tmp_path)
    first, second = built_request(full.submission), built_request(full.submission)
    for request in (first, second):
        files = {part.name: part.payload for part in multipart_parts(request) if part.filename}
        assert files == full.data
    assert first.url.path == second.url.path


@pytest.mark.parametrize("spec", SPEC_PARAMS)
def test_a_valid_public_submit_sends_each_image_under_its_wire_name(
    spec: OperationSpec, client: ailab.Client, server: Server
) -> None:
    # smart_beauty's public ``image`` must arrive as ``image_target``, and so on.
    server.handler = lambda request: httpx.Response(
        400, json={"error_code": 400, "error_msg": "stop here"}
    )
    args, kwargs = public_args(spec)
    with pytest.raises(ailab.ApiError) as info:
        getattr(client, spec.name).submit(*args, **kwargs)
    assert not isinstance(info.value, InvalidInputError)
    assert len(server.requests) == 1
    files = {p.name: p.payload for p in multipart_parts(server.requests[0]) if p.filename}
    assert files == dict(zip([f.name for f in spec.images if f.required], args, strict=True))


# --------------------------------------------------------------------------------------------
# 4. Import weight
# --------------------------------------------------------------------------------------------


def test_importing_ailab_loads_neither_pillow_nor_yaml() -> None:
    code = (
        "import sys, ailab; ailab.Client(api_key='k'); "
        "print(sorted(m for m in ('PIL','yaml') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
