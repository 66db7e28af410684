"""Invalid inputs sent raw are rejected by Prism with the documented error envelope.

The cases are derived from the spec: every range gets an out-of-range value, every enum a
value outside it, every required file is left out. So the constraints we declare are proven
real, and a new operation is covered without editing this file.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from contract_tests.conftest import API_KEY
from contract_tests.images import png_bytes
from contract_tests.spec_model import SubmitOperation, first_media_type, load_spec, valid_value

SPEC = load_spec()
KINDS = ("out-of-range", "bad-enum", "missing-file")


ENVELOPE = "#/components/schemas/PublicResponseFields"


def _invalid_cases(operation: SubmitOperation) -> list[tuple[str, str, Any]]:
    cases: list[tuple[str, str, Any]] = []
    for name, prop in operation.properties.items():
        if "maximum" in prop:
            cases.append(("out-of-range", name, prop["maximum"] + 1))
        if "minimum" in prop:
            cases.append(("out-of-range", name, prop["minimum"] - 1))
        if "enum" in prop:
            bad = max(prop["enum"]) + 1 if prop.get("type") == "integer" else "not-an-option"
            cases.append(("bad-enum", name, bad))
    for name in operation.file_fields():
        if name in operation.required:
            cases.append(("missing-file", name, None))
    return cases


CASES = [
    pytest.param(op, kind, field, value, id=f"{op.operation_id}-{kind}-{field}")
    for op in SPEC.submit_operations()
    for kind, field, value in _invalid_cases(op)
]


def _request_parts(
    operation: SubmitOperation, field: str, value: Any
) -> tuple[dict[str, str], dict[str, tuple[str, bytes, str]]]:
    data = {
        name: str(valid_value(prop))
        for name, prop in operation.properties.items()
        if prop.get("format") != "binary"
    }
    files = {
        name: (f"{name}.png", png_bytes(), first_media_type(operation.encoding, name))
        for name in operation.file_fields()
    }
    if value is None:
        files.pop(field)
    else:
        data[field] = str(value)
    return data, files


def _multipart(data: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """Encode a multipart/form-data body, also when it has no part at all.

    (httpx falls back to a urlencoded or empty body when there are no files, which would
    test the content type instead of the missing file.)
    """
    boundary = "contract-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in data.items()
    ]
    for name, (filename, payload, media_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {media_type}\r\n\r\n'
        )
        parts.append(head.encode() + payload + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_every_kind_of_invalid_input_is_exercised() -> None:
    kinds = {param.values[1] for param in CASES}
    assert kinds == set(KINDS)
    covered = {param.values[0].operation_id for param in CASES}  # type: ignore[union-attr]
    assert covered == {op.operation_id for op in SPEC.submit_operations()}


@pytest.mark.parametrize(("operation", "kind", "field", "value"), CASES)
def test_invalid_input_is_rejected_with_the_envelope(
    prism_url: str, operation: SubmitOperation, kind: str, field: str, value: Any
) -> None:
    data, files = _request_parts(operation, field, value)
    content, content_type = _multipart(data, files)
    response = httpx.post(
        prism_url + operation.path,
        content=content,
        headers={"ailabapi-api-key": API_KEY, "content-type": content_type},
        timeout=10,
    )
    documented = SPEC.document["paths"][operation.path]["post"]["responses"]
    assert 400 <= response.status_code < 500, (kind, response.status_code, response.text)
    assert str(response.status_code) in documented
    body = response.json()
    assert SPEC.validation_errors(body, ENVELOPE) == []
    assert body["error_detail"]["code"]
    violations = json.loads(response.headers["sl-violations"])
    assert any(field in json.dumps(v["location"]) or field in v["message"] for v in violations)


def test_missing_api_key_is_rejected_with_the_envelope(prism_url: str) -> None:
    response = httpx.get(
        prism_url + "/api/common/query-async-task-result", params={"task_id": "t"}, timeout=10
    )
    assert response.status_code == 401
    body = response.json()
    assert SPEC.validation_errors(body, ENVELOPE) == []
    assert body["error_detail"]["code"] in {
        "ERROR_APPLICATIONS_NOT_EXISTS",
        "ERROR_USER_NOT_EXISTS",
    }


def test_empty_task_id_is_rejected(prism_url: str) -> None:
    response = httpx.get(
        prism_url + "/api/common/query-async-task-result",
        params={"task_id": ""},
        headers={"ailabapi-api-key": API_KEY},
        timeout=10,
    )
    assert 400 <= response.status_code < 500
    assert SPEC.validation_errors(response.json(), ENVELOPE) == []
