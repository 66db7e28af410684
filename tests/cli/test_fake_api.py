"""The fake API against the real wrapper: every operation, every outcome, holds and counts."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import ailab
import httpx
import pytest
from ailab.operations import API_KEY_HEADER, OPERATIONS, QUERY
from ailab.specs import OperationSpec

from contract_tests.spec_model import Spec, load_spec
from tests.cli.conftest import client_for
from tests.cli.fake_api import FakeApi, Submit, digest, make_image, result_png

TASK_ID = re.compile(r"[0-9]{13}x[0-9a-f]{12}")


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec()


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=2) as executor:
        yield executor


def arguments(operation: OperationSpec, seed: int = 0) -> dict[str, Any]:
    """Valid Python arguments of ``operation``: required images (at their minimum size) and
    required parameters; each image differs from the others and from other seeds."""
    values: dict[str, Any] = {}
    for number, image in enumerate(operation.images):
        if image.required:
            side = max(image.min_width, image.min_height, 16)
            values[image.label] = make_image(side, side, seed=seed * 10 + number)
    for param in operation.params:
        if param.required:
            values[param.name] = param.choices[0]
    return values


def form(operation: OperationSpec, seed: int = 0) -> dict[str, Any]:
    """The same submit as raw multipart arguments for httpx (files=, data=)."""
    values = arguments(operation, seed)
    files = {
        image.name: (f"{image.name}.png", values[image.label], "image/png")
        for image in operation.images
        if image.required
    }
    data = {
        **operation.constants,
        **{p.name: values[p.name] for p in operation.params if p.required},
    }
    return {"files": files, "data": data}


# ---------------------------------------------------------------- every operation


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_every_operation_round_trips_through_the_wrapper(
    name: str,
    fake_api: FakeApi,
    client: ailab.Client,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    operation = OPERATIONS[name]
    values = arguments(operation)
    with caplog.at_level(logging.WARNING, logger="ailab"):
        result = getattr(client, name)(**values)
        saved = result.save(tmp_path / "x.png")
    assert caplog.records == []  # e.g. no "does not match the model" warning
    assert result.model is not None
    assert isinstance(result.model, operation.result_model)
    count = 2 if operation.url_path[-1] == "*" else 1
    assert result.urls == [
        f"{fake_api.url}/results/{result.task_id}/{index}.png" for index in range(count)
    ]
    assert saved.read_bytes() == result_png(result.task_id, 0)
    assert saved.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

    (submit,) = fake_api.submits
    assert (submit.operation, submit.task_id) == (name, result.task_id)
    assert TASK_ID.fullmatch(submit.task_id)
    for image in operation.images:
        if image.required:
            assert submit.files[image.name] == values[image.label]  # byte for byte
            assert submit.filenames[image.name] == f"{image.name}.png"  # not the caller's name
            assert submit.content_types[image.name] == "image/png"
    assert operation.constants.items() <= submit.fields.items()
    for param in operation.params:
        if param.required:
            assert submit.fields[param.name] == values[param.name]
    first = values[operation.images[0].label]
    assert (submit.image, submit.digest) == (first, digest(first))
    assert fake_api.submits_per_file() == {digest(first): 1}
    assert fake_api.queries == fake_api.polls_until_done + 1
    assert (fake_api.downloads, fake_api.downloads_with_key) == (1, 0)
    assert (fake_api.rejected, fake_api.dropped, fake_api.invalid) == ([], [], [])
    assert fake_api.unauthorized == 0


def test_status_sequence_and_a_list_of_results(fake_api: FakeApi, client: ailab.Client) -> None:
    seen: list[str] = []
    result = client.smart_skin_advanced(make_image(), on_status=lambda c: seen.append(c.status))
    assert seen == ["queued", "processing", "completed"]
    assert [result.download(index) for index in (0, 1)] == [
        result_png(result.task_id, 0),
        result_png(result.task_id, 1),
    ]
    assert result_png(result.task_id, 0) != result_png(result.task_id, 1)
    assert (fake_api.downloads, fake_api.downloads_with_key) == (2, 0)


def test_polls_until_done_zero_completes_on_the_first_query(http: httpx.Client) -> None:
    with FakeApi(polls_until_done=0) as fake, client_for(fake, http) as client:
        client.waist_slimming(make_image())
        assert fake.queries == 1


@pytest.mark.parametrize("legacy", [False, True], ids=["newer", "older"])
def test_answers_match_the_spec(spec: Spec, legacy: bool, http: httpx.Client) -> None:
    def fail_seed_one(submit: Submit) -> str | None:
        return "fail" if submit.image == make_image(seed=1) else None

    with FakeApi(legacy_envelope=legacy, decide=fail_seed_one) as fake:
        key = {API_KEY_HEADER: fake.api_key}
        query = fake.url + QUERY.path
        for operation in OPERATIONS.values():
            submitted = http.post(fake.url + operation.path, headers=key, **form(operation))
            assert submitted.status_code == 200
            assert (
                spec.validation_errors(submitted.json(), "#/components/schemas/TaskSubmitted") == []
            )
            task_id = submitted.json()["task_id"]
            for status, schema in [
                (0, "AsyncTaskPending"),
                (1, "AsyncTaskPending"),
                (2, operation.result_model.__name__),
            ]:
                answer = http.get(query, headers=key, params={"task_id": task_id}).json()
                assert answer["task_status"] == status
                assert spec.validation_errors(answer, f"#/components/schemas/{schema}") == []
                assert spec.validation_errors(answer, "#/components/schemas/AsyncTaskResult") == []
        failing = http.post(
            fake.url + OPERATIONS["waist_slimming"].path,
            headers=key,
            files={"image": ("image.png", make_image(seed=1), "image/png")},
        )
        task_id = failing.json()["task_id"]
        answers = [http.get(query, headers=key, params={"task_id": task_id}) for _ in range(3)]
        assert [answer.status_code for answer in answers] == [200, 200, 200]
        assert answers[-1].json()["task_status"] in QUERY.failed
        assert answers[-1].json()["error_detail"]["code"] == "ERROR_NO_FACE_IN_FILE"
        assert (
            spec.validation_errors(answers[-1].json(), "#/components/schemas/PublicResponseFields")
            == []
        )
    assert fake.errors == []


def _example(spec: Spec, response: str, name: str) -> dict[str, Any]:
    content = spec.document["components"]["responses"][response]["content"]["application/json"]
    value: dict[str, Any] = dict(content["examples"][name]["value"])
    del value["request_id"], value["log_id"]
    return value


@pytest.mark.parametrize(
    ("outcome", "legacy", "response", "example"),
    [
        ("reject", True, "UnprocessableEntity", "ERROR_NO_FACE_IN_FILE"),
        ("credits", True, "TooManyRequests", "ERROR_NOT_ENOUGH_CREDITS"),
        (None, False, "Unauthorized", "ERROR_APPLICATIONS_NOT_EXISTS"),
    ],
)
def test_error_answers_are_the_spec_examples(
    spec: Spec, outcome: str | None, legacy: bool, response: str, example: str, http: httpx.Client
) -> None:
    operation = OPERATIONS["face_beauty_pro"]
    with FakeApi(legacy_envelope=legacy, decide=lambda _: outcome) as fake:
        key = fake.api_key if outcome else "wrong-key"
        answer = http.post(
            fake.url + operation.path, headers={API_KEY_HEADER: key}, **form(operation)
        )
        status = {"reject": 422, "credits": 429, None: 401}[outcome]
        assert answer.status_code == status
        body = answer.json()
        assert {"request_id", "log_id"} <= body.keys()
        del body["request_id"], body["log_id"]
        assert body == _example(spec, response, example)


# ---------------------------------------------------------------- outcomes seen by the wrapper


def test_wrong_or_missing_key_is_401_on_every_api_route(
    fake_api: FakeApi, http: httpx.Client
) -> None:
    with (
        client_for(fake_api, http, api_key="not-the-key") as wrong,
        pytest.raises(ailab.AuthenticationError) as caught,
    ):
        wrong.face_beauty_pro(make_image())
    assert caught.value.status_code == 401
    assert caught.value.code == "ERROR_APPLICATIONS_NOT_EXISTS"
    for operation in OPERATIONS.values():
        assert http.post(fake_api.url + operation.path, **form(operation)).status_code == 401
    assert http.get(fake_api.url + QUERY.path, params={"task_id": "x"}).status_code == 401
    assert fake_api.unauthorized == 1 + len(OPERATIONS) + 1
    assert (fake_api.submits, fake_api.queries) == ([], 0)


def test_reject_is_an_api_error_and_not_accepted(fake_api: FakeApi, client: ailab.Client) -> None:
    bad = make_image(seed=7)
    fake_api.decide = lambda submit: "reject" if submit.image == bad else None
    with pytest.raises(ailab.ApiError) as caught:
        client.face_beauty_pro(bad)
    assert (caught.value.status_code, caught.value.code) == (422, "ERROR_NO_FACE_IN_FILE")
    client.face_beauty_pro(make_image(seed=8))
    assert [submit.image for submit in fake_api.rejected] == [bad]
    assert fake_api.submits_per_file() == {digest(make_image(seed=8)): 1}


@pytest.mark.parametrize("legacy", [False, True], ids=["newer", "older"])
def test_fail_is_a_task_failure_after_an_accepted_submit(legacy: bool, http: httpx.Client) -> None:
    with (
        FakeApi(decide=lambda _: "fail", legacy_envelope=legacy) as fake,
        client_for(fake, http) as client,
    ):
        with pytest.raises(ailab.TaskFailedError) as caught:
            client.waist_slimming(make_image())
        (submit,) = fake.submits  # accepted, so charged
        assert caught.value.task_id == submit.task_id
        if legacy:  # the older envelope's error_code carries the reason to the wrapper
            assert caught.value.code == "ERROR_NO_FACE_IN_FILE"
        assert fake.queries == fake.polls_until_done + 1
        assert fake.downloads == 0
    assert fake.errors == []


def test_credits_is_insufficient_credits(fake_api: FakeApi, client: ailab.Client) -> None:
    fake_api.decide = lambda _: "credits"
    with pytest.raises(ailab.InsufficientCreditsError):
        client.smart_beauty(make_image())
    assert len(fake_api.rejected) == 1  # not retried
    assert fake_api.submits == []


def test_unknown_task_is_not_found(fake_api: FakeApi, client: ailab.Client) -> None:
    with pytest.raises(ailab.TaskNotFoundError) as caught:
        client.wait("1700000000000x0123456789ab", operation="waist_slimming")
    assert caught.value.status_code == 404
    assert fake_api.queries == 1


def test_missing_required_fields_are_400(fake_api: FakeApi, http: httpx.Client) -> None:
    operation = OPERATIONS["try_on_clothes_refiner"]
    request = form(operation)
    del request["data"]["gender"]
    url, key = fake_api.url + operation.path, {API_KEY_HEADER: fake_api.api_key}
    answer = http.post(url, headers=key, **request)
    assert answer.status_code == 400
    assert answer.json()["error_detail"]["code"] == "MISSING_PARAMETERS"
    assert http.post(url, headers=key, content=b"{}").status_code == 400
    assert len(fake_api.invalid) == 2
    assert fake_api.submits == []


def test_downloads_need_no_key_and_count_one_that_carried_it(
    fake_api: FakeApi, client: ailab.Client, http: httpx.Client
) -> None:
    result = client.waist_slimming(make_image())
    assert http.get(result.url, headers={API_KEY_HEADER: "leak"}).status_code == 200
    assert http.get(f"{fake_api.url}/results/{result.task_id}/1.png").status_code == 404
    assert http.get(f"{fake_api.url}/results/nope/0.png").status_code == 404
    assert (fake_api.downloads, fake_api.downloads_with_key) == (3, 1)


def test_decide_errors_are_recorded_not_raised(http: httpx.Client) -> None:
    def broken(submit: Submit) -> str | None:
        raise RuntimeError("bug in the test")

    with FakeApi(decide=broken) as fake, client_for(fake, http) as client:
        with pytest.raises(ailab.ServerError):
            client.waist_slimming(make_image())
        assert fake.errors == ["decide raised RuntimeError: bug in the test"]


def test_ids_are_unique_and_nothing_is_printed(
    capfd: pytest.CaptureFixture[str], http: httpx.Client
) -> None:
    ids: set[str] = set()
    for _ in range(2):
        with FakeApi() as fake, client_for(fake, http) as client:
            ids |= {client.waist_slimming.submit(make_image(seed=n)).task_id for n in range(3)}
            assert fake.api_key not in repr(fake)
            assert fake.api_key not in repr(fake.submits)
    assert len(ids) == 6
    assert all(TASK_ID.fullmatch(task_id) for task_id in ids)
    assert capfd.readouterr() == ("", "")


# ---------------------------------------------------------------- holding requests


def test_held_submit_released_without_accepting_is_dropped(
    fake_api: FakeApi, client: ailab.Client, pool: ThreadPoolExecutor
) -> None:
    image = make_image(seed=3)
    fake_api.hold_submits()
    future = pool.submit(client.face_beauty_pro.submit, image)
    assert fake_api.wait_held(timeout=10)
    assert (fake_api.held, fake_api.submits, future.done()) == (1, [], False)
    fake_api.release(accept=False)
    with pytest.raises(ailab.SubmissionUncertainError):
        future.result(timeout=10)
    assert [submit.image for submit in fake_api.dropped] == [image]
    # The hold is over: the next submit goes straight through.
    task = client.face_beauty_pro.submit(image)
    assert [submit.task_id for submit in fake_api.submits] == [task.task_id]
    assert fake_api.submits_per_file() == {digest(image): 1}


def test_hold_after_n_and_release_accepting(
    fake_api: FakeApi, client: ailab.Client, pool: ThreadPoolExecutor
) -> None:
    fake_api.hold_submits(after=1)
    first = client.waist_slimming.submit(make_image(seed=1))
    future = pool.submit(client.waist_slimming.submit, make_image(seed=2))
    assert fake_api.wait_held(timeout=10)
    assert [submit.task_id for submit in fake_api.submits] == [first.task_id]
    fake_api.release(accept=True)
    second = future.result(timeout=10)
    assert [submit.task_id for submit in fake_api.submits] == [first.task_id, second.task_id]
    assert fake_api.held == 0


def test_held_submit_accepted_after_its_client_died(fake_api: FakeApi) -> None:
    operation = OPERATIONS["waist_slimming"]
    body = form(operation, seed=5)
    request = httpx.Request(
        "POST", fake_api.url + operation.path, headers={API_KEY_HEADER: fake_api.api_key}, **body
    )
    head = f"POST {operation.path} HTTP/1.1\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in request.headers.items()
    )
    fake_api.hold_submits()
    port = int(fake_api.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(head.encode() + b"\r\n" + request.read())
        assert fake_api.wait_held(timeout=10)
    # The client is gone; the server still charges the submit it was processing.
    fake_api.release(accept=True)
    assert fake_api.wait_until(lambda: len(fake_api.submits) == 1, timeout=10)
    assert fake_api.submits[0].image == body["files"]["image"][1]
    assert fake_api.errors == []


def test_held_query_dropped_then_retried(
    fake_api: FakeApi, client: ailab.Client, pool: ThreadPoolExecutor
) -> None:
    fake_api.hold_queries(after=1)
    future = pool.submit(client.face_beauty_pro, make_image())
    assert fake_api.wait_held_queries(timeout=10)
    assert fake_api.queries == 2
    fake_api.release_queries(answer=False)
    result = future.result(timeout=10)  # the wrapper resends a query that got no answer
    assert result.url.endswith("/0.png")
    assert fake_api.queries == fake_api.polls_until_done + 2  # the dropped one used no poll


def test_stop_drops_held_requests(pool: ThreadPoolExecutor, http: httpx.Client) -> None:
    fake = FakeApi().start()
    with client_for(fake, http) as client:
        fake.hold_submits()
        future = pool.submit(client.waist_slimming.submit, make_image())
        assert fake.wait_held(timeout=10)
        fake.stop()
        with pytest.raises(ailab.SubmissionUncertainError):
            future.result(timeout=10)
    assert (len(fake.dropped), fake.submits) == (1, [])
    fake.stop()  # idempotent


def test_a_killed_subprocess_client_still_had_its_held_submit_accepted(
    fake_api: FakeApi, tmp_path: Path
) -> None:
    """The intended use: a program in a subprocess, configured by environment only."""
    image = tmp_path / "in.png"
    image.write_bytes(make_image(seed=9))
    program = "import sys, ailab; ailab.Client(poll_interval=0.01).waist_slimming(sys.argv[1])"
    fake_api.hold_submits()
    with subprocess.Popen(
        [sys.executable, "-c", program, str(image)],
        env={**os.environ, **fake_api.environ()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as process:
        try:
            assert fake_api.wait_held(timeout=20)
        finally:
            process.kill()
        assert process.wait(timeout=10) == -signal.SIGKILL
    fake_api.release(accept=True)
    assert fake_api.wait_until(lambda: len(fake_api.submits) == 1, timeout=10)
    assert fake_api.submits_per_file() == {digest(image.read_bytes()): 1}
    assert fake_api.queries == 0


def test_a_chunked_upload_is_read_whole(fake_api: FakeApi, http: httpx.Client) -> None:
    operation = OPERATIONS["smart_beauty"]
    body = form(operation, seed=4)
    request = httpx.Request("POST", fake_api.url + operation.path, **body)
    payload = request.read()
    answer = http.post(
        fake_api.url + operation.path,
        content=iter([payload[:100], payload[100:]]),  # no length: sent chunked
        headers={
            "content-type": request.headers["content-type"],
            API_KEY_HEADER: fake_api.api_key,
        },
    )
    assert answer.status_code == 200
    assert fake_api.submits[0].image == body["files"]["image_target"][1]
