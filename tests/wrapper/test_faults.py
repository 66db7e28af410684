"""Fault injection: what the client does when the network or the API misbehaves."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import ailab
import httpx
import pytest

from tests.wrapper.conftest import API_KEY, QUERY_PATH, SUBMIT_PATH, FakeTime, Server

RESULT_URL = "https://cdn.example/results/abc.jpg"
SUBMITTED = {"request_id": "req-1", "log_id": "log-1", "task_id": "task-1"}
COMPLETED = {"task_status": 2, "result_url": RESULT_URL, "error_detail": {}}
NO_FACE = {
    "status_code": 422,
    "code": "ERROR_NO_FACE_IN_FILE",
    "code_message": "No face detected in the file.",
    "message": "pic not has face",
}
OLDER_NO_FACE = {
    "request_id": "req-9",
    "log_id": "log-9",
    "error_code": 422,
    "error_code_str": "ERROR_NO_FACE_IN_FILE",
    "error_msg": "pic not has face",
    "error_detail": NO_FACE,
}
NEWER_NO_FACE = {
    "request_id": "req-9",
    "log_id": "log-9",
    "error_detail": {key: value for key, value in NO_FACE.items() if key != "status_code"},
}
LIMITED = {"error_detail": {"code": "EXCEEDING_LIMITS", "message": "concurrency limit"}}
NO_CREDITS = {"error_detail": {"code": "ERROR_NOT_ENOUGH_CREDITS", "message": "balance"}}
HTML_504 = "<html><body><h1>504 Gateway Time-out</h1></body></html>"

Answer = httpx.Response | Exception
Step = Callable[[httpx.Request], Answer]


def answer(status: int = 200, body: Any = None, **headers: str) -> httpx.Response:
    if isinstance(body, str):
        return httpx.Response(status, text=body, headers={"content-type": "text/html", **headers})
    return httpx.Response(status, json=body if body is not None else {}, headers=headers)


def script(
    server: Server,
    *,
    submit: Sequence[Answer],
    query: Sequence[Answer] = (),
    files: Sequence[Answer] = (),
) -> None:
    """Serve these answers in order per endpoint; the last one repeats."""
    queues = {"submit": list(submit), "query": list(query), "files": list(files)}

    def handler(request: httpx.Request) -> httpx.Response:
        kind = (
            "submit"
            if request.method == "POST"
            else "query"
            if request.url.path == QUERY_PATH
            else "files"
        )
        queue = queues[kind]
        if not queue:
            pytest.fail(f"no {kind} answer scripted for {request.url}")
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        return item

    server.handler = handler


def submits(server: Server) -> int:
    return server.count("POST", SUBMIT_PATH)


def queries(server: Server) -> int:
    return server.count("GET", QUERY_PATH)


# ---------------------------------------------------------------- happy path and polling


def test_submit_poll_and_result(
    client: ailab.Client, server: Server, jpeg: bytes, fake_time: FakeTime
) -> None:
    script(
        server,
        submit=[answer(200, SUBMITTED)],
        query=[
            answer(200, {"task_status": 0}),
            answer(200, {"task_status": 1}),
            answer(200, COMPLETED),
        ],
    )
    seen: list[ailab.StatusChange] = []
    result = client.face_beauty_pro(jpeg, smoothing=60, on_status=seen.append)
    assert (result.task_id, result.operation, result.url, result.urls) == (
        "task-1",
        "face_beauty_pro",
        RESULT_URL,
        [RESULT_URL],
    )
    assert result.raw == COMPLETED
    assert [change.status for change in seen] == ["queued", "processing", "completed"]
    assert [change.previous for change in seen] == [None, "queued", "processing"]
    assert fake_time.sleeps == [5.0, 5.0]  # the spec's x-poll-interval-seconds
    assert (submits(server), queries(server)) == (1, 3)


def test_on_status_fires_only_on_changes(client: ailab.Client, server: Server, jpeg: bytes) -> None:
    script(
        server,
        submit=[answer(200, SUBMITTED)],
        query=[answer(200, {"task_status": 1})] * 3 + [answer(200, COMPLETED)],
    )
    seen: list[str] = []
    client.face_beauty_pro(jpeg, on_status=lambda change: seen.append(change.status))
    assert seen == ["processing", "completed"]
    assert queries(server) == 4


def test_retry_after_on_a_pending_answer_stretches_the_poll(
    client: ailab.Client, server: Server, jpeg: bytes, fake_time: FakeTime
) -> None:
    script(
        server,
        submit=[answer(200, SUBMITTED)],
        query=[answer(200, {"task_status": 1}, **{"Retry-After": "12"}), answer(200, COMPLETED)],
    )
    client.face_beauty_pro(jpeg, poll_interval=0.5)
    assert fake_time.sleeps == [12.0]


# ---------------------------------------------------------------- transient failures


@pytest.mark.parametrize("status", [502, 503, 504])
def test_transient_query_failures_are_retried_with_backoff(
    client: ailab.Client, server: Server, jpeg: bytes, fake_time: FakeTime, status: int
) -> None:
    script(
        server,
        submit=[answer(200, SUBMITTED)],
        query=[answer(status, {"error_detail": {"code": "AI_SERVICE_ERROR"}})] * 3
        + [answer(200, COMPLETED)],
    )
    result = client.face_beauty_pro(jpeg)
    assert result.url == RESULT_URL
    assert fake_time.sleeps == [1.0, 2.0, 4.0]  # exponential; jitter pinned to its maximum
    assert queries(server) == 4


def test_html_504_on_query_is_retried(client: ailab.Client, server: Server, jpeg: bytes) -> None:
    script(
        server,
        submit=[answer(200, SUBMITTED)],
        query=[answer(504, HTML_504), answer(200, COMPLETED)],
    )
    assert client.face_beauty_pro(jpeg).url == RESULT_URL
    assert queries(server) == 2


def test_query_retries_stop_at_max_retries(
    client: ailab.Client, server: Server, jpeg: bytes
) -> None:
    script(
        server,
        submit=[answer(200, SUBMITTED)],
        query=[answer(503, {"error_detail": {"code": "X"}})],
    )
    with pytest.raises(ailab.ServerError) as caught:
        client.face_beauty_pro(jpeg)
    assert caught.value.status_code == 503
    assert caught.value.task_id == "task-1"
    assert queries(server) == 1 + 4  # first try + max_retries
    assert any("resume with client.wait('task-1'" in note for note in caught.value.__notes__)


def test_rate_limited_query_honours_retry_after(
    client: ailab.Client, server: Server, jpeg: bytes, fake_time: FakeTime
) -> None:
    script(
        server,
        submit=[answer(200, SUBMITTED)],
        query=[answer(429, LIMITED, **{"Retry-After": "7"}), answer(200, COMPLETED)],
    )
    client.face_beauty_pro(jpeg)
    assert fake_time.sleeps == [7.0]


def test_retry_after_as_an_http_date(
    client: ailab.Client, server: Server, jpeg: bytes, fake_time: FakeTime
) -> None:
    script(
        server,
        submit=[answer(200, SUBMITTED)],
        query=[
            answer(503, LIMITED, **{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),
            answer(200, COMPLETED),
        ],
    )
    client.face_beauty_pro(jpeg)
    assert fake_time.sleeps == [0.0]  # a date in the past means "now"


def test_query_connection_errors_are_retried(
    client: ailab.Client, server: Server, jpeg: bytes
) -> None:
    script(
        server,
        submit=[answer(200, SUBMITTED)],
        query=[httpx.ReadTimeout("slow"), httpx.ConnectError("refused"), answer(200, COMPLETED)],
    )
    assert client.face_beauty_pro(jpeg).url == RESULT_URL
    assert queries(server) == 3


# ---------------------------------------------------------------- submits cost credits


def test_submit_resent_after_a_connect_error_with_the_whole_file(
    client: ailab.Client, server: Server, jpeg: bytes
) -> None:
    script(
        server,
        submit=[httpx.ConnectError("refused"), answer(200, SUBMITTED)],
        query=[answer(200, COMPLETED)],
    )
    client.face_beauty_pro(jpeg)
    posts = [request for request in server.requests if request.method == "POST"]
    assert len(posts) == 2
    assert all(jpeg in request.content for request in posts)  # re-read from the start


@pytest.mark.parametrize(
    "refusal",
    [
        answer(429, LIMITED, **{"Retry-After": "3"}),
        answer(503, {"error_detail": {"code": "ERROR_INSUFFICIENT_RESOURCES"}}),
    ],
    ids=["429-exceeding-limits", "503"],
)
def test_submit_resent_when_the_server_refused_it(
    client: ailab.Client, server: Server, jpeg: bytes, refusal: httpx.Response
) -> None:
    script(server, submit=[refusal, answer(200, SUBMITTED)], query=[answer(200, COMPLETED)])
    client.face_beauty_pro(jpeg)
    assert submits(server) == 2


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("dropped"),
        httpx.WriteTimeout("w"),
    ],
    ids=["read-timeout", "dropped-after-send", "write-timeout"],
)
def test_submit_never_resent_once_it_may_have_arrived(
    client: ailab.Client, server: Server, jpeg: bytes, failure: Exception
) -> None:
    script(server, submit=[failure, answer(200, SUBMITTED)])
    with pytest.raises(ailab.SubmissionUncertainError, match="may exist"):
        client.face_beauty_pro(jpeg)
    assert submits(server) == 1
    assert queries(server) == 0


@pytest.mark.parametrize("status", [500, 502, 504])
def test_submit_not_resent_on_server_errors_that_may_have_started_work(
    client: ailab.Client, server: Server, jpeg: bytes, status: int
) -> None:
    script(server, submit=[answer(status, HTML_504)])
    with pytest.raises(ailab.ServerError, match="may exist") as caught:
        client.face_beauty_pro(jpeg)
    assert caught.value.status_code == status
    assert caught.value.task_may_exist
    assert submits(server) == 1


def test_submit_connect_errors_exhaust_into_transport_error(
    client: ailab.Client, server: Server, jpeg: bytes
) -> None:
    script(server, submit=[httpx.ConnectError("refused")])
    with pytest.raises(ailab.TransportError, match="nothing was submitted") as caught:
        client.face_beauty_pro(jpeg)
    assert caught.value.request_sent is False
    assert submits(server) == 5


def test_submit_non_json_200_is_uncertain(
    client: ailab.Client, server: Server, jpeg: bytes
) -> None:
    script(server, submit=[answer(200, "<html>ok</html>")])
    with pytest.raises(ailab.SubmissionUncertainError):
        client.face_beauty_pro(jpeg)
    assert submits(server) == 1


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (401, {"error_detail": {"code": "ERROR_USER_NOT_EXISTS"}}, ailab.AuthenticationError),
        (403, {"error_detail": {"code": "ERROR_USER_LOCKED"}}, ailab.AuthenticationError),
        (429, NO_CREDITS, ailab.InsufficientCreditsError),
        (413, {"error_detail": {"code": "FILE_SIZE_EXCEEDS_LIMIT"}}, ailab.ApiError),
    ],
)
def test_final_submit_failures_are_not_retried(
    client: ailab.Client,
    server: Server,
    jpeg: bytes,
    status: int,
    body: dict[str, Any],
    error: type[ailab.ApiError],
) -> None:
    script(server, submit=[answer(status, body)])
    with pytest.raises(error) as caught:
        client.face_beauty_pro(jpeg)
    assert type(caught.value) is error
    assert caught.value.status_code == status
    assert not caught.value.task_may_exist
    assert submits(server) == 1


# ---------------------------------------------------------------- both envelope generations


@pytest.mark.parametrize(
    ("status", "body"),
    [(200, OLDER_NO_FACE), (422, OLDER_NO_FACE), (422, NEWER_NO_FACE)],
    ids=["200+error_code", "older", "newer"],
)
def test_failure_envelopes_map_to_the_same_error(
    client: ailab.Client, server: Server, jpeg: bytes, status: int, body: dict[str, Any]
) -> None:
    script(server, submit=[answer(status, body)])
    with pytest.raises(ailab.ApiError) as caught:
        client.face_beauty_pro(jpeg)
    error = caught.value
    assert (error.status_code, error.code, error.code_message, error.message) == (
        422,
        "ERROR_NO_FACE_IN_FILE",
        "No face detected in the file.",
        "pic not has face",
    )
    assert (error.request_id, error.log_id) == ("req-9", "log-9")
    assert "ERROR_NO_FACE_IN_FILE" in str(error)


# -------------------------------------------------------- malformed answers and task failure


@pytest.mark.parametrize(
    "body",
    [
        "not json at all",
        {"task_status": 9},
        {"task_status": "done"},
        {"no_status": True},
        {"task_status": 2},
    ],
    ids=["non-json", "unknown-status", "text-status", "missing-status", "completed-without-result"],
)
def test_malformed_query_answers_raise_unexpected_response(
    client: ailab.Client, server: Server, jpeg: bytes, body: Any
) -> None:
    script(server, submit=[answer(200, SUBMITTED)], query=[answer(200, body)])
    with pytest.raises(ailab.UnexpectedResponseError) as caught:
        client.face_beauty_pro(jpeg)
    assert caught.value.task_id == "task-1"


def test_task_failure_reported_by_the_query(
    client: ailab.Client, server: Server, jpeg: bytes
) -> None:
    script(
        server,
        submit=[answer(200, SUBMITTED)],
        query=[answer(200, {"task_status": 1}), answer(422, OLDER_NO_FACE)],
    )
    with pytest.raises(ailab.TaskFailedError) as caught:
        client.face_beauty_pro(jpeg)
    assert (caught.value.task_id, caught.value.code) == ("task-1", "ERROR_NO_FACE_IN_FILE")


def test_failed_status_3_is_a_task_failure(
    client: ailab.Client, server: Server, jpeg: bytes
) -> None:
    script(server, submit=[answer(200, SUBMITTED)], query=[answer(200, {"task_status": 3})])
    with pytest.raises(ailab.TaskFailedError) as caught:
        client.face_beauty_pro(jpeg)
    assert caught.value.code == "TASK_FAILED"


def test_failed_status_3_keeps_the_reason_from_error_detail(
    client: ailab.Client, server: Server, jpeg: bytes
) -> None:
    failed = {
        "task_status": 3,
        "error_code": 0,
        "error_detail": {"code": "ERROR_NO_FACE_IN_FILE", "code_message": "No face found."},
    }
    script(server, submit=[answer(200, SUBMITTED)], query=[answer(200, failed)])
    with pytest.raises(ailab.TaskFailedError, match="ERROR_NO_FACE_IN_FILE") as caught:
        client.face_beauty_pro(jpeg)
    assert caught.value.code == "ERROR_NO_FACE_IN_FILE"
    assert caught.value.code_message == "No face found."


def test_unknown_task_id_is_not_found(client: ailab.Client, server: Server) -> None:
    script(server, submit=[], query=[answer(404, {"error_detail": {"code": "TASK_NOT_FOUND"}})])
    with pytest.raises(ailab.TaskNotFoundError):
        client.wait("nope", operation="face_beauty_pro")


# ---------------------------------------------------------------- deadline and resume


def test_deadline_then_resume_completes_with_one_submit(
    client: ailab.Client, server: Server, jpeg: bytes, fake_time: FakeTime
) -> None:
    script(server, submit=[answer(200, SUBMITTED)], query=[answer(200, {"task_status": 1})])
    with pytest.raises(ailab.WaitTimeoutError) as caught:
        client.face_beauty_pro(jpeg, timeout=12)
    error = caught.value
    assert isinstance(error, TimeoutError)
    assert (error.task_id, error.operation, error.last_status) == (
        "task-1",
        "face_beauty_pro",
        "processing",
    )
    assert sum(fake_time.sleeps) == pytest.approx(12)  # the last poll happens at the deadline
    script(server, submit=[], query=[answer(200, COMPLETED)])
    result = client.wait(error.task_id, operation=error.operation)
    assert result.url == RESULT_URL
    assert submits(server) == 1


def test_task_round_trips_through_json(client: ailab.Client, server: Server, jpeg: bytes) -> None:
    script(server, submit=[answer(200, SUBMITTED)], query=[answer(200, COMPLETED)])
    task = client.face_beauty_pro.submit(jpeg)
    restored = ailab.Task.from_dict(json.loads(json.dumps(task.to_dict())))
    assert restored == task
    assert client.wait(restored).operation == "face_beauty_pro"


def test_wait_without_operation_recognises_the_result(client: ailab.Client, server: Server) -> None:
    script(
        server,
        submit=[],
        query=[
            answer(200, {"task_status": 2, "data": {"result_urls": [RESULT_URL, RESULT_URL + "2"]}})
        ],
    )
    result = client.wait("task-7")
    assert (result.operation, result.urls) == (
        "smart_skin_advanced",
        [RESULT_URL, RESULT_URL + "2"],
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"task_id": 5, "operation": "x"},
        {"operation": "x"},
        {"task_id": "t", "operation": "x", "submitted_at": "yesterday"},
    ],
)
def test_task_from_dict_rejects_malformed_input(bad: dict[str, Any]) -> None:
    with pytest.raises(ailab.InvalidInputError):
        ailab.Task.from_dict(bad)


def test_wait_rejects_unknown_operations_before_sending(
    client: ailab.Client, server: Server
) -> None:
    with pytest.raises(ailab.InvalidInputError, match="unknown operation"):
        client.wait("task-1", operation="face_beauty")
    with pytest.raises(ailab.InvalidInputError):
        client.wait("")
    assert server.requests == []


# ---------------------------------------------------------------- downloads


def _completed_then(server: Server, files: list[Answer], content_type: str = "image/jpeg") -> None:
    script(server, submit=[answer(200, SUBMITTED)], query=[answer(200, COMPLETED)], files=files)


def test_download_never_sends_the_api_key(server: Server, fake_time: FakeTime, jpeg: bytes) -> None:
    http = httpx.Client(
        transport=httpx.MockTransport(server), headers={"ailabapi-api-key": API_KEY}
    )
    client = ailab.Client(
        api_key=API_KEY, base_url="https://api.test", http_client=http, sleep=fake_time.sleep
    )
    _completed_then(
        server,
        [httpx.Response(200, content=b"\xff\xd8\xffimg", headers={"content-type": "image/jpeg"})],
    )
    result = client.face_beauty_pro(jpeg)
    assert result.download() == b"\xff\xd8\xffimg"
    file_request = server.requests[-1]
    assert file_request.url == RESULT_URL
    assert "ailabapi-api-key" not in file_request.headers
    assert all(
        r.headers["ailabapi-api-key"] == API_KEY
        for r in server.requests
        if r.url.host == "api.test"
    )


def test_save_into_a_directory_names_the_file_from_task_id_and_type(
    client: ailab.Client, server: Server, jpeg: bytes, tmp_path: Any
) -> None:
    _completed_then(
        server,
        [
            httpx.Response(
                200, content=b"\x89PNG\r\n\x1a\nrest", headers={"content-type": "image/png"}
            )
        ],
    )
    path = client.face_beauty_pro(jpeg).save(tmp_path)
    assert path == tmp_path / "task-1.png"
    assert path.read_bytes() == b"\x89PNG\r\n\x1a\nrest"
    assert [p.name for p in tmp_path.iterdir()] == ["task-1.png"]


def test_save_sniffs_the_type_when_the_storage_host_does_not_say(
    client: ailab.Client, server: Server, jpeg: bytes, tmp_path: Any
) -> None:
    _completed_then(
        server,
        [
            httpx.Response(
                200,
                content=b"\xff\xd8\xff\xe0data",
                headers={"content-type": "application/octet-stream"},
            )
        ],
    )
    assert client.face_beauty_pro(jpeg).save(tmp_path).name == "task-1.jpg"


def test_save_to_a_file_path(
    client: ailab.Client, server: Server, jpeg: bytes, tmp_path: Any
) -> None:
    _completed_then(server, [httpx.Response(200, content=b"abc")])
    target = tmp_path / "out" / "me.jpg"
    assert client.face_beauty_pro(jpeg).save(target) == target
    assert target.read_bytes() == b"abc"


PNG_FILE = httpx.Response(
    200, content=b"\x89PNG\r\n\x1a\nrest", headers={"content-type": "image/png"}
)


def test_save_with_a_name_keeps_the_extension_of_the_content(
    client: ailab.Client, server: Server, jpeg: bytes, tmp_path: Any
) -> None:
    _completed_then(server, [PNG_FILE])
    path = client.face_beauty_pro(jpeg).save(f"{tmp_path}/new/", name="me.face-beauty-pro")
    assert path == tmp_path / "new" / "me.face-beauty-pro.png"
    assert path.read_bytes().startswith(b"\x89PNG")


def test_save_without_overwrite_never_replaces_an_existing_file(
    client: ailab.Client, server: Server, jpeg: bytes, tmp_path: Any
) -> None:
    _completed_then(server, [PNG_FILE])
    result = client.face_beauty_pro(jpeg)
    (tmp_path / "me.png").write_bytes(b"mine")
    (tmp_path / "me-2.png").write_bytes(b"mine too")
    assert result.save(tmp_path, name="me", overwrite=False) == tmp_path / "me-3.png"
    assert result.save(tmp_path / "me.png", overwrite=False) == tmp_path / "me-4.png"
    assert (tmp_path / "me.png").read_bytes() == b"mine"
    assert (tmp_path / "me-2.png").read_bytes() == b"mine too"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "me-2.png",
        "me-3.png",
        "me-4.png",
        "me.png",
    ]
    assert result.save(tmp_path / "me.png") == tmp_path / "me.png"  # overwrite is the default
    assert (tmp_path / "me.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("name", ["", "sub/me", "..", "."])
def test_save_name_must_be_a_plain_file_name(
    client: ailab.Client, server: Server, jpeg: bytes, tmp_path: Any, name: str
) -> None:
    _completed_then(server, [PNG_FILE])
    result = client.face_beauty_pro(jpeg)
    with pytest.raises(ailab.InvalidInputError, match="plain file name"):
        result.save(tmp_path, name=name)
    with pytest.raises(ailab.InvalidInputError, match="needs a folder"):
        result.save(tmp_path / "file.png", name="me")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("status", [403, 404])
def test_expired_result_url(
    client: ailab.Client, server: Server, jpeg: bytes, tmp_path: Any, status: int
) -> None:
    _completed_then(server, [httpx.Response(status, text="<Error>AccessDenied</Error>")])
    result = client.face_beauty_pro(jpeg)
    with pytest.raises(ailab.ResultExpiredError, match="24 hours"):
        result.save(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_oversized_download_leaves_no_file(
    server: Server, fake_time: FakeTime, jpeg: bytes, tmp_path: Any
) -> None:
    http = httpx.Client(transport=httpx.MockTransport(server))
    client = ailab.Client(
        api_key=API_KEY,
        base_url="https://api.test",
        http_client=http,
        sleep=fake_time.sleep,
        max_download_bytes=10,
    )
    _completed_then(server, [httpx.Response(200, content=b"x" * 11)])
    result = client.face_beauty_pro(jpeg)
    with pytest.raises(ailab.DownloadError, match="max_download_bytes"):
        result.save(tmp_path)
    with pytest.raises(ailab.DownloadError):
        result.download()
    assert list(tmp_path.iterdir()) == []


def test_download_stream_failure_is_retried_without_leftovers(
    client: ailab.Client, server: Server, jpeg: bytes, tmp_path: Any
) -> None:
    class Broken(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield b"half"
            raise httpx.ReadError("connection reset")

    _completed_then(
        server,
        [
            httpx.Response(200, stream=Broken()),
            httpx.Response(503),
            httpx.Response(200, content=b"whole"),
        ],
    )
    path = client.face_beauty_pro(jpeg).save(tmp_path)
    assert path.read_bytes() == b"whole"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_download_that_keeps_failing_leaves_nothing(
    client: ailab.Client, server: Server, jpeg: bytes, tmp_path: Any
) -> None:
    _completed_then(server, [httpx.Response(502)])
    with pytest.raises(ailab.DownloadError) as caught:
        client.face_beauty_pro(jpeg).save(tmp_path)
    assert caught.value.status_code == 502
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- asyncio: the same flows


def test_async_client_full_flow_with_retry_and_download(
    async_client: ailab.AsyncClient, server: Server, jpeg: bytes, fake_time: FakeTime, tmp_path: Any
) -> None:
    script(
        server,
        submit=[httpx.ConnectError("refused"), answer(200, SUBMITTED)],
        query=[answer(503, LIMITED), answer(200, {"task_status": 1}), answer(200, COMPLETED)],
        files=[
            httpx.Response(200, content=b"\xff\xd8\xffimg", headers={"content-type": "image/jpeg"})
        ],
    )

    async def run() -> tuple[ailab.AsyncResult[Any], bytes, Any]:
        async with async_client:
            result = await async_client.face_beauty_pro(jpeg, filter_type=ailab.FilterType.SAKURA)
            return result, await result.download(), await result.save(tmp_path)

    result, data, path = asyncio.run(run())
    assert (result.url, data, path.name) == (RESULT_URL, b"\xff\xd8\xffimg", "task-1.jpg")
    assert submits(server) == 2
    assert fake_time.sleeps == [1.0, 1.0, 5.0]


def test_async_deadline_and_resume(
    async_client: ailab.AsyncClient, server: Server, jpeg: bytes
) -> None:
    script(server, submit=[answer(200, SUBMITTED)], query=[answer(200, {"task_status": 0})])

    async def run() -> ailab.WaitTimeoutError:
        task = await async_client.face_beauty_pro.submit(jpeg)
        with pytest.raises(ailab.WaitTimeoutError) as caught:
            await async_client.wait(task, timeout=3)
        return caught.value

    error = asyncio.run(run())
    assert (error.task_id, error.last_status) == ("task-1", "queued")


def test_async_submit_read_timeout_is_not_resent(
    async_client: ailab.AsyncClient, server: Server, jpeg: bytes
) -> None:
    script(server, submit=[httpx.ReadTimeout("slow")])
    with pytest.raises(ailab.SubmissionUncertainError):
        asyncio.run(async_client.face_beauty_pro(jpeg))
    assert submits(server) == 1


# ---------------------------------------------------------------- options and misuse


@pytest.mark.parametrize(
    "options",
    [{"poll_interval": 0}, {"poll_interval": -1}, {"timeout": float("nan")}, {"timeout": "10"}],
)
def test_bad_wait_options_are_refused_before_anything_is_sent(
    client: ailab.Client, server: Server, jpeg: bytes, options: dict[str, Any]
) -> None:
    with pytest.raises(ailab.InvalidInputError):
        client.wait("task-1", **options)
    with pytest.raises(ailab.InvalidInputError):
        client.face_beauty_pro(jpeg, **options)  # the submit would cost credits
    assert server.requests == []


def test_one_deadline_covers_submit_retries_and_the_wait(
    client: ailab.Client, server: Server, jpeg: bytes, fake_time: FakeTime
) -> None:
    script(
        server,
        submit=[answer(429, LIMITED, **{"Retry-After": "20"})] * 2 + [answer(200, SUBMITTED)],
        query=[answer(200, {"task_status": 1})],
    )
    with pytest.raises(ailab.WaitTimeoutError):
        client.face_beauty_pro(jpeg, timeout=60)
    assert sum(fake_time.sleeps) == pytest.approx(60)


def test_a_retry_that_would_pass_the_deadline_is_not_made(
    client: ailab.Client, server: Server, jpeg: bytes, fake_time: FakeTime
) -> None:
    script(server, submit=[answer(429, LIMITED, **{"Retry-After": "150"})])
    with pytest.raises(ailab.RateLimitError):
        client.face_beauty_pro(jpeg, timeout=60)
    assert (submits(server), fake_time.sleeps) == (1, [])


def test_retry_policy_count_is_respected(server: Server, fake_time: FakeTime, jpeg: bytes) -> None:
    http = httpx.Client(transport=httpx.MockTransport(server))
    client = ailab.Client(
        api_key=API_KEY,
        base_url="https://api.test",
        http_client=http,
        sleep=fake_time.sleep,
        retry_policy=ailab.RetryPolicy(max_retries=0),
    )
    script(server, submit=[answer(503, {"error_detail": {"code": "BUSY"}})])
    with pytest.raises(ailab.ServerError):
        client.face_beauty_pro(jpeg)
    assert submits(server) == 1


@pytest.mark.parametrize(
    "policy", [{"jitter": 2.0}, {"base_delay": -1.0}, {"max_retries": -1}, {"max_delay": 0.1}]
)
def test_bad_retry_policies_are_refused(policy: dict[str, float]) -> None:
    with pytest.raises(ailab.InvalidInputError):
        ailab.RetryPolicy(**policy)  # type: ignore[arg-type]


def test_proxy_refusal_means_nothing_was_sent(
    client: ailab.Client, server: Server, jpeg: bytes
) -> None:
    script(server, submit=[httpx.ProxyError("407 Proxy Authentication Required")])
    with pytest.raises(ailab.TransportError) as caught:
        client.face_beauty_pro(jpeg)
    assert caught.value.request_sent is False


def test_results_after_the_client_closed(server: Server, fake_time: FakeTime, jpeg: bytes) -> None:
    http = httpx.Client(transport=httpx.MockTransport(server))
    _completed_then(server, [httpx.Response(200, content=b"img")])
    with ailab.Client(
        api_key=API_KEY, base_url="https://api.test", http_client=http, sleep=fake_time.sleep
    ) as client:
        result = client.face_beauty_pro(jpeg)
    with pytest.raises(ailab.ClientClosedError, match="with"):
        result.download()
    owned = ailab.Client(api_key=API_KEY)
    owned.close()
    with pytest.raises(ailab.ClientClosedError):
        owned.wait("task-1", operation="face_beauty_pro")


def test_result_index_out_of_range(client: ailab.Client, server: Server, jpeg: bytes) -> None:
    _completed_then(server, [httpx.Response(200, content=b"img")])
    result = client.face_beauty_pro(jpeg)
    for index in (1, -1):
        with pytest.raises(ailab.InvalidInputError, match="1 URL"):
            result.download(index)


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.test/a b.jpg",
        "https://cdn.test/a\x00.jpg",
        "https://exa\u200bmple.com/x.jpg",
        "https://[::1/x",
    ],
)
def test_invalid_result_urls_are_unexpected_answers(
    client: ailab.Client, server: Server, url: str
) -> None:
    script(server, submit=[], query=[answer(200, {"task_status": 2, "result_url": url})])
    with pytest.raises(ailab.UnexpectedResponseError):
        client.wait("task-1", operation="face_beauty_pro")


@pytest.mark.parametrize("url", ["https://\u2615.com/x", "https://xn--a.com/x"])
def test_a_url_httpx_cannot_send_is_a_download_error(
    client: ailab.Client, server: Server, url: str
) -> None:
    script(server, submit=[], query=[answer(200, {"task_status": 2, "result_url": url})])
    result = client.wait("task-1", operation="face_beauty_pro")
    with pytest.raises(ailab.DownloadError):
        result.download()
