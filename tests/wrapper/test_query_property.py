"""Property: whatever the task-result endpoint answers, the client returns or raises AilabError."""

from __future__ import annotations

import json
from typing import Any

import ailab
import httpx
from ailab.operations import OPERATIONS
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.wrapper.conftest import API_KEY, BASE_URL, FakeTime

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
url_like = (
    st.just("https://cdn.example/a.jpg")
    | st.just("http://cdn.example/b.png")
    | st.sampled_from(["ftp://x", "", "not a url"])
    | json_values
)
# Bodies shaped like real answers, with every field allowed to be wrong.
shaped = st.fixed_dictionaries(
    {},
    optional={
        "task_status": st.sampled_from([0, 1, 2, 3, 4, -1, "2", True, None]) | json_values,
        "error_code": st.sampled_from([0, 422, 500, "x", None]),
        "error_detail": json_values,
        "result_url": url_like,
        "data": st.fixed_dictionaries(
            {},
            optional={
                "image": url_like,
                "image_url": url_like,
                "result_urls": st.lists(url_like, max_size=3) | url_like,
            },
        )
        | json_values,
        "output": st.fixed_dictionaries({}, optional={"image_url": url_like}) | json_values,
    },
)


def _nest(path: tuple[str, ...], leaf: Any) -> Any:
    if not path:
        return leaf
    if path[0] == "*":
        return [_nest(path[1:], leaf)]
    return {path[0]: _nest(path[1:], leaf)}


# Completed answers of every operation (from the spec's URL paths), URLs sometimes wrong.
completed = st.builds(
    lambda spec, url, extra: {"task_status": 2, **extra, **_nest(spec.url_path, url)},
    st.sampled_from(list(OPERATIONS.values())),
    url_like,
    st.dictionaries(st.sampled_from(["request_id", "log_id", "error_detail"]), json_values),
)
bodies = (
    completed.map(lambda body: json.dumps(body).encode())
    | shaped.map(lambda body: json.dumps(body).encode())
    | json_values.map(lambda value: json.dumps(value).encode())
    | st.binary(max_size=40)
)
statuses = st.sampled_from([200] * 20 + [400, 401, 403, 404, 422, 429, 500, 502, 503, 504, 520])
operations = st.sampled_from([None, *OPERATIONS])


@settings(max_examples=300, deadline=None)
@given(status=statuses, body=bodies, operation=operations)
def test_any_query_answer_gives_a_result_or_an_ailab_error(
    status: int, body: bytes, operation: str | None
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    time = FakeTime()
    client = ailab.Client(
        api_key=API_KEY,
        base_url=BASE_URL,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        sleep=time.sleep,
        clock=time.clock,
        max_retries=1,
        wait_timeout=30,
    )
    try:
        result: Any = client.wait("task-1", operation=operation)
    except ailab.AilabError as error:
        event(type(error).__name__)
        return
    event("result")
    assert status == 200
    assert result.urls
    assert all(url.startswith(("http://", "https://")) for url in result.urls)
    assert operation is None or result.operation == operation
