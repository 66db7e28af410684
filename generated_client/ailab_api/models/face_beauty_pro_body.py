from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import types
from ..models.face_beauty_pro_body_filter_type import FaceBeautyProBodyFilterType
from ..models.face_beauty_pro_body_task_type import FaceBeautyProBodyTaskType
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="FaceBeautyProBody")


@_attrs_define
class FaceBeautyProBody:
    """
    Attributes:
        task_type (FaceBeautyProBodyTaskType): Task type. Only `async` is supported: query the result with task_id.
        image (File): The portrait to retouch.
        whitening (int | Unset): Whitening Degree. `0` means no whitening effect, `100` represents the highest degree.
            Default: 50. Example: 50.
        smoothing (int | Unset): Smoothing Degree. `0` means no smoothing effect, `100` represents the highest degree.
            Default: 50. Example: 50.
        thinface (int | Unset): Face Slimming Degree. `0` means no face slimming effect, `100` represents the highest
            degree. Default: 50. Example: 50.
        shrink_face (int | Unset): Small Face Degree. `0` means no small face effect, `100` represents the highest
            degree. Default: 50. Example: 50.
        enlarge_eye (int | Unset): Big Eyes Degree. `0` means no big eyes effect, `100` represents the highest degree.
            Default: 50. Example: 50.
        remove_eyebrow (int | Unset): Eyebrow Removal Degree. `0` means no eyebrow removal effect, `100` represents the
            highest degree. Default: 50. Example: 50.
        filter_type (FaceBeautyProBodyFilterType | Unset): Filter Effects. <li>`1`: Black and White.</li> <li>`2`:
            Calm.</li> <li>`3`: Sunny Day.</li> <li>`4`: Journey.</li> <li>`5`: Beautify Skin.</li> <li>`6`: Hong Kong
            Style.</li> <li>`7`: Aesthetic.</li> <li>`8`: Lovely.</li> <li>`9`: New York.</li> <li>`10`: Sakura.</li>
            <li>`11`: Seventeen.</li> <li>`12`: Soft Light.</li> <li>`13`: Afternoon Tea.</li> <li>`14`: Brighten Skin.</li>
            <li>`15`: Chaplin.</li> <li>`16`: Floral.</li> <li>`17`: Memories.</li> <li>`18`: Ice Beauty.</li> <li>`19`:
            Paris.</li> <li>`20`: Time.</li> <li>`21`: LOMO.</li> <li>`22`: Old Times.</li> <li>`23`: Early Spring.</li>
            <li>`24`: Story.</li> <li>`25`: Abao Color.</li> <li>`26`: Fill Light.</li> <li>`27`: Warm.</li> <li>`28`:
            Gorgeous.</li> <li>`29`: Lavender.</li> <li>`30`: Chanel.</li> <li>`31`: Prague.</li> <li>`32`: Old Dreams.</li>
            <li>`33`: Peach Blossom.</li> <li>`34`: Pink.</li> <li>`35`: Misty Rain.</li>
    """

    task_type: FaceBeautyProBodyTaskType
    image: File
    whitening: int | Unset = 50
    smoothing: int | Unset = 50
    thinface: int | Unset = 50
    shrink_face: int | Unset = 50
    enlarge_eye: int | Unset = 50
    remove_eyebrow: int | Unset = 50
    filter_type: FaceBeautyProBodyFilterType | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        task_type = self.task_type.value

        image = self.image.to_tuple()

        whitening = self.whitening

        smoothing = self.smoothing

        thinface = self.thinface

        shrink_face = self.shrink_face

        enlarge_eye = self.enlarge_eye

        remove_eyebrow = self.remove_eyebrow

        filter_type: int | Unset = UNSET
        if not isinstance(self.filter_type, Unset):
            filter_type = self.filter_type.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "task_type": task_type,
                "image": image,
            }
        )
        if whitening is not UNSET:
            field_dict["whitening"] = whitening
        if smoothing is not UNSET:
            field_dict["smoothing"] = smoothing
        if thinface is not UNSET:
            field_dict["thinface"] = thinface
        if shrink_face is not UNSET:
            field_dict["shrink_face"] = shrink_face
        if enlarge_eye is not UNSET:
            field_dict["enlarge_eye"] = enlarge_eye
        if remove_eyebrow is not UNSET:
            field_dict["remove_eyebrow"] = remove_eyebrow
        if filter_type is not UNSET:
            field_dict["filter_type"] = filter_type

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("task_type", (None, str(self.task_type.value).encode(), "text/plain")))

        files.append(("image", self.image.to_tuple()))

        if not isinstance(self.whitening, Unset):
            files.append(("whitening", (None, str(self.whitening).encode(), "text/plain")))

        if not isinstance(self.smoothing, Unset):
            files.append(("smoothing", (None, str(self.smoothing).encode(), "text/plain")))

        if not isinstance(self.thinface, Unset):
            files.append(("thinface", (None, str(self.thinface).encode(), "text/plain")))

        if not isinstance(self.shrink_face, Unset):
            files.append(("shrink_face", (None, str(self.shrink_face).encode(), "text/plain")))

        if not isinstance(self.enlarge_eye, Unset):
            files.append(("enlarge_eye", (None, str(self.enlarge_eye).encode(), "text/plain")))

        if not isinstance(self.remove_eyebrow, Unset):
            files.append(("remove_eyebrow", (None, str(self.remove_eyebrow).encode(), "text/plain")))

        if not isinstance(self.filter_type, Unset):
            files.append(("filter_type", (None, str(self.filter_type.value).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        task_type = FaceBeautyProBodyTaskType(d.pop("task_type"))

        image = File(payload=BytesIO(d.pop("image")))

        whitening = d.pop("whitening", UNSET)

        smoothing = d.pop("smoothing", UNSET)

        thinface = d.pop("thinface", UNSET)

        shrink_face = d.pop("shrink_face", UNSET)

        enlarge_eye = d.pop("enlarge_eye", UNSET)

        remove_eyebrow = d.pop("remove_eyebrow", UNSET)

        _filter_type = d.pop("filter_type", UNSET)
        filter_type: FaceBeautyProBodyFilterType | Unset
        if isinstance(_filter_type, Unset):
            filter_type = UNSET
        else:
            filter_type = FaceBeautyProBodyFilterType(_filter_type)

        face_beauty_pro_body = cls(
            task_type=task_type,
            image=image,
            whitening=whitening,
            smoothing=smoothing,
            thinface=thinface,
            shrink_face=shrink_face,
            enlarge_eye=enlarge_eye,
            remove_eyebrow=remove_eyebrow,
            filter_type=filter_type,
        )

        return face_beauty_pro_body
