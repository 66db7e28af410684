"""Read what the contract tests need from the merged spec: operations, bodies, examples."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi" / "ailabtools.yaml"
QUERY_PATH = "/api/common/query-async-task-result"
MULTIPART = "multipart/form-data"
_SPEC_URI = "urn:ailabtools-spec"


@dataclass(frozen=True)
class SubmitOperation:
    """One of the submit operations, as declared in the spec."""

    operation_id: str
    path: str
    schema: dict[str, Any]
    encoding: dict[str, Any]
    result: dict[str, Any]

    @property
    def properties(self) -> dict[str, Any]:
        """The multipart body's properties."""
        props: dict[str, Any] = self.schema["properties"]
        return props

    @property
    def required(self) -> list[str]:
        """Names of the required body fields."""
        return list(self.schema.get("required", []))

    def file_fields(self) -> list[str]:
        """Names of the binary (file) fields."""
        return [name for name, prop in self.properties.items() if prop.get("format") == "binary"]


@dataclass(frozen=True)
class Spec:
    """The merged document and the views of it the tests use."""

    document: dict[str, Any]

    def submit_operations(self) -> list[SubmitOperation]:
        """Every POST operation with a multipart body, in document order."""
        found = []
        for path, item in self.document["paths"].items():
            operation = item.get("post")
            if operation is None:
                continue
            media = operation["requestBody"]["content"][MULTIPART]
            found.append(
                SubmitOperation(
                    operation_id=operation["operationId"],
                    path=path,
                    schema=media["schema"],
                    encoding=media.get("encoding", {}),
                    result=operation["x-result"],
                )
            )
        return found

    def query_examples(self) -> dict[str, Any]:
        """Named examples of the task-result endpoint's 200 response."""
        content = self.document["paths"][QUERY_PATH]["get"]["responses"]["200"]["content"]
        examples: dict[str, Any] = content["application/json"]["examples"]
        return examples

    @cached_property
    def _registry(self) -> Registry[Any]:
        resource: Resource[Any] = Resource.from_contents(
            self.document, default_specification=DRAFT4
        )
        empty: Registry[Any] = Registry()
        return empty.with_resources([(_SPEC_URI, resource)])

    def validation_errors(self, instance: Any, schema_pointer: str) -> list[str]:
        """Errors of ``instance`` against the OpenAPI 3.0 schema at ``schema_pointer`` ('#/...')."""
        validator = OAS30Validator(
            {"$ref": f"{_SPEC_URI}{schema_pointer}"}, registry=self._registry
        )
        return [
            f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(instance)
        ]

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """Follow a local ``$ref`` (one level), or return the node itself."""
        ref = node.get("$ref")
        if ref is None:
            return node
        target: Any = self.document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        resolved: dict[str, Any] = target
        return resolved


def load_spec(path: Path = SPEC_PATH) -> Spec:
    """Load the merged spec."""
    return Spec(yaml.safe_load(path.read_text(encoding="utf-8")))


def first_media_type(encoding: dict[str, Any], field: str) -> str:
    """The first content type the spec accepts for a file part."""
    content_type: str = encoding[field]["contentType"]
    return content_type.split(",", maxsplit=1)[0].strip()


def valid_value(prop: dict[str, Any]) -> Any:
    """A valid, non-file value for a body property, read from its schema."""
    if "enum" in prop:
        return prop["enum"][-1]
    if "default" in prop:
        return prop["default"]
    if "minimum" in prop:
        return prop["minimum"]
    raise AssertionError(f"no valid value derivable for {prop}")
