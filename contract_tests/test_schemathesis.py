"""schemathesis over every operation of the merged spec: against Prism, and against the sandbox.

Runs the schemathesis CLI so that a TOML file is each run's single configuration: the
repository's ``schemathesis.toml`` for Prism (two checks off, each with its reason), and
``contract_tests/schemathesis-sandbox.toml`` with ``--checks all`` for the sandbox.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from ailab.sandbox import RunningSandbox

from contract_tests.conftest import API_KEY
from contract_tests.prism import ROOT, SPEC

REPORTS = ROOT / "reports"
SANDBOX_CONFIG = Path(__file__).with_name("schemathesis-sandbox.toml")


def _schemathesis(url: str, *, config: list[str], extra: list[str], reports: Path) -> str:
    """Run schemathesis against ``url``; return its output after checking it passed."""
    schemathesis = Path(sys.executable).parent / "schemathesis"
    result = subprocess.run(
        [
            str(schemathesis),
            *config,
            "run",
            str(SPEC),
            "--url",
            url,
            "--header",
            f"ailabapi-api-key: {API_KEY}",
            "--mode",
            "all",
            "--phases",
            "examples,coverage,fuzzing",
            "--report",
            "junit",
            "--report-dir",
            str(reports),
            "--no-color",
            *extra,
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
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
    return output


def test_schemathesis_finds_no_failures(prism_url: str) -> None:
    _schemathesis(prism_url, config=[], extra=[], reports=REPORTS)


def test_sandbox_passes_every_check(sandbox: RunningSandbox) -> None:
    before = sandbox.stats()
    _schemathesis(
        sandbox.url,
        config=["--config-file", str(SANDBOX_CONFIG)],
        extra=["--checks", "all"],
        reports=REPORTS / "sandbox",
    )
    after = sandbox.stats()
    # Valid cases really were accepted (their images replaced by a real PNG), and the
    # ignored_auth probes (no key, a wrong key) really were sent, and refused.
    assert after["accepted"] - before["accepted"] >= 50
    assert after["unauthorized"] - before["unauthorized"] >= 2 * 6
