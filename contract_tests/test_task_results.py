"""Every named example of the task-result endpoint parses into the right per-operation shape."""

from __future__ import annotations

from typing import Any

import jsonpath
import pytest
from ailab_api.models import AsyncTaskPending

from contract_tests.conftest import API_KEY
from contract_tests.generated import make_client, model, operation_module
from contract_tests.spec_model import load_spec

SPEC = load_spec()
EXAMPLES = SPEC.query_examples()
RESULT_BY_EXAMPLE = {op.result["example"]: op.result for op in SPEC.submit_operations()}
VARIANTS = [
    ref["$ref"].rsplit("/", 1)[-1]
    for ref in SPEC.document["components"]["schemas"]["AsyncTaskResult"]["oneOf"]
]


def _expected_class(example_name: str) -> type[Any]:
    if example_name in RESULT_BY_EXAMPLE:
        return model(RESULT_BY_EXAMPLE[example_name]["schema"])
    return AsyncTaskPending


def test_every_operation_has_a_completed_example() -> None:
    assert set(RESULT_BY_EXAMPLE) <= set(EXAMPLES)
    assert {"queued", "processing"} <= set(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_served_by_prism_parses_into_its_shape(prism_url: str, name: str) -> None:
    with make_client(prism_url, API_KEY, Prefer=f"example={name}") as client:
        response = operation_module("query_async_task_result").sync_detailed(
            client=client, task_id="task-1"
        )
    assert response.status_code == 200
    expected = _expected_class(name)
    assert type(response.parsed) is expected
    if name in RESULT_BY_EXAMPLE:
        # The URL(s) the wrapper will read are where x-result.urls says.
        urls = jsonpath.findall(RESULT_BY_EXAMPLE[name]["urls"], EXAMPLES[name]["value"])
        assert urls
        assert all(isinstance(url, str) and url.startswith("https://") for url in urls)
    else:
        assert response.parsed.task_status.value == EXAMPLES[name]["value"]["task_status"]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_matches_exactly_one_variant(name: str) -> None:
    """The variants are distinguishable: no example could be mistaken for another shape."""
    accepted = []
    for variant in VARIANTS:
        try:
            model(variant).from_dict(EXAMPLES[name]["value"])
        except (KeyError, ValueError, TypeError):
            continue
        accepted.append(variant)
    assert accepted == [_expected_class(name).__name__]
