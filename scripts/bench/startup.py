"""Start-up costs: ``import ailab`` in a fresh interpreter and ``python -m ailab --help``."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from .common import BenchError

BARE = (sys.executable, "-c", "pass")
IMPORT = (sys.executable, "-c", "import ailab")
HELP = (sys.executable, "-m", "ailab", "--help")
IMPORTTIME = (sys.executable, "-X", "importtime", "-c", "import ailab")


def _run(command: Sequence[str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise BenchError(f"{' '.join(command[1:])} exited {done.returncode}: {last}")
    return done


def wall_time(command: Sequence[str]) -> float:
    """Seconds one run of ``command`` takes, start to exit."""
    start = time.perf_counter()
    _run(command)
    return time.perf_counter() - start


@dataclass(frozen=True)
class Timings:
    """Wall times of repeated runs, in seconds."""

    seconds: tuple[float, ...]

    @property
    def best(self) -> float:
        """The fastest run."""
        return min(self.seconds)

    @property
    def median(self) -> float:
        """The median run."""
        return statistics.median(self.seconds)


def interleaved(commands: Sequence[Sequence[str]], runs: int) -> list[Timings]:
    """Run every command once untimed, then ``runs`` timed rounds of all of them in turn."""
    for command in commands:
        _run(command)
    seconds: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for index, command in enumerate(commands):
            seconds[index].append(wall_time(command))
    return [Timings(tuple(times)) for times in seconds]


def importtime_ms(runs: int = 1) -> float:
    """The best ``-X importtime`` cumulative time of the top-level ``ailab`` import, in ms."""
    best: float | None = None
    for _ in range(runs):
        for line in _run(IMPORTTIME).stderr.splitlines():
            fields = line.removeprefix("import time:").split("|")
            if len(fields) == 3 and fields[2].strip() == "ailab" and fields[1].strip().isdigit():
                cumulative = int(fields[1]) / 1000
                best = cumulative if best is None else min(best, cumulative)
    if best is None:
        raise BenchError("python -X importtime printed no line for ailab")
    return best


@dataclass(frozen=True)
class Startup:
    """Bare interpreter, ``import ailab`` and ``ailab --help`` timings."""

    bare: Timings
    imported: Timings
    help: Timings
    importtime_ms: float

    @property
    def import_net_median(self) -> float:
        """Median ``import ailab`` run minus the median bare interpreter run, in seconds."""
        return self.imported.median - self.bare.median

    @property
    def import_net_best(self) -> float:
        """Best ``import ailab`` run minus the best bare interpreter run, in seconds."""
        return self.imported.best - self.bare.best


def measure(import_runs: int, help_runs: int, importtime_runs: int) -> Startup:
    """All start-up timings (bare and import interleaved; --help after them)."""
    bare, imported = interleaved([BARE, IMPORT], import_runs)
    (shown,) = interleaved([HELP], help_runs)
    return Startup(bare, imported, shown, importtime_ms(importtime_runs))
