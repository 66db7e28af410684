"""The benchmark (scripts/bench): one ``--quick`` run against the sandbox, and its pieces.

Nothing here asserts a timing: the benchmark prints numbers, it never judges them. What is
checked is that every row is there, that ratios are positive numbers, that every task made
exactly three requests (submit, one query, one download: the sandbox runs in fast mode), and
that the sandbox's key never shows.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import ailab.client
import ailab.operations
import pytest

from scripts.bench import cli, protocol, rows, single, table, worker

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-test-key-8f3a61c2"
"""The sandbox key of the quick run: distinctive, so that a leak of it can be searched for."""
QUICK_LEVELS = (1, 10)
EXPECTED_ROWS = [
    rows.SYNC_LABEL,
    rows.SDK_LABEL,
    rows.ASYNC_LABEL,
    *(rows.level_label(tasks) for tasks in QUICK_LEVELS),
    rows.IMPORT_LABEL,
    rows.IMPORTTIME_LABEL,
    rows.HELP_LABEL,
]


@dataclasses.dataclass(frozen=True)
class QuickRun:
    code: int
    stdout: str
    stderr: str
    markdown: str

    def table(self) -> dict[str, dict[str, str]]:
        """The Markdown table's rows by measure, each a dict by column header."""
        found: dict[str, dict[str, str]] = {}
        for line in self.markdown.splitlines():
            if not line.startswith("| ") or line.startswith("| Measure"):
                continue
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            assert len(cells) == len(table.HEADERS), line
            found[cells[0]] = dict(zip(table.HEADERS, cells, strict=True))
        return found


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> QuickRun:
    markdown = tmp_path_factory.mktemp("bench") / "bench.md"
    done = subprocess.run(
        [sys.executable, "-m", "scripts.bench", "--quick", "--markdown", str(markdown)],
        cwd=ROOT,
        env={**os.environ, cli.SANDBOX_KEY_ENV: KEY},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    text = markdown.read_text(encoding="utf-8") if markdown.exists() else ""
    return QuickRun(done.returncode, done.stdout, done.stderr, text)


def test_quick_run_succeeds(quick: QuickRun) -> None:
    assert quick.code == 0, quick.stderr
    assert "FAILED" not in quick.stdout


def test_every_row_is_in_the_table_and_on_stdout(quick: QuickRun) -> None:
    assert list(quick.table()) == EXPECTED_ROWS
    lines = quick.stdout.splitlines()
    for label in EXPECTED_ROWS:
        assert any(line.startswith(label) for line in lines), label


def test_ratios_are_positive_numbers(quick: QuickRun) -> None:
    found = quick.table()
    compared = [rows.SYNC_LABEL, rows.ASYNC_LABEL, *map(rows.level_label, QUICK_LEVELS)]
    for label in compared:
        ratio = found[label]["Ratio"]
        assert ratio.endswith("x"), (label, ratio)
        assert float(ratio.removesuffix("x")) > 0, (label, ratio)


def test_every_task_made_three_requests(quick: QuickRun) -> None:
    found = quick.table()
    for label in [rows.SYNC_LABEL, rows.ASYNC_LABEL, *map(rows.level_label, QUICK_LEVELS)]:
        subject, baseline = found[label]["Req/task"].split(" / ")
        assert (float(subject), float(baseline)) == (3.0, 3.0), label
    assert "Unexpected requests per task" not in quick.markdown


def test_sdk_row_reports_the_vendor_sdk_or_that_it_is_missing(quick: QuickRun) -> None:
    row = quick.table()[rows.SDK_LABEL]
    if importlib.util.find_spec(single.SDK_MODULE) is None:
        assert row["Result"] == table.NOT_INSTALLED
    else:
        assert float(row["Ratio"].removesuffix("x")) > 0
        assert row["Req/task"] == "3 / 3"


def test_concurrency_rows_show_peak_rss(quick: QuickRun) -> None:
    for tasks in QUICK_LEVELS:
        rss = quick.table()[rows.level_label(tasks)]["Peak RSS"]
        assert float(rss.split(" MB")[0]) > 0, rss


def test_markdown_names_the_machine(quick: QuickRun) -> None:
    for label in ("CPU: ", "Cores: ", "Python: ", "OS: "):
        assert f"- {label}" in quick.markdown
        assert label in quick.stdout


def test_progress_goes_to_stderr_one_line_per_step(quick: QuickRun) -> None:
    steps = [line for line in quick.stderr.splitlines() if line.startswith("[bench] ")]
    assert len(steps) >= 6  # sandbox, sync, async, two levels, start-up
    assert "[bench]" not in quick.stdout


def test_the_key_is_never_shown(quick: QuickRun) -> None:
    for output in (quick.stdout, quick.stderr, quick.markdown):
        assert KEY not in output


def test_protocol_literals_match_ailab() -> None:
    spec = ailab.operations.OPERATIONS["waist_slimming"]
    assert spec.path == protocol.SUBMIT_PATH
    assert ailab.operations.QUERY.path == protocol.QUERY_PATH
    assert ailab.operations.QUERY.task_id_parameter == protocol.TASK_ID_PARAMETER
    assert protocol.COMPLETED in ailab.operations.QUERY.completed
    assert protocol.API_KEY_HEADER == ailab.operations.API_KEY_HEADER
    assert protocol.BASE_URL_ENV == ailab.client.BASE_URL_ENV
    assert protocol.API_KEY_ENV == ailab.client.API_KEY_ENV


def test_a_missing_sdk_gives_the_not_installed_row() -> None:
    assert single.load_sdk("ailabtools_not_installed_for_this_test") is None
    row = rows.sdk_missing_row()
    assert row.measure == rows.SDK_LABEL
    assert row.result == table.NOT_INSTALLED
    assert row.passed is None


def test_a_failed_step_becomes_a_row_without_the_key() -> None:
    report = cli.Report(KEY)

    def broken() -> list[table.Row]:
        raise RuntimeError(f"worker crashed with {KEY}")

    report.step("broken step", broken)
    assert [row.measure for row in report.rows] == ["broken step"]
    assert report.rows[0].result.startswith("FAILED: ")
    assert KEY not in report.rows[0].result
    assert report.failures
    assert KEY not in report.failures[0]


def test_a_missed_target_is_shown_not_enforced() -> None:
    row = table.Row("slow thing", "2 s", ratio=3.0, target="<= 1.10x", passed=False)
    assert row.cells()[-1] == table.MISSED
    assert "slow thing" in table.render_text([row])
    assert "| slow thing |" in table.render_markdown([row])


def test_peak_rss_prefers_the_process_own_high_water_mark(tmp_path: Path) -> None:
    status = tmp_path / "status"
    status.write_text("Name:\tpython\nVmHWM:\t   51234 kB\nVmRSS:\t   40000 kB\n")
    assert worker.peak_rss_kb(status) == 51234
    assert worker.peak_rss_kb(tmp_path / "missing") > 0  # falls back to getrusage
