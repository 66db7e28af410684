"""Shared fixtures for the wrapper tests: images made with Pillow, fake time, scripted servers."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import ailab
import httpx
import pytest
from PIL import Image

API_KEY = "test-key-7f3a9c"
BASE_URL = "https://api.test"
SUBMIT_PATH = "/api/portrait/effects/face-beauty-pro"
QUERY_PATH = "/api/common/query-async-task-result"
PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/bmp": "BMP", "image/webp": "WEBP"}


def make_image(width: int = 64, height: int = 64, media_type: str = "image/jpeg") -> bytes:
    """A real image of this size and type (``image/gif`` too, for "not allowed" cases)."""
    fmt = PIL_FORMATS.get(media_type) or media_type.split("/")[1].upper()
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 90)).save(buffer, fmt)
    return buffer.getvalue()


@dataclass
class FakeTime:
    """A monotonic clock that only moves when the client sleeps."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class Server:
    """Records every request and answers with the handler the test installs."""

    handler: Handler | None = None
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if self.handler is None:
            pytest.fail(f"unexpected request {request.method} {request.url}")
        return self.handler(request)

    def count(self, method: str, path: str | None = None) -> int:
        return sum(
            1
            for request in self.requests
            if request.method == method and (path is None or request.url.path == path)
        )


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def server() -> Server:
    return Server()


@pytest.fixture
def client(server: Server, fake_time: FakeTime) -> Iterator[ailab.Client]:
    """A Client whose requests go to ``server`` and whose sleeps advance ``fake_time``."""
    http = httpx.Client(transport=httpx.MockTransport(server))
    with ailab.Client(
        api_key=API_KEY,
        base_url=BASE_URL,
        http_client=http,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        retry_policy=ailab.RetryPolicy(uniform=lambda: 0.0),
    ) as made:
        yield made
    http.close()


@pytest.fixture
def async_client(server: Server, fake_time: FakeTime) -> ailab.AsyncClient:
    """An AsyncClient wired like ``client`` (close it inside the test's event loop)."""
    http = httpx.AsyncClient(transport=httpx.MockTransport(server))
    return ailab.AsyncClient(
        api_key=API_KEY,
        base_url=BASE_URL,
        http_client=http,
        sleep=fake_time.async_sleep,
        clock=fake_time.clock,
        retry_policy=ailab.RetryPolicy(uniform=lambda: 0.0),
    )


@pytest.fixture
def jpeg() -> bytes:
    return make_image(64, 64)
