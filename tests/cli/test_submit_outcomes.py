"""How a batch journals a failed submit: by whether the API can have accepted (and charged) it.

Some of these failures only arrive after the wrapper's real-time backoff (429, 503), which an
end-to-end run would sleep through, so the classification is checked directly here.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from ailab import (
    AilabError,
    ApiError,
    AsyncClient,
    InsufficientCreditsError,
    RateLimitError,
    ServerError,
    SubmissionUncertainError,
    TransportError,
)
from ailab.cli.batch import Batch, BatchOptions
from ailab.cli.console import BatchProgress, Output
from ailab.cli.inputs import Inputs
from ailab.cli.journal import Identity, Journal, State
from ailab.operations import OPERATIONS

SPEC = OPERATIONS["face_beauty_pro"]


def api_error(kind: type[ApiError], status: int, *, task_may_exist: bool = False) -> ApiError:
    return kind(f"HTTP {status}", status_code=status, code="X", task_may_exist=task_may_exist)


@pytest.mark.parametrize(
    ("error", "state", "reported"),
    [
        (TransportError("refused", request_sent=False), State.PENDING, "unfinished"),
        (api_error(RateLimitError, 429), State.PENDING, "unfinished"),
        (api_error(ServerError, 503), State.PENDING, "unfinished"),
        (api_error(ServerError, 502, task_may_exist=True), State.UNCERTAIN, "uncertain"),
        (api_error(ServerError, 500, task_may_exist=True), State.UNCERTAIN, "uncertain"),
        (SubmissionUncertainError("no answer"), State.UNCERTAIN, "uncertain"),
        (api_error(ApiError, 422), State.FAILED, "failed"),
        (api_error(InsufficientCreditsError, 429), State.PENDING, ""),
    ],
    ids=["not-sent", "429", "503", "502", "500", "no-answer", "422", "credits"],
)
def test_a_failed_submit_is_journaled_by_what_the_api_may_have_done(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    error: AilabError,
    state: State,
    reported: str,
) -> None:
    identity = Identity(SPEC.name, {}, str(tmp_path), ("a.jpg",))
    journal = Journal.open(tmp_path / "j.sqlite3", identity, {"a.jpg": "a"}, "ailab batch")
    options = BatchOptions(
        spec=SPEC,
        arguments={},
        inputs=Inputs(str(tmp_path), tmp_path, {"a.jpg": tmp_path / "a.jpg"}),
        out=tmp_path / "out",
        concurrency=1,
        timeout=1.0,
        overwrite=False,
        retry_failed=False,
        resubmit_uncertain=False,
        command="ailab batch",
    )

    async def fail_once() -> Batch:
        async with AsyncClient(api_key="k", base_url="http://127.0.0.1:9") as client:
            batch = Batch(options, journal, client, Output())
            batch._progress = BatchProgress(batch.output, 1, 0)
            journal.mark_submitting("a.jpg")
            batch._submit_failed("a.jpg", error)
            return batch

    batch = asyncio.run(fail_once())

    (item,) = journal.items()
    journal.close()
    assert item.state is state
    err = capsys.readouterr().err
    if reported:
        assert err.startswith(f"{reported} a.jpg: ")
    else:  # an account error stops the batch with one error line instead
        assert err.startswith("error: ")
        assert batch.account_error is error
