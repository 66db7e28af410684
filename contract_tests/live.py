"""Live contract mode: every answer of an upstream (the real API, or a sandbox) checked by Prism.

``prism proxy --errors`` checks each request and answer against the merged spec and turns an
answer that breaks it into a 500 ``application/problem+json`` listing the violations. But Prism
re-encodes request bodies as UTF-8 text, so every image it forwards arrives corrupted
(stoplightio/prism#2349, open). A relay therefore sits in front of it:

    client -> relay -> upstream          (the request, byte for byte)
              relay -> prism proxy -> relay's replay    (the same request, to be checked)

The relay sends the client's request to the upstream itself, keeps the answer, and sends the
same request through Prism, whose upstream is the relay again: recognised by a header, that
request is answered with the kept answer. Prism so checks the request and the upstream's real
answer, and the client receives what Prism returns. Every violation is also recorded.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from ailab.sandbox import serving
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contract_tests.prism import running_prism

REPLAY_HEADER = "x-ailab-replay"
_PASSED_ON = ("content-type", "retry-after")
_NOT_FORWARDED = frozenset(
    {"host", "content-length", "connection", "transfer-encoding", "accept-encoding", REPLAY_HEADER}
)
_TIMEOUT = httpx.Timeout(60.0)


@dataclass(frozen=True)
class Violation:
    """One request whose request or answer broke the spec, as Prism reported it."""

    method: str
    path: str
    status: int
    problems: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.method} {self.path}: HTTP {self.status}: " + "; ".join(self.problems)


@dataclass
class Relay:
    """The relay's record: what went through it and what Prism objected to."""

    url: str = ""
    """Where clients send requests."""
    prism_url: str = ""
    """The ``prism proxy`` the relay has every request checked by."""
    requests: int = 0
    violations: list[Violation] = field(default_factory=list)


def _problems(answer: httpx.Response) -> tuple[str, ...]:
    """Prism's findings: the ``validation`` list of its problem answer, or ``sl-violations``."""
    found: list[dict[str, Any]] = []
    if answer.headers.get("content-type", "").startswith("application/problem+json"):
        body = answer.json()
        found = body.get("validation") or [{"message": body.get("title", "problem")}]
    elif "sl-violations" in answer.headers:
        found = json.loads(answer.headers["sl-violations"])
    described = (
        f"{'.'.join(str(part) for part in item.get('location', []))}: {item.get('message')}"
        for item in found
    )
    return tuple(dict.fromkeys(described))  # a oneOf repeats a finding once per variant


def _headers(headers: Any, names: tuple[str, ...] | None = None) -> dict[str, str]:
    if names is not None:
        return {name: headers[name] for name in names if name in headers}
    return {name: value for name, value in headers.items() if name not in _NOT_FORWARDED}


def _relay_app(upstream: str, record: Relay, kept: dict[str, httpx.Response]) -> Starlette:
    client = httpx.AsyncClient(timeout=_TIMEOUT)

    async def handle(request: Request) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        body = await request.body()
        replay = request.headers.get(REPLAY_HEADER)
        if replay is not None:  # Prism forwarding a request: answer with the kept answer
            answer = kept.pop(replay)
            return Response(
                answer.content, answer.status_code, _headers(answer.headers, _PASSED_ON)
            )
        record.requests += 1
        headers = _headers(request.headers)
        answer = await client.request(
            request.method, upstream + target, headers=headers, content=body
        )
        key = uuid.uuid4().hex
        kept[key] = answer
        checked = await client.request(
            request.method,
            record.prism_url + target,
            headers={**headers, REPLAY_HEADER: key},
            content=body,
        )
        kept.pop(key, None)
        problems = _problems(checked)
        if problems:
            record.violations.append(
                Violation(request.method, request.url.path, checked.status_code, problems)
            )
        return Response(checked.content, checked.status_code, _headers(checked.headers, _PASSED_ON))

    route = Route("/{path:path}", handle, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    return Starlette(routes=[route])


@contextlib.contextmanager
def validating_relay(upstream: str) -> Iterator[Relay]:
    """A relay whose ``url`` sends every request to ``upstream`` and has Prism check it."""
    record = Relay()
    kept: dict[str, httpx.Response] = {}
    with contextlib.ExitStack() as stack:
        record.url = stack.enter_context(serving(_relay_app(upstream.rstrip("/"), record, kept)))
        record.prism_url = stack.enter_context(running_prism(upstream=record.url))
        yield record
