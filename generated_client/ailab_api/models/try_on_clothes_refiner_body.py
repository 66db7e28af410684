from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import types
from ..models.try_on_clothes_refiner_body_gender import TryOnClothesRefinerBodyGender
from ..models.try_on_clothes_refiner_body_task_type import TryOnClothesRefinerBodyTaskType
from ..types import UNSET, File, FileTypes, Unset

T = TypeVar("T", bound="TryOnClothesRefinerBody")


@_attrs_define
class TryOnClothesRefinerBody:
    """
    Attributes:
        task_type (TryOnClothesRefinerBodyTaskType): Task Type. `async`: Asynchronous tasks.
        person_image (File): Model image for calling the Try on Clothes API.
            - Image format: `JPG` `JPEG` `PNG` `BMP`
            - Image size: No more than 5 MB.
            - Image resolution: Larger than 150x150px, smaller than 4096x4096px.
            - Pose requirements: full-body front view with hands fully visible.
        top_garment (File): Top clothing image for calling the Try on Clothes API.
        coarse_image (File): Result image obtained from calling the Try on Clothes API.
        gender (TryOnClothesRefinerBodyGender): Gender of the person_image. `woman`: Female. `man`: Male.
        bottom_garment (File | Unset): Bottom clothing image for calling the Try on Clothes API.
    """

    task_type: TryOnClothesRefinerBodyTaskType
    person_image: File
    top_garment: File
    coarse_image: File
    gender: TryOnClothesRefinerBodyGender
    bottom_garment: File | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        task_type = self.task_type.value

        person_image = self.person_image.to_tuple()

        top_garment = self.top_garment.to_tuple()

        coarse_image = self.coarse_image.to_tuple()

        gender = self.gender.value

        bottom_garment: FileTypes | Unset = UNSET
        if not isinstance(self.bottom_garment, Unset):
            bottom_garment = self.bottom_garment.to_tuple()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "task_type": task_type,
                "person_image": person_image,
                "top_garment": top_garment,
                "coarse_image": coarse_image,
                "gender": gender,
            }
        )
        if bottom_garment is not UNSET:
            field_dict["bottom_garment"] = bottom_garment

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("task_type", (None, str(self.task_type.value).encode(), "text/plain")))

        files.append(("person_image", self.person_image.to_tuple()))

        files.append(("top_garment", self.top_garment.to_tuple()))

        files.append(("coarse_image", self.coarse_image.to_tuple()))

        files.append(("gender", (None, str(self.gender.value).encode(), "text/plain")))

        if not isinstance(self.bottom_garment, Unset):
            files.append(("bottom_garment", self.bottom_garment.to_tuple()))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        task_type = TryOnClothesRefinerBodyTaskType(d.pop("task_type"))

        person_image = File(payload=BytesIO(d.pop("person_image")))

        top_garment = File(payload=BytesIO(d.pop("top_garment")))

        coarse_image = File(payload=BytesIO(d.pop("coarse_image")))

        gender = TryOnClothesRefinerBodyGender(d.pop("gender"))

        _bottom_garment = d.pop("bottom_garment", UNSET)
        bottom_garment: File | Unset
        if isinstance(_bottom_garment, Unset):
            bottom_garment = UNSET
        else:
            bottom_garment = File(payload=BytesIO(_bottom_garment))

        try_on_clothes_refiner_body = cls(
            task_type=task_type,
            person_image=person_image,
            top_garment=top_garment,
            coarse_image=coarse_image,
            gender=gender,
            bottom_garment=bottom_garment,
        )

        return try_on_clothes_refiner_body
