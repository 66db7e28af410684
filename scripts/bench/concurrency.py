"""``ailab.AsyncClient`` at N concurrent tasks against the raw ideal, each in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .common import BenchError, Sample, StatsProbe
from .protocol import Endpoint

ROOT = Path(__file__).resolve().parents[2]
"""The project root: workers run as ``python -m scripts.bench.worker`` from there."""
WORKER_TIMEOUT = 300.0


@dataclass(frozen=True)
class WorkerRun:
    """One worker process's report: its wall time, peak RSS and the requests it made."""

    seconds: float
    peak_rss_kb: int
    requests: int
    tasks: int
    resends: int

    @property
    def peak_rss_mb(self) -> float:
        """Peak RSS in MiB."""
        return self.peak_rss_kb / 1024


@dataclass(frozen=True)
class Level:
    """Both sides of one concurrency level: every repeat of each (a fresh process per run)."""

    tasks: int
    client: list[WorkerRun]
    raw: list[WorkerRun]

    @staticmethod
    def _sample(runs: list[WorkerRun]) -> Sample:
        return Sample(
            tuple(run.seconds for run in runs),
            sum(run.requests for run in runs),
            len(runs) * runs[0].tasks,
        )

    @property
    def client_sample(self) -> Sample:
        """The AsyncClient's runs as a Sample (median seconds, requests per task)."""
        return self._sample(self.client)

    @property
    def raw_sample(self) -> Sample:
        """The ideal's runs as a Sample."""
        return self._sample(self.raw)

    @property
    def client_rss_mb(self) -> float:
        """The highest peak RSS of the AsyncClient's runs, in MiB."""
        return max(run.peak_rss_mb for run in self.client)

    @property
    def raw_rss_mb(self) -> float:
        """The highest peak RSS of the ideal's runs, in MiB."""
        return max(run.peak_rss_mb for run in self.raw)

    @property
    def resends(self) -> tuple[int, int]:
        """Requests sent again after transport errors: (AsyncClient, ideal), all runs."""
        return sum(run.resends for run in self.client), sum(run.resends for run in self.raw)


def run_worker(
    mode: str, tasks: int, endpoint: Endpoint, png: bytes, probe: StatsProbe
) -> WorkerRun:
    """Run ``python -m scripts.bench.worker MODE TASKS``; BenchError if it fails."""
    env = {**os.environ, **endpoint.environ()}
    before = probe.requests()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "scripts.bench.worker", mode, str(tasks)],
            input=png,
            capture_output=True,
            cwd=ROOT,
            env=env,
            timeout=WORKER_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(
            f"{mode} worker with {tasks} tasks ran over {WORKER_TIMEOUT:.0f} s"
        ) from None
    requests = probe.requests() - before
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines() or ["(no output)"]
        raise BenchError(f"{mode} worker with {tasks} tasks exited {done.returncode}: {lines[-1]}")
    record = json.loads(done.stdout)
    return WorkerRun(
        float(record["seconds"]),
        int(record["peak_rss_kb"]),
        requests,
        tasks,
        int(record["resends"]),
    )


def run_level(
    tasks: int, endpoint: Endpoint, png: bytes, probe: StatsProbe, repeats: int = 1
) -> Level:
    """Both sides of one level, ``repeats`` times each, alternating which side goes first."""
    client: list[WorkerRun] = []
    raw: list[WorkerRun] = []
    for repeat in range(repeats):
        order = ("client", "raw") if (repeat + tasks) % 2 == 0 else ("raw", "client")
        for mode in order:
            run = run_worker(mode, tasks, endpoint, png, probe)
            (client if mode == "client" else raw).append(run)
    return Level(tasks, client, raw)
