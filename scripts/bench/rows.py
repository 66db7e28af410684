"""Turn measurements into table rows, with their targets (shown, never enforced)."""

from __future__ import annotations

from .common import Comparison
from .concurrency import Level
from .startup import Startup
from .table import NOT_INSTALLED, Row, duration, requests_cell

CLIENT_RATIO = 1.10
"""Target: an ailab client takes at most this much longer per task than raw httpx."""
CONCURRENT_RATIO = 1.5
"""Target: AsyncClient at :data:`CONCURRENT_AT` tasks within this factor of the raw ideal."""
CONCURRENT_AT = 1000
RSS_MB = 200.0
"""Target: peak RSS of a worker process running one concurrency level."""
IMPORT_MS = 300.0
"""Target: ``import ailab`` (median, net of the bare interpreter)."""
EXPECTED_REQUESTS = 3.0
"""Requests per task in fast mode: one submit, one query, one download."""

SYNC_LABEL = "1 task, sync: ailab.Client"
SDK_LABEL = "1 task, async: ailabtools SDK"
ASYNC_LABEL = "1 task, async: ailab.AsyncClient"
IMPORT_LABEL = "import ailab (net of bare python)"
IMPORTTIME_LABEL = "import ailab (-X importtime, cumulative)"
HELP_LABEL = "python -m ailab --help"


def level_label(tasks: int) -> str:
    """The label of one concurrency level's row."""
    return f"{tasks} concurrent: ailab.AsyncClient"


def comparison_row(
    label: str, comparison: Comparison, baseline: str, target: float | None = CLIENT_RATIO
) -> Row:
    """A single-task row: medians, their ratio and requests per task of both sides."""
    ratio = comparison.ratio
    return Row(
        label,
        duration(comparison.subject.median),
        f"{baseline} {duration(comparison.baseline.median)}",
        ratio,
        requests_cell(comparison.subject.requests_per_task, comparison.baseline.requests_per_task),
        target=f"<= {target:.2f}x" if target is not None else "-",
        passed=ratio <= target if target is not None else None,
    )


def sdk_missing_row() -> Row:
    """The SDK row when ``ailabtools`` cannot be imported."""
    return Row(SDK_LABEL, NOT_INSTALLED)


def level_row(level: Level) -> Row:
    """A concurrency row: wall time, the ideal's, the ratio, requests per task, peak RSS."""
    ours, ideal = level.client_sample, level.raw_sample
    ratio = ours.median / ideal.median
    checks = [f"RSS <= {RSS_MB:.0f} MB"]
    passed = level.client_rss_mb <= RSS_MB
    if level.tasks == CONCURRENT_AT:
        checks.insert(0, f"<= {CONCURRENT_RATIO:.1f}x")
        passed = passed and ratio <= CONCURRENT_RATIO
    return Row(
        level_label(level.tasks),
        duration(ours.median),
        f"raw ideal {duration(ideal.median)}",
        ratio,
        requests_cell(ours.requests_per_task, ideal.requests_per_task),
        f"{level.client_rss_mb:.1f} MB (raw {level.raw_rss_mb:.1f})",
        ", ".join(checks),
        passed,
    )


def startup_rows(startup: Startup) -> list[Row]:
    """``import ailab`` net of the bare interpreter, its -X importtime total, ``--help``."""
    net = startup.import_net_median
    bare = startup.bare
    return [
        Row(
            IMPORT_LABEL,
            f"{duration(net)} (best {duration(startup.import_net_best)})",
            f"bare python {duration(bare.median)} (best {duration(bare.best)})",
            target=f"< {IMPORT_MS:.0f} ms",
            passed=net * 1000 < IMPORT_MS,
        ),
        Row(IMPORTTIME_LABEL, f"{startup.importtime_ms:.2f} ms"),
        Row(
            HELP_LABEL,
            f"{duration(startup.help.median)} (best {duration(startup.help.best)})",
            f"bare python {duration(bare.median)}",
        ),
    ]


def failure_row(label: str, message: str) -> Row:
    """A step that failed: its error instead of a number."""
    return Row(label, f"FAILED: {message}")
