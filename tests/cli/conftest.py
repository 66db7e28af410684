"""Fixtures for the command-line tests: a running fake API and a fast client pointed at it."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple, Protocol

import ailab
import httpx
import pytest
from ailab.cli import main
from ailab.client import API_KEY_ENV, BASE_URL_ENV

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


# ---------------------------------------------------------------- running the command line


class Ran(NamedTuple):
    """What one ``ailab`` run did: its exit code and what it wrote to stdout and stderr."""

    code: int
    out: str
    err: str


class Run(Protocol):
    """``run("face-beauty-pro", "me.jpg")``: the ``ailab`` command line, in this process."""

    def __call__(self, *args: str, fast: bool = True, as_typed: bool = True) -> Ran: ...


FAST_POLL = ("--poll-interval", "0.01")


@pytest.fixture
def run(
    fake_api: FakeApi,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> Run:
    """Run ``ailab.cli.main`` in ``tmp_path`` against ``fake_api`` (key and URL from the env).

    ``fast`` appends ``--poll-interval 0.01`` so that nothing waits for real; ``as_typed`` sets
    ``sys.argv`` to the command as a shell would (``ailab ARGS``), as the console script sees
    it. Every run must end with SystemExit and must never print a traceback.
    """
    monkeypatch.setenv(API_KEY_ENV, fake_api.api_key)
    monkeypatch.setenv(BASE_URL_ENV, fake_api.url)
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, fast: bool = True, as_typed: bool = True) -> Ran:
        argv = [*args, *FAST_POLL] if fast else list(args)
        capsys.readouterr()  # drop whatever an earlier step printed
        with monkeypatch.context() as patch:
            if as_typed:
                patch.setattr(sys, "argv", ["ailab", *argv])
            with pytest.raises(SystemExit) as exited:
                main(argv)
        out, err = capsys.readouterr()
        code = exited.value.code
        assert isinstance(code, int), f"exit code {code!r} is not an int"
        assert "Traceback" not in err, err
        return Ran(code, out, err)

    return invoke


def assert_untouched(fake: FakeApi) -> None:
    """The fake saw no request at all: nothing submitted, refused, queried or downloaded."""
    assert fake.submits == []
    assert fake.rejected == []
    assert fake.dropped == []
    assert fake.invalid == []
    assert fake.queries == 0
    assert fake.downloads == 0
    assert fake.unauthorized == 0


@contextlib.contextmanager
def queries_held_for(fake: FakeApi, seconds: float, count: int = 1) -> Iterator[None]:
    """Hold task queries; once ``count`` are held, keep them ``seconds`` more, then answer them.

    With a ``--timeout`` shorter than ``seconds`` the command's wait expires while its query
    is in flight at the fake: the command then gives up on a task that carries on.
    """
    fake.hold_queries()

    def release_later() -> None:
        fake.wait_held_queries(count=count)
        time.sleep(seconds)
        fake.release_queries()

    releaser = threading.Thread(target=release_later, name="release-queries", daemon=True)
    releaser.start()
    try:
        yield
    finally:
        releaser.join(15)
        fake.release_queries()
