"""The generated client calls every operation against Prism and gets parsed success models."""

from __future__ import annotations

import asyncio

import pytest
from ailab_api.models import AsyncTaskPending, AsyncTaskPendingTaskStatus, TaskSubmitted

from contract_tests.conftest import API_KEY
from contract_tests.generated import make_client, operation_module, valid_body
from contract_tests.spec_model import Spec, SubmitOperation, load_spec

SUBMITS = load_spec().submit_operations()


@pytest.mark.parametrize("operation", SUBMITS, ids=lambda op: op.operation_id)
def test_submit_returns_task_submitted(prism_url: str, operation: SubmitOperation) -> None:
    for name in operation.file_fields():
        # The test images are PNGs: every operation must accept them.
        assert "image/png" in operation.encoding[name]["contentType"]
    with make_client(prism_url, API_KEY) as client:
        response = operation_module(operation.operation_id).sync_detailed(
            client=client, body=valid_body(operation)
        )
    assert response.status_code == 200, response.content
    assert isinstance(response.parsed, TaskSubmitted)
    assert response.parsed.task_id


@pytest.mark.parametrize("operation", SUBMITS, ids=lambda op: op.operation_id)
def test_submit_async_variant(prism_url: str, operation: SubmitOperation) -> None:
    async def submit() -> object:
        async with make_client(prism_url, API_KEY) as client:
            module = operation_module(operation.operation_id)
            return await module.asyncio(client=client, body=valid_body(operation))

    parsed = asyncio.run(submit())
    assert isinstance(parsed, TaskSubmitted)


def test_query_returns_pending_task_by_default(prism_url: str) -> None:
    with make_client(prism_url, API_KEY) as client:
        response = operation_module("query_async_task_result").sync_detailed(
            client=client, task_id="1731573929541x28ff9c43d5b3"
        )
    assert response.status_code == 200
    assert isinstance(response.parsed, AsyncTaskPending)
    assert response.parsed.task_status is AsyncTaskPendingTaskStatus.QUEUED


def test_every_operation_is_covered(spec: Spec) -> None:
    ids = {op.operation_id for op in spec.submit_operations()}
    assert ids == {
        "waist_slimming",
        "smart_beauty",
        "face_beauty_pro",
        "try_on_clothes_refiner",
        "smart_skin_advanced",
    }
