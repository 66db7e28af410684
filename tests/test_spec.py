"""Invariants of the committed openapi/ailabtools.yaml that the client and its users rely on."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, NamedTuple

import jsonpath
import pytest
from openapi_spec_validator import validate as validate_openapi

from contract_tests.spec_model import Spec, load_spec

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}

OPERATION_IDS = {
    ("post", "/api/portrait/editing/ai-waist-slimming"): "waist_slimming",
    ("post", "/api/portrait/effects/smart-beauty"): "smart_beauty",
    ("post", "/api/portrait/effects/face-beauty-pro"): "face_beauty_pro",
    ("post", "/api/portrait/enhance/try-on-clothes-refiner"): "try_on_clothes_refiner",
    ("post", "/api/portrait/effects/smart-skin-advanced"): "smart_skin_advanced",
    ("get", "/api/common/query-async-task-result"): "query_async_task_result",
}
QUERY = "query_async_task_result"
SUBMIT_OPERATIONS = sorted(set(OPERATION_IDS.values()) - {QUERY})
ERROR_STATUSES = [
    "400",
    "401",
    "403",
    "404",
    "413",
    "415",
    "422",
    "429",
    "500",
    "502",
    "503",
    "504",
]
API_KEY = "ailabapi-api-key"
FACE_BEAUTY_PRO_LEVELS = [
    "whitening",
    "smoothing",
    "thinface",
    "shrink_face",
    "enlarge_eye",
    "remove_eyebrow",
]
SKIN_FLAGS = [
    "smart_skin",
    "acne_removal",
    "spot_correction",
    "skin_brightening",
    "skin_smoothing",
    "pore_control",
    "wrinkle_reduction",
    "under_eye_correction",
    "scar_reduction",
]


# ---------------------------------------------------------------- helpers


@functools.cache
def loaded() -> Spec:
    return load_spec()


def spec() -> dict[str, Any]:
    return loaded().document


def pointer_part(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def lookup(pointer: str) -> Any:
    """The node at a JSON pointer ('#/a/b') of the spec."""
    assert pointer.startswith("#/"), pointer
    node: Any = spec()
    for part in pointer[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


class Located(NamedTuple):
    """A node of the spec and the JSON pointer it lives at (after following $ref)."""

    node: Any
    pointer: str


def follow(node: Any, pointer: str) -> Located:
    while isinstance(node, dict) and "$ref" in node:
        pointer = node["$ref"]
        node = lookup(pointer)
    return Located(node, pointer)


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def operation(operation_id: str) -> dict[str, Any]:
    [found] = [op for _, _, op in operations() if op.get("operationId") == operation_id]
    return found


def operation_pointer(operation_id: str) -> str:
    [found] = [
        f"#/paths/{pointer_part(path)}/{method}"
        for method, path, op in operations()
        if op.get("operationId") == operation_id
    ]
    return found


def response(operation_id: str, status: str) -> Located:
    pointer = f"{operation_pointer(operation_id)}/responses/{status}"
    return follow(lookup(pointer), pointer)


def form(operation_id: str) -> dict[str, Any]:
    """The multipart/form-data media type object of an operation's request body."""
    media = operation(operation_id)["requestBody"]["content"]["multipart/form-data"]
    assert isinstance(media, dict)
    return media


def form_property(operation_id: str, name: str) -> dict[str, Any]:
    schema = form(operation_id)["schema"]["properties"][name]
    assert isinstance(schema, dict)
    return schema


def query_examples() -> dict[str, Any]:
    examples = response(QUERY, "200").node["content"]["application/json"]["examples"]
    assert isinstance(examples, dict)
    return examples


def schema_errors(schema_pointer: str, instance: Any) -> list[str]:
    """Validation errors of ``instance`` against the OpenAPI 3.0 schema at ``schema_pointer``."""
    return loaded().validation_errors(instance, schema_pointer)


class NamedExample(NamedTuple):
    schema_pointer: str
    value: Any


@functools.cache
def response_examples() -> dict[str, NamedExample]:
    """Every named example of every response, once per response definition.

    Keys read ``BadRequest:MISSING_PARAMETERS`` for shared responses and
    ``query_async_task_result 200:queued`` for an operation's own.
    """
    found: dict[str, NamedExample] = {}
    for _, _, op in operations():
        for status in op["responses"]:
            resolved = response(op["operationId"], status)
            shared = resolved.pointer.startswith("#/components/responses/")
            label = (
                resolved.pointer.rsplit("/", 1)[1] if shared else f"{op['operationId']} {status}"
            )
            for media_type, media in resolved.node.get("content", {}).items():
                media_pointer = f"{resolved.pointer}/content/{pointer_part(media_type)}"
                schema_pointer = follow(media["schema"], f"{media_pointer}/schema").pointer
                for name, example in media.get("examples", {}).items():
                    value = follow(example, f"{media_pointer}/examples/{name}").node["value"]
                    found[f"{label}:{name}"] = NamedExample(schema_pointer, value)
    return found


def multipart_properties() -> list[tuple[str, str]]:
    return [
        (operation_id, name)
        for operation_id in SUBMIT_OPERATIONS
        for name in form(operation_id)["schema"]["properties"]
    ]


def binary_properties() -> list[tuple[str, str]]:
    return [
        (operation_id, name)
        for operation_id, name in multipart_properties()
        if form_property(operation_id, name).get("format") == "binary"
    ]


def field_params(fields: list[tuple[str, str]]) -> list[Any]:
    """Parameters (operation_id, name) with readable ids such as ``smart_beauty.image_target``."""
    return [pytest.param(op, name, id=f"{op}.{name}") for op, name in fields]


def is_int(value: Any) -> bool:
    return type(value) is int


def all_refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from all_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from all_refs(item)


# ---------------------------------------------------------------- the document as a whole


def test_spec_is_a_valid_openapi_3_0_document() -> None:
    assert spec()["openapi"].startswith("3.0.")
    validate_openapi(spec())


def test_every_ref_resolves() -> None:
    refs = set(all_refs(spec()))

    assert refs
    for ref in refs:
        lookup(ref)


def test_exactly_the_six_operations_with_their_operation_ids() -> None:
    found = {(method, path): op.get("operationId") for method, path, op in operations()}

    assert found == OPERATION_IDS


# ---------------------------------------------------------------- security


def test_the_only_security_scheme_is_the_api_key_header() -> None:
    schemes = spec()["components"]["securitySchemes"]

    assert list(schemes) == [API_KEY]
    assert schemes[API_KEY]["type"] == "apiKey"
    assert schemes[API_KEY]["in"] == "header"
    assert schemes[API_KEY]["name"] == "ailabapi-api-key"
    assert spec()["security"] == [{API_KEY: []}]


@pytest.mark.parametrize("operation_id", sorted(OPERATION_IDS.values()))
def test_every_operation_requires_the_api_key(operation_id: str) -> None:
    assert operation(operation_id)["security"] == [{API_KEY: []}]


# ---------------------------------------------------------------- error responses


@pytest.mark.parametrize("status", ERROR_STATUSES)
@pytest.mark.parametrize("operation_id", sorted(OPERATION_IDS.values()))
def test_every_operation_documents_each_error_status(operation_id: str, status: str) -> None:
    assert status in operation(operation_id)["responses"]
    media = response(operation_id, status).node["content"]["application/json"]

    assert media["schema"] == {"$ref": "#/components/schemas/PublicResponseFields"}
    examples = media.get("examples") or {}
    assert examples, f"{operation_id} {status} has no named example"
    for name, example in examples.items():
        code = example["value"]["error_detail"]["code"]
        assert isinstance(code, str)
        assert code, f"{operation_id} {status} example {name} has an empty error code"


# ---------------------------------------------------------------- multipart request bodies


@pytest.mark.parametrize("operation_id", SUBMIT_OPERATIONS)
def test_multipart_body_is_required_and_closed(operation_id: str) -> None:
    body = operation(operation_id)["requestBody"]
    schema = form(operation_id)["schema"]

    assert body["required"] is True
    assert list(body["content"]) == ["multipart/form-data"]
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema.get("required", [])) <= set(schema["properties"])


@pytest.mark.parametrize(("operation_id", "name"), field_params(binary_properties()))
def test_every_file_part_has_image_limits(operation_id: str, name: str) -> None:
    limits = form_property(operation_id, name)["x-image-limits"]

    media_types = limits["media-types"]
    assert media_types
    assert all(isinstance(media, str) and media.startswith("image/") for media in media_types)
    assert len(set(media_types)) == len(media_types)
    assert is_int(limits["max-bytes"])
    assert limits["max-bytes"] > 0
    for side in ("width", "height"):
        low, high = limits[f"min-{side}"], limits[f"max-{side}"]
        assert is_int(low)
        assert is_int(high)
        assert 1 <= low <= high


@pytest.mark.parametrize(("operation_id", "name"), field_params(binary_properties()))
def test_every_file_part_declares_its_content_types(operation_id: str, name: str) -> None:
    content_type = form(operation_id)["encoding"][name]["contentType"]
    declared = [part.strip() for part in content_type.split(",")]

    assert declared == form_property(operation_id, name)["x-image-limits"]["media-types"]


@pytest.mark.parametrize("operation_id", SUBMIT_OPERATIONS)
def test_encoding_only_names_file_parts(operation_id: str) -> None:
    files = {name for op, name in binary_properties() if op == operation_id}

    assert files
    assert set(form(operation_id)["encoding"]) == files


@pytest.mark.parametrize(("operation_id", "name"), field_params(multipart_properties()))
def test_form_field_defaults_and_examples_are_valid_values(operation_id: str, name: str) -> None:
    schema = form_property(operation_id, name)
    pointer = (
        f"{operation_pointer(operation_id)}/requestBody/content/multipart~1form-data"
        f"/schema/properties/{name}"
    )
    for key in ("default", "example"):
        if key in schema:
            assert schema_errors(pointer, schema[key]) == [], f"{key} of {name}"


# ---------------------------------------------------------------- async results


def test_task_id_query_parameter_cannot_be_empty() -> None:
    [parameter] = operation(QUERY)["parameters"]

    assert parameter["name"] == "task_id"
    assert parameter["in"] == "query"
    assert parameter["required"] is True
    assert parameter["schema"]["type"] == "string"
    assert parameter["schema"]["minLength"] == 1


@pytest.mark.parametrize("operation_id", SUBMIT_OPERATIONS)
def test_submit_operation_points_at_its_result(operation_id: str) -> None:
    result = operation(operation_id)["x-result"]

    assert set(result) == {"schema", "example", "urls"}
    schema_pointer = f"#/components/schemas/{result['schema']}"
    assert {"$ref": schema_pointer} in spec()["components"]["schemas"]["AsyncTaskResult"]["oneOf"]
    assert result["example"] in query_examples()

    value = query_examples()[result["example"]]["value"]
    assert schema_errors(schema_pointer, value) == []
    urls = jsonpath.JSONPathEnvironment(strict=True).findall(result["urls"], value)
    assert urls
    assert all(isinstance(url, str) and url.startswith("https://") for url in urls)


def test_every_completed_result_shape_belongs_to_one_submit_operation() -> None:
    one_of = spec()["components"]["schemas"]["AsyncTaskResult"]["oneOf"]
    result_schemas = sorted(operation(op)["x-result"]["schema"] for op in SUBMIT_OPERATIONS)

    assert one_of[0] == {"$ref": "#/components/schemas/AsyncTaskPending"}
    assert sorted(entry["$ref"].rsplit("/", 1)[1] for entry in one_of[1:]) == result_schemas


@pytest.mark.parametrize("name", ["queued", "processing"])
def test_pending_examples_are_pending(name: str) -> None:
    value = query_examples()[name]["value"]

    assert schema_errors("#/components/schemas/AsyncTaskPending", value) == []


def test_every_response_has_named_examples() -> None:
    assert len(response_examples()) >= 30


@pytest.mark.parametrize("name", sorted(response_examples()))
def test_every_named_response_example_validates(name: str) -> None:
    example = response_examples()[name]

    assert schema_errors(example.schema_pointer, example.value) == []


@pytest.mark.parametrize(
    "broken",
    [
        {"task_status": 3, "error_detail": {"code": "", "code_message": "", "message": ""}},
        {"task_status": 2, "error_detail": {"code": "", "code_message": "", "message": ""}},
        {"task_status": 0},
        {"task_status": 0, "error_detail": {"code": "", "code_message": ""}},
        {"task_status": "0", "error_detail": {"code": "", "code_message": "", "message": ""}},
    ],
    ids=["unknown-status", "completed-without-result", "no-error-detail", "short-detail", "str"],
)
def test_the_example_check_rejects_an_invalid_query_response(broken: dict[str, Any]) -> None:
    assert schema_errors("#/components/schemas/AsyncTaskResult", broken) != []


# ---------------------------------------------------------------- settled values


@pytest.mark.parametrize(
    "operation_id", ["smart_beauty", "face_beauty_pro", "try_on_clothes_refiner"]
)
def test_task_type_is_async_only_and_required(operation_id: str) -> None:
    assert form_property(operation_id, "task_type")["enum"] == ["async"]
    assert "task_type" in form(operation_id)["schema"]["required"]


def test_beauty_level_is_a_number_from_0_to_1() -> None:
    beauty_level = form_property("smart_beauty", "beauty_level")

    assert beauty_level["type"] == "number"
    assert beauty_level["minimum"] == 0
    assert beauty_level["maximum"] == 1


@pytest.mark.parametrize("name", FACE_BEAUTY_PRO_LEVELS)
def test_face_beauty_pro_levels_are_integers_0_to_100_default_50(name: str) -> None:
    level = form_property("face_beauty_pro", name)

    assert level["type"] == "integer"
    assert (level["minimum"], level["maximum"], level["default"]) == (0, 100, 50)
    assert all(is_int(level[key]) for key in ("minimum", "maximum", "default"))


def test_face_beauty_pro_has_exactly_those_integer_levels_besides_the_filter() -> None:
    properties = form("face_beauty_pro")["schema"]["properties"]
    integers = [name for name, schema in properties.items() if schema.get("type") == "integer"]

    assert sorted(integers) == sorted([*FACE_BEAUTY_PRO_LEVELS, "filter_type"])


def test_filter_type_is_an_integer_enum_1_to_35_with_names() -> None:
    filter_type = form_property("face_beauty_pro", "filter_type")
    names = filter_type["x-enum-varnames"]

    assert filter_type["type"] == "integer"
    assert filter_type["enum"] == list(range(1, 36))
    assert len(names) == 35
    assert len(set(names)) == 35
    assert all(name.isidentifier() and name == name.upper() for name in names)


def test_skin_flags_are_0_or_1() -> None:
    properties = form("smart_skin_advanced")["schema"]["properties"]
    flags = [name for name in properties if name != "image"]

    assert flags == SKIN_FLAGS
    for name in flags:
        assert properties[name]["type"] == "string"
        assert properties[name]["enum"] == ["0", "1"], name


def test_gender_is_woman_or_man_and_required() -> None:
    assert form_property("try_on_clothes_refiner", "gender")["enum"] == ["woman", "man"]
    assert "gender" in form("try_on_clothes_refiner")["schema"]["required"]
