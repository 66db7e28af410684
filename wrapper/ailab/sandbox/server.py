"""Run a sandbox: in the foreground (``ailab sandbox``), in a thread, or in a child process."""

from __future__ import annotations

import contextlib
import copy
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.types import ASGIApp

from ..client import API_KEY_ENV, BASE_URL_ENV
from ..operations import API_KEY_HEADER
from .app import FAULTS_PATH, STATS_PATH, Sandbox, create_app
from .config import DEFAULT_API_KEY, SandboxConfig
from .faults import Fault, Target

# uvicorn's own logging setup, with the access log on stderr too: stdout carries the address.
_LOG_CONFIG = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
_LOG_CONFIG["handlers"]["access"]["stream"] = "ext://sys.stderr"

READY_PREFIX = "ailab sandbox listening on "
"""The first line ``ailab sandbox`` prints: this, then its base URL."""
_START_TIMEOUT = 30.0


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets that name it, and
    # without it Nagle's algorithm and delayed ACKs add ~40 ms to every kept-alive request.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _server(app: ASGIApp, *, access_log: bool) -> uvicorn.Server:
    settings = uvicorn.Config(
        app,
        lifespan="off",
        log_level="info" if access_log else "warning",
        log_config=_LOG_CONFIG,
        access_log=access_log,
        timeout_graceful_shutdown=2,
    )
    return uvicorn.Server(settings)


def serve(
    config: SandboxConfig,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    on_ready: Callable[[str], None] | None = None,
    access_log: bool = True,
) -> None:
    """Serve until interrupted; ``on_ready`` gets the base URL once the port is bound.

    ``port=0`` picks a free port. Raises OSError when the address cannot be bound.
    """
    sock = _bind(host, port)
    url = _url(sock)
    server = _server(create_app(config, public_url=url), access_log=access_log)
    if on_ready is not None:
        on_ready(url)
    with sock:
        server.run(sockets=[sock])


@dataclass
class RunningSandbox:
    """A sandbox serving at ``url`` (with ``api_key``) while its ``with`` block runs."""

    url: str
    api_key: str = field(repr=False)
    sandbox: Sandbox | None = field(default=None, repr=False)
    """The in-process state, for a sandbox run in a thread (None for a child process)."""

    def environ(self) -> dict[str, str]:
        """``AILAB_BASE_URL`` and ``AILAB_API_KEY`` pointing a client at this sandbox."""
        return {BASE_URL_ENV: self.url, API_KEY_ENV: self.api_key}

    def inject(self, fault: Fault | str, target: Target = "any", count: int = 1) -> None:
        """Queue ``fault`` for the next ``count`` matching requests (``POST /sandbox/faults``)."""
        answer = httpx.post(
            self.url + FAULTS_PATH,
            json={"fault": str(fault), "target": target, "count": count},
            headers={API_KEY_HEADER: self.api_key},
        )
        answer.raise_for_status()

    def stats(self) -> dict[str, Any]:
        """The sandbox's counters (``GET /sandbox/stats``)."""
        answer = httpx.get(self.url + STATS_PATH, headers={API_KEY_HEADER: self.api_key})
        answer.raise_for_status()
        stats: dict[str, Any] = answer.json()
        return stats


@contextlib.contextmanager
def serving(app: ASGIApp, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve any ASGI ``app`` from a thread on a free port; yield its base URL; stop on exit."""
    sock = _bind(host, 0)
    server = _server(app, access_log=False)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="ailab-server", daemon=True
    )
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the server stopped while starting")
            thread.join(0.01)
        yield _url(sock)
    finally:
        server.should_exit = True
        thread.join(_START_TIMEOUT)
        sock.close()


@contextlib.contextmanager
def running_sandbox(
    config: SandboxConfig | None = None, host: str = "127.0.0.1"
) -> Iterator[RunningSandbox]:
    """Serve a sandbox from a thread of this process on a free port; stop it on exit."""
    config = config or SandboxConfig()
    app = create_app(config)
    with serving(app, host) as url:
        app.state.sandbox.public_url = url
        yield RunningSandbox(url, config.api_key, app.state.sandbox)


@contextlib.contextmanager
def sandbox_process(
    arguments: Sequence[str] = (), api_key: str = DEFAULT_API_KEY
) -> Iterator[RunningSandbox]:
    """Run ``python -m ailab sandbox --port 0 ARGUMENTS`` as a child process; stop it on exit.

    A separate process keeps the sandbox's work off the caller's interpreter (benchmarks).
    It needs the ``cli`` extra as well as ``sandbox``.
    """
    command = [sys.executable, "-m", "ailab", "sandbox", "--port", "0", "--quiet", *arguments]
    env = {**os.environ, "AILAB_SANDBOX_API_KEY": api_key}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None  # noqa: S101 - stdout=PIPE
        line = process.stdout.readline()
        if not line.startswith(READY_PREFIX):
            _, errors = process.communicate(timeout=_START_TIMEOUT)
            raise RuntimeError(f"the sandbox did not start: {line}{errors}".strip())
        yield RunningSandbox(line[len(READY_PREFIX) :].strip(), api_key)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(_START_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def ready_line(url: str) -> str:
    """The line ``ailab sandbox`` prints first (machine-readable: see :data:`READY_PREFIX`)."""
    return READY_PREFIX + url
