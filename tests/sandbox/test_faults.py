"""Faults: on demand (POST /sandbox/faults) and by rate; and how the wrapper copes with them."""

from __future__ import annotations

import asyncio
from typing import Any, Literal, NamedTuple

import ailab
import httpx
import pytest
from ailab.operations import OPERATIONS
from ailab.sandbox import Fault, FaultRates

from tests.sandbox.conftest import (
    API_KEY,
    BASE_URL,
    Api,
    FakeClock,
    MakeApi,
    assert_refused,
    make_image,
)

SPEC = OPERATIONS["waist_slimming"]
UNKNOWN_TASK = "1700000000000x0123456789ab"
TINY_RETRIES = ailab.RetryPolicy(max_retries=3, base_delay=0.01, max_delay=0.05)


class Refusal(NamedTuple):
    status: int
    code: str
    retry_after: bool


REFUSALS = {
    Fault.RATE_LIMIT: Refusal(429, "EXCEEDING_LIMITS", True),
    Fault.NO_CREDITS: Refusal(429, "ERROR_NOT_ENOUGH_CREDITS", False),
    Fault.SERVER_ERROR: Refusal(500, "PROCESSING_FAILURE", False),
    Fault.BAD_GATEWAY: Refusal(502, "AI_SERVICE_ERROR", False),
    Fault.UNAVAILABLE: Refusal(503, "ERROR_INSUFFICIENT_RESOURCES", True),
    Fault.GATEWAY_TIMEOUT: Refusal(504, "AI_SERVICE_TIMEOUT", False),
}
"""What each refusing fault answers (README and the Fault docstrings)."""


def test_every_fault_is_covered_here() -> None:
    assert set(REFUSALS) | {Fault.TASK_FAILURE, Fault.SLOW} == set(Fault)


def assert_fault_answer(response: httpx.Response, fault: Fault, retry_after: int) -> None:
    expected = REFUSALS[fault]
    assert_refused(response, expected.status, expected.code)
    if expected.retry_after:
        assert response.headers["retry-after"] == str(retry_after)
    else:
        assert "retry-after" not in response.headers


# ---------------------------------------------------------------- on demand


@pytest.mark.parametrize("fault", REFUSALS, ids=str)
def test_a_refusal_targeted_at_submits_refuses_the_next_submit_only(
    make_api: MakeApi, fault: Fault
) -> None:
    api = make_api(retry_after=9)
    ordered = api.inject(fault=fault.value, target="submit")
    assert ordered.status_code == 200
    assert ordered.json() == {"pending": 1}

    assert_refused(api.query(UNKNOWN_TASK), 404, "ERROR_TASK_NOT_EXISTS")  # not a submit
    assert_fault_answer(api.submit(SPEC), fault, 9)
    assert api.stats()["accepted"] == 0
    task_id = api.accepted(SPEC)

    assert api.query(task_id).status_code == 200
    stats = api.stats()
    assert stats["faults_injected"][fault.value] == 1
    assert stats["faults_pending"] == 0
    assert sum(stats["faults_injected"].values()) == 1


@pytest.mark.parametrize("fault", REFUSALS, ids=str)
def test_a_refusal_targeted_at_queries_refuses_the_next_query_only(
    make_api: MakeApi, fault: Fault
) -> None:
    api = make_api(retry_after=4)
    api.inject(fault=fault.value, target="query")
    task_id = api.accepted(SPEC)

    assert_fault_answer(api.query(task_id), fault, 4)
    assert api.query(task_id).json()["task_status"] == 0
    assert api.stats()["faults_injected"][fault.value] == 1


@pytest.mark.parametrize("first", ["submit", "query"])
def test_a_refusal_targeted_at_any_refuses_whichever_request_comes_next(
    api: Api, first: Literal["submit", "query"]
) -> None:
    api.inject(fault="server_error")  # target defaults to any
    response = api.submit(SPEC) if first == "submit" else api.query(UNKNOWN_TASK)
    assert_refused(response, 500, "PROCESSING_FAILURE")
    assert api.stats()["faults_pending"] == 0
    api.query(api.accepted(SPEC)).raise_for_status()


def test_count_refuses_that_many_matching_requests(api: Api) -> None:
    assert api.inject(fault="rate_limit", target="submit", count=3).json() == {"pending": 3}
    assert api.inject(fault="bad_gateway", target="query", count=2).json() == {"pending": 5}

    submits = [api.submit(SPEC).status_code for _ in range(4)]
    queries = [api.query(UNKNOWN_TASK).status_code for _ in range(3)]

    assert submits == [429, 429, 429, 200]
    assert queries == [502, 502, 404]
    stats = api.stats()
    assert stats["faults_injected"]["rate_limit"] == 3
    assert stats["faults_injected"]["bad_gateway"] == 2
    assert stats["faults_pending"] == 0


def test_a_task_failure_is_accepted_then_fails_once_it_would_have_completed(
    api: Api, clock: FakeClock
) -> None:
    api.inject(fault="task_failure", target="submit")
    failing = api.accepted(SPEC)
    healthy = api.accepted(SPEC)

    assert api.query(failing).json()["task_status"] == 0
    clock.advance(api.config.queued_seconds)
    assert api.query(failing).json()["task_status"] == 1
    clock.advance(api.config.processing_seconds)

    for _ in range(2):
        assert_refused(api.query(failing), 422, "ERROR_NO_FACE_IN_FILE")
    assert api.query(healthy).json()["task_status"] == 2
    assert api.stats()["faults_injected"]["task_failure"] == 1


def test_a_task_failure_waits_for_a_submit_past_queries(api: Api, clock: FakeClock) -> None:
    api.inject(fault="task_failure")  # any: queries pass it by
    assert_refused(api.query(UNKNOWN_TASK), 404, "ERROR_TASK_NOT_EXISTS")
    assert api.stats()["faults_pending"] == 1
    task_id = api.accepted(SPEC)
    clock.advance(60)
    assert_refused(api.query(task_id), 422, "ERROR_NO_FACE_IN_FILE")


def test_a_refused_submit_keeps_a_pending_task_failure_for_the_next_one(
    api: Api, clock: FakeClock
) -> None:
    api.inject(fault="task_failure", target="submit")
    api.inject(fault="rate_limit", target="submit")
    assert api.submit(SPEC).status_code == 429
    task_id = api.accepted(SPEC)
    clock.advance(60)
    assert_refused(api.query(task_id), 422, "ERROR_NO_FACE_IN_FILE")


def test_a_rejected_submit_keeps_a_pending_task_failure_for_the_next_one(
    api: Api, clock: FakeClock
) -> None:
    api.inject(fault="task_failure", target="submit")
    assert api.submit(SPEC, {"image": b"not an image"}).status_code == 422
    task_id = api.accepted(SPEC)
    clock.advance(60)
    assert_refused(api.query(task_id), 422, "ERROR_NO_FACE_IN_FILE")


@pytest.mark.parametrize("target", ["submit", "query"])
def test_slow_delays_the_answer_by_slow_seconds(
    make_api: MakeApi, clock: FakeClock, target: str
) -> None:
    api = make_api(slow_seconds=12.5)
    api.inject(fault="slow", target=target)
    task_id = api.accepted(SPEC)
    assert api.query(task_id).status_code == 200
    api.query(task_id)

    assert clock.slept == [12.5]
    assert api.stats()["faults_injected"]["slow"] == 1


def test_slow_and_a_refusal_can_hit_the_same_request(make_api: MakeApi, clock: FakeClock) -> None:
    api = make_api(slow_seconds=2.0)
    api.inject(fault="slow", target="query")
    api.inject(fault="gateway_timeout", target="query")
    assert_refused(api.query(UNKNOWN_TASK), 504, "AI_SERVICE_TIMEOUT")
    assert clock.slept == [2.0]
    assert api.stats()["faults_pending"] == 0


BAD_ORDERS: dict[str, Any] = {
    "unknown fault": {"fault": "meteor"},
    "no fault": {"target": "submit"},
    "fault not a string": {"fault": 3},
    "unknown target": {"fault": "slow", "target": "download"},
    "zero count": {"fault": "slow", "count": 0},
    "negative count": {"fault": "slow", "count": -2},
    "count as text": {"fault": "slow", "count": "2"},
    "fractional count": {"fault": "slow", "count": 1.5},
    "count as bool": {"fault": "slow", "count": True},
    "task_failure at queries": {"fault": "task_failure", "target": "query"},
    "a list": ["rate_limit"],
    "a string": "rate_limit",
    "null": None,
}


@pytest.mark.parametrize("order", BAD_ORDERS.values(), ids=BAD_ORDERS.keys())
def test_a_bad_fault_order_is_400_and_queues_nothing(api: Api, order: Any) -> None:
    response = api.http.post("/sandbox/faults", json=order, headers=api.headers(API_KEY))
    assert_refused(response, 400, "ERROR_INVALID_PARAMETER")
    assert "rate_limit" in response.json()["error_detail"]["message"]  # lists the faults
    assert api.stats()["faults_pending"] == 0


def test_a_fault_order_that_is_not_json_is_400(api: Api) -> None:
    for body in [b"", b"{fault: slow}", b"\xff\xfe"]:
        response = api.http.post("/sandbox/faults", content=body, headers=api.headers(API_KEY))
        assert_refused(response, 400, "ERROR_INVALID_PARAMETER")
    assert api.stats()["faults_pending"] == 0


# ---------------------------------------------------------------- by rate


def test_a_rate_of_one_refuses_every_request(make_api: MakeApi) -> None:
    api = make_api(faults=FaultRates(rate_limit=1.0))
    for _ in range(10):
        assert_refused(api.submit(SPEC), 429, "EXCEEDING_LIMITS")
        assert_refused(api.query(UNKNOWN_TASK), 429, "EXCEEDING_LIMITS")
    assert api.stats()["accepted"] == 0
    assert api.stats()["faults_injected"]["rate_limit"] == 20


def test_a_server_error_rate_of_one_answers_every_5xx(make_api: MakeApi) -> None:
    api = make_api(faults=FaultRates(server_error=1.0), retry_after=3)
    answers = [api.query(UNKNOWN_TASK) for _ in range(60)]

    assert {response.status_code for response in answers} == {500, 502, 503, 504}
    by_status = {
        fault: next(r for r in answers if r.status_code == refusal.status)
        for fault, refusal in REFUSALS.items()
        if refusal.status >= 500
    }
    for fault, response in by_status.items():
        assert_fault_answer(response, fault, 3)  # 503 with Retry-After, the others without


def test_a_task_failure_rate_of_one_fails_every_task(make_api: MakeApi, clock: FakeClock) -> None:
    api = make_api(faults=FaultRates(task_failure=1.0))
    tasks = [api.accepted(SPEC) for _ in range(5)]
    clock.advance(60)
    for task_id in tasks:
        assert_refused(api.query(task_id), 422, "ERROR_NO_FACE_IN_FILE")


def test_a_slow_rate_of_one_delays_every_answer(make_api: MakeApi, clock: FakeClock) -> None:
    api = make_api(faults=FaultRates(slow=1.0), slow_seconds=0.5)
    task_id = api.accepted(SPEC)
    for _ in range(4):
        api.query(task_id)
    assert clock.slept == [0.5] * 5


def test_rates_of_zero_inject_nothing(make_api: MakeApi, clock: FakeClock) -> None:
    api = make_api(faults=FaultRates())
    tasks = [api.accepted(SPEC) for _ in range(20)]
    clock.advance(60)
    assert all(api.query(task_id).status_code == 200 for task_id in tasks)
    assert clock.slept == []
    assert sum(api.stats()["faults_injected"].values()) == 0


def refusals(make_api: MakeApi, seed: int, rate: float, requests: int = 200) -> list[int]:
    api = make_api(faults=FaultRates(rate_limit=rate), seed=seed)
    return [api.query(UNKNOWN_TASK).status_code for _ in range(requests)]


def test_a_seeded_rate_refuses_about_that_share_reproducibly(make_api: MakeApi) -> None:
    statuses = refusals(make_api, seed=2024, rate=0.3)
    refused = statuses.count(429)

    assert 30 <= refused <= 90
    assert set(statuses) == {404, 429}
    assert refusals(make_api, seed=2024, rate=0.3) == statuses
    assert refusals(make_api, seed=2025, rate=0.3) != statuses


@pytest.mark.parametrize(
    "rates",
    [
        {"rate_limit": 1.5},
        {"server_error": -0.1},
        {"slow": float("nan")},
        {"task_failure": True},
        {"rate_limit": "0.5"},
    ],
)
def test_a_rate_outside_zero_to_one_is_refused(rates: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=next(iter(rates))):
        FaultRates(**rates)


# ---------------------------------------------------------------- the wrapper against faults


def wrapper_client(api: Api, clock: FakeClock) -> ailab.Client:
    """The real wrapper, in-process against ``api``; its sleeps move the sandbox's clock."""
    return ailab.Client(
        api_key=API_KEY,
        base_url=BASE_URL,
        http_client=api.http,
        retry_policy=TINY_RETRIES,
        poll_interval=0.5,
        sleep=clock.client_sleep,
        clock=clock,
    )


def test_the_wrapper_retries_a_rate_limited_submit_after_retry_after(
    make_api: MakeApi, clock: FakeClock
) -> None:
    api = make_api(retry_after=7)
    api.inject(fault="rate_limit", target="submit")
    start = clock.now
    with wrapper_client(api, clock) as client:
        content = client.waist_slimming(make_image()).download()

    assert content[:4] == b"\x89PNG"
    stats = api.stats()
    assert (stats["submits"], stats["accepted"]) == (2, 1)
    assert stats["faults_injected"]["rate_limit"] == 1
    assert clock.now - start >= 7  # it waited as told before resubmitting
    assert stats["downloads_with_key"] == 0


def test_the_wrapper_reports_a_failed_task_with_its_code(
    make_api: MakeApi, clock: FakeClock
) -> None:
    api = make_api()
    api.inject(fault="task_failure")
    with wrapper_client(api, clock) as client, pytest.raises(ailab.TaskFailedError) as failed:
        client.waist_slimming(make_image())

    assert failed.value.code == "ERROR_NO_FACE_IN_FILE"
    assert failed.value.task_id
    assert api.stats()["accepted"] == 1


def test_the_wrapper_does_not_retry_a_lack_of_credits(make_api: MakeApi, clock: FakeClock) -> None:
    api = make_api()
    api.inject(fault="no_credits", target="submit")
    with (
        wrapper_client(api, clock) as client,
        pytest.raises(ailab.InsufficientCreditsError) as refused,
    ):
        client.smart_beauty(make_image())

    assert refused.value.code == "ERROR_NOT_ENOUGH_CREDITS"
    assert api.stats()["submits"] == 1


def test_the_wrapper_rides_out_query_faults(make_api: MakeApi, clock: FakeClock) -> None:
    api = make_api()
    api.inject(fault="unavailable", target="query", count=2)
    api.inject(fault="slow", target="query")
    with wrapper_client(api, clock) as client:
        content = client.face_beauty_pro(make_image(), whitening=80).download()

    assert content[:4] == b"\x89PNG"
    assert api.stats()["faults_injected"]["unavailable"] == 2
    assert clock.slept == [api.config.slow_seconds]


def test_the_async_wrapper_retries_a_server_error_on_query(
    make_api: MakeApi, clock: FakeClock
) -> None:
    api = make_api()
    api.inject(fault="bad_gateway", target="query")

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    async def run() -> bytes:
        transport = httpx.ASGITransport(app=api.app)
        async with (
            httpx.AsyncClient(transport=transport) as http,
            ailab.AsyncClient(
                api_key=API_KEY,
                base_url=BASE_URL,
                http_client=http,
                retry_policy=TINY_RETRIES,
                poll_interval=0.5,
                sleep=sleep,
                clock=clock,
            ) as client,
        ):
            result = await client.smart_skin_advanced(make_image(), acne_removal=True)
            return await result.download()

    assert asyncio.run(run())[:4] == b"\x89PNG"
    assert api.stats()["faults_injected"]["bad_gateway"] == 1
