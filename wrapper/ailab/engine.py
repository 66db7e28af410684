"""The two I/O loops that drive :mod:`ailab.flows`: one with httpx.Client, one with asyncio.

They only perform actions (send, sleep, fetch) and translate httpx's outcomes; every decision
about retrying, polling and errors is made by the flows, once for both.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx

from .downloads import Receiver
from .envelope import Reply
from .errors import ClientClosedError, DownloadError, InvalidInputError
from .flows import (
    Context,
    Fetch,
    Fetched,
    Finished,
    Flow,
    NoReply,
    Oversize,
    Send,
    Sleep,
    StatusCallback,
    download_flow,
    submit_flow,
    wait_flow,
)
from .options import positive_seconds
from .policy import RetryPolicy
from .results import AsyncResult, Result, Task
from .specs import OperationSpec, QuerySpec
from .submission import Submission, prepare

T = TypeVar("T")
# Failures that prove the request never left this machine (safe to resend even a submit).
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
)


class ApiKeyAuth(httpx.Auth):
    """Adds the API key header to API requests only (downloads are sent with ``auth=None``)."""

    def __init__(self, header: str, key: str) -> None:
        """Remember the header name and the key (never shown by ``repr``)."""
        self._header = header
        self._key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Set the header and send."""
        request.headers[self._header] = self._key
        yield request

    def __repr__(self) -> str:
        return f"ApiKeyAuth(header={self._header!r}, key=<hidden>)"


@dataclass(frozen=True)
class Settings:
    """A client's configuration. The key is excluded from ``repr``."""

    api_key: str = field(repr=False)
    api_key_header: str
    base_url: str
    timeout: float | None
    poll_interval: float
    wait_timeout: float
    max_download_bytes: int
    policy: RetryPolicy


def _detail(exc: Exception) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _no_reply(exc: Exception) -> NoReply:
    return NoReply(sent=not isinstance(exc, _NOT_SENT), detail=_detail(exc))


def _headers(response: httpx.Response) -> dict[str, str]:
    return {name.lower(): value for name, value in response.headers.items()}


@dataclass(frozen=True)
class CallPlan:
    """When one call must end (a ``clock`` time) and how often it polls."""

    deadline: float
    poll_interval: float


class _Engine:
    """What both loops share: settings, the flows' context and request preparation."""

    def __init__(
        self,
        settings: Settings,
        query: QuerySpec,
        operations: Mapping[str, OperationSpec],
        clock: Callable[[], float],
    ) -> None:
        self.settings = settings
        self.operations = operations
        self.context = Context(
            policy=settings.policy,
            clock=clock,
            now=lambda: datetime.now(UTC),
            query=query,
            operations=operations,
            max_download_bytes=settings.max_download_bytes,
        )
        self._auth = ApiKeyAuth(settings.api_key_header, settings.api_key)
        self._key_bytes = settings.api_key.encode()
        self.closed = False
        self._timeout: httpx.Timeout | Any = (
            httpx.Timeout(settings.timeout)
            if settings.timeout is not None
            else httpx.USE_CLIENT_DEFAULT
        )

    def plan(self, timeout: float | None = None, poll_interval: float | None = None) -> CallPlan:
        """Deadline and poll interval of one call; InvalidInputError for bad values.

        Checked before anything is sent, so a bad option never costs a submit.
        """
        seconds = positive_seconds("timeout", timeout, allow_none=True)
        interval = positive_seconds("poll_interval", poll_interval, allow_none=True)
        return CallPlan(
            deadline=self.context.clock()
            + (self.settings.wait_timeout if seconds is None else seconds),
            poll_interval=self.settings.poll_interval if interval is None else interval,
        )

    def _check_open(self) -> None:
        if self.closed:
            raise ClientClosedError(
                "the client is closed: download or save results before leaving its `with` block"
            )

    def _clean(self, content: bytes) -> bytes:
        """An answer's body with the key blanked out, should the API ever echo it back."""
        return content.replace(self._key_bytes, b"<hidden>")

    def _api_request(self, action: Send) -> dict[str, Any]:
        kwargs = dict(action.request())
        kwargs["url"] = self.settings.base_url + str(kwargs["url"])
        return kwargs

    def _download_request(
        self, http: httpx.Client | httpx.AsyncClient, fetch: Fetch
    ) -> httpx.Request:
        request = http.build_request("GET", fetch.url, timeout=self._timeout)
        # Result URLs live on storage hosts: the key must not travel there, even if the
        # caller's own httpx client carries it as a default header.
        request.headers.pop(self.settings.api_key_header, None)
        return request

    def _wait_flow(
        self,
        task: Task | str,
        operation: str | None,
        plan: CallPlan,
        on_status: StatusCallback | None,
    ) -> tuple[Flow[Finished], str]:
        name: str | None
        if isinstance(task, Task):
            task_id, name = task.task_id, task.operation
        elif isinstance(task, str) and task.strip():
            task_id, name = task, operation
        else:
            raise InvalidInputError(f"wait: expected a Task or a task id string, got {task!r}")
        flow = wait_flow(
            task_id,
            self.spec(name) if name is not None else None,
            self.context,
            deadline=plan.deadline,
            poll_interval=plan.poll_interval,
            on_status=on_status,
        )
        return flow, task_id

    def spec(self, operation: str) -> OperationSpec:
        """The operation named ``operation``; raise InvalidInputError for an unknown name."""
        try:
            return self.operations[operation]
        except KeyError:
            known = ", ".join(self.operations)
            raise InvalidInputError(f"unknown operation {operation!r}; known: {known}") from None


class SyncEngine(_Engine):
    """Drives the flows with an httpx.Client and a blocking sleep."""

    def __init__(
        self,
        settings: Settings,
        query: QuerySpec,
        operations: Mapping[str, OperationSpec],
        *,
        http: httpx.Client,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Use ``http`` for every request and ``sleep`` between polls and retries."""
        super().__init__(settings, query, operations, clock)
        self.http = http
        self._sleep = sleep

    def run(self, flow: Flow[T]) -> T:
        """Perform the flow's actions until it returns or raises."""
        try:
            self._check_open()
            action = next(flow)
            while True:
                if isinstance(action, Sleep):
                    self._sleep(action.seconds)
                    action = flow.send(None)
                elif isinstance(action, Send):
                    action = flow.send(self._send(action))
                else:
                    action = flow.send(self._fetch(action))
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    def _send(self, action: Send) -> Reply | NoReply:
        try:
            response = self.http.request(
                **self._api_request(action), auth=self._auth, timeout=self._timeout
            )
        except httpx.HTTPError as exc:
            return _no_reply(exc)
        except RuntimeError as exc:  # httpx: "the client has been closed"
            raise ClientClosedError(f"the HTTP client cannot send: {exc}") from None
        return Reply(response.status_code, _headers(response), self._clean(response.content))

    def _fetch(self, fetch: Fetch) -> Reply | NoReply | Fetched | Oversize:
        try:
            response = self.http.send(
                self._download_request(self.http, fetch),
                stream=True,
                auth=None,
                follow_redirects=True,
            )
        except httpx.HTTPError as exc:
            return _no_reply(exc)
        except (httpx.InvalidURL, ValueError):  # ValueError: idna rejects the host name
            raise DownloadError(
                f"task {fetch.task_id}: the result URL is not a valid URL"
            ) from None
        except RuntimeError as exc:  # httpx: "the client has been closed"
            raise ClientClosedError(f"the HTTP client cannot send: {exc}") from None
        receiver: Receiver | None = None
        try:
            receiver = Receiver(fetch, response.status_code, _headers(response))
            for chunk in response.iter_bytes():
                if not receiver.feed(chunk):
                    break
            return receiver.finish()
        except httpx.HTTPError as exc:
            return NoReply(sent=True, detail=_detail(exc))
        finally:
            response.close()
            if receiver is not None:
                receiver.close()

    def submit(
        self,
        spec: OperationSpec,
        images: Mapping[str, object],
        params: Mapping[str, object],
        *,
        deadline: float | None = None,
    ) -> Task:
        """Validate, then submit; return the task once its id is known."""
        submission: Submission = prepare(spec, images, params)
        limit = self.plan().deadline if deadline is None else deadline
        return self.run(submit_flow(submission, self.context, limit))

    def wait(
        self,
        task: Task | str,
        operation: str | None = None,
        *,
        timeout: float | None = None,
        poll_interval: float | None = None,
        on_status: StatusCallback | None = None,
        plan: CallPlan | None = None,
    ) -> Result[Any]:
        """Poll the task until it finishes or the deadline (``timeout`` from now) passes.

        ``plan`` (from :meth:`plan`) replaces ``timeout`` and ``poll_interval``.
        """
        plan = plan or self.plan(timeout, poll_interval)
        flow, task_id = self._wait_flow(task, operation, plan, on_status)
        done = self.run(flow)
        return Result(task_id, done.spec.name, done.urls, done.raw, done.model, downloads=self)

    def download(self, url: str, *, task_id: str) -> bytes:
        """Fetch one result file into memory."""
        fetch = Fetch(url, None, task_id, 0, self.settings.max_download_bytes)
        return self.run(download_flow(fetch, self.context, self.plan().deadline)).data or b""

    def save(
        self, url: str, path: Path, *, task_id: str, index: int, name: str, overwrite: bool
    ) -> Path:
        """Fetch one result file to ``path`` (a file, or a directory to name it in)."""
        fetch = Fetch(url, path, task_id, index, self.settings.max_download_bytes, name, overwrite)
        saved = self.run(download_flow(fetch, self.context, self.plan().deadline)).path
        assert saved is not None  # noqa: S101 - a Fetch with a target always yields a path
        return saved


class AsyncEngine(_Engine):
    """Drives the same flows with an httpx.AsyncClient and an awaitable sleep."""

    def __init__(
        self,
        settings: Settings,
        query: QuerySpec,
        operations: Mapping[str, OperationSpec],
        *,
        http: httpx.AsyncClient,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Use ``http`` for every request and ``sleep`` between polls and retries."""
        super().__init__(settings, query, operations, clock)
        self.http = http
        self._sleep = sleep

    async def run(self, flow: Flow[T]) -> T:
        """Perform the flow's actions until it returns or raises."""
        try:
            self._check_open()
            action = next(flow)
            while True:
                if isinstance(action, Sleep):
                    await self._sleep(action.seconds)
                    action = flow.send(None)
                elif isinstance(action, Send):
                    action = flow.send(await self._send(action))
                else:
                    action = flow.send(await self._fetch(action))
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    async def _send(self, action: Send) -> Reply | NoReply:
        try:
            response = await self.http.request(
                **self._api_request(action), auth=self._auth, timeout=self._timeout
            )
        except httpx.HTTPError as exc:
            return _no_reply(exc)
        except RuntimeError as exc:  # httpx: "the client has been closed"
            raise ClientClosedError(f"the HTTP client cannot send: {exc}") from None
        return Reply(response.status_code, _headers(response), self._clean(response.content))

    async def _fetch(self, fetch: Fetch) -> Reply | NoReply | Fetched | Oversize:
        try:
            response = await self.http.send(
                self._download_request(self.http, fetch),
                stream=True,
                auth=None,
                follow_redirects=True,
            )
        except httpx.HTTPError as exc:
            return _no_reply(exc)
        except (httpx.InvalidURL, ValueError):  # ValueError: idna rejects the host name
            raise DownloadError(
                f"task {fetch.task_id}: the result URL is not a valid URL"
            ) from None
        except RuntimeError as exc:  # httpx: "the client has been closed"
            raise ClientClosedError(f"the HTTP client cannot send: {exc}") from None
        receiver: Receiver | None = None
        try:
            receiver = Receiver(fetch, response.status_code, _headers(response))
            async for chunk in response.aiter_bytes():
                if not receiver.feed(chunk):
                    break
            return receiver.finish()
        except httpx.HTTPError as exc:
            return NoReply(sent=True, detail=_detail(exc))
        finally:
            await response.aclose()
            if receiver is not None:
                receiver.close()

    async def submit(
        self,
        spec: OperationSpec,
        images: Mapping[str, object],
        params: Mapping[str, object],
        *,
        deadline: float | None = None,
    ) -> Task:
        """Validate (in a worker thread: it reads files), then submit."""
        submission = await asyncio.to_thread(prepare, spec, images, params)
        limit = self.plan().deadline if deadline is None else deadline
        return await self.run(submit_flow(submission, self.context, limit))

    async def wait(
        self,
        task: Task | str,
        operation: str | None = None,
        *,
        timeout: float | None = None,
        poll_interval: float | None = None,
        on_status: StatusCallback | None = None,
        plan: CallPlan | None = None,
    ) -> AsyncResult[Any]:
        """Poll the task until it finishes or the deadline (``timeout`` from now) passes.

        ``plan`` (from :meth:`plan`) replaces ``timeout`` and ``poll_interval``.
        """
        plan = plan or self.plan(timeout, poll_interval)
        flow, task_id = self._wait_flow(task, operation, plan, on_status)
        done = await self.run(flow)
        return AsyncResult(task_id, done.spec.name, done.urls, done.raw, done.model, downloads=self)

    async def download(self, url: str, *, task_id: str) -> bytes:
        """Fetch one result file into memory."""
        fetch = Fetch(url, None, task_id, 0, self.settings.max_download_bytes)
        return (
            await self.run(download_flow(fetch, self.context, self.plan().deadline))
        ).data or b""

    async def save(
        self, url: str, path: Path, *, task_id: str, index: int, name: str, overwrite: bool
    ) -> Path:
        """Fetch one result file to ``path`` (a file, or a directory to name it in)."""
        fetch = Fetch(url, path, task_id, index, self.settings.max_download_bytes, name, overwrite)
        saved = (await self.run(download_flow(fetch, self.context, self.plan().deadline))).path
        assert saved is not None  # noqa: S101 - a Fetch with a target always yields a path
        return saved
