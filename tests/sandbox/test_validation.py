"""Submits are checked against the spec's limits, as the API does, before any task exists.

Every case is derived from OPERATIONS: each image field's types, bytes and resolution, each
parameter's range, flag or choices, each constant. A refused submit creates no task.
"""

from __future__ import annotations

import json
import math

import httpx
import pytest
from _pytest.mark import ParameterSet
from ailab.operations import OPERATIONS
from ailab.specs import ImageField, OperationSpec, Param
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.sandbox.conftest import (
    API_KEY,
    MIB,
    PIL_FORMATS,
    Api,
    FormValue,
    MakeApi,
    assert_refused,
    decode,
    encode_form,
    image_size,
    make_image,
    operation_ids,
    padded,
    preferred_type,
    valid_form,
    valid_value,
)


def assert_rejected(api: Api, response: httpx.Response, status: int, code: str) -> None:
    """Refused with this status and code, and no task was created."""
    assert_refused(response, status, code)
    stats = api.stats()
    assert (stats["accepted"], stats["tasks"]) == (0, 0), stats


def assert_accepted(api: Api, response: httpx.Response) -> None:
    """Accepted: a task id, and the sandbox counts one accepted submit."""
    assert response.status_code == 200, response.text
    assert response.json()["task_id"]
    assert api.stats()["accepted"] == 1


def image_fields(*, required: bool | None = None) -> list[ParameterSet]:
    """(operation, image field) cases: every field, or only the (non-)required ones."""
    return [
        pytest.param(spec, image, id=f"{spec.name}-{image.name}")
        for spec in OPERATIONS.values()
        for image in spec.images
        if required is None or image.required == required
    ]


def with_image(spec: OperationSpec, image: ImageField, data: bytes) -> dict[str, FormValue]:
    return {**valid_form(spec), image.name: data}


# ---------------------------------------------------------------- images


@pytest.mark.parametrize(("spec", "image"), image_fields(required=True))
def test_a_missing_required_image_is_400(api: Api, spec: OperationSpec, image: ImageField) -> None:
    form = valid_form(spec)
    del form[image.name]
    assert_rejected(api, api.submit(spec, form), 400, "MISSING_PARAMETERS")


@pytest.mark.parametrize(("spec", "image"), image_fields(required=False))
def test_an_optional_image_may_be_left_out_but_is_checked_when_given(
    api: Api, spec: OperationSpec, image: ImageField
) -> None:
    assert image.name not in valid_form(spec)
    gif = make_image(*image_size(image), "image/gif")
    assert_rejected(
        api, api.submit(spec, with_image(spec, image, gif)), 415, "UNSUPPORTED_FILE_TYPES"
    )
    assert_accepted(api, api.submit(spec, valid_form(spec)))
    good = make_image(*image_size(image), preferred_type(image))
    assert api.submit(spec, with_image(spec, image, good)).status_code == 200


@pytest.mark.parametrize(("spec", "image"), image_fields())
def test_every_type_an_image_field_takes_is_accepted(
    api: Api, spec: OperationSpec, image: ImageField
) -> None:
    for media_type in image.media_types:
        data = make_image(*image_size(image), media_type)
        response = api.submit(spec, with_image(spec, image, data))
        assert response.status_code == 200, (media_type, response.text)


@pytest.mark.parametrize(("spec", "image"), image_fields())
def test_a_type_the_field_does_not_take_is_415(
    api: Api, spec: OperationSpec, image: ImageField
) -> None:
    refused = [kind for kind in PIL_FORMATS if kind not in image.media_types]
    assert "image/gif" in refused
    for media_type in refused:
        data = make_image(*image_size(image), media_type)
        response = api.submit(spec, with_image(spec, image, data))
        assert_rejected(api, response, 415, "UNSUPPORTED_FILE_TYPES")


@pytest.mark.parametrize(("spec", "image"), image_fields())
def test_max_bytes_is_accepted_and_one_more_is_413(
    api: Api, spec: OperationSpec, image: ImageField
) -> None:
    assert "image/png" in image.media_types, "padding needs PNG"
    small = make_image(*image_size(image), "image/png")
    over = padded(small, image.max_bytes + 1)
    assert_rejected(
        api, api.submit(spec, with_image(spec, image, over)), 413, "FILE_SIZE_EXCEEDS_LIMIT"
    )

    at_limit = padded(small, image.max_bytes)
    assert decode(at_limit).size == image_size(image)
    assert_accepted(api, api.submit(spec, with_image(spec, image, at_limit)))


@pytest.mark.parametrize(("spec", "image"), image_fields())
def test_a_resolution_over_the_maximum_is_413_and_the_maximum_is_accepted(
    api: Api, spec: OperationSpec, image: ImageField
) -> None:
    kind = preferred_type(image)
    for size in [(image.max_width + 1, image.min_height), (image.min_width, image.max_height + 1)]:
        data = make_image(*size, kind, plain=True)
        response = api.submit(spec, with_image(spec, image, data))
        assert_rejected(api, response, 413, "FILE_RESOLUTION_EXCEEDS_LIMITS")
    for size in [(image.max_width, image.min_height), (image.min_width, image.max_height)]:
        data = make_image(*size, kind, plain=True)
        response = api.submit(spec, with_image(spec, image, data))
        assert response.status_code == 200, (size, response.text)


@pytest.mark.parametrize(
    ("spec", "image"),
    [
        pytest.param(spec, image, id=f"{spec.name}-{image.name}")
        for spec in OPERATIONS.values()
        for image in spec.images
        if image.min_width > 1 or image.min_height > 1
    ],
)
def test_a_resolution_under_the_minimum_is_400_and_the_minimum_is_accepted(
    api: Api, spec: OperationSpec, image: ImageField
) -> None:
    kind = preferred_type(image)
    smaller = [(image.min_width - 1, image.min_height), (image.min_width, image.min_height - 1)]
    for size in [size for size in smaller if min(size) >= 1]:
        data = make_image(*size, kind, plain=True)
        response = api.submit(spec, with_image(spec, image, data))
        assert_rejected(api, response, 400, "ERROR_INVALID_PARAMETER")
    minimum = make_image(image.min_width, image.min_height, kind, plain=True)
    assert_accepted(api, api.submit(spec, with_image(spec, image, minimum)))


def test_the_format_is_read_from_the_bytes_not_the_declared_type(api: Api) -> None:
    spec = OPERATIONS["waist_slimming"]
    headers = api.headers(API_KEY)
    gif = make_image(64, 64, "image/gif")
    png = make_image(64, 64, "image/png")
    disguised = api.http.post(
        spec.path, files={"image": ("me.png", gif, "image/png")}, headers=headers
    )
    assert_rejected(api, disguised, 415, "UNSUPPORTED_FILE_TYPES")
    honest = api.http.post(
        spec.path, files={"image": ("me.gif", png, "image/gif")}, headers=headers
    )
    assert_accepted(api, honest)


@pytest.mark.parametrize(("spec", "image"), image_fields())
def test_bytes_that_are_not_a_whole_image_are_422(
    api: Api, spec: OperationSpec, image: ImageField
) -> None:
    whole = make_image(*image_size(image), preferred_type(image))
    for data in [b"this is not an image\n" * 50, whole[: len(whole) // 2]]:
        response = api.submit(spec, with_image(spec, image, data))
        assert_rejected(api, response, 422, "FILE_DECODING_FAILURE")


def test_a_truncated_png_is_422(api: Api) -> None:
    # A PNG cut short keeps a valid header and size: only decoding it all finds out.
    whole = make_image(200, 200, "image/png")
    truncated = whole[: len(whole) - 200]
    with pytest.raises(OSError, match="truncated"):
        decode(truncated)
    response = api.submit(OPERATIONS["waist_slimming"], {"image": truncated})
    assert_rejected(api, response, 422, "FILE_DECODING_FAILURE")


@pytest.mark.parametrize(("spec", "image"), image_fields())
def test_an_empty_file_is_400_cannot_be_empty(
    api: Api, spec: OperationSpec, image: ImageField
) -> None:
    assert_rejected(
        api, api.submit(spec, with_image(spec, image, b"")), 400, "PARAMETERS_CANNOT_EMPTY"
    )


# ---------------------------------------------------------------- parameters


def _bad_and_good(param: Param) -> tuple[list[str], list[str]]:
    """Wire values the API refuses for ``param``, and the edge values it accepts."""
    if param.kind == "flag":
        return ["2", "-1", "true", "yes", "01"], ["0", "1"]
    if param.kind == "choice":
        bad = ["not-a-choice", f" {param.choices[0]}"]
        if all(isinstance(choice, int) for choice in param.choices):
            numbers = [int(choice) for choice in param.choices]
            bad += [str(min(numbers) - 1), str(max(numbers) + 1), f"{numbers[0]}.0"]
        return bad, [str(param.choices[0]), str(param.choices[-1])]
    assert param.minimum is not None
    assert param.maximum is not None
    low, high = param.minimum, param.maximum
    if param.kind == "integer":
        # Out of range, or not a JSON integer (README: "05", "+5").
        bad = [str(int(high) + 1), str(int(low) - 1), "1.5", "abc", "1e1", "+1", f"0{int(high)}"]
        return bad, [str(int(low)), str(int(high)), str(int((low + high) // 2))]
    step = (high - low) / 100
    bad = [f"{high + step:g}", f"{low - step:g}", "abc", "nan", "inf", "1,5", f"{high:g}."]
    bad += [f"+{high:g}", f"0{high:g}"]  # not JSON numbers, though in range
    return bad, [f"{low:g}", f"{high:g}", f"{(low + high) / 2:g}"]


def param_cases(*, good: bool) -> list[ParameterSet]:
    """(operation, parameter, wire value) cases: the refused values, or the accepted ones."""
    return [
        pytest.param(spec, param, value, id=f"{spec.name}-{param.name}-{value!r}")
        for spec in OPERATIONS.values()
        for param in spec.params
        for value in _bad_and_good(param)[1 if good else 0]
    ]


@pytest.mark.parametrize(("spec", "param", "value"), param_cases(good=False))
def test_a_parameter_value_outside_the_spec_is_400(
    api: Api, spec: OperationSpec, param: Param, value: str
) -> None:
    response = api.submit(spec, {**valid_form(spec), param.name: value})
    assert_rejected(api, response, 400, "ERROR_INVALID_PARAMETER")
    assert param.name in response.json()["error_detail"]["message"]


@pytest.mark.parametrize(("spec", "param", "value"), param_cases(good=True))
def test_a_parameter_value_at_the_edges_of_the_spec_is_accepted(
    api: Api, spec: OperationSpec, param: Param, value: str
) -> None:
    assert_accepted(api, api.submit(spec, {**valid_form(spec), param.name: value}))


def test_the_documented_beauty_level_example(api: Api) -> None:
    # Spec example: 400 ERROR_INVALID_PARAMETER "beauty_level must be between 0 and 1".
    spec = OPERATIONS["smart_beauty"]
    for value in ["1.01", "-0.01", "2"]:
        response = api.submit(spec, {**valid_form(spec), "beauty_level": value})
        assert_rejected(api, response, 400, "ERROR_INVALID_PARAMETER")
        message = response.json()["error_detail"]["message"]
        assert message.startswith("beauty_level must be")
        assert message.endswith("between 0 and 1")
    assert_accepted(api, api.submit(spec, {**valid_form(spec), "beauty_level": "0.25"}))


def json_value_in_range(text: str, param: Param) -> bool:
    """The oracle: ``text`` is a JSON integer (or number) within the parameter's range."""
    try:
        value = json.loads(text)
    except ValueError:
        return False
    allowed = (int,) if param.kind == "integer" else (int, float)
    if isinstance(value, bool) or not isinstance(value, allowed):
        return False
    assert param.minimum is not None
    assert param.maximum is not None
    return math.isfinite(value) and param.minimum <= value <= param.maximum


RANGED = [
    pytest.param(spec, param, id=f"{spec.name}-{param.name}")
    for kind in ("integer", "number")
    for spec, param in [
        next((s, p) for s in OPERATIONS.values() for p in s.params if p.kind == kind)
    ]
]


@pytest.mark.parametrize(("spec", "param"), RANGED)
def test_a_ranged_parameter_takes_exactly_the_json_values_in_its_range(
    make_api: MakeApi, spec: OperationSpec, param: Param
) -> None:
    api = make_api()
    assert param.minimum is not None
    assert param.maximum is not None
    near = st.floats(param.minimum - 2, param.maximum + 2).map(lambda x: f"{x:g}")
    whole = st.integers(int(param.minimum) - 3, int(param.maximum) + 3).map(str)
    odd = st.text(alphabet="0123456789+-.eE", min_size=1, max_size=6)

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(text=near | whole | odd)
    def check(text: str) -> None:
        response = api.submit(spec, {**valid_form(spec), param.name: text})
        expected = 200 if json_value_in_range(text, param) else 400
        assert response.status_code == expected, (text, response.text)

    check()


@pytest.mark.parametrize(
    ("spec", "param"),
    [
        pytest.param(spec, param, id=f"{spec.name}-{param.name}")
        for spec in OPERATIONS.values()
        for param in spec.params
    ],
)
def test_an_empty_parameter_is_400_cannot_be_empty(
    api: Api, spec: OperationSpec, param: Param
) -> None:
    response = api.submit(spec, {**valid_form(spec), param.name: ""})
    assert_rejected(api, response, 400, "PARAMETERS_CANNOT_EMPTY")


@pytest.mark.parametrize(
    ("spec", "param"),
    [
        pytest.param(spec, param, id=f"{spec.name}-{param.name}")
        for spec in OPERATIONS.values()
        for param in spec.params
        if param.required
    ],
)
def test_a_missing_required_parameter_is_400(api: Api, spec: OperationSpec, param: Param) -> None:
    form = valid_form(spec)
    del form[param.name]
    assert_rejected(api, api.submit(spec, form), 400, "MISSING_PARAMETERS")


def test_every_optional_parameter_may_be_given_at_once(api: Api) -> None:
    for spec in OPERATIONS.values():
        form = {**valid_form(spec), **{param.name: valid_value(param) for param in spec.params}}
        assert api.submit(spec, form).status_code == 200, spec.name


# ---------------------------------------------------------------- constants


with_constants = [
    pytest.param(spec, name, value, id=f"{spec.name}-{name}")
    for spec in OPERATIONS.values()
    for name, value in spec.constants.items()
]


@pytest.mark.parametrize(("spec", "name", "value"), with_constants)
def test_a_wrong_constant_is_400(api: Api, spec: OperationSpec, name: str, value: str) -> None:
    wrong = "sync" if value == "async" else value + "-not"
    response = api.submit(spec, {**valid_form(spec), name: wrong})
    assert_rejected(api, response, 400, "ERROR_INVALID_PARAMETER")
    response = api.submit(spec, {**valid_form(spec), name: value.upper()})
    assert_rejected(api, response, 400, "ERROR_INVALID_PARAMETER")


@pytest.mark.parametrize(("spec", "name", "value"), with_constants)
def test_a_missing_constant_is_400(api: Api, spec: OperationSpec, name: str, value: str) -> None:
    form = valid_form(spec)
    assert form[name] == value
    del form[name]
    assert_rejected(api, api.submit(spec, form), 400, "MISSING_PARAMETERS")


@pytest.mark.parametrize(("spec", "name", "value"), with_constants)
def test_an_empty_constant_is_400(api: Api, spec: OperationSpec, name: str, value: str) -> None:
    response = api.submit(spec, {**valid_form(spec), name: ""})
    assert_rejected(api, response, 400, "PARAMETERS_CANNOT_EMPTY")


def test_task_type_is_unknown_where_the_operation_has_no_such_constant(api: Api) -> None:
    without = [spec for spec in OPERATIONS.values() if "task_type" not in spec.constants]
    assert without
    for spec in without:
        response = api.submit(spec, {**valid_form(spec), "task_type": "async"})
        assert_rejected(api, response, 400, "ERROR_INVALID_PARAMETER")


# ---------------------------------------------------------------- the form itself


@pytest.mark.parametrize("spec", OPERATIONS.values(), ids=operation_ids)
def test_an_unknown_field_is_400(api: Api, spec: OperationSpec) -> None:
    for extra in ["surprise", "Image", "api_key"]:
        values: list[FormValue] = ["1", make_image()]
        for value in values:
            response = api.submit(spec, {**valid_form(spec), extra: value})
            assert_rejected(api, response, 400, "ERROR_INVALID_PARAMETER")
            assert extra in response.json()["error_detail"]["message"]


@pytest.mark.parametrize("spec", OPERATIONS.values(), ids=operation_ids)
def test_a_field_given_twice_is_400(api: Api, spec: OperationSpec) -> None:
    form = valid_form(spec)
    for name in form:
        items = [*form.items(), (name, form[name])]
        response = api.submit(spec, items)
        assert_rejected(api, response, 400, "ERROR_INVALID_PARAMETER")
        assert "more than once" in response.json()["error_detail"]["message"]


@pytest.mark.parametrize("spec", OPERATIONS.values(), ids=operation_ids)
def test_a_text_field_sent_as_a_file_is_400(api: Api, spec: OperationSpec) -> None:
    texts = [name for name, value in valid_form(spec).items() if isinstance(value, str)]
    texts += [param.name for param in spec.params if param.name not in texts]
    for name in texts:
        response = api.submit(spec, {**valid_form(spec), name: b"1"})
        assert_rejected(api, response, 400, "ERROR_INVALID_PARAMETER")


@pytest.mark.parametrize("spec", OPERATIONS.values(), ids=operation_ids)
def test_a_body_that_is_not_multipart_is_400(api: Api, spec: OperationSpec) -> None:
    headers = api.headers(API_KEY)
    texts = {name: value for name, value in valid_form(spec).items() if isinstance(value, str)}
    body, content_type = encode_form(valid_form(spec).items())
    answers = [
        api.http.post(spec.path, json=texts, headers=headers),
        api.http.post(spec.path, data=texts, headers=headers),  # urlencoded
        api.http.post(spec.path, content=b"", headers=headers),
        api.http.post(
            spec.path,
            content=body,
            headers={**headers, "content-type": content_type.split(";")[0]},  # no boundary
        ),
    ]
    for response in answers:
        assert_rejected(api, response, 400, "ERROR_INVALID_PARAMETER")


def test_an_empty_multipart_form_is_400_missing(api: Api) -> None:
    for spec in OPERATIONS.values():
        assert_rejected(api, api.submit(spec, []), 400, "MISSING_PARAMETERS")


def test_a_request_larger_than_any_valid_one_is_413_unread(api: Api) -> None:
    spec = min(OPERATIONS.values(), key=lambda spec: sum(image.max_bytes for image in spec.images))
    largest_valid = sum(image.max_bytes for image in spec.images)
    # Far beyond every image at its limit: refused for its size, not for the unknown field.
    form = {**valid_form(spec), "filler": "x" * (largest_valid + 2 * MIB)}
    response = api.submit(spec, form)
    assert_rejected(api, response, 413, "FILE_SIZE_EXCEEDS_LIMIT")
    assert "filler" not in response.json()["error_detail"]["message"]
