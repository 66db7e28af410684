"""A simple, visible Pillow effect per operation, so that before and after differ.

Each effect reads the operation's own parameters where that is cheap to show (the whitening
level, a filter's tint, which skin flags are on). An operation without an effect of its own
gets :func:`default_effect`, so a new operation in the spec works in the sandbox unchanged.
"""

from __future__ import annotations

import colorsys
import io
import math
from collections.abc import Callable, Mapping

from PIL import Image, ImageChops, ImageEnhance, ImageFilter, ImageOps

Effect = Callable[[Mapping[str, Image.Image], Mapping[str, str]], Image.Image]


def _number(fields: Mapping[str, str], name: str, default: float) -> float:
    try:
        return float(fields.get(name, default))
    except ValueError:
        return default


def _smooth(image: Image.Image, amount: float) -> Image.Image:
    """Blend towards a blurred copy: ``amount`` 0 leaves it, 1 is fully smoothed."""
    radius = max(1.0, min(image.size) / 80)
    return Image.blend(image, image.filter(ImageFilter.GaussianBlur(radius)), amount)


def _brighten(image: Image.Image, amount: float) -> Image.Image:
    return ImageEnhance.Brightness(image).enhance(1 + amount)


def _remap_row(row: Image.Image, squeeze: float) -> Image.Image:
    """Pull a row's middle half towards its centre, stretching the sides to keep its edges."""
    width, height = row.size
    left, right, centre = width // 4, width - width // 4, width / 2
    new_left = round(centre - (centre - left) * squeeze)
    new_right = round(centre + (right - centre) * squeeze)
    result = row.copy()
    for source, target in (
        ((0, left), (0, new_left)),
        ((left, right), (new_left, new_right)),
        ((right, width), (new_right, width)),
    ):
        if target[1] > target[0] and source[1] > source[0]:
            piece = row.crop((source[0], 0, source[1], height))
            result.paste(piece.resize((target[1] - target[0], height)), (target[0], 0))
    return result


def waist_slimming(images: Mapping[str, Image.Image], fields: Mapping[str, str]) -> Image.Image:
    """Pinch the picture's middle band (the waist, in a full-body photo) smoothly inwards."""
    image = next(iter(images.values()))
    width, height = image.size
    top, bottom = int(height * 0.40), int(height * 0.72)
    if bottom - top < 4 or width < 16:
        return ImageOps.mirror(image)
    result = image.copy()
    step = max(1, (bottom - top) // 120)
    for y in range(top, bottom, step):
        depth = math.sin(math.pi * (y - top) / (bottom - top))  # 0 at the band's edges
        row = image.crop((0, y, width, min(y + step, bottom)))
        result.paste(_remap_row(row, 1 - 0.14 * depth), (0, y))
    return result


def smart_beauty(images: Mapping[str, Image.Image], fields: Mapping[str, str]) -> Image.Image:
    """Smooth and brighten, as strongly as ``beauty_level`` (0..1, default 1) asks."""
    image = next(iter(images.values()))
    level = _number(fields, "beauty_level", 1.0)
    return _brighten(_smooth(image, 0.7 * level), 0.12 * level)


def face_beauty_pro(images: Mapping[str, Image.Image], fields: Mapping[str, str]) -> Image.Image:
    """Whitening brightens, smoothing blurs, and ``filter_type`` tints with its own hue."""
    image = next(iter(images.values()))
    image = _brighten(image, _number(fields, "whitening", 50) / 300)
    image = _smooth(image, _number(fields, "smoothing", 50) / 130)
    if "filter_type" in fields:
        hue = (_number(fields, "filter_type", 1) * 0.61803) % 1.0
        red, green, blue = (round(255 * part) for part in colorsys.hsv_to_rgb(hue, 0.6, 1.0))
        image = Image.blend(image, Image.new("RGB", image.size, (red, green, blue)), 0.25)
    return image


def try_on_clothes_refiner(
    images: Mapping[str, Image.Image], fields: Mapping[str, str]
) -> Image.Image:
    """Sharpen the coarse try-on picture and pull its colours towards the top garment's."""
    coarse = images.get("coarse_image") or next(iter(images.values()))
    refined = ImageEnhance.Sharpness(coarse).enhance(2.5)
    refined = ImageEnhance.Contrast(refined).enhance(1.15)
    garment = images.get("top_garment")
    if garment is not None:
        colour = garment.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
        refined = Image.blend(refined, Image.new("RGB", refined.size, colour), 0.15)
    return refined


def smart_skin_advanced(
    images: Mapping[str, Image.Image], fields: Mapping[str, str]
) -> Image.Image:
    """Every flag that is on adds a little smoothing or brightening (none on: smart skin)."""
    image = next(iter(images.values()))
    on = {name for name, value in fields.items() if value == "1"} or {"smart_skin"}
    brightening = {"skin_brightening", "under_eye_correction", "spot_correction"}
    smoothing = len(on - brightening)
    image = _smooth(image, min(0.9, 0.25 * smoothing))
    return _brighten(image, 0.08 * len(on & brightening))


def default_effect(images: Mapping[str, Image.Image], fields: Mapping[str, str]) -> Image.Image:
    """For an operation with no effect of its own: a warm, slightly brighter picture."""
    image = next(iter(images.values()))
    return _brighten(Image.blend(image, Image.new("RGB", image.size, (255, 200, 150)), 0.2), 0.05)


EFFECTS: dict[str, Effect] = {
    "waist_slimming": waist_slimming,
    "smart_beauty": smart_beauty,
    "face_beauty_pro": face_beauty_pro,
    "try_on_clothes_refiner": try_on_clothes_refiner,
    "smart_skin_advanced": smart_skin_advanced,
}


def render(operation: str, images: Mapping[str, bytes], fields: Mapping[str, str]) -> bytes:
    """The result file of one task: JPEG for a JPEG primary image, PNG otherwise."""
    decoded: dict[str, Image.Image] = {}
    primary_format = ""
    for name, data in images.items():
        with Image.open(io.BytesIO(data)) as opened:
            primary_format = primary_format or (opened.format or "")
            decoded[name] = ImageOps.exif_transpose(opened).convert("RGB")
    result = EFFECTS.get(operation, default_effect)(decoded, fields)
    primary = next(iter(decoded.values()))
    if result.size == primary.size and ImageChops.difference(result, primary).getbbox() is None:
        result = default_effect({"image": result}, fields)  # e.g. a flat image: still differ
    buffer = io.BytesIO()
    if primary_format == "JPEG":
        result.save(buffer, "JPEG", quality=90)
    else:
        result.save(buffer, "PNG")
    return buffer.getvalue()
