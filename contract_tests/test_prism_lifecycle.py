"""The Prism fixture never leaves a node process behind."""

from __future__ import annotations

import os

import httpx
import pytest

from contract_tests.prism import running_prism


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _server_pid(url: str) -> int:
    port = url.rsplit(":", 1)[1]
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read().split(b"\0")
        except OSError:
            continue
        if b"mock" in cmdline and port.encode() in cmdline:
            return int(entry)
    raise AssertionError(f"no Prism process found for {url}")


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to find the node process")
@pytest.mark.parametrize("exit_with", [None, AssertionError, KeyboardInterrupt])
def test_node_process_is_stopped(exit_with: type[BaseException] | None) -> None:
    pids: list[int] = []

    def session() -> None:
        with running_prism() as url:
            httpx.get(url + "/api/common/query-async-task-result", timeout=5)
            pids.append(_server_pid(url))
            if exit_with is not None:
                raise exit_with

    if exit_with is None:
        session()
    else:
        with pytest.raises(exit_with):
            session()
    assert pids
    assert not _alive(pids[0])
