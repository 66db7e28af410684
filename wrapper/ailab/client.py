"""``Client`` and ``AsyncClient``: configuration, lifetime, and ``wait`` for any task."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import httpx

from .engine import AsyncEngine, Settings, SyncEngine
from .errors import InvalidInputError
from .flows import StatusCallback
from .operations import (
    API_KEY_HEADER,
    DEFAULT_BASE_URL,
    OPERATIONS,
    QUERY,
    AsyncOperations,
    Operations,
)
from .options import positive_seconds
from .policy import RetryPolicy
from .results import AsyncResult, Result, Task

API_KEY_ENV = "AILAB_API_KEY"
BASE_URL_ENV = "AILAB_BASE_URL"
DEFAULT_TIMEOUT = 30.0
DEFAULT_WAIT_TIMEOUT = 600.0
DEFAULT_MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024


def _settings(
    *,
    api_key: str | None,
    base_url: str | None,
    timeout: float | None,
    poll_interval: float | None,
    wait_timeout: float,
    max_retries: int | None,
    max_download_bytes: int,
    retry_policy: RetryPolicy | None,
) -> Settings:
    key = api_key if api_key is not None else os.environ.get(API_KEY_ENV, "")
    if not isinstance(key, str) or not key.strip():
        raise InvalidInputError(
            f"no API key: pass api_key=... or set the {API_KEY_ENV} environment variable"
        )
    key = key.strip()
    if not (key.isascii() and key.isprintable()) or any(char.isspace() for char in key):
        raise InvalidInputError(
            "the API key contains characters that cannot be sent in an HTTP header"
        )
    url = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
    parts = urlsplit(url)
    try:
        httpx.URL(url)  # the same parser (and IDNA rules) every request will use
    except (httpx.InvalidURL, ValueError):
        parts = parts._replace(scheme="invalid")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInputError(f"base_url={url!r} must be an absolute http(s) URL")
    positive_seconds("timeout", timeout, allow_none=True)
    positive_seconds("poll_interval", poll_interval, allow_none=True)
    positive_seconds("wait_timeout", wait_timeout)
    policy = retry_policy or RetryPolicy()
    if max_retries is not None:
        # An explicit max_retries wins over the policy's own count.
        policy = dataclasses.replace(policy, max_retries=max_retries)
    if (
        isinstance(max_download_bytes, bool)
        or not isinstance(max_download_bytes, int)
        or max_download_bytes <= 0
    ):
        raise InvalidInputError(
            f"max_download_bytes={max_download_bytes!r} must be a positive integer"
        )
    return Settings(
        api_key=key,
        api_key_header=API_KEY_HEADER,
        base_url=url,
        timeout=timeout,
        poll_interval=QUERY.poll_interval if poll_interval is None else poll_interval,
        wait_timeout=wait_timeout,
        max_download_bytes=max_download_bytes,
        policy=policy,
    )


class Client(Operations):
    """Synchronous client: one attribute per operation, plus :meth:`wait`.

    Args:
        api_key: The AILabTools API key (default: ``$AILAB_API_KEY``). Never logged or shown.
        base_url: The API's address (default: ``$AILAB_BASE_URL`` or the production URL).
        timeout: Seconds allowed for each HTTP request (None: the http_client's own timeout).
        poll_interval: Seconds between status queries (default: the vendor's advice, 5).
        wait_timeout: Overall deadline, in seconds, of one call: an operation call (submit and
            wait), a submit, a wait or a download.
        max_retries: How often one transient failure is retried (default: the retry_policy's,
            4); see README "Retry policy".
        max_download_bytes: Size cap for each downloaded result file.
        http_client: An httpx.Client to send every request with (it is not closed for you).
        retry_policy: Backoff timing; an explicit ``max_retries`` overrides its count.
        sleep: The blocking sleep used between polls and retries (tests inject a fake).
        clock: The monotonic clock deadlines are measured with (tests inject a fake).

    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        poll_interval: float | None = None,
        wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
        max_retries: int | None = None,
        max_download_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
        http_client: httpx.Client | None = None,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Configure the client; raise InvalidInputError for a missing key or a bad option."""
        settings = _settings(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            poll_interval=poll_interval,
            wait_timeout=wait_timeout,
            max_retries=max_retries,
            max_download_bytes=max_download_bytes,
            retry_policy=retry_policy,
        )
        self._owns_http = http_client is None
        http = http_client if http_client is not None else httpx.Client()
        self._engine = SyncEngine(settings, QUERY, OPERATIONS, http=http, clock=clock, sleep=sleep)
        super().__init__(self._engine)

    def __repr__(self) -> str:
        return f"Client(base_url={self._engine.settings.base_url!r}, api_key=<hidden>)"

    def wait(
        self,
        task: Task | str,
        operation: str | None = None,
        *,
        timeout: float | None = None,
        poll_interval: float | None = None,
        on_status: StatusCallback | None = None,
    ) -> Result[Any]:
        """Wait for a submitted task (a Task, or a task id) and return its result.

        ``operation`` names the operation that submitted a bare task id; without it the result
        shape is recognised from the answer. ``timeout`` is the overall deadline (default:
        wait_timeout); on expiry WaitTimeoutError says how to resume.
        """
        return self._engine.wait(
            task, operation, timeout=timeout, poll_interval=poll_interval, on_status=on_status
        )

    def close(self) -> None:
        """Close the HTTP connections (unless the http_client was passed in)."""
        self._engine.closed = True
        if self._owns_http:
            self._engine.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClient(AsyncOperations):
    """Asynchronous client: the same surface as :class:`Client`, with ``await``.

    Takes the same arguments as :class:`Client`, except that ``http_client`` is an
    httpx.AsyncClient and ``sleep`` is awaitable.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        poll_interval: float | None = None,
        wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
        max_retries: int | None = None,
        max_download_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
        http_client: httpx.AsyncClient | None = None,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Configure the client; raise InvalidInputError for a missing key or a bad option."""
        settings = _settings(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            poll_interval=poll_interval,
            wait_timeout=wait_timeout,
            max_retries=max_retries,
            max_download_bytes=max_download_bytes,
            retry_policy=retry_policy,
        )
        self._owns_http = http_client is None
        http = http_client if http_client is not None else httpx.AsyncClient()
        self._engine = AsyncEngine(settings, QUERY, OPERATIONS, http=http, clock=clock, sleep=sleep)
        super().__init__(self._engine)

    def __repr__(self) -> str:
        return f"AsyncClient(base_url={self._engine.settings.base_url!r}, api_key=<hidden>)"

    async def wait(
        self,
        task: Task | str,
        operation: str | None = None,
        *,
        timeout: float | None = None,
        poll_interval: float | None = None,
        on_status: StatusCallback | None = None,
    ) -> AsyncResult[Any]:
        """Wait for a submitted task (a Task, or a task id) and return its result.

        See :meth:`Client.wait`.
        """
        return await self._engine.wait(
            task, operation, timeout=timeout, poll_interval=poll_interval, on_status=on_status
        )

    async def aclose(self) -> None:
        """Close the HTTP connections (unless the http_client was passed in)."""
        self._engine.closed = True
        if self._owns_http:
            await self._engine.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()
