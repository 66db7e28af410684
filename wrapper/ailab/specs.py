"""What the wrapper knows about each operation, as plain data.

The values come from the merged spec: ``nox -s generate`` compiles them into
:mod:`ailab.operations`, so nothing here is copied by hand and no YAML is read at run time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from types import ModuleType
from typing import Literal

ParamKind = Literal["integer", "number", "flag", "choice"]


@dataclass(frozen=True)
class ImageField:
    """A binary form field and the limits the API puts on it (``x-image-limits``).

    ``argument`` is set when the Python argument is named differently from the wire field.
    """

    name: str
    required: bool
    media_types: tuple[str, ...]
    max_bytes: int
    min_width: int
    max_width: int
    min_height: int
    max_height: int
    description: str = ""
    argument: str = ""

    @property
    def label(self) -> str:
        """The name the caller knows: the Python argument (``x-python-name``) or the field."""
        return self.argument or self.name


@dataclass(frozen=True)
class Param:
    """A non-file form field.

    ``kind`` says how a Python value maps to the wire: ``integer`` and ``number`` are range
    checked, ``flag`` is a Python bool sent as ``"0"``/``"1"``, ``choice`` is one of ``choices``.
    ``enum`` is the generated enum class whose members are also accepted (e.g. filter names).
    ``default`` is the API's own default (the wrapper sends nothing when no value is given);
    ``cli`` is the command-line option name when it differs from the field (``x-cli-name``).
    """

    name: str
    kind: ParamKind
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str | int, ...] = ()
    enum: type[Enum] | None = None
    default: str | int | float | None = None
    cli: str = ""
    description: str = ""


@dataclass(frozen=True)
class OperationSpec:
    """One submit operation: its request, its fields and where its result URLs are."""

    name: str
    title: str
    path: str
    description: str
    api: ModuleType
    body_model: type[object]
    images: tuple[ImageField, ...]
    params: tuple[Param, ...]
    constants: dict[str, str] = field(default_factory=dict)
    result_model: type[object] = object
    url_path: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuerySpec:
    """The task-result endpoint and how it spells each task state."""

    api: ModuleType
    path: str
    task_id_parameter: str
    pending: dict[int, str]
    completed: dict[int, str]
    failed: tuple[int, ...]
    poll_interval: float
    retention_hours: int
