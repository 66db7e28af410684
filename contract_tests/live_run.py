"""``nox -s live_contract``: every operation through Prism, against the real API or a sandbox.

Each operation is called through the wrapper with the demo's sample portraits; every request
and answer passes :func:`contract_tests.live.validating_relay`, so an answer that breaks the
spec is reported (and turned into an error by Prism). The run fails when there is any
violation, or when an operation ends in anything but a documented API answer.

With ``AILAB_API_KEY`` set the upstream is the real API (``AILAB_BASE_URL`` or production);
this submits one task per operation, which uses credits. Without it, a sandbox is started
here; ``--break-contract`` makes that sandbox break the spec, to watch the run catch it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator, Sequence

from ailab import AilabError, ApiError, Client
from ailab.client import API_KEY_ENV, BASE_URL_ENV
from ailab.operations import DEFAULT_BASE_URL, OPERATIONS
from ailab.sandbox import SandboxConfig, running_sandbox

from contract_tests.live import Relay, validating_relay
from scripts.samples import call_arguments


@contextlib.contextmanager
def _upstream(break_contract: bool) -> Iterator[tuple[str, str, float]]:
    """(upstream URL, API key, poll interval): the real API with a key, else a sandbox."""
    key = os.environ.get(API_KEY_ENV, "").strip()
    if key:
        if break_contract:
            raise SystemExit("--break-contract needs the sandbox: unset AILAB_API_KEY")
        url = os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        print(f"Upstream: the API at {url} (one task per operation: this uses credits)")
        yield url, key, 5.0
        return
    config = SandboxConfig(
        queued_seconds=0.2, processing_seconds=0.3, break_contract=break_contract
    )
    with running_sandbox(config) as sandbox:
        broken = " that breaks the spec on purpose" if break_contract else ""
        print(f"Upstream: an offline sandbox{broken} at {sandbox.url}")
        yield sandbox.url, sandbox.api_key, 0.1


def run(break_contract: bool = False) -> tuple[Relay, list[str]]:
    """Call every operation through the relay; return it (with its violations) and failures."""
    failures: list[str] = []
    with (
        _upstream(break_contract) as (url, key, poll_interval),
        validating_relay(url) as relay,
        Client(key, base_url=relay.url, poll_interval=poll_interval, max_retries=1) as client,
    ):
        print(f"Every request passes prism proxy --errors ({relay.prism_url})\n")
        for name, arguments in call_arguments(OPERATIONS).items():
            start = time.monotonic()
            try:
                result = getattr(client, name)(**arguments)
                size = len(result.download())
                outcome = f"completed, result downloaded ({size:,} bytes)"
            except ApiError as error:  # a documented answer is no breach, unless Prism says so
                outcome = f"answered HTTP {error.status_code} {error.code or ''}".rstrip()
            except AilabError as error:
                outcome = f"FAILED: {error}"
                failures.append(f"{name}: {error}")
            print(f"  {name:<24} {time.monotonic() - start:5.1f} s  {outcome}")
    return relay, failures


def main(argv: Sequence[str] | None = None) -> int:
    """Run the live contract check; 0 when every answer matched the spec."""
    parser = argparse.ArgumentParser(prog="nox -s live_contract --", description=__doc__)
    parser.add_argument(
        "--break-contract",
        action="store_true",
        help="have the sandbox break the spec on purpose (the run must then fail)",
    )
    options = parser.parse_args(argv)
    relay, failures = run(options.break_contract)
    print(f"\n{relay.requests} requests checked against openapi/ailabtools.yaml")
    for violation in relay.violations:
        print(f"  VIOLATION {violation}")
    if relay.violations or failures:
        print(f"FAILED: {len(relay.violations)} violations, {len(failures)} failed operations")
        return 1
    print("OK: every answer matched the spec")
    return 0


if __name__ == "__main__":
    sys.exit(main())
