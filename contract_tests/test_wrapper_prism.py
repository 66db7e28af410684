"""The wrapper's real requests pass Prism's validation, and it reads the spec's own answers.

Every operation is driven through ``ailab.Client`` and ``ailab.AsyncClient`` against the Prism
mock of the merged spec. An httpx event hook picks the spec example Prism serves (``Prefer``)
and records each answer's status and ``sl-violations`` header: Prism sets that header (and
answers 4xx) whenever a request strays from the spec, so a clean run proves the wrapper's
multipart bodies, parameters and headers are what the spec declares.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import ailab
import httpx
import jsonpath
import pytest
from ailab.operations import OPERATIONS
from ailab.results import StatusChange
from ailab.specs import ImageField, OperationSpec, Param
from PIL import Image

from contract_tests.conftest import API_KEY
from contract_tests.generated import model
from contract_tests.spec_model import QUERY_PATH, SubmitOperation, load_spec

SPEC = load_spec()
SUBMITS = SPEC.submit_operations()
EXAMPLES = SPEC.query_examples()
POLL = 0.01
KEY_HEADER = "ailabapi-api-key"


def _cases() -> list[Any]:
    """One case per spec operation, paired with the wrapper's compiled OperationSpec."""
    return [
        pytest.param(op, OPERATIONS[op.operation_id], id=op.operation_id)
        for op in SUBMITS
        if op.operation_id in OPERATIONS
    ]


CASES = _cases()


def _response_examples(path: str, method: str, status: str) -> dict[str, Any]:
    """Named examples of one response of one operation, following a ``$ref`` response."""
    response = SPEC.resolve(SPEC.document["paths"][path][method]["responses"][status])
    examples: dict[str, Any] = response["content"]["application/json"]["examples"]
    return examples


def _submitted_task_id(op: SubmitOperation) -> str:
    """The task_id of the submit answer Prism serves by default (its first example)."""
    first = next(iter(_response_examples(op.path, "post", "200").values()))
    task_id: str = first["value"]["task_id"]
    return task_id


def _expected_urls(op: SubmitOperation) -> list[str]:
    """The result URLs of the operation's completed example, where ``x-result.urls`` says."""
    value = EXAMPLES[op.result["example"]]["value"]
    return [str(url) for url in jsonpath.findall(op.result["urls"], value)]


# --- inputs, built from the compiled OperationSpec ---------------------------------------------


def image_bytes(image: ImageField) -> bytes:
    """A real image in the field's first media type, sized inside its resolution limits."""
    width = min(max(image.min_width, 200), image.max_width)
    height = min(max(image.min_height, 200), image.max_height)
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 150, 120)).save(
        buffer, format=image.media_types[0].removeprefix("image/").upper()
    )
    data = buffer.getvalue()
    assert len(data) <= image.max_bytes
    return data


def param_value(param: Param) -> object:
    """A valid value that differs from the API's default: the top of a range, True, a choice."""
    if param.kind == "flag":
        return True
    if param.kind == "choice":
        return param.choices[-1]
    assert param.maximum is not None, f"{param.name} has no maximum"
    return int(param.maximum) if param.kind == "integer" else float(param.maximum)


@dataclass(frozen=True)
class Arguments:
    """A call's arguments: required images positionally (in spec order), the rest by name.

    The Python name of a required image may differ from its form field (``image`` is sent as
    ``image_target``), so only optional images and parameters are passed by keyword.
    """

    images: tuple[bytes, ...]
    keywords: dict[str, object]


def call_arguments(spec: OperationSpec) -> Arguments:
    """Every image field (optional ones too) and every parameter."""
    keywords: dict[str, object] = {
        image.name: image_bytes(image) for image in spec.images if not image.required
    }
    keywords.update({param.name: param_value(param) for param in spec.params})
    return Arguments(tuple(image_bytes(image) for image in spec.images if image.required), keywords)


# --- the wire: choose Prism's example, record its answers ---------------------------------------


def is_query(request: httpx.Request) -> bool:
    return request.method == "GET" and request.url.path.endswith(QUERY_PATH.rsplit("/", 1)[-1])


def is_submit(request: httpx.Request) -> bool:
    return request.method == "POST"


@dataclass(frozen=True)
class Answer:
    """One response: where from, its status and any ``sl-violations`` header."""

    method: str
    url: str
    status: int
    violations: str | None


@dataclass
class Traffic:
    """Sets ``Prefer`` per request and records every request and answer.

    ``queries`` are the Prefer values for successive status queries (the last one repeats);
    ``submit`` is the Prefer value for submits (None: Prism's default, the first example).
    """

    queries: list[str]
    submit: str | None = None
    requests: list[httpx.Request] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)

    def on_request(self, request: httpx.Request) -> None:
        if is_query(request):
            served = len(self.query_requests)
            request.headers["Prefer"] = self.queries[min(served, len(self.queries) - 1)]
        elif is_submit(request):
            request.read()  # keep the multipart body for inspection (httpx resends it as is)
            if self.submit is not None:
                request.headers["Prefer"] = self.submit
        self.requests.append(request)

    def on_response(self, response: httpx.Response) -> None:
        request = response.request
        self.answers.append(
            Answer(
                request.method,
                str(request.url),
                response.status_code,
                response.headers.get("sl-violations"),
            )
        )

    async def aon_request(self, request: httpx.Request) -> None:
        if is_submit(request):
            await request.aread()
        self.on_request(request)

    async def aon_response(self, response: httpx.Response) -> None:
        self.on_response(response)

    @property
    def query_requests(self) -> list[httpx.Request]:
        return [request for request in self.requests if is_query(request)]

    @property
    def submit_requests(self) -> list[httpx.Request]:
        return [request for request in self.requests if is_submit(request)]

    def http(self, **options: Any) -> httpx.Client:
        return httpx.Client(
            event_hooks={"request": [self.on_request], "response": [self.on_response]},
            **options,
        )

    def async_http(self, **options: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            event_hooks={"request": [self.aon_request], "response": [self.aon_response]},
            **options,
        )

    def assert_clean(self) -> None:
        """Prism accepted every request and raised no warning about any answer."""
        assert self.answers, "no request was sent"
        assert [a for a in self.answers if a.violations is not None] == []
        assert [a for a in self.answers if a.status != 200] == []


@dataclass
class Sleeps:
    """A sleep that returns at once and remembers what it was asked for."""

    calls: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.calls.append(seconds)


def completed(op_name: str) -> str:
    return f"example=completed_{op_name}"


def sync_client(prism_url: str, http: httpx.Client, sleep: Callable[[float], None]) -> ailab.Client:
    return ailab.Client(
        api_key=API_KEY, base_url=prism_url, http_client=http, poll_interval=POLL, sleep=sleep
    )


@dataclass(frozen=True)
class Part:
    """One part of a multipart/form-data body."""

    filename: str | None
    content_type: str | None
    data: bytes


def multipart_parts(request: httpx.Request) -> dict[str, Part]:
    """The parts of a multipart/form-data request body, by field name."""
    media_type, _, options = request.headers["content-type"].partition(";")
    assert media_type.strip() == "multipart/form-data"
    boundary = options.split("boundary=", 1)[1].strip().strip('"')
    sections = request.content.split(b"--" + boundary.encode())
    assert sections[0] == b""
    assert sections[-1].strip() == b"--"
    parts: dict[str, Part] = {}
    for section in sections[1:-1]:
        assert section.startswith(b"\r\n")
        assert section.endswith(b"\r\n")
        head, _, data = section[2:-2].partition(b"\r\n\r\n")
        headers = dict(
            (name.strip().lower(), value.strip())
            for name, _, value in (line.partition(":") for line in head.decode().split("\r\n"))
        )
        disposition = headers["content-disposition"]
        name = re.search(r'\bname="([^"]*)"', disposition)
        filename = re.search(r'\bfilename="([^"]*)"', disposition)
        assert name is not None, disposition
        assert name.group(1) not in parts, f"field {name.group(1)} sent twice"
        parts[name.group(1)] = Part(
            filename.group(1) if filename else None, headers.get("content-type"), data
        )
    return parts


def wire_text(param: Param, value: object) -> str:
    """How the spec spells ``value`` in the form: flags are the strings ``0``/``1``."""
    if param.kind == "flag":
        return "1" if value else "0"
    return str(value)


def assert_submit_body(
    request: httpx.Request, op: SubmitOperation, spec: OperationSpec, args: Arguments
) -> None:
    """The body holds exactly the images and values passed, each as the spec declares it."""
    parts = multipart_parts(request)
    required = [image for image in spec.images if image.required]
    sent_images: dict[str, object] = dict(
        zip((image.name for image in required), args.images, strict=True)
    )
    sent_images.update(
        {image.name: args.keywords[image.name] for image in spec.images if not image.required}
    )
    expected_names = set(sent_images) | {p.name for p in spec.params} | set(spec.constants)
    assert set(parts) == expected_names
    assert set(parts) <= set(op.properties)
    assert set(op.required) <= set(parts)
    for image in spec.images:
        part = parts[image.name]
        declared = [t.strip() for t in op.encoding[image.name]["contentType"].split(",")]
        assert part.content_type == image.media_types[0], image.name
        assert part.content_type in declared, image.name
        assert part.filename, f"{image.name} has no file name"
        assert part.data == sent_images[image.name], image.name
    for param in spec.params:
        part = parts[param.name]
        assert part.filename is None, param.name
        assert part.data.decode() == wire_text(param, args.keywords[param.name]), param.name
    for name, value in spec.constants.items():
        assert parts[name].data.decode() == value


def assert_result(
    result: ailab.Result[Any] | ailab.AsyncResult[Any], op: SubmitOperation, traffic: Traffic
) -> None:
    """The result is the spec's completed example, read the way ``x-result`` says."""
    assert result.operation == op.operation_id
    assert isinstance(result.task_id, str)
    assert result.task_id == _submitted_task_id(op)
    assert result.urls == _expected_urls(op)
    assert result.url == result.urls[0]
    assert result.raw == EXAMPLES[op.result["example"]]["value"]
    assert isinstance(result.model, model(op.result["schema"]))
    # One submit, then queries for the id it returned, with the key on every API request.
    assert len(traffic.submit_requests) == 1
    assert traffic.submit_requests[0].url.path == op.path
    assert len(traffic.query_requests) == 1
    assert {r.url.params.get("task_id") for r in traffic.query_requests} == {result.task_id}
    assert all(r.headers.get(KEY_HEADER) == API_KEY for r in traffic.requests)
    traffic.assert_clean()


# --- tests ---------------------------------------------------------------------------------------


def test_wrapper_and_spec_name_the_same_operations() -> None:
    assert [op.operation_id for op in SUBMITS] != []
    assert set(OPERATIONS) == {op.operation_id for op in SUBMITS}
    assert len(CASES) == len(SUBMITS)


@pytest.mark.parametrize(("op", "spec"), CASES)
def test_sync_call_passes_prism_and_reads_its_result(
    prism_url: str, op: SubmitOperation, spec: OperationSpec
) -> None:
    traffic = Traffic(queries=[completed(op.operation_id)])
    args = call_arguments(spec)
    with traffic.http() as http, sync_client(prism_url, http, Sleeps()) as client:
        result = getattr(client, op.operation_id)(*args.images, **args.keywords, poll_interval=POLL)
    assert isinstance(result, ailab.Result)
    assert_result(result, op, traffic)
    assert_submit_body(traffic.submit_requests[0], op, spec, args)


@pytest.mark.parametrize(("op", "spec"), CASES)
def test_async_call_passes_prism_and_reads_its_result(
    prism_url: str, op: SubmitOperation, spec: OperationSpec
) -> None:
    traffic = Traffic(queries=[completed(op.operation_id)])
    args = call_arguments(spec)
    sleeps = Sleeps()

    async def run() -> ailab.AsyncResult[Any]:
        async with (
            traffic.async_http() as http,
            ailab.AsyncClient(
                api_key=API_KEY,
                base_url=prism_url,
                http_client=http,
                poll_interval=POLL,
                sleep=sleeps.asleep,
            ) as client,
        ):
            done: ailab.AsyncResult[Any] = await getattr(client, op.operation_id)(
                *args.images, **args.keywords, poll_interval=POLL
            )
            return done

    result = asyncio.run(run())
    assert isinstance(result, ailab.AsyncResult)
    assert_result(result, op, traffic)
    assert_submit_body(traffic.submit_requests[0], op, spec, args)


def test_status_callbacks_follow_queued_processing_completed(prism_url: str) -> None:
    name = "face_beauty_pro"
    traffic = Traffic(queries=["example=queued", "example=processing", completed(name)])
    seen: list[StatusChange] = []
    sleeps = Sleeps()
    with traffic.http() as http, sync_client(prism_url, http, sleeps) as client:
        result = client.face_beauty_pro(
            image_bytes(OPERATIONS[name].images[0]), poll_interval=POLL, on_status=seen.append
        )
    assert [change.status for change in seen] == ["queued", "processing", "completed"]
    assert [change.previous for change in seen] == [None, "queued", "processing"]
    assert {change.task_id for change in seen} == {result.task_id}
    assert {change.operation for change in seen} == {name}
    assert len(traffic.query_requests) == 3
    assert len(traffic.submit_requests) == 1
    # It waited the poll interval between queries, and only between them.
    assert sleeps.calls == [POLL, POLL]
    assert result.operation == name
    traffic.assert_clean()


def test_a_persisted_task_resumes(prism_url: str) -> None:
    name = "face_beauty_pro"
    op = next(op for op in SUBMITS if op.operation_id == name)
    traffic = Traffic(queries=[completed(name)])
    with traffic.http() as http, sync_client(prism_url, http, Sleeps()) as client:
        args = call_arguments(OPERATIONS[name])
        task = client.face_beauty_pro.submit(*args.images, **args.keywords)  # type: ignore[arg-type]
        assert traffic.query_requests == []
        task2 = ailab.Task.from_dict(task.to_dict())
        assert task2 == task
        resumed = client.wait(task2)
        by_id = client.wait(task.task_id)
    assert task.operation == name
    assert task.task_id == _submitted_task_id(op)
    for result in (resumed, by_id):
        assert result.operation == name
        assert result.task_id == task.task_id
        assert result.urls == _expected_urls(op)
        assert isinstance(result.model, model(op.result["schema"]))
    assert len(traffic.submit_requests) == 1
    assert len(traffic.query_requests) == 2
    traffic.assert_clean()


@pytest.mark.parametrize(("op", "spec"), CASES)
def test_wait_by_bare_id_recognises_the_operation(
    prism_url: str, op: SubmitOperation, spec: OperationSpec
) -> None:
    traffic = Traffic(queries=[completed(op.operation_id)])
    with traffic.http() as http, sync_client(prism_url, http, Sleeps()) as client:
        result = client.wait("task-from-elsewhere")
    assert result.operation == op.operation_id == spec.name
    assert result.task_id == "task-from-elsewhere"
    assert result.urls == _expected_urls(op)
    assert isinstance(result.model, model(op.result["schema"]))
    assert [r.url.params.get("task_id") for r in traffic.query_requests] == ["task-from-elsewhere"]
    traffic.assert_clean()


@pytest.mark.parametrize(("op", "spec"), CASES)
def test_422_on_submit_raises_api_error_with_the_spec_code(
    prism_url: str, op: SubmitOperation, spec: OperationSpec
) -> None:
    example = next(iter(_response_examples(op.path, "post", "422").values()))["value"]
    traffic = Traffic(queries=[completed(op.operation_id)], submit="code=422")
    args = call_arguments(spec)
    sleeps = Sleeps()
    with (
        traffic.http() as http,
        sync_client(prism_url, http, sleeps) as client,
        pytest.raises(ailab.ApiError) as caught,
    ):
        getattr(client, op.operation_id)(*args.images, **args.keywords)
    error = caught.value
    assert error.status_code == 422
    assert error.code == example["error_detail"]["code"]
    assert error.code
    assert error.request_id == example["request_id"]
    assert not isinstance(error, ailab.InsufficientCreditsError | ailab.RateLimitError)
    assert len(traffic.submit_requests) == 1
    assert traffic.query_requests == []
    assert sleeps.calls == []
    # Prism answered 422 because it was asked to, not because the request broke the spec.
    assert [(a.status, a.violations) for a in traffic.answers] == [(422, None)]


def test_out_of_credits_is_not_retried(prism_url: str) -> None:
    name = "face_beauty_pro"
    op = next(op for op in SUBMITS if op.operation_id == name)
    examples = _response_examples(op.path, "post", "429")
    assert "ERROR_NOT_ENOUGH_CREDITS" in examples
    traffic = Traffic(
        queries=[completed(name)], submit="code=429, example=ERROR_NOT_ENOUGH_CREDITS"
    )
    sleeps = Sleeps()
    with (
        traffic.http() as http,
        sync_client(prism_url, http, sleeps) as client,
        pytest.raises(ailab.InsufficientCreditsError) as caught,
    ):
        client.face_beauty_pro(image_bytes(OPERATIONS[name].images[0]))
    assert caught.value.status_code == 429
    assert caught.value.code == "ERROR_NOT_ENOUGH_CREDITS"
    assert len(traffic.submit_requests) == 1
    assert traffic.query_requests == []
    assert sleeps.calls == []
    assert [(a.status, a.violations) for a in traffic.answers] == [(429, None)]


# --- downloads: the storage host is served by a MockTransport -----------------------------------


@dataclass
class Storage:
    """Serves one small JPEG for any URL and remembers the requests it saw."""

    body: bytes = field(
        default_factory=lambda: image_bytes(
            ImageField("result", True, ("image/jpeg",), 1 << 20, 1, 64, 1, 64)
        )
    )
    seen: list[httpx.Request] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return httpx.Response(200, content=self.body, headers={"Content-Type": "image/jpeg"})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.mark.parametrize(
    "caller_headers", [{}, {KEY_HEADER: API_KEY}], ids=["plain-client", "client-carries-key"]
)
def test_result_download_and_save(
    prism_url: str, tmp_path: Path, caller_headers: dict[str, str]
) -> None:
    name = "face_beauty_pro"
    op = next(op for op in SUBMITS if op.operation_id == name)
    url = _expected_urls(op)[0]
    storage = Storage()
    traffic = Traffic(queries=[completed(name)])
    mounts = {_origin(url): httpx.MockTransport(storage.handle)}
    with (
        traffic.http(mounts=mounts, headers=caller_headers) as http,
        sync_client(prism_url, http, Sleeps()) as client,
    ):
        result = client.face_beauty_pro(image_bytes(OPERATIONS[name].images[0]))
        assert result.url == url
        data = result.download()
        saved = result.save(tmp_path)
    assert data == storage.body
    assert saved.parent == tmp_path
    assert saved.suffix == ".jpg"
    assert saved.read_bytes() == storage.body
    assert list(tmp_path.iterdir()) == [saved]
    assert [str(r.url) for r in storage.seen] == [url, url]
    assert [KEY_HEADER in r.headers for r in storage.seen] == [False, False]
    # The API requests themselves still carried the key and went to Prism.
    api = [r for r in traffic.requests if str(r.url).startswith(prism_url)]
    assert len(api) == 2
    assert all(r.headers.get(KEY_HEADER) == API_KEY for r in api)
    traffic.assert_clean()


def test_async_result_save(prism_url: str, tmp_path: Path) -> None:
    name = "face_beauty_pro"
    op = next(op for op in SUBMITS if op.operation_id == name)
    url = _expected_urls(op)[0]
    storage = Storage()
    traffic = Traffic(queries=[completed(name)])
    sleeps = Sleeps()

    async def run() -> Path:
        async with (
            traffic.async_http(mounts={_origin(url): httpx.MockTransport(storage.handle)}) as http,
            ailab.AsyncClient(
                api_key=API_KEY,
                base_url=prism_url,
                http_client=http,
                poll_interval=POLL,
                sleep=sleeps.asleep,
            ) as client,
        ):
            result = await client.face_beauty_pro(image_bytes(OPERATIONS[name].images[0]))
            return await result.save(tmp_path)

    saved = asyncio.run(run())
    assert saved.parent == tmp_path
    assert saved.suffix == ".jpg"
    assert saved.read_bytes() == storage.body
    assert [str(r.url) for r in storage.seen] == [url]
    assert [KEY_HEADER in r.headers for r in storage.seen] == [False]
    traffic.assert_clean()
