"""``ailab sandbox``: its options, its first line, its key discretion, its errors and its stop.

Option checks run ``ailab.cli.main`` in this process; serving runs ``python -m ailab sandbox``
as a child process (and through ``sandbox_process``), stopped with SIGINT.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from ailab.cli import main
from ailab.cli.sandbox_command import API_KEY_ENV, sandbox_command
from ailab.operations import OPERATIONS, QUERY
from ailab.sandbox import DEFAULT_API_KEY
from ailab.sandbox.server import sandbox_process

from tests.sandbox.conftest import encode_form, valid_form

READY = re.compile(r"ailab sandbox listening on (http://127\.0\.0\.1:([0-9]+))")
CUSTOM_KEY = "cli-custom-key-8d2f"
START_TIMEOUT = 20.0
SPEC = OPERATIONS["waist_slimming"]


def ran(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``ailab ARGS`` in this process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    code = exited.value.code
    assert isinstance(code, int)
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on 127.0.0.1 that another socket is listening on."""
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        yield blocker.getsockname()[1]


# ---------------------------------------------------------------- in this process


def test_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = ran(capsys, "sandbox", "--help")

    assert code == 0
    flat = " ".join(out.split())
    for param in sandbox_command().params:
        for option in param.opts:
            assert option in flat, option
    for documented in ["--fast", "--api-key", "--seed", "--break-contract", API_KEY_ENV]:
        assert documented in flat


def test_the_command_list_names_the_sandbox(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = ran(capsys, "--help")
    assert code == 0
    assert re.search(r"^\s+sandbox\s+\S", out, re.MULTILINE)


BAD_VALUES = {
    "rate above 1": ["--rate-limit-rate", "1.5"],
    "negative rate": ["--slow-rate", "-0.1"],
    "rate not a number": ["--task-failure-rate", "often"],
    "port out of range": ["--port", "70000"],
    "unknown envelope": ["--envelope", "sideways"],
    "negative retry-after": ["--retry-after", "-1"],
    "fractional retry-after": ["--retry-after", "1.5"],
    "negative seconds": ["--queued-seconds", "-1"],
    "seed not an integer": ["--seed", "abc"],
    "unknown option": ["--colour", "red"],
    "nan rate": ["--server-error-rate", "nan"],
    "infinite seconds": ["--processing-seconds", "inf"],
    "nan ttl": ["--result-ttl", "nan"],
}


@pytest.mark.parametrize("values", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_an_invalid_option_value_exits_2(
    capsys: pytest.CaptureFixture[str], busy_port: int, values: list[str]
) -> None:
    # The busy port guarantees the command cannot start serving if the value slipped through.
    code, out, err = ran(capsys, "sandbox", "--port", str(busy_port), *values)

    assert code == 2
    assert "cannot listen" not in err
    assert "listening on" not in out


def test_a_port_in_use_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], busy_port: int
) -> None:
    code, out, err = ran(capsys, "sandbox", "--port", str(busy_port), "--quiet")

    assert code == 2
    assert out == ""
    assert err.startswith(f"error: cannot listen on 127.0.0.1:{busy_port}")
    assert len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------- as a child process


@dataclass
class Child:
    process: subprocess.Popen[str]
    ready: str
    url: str
    port: int

    def stop(self) -> tuple[int, str, str]:
        """SIGINT, then (exit code, the rest of stdout, all of stderr)."""
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=START_TIMEOUT)
        return self.process.returncode, out, err


@contextlib.contextmanager
def child(*args: str) -> Iterator[Child]:
    """``python -m ailab sandbox --port 0 ARGS``, once it printed its first line."""
    environ = {key: value for key, value in os.environ.items() if key != API_KEY_ENV}
    process = subprocess.Popen(
        [sys.executable, "-m", "ailab", "sandbox", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )
    try:
        assert process.stdout is not None
        readable, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
        assert readable, "no first line"
        first = process.stdout.readline()
        found = READY.fullmatch(first.rstrip("\n"))
        assert found, first
        yield Child(process, first, found.group(1), int(found.group(2)))
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(START_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def submit_and_query(url: str, key: str) -> tuple[httpx.Response, httpx.Response]:
    body, content_type = encode_form(valid_form(SPEC).items())
    headers = {"ailabapi-api-key": key}
    submitted = httpx.post(
        url + SPEC.path, content=body, headers={**headers, "content-type": content_type}
    )
    queried = httpx.get(
        url + QUERY.path,
        params={QUERY.task_id_parameter: submitted.json().get("task_id", "")},
        headers=headers,
    )
    return submitted, queried


def test_the_first_line_is_the_address_and_it_serves() -> None:
    with child("--quiet") as running:
        assert running.port > 0
        submitted, queried = submit_and_query(running.url, DEFAULT_API_KEY)
        assert submitted.status_code == 200
        assert queried.json()["task_status"] == 0  # the default timings: queued first
        assert submit_and_query(running.url, "wrong")[0].status_code == 401
        code, out, err = running.stop()

    assert out == ""  # --quiet: no request log
    assert "Point a client" not in err
    assert "Traceback" not in err
    assert code == 0  # stopped by SIGINT, the documented way


def test_a_custom_key_is_never_printed() -> None:
    with child("--api-key", CUSTOM_KEY, "--break-contract") as running:
        submitted, _ = submit_and_query(running.url, CUSTOM_KEY)
        assert submitted.status_code == 200
        assert submit_and_query(running.url, DEFAULT_API_KEY)[0].status_code == 401
        _, out, err = running.stop()

    printed = running.ready + out + err
    assert CUSTOM_KEY not in printed
    assert f"AILAB_BASE_URL={running.url} AILAB_API_KEY=<the key given with --api-key>" in err
    assert "--break-contract" in err  # warned about
    assert "POST " + SPEC.path in out + err  # the request log is on without --quiet


def test_only_the_first_line_goes_to_stdout() -> None:
    # README: "The first line goes to stdout; the rest, and one access-log line per request,
    # to stderr" - so that a script can read stdout for the address alone.
    with child() as running:
        submit_and_query(running.url, DEFAULT_API_KEY)
        _, out, err = running.stop()
    assert "POST " + SPEC.path in err
    assert out == ""


def test_the_default_key_is_shown_as_it_opens_nothing_else() -> None:
    with child() as running:
        _, _, err = running.stop()
    assert f"AILAB_API_KEY={DEFAULT_API_KEY}" in err


def test_fast_completes_a_task_at_its_first_query_through_sandbox_process() -> None:
    with sandbox_process(["--fast", "--seed", "1"], api_key=CUSTOM_KEY) as running:
        submitted, queried = submit_and_query(running.url, CUSTOM_KEY)
        assert submitted.status_code == 200
        assert queried.json()["task_status"] == 2
        [url] = [queried.json()["data"]["image"]]
        assert httpx.get(url).content[:4] == b"\x89PNG"

        running.inject("rate_limit", target="submit")
        assert submit_and_query(running.url, CUSTOM_KEY)[0].status_code == 429
        stats = running.stats()
        assert stats["faults_injected"]["rate_limit"] == 1
        assert stats["accepted"] == 1


def test_sigint_stops_it_cleanly_with_exit_0() -> None:
    with child("--quiet") as running:
        code, _, err = running.stop()
    assert "Traceback" not in err
    assert code == 0, err
