"""Fixtures for the command-line tests: a running fake API and a fast client pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import ailab
import httpx
import pytest

from tests.cli.fake_api import FakeApi

# Retries of dropped or refused requests wait milliseconds, not seconds.
FAST_RETRIES = ailab.RetryPolicy(base_delay=0.01, max_delay=0.05)


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    """One httpx client for the whole session (building one costs tens of milliseconds)."""
    with httpx.Client(timeout=10) as shared:
        yield shared


@pytest.fixture
def fake_api() -> Iterator[FakeApi]:
    """A started FakeApi (default key, two pending polls per task); it must end error-free."""
    with FakeApi() as fake:
        yield fake
    assert fake.errors == []


@pytest.fixture
def client(fake_api: FakeApi, http: httpx.Client) -> Iterator[ailab.Client]:
    """The real wrapper, talking HTTP to ``fake_api``, polling every 10 ms."""
    with client_for(fake_api, http) as made:
        yield made


def client_for(fake: FakeApi, http: httpx.Client, api_key: str | None = None) -> ailab.Client:
    """A wrapper client for ``fake`` sending through ``http`` (which it leaves open)."""
    return ailab.Client(
        api_key=api_key or fake.api_key,
        base_url=fake.url,
        poll_interval=0.01,
        retry_policy=FAST_RETRIES,
        timeout=10,
        http_client=http,
    )
