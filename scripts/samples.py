"""Sample inputs for the demo: cartoon portraits drawn with Pillow, so they are ours to ship.

Everything is drawn procedurally and deterministically (no downloaded assets): a face close-up,
a full-body portrait, a t-shirt on white and a coarse "try-on" of that t-shirt. Shapes are drawn
at twice the size and scaled down, which smooths their edges.
"""

from __future__ import annotations

import functools
import io
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ailab import FilterType
from ailab.specs import OperationSpec, Param
from PIL import Image, ImageDraw

_SCALE = 2
_SKIN = (241, 196, 164)
_SKIN_SHADE = (214, 160, 128)
_HAIR = (92, 58, 40)
_SHIRT = (46, 139, 140)
_GARMENT = (232, 96, 76)
_TRY_ON_BOX = (150, 152, 362, 384)  # where the coarse try-on pastes the garment (final px)


@dataclass(frozen=True)
class Samples:
    """The encoded sample images (PNG bytes)."""

    portrait: bytes
    full_body: bytes
    top_garment: bytes
    coarse_try_on: bytes

    def files(self) -> dict[str, bytes]:
        """File name -> bytes, for writing the inputs next to the results."""
        return {
            "portrait.png": self.portrait,
            "full-body.png": self.full_body,
            "top-garment.png": self.top_garment,
            "coarse-try-on.png": self.coarse_try_on,
        }


def _canvas(width: int, height: int, top: tuple[int, ...], bottom: tuple[int, ...]) -> Image.Image:
    """A vertical gradient from ``top`` to ``bottom``, at the drawing scale."""
    mask = Image.linear_gradient("L").resize((width * _SCALE, height * _SCALE))
    return Image.composite(
        Image.new("RGB", mask.size, bottom), Image.new("RGB", mask.size, top), mask
    )


def _finish(image: Image.Image) -> Image.Image:
    """Scale a drawing down to its final size (antialiasing its edges)."""
    return image.resize((image.width // _SCALE, image.height // _SCALE), Image.Resampling.LANCZOS)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _draw_eye(draw: ImageDraw.ImageDraw, x: float, y: float, r: float) -> None:
    draw.ellipse((x - 0.2 * r, y - 0.12 * r, x + 0.2 * r, y + 0.12 * r), fill="white")
    draw.ellipse((x - 0.1 * r, y - 0.1 * r, x + 0.1 * r, y + 0.1 * r), fill=(96, 62, 38))
    draw.ellipse((x - 0.05 * r, y - 0.05 * r, x + 0.05 * r, y + 0.05 * r), fill=(20, 14, 10))
    draw.ellipse((x + 0.01 * r, y - 0.07 * r, x + 0.05 * r, y - 0.03 * r), fill="white")
    lid = (x - 0.22 * r, y - 0.14 * r, x + 0.22 * r, y + 0.14 * r)
    draw.arc(lid, 195, 345, fill=(40, 26, 20), width=max(2, round(0.04 * r)))
    brow = (x - 0.24 * r, y - 0.4 * r, x + 0.24 * r, y - 0.12 * r)
    draw.arc(brow, 205, 335, fill=_HAIR, width=max(3, round(0.07 * r)))


def _draw_head(image: Image.Image, cx: float, cy: float, r: float) -> None:
    """A cartoon head with long hair, centred at (cx, cy); ``r`` is the face's half-width."""
    draw = ImageDraw.Draw(image, "RGBA")
    draw.ellipse((cx - 1.25 * r, cy - 1.45 * r, cx + 1.25 * r, cy + 1.0 * r), fill=_HAIR)
    draw.rounded_rectangle(
        (cx - 1.25 * r, cy - 0.3 * r, cx + 1.25 * r, cy + 1.9 * r), radius=0.4 * r, fill=_HAIR
    )
    draw.rectangle((cx - 0.32 * r, cy + 0.8 * r, cx + 0.32 * r, cy + 1.9 * r), fill=_SKIN_SHADE)
    for side in (-1, 1):
        ear = cx + side * 0.98 * r
        draw.ellipse((ear - 0.13 * r, cy - 0.15 * r, ear + 0.13 * r, cy + 0.2 * r), fill=_SKIN)
    draw.ellipse((cx - r, cy - 1.2 * r, cx + r, cy + 1.25 * r), fill=_SKIN)
    # Bangs: a dome over the forehead with a wavy lower edge.
    draw.chord((cx - 1.08 * r, cy - 1.45 * r, cx + 1.08 * r, cy - 0.2 * r), 180, 360, fill=_HAIR)
    for step in range(5):
        x = cx - 0.8 * r + step * 0.4 * r
        draw.ellipse((x - 0.24 * r, cy - 0.98 * r, x + 0.24 * r, cy - 0.62 * r), fill=_HAIR)
    for side in (-1, 1):
        _draw_eye(draw, cx + side * 0.4 * r, cy - 0.08 * r, r)
        blush = cx + side * 0.58 * r
        draw.ellipse(
            (blush - 0.17 * r, cy + 0.2 * r, blush + 0.17 * r, cy + 0.4 * r),
            fill=(240, 110, 120, 80),
        )
    rng = random.Random(7)  # noqa: S311 - freckle placement, not a secret
    for _ in range(14):
        x = cx + rng.choice((-1, 1)) * rng.uniform(0.35, 0.75) * r
        y = cy + rng.uniform(0.05, 0.3) * r
        draw.ellipse((x - 0.02 * r, y - 0.02 * r, x + 0.02 * r, y + 0.02 * r), fill=(170, 110, 80))
    nose = [
        (cx + 0.02 * r, cy + 0.05 * r),
        (cx - 0.07 * r, cy + 0.32 * r),
        (cx + 0.06 * r, cy + 0.34 * r),
    ]
    draw.line(nose, fill=_SKIN_SHADE, width=max(2, round(0.04 * r)), joint="curve")
    draw.chord(
        (cx - 0.27 * r, cy + 0.42 * r, cx + 0.27 * r, cy + 0.74 * r), 0, 180, fill=(196, 62, 78)
    )
    draw.chord((cx - 0.19 * r, cy + 0.49 * r, cx + 0.19 * r, cy + 0.62 * r), 0, 180, fill="white")


def draw_portrait() -> Image.Image:
    """A 512x512 head-and-shoulders cartoon portrait on a soft gradient."""
    image = _canvas(512, 512, (178, 208, 236), (226, 206, 232))
    cx, cy, r = 512.0, 440.0, 190.0
    draw = ImageDraw.Draw(image)
    _draw_head(image, cx, cy, r)
    # Shoulders in a shirt with a round neckline, drawn over the hair's ends.
    draw.rounded_rectangle(
        (cx - 2.1 * r, cy + 1.6 * r, cx + 2.1 * r, cy + 3.6 * r), 0.8 * r, _SHIRT
    )
    draw.chord((cx - 0.5 * r, cy + 1.3 * r, cx + 0.5 * r, cy + 1.95 * r), 0, 180, fill=_SKIN_SHADE)
    return _finish(image)


def _mirrored(value: float, side: int) -> float:
    """A left-side x ``value`` as it is (side 1) or mirrored across x = 512 (side -1)."""
    return 512 + side * (value - 512)


def _draw_body(image: Image.Image) -> None:
    """A standing figure under a head at (512, 215) on a 1024x1536 canvas."""
    draw = ImageDraw.Draw(image, "RGBA")
    draw.ellipse((330, 1400, 694, 1470), fill=(0, 0, 0, 40))  # shadow on the floor
    for side in (-1, 1):
        x = functools.partial(_mirrored, side=side)
        draw.line(
            [(x(372), 360), (x(318), 600), (x(306), 790)], fill=_SKIN, width=48, joint="curve"
        )
        draw.ellipse((x(306) - 30, 780, x(306) + 30, 840), fill=_SKIN)  # hand
        draw.line([(x(380), 345), (x(350), 480)], fill=_SHIRT, width=76)  # short sleeve
        leg = [(x(408), 880), (x(505), 880), (x(496), 1400), (x(428), 1400)]
        draw.polygon(leg, fill=(52, 72, 128))
        draw.ellipse((x(462) - 62, 1380, x(462) + 38, 1440), fill=(40, 32, 30))  # shoe
    draw.rounded_rectangle((404, 760, 620, 930), radius=30, fill=(52, 72, 128))  # hips
    torso = [(392, 330), (632, 330), (652, 400), (612, 770), (412, 770), (372, 400)]
    draw.polygon(torso, fill=_SHIRT)
    draw.ellipse((352, 322, 432, 402), fill=_SHIRT)
    draw.ellipse((592, 322, 672, 402), fill=_SHIRT)
    draw.chord((462, 300, 562, 370), 0, 180, fill=_SKIN_SHADE)  # neckline
    draw.rectangle((404, 750, 620, 790), fill=(70, 44, 30))  # belt
    draw.rectangle((496, 752, 528, 788), outline=(214, 180, 90), width=6)


def draw_full_body() -> Image.Image:
    """A 512x768 full-body cartoon: head, shirt, belted waist, arms and legs."""
    image = _canvas(512, 768, (238, 234, 228), (214, 206, 196))
    ImageDraw.Draw(image).rectangle((0, 1300, 1024, 1536), fill=(196, 184, 170))  # floor
    _draw_head(image, 512, 215, 72)
    _draw_body(image)
    return _finish(image)


def draw_top_garment() -> Image.Image:
    """A 320x320 coral t-shirt with two stripes, flat on white."""
    image = Image.new("RGB", (640, 640), "white")
    draw = ImageDraw.Draw(image)
    shirt = [
        (250, 110), (170, 140), (60, 260), (140, 330), (190, 280), (190, 590), (450, 590),
        (450, 280), (500, 330), (580, 260), (470, 140), (390, 110), (360, 150), (280, 150),
    ]  # fmt: skip
    draw.polygon(shirt, fill=_GARMENT, outline=(170, 60, 48), width=6)
    for top in (330, 390):
        draw.rectangle((193, top, 447, top + 26), fill=(246, 220, 188))
    draw.arc((270, 70, 370, 160), 20, 160, fill=(170, 60, 48), width=10)  # collar
    return _finish(image)


def draw_coarse_try_on(person: Image.Image, garment: Image.Image) -> Image.Image:
    """The person with the garment pasted roughly over the torso (hard edges, as a draft)."""
    mask = garment.convert("L").point(lambda value: 255 if value < 235 else 0)
    box = mask.getbbox() or (0, 0, garment.width, garment.height)
    left, top, right, bottom = _TRY_ON_BOX
    size = (right - left, bottom - top)
    coarse = person.copy()
    coarse.paste(garment.crop(box).resize(size), (left, top), mask.crop(box).resize(size))
    return coarse


@functools.cache
def make_samples() -> Samples:
    """Draw and encode every sample image (the same bytes on every call)."""
    person = draw_full_body()
    garment = draw_top_garment()
    return Samples(
        portrait=_png(draw_portrait()),
        full_body=_png(person),
        top_garment=_png(garment),
        coarse_try_on=_png(draw_coarse_try_on(person, garment)),
    )


def _known_arguments(samples: Samples) -> dict[str, dict[str, Any]]:
    """Arguments that show off each operation the demo knows about."""
    return {
        "waist_slimming": {"image": samples.full_body},
        "smart_beauty": {"image": samples.portrait, "beauty_level": 0.9},
        "face_beauty_pro": {
            "image": samples.portrait,
            "whitening": 70,
            "smoothing": 60,
            "enlarge_eye": 40,
            "filter_type": FilterType.PINK,
        },
        "smart_skin_advanced": {
            "image": samples.portrait,
            "acne_removal": True,
            "skin_smoothing": True,
            "skin_brightening": True,
        },
        "try_on_clothes_refiner": {
            "person_image": samples.full_body,
            "top_garment": samples.top_garment,
            "coarse_image": samples.coarse_try_on,
            "gender": "woman",
        },
    }


def _required_value(param: Param) -> object:
    """A valid value for a required parameter: its default, first choice or minimum."""
    if param.kind == "flag":
        return param.default in ("1", 1)
    if param.kind == "choice":
        return param.default if param.default is not None else param.choices[0]
    value = param.default if param.default is not None else (param.minimum or 0)
    return int(value) if param.kind == "integer" else float(value)


def default_arguments(spec: OperationSpec, samples: Samples) -> dict[str, Any]:
    """Arguments for an operation the demo does not know: the portrait in every required image.

    Optional parameters are left out (the API's defaults apply); required ones get a valid value.
    """
    arguments: dict[str, Any] = {
        image.label: samples.portrait for image in spec.images if image.required
    }
    arguments.update(
        {param.name: _required_value(param) for param in spec.params if param.required}
    )
    return arguments


def call_arguments(
    operations: Mapping[str, OperationSpec], samples: Samples | None = None
) -> dict[str, dict[str, Any]]:
    """For each operation name, the keyword arguments to call it with (images as bytes)."""
    samples = samples or make_samples()
    known = _known_arguments(samples)
    return {
        name: known.get(name) or default_arguments(spec, samples)
        for name, spec in operations.items()
    }
