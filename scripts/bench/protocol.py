"""The wire facts the baselines need, as plain literals: importing this never imports ailab.

The raw baselines (and the raw worker process) must not pay for ``import ailab``;
tests/test_bench.py checks these literals against :mod:`ailab.operations` and
:mod:`ailab.client`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

API_KEY_HEADER = "ailabapi-api-key"
SUBMIT_PATH = "/api/portrait/editing/ai-waist-slimming"
QUERY_PATH = "/api/common/query-async-task-result"
TASK_ID_PARAMETER = "task_id"
COMPLETED = 2
"""``task_status`` of a completed task."""
STATS_PATH = "/sandbox/stats"
BASE_URL_ENV = "AILAB_BASE_URL"
API_KEY_ENV = "AILAB_API_KEY"
POLL_INTERVAL = 0.001
"""Seconds between status queries, for every client measured (the sandbox never needs one)."""
HTTP_TIMEOUT = 30.0
"""Seconds allowed per request, for every client measured (ailab's default)."""


@dataclass(frozen=True, repr=False)
class Endpoint:
    """Where the sandbox serves and the key it accepts (never printed: see ``__repr__``)."""

    base_url: str
    api_key: str

    def __repr__(self) -> str:
        return f"Endpoint(base_url={self.base_url!r}, api_key=<hidden>)"

    @property
    def headers(self) -> dict[str, str]:
        """The header that authenticates an API request."""
        return {API_KEY_HEADER: self.api_key}

    def environ(self) -> dict[str, str]:
        """The variables ``ailab`` reads its base URL and key from (for worker processes)."""
        return {BASE_URL_ENV: self.base_url, API_KEY_ENV: self.api_key}

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Endpoint:
        """The endpoint a parent passed with :meth:`environ`; SystemExit when unset."""
        try:
            return cls(environ[BASE_URL_ENV], environ[API_KEY_ENV])
        except KeyError as missing:
            raise SystemExit(f"{missing} is not set: run through python -m scripts.bench") from None
