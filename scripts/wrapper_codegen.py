"""Compile the merged spec's per-operation facts into ``wrapper/ailab/operations.py``.

The wrapper never reads YAML at run time and never repeats a limit by hand: this module turns
each submit operation (fields, ``x-image-limits``, ``x-result``) and the task-result endpoint
(``x-task-query``) into Python data plus one typed class per operation, sync and async.
``scripts/generate.py`` runs it after the low-level client is generated; ``--check`` diffs it.

Rules that map OpenAPI to Python (documented in README "Use the client"):
- ``format: binary`` fields are images; required ones are positional, the rest keyword-only.
- a required single-value ``enum`` (``task_type: [async]``) is a constant the wrapper sends.
- a string enum of exactly ``"0"``/``"1"`` is a Python ``bool`` flag.
- other enums are choices (``Literal`` for strings; ints also accept the generated enum class).
- ``integer``/``number`` fields are range-checked ints/floats.
- ``x-python-name`` renames the argument (the wire name is unchanged).
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
OPERATIONS_MODULE = REPO_ROOT / "wrapper" / "ailab" / "operations.py"
MULTIPART = "multipart/form-data"
GENERATED_PACKAGE = "ailab_api"
# Keyword arguments every operation call takes besides the API's own fields.
CALL_OPTIONS = ("timeout", "poll_interval", "on_status")
_WAIT_OPTIONS_DOC = (
    "timeout: Overall deadline in seconds (default: the client's wait_timeout).",
    "poll_interval: Seconds between status queries (default: the client's).",
    "on_status: Called with a StatusChange whenever the task's status changes.",
)
_URL_PATH = re.compile(r"^\$((?:\.[A-Za-z_][A-Za-z0-9_]*)+)(\[\*\])?$")


class CodegenError(Exception):
    """The spec uses something the wrapper generator cannot express."""


def snake(text: str) -> str:
    """``Portrait Effects`` -> ``portrait_effects`` (openapi-python-client's module names)."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def pascal(text: str) -> str:
    """``face_beauty_pro`` -> ``FaceBeautyPro`` (openapi-python-client's class names)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text))


def url_path(expression: str) -> tuple[str, ...]:
    """Compile an ``x-result.urls`` JSONPath (``$.a.b`` or ``$.a.b[*]``) to key steps."""
    match = _URL_PATH.match(expression)
    if match is None:
        raise CodegenError(f"x-result.urls {expression!r}: only $.name.name and [*] are supported")
    steps = tuple(match.group(1).lstrip(".").split("."))
    return (*steps, "*") if match.group(2) else steps


@dataclass(frozen=True)
class Field:
    """One form field of a submit operation, as the generated code will expose it."""

    wire: str
    python: str
    kind: str  # image, constant, integer, number, flag, choice
    required: bool
    schema: dict[str, Any]
    enum_class: str | None = None

    @property
    def help(self) -> str:
        """The field's own description, plain, without a list of values or limits."""
        text = str(self.schema.get("description", "")).split("<li>")[0]
        text = re.sub(r"<[^>]+>", " ", text)
        text = re.sub(r"\s+", " ", text.replace("`", "")).strip()
        text = re.split(r"\s-\s", f" {text}", maxsplit=1)[0].strip()  # drop "- Image format: .."
        if not text:
            return "The input image." if self.kind == "image" else self.wire
        return text

    @property
    def description(self) -> str:
        """The field's description for a docstring."""
        if self.kind == "choice" and self.enum_class:
            return f"One of {self.enum_class}'s {len(self.schema['enum'])} members, or its value."
        return self.help


@dataclass(frozen=True)
class Operation:
    """A submit operation with everything the template needs."""

    operation_id: str
    path: str
    title: str
    description: str
    module: str
    body_model: str
    result_model: str
    url_path: tuple[str, ...]
    fields: tuple[Field, ...]

    @property
    def class_name(self) -> str:
        """The sync class; the async one is prefixed with ``Async``."""
        return pascal(self.operation_id)

    @property
    def constant(self) -> str:
        """Name of the module-level OperationSpec."""
        return self.operation_id.upper()


def _field(
    operation_id: str, body_model: str, wire: str, schema: dict[str, Any], *, required: bool
) -> Field:
    python = str(schema.get("x-python-name", wire))
    if not python.isidentifier():
        raise CodegenError(f"{operation_id}.{wire}: {python!r} is not a Python identifier")
    if python in CALL_OPTIONS:
        raise CodegenError(f"{operation_id}.{wire}: {python!r} clashes with a call option")
    enum = schema.get("enum")
    if schema.get("format") == "binary":
        if "x-image-limits" not in schema:
            raise CodegenError(f"{operation_id}.{wire}: binary field without x-image-limits")
        return Field(wire, python, "image", required, schema)
    if enum is not None and len(enum) == 1 and required:
        return Field(wire, python, "constant", required, schema)
    if enum is not None and sorted(map(str, enum)) == ["0", "1"] and schema.get("type") == "string":
        return Field(wire, python, "flag", required, schema)
    if enum is not None:
        enum_class = body_model + pascal(wire) if schema.get("type") == "integer" else None
        return Field(wire, python, "choice", required, schema, enum_class)
    if schema.get("type") in ("integer", "number"):
        return Field(wire, python, str(schema["type"]), required, schema)
    raise CodegenError(f"{operation_id}.{wire}: no Python mapping for {schema!r}")


def operations(document: dict[str, Any]) -> list[Operation]:
    """Every operation carrying ``x-result``, in document order."""
    found: list[Operation] = []
    for path, item in document["paths"].items():
        for operation in item.values():
            if not isinstance(operation, dict) or "x-result" not in operation:
                continue
            operation_id = str(operation["operationId"])
            schema = operation["requestBody"]["content"][MULTIPART]["schema"]
            required = set(schema.get("required", []))
            body_model = pascal(operation_id) + "Body"
            fields = tuple(
                _field(operation_id, body_model, name, prop, required=name in required)
                for name, prop in schema["properties"].items()
            )
            found.append(
                Operation(
                    operation_id=operation_id,
                    path=str(path),
                    title=str(operation.get("summary", operation_id)),
                    description=str(operation.get("description", "")).strip(),
                    module=f"{GENERATED_PACKAGE}.api.{snake(operation['tags'][0])}.{operation_id}",
                    body_model=body_model,
                    result_model=str(operation["x-result"]["schema"]),
                    url_path=url_path(str(operation["x-result"]["urls"])),
                    fields=fields,
                )
            )
    if not found:
        raise CodegenError("the spec has no operation with x-result")
    return found


def _query(document: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    for path, item in document["paths"].items():
        for operation in item.values():
            if isinstance(operation, dict) and "x-task-query" in operation:
                module = f"{GENERATED_PACKAGE}.api.{snake(operation['tags'][0])}."
                return module + str(operation["operationId"]), str(path), operation["x-task-query"]
    raise CodegenError("the spec has no operation with x-task-query")


def _states(document: dict[str, Any], schema_name: str) -> dict[int, str]:
    schema = document["components"]["schemas"][schema_name]
    if "allOf" in schema:
        schema = schema["allOf"][-1]["properties"]["task_status"]
    names = [str(name).lower() for name in schema["x-enum-varnames"]]
    return dict(zip((int(value) for value in schema["enum"]), names, strict=True))


def _api_key_header(document: dict[str, Any]) -> str:
    names = [requirement for entry in document.get("security", []) for requirement in entry]
    schemes = document["components"]["securitySchemes"]
    headers = [
        str(schemes[name]["name"])
        for name in names
        if schemes[name].get("type") == "apiKey" and schemes[name].get("in") == "header"
    ]
    if len(headers) != 1:
        raise CodegenError("expected exactly one global apiKey header security scheme")
    return headers[0]


# ------------------------------------------------------------------ rendering


def _doc(text: str, indent: int) -> list[str]:
    return textwrap.wrap(text, width=96 - indent) or [""]


def _text(value: str) -> str:
    """A string literal, split into implicitly joined pieces so no line runs past the limit."""
    pieces = textwrap.wrap(value, width=70, drop_whitespace=False, break_long_words=False)
    if len(pieces) <= 1:
        return repr(value)
    return "(" + " ".join(repr(piece) for piece in pieces) + ")"


def _python_type(field: Field) -> str:
    schema = field.schema
    if field.kind == "image":
        return "ImageInput"
    if field.kind == "integer":
        return "int"
    if field.kind == "number":
        return "float"
    if field.kind == "flag":
        return "bool"
    if field.enum_class:
        return f"int | {field.enum_class}"
    return "Literal[" + ", ".join(repr(value) for value in schema["enum"]) + "]"


def _signature(operation: Operation) -> tuple[list[str], list[str]]:
    """(positional, keyword-only) parameters of an operation call, as source text."""
    positional = [f for f in operation.fields if f.kind == "image" and f.required]
    keyword_required = [
        f for f in operation.fields if f.kind not in ("image", "constant") and f.required
    ]
    optional_images = [f for f in operation.fields if f.kind == "image" and not f.required]
    optional = [
        f for f in operation.fields if f.kind not in ("image", "constant") and not f.required
    ]
    params = [f"{f.python}: {_python_type(f)}" for f in keyword_required]
    params += [f"{f.python}: {_python_type(f)} | None = None" for f in optional_images]
    # None sends nothing, so the API's own default applies (and stays current if it changes).
    params += [f"{f.python}: {_python_type(f)} | None = None" for f in optional]
    return [f"{f.python}: {_python_type(f)}" for f in positional], params


def _args_doc(operation: Operation, indent: int) -> list[str]:
    lines = ["Args:"]
    for f in operation.fields:
        if f.kind == "constant":
            continue
        if f.kind == "image":
            limits = f.schema["x-image-limits"]
            kinds = ", ".join(t.split("/")[1].upper() for t in limits["media-types"])
            text = (
                f"{f.description} A path, bytes or binary file: {kinds}, at most "
                f"{limits['max-bytes']:,} bytes, {limits['min-width']}..{limits['max-width']} x "
                f"{limits['min-height']}..{limits['max-height']} px."
            )
        else:
            text = f.description
            if f.kind in ("integer", "number") and "minimum" in f.schema:
                text += f" Range {f.schema['minimum']}..{f.schema['maximum']}."
            if "default" in f.schema:
                default = f.schema["default"]
                if f.kind == "flag":
                    default = "on" if str(default) == "1" else "off"
                text += f" The API's default is {default}."
        wrapped = _doc(f"{f.python}: {text}", indent + 4)
        lines.append("    " + wrapped[0])
        lines += ["        " + line for line in wrapped[1:]]
    return lines


def _call_values(operation: Operation) -> tuple[str, str]:
    images = ", ".join(f'"{f.wire}": {f.python}' for f in operation.fields if f.kind == "image")
    params = ", ".join(
        f'"{f.wire}": {f.python}' for f in operation.fields if f.kind not in ("image", "constant")
    )
    return "{" + images + "}", "{" + params + "}"


def _choices(values: list[Any]) -> str:
    """Source for a choices tuple; a run of consecutive integers becomes a range."""
    if all(isinstance(value, int) for value in values) and values == list(
        range(values[0], values[0] + len(values))
    ):
        return f"tuple(range({values[0]}, {values[0] + len(values)}))"
    return repr(tuple(values))


def _spec_literal(operation: Operation) -> Iterator[str]:
    alias = f"_{operation.operation_id}_api"
    yield f"{operation.constant} = OperationSpec("
    yield f"    name={operation.operation_id!r},"
    yield f"    title={operation.title!r},"
    yield f"    path={operation.path!r},"
    yield f"    description={_text(operation.description)},"
    yield f"    api={alias},"
    yield f"    body_model={operation.body_model},"
    yield "    images=("
    for f in operation.fields:
        if f.kind != "image":
            continue
        limits = f.schema["x-image-limits"]
        yield (
            f"        ImageField(name={f.wire!r}, required={f.required}, "
            f"media_types={tuple(limits['media-types'])!r}, max_bytes={limits['max-bytes']}, "
            f"min_width={limits['min-width']}, max_width={limits['max-width']}, "
            f"min_height={limits['min-height']}, max_height={limits['max-height']}, "
            f"description={_text(f.help)}"
            + (f", argument={f.python!r}" if f.python != f.wire else "")
            + "),"
        )
    yield "    ),"
    yield "    params=("
    for f in operation.fields:
        if f.kind in ("image", "constant"):
            continue
        parts = [f"name={f.wire!r}", f"kind={f.kind!r}"]
        if f.required:
            parts.append("required=True")
        if f.kind in ("integer", "number"):
            parts += [
                f"minimum={f.schema.get('minimum')!r}",
                f"maximum={f.schema.get('maximum')!r}",
            ]
        if f.kind == "choice":
            parts.append(f"choices={_choices(f.schema['enum'])}")
        if f.enum_class:
            parts.append(f"enum={f.enum_class}")
        if "default" in f.schema:
            parts.append(f"default={f.schema['default']!r}")
        if "x-cli-name" in f.schema:
            parts.append(f"cli={str(f.schema['x-cli-name'])!r}")
        parts.append(f"description={_text(f.help)}")
        yield f"        Param({', '.join(parts)}),"
    yield "    ),"
    constants = {f.wire: str(f.schema["enum"][0]) for f in operation.fields if f.kind == "constant"}
    yield f"    constants={constants!r},"
    yield f"    result_model={operation.result_model},"
    yield f"    url_path={operation.url_path!r},"
    yield ")"


def _submit_method(operation: Operation, signature: str, *, is_async: bool) -> Iterator[str]:
    images, params = _call_values(operation)
    yield f"    {'async def' if is_async else 'def'} submit({signature}) -> Task:"
    yield f'        """Validate and submit a {operation.operation_id} task; return its Task.'
    yield ""
    yield "        Takes the same arguments as calling the operation, without the wait options."
    yield '        """'
    yield f"        return {'await ' if is_async else ''}self._submit({images}, {params})"


def _classes(operation: Operation) -> Iterator[str]:
    positional, keywords = _signature(operation)
    call_signature = ", ".join(["self", *positional, "*", *keywords])
    submit_signature = ", ".join(["self", *positional, *(["*", *keywords] if keywords else [])])
    images, params = _call_values(operation)
    model = operation.result_model
    summary = [f"{operation.title}.", "", *_doc(operation.description, 4)]
    for flavour in ("sync", "async"):
        is_async = flavour == "async"
        name = ("Async" if is_async else "") + operation.class_name
        base = "AsyncOperation" if is_async else "SyncOperation"
        result = f"AsyncResult[{model}]" if is_async else f"Result[{model}]"
        prefix = "async def" if is_async else "def"
        wait = "await " if is_async else ""
        yield ""
        yield ""
        yield f"class {name}({base}[{model}]):"
        yield '    """' + summary[0]
        yield from ("    " + line for line in summary[1:])
        yield ""
        yield "    Call it to submit, wait and get the finished result; ``submit`` returns as soon"
        yield "    as the task id is known. Arguments are validated before anything is sent."
        yield '    """'
        yield ""
        yield f"    spec = {operation.constant}"
        yield ""
        yield f"    {prefix} __call__("
        yield f"        {call_signature},"
        yield "        timeout: float | None = None,"
        yield "        poll_interval: float | None = None,"
        yield "        on_status: StatusCallback | None = None,"
        yield f"    ) -> {result}:"
        yield f'        """Submit a {operation.operation_id} task, wait and return its result.'
        yield ""
        yield from ("        " + line for line in _args_doc(operation, 8))
        yield from (" " * 12 + line for line in _WAIT_OPTIONS_DOC)
        yield ""
        yield '        """'
        yield f"        return {wait}self._run("
        yield f"            {images},"
        yield f"            {params},"
        yield "            timeout=timeout,"
        yield "            poll_interval=poll_interval,"
        yield "            on_status=on_status,"
        yield "        )"
        yield ""
        yield from _submit_method(operation, submit_signature, is_async=is_async)


def _exports(ops: list[Operation], enum_classes: list[str]) -> list[str]:
    classes = [name for op in ops for name in (op.class_name, "Async" + op.class_name)]
    fixed = ["API_KEY_HEADER", "DEFAULT_BASE_URL", "OPERATIONS", "QUERY"]
    names = [*fixed, "Operations", "AsyncOperations", *enum_classes, *classes]
    # ruff's RUF022 order: CONSTANTS, then Classes, then the rest.
    return sorted(names, key=lambda name: (not name.isupper(), not name[:1].isupper(), name))


def render(document: dict[str, Any]) -> str:
    """The source of ``wrapper/ailab/operations.py`` for this spec (before formatting)."""
    ops = operations(document)
    query_module, query_path, query = _query(document)
    enum_classes = sorted({f.enum_class for op in ops for f in op.fields if f.enum_class})
    models = sorted(
        {op.body_model for op in ops} | {op.result_model for op in ops} | set(enum_classes)
    )
    info = document["info"]
    lines = [
        '"""The AILabTools operations, compiled from ``openapi/ailabtools.yaml``.',
        "",
        "Generated by ``nox -s generate`` (scripts/wrapper_codegen.py): do not edit by hand.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Literal",
        "",
    ]
    query_package, query_name = query_module.rsplit(".", 1)
    lines.append(f"from {query_package} import {query_name} as _query_api")
    for op in ops:
        package, module = op.module.rsplit(".", 1)
        lines.append(f"from {package} import {module} as _{op.operation_id}_api")
    lines.append(f"from {GENERATED_PACKAGE}.models import {', '.join(models)}")
    lines += [
        "",
        "from .calls import AsyncOperation, ImageInput, StatusCallback, SyncOperation",
        "from .engine import AsyncEngine, SyncEngine",
        "from .results import AsyncResult, Result, Task",
        "from .specs import ImageField, OperationSpec, Param, QuerySpec",
        "",
        f"__all__ = {_exports(ops, enum_classes)!r}",
        "",
        f"DEFAULT_BASE_URL = {str(document['servers'][0]['url']).rstrip('/')!r}",
        f"API_KEY_HEADER = {_api_key_header(document)!r}",
        "",
        "QUERY = QuerySpec(",
        "    api=_query_api,",
        f"    path={query_path!r},",
        f"    task_id_parameter={query['task-id-parameter']!r},",
        f"    pending={_states(document, 'AsyncTaskPending')!r},",
        f"    completed={_states(document, 'AsyncTaskCompletedStatus')!r},",
        f"    failed={tuple(int(value) for value in query.get('failed-statuses', []))!r},",
        f"    poll_interval={float(info['x-poll-interval-seconds'])!r},",
        f"    retention_hours={int(info['x-result-retention-hours'])!r},",
        ")",
        "",
    ]
    for op in ops:
        lines += list(_spec_literal(op))
        lines.append("")
    lines.append("OPERATIONS: dict[str, OperationSpec] = {")
    lines += [f"    {op.operation_id!r}: {op.constant}," for op in ops]
    lines.append("}")
    for op in ops:
        lines += list(_classes(op))
    for flavour in ("sync", "async"):
        is_async = flavour == "async"
        cls = "AsyncOperations" if is_async else "Operations"
        engine = "AsyncEngine" if is_async else "SyncEngine"
        lines += ["", "", f"class {cls}:"]
        owner = "AsyncClient" if is_async else "Client"
        lines.append(f'    """One attribute per operation, bound to a {owner}."""')
        lines.append("")
        lines.append(f"    def __init__(self, engine: {engine}) -> None:")
        lines.append('        """Bind every operation to the engine that sends its requests."""')
        for op in ops:
            name = ("Async" if is_async else "") + op.class_name
            lines.append(f"        self.{op.operation_id} = {name}(engine)")
    return "\n".join(lines) + "\n"


def format_source(source: str, path: Path) -> str:
    """Format with the repository's pinned ruff and settings (so the output is reproducible)."""
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(path), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
    )
    if formatted.returncode != 0:
        raise CodegenError(
            f"ruff format failed on the generated wrapper module:\n{formatted.stderr}"
        )
    return formatted.stdout


def build_operations_module(document: dict[str, Any], path: Path = OPERATIONS_MODULE) -> str:
    """Render and format the module for ``path`` (not written)."""
    return format_source(render(document), path)
