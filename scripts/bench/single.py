"""One task at a time: each client against its raw-httpx baseline, runs interleaved.

Every side is warmed up first, then each round runs every side once, in an order rotated from
round to round (so no side always runs first, right after another's garbage), and the medians
are compared. The sandbox's counters are read around every run, outside its timing.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import httpx
from ailab import AsyncClient, Client

from .common import BenchError, Comparison, Sample, StatsProbe
from .protocol import HTTP_TIMEOUT, POLL_INTERVAL, Endpoint
from .raw import raw_task, raw_task_async

SDK_MODULE = "ailabtools"
"""The vendor SDK's import name (distribution ``ailabtools-sdk``)."""


def _checked(data: bytes, side: str) -> None:
    if not data:
        raise BenchError(f"{side}: the downloaded result is empty")


def _rotated(index: int, count: int) -> list[int]:
    return [(index + offset) % count for offset in range(count)]


def run_rounds(
    sides: Sequence[Callable[[], bytes]], probe: StatsProbe, rounds: int, warmup: int
) -> list[Sample]:
    """Time ``rounds`` runs of every side after ``warmup`` untimed ones; a Sample per side."""
    for _ in range(warmup):
        for side in sides:
            side()
    seconds: list[list[float]] = [[] for _ in sides]
    requests = [0] * len(sides)
    for index in range(rounds):
        for which in _rotated(index, len(sides)):
            before = probe.requests()
            start = time.perf_counter()
            sides[which]()
            seconds[which].append(time.perf_counter() - start)
            requests[which] += probe.requests() - before
    return [
        Sample(tuple(times), count, rounds) for times, count in zip(seconds, requests, strict=True)
    ]


async def run_rounds_async(
    sides: Sequence[Callable[[], Awaitable[bytes]]], probe: StatsProbe, rounds: int, warmup: int
) -> list[Sample]:
    """:func:`run_rounds` for coroutines (the probe blocks, but only between runs)."""
    for _ in range(warmup):
        for side in sides:
            await side()
    seconds: list[list[float]] = [[] for _ in sides]
    requests = [0] * len(sides)
    for index in range(rounds):
        for which in _rotated(index, len(sides)):
            before = probe.requests()
            start = time.perf_counter()
            await sides[which]()
            seconds[which].append(time.perf_counter() - start)
            requests[which] += probe.requests() - before
    return [
        Sample(tuple(times), count, rounds) for times, count in zip(seconds, requests, strict=True)
    ]


def compare_sync(
    endpoint: Endpoint, png: bytes, probe: StatsProbe, rounds: int, warmup: int
) -> Comparison:
    """``ailab.Client`` (submit, wait, download) against :func:`raw_task`."""
    with (
        Client(
            api_key=endpoint.api_key, base_url=endpoint.base_url, poll_interval=POLL_INTERVAL
        ) as client,
        httpx.Client(timeout=HTTP_TIMEOUT) as http,
    ):

        def wrapper() -> bytes:
            data = client.waist_slimming(png).download()
            _checked(data, "ailab.Client")
            return data

        def baseline() -> bytes:
            data = raw_task(http, endpoint, png)
            _checked(data, "raw httpx.Client")
            return data

        subject, raw = run_rounds([wrapper, baseline], probe, rounds, warmup)
    return Comparison(subject, raw)


def load_sdk(name: str = SDK_MODULE) -> ModuleType | None:
    """The vendor SDK's module, or None when it is not installed."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return None


@dataclass(frozen=True)
class AsyncComparisons:
    """The async single-task results: the SDK (None when missing) and ailab.AsyncClient."""

    sdk: Comparison | None
    client: Comparison


async def compare_async(
    endpoint: Endpoint,
    png: bytes,
    probe: StatsProbe,
    *,
    rounds: int,
    warmup: int,
    sdk: ModuleType | None,
) -> AsyncComparisons:
    """The SDK and ``ailab.AsyncClient`` against :func:`raw_task_async`, all interleaved."""
    async with (
        AsyncClient(
            api_key=endpoint.api_key, base_url=endpoint.base_url, poll_interval=POLL_INTERVAL
        ) as client,
        httpx.AsyncClient(timeout=HTTP_TIMEOUT) as http,
        httpx.AsyncClient(timeout=HTTP_TIMEOUT) as sdk_downloads,
    ):

        async def wrapper() -> bytes:
            result = await client.waist_slimming(png)
            data = await result.download()
            _checked(data, "ailab.AsyncClient")
            return data

        async def baseline() -> bytes:
            data = await raw_task_async(http, endpoint, png)
            _checked(data, "raw httpx.AsyncClient")
            return data

        sides: list[Callable[[], Awaitable[bytes]]] = [baseline, wrapper]
        vendor: Any = None
        if sdk is not None:
            vendor = sdk.AILabClient(api_key=endpoint.api_key, base_url=endpoint.base_url)

            async def with_sdk() -> bytes:
                submitted = await vendor.portrait.portraitAIWaistSlimming({"image": png})
                done = await vendor.wait_for_task(
                    submitted["task_id"], interval=POLL_INTERVAL, timeout=HTTP_TIMEOUT
                )
                answer = await sdk_downloads.get(done["data"]["image"])
                answer.raise_for_status()
                _checked(answer.content, "ailabtools SDK")
                return answer.content

            sides.append(with_sdk)
        try:
            samples = await run_rounds_async(sides, probe, rounds, warmup)
        finally:
            if vendor is not None:
                await vendor.aclose()
    raw, ours = samples[0], samples[1]
    theirs = Comparison(samples[2], raw) if len(samples) > 2 else None
    return AsyncComparisons(theirs, Comparison(ours, raw))
