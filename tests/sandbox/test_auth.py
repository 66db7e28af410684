"""The API key: required on the API and control routes, never needed for results, never shown."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from ailab.operations import OPERATIONS
from ailab.sandbox import DEFAULT_API_KEY, FaultRates, RunningSandbox, SandboxConfig

from tests.sandbox.conftest import (
    API_KEY,
    Api,
    FakeClock,
    MakeApi,
    assert_refused,
    result_urls,
)

Call = Callable[[Api, str | None], httpx.Response]

SPEC = OPERATIONS["face_beauty_pro"]

CALLS: dict[str, Call] = {
    "submit": lambda api, key: api.submit(SPEC, key=key),
    "query": lambda api, key: api.query("1700000000000x0123456789ab", key=key),
    "faults": lambda api, key: api.inject(fault="rate_limit", key=key),
    "stats": lambda api, key: api.http.get("/sandbox/stats", headers=api.headers(key)),
}

WRONG_KEYS = {
    "missing": None,
    "empty": "",
    "default-key": DEFAULT_API_KEY,  # the default key does not open a sandbox with its own
    "other-case": API_KEY.upper(),
    "prefix": API_KEY[:-1],
    "longer": API_KEY + "x",
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("key", WRONG_KEYS.values(), ids=WRONG_KEYS.keys())
def test_a_missing_or_wrong_key_is_401(api: Api, call: Call, key: str | None) -> None:
    response = call(api, key)

    assert_refused(response, 401, "ERROR_APPLICATIONS_NOT_EXISTS")
    stats = api.stats()
    assert stats["unauthorized"] == 1
    assert (stats["accepted"], stats["tasks"], stats["faults_pending"]) == (0, 0, 0)


def test_the_right_key_opens_every_route(api: Api) -> None:
    for name, call in CALLS.items():
        response = call(api, API_KEY)
        assert response.status_code != 401, name
    assert api.stats()["unauthorized"] == 0


def test_the_key_is_checked_before_faults_and_validation(make_api: MakeApi) -> None:
    api = make_api(faults=FaultRates(rate_limit=1.0))
    bad_form = {"image": b"not an image"}
    assert_refused(api.submit(SPEC, bad_form, key="wrong"), 401, "ERROR_APPLICATIONS_NOT_EXISTS")
    assert api.stats()["faults_injected"]["rate_limit"] == 0


def _responses_of_a_busy_session(api: Api, clock: FakeClock) -> list[httpx.Response]:
    """Answers of every sort: accepted, refused, unauthorized, results, controls, 404, 405."""
    urls: list[str] = []
    for spec in OPERATIONS.values():
        task_id = api.accepted(spec)
        api.query(task_id)
        clock.advance(10)
        urls += result_urls(api.query(task_id).json(), spec)
        api.download(urls[-1])
        api.download(urls[-1], key=API_KEY)
        api.submit(spec, {"image": b"garbage"})
        api.submit(spec, key="wrong-key-3f1c")
        api.query(task_id, key=None)
    api.inject(fault="rate_limit", target="submit")
    api.submit(SPEC)
    api.inject(fault="no_such_fault")
    api.inject(fault="unavailable", key="wrong-key-3f1c")
    api.stats()
    api.http.get("/nowhere", headers=api.headers(API_KEY))
    api.http.get(SPEC.path, headers=api.headers(API_KEY))
    clock.advance(10 * 24 * 3600)
    api.download(urls[0])
    return api.responses


@pytest.mark.parametrize("envelope", ["newer", "older"])
def test_the_key_appears_in_no_answer(make_api: MakeApi, clock: FakeClock, envelope: str) -> None:
    api = make_api(envelope=envelope)
    responses = _responses_of_a_busy_session(api, clock)

    assert len(responses) > 40
    statuses = {response.status_code for response in responses}
    assert {200, 400, 401, 403, 404, 405, 429, 422} <= statuses
    for response in responses:
        assert API_KEY not in response.text
        assert "wrong-key-3f1c" not in response.text
        for name, value in response.headers.items():
            assert API_KEY not in value, name
            assert "wrong-key-3f1c" not in value, name


def test_the_key_is_not_in_the_config_repr() -> None:
    config = SandboxConfig(api_key=API_KEY, faults=FaultRates(rate_limit=0.5), seed=3)
    for text in (repr(config), str(config), f"{config!r}", repr([config])):
        assert API_KEY not in text
    assert "api_key=<hidden>" in repr(config)


def test_the_key_is_not_in_the_running_sandbox_repr() -> None:
    running = RunningSandbox("http://127.0.0.1:1", API_KEY)
    assert API_KEY not in repr(running)


@pytest.mark.parametrize("key", ["", "caf\u00e9", "tab\there", "new\nline"])
def test_a_key_that_cannot_be_sent_is_refused_without_echoing_it(key: str) -> None:
    with pytest.raises(ValueError, match="api_key") as raised:
        SandboxConfig(api_key=key)
    if key:
        assert key not in str(raised.value)
