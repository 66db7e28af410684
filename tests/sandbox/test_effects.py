"""Each operation's result is a visible change of its input, at the input's size.

Effects are keyed by operation name; an operation the sandbox has no effect for (a sixth one
added to the spec) gets the default effect, so it is covered here under a made-up name.
"""

from __future__ import annotations

import io

import pytest
from _pytest.mark import ParameterSet
from ailab.operations import OPERATIONS
from ailab.sandbox.effects import render
from PIL import Image

from tests.sandbox.conftest import decode, make_image, pixels_differ

UNKNOWN = "a_sixth_operation"
"""Not in OPERATIONS: rendered with the default effect."""


def image_names(name: str) -> list[str]:
    spec = OPERATIONS.get(name)
    return ["image"] if spec is None else [image.name for image in spec.images]


def names() -> list[ParameterSet]:
    return [pytest.param(name, id=name) for name in [*OPERATIONS, UNKNOWN]]


def test_the_made_up_name_is_not_an_operation() -> None:
    assert UNKNOWN not in OPERATIONS


@pytest.mark.parametrize("name", names())
@pytest.mark.parametrize("media_type", ["image/png", "image/jpeg"])
def test_every_effect_changes_the_image_and_keeps_its_size(name: str, media_type: str) -> None:
    picture = make_image(96, 72, media_type)
    result = render(name, dict.fromkeys(image_names(name), picture), {})

    assert decode(result).size == (96, 72)
    assert decode(result).format == ("JPEG" if media_type == "image/jpeg" else "PNG")
    assert pixels_differ(picture, result)


@pytest.mark.parametrize("name", names())
def test_the_primary_image_sets_the_size_whatever_the_others(name: str) -> None:
    sizes = [(160 + 10 * index, 200) for index in range(len(image_names(name)))]
    images = {
        field: make_image(*size) for field, size in zip(image_names(name), sizes, strict=True)
    }
    if "coarse_image" in images:  # the try-on refines its coarse picture, of the person's size
        images["coarse_image"] = make_image(*sizes[0])
    result = render(name, images, {})
    assert decode(result).size == sizes[0]


@pytest.mark.parametrize("name", names())
def test_every_effect_changes_a_one_colour_image(name: str) -> None:
    picture = make_image(64, 64, plain=True)
    result = render(name, dict.fromkeys(image_names(name), picture), {})
    assert pixels_differ(picture, result)


@pytest.mark.parametrize("name", names())
def test_every_effect_changes_the_smallest_image_allowed(name: str) -> None:
    spec = OPERATIONS.get(name)
    size = (1, 1) if spec is None else (spec.images[0].min_width, spec.images[0].min_height)
    picture = make_image(*size)
    result = render(name, dict.fromkeys(image_names(name), picture), {})
    assert decode(result).size == size
    assert pixels_differ(picture, result)


def test_parameters_show_in_the_result() -> None:
    picture = make_image(80, 80)

    def look(name: str, **fields: str) -> bytes:
        return render(name, dict.fromkeys(image_names(name), picture), fields)

    assert look("face_beauty_pro", filter_type="3") != look("face_beauty_pro", filter_type="4")
    assert look("face_beauty_pro", whitening="10") != look("face_beauty_pro", whitening="90")
    assert look("smart_beauty", beauty_level="0.2") != look("smart_beauty", beauty_level="1")
    assert look("smart_skin_advanced", skin_brightening="1") != look(
        "smart_skin_advanced", pore_control="1"
    )


def test_an_exif_rotated_jpeg_is_rendered_upright() -> None:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    Image.open(io.BytesIO(make_image(120, 80))).save(buffer, "JPEG", exif=exif)
    result = render("smart_beauty", {"image_target": buffer.getvalue()}, {})
    assert decode(result).size == (80, 120)
