from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TryOnClothesRefinerTaskResultUsage")


@_attrs_define
class TryOnClothesRefinerTaskResultUsage:
    """
    Attributes:
        image_count (int | Unset): Number of generated images.
    """

    image_count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image_count = self.image_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if image_count is not UNSET:
            field_dict["image_count"] = image_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        image_count = d.pop("image_count", UNSET)

        try_on_clothes_refiner_task_result_usage = cls(
            image_count=image_count,
        )

        try_on_clothes_refiner_task_result_usage.additional_properties = d
        return try_on_clothes_refiner_task_result_usage

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
