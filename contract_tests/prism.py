"""Run the Prism mock server (from node_modules) as a managed child process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PRISM = ROOT / "node_modules" / ".bin" / "prism"
SPEC = ROOT / "openapi" / "ailabtools.yaml"


class PrismError(RuntimeError):
    """Prism could not be started or did not become ready."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_ready(
    url: str, process: subprocess.Popen[bytes], log: Path, deadline: float
) -> None:
    probe = f"{url}/api/common/query-async-task-result"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(errors="replace")[-4000:]
            raise PrismError(f"Prism exited with {process.returncode}:\n{output}")
        try:
            # Any HTTP answer (401 without a key) means the server is up.
            httpx.get(probe, params={"task_id": "probe"}, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise PrismError(f"Prism did not answer on {url} in time")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    # Prism runs in its own process group: signal the whole group so no node child lingers.
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextmanager
def running_prism(
    *args: str, spec: Path = SPEC, upstream: str | None = None, startup_timeout: float = 30.0
) -> Iterator[str]:
    """Start ``prism mock SPEC`` on a free loopback port; yield its base URL; always stop it.

    With ``upstream``, start ``prism proxy SPEC UPSTREAM --errors`` instead: every request and
    answer is checked against the spec, and an answer that breaks it becomes a 500
    ``application/problem+json`` listing the violations.
    """
    if not PRISM.exists():
        raise PrismError(f"{PRISM} not found: run `npm ci` (nox does this for you)")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    mode = ["mock", str(spec)] if upstream is None else ["proxy", str(spec), upstream, "--errors"]
    # Prism logs every request: a file, not a pipe, so a full pipe can never stall it.
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "prism.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [str(PRISM), *mode, "--host", "127.0.0.1", "--port", str(port), *args],
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                _wait_until_ready(url, process, log, time.monotonic() + startup_timeout)
                yield url
            finally:
                _stop(process)
