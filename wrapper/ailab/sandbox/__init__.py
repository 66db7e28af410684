"""An offline stand-in for the AILabTools API: ``ailab sandbox`` (see README "Sandbox").

It serves the merged spec's five operations, the task query and result files on 127.0.0.1:
tasks go queued -> processing -> completed over a configurable time, results are real images
(a visible Pillow effect per operation) under URLs that expire, requests are checked against
the spec's limits and the configured key, and faults can be injected by rate or on demand.

It needs the ``sandbox`` extra (``pip install "ailab[sandbox]"``: Starlette, uvicorn,
python-multipart). ``import ailab`` never imports this package.
"""

from __future__ import annotations

from .app import FAULTS_PATH, STATS_PATH, Sandbox, create_app
from .config import DEFAULT_API_KEY, SandboxConfig
from .faults import Fault, FaultRates
from .server import RunningSandbox, running_sandbox, serve, serving

__all__ = [
    "DEFAULT_API_KEY",
    "FAULTS_PATH",
    "STATS_PATH",
    "Fault",
    "FaultRates",
    "RunningSandbox",
    "Sandbox",
    "SandboxConfig",
    "create_app",
    "running_sandbox",
    "serve",
    "serving",
]
