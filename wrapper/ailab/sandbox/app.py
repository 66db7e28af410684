"""The sandbox as an ASGI application (Starlette): the spec's routes, result files, controls.

Routes come from :data:`ailab.operations.OPERATIONS` and :data:`~ailab.operations.QUERY`, so an
operation added to the spec is served after ``nox -s generate`` with no change here. Besides the
API, ``/sandbox/results/...`` serves result files (no key needed, like the API's storage host)
and ``/sandbox/faults`` (POST) and ``/sandbox/stats`` (GET) let a test or a demo inject faults
and read counters; both take the API key.
"""

from __future__ import annotations

import hmac
import json
import random
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..operations import API_KEY_HEADER, OPERATIONS, QUERY
from ..specs import OperationSpec
from .answers import CODES, Envelopes, Rejection
from .config import SandboxConfig
from .effects import render
from .faults import REFUSALS, Fault, FaultPlan, Target
from .store import State, Task, TaskStore
from .validation import CheckedSubmit, body_limit, check_fields, read_submit

RESULTS_PREFIX = "/sandbox/results/"
FAULTS_PATH = "/sandbox/faults"
STATS_PATH = "/sandbox/stats"
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}

Handler = Callable[[Request], Awaitable[Response]]


@dataclass
class Stats:
    """What the sandbox has seen (``GET /sandbox/stats``)."""

    submits: int = 0
    accepted: int = 0
    queries: int = 0
    downloads: int = 0
    downloads_with_key: int = 0
    expired_downloads: int = 0
    unauthorized: int = 0


class Sandbox:
    """One sandbox's state: its tasks, faults, counters and answers."""

    def __init__(self, config: SandboxConfig, public_url: str | None = None) -> None:
        """``public_url`` is the address result links use (default: the request's own)."""
        self.config = config
        self.public_url = public_url
        # Separate streams, so that turning a fault rate on does not change the envelopes.
        seed = config.seed
        self.store = TaskStore(config)
        self.faults = FaultPlan(config.faults, random.Random(seed))  # noqa: S311 - not secrets
        envelope_rng = random.Random(None if seed is None else seed + 1)  # noqa: S311
        self.envelopes = Envelopes(config.envelope, envelope_rng)
        self.stats = Stats()

    def authorized(self, request: Request) -> bool:
        """Whether the request carries the configured key (compared in constant time)."""
        given = request.headers.get(API_KEY_HEADER, "").encode()
        if hmac.compare_digest(given, self.config.api_key.encode()):
            return True
        self.stats.unauthorized += 1
        return False

    def refuse(self, rejection: Rejection) -> JSONResponse:
        """The error answer of ``rejection``."""
        return self.envelopes.failure(rejection)

    def unauthorized(self) -> JSONResponse:
        """401: the key is missing or wrong (the answer never repeats it)."""
        return self.refuse(Rejection.of("ERROR_APPLICATIONS_NOT_EXISTS", "invalid api key"))

    async def admit(self, request: Request, kind: Literal["submit", "query"]) -> Response | None:
        """The answer refusing an API request (wrong key, injected fault), or None to go on."""
        if not self.authorized(request):
            return self.unauthorized()
        return await self.injected(kind)

    async def injected(self, kind: Literal["submit", "query"]) -> JSONResponse | None:
        """A refusal to answer with, if one was injected (after any slow delay)."""
        draw = self.faults.draw(kind)
        if draw.slow:
            await self.config.sleep(self.config.slow_seconds)
        if draw.refusal is None:
            return None
        refusal = REFUSALS[draw.refusal]
        headers = {"Retry-After": str(self.config.retry_after)} if refusal.retry_after else {}
        rejection = Rejection(
            refusal.status, refusal.code, refusal.code_message, refusal.message, headers
        )
        return self.refuse(rejection)

    def result_url(self, request: Request, token: str, media_type: str) -> str:
        """The absolute URL of one result file."""
        base = (self.public_url or str(request.base_url)).rstrip("/")
        return f"{base}{RESULTS_PREFIX}{token}.{_EXTENSIONS.get(media_type, 'png')}"


def _submit_handler(sandbox: Sandbox, spec: OperationSpec) -> Handler:
    limit = body_limit(spec)
    field_count = len(spec.images) + len(spec.params) + len(spec.constants)

    async def submit(request: Request) -> Response:
        sandbox.stats.submits += 1
        refused = await sandbox.admit(request, "submit")
        if refused is not None:
            return refused
        try:
            checked = await _checked(request, spec, limit, field_count)
        except Rejection as rejection:
            return sandbox.refuse(rejection)
        task = sandbox.store.add(spec.name, checked, fails=sandbox.faults.task_fails())
        sandbox.stats.accepted += 1
        return sandbox.envelopes.success({"task_id": task.task_id})

    return submit


async def _checked(
    request: Request, spec: OperationSpec, limit: int, field_count: int
) -> CheckedSubmit:
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise Rejection.of("ERROR_INVALID_PARAMETER", "the body must be multipart/form-data")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise Rejection.of("FILE_SIZE_EXCEEDS_LIMIT", f"the request is larger than {limit:,} bytes")
    try:
        form = await request.form(max_files=field_count + 4, max_fields=field_count + 4)
    except HTTPException as error:
        raise Rejection.of("ERROR_INVALID_PARAMETER", f"unreadable form: {error.detail}") from None
    try:
        fields = await read_submit(spec, form)
    finally:
        await form.close()
    return await run_in_threadpool(check_fields, spec, fields)


def _place(path: tuple[str, ...], url: str) -> dict[str, Any]:
    """``{"data": {"image": url}}`` for ``("data", "image")``; a ``*`` step makes a list."""
    value: Any = url
    for key in reversed(path):
        value = [value] if key == "*" else {key: value}
    return dict(value)


async def _rendered(sandbox: Sandbox, task: Task) -> str:
    """The token of the task's result file, rendering it on first demand."""
    async with task.render_lock:
        if not task.tokens:
            assert task.submit is not None  # noqa: S101 - kept until the first render
            images = {name: upload.data for name, upload in task.submit.images.items()}
            content = await run_in_threadpool(render, task.operation, images, task.submit.fields)
            media_type = "image/jpeg" if content.startswith(b"\xff\xd8\xff") else "image/png"
            sandbox.store.publish(task, content, media_type)
        return task.tokens[0]


async def _task_answer(sandbox: Sandbox, request: Request, task: Task) -> Response:
    """The query's answer for an existing task: its status, its failure or its result."""
    state = sandbox.store.state(task)
    if state == State.FAILED:
        return sandbox.refuse(Rejection.of("ERROR_NO_FACE_IN_FILE", "pic not has face"))
    if state != State.COMPLETED:
        return sandbox.envelopes.success({"task_status": int(state)})
    token = await _rendered(sandbox, task)
    url = sandbox.result_url(request, token, task.media_type)
    spec = OPERATIONS[task.operation]
    fields = {"task_status": int(state), **_place(spec.url_path, url)}
    return sandbox.envelopes.success(fields, break_spec=sandbox.config.break_contract)


def _query_handler(sandbox: Sandbox) -> Handler:
    async def query(request: Request) -> Response:
        sandbox.stats.queries += 1
        refused = await sandbox.admit(request, "query")
        if refused is not None:
            return refused
        task_id = request.query_params.get(QUERY.task_id_parameter, "")
        if not task_id:
            return sandbox.refuse(
                Rejection.of("MISSING_PARAMETERS", f"{QUERY.task_id_parameter} is required")
            )
        task = sandbox.store.get(task_id)
        if task is None:
            return sandbox.refuse(Rejection.of("ERROR_TASK_NOT_EXISTS", "task not found"))
        return await _task_answer(sandbox, request, task)

    return query


def _results_handler(sandbox: Sandbox) -> Handler:
    async def result(request: Request) -> Response:
        sandbox.stats.downloads += 1
        if API_KEY_HEADER in request.headers:
            sandbox.stats.downloads_with_key += 1
        token = str(request.path_params["name"]).split(".", 1)[0]
        found = sandbox.store.result(token)
        if found is None:
            return Response("Not found", status_code=404, media_type="text/plain")
        if found.expired:
            sandbox.stats.expired_downloads += 1
            return Response("Request has expired", status_code=403, media_type="text/plain")
        return Response(found.content, media_type=found.media_type)

    return result


def _faults_handler(sandbox: Sandbox) -> Handler:
    async def faults(request: Request) -> Response:
        if not sandbox.authorized(request):
            return sandbox.unauthorized()
        try:
            order = json.loads(await request.body())
            fault = Fault(order["fault"])
            target = order.get("target", "any")
            if target not in get_args(Target):
                raise ValueError(f"target must be one of {', '.join(get_args(Target))}")
            sandbox.faults.queue(fault, target, order.get("count", 1))
        except OverflowError as error:
            return sandbox.refuse(Rejection.of("ERROR_INVALID_PARAMETER", str(error)))
        except (ValueError, KeyError, TypeError) as error:
            names = ", ".join(fault.value for fault in Fault)
            return sandbox.refuse(
                Rejection.of(
                    "ERROR_INVALID_PARAMETER",
                    f"send JSON {{fault, target?, count?}} with fault one of {names} ({error})",
                )
            )
        return JSONResponse({"pending": sandbox.faults.pending})

    return faults


def _stats_handler(sandbox: Sandbox) -> Handler:
    async def stats(request: Request) -> Response:
        if not sandbox.authorized(request):
            return sandbox.unauthorized()
        return JSONResponse(
            {
                **asdict(sandbox.stats),
                "tasks": len(sandbox.store),
                "faults_injected": dict(sandbox.faults.injected),
                "faults_pending": sandbox.faults.pending,
            }
        )

    return stats


def create_app(config: SandboxConfig | None = None, *, public_url: str | None = None) -> Starlette:
    """The sandbox's ASGI app; ``app.state.sandbox`` is its :class:`Sandbox`."""
    sandbox = Sandbox(config or SandboxConfig(), public_url)
    routes = [
        Route(spec.path, _submit_handler(sandbox, spec), methods=["POST"])
        for spec in OPERATIONS.values()
    ]
    routes += [
        Route(QUERY.path, _query_handler(sandbox), methods=["GET"]),
        Route(RESULTS_PREFIX + "{name}", _results_handler(sandbox), methods=["GET"]),
        Route(FAULTS_PATH, _faults_handler(sandbox), methods=["POST"]),
        Route(STATS_PATH, _stats_handler(sandbox), methods=["GET"]),
    ]

    async def http_error(request: Request, error: Exception) -> Response:
        # Unknown paths and methods get the API's envelope; 405 keeps its Allow header.
        assert isinstance(error, HTTPException)  # noqa: S101 - registered for HTTPException only
        if error.status_code == 404:
            return sandbox.refuse(Rejection.of("ERROR_AI_NOT_EXISTS", "api not found"))
        headers = dict(error.headers or {})
        if "Allow" in headers:  # Starlette adds HEAD to GET routes; the spec documents GET
            allowed = [method for method in headers["Allow"].split(", ") if method != "HEAD"]
            headers["Allow"] = ", ".join(allowed)
        _, code_message = CODES["ERROR_INVALID_PARAMETER"]
        rejection = Rejection(
            error.status_code, "ERROR_INVALID_PARAMETER", code_message, str(error.detail), headers
        )
        return sandbox.refuse(rejection)

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    app.state.sandbox = sandbox
    return app
