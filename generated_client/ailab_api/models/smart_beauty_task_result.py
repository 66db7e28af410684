from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.async_task_completed_status import AsyncTaskCompletedStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_detail import ErrorDetail
    from ..models.smart_beauty_task_result_data import SmartBeautyTaskResultData


T = TypeVar("T", bound="SmartBeautyTaskResult")


@_attrs_define
class SmartBeautyTaskResult:
    """A completed smart_beauty task. The result image URL is data.image_url (valid 24 hours).

    Attributes:
        error_detail (ErrorDetail):
        task_status (AsyncTaskCompletedStatus): `2`: processing was successful; the result is in the response.
        data (SmartBeautyTaskResultData):
        request_id (str | Unset): Request ID for debugging.
        log_id (str | Unset): Log ID for debugging.
        error_code (int | Unset): Older generation only. 0 on success, otherwise equal to the HTTP status.
        error_code_str (str | Unset): Older generation only, being phased out. The error code as text.
        error_msg (str | Unset): Older generation only. A human-readable error message.
    """

    error_detail: ErrorDetail
    task_status: AsyncTaskCompletedStatus
    data: SmartBeautyTaskResultData
    request_id: str | Unset = UNSET
    log_id: str | Unset = UNSET
    error_code: int | Unset = UNSET
    error_code_str: str | Unset = UNSET
    error_msg: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error_detail = self.error_detail.to_dict()

        task_status = self.task_status.value

        data = self.data.to_dict()

        request_id = self.request_id

        log_id = self.log_id

        error_code = self.error_code

        error_code_str = self.error_code_str

        error_msg = self.error_msg

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "error_detail": error_detail,
                "task_status": task_status,
                "data": data,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id
        if log_id is not UNSET:
            field_dict["log_id"] = log_id
        if error_code is not UNSET:
            field_dict["error_code"] = error_code
        if error_code_str is not UNSET:
            field_dict["error_code_str"] = error_code_str
        if error_msg is not UNSET:
            field_dict["error_msg"] = error_msg

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_detail import ErrorDetail  # noqa: PLC0415
        from ..models.smart_beauty_task_result_data import SmartBeautyTaskResultData  # noqa: PLC0415

        d = dict(src_dict)
        error_detail = ErrorDetail.from_dict(d.pop("error_detail"))

        task_status = AsyncTaskCompletedStatus(d.pop("task_status"))

        data = SmartBeautyTaskResultData.from_dict(d.pop("data"))

        request_id = d.pop("request_id", UNSET)

        log_id = d.pop("log_id", UNSET)

        error_code = d.pop("error_code", UNSET)

        error_code_str = d.pop("error_code_str", UNSET)

        error_msg = d.pop("error_msg", UNSET)

        smart_beauty_task_result = cls(
            error_detail=error_detail,
            task_status=task_status,
            data=data,
            request_id=request_id,
            log_id=log_id,
            error_code=error_code,
            error_code_str=error_code_str,
            error_msg=error_msg,
        )

        smart_beauty_task_result.additional_properties = d
        return smart_beauty_task_result

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
