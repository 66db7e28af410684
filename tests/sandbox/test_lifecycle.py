"""A task's life on the sandbox's clock: queued, processing, completed; results and expiry."""

from __future__ import annotations

import re

import pytest
from ailab.operations import OPERATIONS, QUERY
from ailab.specs import OperationSpec

from tests.sandbox.conftest import (
    API_KEY,
    Api,
    FakeClock,
    MakeApi,
    assert_refused,
    decode,
    make_image,
    operation_ids,
    pixels_differ,
    result_urls,
    valid_form,
)

TICK = 0.001


def completed(api: Api, clock: FakeClock, task_id: str) -> dict[str, object]:
    """Move the clock to the task's completion and return the completed answer."""
    clock.advance(api.config.queued_seconds + api.config.processing_seconds)
    response = api.query(task_id)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    assert body["task_status"] == 2
    return body


@pytest.mark.parametrize("spec", OPERATIONS.values(), ids=operation_ids)
def test_a_task_is_queued_then_processing_then_completed(
    api: Api, clock: FakeClock, spec: OperationSpec
) -> None:
    queued, processing = api.config.queued_seconds, api.config.processing_seconds
    task_id = api.accepted(spec)
    steps = [
        (0.0, 0),
        (queued - TICK, 0),
        (TICK, 1),  # exactly queued_seconds after the submit
        (processing - TICK, 1),
        (TICK, 2),  # exactly queued_seconds + processing_seconds after the submit
    ]
    for seconds, status in steps:
        clock.advance(seconds)
        body = api.query(task_id).json()
        assert body["task_status"] == status, (seconds, body)
        if status < 2:
            assert spec.url_path[0] not in body
    urls = result_urls(body, spec)
    assert len(urls) == 1
    assert urls[0].startswith("http://sandbox.test/")


@pytest.mark.parametrize(
    ("spec", "media_type"),
    [
        pytest.param(spec, media_type, id=f"{spec.name}-{media_type.split('/')[1]}")
        for spec in OPERATIONS.values()
        for media_type in spec.images[0].media_types
    ],
)
def test_the_result_is_a_changed_image_of_the_input_size(
    api: Api, clock: FakeClock, spec: OperationSpec, media_type: str
) -> None:
    form = valid_form(spec, media_type)
    primary = form[spec.images[0].name]
    assert isinstance(primary, bytes)
    [url] = result_urls(completed(api, clock, api.accepted(spec, form)), spec)

    download = api.download(url)

    assert download.status_code == 200
    expected = "image/jpeg" if media_type == "image/jpeg" else "image/png"
    assert download.headers["content-type"] == expected
    assert url.endswith(".jpg" if expected == "image/jpeg" else ".png")
    result = decode(download.content)
    assert result.format == expected.split("/")[1].upper()
    assert result.size == decode(primary).size
    assert pixels_differ(primary, download.content)


def test_a_list_result_path_gives_a_list_of_urls(api: Api, clock: FakeClock) -> None:
    listed = [spec for spec in OPERATIONS.values() if "*" in spec.url_path]
    assert listed, "the spec has an operation with several result URLs (smart_skin_advanced)"
    for spec in listed:
        body = completed(api, clock, api.accepted(spec))
        container: object = body
        for step in spec.url_path[:-1]:
            assert isinstance(container, dict)
            container = container[step]
        assert isinstance(container, list)
        assert len(container) >= 1


def test_the_result_is_rendered_once_and_answered_the_same_way(api: Api, clock: FakeClock) -> None:
    spec = OPERATIONS["face_beauty_pro"]
    task_id = api.accepted(spec)
    first = result_urls(completed(api, clock, task_id), spec)
    clock.advance(100)
    again = result_urls(api.query(task_id).json(), spec)
    assert again == first
    assert api.download(first[0]).content == api.download(again[0]).content


def test_each_submit_gets_its_own_task_id_shaped_like_the_apis(api: Api) -> None:
    spec = next(iter(OPERATIONS.values()))
    ids = {api.accepted(spec) for _ in range(5)}
    assert len(ids) == 5
    assert all(re.fullmatch(r"[0-9]+x[0-9a-f]{12}", task_id) for task_id in ids)
    stats = api.stats()
    assert (stats["submits"], stats["accepted"], stats["tasks"]) == (5, 5, 5)


def test_a_result_url_expires_result_ttl_after_completion(
    make_api: MakeApi, clock: FakeClock
) -> None:
    api = make_api(result_ttl=60.0)
    spec = OPERATIONS["waist_slimming"]
    task_id = api.accepted(spec)
    clock.advance(api.config.queued_seconds + api.config.processing_seconds + 30)
    # Asked for late: the link still counts from completion, not from this first query.
    [url] = result_urls(api.query(task_id).json(), spec)
    clock.advance(30 - TICK)
    assert api.download(url).status_code == 200

    clock.advance(TICK)
    expired = api.download(url)

    assert expired.status_code == 403
    assert "expired" in expired.text
    assert api.stats()["expired_downloads"] == 1
    # The task itself can still be queried; its (expired) link is answered again.
    assert result_urls(api.query(task_id).json(), spec) == [url]


def test_an_unknown_result_token_is_404(api: Api, clock: FakeClock) -> None:
    spec = OPERATIONS["waist_slimming"]
    [url] = result_urls(completed(api, clock, api.accepted(spec)), spec)
    token_start = url.rindex("/") + 1
    forged = url[:token_start] + "A" * 22 + ".png"
    assert forged != url
    assert api.download(forged).status_code == 404
    assert api.download(url).status_code == 200


def test_a_task_is_forgotten_after_retention(make_api: MakeApi, clock: FakeClock) -> None:
    api = make_api(retention_seconds=100.0)
    task_id = api.accepted(OPERATIONS["smart_beauty"])
    clock.advance(100 - TICK)
    assert api.query(task_id).json()["task_status"] == 2

    clock.advance(TICK)

    assert_refused(api.query(task_id), 404, "ERROR_TASK_NOT_EXISTS")
    assert api.stats()["tasks"] == 0


def test_an_unknown_task_is_404_and_a_missing_task_id_is_400(api: Api) -> None:
    assert_refused(api.query("1700000000000x0123456789ab"), 404, "ERROR_TASK_NOT_EXISTS")
    assert_refused(api.query(""), 400, "MISSING_PARAMETERS")
    assert_refused(
        api.http.get(QUERY.path, headers=api.headers(API_KEY)), 400, "MISSING_PARAMETERS"
    )


def test_downloads_need_no_key_and_are_counted(api: Api, clock: FakeClock) -> None:
    spec = OPERATIONS["smart_skin_advanced"]
    [url] = result_urls(completed(api, clock, api.accepted(spec)), spec)

    without = api.download(url)
    with_key = api.download(url, key=API_KEY)
    with_wrong_key = api.download(url, key="not-the-key")

    assert [r.status_code for r in (without, with_key, with_wrong_key)] == [200, 200, 200]
    assert without.content == with_key.content
    stats = api.stats()
    assert (stats["downloads"], stats["downloads_with_key"]) == (3, 2)
    assert stats["unauthorized"] == 0


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_an_unknown_path_is_404_with_the_envelope(api: Api, method: str) -> None:
    for key in (API_KEY, None):
        response = api.http.request(method, "/api/portrait/no-such-thing", headers=api.headers(key))
        assert_refused(response, 404, "ERROR_AI_NOT_EXISTS")
        assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("spec", OPERATIONS.values(), ids=operation_ids)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_a_wrong_method_on_an_operation_is_405_with_allow(
    api: Api, spec: OperationSpec, method: str
) -> None:
    response = api.http.request(method, spec.path, headers=api.headers(API_KEY))
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert "error_detail" in response.json()
    assert api.stats()["submits"] == 0


def test_a_post_to_the_query_is_405_allowing_get(api: Api) -> None:
    response = api.http.post(QUERY.path, headers=api.headers(API_KEY))
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"  # as the spec documents it (no HEAD)
    assert api.stats()["queries"] == 0


def test_a_fresh_image_is_accepted_at_any_time(api: Api, clock: FakeClock) -> None:
    # Submissions interleave with older tasks' progress: each keeps its own age.
    spec = OPERATIONS["waist_slimming"]
    first = api.accepted(spec)
    clock.advance(api.config.queued_seconds)
    second = api.accepted(spec, {"image": make_image(32, 32)})
    assert api.query(first).json()["task_status"] == 1
    assert api.query(second).json()["task_status"] == 0


def test_a_result_url_lives_result_ttl_whatever_other_requests_happen(
    make_api: MakeApi, clock: FakeClock
) -> None:
    # README: result files "stop working --result-ttl seconds after completion".
    api = make_api(retention_seconds=10.0, result_ttl=100.0)
    spec = OPERATIONS["waist_slimming"]
    [url] = result_urls(completed(api, clock, api.accepted(spec)), spec)
    clock.advance(50)
    alone = api.download(url).status_code
    api.query("1700000000000x0123456789ab")  # an unrelated request in between
    after_another_request = api.download(url).status_code
    assert (alone, after_another_request) == (200, 200)
