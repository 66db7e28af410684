"""schemathesis over every operation of the merged spec, against Prism.

Runs the schemathesis CLI so that ``schemathesis.toml`` (disabled checks with reasons, seed,
no example database, hooks) is the single configuration.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from contract_tests.conftest import API_KEY
from contract_tests.prism import ROOT, SPEC

REPORTS = ROOT / "reports"


def test_schemathesis_finds_no_failures(prism_url: str) -> None:
    schemathesis = Path(sys.executable).parent / "schemathesis"
    result = subprocess.run(
        [
            str(schemathesis),
            "run",
            str(SPEC),
            "--url",
            prism_url,
            "--header",
            f"ailabapi-api-key: {API_KEY}",
            "--mode",
            "all",
            "--phases",
            "examples,coverage,fuzzing",
            "--report",
            "junit",
            "--report-dir",
            str(REPORTS),
            "--no-color",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    summary = re.search(r"(\d+) generated, .*", output)
    print(summary.group(0) if summary else output[-2000:])
    assert result.returncode == 0, output[-6000:]
    assert summary, "schemathesis printed no case count"
    assert "6 selected / 6 total" in output
