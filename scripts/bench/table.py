"""The report: one row per measurement, as an aligned text table or as Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

HEADERS = ("Measure", "Result", "Baseline", "Ratio", "Req/task", "Peak RSS", "Target", "Status")
PASSED = "pass"
MISSED = "MISS"
NOT_INSTALLED = "not installed (nox -s bench installs it)"


@dataclass(frozen=True)
class Row:
    """One measurement. ``passed`` is None when the row has no target (or no number)."""

    measure: str
    result: str
    baseline: str = "-"
    ratio: float | None = None
    requests: str = "-"
    rss: str = "-"
    target: str = "-"
    passed: bool | None = None

    def cells(self) -> tuple[str, ...]:
        """The row's texts, in :data:`HEADERS` order."""
        ratio = "-" if self.ratio is None else f"{self.ratio:.2f}x"
        status = "" if self.passed is None else (PASSED if self.passed else MISSED)
        return (
            self.measure,
            self.result,
            self.baseline,
            ratio,
            self.requests,
            self.rss,
            self.target,
            status,
        )


def duration(seconds: float) -> str:
    """``4.21 ms`` below a second, ``1.234 s`` above."""
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.3f} s"


def requests_cell(subject: float, baseline: float | None = None) -> str:
    """Requests per task, ``3 / 3`` when there is a baseline to compare with."""
    text = f"{subject:g}"
    return text if baseline is None else f"{text} / {baseline:g}"


def render_text(rows: Sequence[Row]) -> str:
    """An aligned plain-text table."""
    table = [HEADERS, *(row.cells() for row in rows)]
    widths = [max(len(line[column]) for line in table) for column in range(len(HEADERS))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(HEADERS), rule, *(line(cells) for cells in table[1:])])


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def render_markdown(rows: Sequence[Row]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = [
        "| " + " | ".join(HEADERS) + " |",
        "|" + "|".join("---" for _ in HEADERS) + "|",
    ]
    lines += ["| " + " | ".join(_escape(cell) for cell in row.cells()) + " |" for row in rows]
    return "\n".join(lines)
