"""Every operation end to end through the real wrapper (``ailab.Client``, ``ailab.AsyncClient``).

Over real HTTP against ``running_sandbox`` with no artificial delays, and in-process on the fake
clock with the default delays, where the wrapper sees each status on the way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ailab
import httpx
import pytest
from ailab.operations import OPERATIONS
from ailab.sandbox import DEFAULT_API_KEY, Fault, RunningSandbox, SandboxConfig, running_sandbox
from ailab.specs import OperationSpec, Param

from tests.sandbox.conftest import (
    API_KEY,
    BASE_URL,
    FakeClock,
    MakeApi,
    decode,
    image_size,
    make_image,
    operation_ids,
    pixels_differ,
    preferred_type,
)

FAST_RETRIES = ailab.RetryPolicy(max_retries=2, base_delay=0.01, max_delay=0.02)


def python_value(param: Param) -> object:
    """A value the wrapper accepts for ``param``, as a Python caller passes it."""
    if param.kind == "flag":
        return True
    if param.kind == "choice":
        return param.choices[0]
    low = 0.0 if param.minimum is None else param.minimum
    return int(low) if param.kind == "integer" else float(low)


def call_arguments(spec: OperationSpec) -> dict[str, Any]:
    """Keyword arguments of a minimal call: the required images and parameters."""
    arguments: dict[str, Any] = {
        image.label: make_image(*image_size(image), preferred_type(image))
        for image in spec.images
        if image.required
    }
    arguments.update({param.name: python_value(param) for param in spec.params if param.required})
    return arguments


def check_result(spec: OperationSpec, result: Any, content: bytes, primary: bytes) -> None:
    assert result.task_id
    assert result.operation == spec.name
    assert len(result.urls) == 1
    if "*" in spec.url_path:
        listed: Any = result.raw
        for step in spec.url_path[:-1]:
            listed = listed[step]
        assert listed == result.urls
    assert decode(content).size == decode(primary).size
    assert pixels_differ(primary, content)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    config = SandboxConfig(api_key=API_KEY, queued_seconds=0, processing_seconds=0, retry_after=0)
    with running_sandbox(config) as running:
        yield running


@pytest.fixture(scope="module")
def client(sandbox: RunningSandbox) -> Iterator[ailab.Client]:
    with ailab.Client(
        api_key=sandbox.api_key,
        base_url=sandbox.url,
        poll_interval=0.01,
        retry_policy=FAST_RETRIES,
        timeout=10,
    ) as made:
        yield made


@pytest.mark.parametrize("spec", OPERATIONS.values(), ids=operation_ids)
def test_every_operation_through_the_client(
    sandbox: RunningSandbox, client: ailab.Client, spec: OperationSpec
) -> None:
    before = sandbox.stats()
    arguments = call_arguments(spec)

    result = getattr(client, spec.name)(**arguments)
    content = result.download()

    check_result(spec, result, content, arguments[spec.images[0].label])
    after = sandbox.stats()
    assert after["accepted"] == before["accepted"] + 1
    assert after["downloads"] == before["downloads"] + 1
    assert after["downloads_with_key"] == 0


@pytest.mark.parametrize("spec", OPERATIONS.values(), ids=operation_ids)
def test_every_operation_through_the_async_client(
    sandbox: RunningSandbox, spec: OperationSpec
) -> None:
    arguments = call_arguments(spec)

    async def run() -> tuple[Any, bytes]:
        async with ailab.AsyncClient(
            api_key=sandbox.api_key,
            base_url=sandbox.url,
            poll_interval=0.01,
            retry_policy=FAST_RETRIES,
            timeout=10,
        ) as client:
            result = await getattr(client, spec.name)(**arguments)
            return result, await result.download()

    result, content = asyncio.run(run())

    check_result(spec, result, content, arguments[spec.images[0].label])


def test_the_documented_calls(client: ailab.Client, tmp_path: Path) -> None:
    # README examples: positional images for the try-on, a list of URLs for skin advanced.
    person, garment, coarse = (make_image(200, 260, "image/jpeg") for _ in range(3))
    refined = client.try_on_clothes_refiner(
        person, garment, coarse, gender="woman", bottom_garment=make_image(180, 180)
    )
    saved = refined.save(f"{tmp_path}/results/")
    assert saved.suffix == ".jpg"
    assert decode(saved.read_bytes()).size == (200, 260)

    skin = client.smart_skin_advanced(make_image(), acne_removal=True, skin_brightening=True)
    assert isinstance(skin.raw["data"]["result_urls"], list)
    assert skin.urls == skin.raw["data"]["result_urls"]

    face = client.face_beauty_pro(
        make_image(), smoothing=60, whitening=40, filter_type=ailab.FilterType.SAKURA
    )
    assert decode(face.download()).size == (64, 64)


def test_the_wrapper_refuses_nothing_the_sandbox_accepts_at_the_limits(
    client: ailab.Client,
) -> None:
    spec = OPERATIONS["face_beauty_pro"]
    image = spec.images[0]
    smallest = make_image(image.min_width, image.min_height, "image/png")
    result = client.face_beauty_pro(smallest, whitening=100, smoothing=0, filter_type=35)
    assert decode(result.download()).size == (image.min_width, image.min_height)


@pytest.mark.parametrize("spec", OPERATIONS.values(), ids=operation_ids)
def test_the_wrapper_sees_queued_then_processing_then_completed(
    make_api: MakeApi, clock: FakeClock, spec: OperationSpec
) -> None:
    api = make_api()  # queued 1 s, processing 2 s, on the fake clock
    statuses: list[str] = []
    start = clock.now
    with ailab.Client(
        api_key=API_KEY,
        base_url=BASE_URL,
        http_client=api.http,
        poll_interval=0.5,
        sleep=clock.client_sleep,
        clock=clock,
    ) as client:
        result = getattr(client, spec.name)(
            **call_arguments(spec), on_status=lambda change: statuses.append(change.status)
        )
        assert result.download()

    assert statuses == ["queued", "processing", "completed"]
    assert clock.now - start >= api.config.queued_seconds + api.config.processing_seconds


def test_an_expired_result_is_reported_as_such(make_api: MakeApi, clock: FakeClock) -> None:
    api = make_api(queued_seconds=0, processing_seconds=0, result_ttl=30)
    with ailab.Client(
        api_key=API_KEY,
        base_url=BASE_URL,
        http_client=api.http,
        poll_interval=0.5,
        sleep=clock.client_sleep,
        clock=clock,
    ) as client:
        result = client.smart_beauty(make_image(), beauty_level=0.4)
        assert result.download()
        clock.advance(30)
        with pytest.raises(ailab.ResultExpiredError):
            result.download()
    assert api.stats()["expired_downloads"] == 1


def test_faults_injected_into_a_running_sandbox_reach_the_client(
    sandbox: RunningSandbox, client: ailab.Client
) -> None:
    before = sandbox.stats()
    sandbox.inject("rate_limit", target="submit", count=2)
    sandbox.inject(Fault.BAD_GATEWAY, target="query")

    result = client.waist_slimming(make_image())  # Retry-After: 0, so no real wait

    assert result.urls
    after = sandbox.stats()
    counted = ("submits", "accepted", "queries")
    assert [after[name] - before[name] for name in counted] == [3, 1, 2]
    injected = after["faults_injected"]
    assert injected["rate_limit"] - before["faults_injected"]["rate_limit"] == 2
    assert injected["bad_gateway"] - before["faults_injected"]["bad_gateway"] == 1
    assert after["faults_pending"] == 0


def test_a_running_sandbox_checks_its_key_over_http(sandbox: RunningSandbox) -> None:
    assert sandbox.api_key == API_KEY
    assert sandbox.environ() == {"AILAB_BASE_URL": sandbox.url, "AILAB_API_KEY": API_KEY}
    before = sandbox.stats()["unauthorized"]
    for key in ("nope", DEFAULT_API_KEY):
        refused = httpx.get(sandbox.url + "/sandbox/stats", headers={"ailabapi-api-key": key})
        assert refused.status_code == 401
    assert sandbox.stats()["unauthorized"] == before + 2
    with (
        ailab.Client(api_key="wrong-key", base_url=sandbox.url, timeout=10) as client,
        pytest.raises(ailab.AuthenticationError),
    ):
        client.waist_slimming(make_image())
