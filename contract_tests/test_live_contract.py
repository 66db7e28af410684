"""Live contract mode, with a sandbox as the upstream: it passes, and it catches a breach."""

from __future__ import annotations

import httpx
import pytest
from ailab.operations import OPERATIONS
from ailab.sandbox import running_sandbox

from contract_tests import live_run
from contract_tests.images import png_bytes
from contract_tests.prism import running_prism


@pytest.fixture(autouse=True)
def _sandbox_upstream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AILAB_API_KEY", raising=False)


def test_every_operation_matches_the_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert live_run.main([]) == 0
    output = capsys.readouterr().out
    assert "OK: every answer matched the spec" in output
    # submit, at least one query and the result, for every operation: all checked
    assert output.count("completed, result downloaded") == len(OPERATIONS)


def test_a_response_that_breaks_the_spec_fails_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert live_run.main(["--break-contract"]) == 1
    output = capsys.readouterr().out
    violations = [line for line in output.splitlines() if "VIOLATION" in line]
    assert len(violations) == len(OPERATIONS)
    assert all("query-async-task-result" in line for line in violations)
    assert all("required property 'error_detail'" in line for line in violations)
    assert "FAILED: 5 violations" in output


def test_prism_alone_would_corrupt_uploads() -> None:
    """Why the relay exists: through plain `prism proxy`, a PNG arrives undecodable.

    If this ever fails, Prism forwards bodies intact (stoplightio/prism#2349 fixed) and the
    relay in contract_tests/live.py can go.
    """
    with running_sandbox() as sandbox, running_prism(upstream=sandbox.url) as prism:
        answer = httpx.post(
            prism + "/api/portrait/editing/ai-waist-slimming",
            files={"image": ("image.png", png_bytes(), "image/png")},
            headers={"ailabapi-api-key": sandbox.api_key},
            timeout=30,
        )
    assert answer.status_code == 422
    assert answer.json()["error_detail"]["code"] == "FILE_DECODING_FAILURE"
