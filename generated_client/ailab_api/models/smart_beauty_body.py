from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import types
from ..models.smart_beauty_body_multi_face import SmartBeautyBodyMultiFace
from ..models.smart_beauty_body_task_type import SmartBeautyBodyTaskType
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="SmartBeautyBody")


@_attrs_define
class SmartBeautyBody:
    """
    Attributes:
        task_type (SmartBeautyBodyTaskType): Task type. Only `async` is supported: query the result with task_id.
        image_target (File): The portrait to retouch.
        multi_face (SmartBeautyBodyMultiFace | Unset): Multiple-face beauty strategy. When set to `1`, beauty
            enhancement is applied to all faces (it is recommended that the number of faces in the image be less than 18, as
            too many faces may lead to instability). When set to any other value or not specified, only the largest face is
            processed.
        beauty_level (float | Unset): Beauty level, from 0 (none) to 1 (strongest). Default: 1.0.
    """

    task_type: SmartBeautyBodyTaskType
    image_target: File
    multi_face: SmartBeautyBodyMultiFace | Unset = UNSET
    beauty_level: float | Unset = 1.0

    def to_dict(self) -> dict[str, Any]:
        task_type = self.task_type.value

        image_target = self.image_target.to_tuple()

        multi_face: str | Unset = UNSET
        if not isinstance(self.multi_face, Unset):
            multi_face = self.multi_face.value

        beauty_level = self.beauty_level

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "task_type": task_type,
                "image_target": image_target,
            }
        )
        if multi_face is not UNSET:
            field_dict["multi_face"] = multi_face
        if beauty_level is not UNSET:
            field_dict["beauty_level"] = beauty_level

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("task_type", (None, str(self.task_type.value).encode(), "text/plain")))

        files.append(("image_target", self.image_target.to_tuple()))

        if not isinstance(self.multi_face, Unset):
            files.append(("multi_face", (None, str(self.multi_face.value).encode(), "text/plain")))

        if not isinstance(self.beauty_level, Unset):
            files.append(("beauty_level", (None, str(self.beauty_level).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        task_type = SmartBeautyBodyTaskType(d.pop("task_type"))

        image_target = File(payload=BytesIO(d.pop("image_target")))

        _multi_face = d.pop("multi_face", UNSET)
        multi_face: SmartBeautyBodyMultiFace | Unset
        if isinstance(_multi_face, Unset):
            multi_face = UNSET
        else:
            multi_face = SmartBeautyBodyMultiFace(_multi_face)

        beauty_level = d.pop("beauty_level", UNSET)

        smart_beauty_body = cls(
            task_type=task_type,
            image_target=image_target,
            multi_face=multi_face,
            beauty_level=beauty_level,
        )

        return smart_beauty_body
