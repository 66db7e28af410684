"""The baselines: the fewest httpx calls that submit a task, poll it and fetch its result.

No validation, no typed models: one POST (multipart, field ``image``), GETs of the task query
until ``task_status`` is 2, one GET of the result URL (without the API key). The async version
resends a request at once when it failed in transport (at 1000 tasks, a pooled connection the
sandbox closed while the event loop was busy); it counts those resends in a :class:`Resends`.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx

from .protocol import (
    COMPLETED,
    POLL_INTERVAL,
    QUERY_PATH,
    SUBMIT_PATH,
    TASK_ID_PARAMETER,
    Endpoint,
)


def _files(png: bytes) -> dict[str, tuple[str, bytes, str]]:
    return {"image": ("image.png", png, "image/png")}


def _json(answer: httpx.Response) -> dict[str, Any]:
    answer.raise_for_status()
    body: dict[str, Any] = answer.json()
    return body


def raw_task(http: httpx.Client, endpoint: Endpoint, png: bytes) -> bytes:
    """One task with a blocking httpx.Client; the result file's bytes."""
    submitted = _json(
        http.post(endpoint.base_url + SUBMIT_PATH, files=_files(png), headers=endpoint.headers)
    )
    params = {TASK_ID_PARAMETER: submitted["task_id"]}
    while True:
        answer = _json(
            http.get(endpoint.base_url + QUERY_PATH, params=params, headers=endpoint.headers)
        )
        if answer["task_status"] == COMPLETED:
            break
        time.sleep(POLL_INTERVAL)
    result = http.get(answer["data"]["image"])
    result.raise_for_status()
    return result.content


MAX_RESENDS = 3
"""How often the async baseline resends one request that failed in transport."""


@dataclass
class Resends:
    """Requests the async baseline sent again after a transport error."""

    count: int = 0


async def _send(
    http: httpx.AsyncClient, method: str, url: str, resends: Resends, **options: Any
) -> httpx.Response:
    for attempt in range(MAX_RESENDS + 1):
        try:
            return await http.request(method, url, **options)
        except httpx.TransportError:
            if attempt == MAX_RESENDS:
                raise
            resends.count += 1
    raise AssertionError("unreachable")  # pragma: no cover


async def raw_task_async(
    http: httpx.AsyncClient, endpoint: Endpoint, png: bytes, resends: Resends | None = None
) -> bytes:
    """One task with an httpx.AsyncClient; the result file's bytes."""
    resends = resends if resends is not None else Resends()
    submit_url = endpoint.base_url + SUBMIT_PATH
    headers = endpoint.headers
    submitted = _json(
        await _send(http, "POST", submit_url, resends, files=_files(png), headers=headers)
    )
    params = {TASK_ID_PARAMETER: submitted["task_id"]}
    query_url = endpoint.base_url + QUERY_PATH
    while True:
        answer = _json(await _send(http, "GET", query_url, resends, params=params, headers=headers))
        if answer["task_status"] == COMPLETED:
            break
        await asyncio.sleep(POLL_INTERVAL)
    result = await _send(http, "GET", answer["data"]["image"], resends)
    result.raise_for_status()
    return result.content
