from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import types
from ..types import File

T = TypeVar("T", bound="WaistSlimmingBody")


@_attrs_define
class WaistSlimmingBody:
    """
    Attributes:
        image (File): - Image format: `JPEG` `JPG` `PNG`
            - Image size: No more than 5 MB.
            - Image resolution: Less than 4096x4096px.
    """

    image: File

    def to_dict(self) -> dict[str, Any]:
        image = self.image.to_tuple()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "image": image,
            }
        )

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("image", self.image.to_tuple()))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        image = File(payload=BytesIO(d.pop("image")))

        waist_slimming_body = cls(
            image=image,
        )

        return waist_slimming_body
