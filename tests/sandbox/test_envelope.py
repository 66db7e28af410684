"""Answers use the documented envelope (newer, older or both) and the documented error codes.

The expectations come from the merged spec itself (openapi/ailabtools.yaml): its schemas for
the bodies, and the examples of its error responses for each code's HTTP status and text.
"""

from __future__ import annotations

import functools
from typing import Any

import httpx
import pytest
from ailab.operations import OPERATIONS
from ailab.sandbox import Fault
from ailab.specs import OperationSpec

from contract_tests.spec_model import Spec, load_spec
from tests.sandbox.conftest import (
    API_KEY,
    Api,
    FakeClock,
    MakeApi,
    make_image,
    operation_ids,
    padded,
    result_urls,
)

ENVELOPE = "#/components/schemas/PublicResponseFields"
SUBMITTED = "#/components/schemas/TaskSubmitted"
PENDING = "#/components/schemas/AsyncTaskPending"
OLDER_ONLY = ("error_code", "error_code_str", "error_msg")
SANDBOX_ONLY_CODES = {"ERROR_TASK_NOT_EXISTS"}
"""The API documents a 404 for an unknown task but no code; the sandbox names it."""


@functools.cache
def spec() -> Spec:
    return load_spec()


@functools.cache
def documented_codes() -> dict[str, tuple[int, str]]:
    """code -> (HTTP status, code_message), from the spec's error response examples."""
    statuses: dict[str, int] = {}
    for item in spec().document["paths"].values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if "$ref" in response and status.isdigit():
                    statuses[response["$ref"].rsplit("/", 1)[1]] = int(status)
    codes: dict[str, tuple[int, str]] = {}
    for name, response in spec().document["components"]["responses"].items():
        examples = response["content"]["application/json"].get("examples", {})
        for example in examples.values():
            detail = example["value"].get("error_detail", {})
            if detail.get("code"):
                codes[detail["code"]] = (statuses[name], detail["code_message"])
    return codes


def result_schema(operation: OperationSpec) -> str:
    name = spec().document["paths"][operation.path]["post"]["x-result"]["schema"]
    return f"#/components/schemas/{name}"


def is_older(body: dict[str, Any]) -> bool:
    return "error_code" in body


def failures_of_every_sort(api: Api, clock: FakeClock) -> list[httpx.Response]:
    """One failure answer of each code the sandbox can give (faults included)."""
    face = OPERATIONS["face_beauty_pro"]
    answers = [
        api.submit(face, {"image": make_image(), "task_type": "sync"}),
        api.submit(face, {"task_type": "async"}),
        api.submit(face, {"image": make_image(), "task_type": ""}),
        api.submit(face, key="wrong"),
        api.http.get("/api/nothing-here", headers=api.headers(API_KEY)),
        api.query("1700000000000x0123456789ab"),
        api.submit(face, {"image": make_image(5000, 1, plain=True), "task_type": "async"}),
        api.submit(face, {"image": make_image(64, 64, "image/gif"), "task_type": "async"}),
        api.submit(face, {"image": b"garbage" * 10, "task_type": "async"}),
        api.submit(
            face,
            {"image": padded(make_image(), face.images[0].max_bytes + 1), "task_type": "async"},
        ),
    ]
    for fault in Fault:
        if fault not in (Fault.TASK_FAILURE, Fault.SLOW):
            api.inject(fault=fault.value, target="query")
            answers.append(api.query("any"))
    api.inject(fault="task_failure")
    task_id = api.accepted(face)
    clock.advance(60)
    answers.append(api.query(task_id))
    return answers


def test_the_documented_codes_are_read_from_the_spec() -> None:
    codes = documented_codes()
    assert codes["ERROR_NO_FACE_IN_FILE"] == (422, "No face detected in the file.")
    assert codes["EXCEEDING_LIMITS"] == (429, "Exceeding limits.")
    assert len(codes) > 15


@pytest.mark.parametrize("envelope", ["newer", "older", "both"])
def test_failures_use_the_documented_codes(
    make_api: MakeApi, clock: FakeClock, envelope: str
) -> None:
    api = make_api(envelope=envelope)
    answers = failures_of_every_sort(api, clock)

    seen = set()
    for response in answers:
        body = response.json()
        code = body["error_detail"]["code"]
        seen.add(code)
        assert spec().validation_errors(body, ENVELOPE) == [], body
        assert body["error_detail"]["message"]
        if code in SANDBOX_ONLY_CODES:
            assert response.status_code == 404
            continue
        assert code in documented_codes(), code
        status, code_message = documented_codes()[code]
        assert (response.status_code, body["error_detail"]["code_message"]) == (
            status,
            code_message,
        ), body
    assert len(seen) == len(answers)  # one of each sort


@pytest.mark.parametrize("spec_", OPERATIONS.values(), ids=operation_ids)
def test_the_newer_envelope_has_error_detail_and_no_older_field(
    make_api: MakeApi, clock: FakeClock, spec_: OperationSpec
) -> None:
    api = make_api(envelope="newer")
    submitted = api.submit(spec_)
    pending = api.query(submitted.json()["task_id"])
    clock.advance(60)
    done = api.query(submitted.json()["task_id"])
    failed = api.submit(spec_, {})

    for response, schema in [
        (submitted, SUBMITTED),
        (pending, PENDING),
        (done, result_schema(spec_)),
        (failed, ENVELOPE),
    ]:
        body = response.json()
        assert spec().validation_errors(body, schema) == [], body
        assert not any(field in body for field in OLDER_ONLY), body
        assert "status_code" not in body["error_detail"]
        assert body["request_id"]
        assert body["log_id"]
    success = submitted.json()["error_detail"]
    assert success == {"code": "", "code_message": "", "message": ""}


@pytest.mark.parametrize("spec_", OPERATIONS.values(), ids=operation_ids)
def test_the_older_envelope_adds_error_code_and_status_code(
    make_api: MakeApi, clock: FakeClock, spec_: OperationSpec
) -> None:
    api = make_api(envelope="older")
    submitted = api.submit(spec_)
    pending = api.query(submitted.json()["task_id"])
    clock.advance(60)
    done = api.query(submitted.json()["task_id"])

    for response, schema in [
        (submitted, SUBMITTED),
        (pending, PENDING),
        (done, result_schema(spec_)),
    ]:
        body = response.json()
        assert spec().validation_errors(body, schema) == [], body
        assert (body["error_code"], body["error_code_str"], body["error_msg"]) == (0, "", "")
        assert body["error_detail"]["status_code"] == 200

    for response in failures_of_every_sort(api, clock):
        body = response.json()
        detail = body["error_detail"]
        assert body["error_code"] == response.status_code == detail["status_code"]
        assert body["error_code_str"] == detail["code"]
        assert body["error_msg"] == detail["code_message"]


def test_both_envelopes_appear_with_a_seed_and_the_seed_repeats_them(make_api: MakeApi) -> None:
    def generations(seed: int) -> list[bool]:
        api = make_api(envelope="both", seed=seed)
        task_id = api.accepted(OPERATIONS["waist_slimming"])
        return [is_older(api.query(task_id).json()) for _ in range(40)]

    first = generations(11)
    assert 5 <= first.count(True) <= 35
    assert generations(11) == first
    assert generations(12) != first


def test_each_answer_is_one_generation_or_the_other(make_api: MakeApi, clock: FakeClock) -> None:
    api = make_api(envelope="both", seed=5)
    for response in failures_of_every_sort(api, clock):
        body = response.json()
        older = is_older(body)
        assert all((field in body) == older for field in OLDER_ONLY), body
        assert ("status_code" in body["error_detail"]) == older


# ---------------------------------------------------------------- break_contract


@pytest.mark.parametrize("spec_", OPERATIONS.values(), ids=operation_ids)
@pytest.mark.parametrize("envelope", ["newer", "older"])
def test_break_contract_drops_error_detail_from_completed_answers(
    make_api: MakeApi, clock: FakeClock, envelope: str, spec_: OperationSpec
) -> None:
    # README and SandboxConfig: "completed tasks are answered without the required
    # error_detail"; every other answer keeps to the spec.
    api = make_api(envelope=envelope, break_contract=True)
    submitted = api.submit(spec_)
    pending = api.query(submitted.json()["task_id"])
    clock.advance(60)
    done = api.query(submitted.json()["task_id"])

    assert done.status_code == 200
    body = done.json()
    assert "error_detail" not in body
    assert body["task_status"] == 2
    assert result_urls(body, spec_)
    assert spec().validation_errors(body, result_schema(spec_)) != []

    for response, schema in [(submitted, SUBMITTED), (pending, PENDING)]:
        assert response.status_code == 200
        assert spec().validation_errors(response.json(), schema) == []
    for response in failures_of_every_sort(api, clock):
        assert response.status_code >= 400
        assert spec().validation_errors(response.json(), ENVELOPE) == [], response.text


def test_a_wrong_method_answers_a_documented_code_message(api: Api) -> None:
    response = api.http.get(OPERATIONS["waist_slimming"].path, headers=api.headers(API_KEY))
    assert response.status_code == 405
    detail = response.json()["error_detail"]
    assert detail["code_message"] == documented_codes()[detail["code"]][1]
