"""The API key never shows: not in reprs, log records, exception text; URLs only at DEBUG."""

from __future__ import annotations

import asyncio
import logging

import ailab
import httpx
import pytest
from ailab.engine import ApiKeyAuth

from tests.wrapper.conftest import API_KEY, BASE_URL, QUERY_PATH, FakeTime, Server

RESULT_URL = "https://cdn.example/r/secret-signed-url.jpg"


def _serve_everything(server: Server, *, query_failures: int = 0) -> None:
    """A run that touches every code path that logs: retry, status changes, download."""
    failures = {"left": query_failures}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(200, json={"task_id": "t-1", "request_id": "r", "log_id": "l"})
        if request.url.path == QUERY_PATH:
            if failures["left"]:
                failures["left"] -= 1
                return httpx.Response(503, json={"error_detail": {"code": "BUSY"}})
            return httpx.Response(200, json={"task_status": 2, "result_url": RESULT_URL})
        return httpx.Response(200, content=b"img", headers={"content-type": "image/jpeg"})

    server.handler = handler


def test_key_never_logged_and_urls_only_at_debug(
    client: ailab.Client, server: Server, jpeg: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    _serve_everything(server, query_failures=1)
    with caplog.at_level(logging.DEBUG):
        result = client.face_beauty_pro(jpeg)
        result.download()
    assert caplog.records, "the run should have logged"
    assert API_KEY not in caplog.text
    assert not any(jpeg[:64] in str(record.args).encode() for record in caplog.records)
    ailab_records = [record for record in caplog.records if record.name == "ailab"]
    assert {record.levelname for record in ailab_records} >= {"INFO", "WARNING", "DEBUG"}
    with_url = [record for record in ailab_records if RESULT_URL in record.getMessage()]
    assert with_url, "result URLs are logged at DEBUG"
    assert {record.levelno for record in with_url} == {logging.DEBUG}
    infos = " ".join(r.getMessage() for r in ailab_records if r.levelno >= logging.INFO)
    assert "t-1" in infos  # the task id, request_id and log_id are what operators need
    assert "request_id=r" in infos


def test_reprs_hide_the_key(client: ailab.Client, server: Server, jpeg: bytes) -> None:
    _serve_everything(server)
    result = client.face_beauty_pro(jpeg)
    task = ailab.Task("t-1", "face_beauty_pro")
    engine = client._engine
    shown = [
        repr(client),
        repr(result),
        repr(task),
        repr(engine.settings),
        repr(ApiKeyAuth("ailabapi-api-key", API_KEY)),
        repr(client.face_beauty_pro),
        repr(ailab.AsyncClient(api_key=API_KEY, base_url=BASE_URL)),
    ]
    assert all(API_KEY not in text for text in shown)
    assert RESULT_URL not in repr(result)


def test_errors_never_contain_the_key_even_if_the_server_echoes_it(
    client: ailab.Client, server: Server, jpeg: bytes
) -> None:
    server.handler = lambda request: httpx.Response(
        401,
        json={"error_detail": {"code": "ERROR_USER_NOT_EXISTS", "message": f"bad key {API_KEY}"}},
    )
    with pytest.raises(ailab.AuthenticationError) as caught:
        client.face_beauty_pro(jpeg)
    assert API_KEY not in str(caught.value)
    assert API_KEY not in repr(caught.value)
    assert "<hidden>" in str(caught.value)


def test_error_texts_across_failures_never_contain_the_key(
    server: Server, fake_time: FakeTime, jpeg: bytes
) -> None:
    answers = [
        httpx.Response(200, text=f"<html>{API_KEY}</html>"),
        httpx.Response(504, text=f"<html>gateway {API_KEY}</html>"),
        httpx.Response(422, json={"error_msg": API_KEY, "error_code": 422}),
    ]
    for bad in answers:
        server.handler = lambda request, bad=bad: bad
        http = httpx.Client(transport=httpx.MockTransport(server))
        client = ailab.Client(
            api_key=API_KEY, base_url=BASE_URL, http_client=http, sleep=fake_time.sleep
        )
        with pytest.raises(ailab.AilabError) as caught:
            client.face_beauty_pro(jpeg)
        assert API_KEY not in str(caught.value)


def test_missing_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AILAB_API_KEY", raising=False)
    with pytest.raises(ailab.InvalidInputError, match="AILAB_API_KEY"):
        ailab.Client()
    with pytest.raises(ailab.InvalidInputError, match="AILAB_API_KEY"):
        ailab.AsyncClient(api_key="  ")
    with pytest.raises(ailab.InvalidInputError, match="header") as caught:
        ailab.Client(api_key="bad key\n")
    assert "bad key" not in str(caught.value)


def test_key_and_base_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AILAB_API_KEY", API_KEY)
    monkeypatch.setenv("AILAB_BASE_URL", "http://localhost:4010/")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"task_status": 2, "result_url": RESULT_URL})

    client = ailab.Client(http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    client.wait("t-1", operation="face_beauty_pro")
    assert str(seen[0].url).startswith("http://localhost:4010/api/common/")
    assert seen[0].headers["ailabapi-api-key"] == API_KEY


@pytest.mark.parametrize(
    "options",
    [{"poll_interval": 0}, {"wait_timeout": -1}, {"max_retries": -1}, {"timeout": float("nan")}],
)
def test_bad_options_are_rejected(options: dict[str, float]) -> None:
    with pytest.raises(ailab.InvalidInputError):
        ailab.Client(api_key=API_KEY, **options)  # type: ignore[arg-type]


def test_sub_second_poll_interval_is_allowed() -> None:
    client = ailab.Client(api_key=API_KEY, poll_interval=0.01)
    assert client._engine.settings.poll_interval == 0.01
    client.close()
    asyncio.run(ailab.AsyncClient(api_key=API_KEY, poll_interval=0.2).aclose())


def test_an_echoed_key_is_blanked_in_attributes_and_retry_logs(
    client: ailab.Client, server: Server, jpeg: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    answers = iter(
        [
            httpx.Response(
                429,
                json={
                    "error_detail": {
                        "code": "EXCEEDING_LIMITS",
                        "message": f"key {API_KEY} over limit",
                    }
                },
            ),
            httpx.Response(
                401,
                json={"error_detail": {"code": "X", "code_message": API_KEY, "message": API_KEY}},
            ),
        ]
    )
    server.handler = lambda request: next(answers)
    with caplog.at_level(logging.DEBUG), pytest.raises(ailab.AuthenticationError) as caught:
        client.face_beauty_pro(jpeg)
    assert API_KEY not in caplog.text
    assert API_KEY not in f"{caught.value.message} {caught.value.code_message}"


@pytest.mark.parametrize("url", ["ftp://x", "https://", "https://\u2615.com", "localhost:4010"])
def test_bad_base_urls_are_rejected(url: str) -> None:
    with pytest.raises(ailab.InvalidInputError, match="base_url"):
        ailab.Client(api_key=API_KEY, base_url=url)
