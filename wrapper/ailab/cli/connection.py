"""The options every command shares (key, base URL, timing, --json) and the clients they build."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import click
import httpx

from ..client import API_KEY_ENV, BASE_URL_ENV, AsyncClient, Client
from ..operations import DEFAULT_BASE_URL, QUERY
from .exits import CommandError


@dataclass(frozen=True, repr=False)
class Connection:
    """How to reach the API and how long to wait, as given on the command line."""

    api_key: str | None
    base_url: str | None
    timeout: float
    poll_interval: float
    json_mode: bool

    def __repr__(self) -> str:
        # The key never appears in a repr (nor in any output).
        return f"Connection(base_url={self.base_url!r}, api_key=<hidden>)"

    @classmethod
    def pop(cls, values: dict[str, Any]) -> Connection:
        """Take the shared options out of a command's parsed values."""
        return cls(
            api_key=values.pop("api_key"),
            base_url=values.pop("base_url"),
            timeout=values.pop("timeout"),
            poll_interval=values.pop("poll_interval"),
            json_mode=values.pop("json_mode"),
        )

    def _key(self) -> str:
        if not self.api_key or not self.api_key.strip():
            raise CommandError(f"no API key: set {API_KEY_ENV} (or pass --api-key)")
        return self.api_key

    def client(self) -> Client:
        """A blocking client for one task."""
        return Client(
            api_key=self._key(),
            base_url=self.base_url,
            poll_interval=self.poll_interval,
            wait_timeout=self.timeout,
        )

    @asynccontextmanager
    async def async_client(self, concurrency: int) -> AsyncIterator[AsyncClient]:
        """An asyncio client whose connection pool fits ``concurrency`` tasks at once."""
        key = self._key()
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(limits=limits) as http:
            client = AsyncClient(
                api_key=key,
                base_url=self.base_url,
                poll_interval=self.poll_interval,
                wait_timeout=self.timeout,
                http_client=http,
            )
            async with client:
                yield client


def connection_params() -> list[click.Parameter]:
    """The shared options, added to every command."""
    seconds = click.FloatRange(min=0, min_open=True)
    return [
        click.Option(
            ["--api-key"],
            envvar=API_KEY_ENV,
            show_envvar=True,
            metavar="KEY",
            help="Your AILabTools API key. Prefer the environment variable: other users of this "
            "machine can see command lines.",
        ),
        click.Option(
            ["--base-url"],
            envvar=BASE_URL_ENV,
            show_envvar=True,
            metavar="URL",
            help=f"The API's root URL [default: {DEFAULT_BASE_URL}].",
        ),
        click.Option(
            ["--timeout"],
            type=seconds,
            default=600.0,
            show_default=True,
            metavar="SECONDS",
            help="Stop waiting for a task after this long. The task carries on: "
            "`ailab wait` picks it up.",
        ),
        click.Option(
            ["--poll-interval"],
            type=seconds,
            default=QUERY.poll_interval,
            show_default=True,
            metavar="SECONDS",
            help="Time between status queries.",
        ),
        click.Option(
            ["--json", "json_mode"],
            is_flag=True,
            help="Print one JSON record per result on stdout (task_id, operation, urls, saved).",
        ),
    ]
