"""Find the generated client's pieces for an operation, by the names the generator gives them."""

from __future__ import annotations

import importlib
import pkgutil
from io import BytesIO
from types import ModuleType
from typing import Any

import ailab_api.api
import ailab_api.models
from ailab_api import AuthenticatedClient
from ailab_api.types import File

from contract_tests.images import png_bytes
from contract_tests.spec_model import SubmitOperation, valid_value


def operation_module(operation_id: str) -> ModuleType:
    """The generated module of an operation (``ailab_api.api.<tag>.<operation_id>``)."""
    for package in pkgutil.iter_modules(ailab_api.api.__path__):
        name = f"ailab_api.api.{package.name}.{operation_id}"
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    raise LookupError(f"no generated module for operation {operation_id}")


def model(name: str) -> type[Any]:
    """A generated model class by its schema name."""
    cls: type[Any] = getattr(ailab_api.models, name)
    return cls


def pascal(operation_id: str) -> str:
    """``face_beauty_pro`` -> ``FaceBeautyPro``, the generator's class-name prefix."""
    return "".join(part.capitalize() for part in operation_id.split("_"))


def make_client(base_url: str, api_key: str, **headers: str) -> AuthenticatedClient:
    """A generated client sending the key as the raw ``ailabapi-api-key`` header."""
    return AuthenticatedClient(
        base_url=base_url,
        token=api_key,
        prefix="",
        auth_header_name="ailabapi-api-key",
        headers=headers,
        raise_on_unexpected_status=True,
    )


def valid_body(operation: SubmitOperation) -> Any:
    """A generated body model holding a valid value for every field of the operation."""
    values = {
        name: valid_value(prop)
        for name, prop in operation.properties.items()
        if prop.get("format") != "binary"
    }
    files = {name: b"" for name in operation.file_fields()}
    body = model(f"{pascal(operation.operation_id)}Body").from_dict({**values, **files})
    for name in operation.file_fields():
        setattr(
            body,
            name,
            File(payload=BytesIO(png_bytes()), file_name=f"{name}.png", mime_type="image/png"),
        )
    return body
