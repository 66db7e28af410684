"""``python -m scripts.bench [--quick] [--markdown PATH]``: run every step, print the table."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ailab.sandbox.server import sandbox_process

from . import concurrency, rows, single, startup
from .common import StatsProbe, progress, sample_png
from .machine import Machine, describe
from .protocol import Endpoint
from .table import Row, render_markdown, render_text

SANDBOX_ARGUMENTS = ("--fast", "--envelope", "newer")
SANDBOX_KEY_ENV = "AILAB_SANDBOX_API_KEY"
"""The sandbox's key, when set (as for ``ailab sandbox``); else a random one per run."""
TITLE = "ailab benchmark: offline sandbox (--fast), same requests as raw httpx"
REPEATED_UP_TO = 10
"""Levels up to this many tasks are run ``Plan.repeats`` times (larger ones take seconds)."""
SLOW_ROUND_TRIP = 0.010
"""A kept-alive sandbox request slower than this (seconds) dominates every number."""


@dataclass(frozen=True)
class Plan:
    """How much to measure. The defaults fit in about two minutes on two cores."""

    rounds: int = 40
    warmup: int = 5
    levels: tuple[int, ...] = (1, 10, 100, 1000)
    repeats: int = 3
    import_runs: int = 7
    help_runs: int = 5
    importtime_runs: int = 3

    @classmethod
    def quick(cls) -> Plan:
        """A few seconds' worth: for tests."""
        return cls(
            rounds=5,
            warmup=2,
            levels=(1, 10),
            repeats=1,
            import_runs=3,
            help_runs=2,
            importtime_runs=1,
        )


@dataclass
class Report:
    """The rows so far and the steps that failed."""

    key: str = field(repr=False)
    round_trip: float | None = None
    rows: list[Row] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)

    def step(self, label: str, run: Callable[[], list[Row]]) -> None:
        """Add ``run``'s rows, or a failure row when it raises (the key is never shown)."""
        try:
            self.rows.extend(run())
        except Exception as error:  # any failure is reported, then the next step runs
            self.fail(label, error)

    def fail(self, label: str, error: BaseException) -> None:
        """Record a failed step (its message without the key, shortened)."""
        message = str(error).replace(self.key, "<hidden>")[:300]
        self.rows.append(rows.failure_row(label, message))
        self.failures.append(f"{label}: {type(error).__name__}: {message}")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive integer")
    return value


def _levels(text: str) -> tuple[int, ...]:
    return tuple(_positive(part) for part in text.split(","))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few rounds, levels 1 and 10 only")
    parser.add_argument("--markdown", type=Path, metavar="PATH", help="also write the table here")
    parser.add_argument("--rounds", type=_positive, metavar="N", help="single-task rounds per side")
    parser.add_argument(
        "--levels",
        type=_levels,
        metavar="N,N,...",
        help="concurrency levels (default 1,10,100,1000)",
    )
    return parser


def _plan(args: argparse.Namespace) -> Plan:
    plan = Plan.quick() if args.quick else Plan()
    if args.rounds is not None:
        plan = replace(plan, rounds=args.rounds)
    if args.levels is not None:
        plan = replace(plan, levels=args.levels)
    return plan


def _single_steps(report: Report, endpoint: Endpoint, probe: StatsProbe, plan: Plan) -> None:
    png = sample_png()
    each = f"{plan.warmup} warm-up + {plan.rounds} timed rounds each"
    progress(f"1 task, sync: ailab.Client vs raw httpx.Client ({each})")

    def sync_rows() -> list[Row]:
        comparison = single.compare_sync(endpoint, png, probe, plan.rounds, plan.warmup)
        return [rows.comparison_row(rows.SYNC_LABEL, comparison, "raw httpx.Client")]

    report.step(rows.SYNC_LABEL, sync_rows)
    sdk = single.load_sdk()
    vendor = "ailabtools SDK, " if sdk is not None else ""
    progress(f"1 task, async: {vendor}ailab.AsyncClient vs raw httpx.AsyncClient ({each})")

    def async_rows() -> list[Row]:
        found = asyncio.run(
            single.compare_async(
                endpoint, png, probe, rounds=plan.rounds, warmup=plan.warmup, sdk=sdk
            )
        )
        baseline = "raw httpx.AsyncClient"
        first = (
            rows.comparison_row(rows.SDK_LABEL, found.sdk, baseline, target=None)
            if found.sdk is not None
            else rows.sdk_missing_row()
        )
        return [first, rows.comparison_row(rows.ASYNC_LABEL, found.client, baseline)]

    report.step(rows.ASYNC_LABEL, async_rows)


def _level_steps(report: Report, endpoint: Endpoint, probe: StatsProbe, plan: Plan) -> None:
    png = sample_png()
    for tasks in plan.levels:
        repeats = plan.repeats if tasks <= REPEATED_UP_TO else 1
        progress(
            f"{tasks} concurrent tasks: ailab.AsyncClient vs raw ideal "
            f"({repeats} fresh process{'es' if repeats > 1 else ''} each)"
        )

        def level_rows(tasks: int = tasks, repeats: int = repeats) -> list[Row]:
            level = concurrency.run_level(tasks, endpoint, png, probe, repeats)
            ours, ideal = level.resends
            if ours or ideal:
                report.remarks.append(
                    f"{tasks} concurrent: requests resent after transport errors (pooled "
                    f"connections the sandbox had closed): AsyncClient {ours} (its retries, "
                    f"with backoff), ideal {ideal} (at once)."
                )
            return [rows.level_row(level)]

        report.step(rows.level_label(tasks), level_rows)


def _startup_step(report: Report, plan: Plan) -> None:
    progress(
        f"start-up: python -c 'import ailab' x{plan.import_runs} (and bare python), "
        f"python -m ailab --help x{plan.help_runs}"
    )

    def startup_rows() -> list[Row]:
        found = startup.measure(plan.import_runs, plan.help_runs, plan.importtime_runs)
        return rows.startup_rows(found)

    report.step(rows.IMPORT_LABEL, startup_rows)


def _notes(report: Report, plan: Plan, elapsed: float) -> list[str]:
    notes = [
        f"Single-task rows: medians of {plan.rounds} interleaved rounds per side after "
        f"{plan.warmup} warm-up rounds; ratio = subject / raw httpx.",
        f"Concurrency rows: median of {plan.repeats} runs per side up to {REPEATED_UP_TO} "
        "tasks, else one; each run in a fresh process without warm-up; ideal = a minimal "
        "raw-httpx asyncio program, same requests, same pool (max_connections=N).",
        "Req/task: sandbox counters (submits + queries + downloads) per task, subject / "
        "baseline. Targets are reported, never enforced.",
    ]
    if report.round_trip is not None:
        notes.append(
            f"Sandbox round trip (GET /sandbox/stats on a kept-alive connection, median of 5): "
            f"{report.round_trip * 1000:.2f} ms."
        )
        if report.round_trip > SLOW_ROUND_TRIP:
            notes.append(
                "WARNING: the sandbox answers kept-alive requests slowly (~40 ms is Nagle's "
                "algorithm meeting delayed ACKs: its connections lack TCP_NODELAY), so that "
                "delay, not the clients, dominates the single-task times and ratios."
            )
    notes += report.remarks
    unexpected = [
        row.measure
        for row in report.rows
        if row.requests != "-"
        and any(float(part) != rows.EXPECTED_REQUESTS for part in row.requests.split(" / "))
    ]
    if unexpected:
        notes.append(f"Unexpected requests per task (not 3) in: {', '.join(unexpected)}.")
    missed = [f"{row.measure} ({row.target})" for row in report.rows if row.passed is False]
    if missed:
        notes.append(f"Targets missed: {'; '.join(missed)}.")
    notes.append(f"Ran in {elapsed:.1f} s.")
    return notes


def _markdown(report: Report, machine: Machine, notes: Sequence[str]) -> str:
    parts = [f"# {TITLE}", "", *(f"- {line}" for line in machine.lines()), ""]
    parts += [render_markdown(report.rows), "", *notes, ""]
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 unless a step failed (a missed target is not a failure)."""
    args = _parser().parse_args(argv)
    plan = _plan(args)
    started = time.perf_counter()
    machine = describe()
    report = Report(os.environ.get(SANDBOX_KEY_ENV) or secrets.token_hex(16))
    progress("starting the sandbox (--fast --envelope newer) in a child process")
    try:
        with sandbox_process(SANDBOX_ARGUMENTS, api_key=report.key) as sandbox:
            endpoint = Endpoint(sandbox.url, sandbox.api_key)
            with StatsProbe(endpoint) as probe:
                report.round_trip = probe.round_trip()
                trip = report.round_trip * 1000
                progress(f"sandbox at {sandbox.url}: kept-alive round trip {trip:.2f} ms")
                _single_steps(report, endpoint, probe, plan)
                _level_steps(report, endpoint, probe, plan)
    except (OSError, RuntimeError) as error:  # the sandbox did not start
        report.fail("sandbox", error)
    _startup_step(report, plan)
    notes = _notes(report, plan, time.perf_counter() - started)
    print(TITLE)
    print("\n".join(machine.lines()))
    print()
    print(render_text(report.rows))
    print()
    print("\n".join(notes))
    if args.markdown is not None:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(_markdown(report, machine, notes), encoding="utf-8")
        progress(f"wrote {args.markdown}")
    for failure in report.failures:
        progress(f"FAILED {failure}")
    progress(f"done in {time.perf_counter() - started:.1f} s")
    return 1 if report.failures else 0
