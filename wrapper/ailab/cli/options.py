"""Command-line options built from the same operation metadata the wrapper uses.

Nothing here names an operation or a field: every option, range, choice and help text comes
from :data:`ailab.operations.OPERATIONS`, which ``nox -s generate`` compiles from the spec.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..specs import ImageField, OperationSpec, Param


def command_name(spec: OperationSpec) -> str:
    """``face_beauty_pro`` -> ``face-beauty-pro``."""
    return spec.name.replace("_", "-")


def primary_image(spec: OperationSpec) -> ImageField:
    """The image a command takes as its argument (and a batch takes from its INPUT)."""
    return next(field for field in spec.images if field.required)


if TYPE_CHECKING:
    _EnumParamType = click.ParamType[Enum]
else:  # click before 8.4 has no generic ParamType at run time
    _EnumParamType = click.ParamType


class NamedChoice(_EnumParamType):
    """One member of an integer enum, by name (``sakura``, ``sunny-day``) or by value (``10``)."""

    name = "choice"

    def __init__(self, enum: type[Enum]) -> None:
        """Accept the members of ``enum``."""
        self.enum = enum
        self.names = {member.name.lower().replace("_", "-"): member for member in enum}

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        """Shown in usage lines."""
        return "NAME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The enum member for a name or value; a usage error (exit 2) otherwise."""
        if isinstance(value, self.enum):
            return value
        text = str(value).strip().lower().replace("_", "-").replace(" ", "-")
        if text in self.names:
            return self.names[text]
        if text.isdigit():
            for member in self.enum:
                if str(member.value) == text:
                    return member
        return self.fail(
            f"{value!r} is not one of {', '.join(self.names)} (or their numbers)", param, ctx
        )

    def listing(self) -> str:
        """Every name with its number, for the help text."""
        return ", ".join(f"{name} ({member.value})" for name, member in self.names.items())


def _option_name(param: Param) -> str:
    return "--" + (param.cli or param.name).replace("_", "-")


def _api_default(param: Param) -> str:
    if param.default is None:
        return ""
    if param.kind == "flag":
        return f" [API default: {'on' if str(param.default) == '1' else 'off'}]"
    return f" [API default: {param.default}]"


def param_option(param: Param) -> click.Option:
    """The option for one form field, with its range or choices from the spec."""
    help_text = param.description
    if param.kind == "flag":
        name = _option_name(param)
        # Unset means "send nothing" (None); a required flag must not get that default.
        unset: dict[str, Any] = {"required": True} if param.required else {"default": None}
        return click.Option(
            [f"{name}/--no-{name[2:]}", param.name],
            help=help_text.split(" 0:")[0] + _api_default(param),  # drop the "0: No. 1: Yes."
            **unset,
        )
    kind: click.ParamType[Any]
    if param.kind == "integer":
        kind = click.IntRange(_int(param.minimum), _int(param.maximum))
    elif param.kind == "number":
        kind = click.FloatRange(param.minimum, param.maximum)
    elif param.enum is not None:
        kind = NamedChoice(param.enum)
        help_text += f" One of: {kind.listing()}."
    else:
        kind = click.Choice([str(choice) for choice in param.choices])
    # No explicit default: click 8.5 treats default=None as given, so required goes unchecked.
    return click.Option(
        [_option_name(param), param.name],
        type=kind,
        required=param.required,
        help=help_text + _api_default(param),
    )


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def image_help(field: ImageField) -> str:
    """The field's description with the limits the client checks before upload."""
    kinds = "/".join(media_type.split("/")[1].upper() for media_type in field.media_types)
    return (
        f"{field.description} {kinds}, at most {field.max_bytes / 1048576:g} MiB, "
        f"{field.min_width}..{field.max_width} x {field.min_height}..{field.max_height} px."
    )


def image_option(field: ImageField) -> click.Option:
    """An option for an image other than the primary one (e.g. ``--top-garment``)."""
    return click.Option(
        ["--" + field.label.replace("_", "-"), field.label],
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        required=field.required,
        help=image_help(field),
    )


def operation_params(spec: OperationSpec, *, with_primary: bool) -> list[click.Parameter]:
    """Every option of ``spec``; the primary image as an argument when ``with_primary``."""
    primary = primary_image(spec)
    params: list[click.Parameter] = []
    if with_primary:
        params.append(
            click.Argument(
                [primary.label],
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
            )
        )
    params += [image_option(field) for field in spec.images if field is not primary]
    params += [param_option(param) for param in spec.params]
    return params


def call_arguments(spec: OperationSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """The wrapper call's keyword arguments from parsed option values (unset ones left out)."""
    names = [field.label for field in spec.images] + [param.name for param in spec.params]
    return {name: values[name] for name in names if values.get(name) is not None}


def fingerprint(spec: OperationSpec, arguments: Mapping[str, Any]) -> dict[str, str]:
    """Option values as text, images other than the primary one as content hashes.

    A batch journal stores this to refuse being resumed with different options.
    """
    primary = primary_image(spec).label
    result: dict[str, str] = {}
    for name, value in sorted(arguments.items()):
        if name == primary:
            continue
        if isinstance(value, Path):
            result[name] = "sha256:" + hashlib.sha256(value.read_bytes()).hexdigest()
        elif isinstance(value, bytes):
            result[name] = "sha256:" + hashlib.sha256(value).hexdigest()
        elif isinstance(value, Enum):
            result[name] = str(value.value)
        else:
            result[name] = str(value)
    return result
