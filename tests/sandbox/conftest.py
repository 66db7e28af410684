"""Fixtures for the sandbox tests: Pillow images, a fake clock and the app driven in-process.

Nothing here sleeps: the sandbox runs on :class:`FakeClock` (its ``clock`` and ``sleep``), and
:class:`Api` sends requests straight into the ASGI app through :class:`AppTransport`, a sync
``httpx`` transport, so the real wrapper (``ailab.Client(http_client=...)``) can talk to it too.
Per-operation expectations are derived from :data:`ailab.operations.OPERATIONS`.
"""

from __future__ import annotations

import asyncio
import io
import struct
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from ailab.operations import API_KEY_HEADER, OPERATIONS, QUERY
from ailab.sandbox import FAULTS_PATH, STATS_PATH, Sandbox, SandboxConfig, create_app
from ailab.specs import ImageField, OperationSpec, Param
from PIL import Image

API_KEY = "sbx-test-key-5c1e9a77"
"""The key the test sandboxes accept: distinctive, so that a leak of it can be searched for."""
BASE_URL = "http://sandbox.test"
PIL_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/bmp": "BMP",
    "image/webp": "WEBP",
    "image/gif": "GIF",
}
MIB = 1024 * 1024

FormValue = bytes | str
"""A multipart part: bytes are sent as a file, str as a text field."""
Form = dict[str, FormValue]


# ---------------------------------------------------------------- images


def make_image(
    width: int = 64, height: int = 64, media_type: str = "image/png", *, plain: bool = False
) -> bytes:
    """An image of this size and type; patterned (gradients) unless ``plain`` (one colour)."""
    if plain:
        image = Image.new("RGB", (width, height), (180, 120, 90))
    else:
        ramp = Image.linear_gradient("L")
        image = Image.merge(
            "RGB",
            (
                ramp.resize((width, height)),
                ramp.rotate(90).resize((width, height)),
                Image.new("L", (width, height), 140),
            ),
        )
    buffer = io.BytesIO()
    image.save(buffer, PIL_FORMATS[media_type])
    return buffer.getvalue()


def padded(data: bytes, total: int) -> bytes:
    """The PNG ``data`` grown to exactly ``total`` bytes with a private ancillary chunk."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    length = total - len(data) - 12  # length, type and CRC around the payload
    assert length >= 0, f"{total} is smaller than the PNG itself"
    body = b"prVt" + bytes(length)
    chunk = struct.pack(">I", length) + body + struct.pack(">I", zlib.crc32(body))
    ihdr_end = 8 + 25  # signature, then IHDR (4 + 4 + 13 + 4)
    grown = data[:ihdr_end] + chunk + data[ihdr_end:]
    assert len(grown) == total
    return grown


def decode(data: bytes) -> Image.Image:
    """The image in ``data``, fully decoded (raises if it is not a whole image)."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def pixels_differ(before: bytes, after: bytes) -> bool:
    """Whether two images of the same size differ in any RGB pixel value."""
    first, second = decode(before).convert("RGB"), decode(after).convert("RGB")
    assert first.size == second.size
    return first.tobytes() != second.tobytes()


# ---------------------------------------------------------------- forms from the spec


def preferred_type(image: ImageField) -> str:
    """PNG where the field takes it (cheap to craft at any size), else its first type."""
    return "image/png" if "image/png" in image.media_types else image.media_types[0]


def image_size(image: ImageField) -> tuple[int, int]:
    """A comfortable valid size: 64 px, or the field's minimum when that is larger."""
    return (
        min(image.max_width, max(image.min_width, 64)),
        min(image.max_height, max(image.min_height, 64)),
    )


def valid_value(param: Param) -> str:
    """A value the API accepts for ``param``, as sent on the wire."""
    if param.kind == "flag":
        return "1"
    if param.kind == "choice":
        return str(param.choices[0])
    low = 0.0 if param.minimum is None else param.minimum
    return str(int(low)) if param.kind == "integer" else f"{low:g}"


def valid_form(
    spec: OperationSpec, media_type: str | None = None, *, optional: bool = False
) -> Form:
    """A submit the sandbox accepts: required images (all images if ``optional``), constants
    and required parameters. ``media_type`` picks the images' type where the field takes it.
    """
    form: Form = {}
    for image in spec.images:
        if image.required or optional:
            kind = media_type if media_type in image.media_types else preferred_type(image)
            form[image.name] = make_image(*image_size(image), kind)
    form.update(spec.constants)
    for param in spec.params:
        if param.required:
            form[param.name] = valid_value(param)
    return form


def encode_form(items: Iterable[tuple[str, FormValue]]) -> tuple[bytes, str]:
    """A multipart/form-data body (repeated names allowed) and its content type."""
    boundary = f"sandbox-test-{uuid.uuid4().hex}"
    chunks: list[bytes] = []
    for name, value in items:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
        if isinstance(value, bytes):
            head += f'; filename="{name}.bin"\r\nContent-Type: application/octet-stream'
            data = value
        else:
            data = value.encode()
        chunks += [head.encode(), b"\r\n\r\n", data, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def result_urls(body: Mapping[str, Any], spec: OperationSpec) -> list[str]:
    """The URL(s) at the operation's ``url_path`` (a ``*`` step must be a list)."""
    found: Any = body
    for step in spec.url_path:
        if step == "*":
            assert isinstance(found, list), f"{spec.name}: expected a list of URLs, got {found!r}"
            return [str(url) for url in found]
        found = found[step]
    assert isinstance(found, str), f"{spec.name}: expected a URL, got {found!r}"
    return [found]


def error_code(response: httpx.Response) -> str:
    """The ``error_detail.code`` of an answer."""
    code: str = response.json()["error_detail"]["code"]
    return code


def assert_refused(response: httpx.Response, status: int, code: str) -> None:
    """The answer is this HTTP status with this documented code."""
    assert (response.status_code, error_code(response)) == (status, code), response.text


operation_ids = [spec.name for spec in OPERATIONS.values()]


# ---------------------------------------------------------------- time and transport


@dataclass
class FakeClock:
    """The sandbox's clock and sleep: time moves only when a test (or the wrapper) says so."""

    now: float = 1000.0
    slept: list[float] = field(default_factory=list)
    """What the sandbox awaited (slow faults); it does not move the clock."""

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)

    def client_sleep(self, seconds: float) -> None:
        """A wrapper's blocking sleep: the time passes at once."""
        self.advance(seconds)


class AppTransport(httpx.BaseTransport):
    """A sync httpx transport into an ASGI app, on one event loop of its own."""

    def __init__(self, app: Any) -> None:
        self._runner = asyncio.Runner()
        self._inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._runner.run(self._send(request))

    async def _send(self, request: httpx.Request) -> httpx.Response:
        answer = await self._inner.handle_async_request(request)
        content = await answer.aread()
        return httpx.Response(answer.status_code, headers=answer.headers, content=content)

    def close(self) -> None:
        self._runner.close()


class Api:
    """One in-process sandbox and a client into it; the key is sent unless told otherwise."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.app = create_app(config)
        self.responses: list[httpx.Response] = []
        self.http = httpx.Client(
            transport=AppTransport(self.app),
            base_url=BASE_URL,
            event_hooks={"response": [self.responses.append]},
        )

    @property
    def sandbox(self) -> Sandbox:
        sandbox: Sandbox = self.app.state.sandbox
        return sandbox

    @staticmethod
    def headers(key: str | None) -> dict[str, str]:
        return {} if key is None else {API_KEY_HEADER: key}

    def submit(
        self,
        spec: OperationSpec,
        form: Mapping[str, FormValue] | Sequence[tuple[str, FormValue]] | None = None,
        *,
        key: str | None = API_KEY,
    ) -> httpx.Response:
        """POST a multipart submit (default: a valid one)."""
        fields = valid_form(spec) if form is None else form
        items = list(fields.items()) if isinstance(fields, Mapping) else list(fields)
        body, content_type = encode_form(items)
        headers = {**self.headers(key), "content-type": content_type}
        return self.http.post(spec.path, content=body, headers=headers)

    def accepted(self, spec: OperationSpec, form: Mapping[str, FormValue] | None = None) -> str:
        """Submit (default: a valid form); it must be accepted. Returns the task id."""
        response = self.submit(spec, form)
        assert response.status_code == 200, response.text
        task_id: str = response.json()["task_id"]
        return task_id

    def query(self, task_id: str, *, key: str | None = API_KEY) -> httpx.Response:
        return self.http.get(
            QUERY.path, params={QUERY.task_id_parameter: task_id}, headers=self.headers(key)
        )

    def inject(
        self, order: Any = None, *, key: str | None = API_KEY, **fields: Any
    ) -> httpx.Response:
        """POST /sandbox/faults with ``order`` (any JSON) or with ``fields`` as the object."""
        return self.http.post(
            FAULTS_PATH, json=fields if order is None else order, headers=self.headers(key)
        )

    def stats(self) -> dict[str, Any]:
        response = self.http.get(STATS_PATH, headers=self.headers(API_KEY))
        assert response.status_code == 200, response.text
        stats: dict[str, Any] = response.json()
        return stats

    def download(self, url: str, *, key: str | None = None) -> httpx.Response:
        """GET a result URL (without the key, as a browser would)."""
        return self.http.get(url, headers=self.headers(key))

    def close(self) -> None:
        self.http.close()


MakeApi = Callable[..., Api]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_api(clock: FakeClock) -> Iterator[MakeApi]:
    """``make_api(**settings)``: a sandbox on ``clock`` (newer envelope, seeded) and its Api."""
    made: list[Api] = []

    def make(**settings: Any) -> Api:
        defaults: dict[str, Any] = {
            "api_key": API_KEY,
            "clock": clock,
            "sleep": clock.sleep,
            "envelope": "newer",
            "seed": 7,
        }
        api = Api(SandboxConfig(**{**defaults, **settings}))
        made.append(api)
        return api

    yield make
    for api in made:
        api.close()


@pytest.fixture
def api(make_api: MakeApi) -> Api:
    """A sandbox with the default timings (queued 1 s, processing 2 s) on the fake clock."""
    return make_api()
