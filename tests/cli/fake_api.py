"""A fake AILabTools API: a real HTTP server on 127.0.0.1 that counts exactly what it receives.

Programs under test reach it through ``AILAB_BASE_URL`` (see :meth:`FakeApi.environ`), in this
process or in a subprocess. Routes come from :mod:`ailab.operations` (``OPERATIONS`` and
``QUERY``), and the answers have the shapes of ``openapi/ailabtools.yaml``: the submit's
``TaskSubmitted``, the query's ``AsyncTaskPending`` and per-operation completed results (URLs at
the operation's ``url_path``), and the ``PublicResponseFields`` error envelope with the codes and
texts of the spec's examples. ``legacy_envelope=True`` adds the older generation's fields
(``error_code``, ``error_code_str``, ``error_msg``, ``error_detail.status_code``) everywhere.

What a test controls, from its own thread:

- ``decide(submit)`` picks each submit's fate: ``None`` (normal), ``"reject"`` (422
  ``ERROR_NO_FACE_IN_FILE``), ``"credits"`` (429 ``ERROR_NOT_ENOUGH_CREDITS``) or ``"fail"``
  (accepted; the query then reports ``task_status`` 3). The wrapper names every multipart file
  part after its field (``image.png``, ``person_image.jpg``, ...), never after the local file,
  so decide by the part's bytes (:attr:`Submit.image`, :attr:`Submit.digest`), not its name.
- :meth:`FakeApi.hold_submits` / :meth:`FakeApi.release` (and the ``*_queries`` twins) block
  requests inside the server, so that a test can kill its client while a request is in flight
  and then choose whether the server had accepted it.

The fake never sleeps; held requests wait on an event, for at most ``HOLD_TIMEOUT`` seconds.
It never prints or logs, and the API key appears in no record, message or ``repr``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import re
import secrets
import socket
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import collapse_rfc2231_value
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from types import TracebackType
from typing import Any, Final, Self
from urllib.parse import parse_qs, urlsplit

from ailab.client import API_KEY_ENV, BASE_URL_ENV
from ailab.operations import API_KEY_HEADER, OPERATIONS, QUERY
from ailab.specs import OperationSpec
from PIL import Image

__all__ = [
    "CREDITS",
    "FAIL",
    "HOLD_TIMEOUT",
    "REJECT",
    "FakeApi",
    "Submit",
    "digest",
    "make_image",
    "result_png",
]

REJECT: Final = "reject"
"""``decide`` outcome: answer the submit with 422 ``ERROR_NO_FACE_IN_FILE`` (no task)."""
FAIL: Final = "fail"
"""``decide`` outcome: accept the submit; its task then fails (``task_status`` 3)."""
CREDITS: Final = "credits"
"""``decide`` outcome: answer the submit with 429 ``ERROR_NOT_ENOUGH_CREDITS`` (no task)."""
_OUTCOMES: Final = frozenset({REJECT, FAIL, CREDITS})

HOLD_TIMEOUT: Final = 30.0
"""Seconds a held request waits for a release before it is dropped (and an error recorded)."""
_SERVE_POLL: Final = 0.01  # how quickly serve_forever notices shutdown()
_JOIN_TIMEOUT: Final = 5.0
_RESULTS_PREFIX: Final = "/results/"
_RESULT_PATH: Final = re.compile(r"/results/([A-Za-z0-9_-]+)/([0-9]+)\.png")

# (HTTP status, code_message, message) of the error codes the fake answers with. The texts are
# those of the spec's examples; ERROR_TASK_NOT_EXISTS is the fake's own: the spec declares 404
# for the query but documents no code for an unknown task.
_ERRORS: Final[Mapping[str, tuple[int, str, str]]] = {
    "ERROR_APPLICATIONS_NOT_EXISTS": (401, "The application does not exist.", "invalid api key"),
    "MISSING_PARAMETERS": (400, "Missing parameters.", "a required parameter is missing"),
    "ERROR_INVALID_PARAMETER": (400, "Invalid parameter.", "the body is not multipart/form-data"),
    "ERROR_AI_NOT_EXISTS": (404, "The AI service does not exist.", "api not found"),
    "ERROR_TASK_NOT_EXISTS": (404, "The task does not exist.", "task not found"),
    "ERROR_NO_FACE_IN_FILE": (422, "No face detected in the file.", "pic not has face"),
    "ERROR_NOT_ENOUGH_CREDITS": (429, "Not enough credits.", "insufficient balance"),
    "PROCESSING_FAILURE": (500, "Processing failure.", "internal error"),
}

_issued_ids: set[str] = set()
_issued_lock = threading.Lock()


def _new_task_id() -> str:
    """A task id shaped like the API's (``<epoch ms>x<12 hex>``), unique in this process."""
    while True:
        task_id = f"{time.time_ns() // 1_000_000}x{secrets.token_hex(6)}"
        with _issued_lock:
            if task_id not in _issued_ids:
                _issued_ids.add(task_id)
                return task_id


def digest(data: bytes) -> str:
    """The key :meth:`FakeApi.submits_per_file` counts by: the sha256 hex of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


def make_image(width: int = 64, height: int = 64, *, fmt: str = "PNG", seed: int = 0) -> bytes:
    """A small valid input image; a different ``seed`` gives different bytes."""
    shade = hashlib.sha256(f"input-{seed}".encode()).digest()
    image = Image.new("RGB", (width, height), (shade[0], shade[1], shade[2]))
    image.putpixel((0, 0), (shade[3], shade[4], shade[5]))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def result_png(task_id: str, index: int) -> bytes:
    """The PNG the fake serves as result ``index`` of ``task_id`` (its pixels depend on both)."""
    shade = hashlib.sha256(f"{task_id}/{index}".encode()).digest()
    image = Image.new("RGB", (8, 8), (shade[0], shade[1], shade[2]))
    image.putpixel((3, 4), (shade[3], shade[4], shade[5]))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@dataclass(frozen=True, repr=False)
class Submit:
    """One parsed submit: form fields, file parts (by field name) and the task id it was given.

    For a submit that was refused or dropped, ``task_id`` was never sent to the client.
    """

    operation: str
    fields: dict[str, str]
    files: dict[str, bytes]
    task_id: str
    filenames: dict[str, str] = field(default_factory=dict)
    content_types: dict[str, str] = field(default_factory=dict)

    @property
    def image(self) -> bytes:
        """The bytes of the operation's first image field (its primary image)."""
        return self.files.get(OPERATIONS[self.operation].images[0].name, b"")

    @property
    def digest(self) -> str:
        """sha256 hex of :attr:`image`."""
        return digest(self.image)

    def __repr__(self) -> str:
        sizes = {name: len(data) for name, data in self.files.items()}
        return (
            f"Submit(operation={self.operation!r}, task_id={self.task_id!r}, "
            f"fields={self.fields!r}, file_sizes={sizes!r})"
        )


@dataclass
class _Task:
    submit: Submit
    spec: OperationSpec
    fails: bool
    answered_polls: int = 0


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes
    content_type: str = "application/json"


@dataclass
class _Hold:
    event: threading.Event = field(default_factory=threading.Event)
    accept: bool = True
    waiting: int = 0


class _Gate:
    """Lets requests pass, or holds them until :meth:`release` (one hold at a time)."""

    def __init__(self, on_timeout: Callable[[], None]) -> None:
        self._cond = threading.Condition()
        self._passes: int | None = None  # None: not holding
        self._hold: _Hold | None = None
        self._on_timeout = on_timeout

    def hold(self, after: int) -> None:
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            raise ValueError(f"after={after!r} must be an integer >= 0")
        with self._cond:
            if self._hold is not None:
                raise RuntimeError("already holding: release() first")
            self._passes = after
            self._hold = _Hold()

    def admit(self) -> bool:
        """Called by a handler: True to go on, False to drop the request unanswered."""
        with self._cond:
            if self._passes is None or self._hold is None:
                return True
            if self._passes > 0:
                self._passes -= 1
                return True
            hold = self._hold
            hold.waiting += 1
            self._cond.notify_all()
        if not hold.event.wait(HOLD_TIMEOUT):
            self._on_timeout()
            return False
        return hold.accept

    def release(self, accept: bool) -> None:
        with self._cond:
            hold, self._hold, self._passes = self._hold, None, None
        if hold is not None:
            hold.accept = accept
            hold.event.set()

    def wait_held(self, count: int, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(
                lambda: self._hold is not None and self._hold.waiting >= count, timeout
            )

    @property
    def held(self) -> int:
        with self._cond:
            return self._hold.waiting if self._hold is not None else 0


@dataclass(frozen=True)
class _Part:
    name: str
    filename: str | None
    content_type: str
    data: bytes


def _parse_multipart(content_type: str, body: bytes) -> list[_Part]:
    """The parts of a multipart/form-data body; ValueError if it is not one."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise ValueError("not multipart/form-data")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise ValueError(f"malformed multipart body: {message.defects!r}")
    parts: list[_Part] = []
    for part in message.get_payload():
        if not isinstance(part, Message) or part.defects:
            raise ValueError("malformed part")
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if name is None or not isinstance(payload, bytes):
            raise ValueError("a part without a name")
        filename = part.get_filename()
        parts.append(
            _Part(collapse_rfc2231_value(name), filename, part.get_content_type(), payload)
        )
    return parts


def _place(body: dict[str, Any], path: tuple[str, ...], urls: list[str]) -> None:
    """Put ``urls`` at ``path`` (keys; a final ``*`` means a list) inside ``body``."""
    node = body
    for position, step in enumerate(path):
        rest = path[position + 1 :]
        if rest == ("*",):
            node[step] = list(urls)
            return
        if not rest:
            node[step] = urls[0]
            return
        node = node.setdefault(step, {})


class FakeApi:
    """The fake API server. Start it with ``with FakeApi() as fake:`` (or start()/stop()).

    Every counter and list is safe to read from any thread while requests are served:

    - ``submits``: accepted submits (a task exists), in arrival order;
    - ``rejected``: submits that ``decide`` refused (``"reject"`` or ``"credits"``);
    - ``dropped``: held submits released with ``accept=False`` (closed unanswered);
    - ``invalid``: submits answered 400 (missing required fields or not multipart);
    - ``queries``: task queries received with a valid key (held and dropped ones included);
    - ``downloads``: result downloads received; ``downloads_with_key``: of those, how many
      carried the API key header (should stay 0);
    - ``unauthorized``: API requests answered 401;
    - ``errors``: problems inside the fake (an exception in ``decide``, a hold that timed out):
      a test should end with none.

    A task answers ``queued``, then ``processing``, for its first ``polls_until_done`` queries
    and then completes (or fails). A ``*`` result path gets ``results_per_list`` URLs. Result
    files are :func:`result_png` served from ``{url}/results/{task_id}/{index}.png``.
    """

    def __init__(
        self,
        api_key: str = "test-key-7f3a9c",
        *,
        polls_until_done: int = 2,
        decide: Callable[[Submit], str | None] | None = None,
        legacy_envelope: bool = False,
        results_per_list: int = 2,
    ) -> None:
        """Configure the fake; nothing listens before :meth:`start`."""
        if polls_until_done < 0 or results_per_list < 1:
            raise ValueError("polls_until_done must be >= 0 and results_per_list >= 1")
        for spec in OPERATIONS.values():
            if "*" in spec.url_path[:-1] or not spec.url_path:
                raise NotImplementedError(f"{spec.name}: url_path {spec.url_path!r}")
        self._api_key = api_key
        self.polls_until_done = polls_until_done
        self.decide = decide
        self.legacy_envelope = legacy_envelope
        self.results_per_list = results_per_list
        self._routes = {spec.path: spec for spec in OPERATIONS.values()}
        self._lock = threading.Condition(threading.RLock())
        self._tasks: dict[str, _Task] = {}
        self._submits: list[Submit] = []
        self._rejected: list[Submit] = []
        self._dropped: list[Submit] = []
        self._invalid: list[Submit] = []
        self._errors: list[str] = []
        self._queries = 0
        self._downloads = 0
        self._downloads_with_key = 0
        self._unauthorized = 0
        self._submit_gate = _Gate(lambda: self.record_error("a held submit was never released"))
        self._query_gate = _Gate(lambda: self.record_error("a held query was never released"))
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._url = ""

    def __repr__(self) -> str:
        return f"FakeApi(url={self._url or None!r}, api_key=<hidden>)"

    # ------------------------------------------------------------------ lifetime

    def start(self) -> Self:
        """Listen on 127.0.0.1 on a free port, serving from a daemon thread."""
        if self._server is not None:
            raise RuntimeError("the fake API is already running")
        server = _Server(self)
        self._url = f"http://127.0.0.1:{server.server_address[1]}"
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _SERVE_POLL},
            name="fake-ailab-api",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Drop held requests, stop serving and close every connection (idempotent)."""
        server, self._server = self._server, None
        if server is None:
            return
        self._submit_gate.release(accept=False)
        self._query_gate.release(accept=False)
        server.shutdown()
        server.server_close()
        server.close_connections(_JOIN_TIMEOUT)
        if self._thread is not None:
            self._thread.join(_JOIN_TIMEOUT)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:40123`` (set once started)."""
        if not self._url:
            raise RuntimeError("start the fake API first")
        return self._url

    @property
    def api_key(self) -> str:
        """The only key the fake accepts."""
        return self._api_key

    def environ(self) -> dict[str, str]:
        """The environment variables that point the ailab client (and a CLI) at this fake."""
        return {BASE_URL_ENV: self.url, API_KEY_ENV: self._api_key}

    # ------------------------------------------------------------------ what was received

    @property
    def submits(self) -> list[Submit]:
        """Accepted submits, in the order they were recorded (a copy)."""
        with self._lock:
            return list(self._submits)

    @property
    def rejected(self) -> list[Submit]:
        """Submits ``decide`` refused with ``"reject"`` or ``"credits"`` (a copy)."""
        with self._lock:
            return list(self._rejected)

    @property
    def dropped(self) -> list[Submit]:
        """Held submits released with ``accept=False`` (a copy)."""
        with self._lock:
            return list(self._dropped)

    @property
    def invalid(self) -> list[Submit]:
        """Submits answered 400 (a copy)."""
        with self._lock:
            return list(self._invalid)

    @property
    def errors(self) -> list[str]:
        """Problems inside the fake itself (a copy); a passing test leaves none."""
        with self._lock:
            return list(self._errors)

    @property
    def queries(self) -> int:
        """Authorised task queries received."""
        with self._lock:
            return self._queries

    @property
    def downloads(self) -> int:
        """Result download requests received."""
        with self._lock:
            return self._downloads

    @property
    def downloads_with_key(self) -> int:
        """Result downloads that carried the API key header (any value)."""
        with self._lock:
            return self._downloads_with_key

    @property
    def unauthorized(self) -> int:
        """API requests answered 401."""
        with self._lock:
            return self._unauthorized

    def submits_per_file(self) -> Counter[str]:
        """How often each primary image was accepted, keyed by :func:`digest` of its bytes."""
        return Counter(submit.digest for submit in self.submits)

    def task(self, task_id: str) -> Submit | None:
        """The accepted submit that created ``task_id``, if any."""
        with self._lock:
            task = self._tasks.get(task_id)
        return task.submit if task is not None else None

    def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Wait until ``condition()`` holds, re-checked whenever a record changes.

        E.g. ``fake.wait_until(lambda: len(fake.submits) >= 3)``; False if ``timeout`` passed.
        """
        with self._lock:
            return self._lock.wait_for(condition, timeout)

    # ------------------------------------------------------------------ holding requests

    def hold_submits(self, after: int = 0) -> None:
        """Let the next ``after`` submits through, then block later ones before recording.

        Counted from this call, among authorised, well-formed submits. One hold at a time:
        RuntimeError while one is active.
        """
        self._submit_gate.hold(after)

    def wait_held(self, timeout: float = 10.0, count: int = 1) -> bool:
        """Wait until at least ``count`` submits are blocked; False if ``timeout`` passed."""
        return self._submit_gate.wait_held(count, timeout)

    def release(self, accept: bool = True) -> None:
        """End the hold. Held submits are then processed normally (``decide`` applies, and an
        accepted one is recorded even if its client is gone) or, with ``accept=False``, closed
        unanswered and listed in ``dropped``.
        """
        self._submit_gate.release(accept)

    @property
    def held(self) -> int:
        """Submits blocked right now."""
        return self._submit_gate.held

    def hold_queries(self, after: int = 0) -> None:
        """Like :meth:`hold_submits`, for task queries (a held query is already counted)."""
        self._query_gate.hold(after)

    def wait_held_queries(self, timeout: float = 10.0, count: int = 1) -> bool:
        """Wait until at least ``count`` queries are blocked; False if ``timeout`` passed."""
        return self._query_gate.wait_held(count, timeout)

    def release_queries(self, answer: bool = True) -> None:
        """End the query hold: answer held queries, or close them unanswered (no poll used)."""
        self._query_gate.release(answer)

    # ------------------------------------------------------------------ answering

    @contextlib.contextmanager
    def _update(self) -> Iterator[None]:
        """Change the records under the lock, then wake :meth:`wait_until` callers."""
        with self._lock:
            yield
            self._lock.notify_all()

    def record_error(self, text: str) -> None:
        """Note a problem inside the fake (listed by ``errors``)."""
        with self._update():
            self._errors.append(text)

    def _json(self, status: int, body: dict[str, Any]) -> _Answer:
        return _Answer(status, json.dumps(body).encode())

    def _envelope(self, code: str = "", *, status: int = 200) -> dict[str, Any]:
        """The PublicResponseFields of an answer: success (no code) or the error ``code``."""
        _, code_message, message = _ERRORS[code] if code else (200, "", "")
        body: dict[str, Any] = {
            "request_id": str(uuid.uuid4()),
            "log_id": secrets.token_hex(8).upper(),
        }
        detail: dict[str, Any] = {"code": code, "code_message": code_message, "message": message}
        if self.legacy_envelope:
            body.update(
                error_code=0 if status == 200 else status,
                error_code_str=code,
                error_msg=code_message,
            )
            detail = {"status_code": status, **detail}
        body["error_detail"] = detail
        return body

    def failure(self, code: str) -> _Answer:
        """An error answer with ``code``'s status and the spec's envelope."""
        status = _ERRORS[code][0]
        return self._json(status, self._envelope(code, status=status))

    def respond(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> _Answer | None:
        """The answer to one request (None: close the connection unanswered).

        Called by the server's handler threads; ``headers`` has lower-case names.
        """
        parts = urlsplit(target)
        path = parts.path
        if method == "GET" and path.startswith(_RESULTS_PREFIX):
            return self._download(path, headers)
        spec = self._routes.get(path)
        if spec is None and path != QUERY.path:
            return self.failure("ERROR_AI_NOT_EXISTS")
        given = headers.get(API_KEY_HEADER.lower(), "").encode("latin-1", "replace")
        if not hmac.compare_digest(given, self._api_key.encode("latin-1", "replace")):
            with self._update():
                self._unauthorized += 1
            return self.failure("ERROR_APPLICATIONS_NOT_EXISTS")
        if spec is not None and method == "POST":
            return self._submit(spec, headers.get("content-type", ""), body)
        if spec is None and method == "GET":
            values = parse_qs(parts.query, keep_blank_values=True)
            return self._query(values.get(QUERY.task_id_parameter, [""])[0])
        return self.failure("ERROR_AI_NOT_EXISTS")

    def _submit(self, spec: OperationSpec, content_type: str, body: bytes) -> _Answer | None:
        try:
            parts = _parse_multipart(content_type, body)
        except ValueError:
            with self._update():
                self._invalid.append(Submit(spec.name, {}, {}, ""))
            return self.failure("ERROR_INVALID_PARAMETER")
        submit = Submit(
            operation=spec.name,
            fields={p.name: p.data.decode("utf-8", "replace") for p in parts if p.filename is None},
            files={p.name: p.data for p in parts if p.filename is not None},
            task_id=_new_task_id(),
            filenames={p.name: p.filename for p in parts if p.filename is not None},
            content_types={p.name: p.content_type for p in parts if p.filename is not None},
        )
        required = [image.name for image in spec.images if image.required]
        missing = [name for name in required if name not in submit.files] + [
            name
            for name in [p.name for p in spec.params if p.required] + list(spec.constants)
            if name not in submit.fields
        ]
        if missing:
            with self._update():
                self._invalid.append(submit)
            return self.failure("MISSING_PARAMETERS")
        if not self._submit_gate.admit():
            with self._update():
                self._dropped.append(submit)
            return None
        try:
            outcome = self.decide(submit) if self.decide is not None else None
            if outcome is not None and outcome not in _OUTCOMES:
                raise ValueError(f"unknown outcome {outcome!r}")
        except Exception as exc:  # a test's bug: reported through errors
            self.record_error(f"decide raised {type(exc).__name__}: {exc}")
            return self.failure("PROCESSING_FAILURE")
        if outcome in (REJECT, CREDITS):
            with self._update():
                self._rejected.append(submit)
            return self.failure(
                "ERROR_NO_FACE_IN_FILE" if outcome == REJECT else "ERROR_NOT_ENOUGH_CREDITS"
            )
        with self._update():
            self._tasks[submit.task_id] = _Task(submit, spec, fails=outcome == FAIL)
            self._submits.append(submit)
        answer = self._envelope()
        if self.legacy_envelope:
            answer["task_type"] = "async"
        answer["task_id"] = submit.task_id
        return self._json(200, answer)

    def _query(self, task_id: str) -> _Answer | None:
        with self._update():
            self._queries += 1
        if not task_id:
            return self.failure("MISSING_PARAMETERS")
        if not self._query_gate.admit():
            return None
        with self._update():
            task = self._tasks.get(task_id)
            if task is None:
                return self.failure("ERROR_TASK_NOT_EXISTS")
            poll = task.answered_polls
            task.answered_polls += 1
        if poll < self.polls_until_done:
            pending = sorted(QUERY.pending)
            body = self._envelope()
            body["task_status"] = pending[min(poll, len(pending) - 1)]
            return self._json(200, body)
        if task.fails:
            # Older envelope: HTTP 200 with error_code 422, which the wrapper reads as the
            # failure's code; newer envelope: the code only in error_detail.
            body = self._envelope("ERROR_NO_FACE_IN_FILE", status=422)
            body["task_status"] = QUERY.failed[0]
            return self._json(200, body)
        body = self._envelope()
        body["task_status"] = next(iter(QUERY.completed))
        count = self.results_per_list if task.spec.url_path[-1] == "*" else 1
        urls = [f"{self.url}/results/{task_id}/{index}.png" for index in range(count)]
        _place(body, task.spec.url_path, urls)
        return self._json(200, body)

    def _download(self, path: str, headers: Mapping[str, str]) -> _Answer:
        with self._update():
            self._downloads += 1
            if API_KEY_HEADER.lower() in headers:
                self._downloads_with_key += 1
        match = _RESULT_PATH.fullmatch(path)
        with self._lock:
            task = self._tasks.get(match.group(1)) if match else None
            done = task is not None and task.answered_polls > self.polls_until_done
        if match is None or task is None or not done or task.fails:
            return _Answer(404, b"Not Found", "text/plain")
        index = int(match.group(2))
        count = self.results_per_list if task.spec.url_path[-1] == "*" else 1
        if index >= count:
            return _Answer(404, b"Not Found", "text/plain")
        return _Answer(200, result_png(task.submit.task_id, index), "image/png")


class _Handler(BaseHTTPRequestHandler):
    """Reads one request, asks the FakeApi for the answer and writes it."""

    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls on kept-alive connections

    def log_message(self, format: str, *args: Any) -> None:
        """Stay silent: nothing is printed."""

    def do_GET(self) -> None:
        """Serve a GET."""
        self._serve("GET")

    def do_POST(self) -> None:
        """Serve a POST."""
        self._serve("POST")

    def _read_body(self) -> bytes | None:
        """The request body, or None when the client went away before sending all of it."""
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size_line = self.rfile.readline(65537)
                if not size_line:
                    return None
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunk = self.rfile.read(size)
                if len(chunk) < size:
                    return None
                chunks.append(chunk)
                self.rfile.readline(3)
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        return body if len(body) == length else None

    def _serve(self, method: str) -> None:
        fake = self.server.fake
        try:
            body = self._read_body()
        except (OSError, ValueError):  # the client went away, or sent a bad length
            body = None
        if body is None:
            self.close_connection = True
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            answer = fake.respond(method, self.path, headers, body)
        except Exception as exc:
            fake.record_error(f"answering {method} raised {type(exc).__name__}: {exc}")
            answer = fake.failure("PROCESSING_FAILURE")
        if answer is None:
            self.close_connection = True
            return
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
            self.wfile.flush()
        except OSError:
            # The client went away: like a real server, carry on (what it did still counts).
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that knows its FakeApi and can close its open connections."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, fake: FakeApi) -> None:
        self.fake = fake
        self._live_lock = threading.Lock()
        self._live: dict[socket.socket, threading.Thread] = {}
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup of the address."""
        TCPServer.server_bind(self)
        self.server_name = "127.0.0.1"
        self.server_port = self.server_address[1]

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Serve one connection, tracked so that stop() can close it."""
        with self._live_lock:
            self._live[request] = threading.current_thread()
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._live_lock:
                self._live.pop(request, None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Record an unexpected exception (never print it); disconnects are not errors."""
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            self.fake.record_error(f"handler raised {type(error).__name__}: {error}")

    def close_connections(self, timeout: float) -> None:
        """Shut down every open connection and wait for its thread to end."""
        with self._live_lock:
            live = list(self._live.items())
        for sock, _ in live:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for _, thread in live:
            thread.join(max(0.0, deadline - time.monotonic()))
