"""What every part of the benchmark shares: the sandbox endpoint, the input, the counters."""

from __future__ import annotations

import io
import statistics
import sys
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import httpx

from .protocol import HTTP_TIMEOUT, STATS_PATH, Endpoint

_COUNTED = ("submits", "queries", "downloads")


class BenchError(Exception):
    """The benchmark itself failed (not a missed target): a task errored, a worker crashed."""


def sample_png(size: int = 64) -> bytes:
    """A small, valid RGB PNG (a gradient), the same bytes on every call."""
    from PIL import Image  # noqa: PLC0415 - only the parent process draws it

    image = Image.new("RGB", (size, size))
    image.putdata([(x * 4 % 256, y * 4 % 256, 128) for y in range(size) for x in range(size)])
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


class StatsProbe:
    """Reads the sandbox's request counters between timed runs (never inside one)."""

    def __init__(self, endpoint: Endpoint) -> None:
        """Open a connection of its own, so the measured clients' pools stay untouched."""
        self._endpoint = endpoint
        self._http = httpx.Client(timeout=HTTP_TIMEOUT)

    def requests(self) -> int:
        """API requests served so far: submits + queries + result downloads."""
        answer = self._http.get(
            self._endpoint.base_url + STATS_PATH, headers=self._endpoint.headers
        )
        answer.raise_for_status()
        stats = answer.json()
        return sum(int(stats[name]) for name in _COUNTED)

    def round_trip(self, runs: int = 5) -> float:
        """Median seconds of a stats request on the probe's kept-alive connection."""
        self.requests()  # open the connection first: only kept-alive requests are timed
        seconds = []
        for _ in range(runs):
            start = time.perf_counter()
            self.requests()
            seconds.append(time.perf_counter() - start)
        return statistics.median(seconds)

    def close(self) -> None:
        """Close the probe's connection."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(frozen=True)
class Sample:
    """The timed runs of one side of a comparison and the requests they made."""

    seconds: tuple[float, ...]
    requests: int
    tasks: int

    @property
    def median(self) -> float:
        """The median wall time of one run, in seconds."""
        return statistics.median(self.seconds)

    @property
    def requests_per_task(self) -> float:
        """Requests the sandbox counted per task."""
        return self.requests / self.tasks


@dataclass(frozen=True)
class Comparison:
    """A subject (an ailab client or the SDK) against its raw-httpx baseline."""

    subject: Sample
    baseline: Sample

    @property
    def ratio(self) -> float:
        """Subject median / baseline median (1.0: no overhead)."""
        return self.subject.median / self.baseline.median


def progress(message: str) -> None:
    """One line on stderr telling what the benchmark is doing now."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)
