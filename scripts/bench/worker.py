"""One concurrency level in a fresh process: ``python -m scripts.bench.worker client|raw N``.

The input PNG comes on stdin, the sandbox's address and key in ``AILAB_BASE_URL`` and
``AILAB_API_KEY`` (never on the command line). N tasks run at once with ``asyncio.gather``,
each submitting, waiting and downloading its result, through one ``httpx.AsyncClient`` whose
pool fits N connections (as ``ailab batch`` sizes it). One JSON line goes to stdout:
``{"seconds": ..., "peak_rss_kb": ..., "tasks": N, "bytes": ..., "resends": ...}``, where
``resends`` counts requests sent again after a transport error (ailab's own retries, counted
from its log, or the ideal's immediate resends).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import httpx

from .protocol import HTTP_TIMEOUT, POLL_INTERVAL, Endpoint
from .raw import Resends, raw_task_async

MODES = ("client", "raw")
_STATUS = Path("/proc/self/status")

Task = Callable[[], Awaitable[bytes]]


class RetryCounter(logging.Handler):
    """Counts the retries ``ailab`` logs (one WARNING per retried request)."""

    def __init__(self) -> None:
        """Count from zero."""
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        """Count ``record`` when it announces a retry."""
        if "retry" in str(record.msg):
            self.count += 1


def pool_limits(concurrency: int) -> httpx.Limits:
    """A pool that fits ``concurrency`` tasks at once, exactly as ``ailab batch -j N`` sizes it."""
    return httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)


async def _gather(task: Task, count: int) -> tuple[float, int]:
    start = time.perf_counter()
    results = await asyncio.gather(*(task() for _ in range(count)))
    seconds = time.perf_counter() - start
    if not all(results):
        raise RuntimeError("a downloaded result is empty")
    return seconds, sum(len(data) for data in results)


async def run_client(
    endpoint: Endpoint, png: bytes, count: int, pool: int, resends: Resends
) -> tuple[float, int]:
    """``count`` concurrent tasks through ``ailab.AsyncClient``: (seconds, bytes downloaded)."""
    from ailab import AsyncClient  # noqa: PLC0415 - the raw mode never imports ailab

    counter = RetryCounter()
    logging.getLogger("ailab").addHandler(counter)

    async with httpx.AsyncClient(limits=pool_limits(pool), timeout=HTTP_TIMEOUT) as http:
        client = AsyncClient(
            api_key=endpoint.api_key,
            base_url=endpoint.base_url,
            poll_interval=POLL_INTERVAL,
            http_client=http,
        )
        async with client:

            async def task() -> bytes:
                result = await client.waist_slimming(png)
                return await result.download()

            try:
                return await _gather(task, count)
            finally:
                resends.count = counter.count


async def run_raw(
    endpoint: Endpoint, png: bytes, count: int, pool: int, resends: Resends
) -> tuple[float, int]:
    """The ideal: ``count`` concurrent :func:`raw_task_async` runs, the same pool."""
    async with httpx.AsyncClient(limits=pool_limits(pool), timeout=HTTP_TIMEOUT) as http:

        async def task() -> bytes:
            return await raw_task_async(http, endpoint, png, resends)

        return await _gather(task, count)


def peak_rss_kb(status: Path = _STATUS) -> int:
    """The peak resident set size of the running process, in KiB.

    Linux's ``VmHWM`` first: ``ru_maxrss`` of a freshly exec'd child starts at its parent's
    peak (the kernel carries it over at exec), which would hide a small worker's own peak.
    """
    try:
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS reports bytes


def main(argv: Sequence[str] | None = None) -> int:
    """Run one level and print its JSON line."""
    parser = argparse.ArgumentParser(prog="python -m scripts.bench.worker")
    parser.add_argument("mode", choices=MODES)
    parser.add_argument("tasks", type=int)
    parser.add_argument("--pool", type=int, help="max connections (default: one per task)")
    args = parser.parse_args(argv)
    endpoint = Endpoint.from_environ(dict(os.environ))
    png = sys.stdin.buffer.read()
    run = run_client if args.mode == "client" else run_raw
    resends = Resends()
    seconds, size = asyncio.run(run(endpoint, png, args.tasks, args.pool or args.tasks, resends))
    record = {
        "seconds": seconds,
        "peak_rss_kb": peak_rss_kb(),
        "tasks": args.tasks,
        "bytes": size,
        "resends": resends.count,
    }
    print(json.dumps(record))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
