"""Contains all the data models used in inputs/outputs"""

from .async_task_completed_status import AsyncTaskCompletedStatus
from .async_task_pending import AsyncTaskPending
from .async_task_pending_task_status import AsyncTaskPendingTaskStatus
from .error_detail import ErrorDetail
from .face_beauty_pro_body import FaceBeautyProBody
from .face_beauty_pro_body_filter_type import FaceBeautyProBodyFilterType
from .face_beauty_pro_body_task_type import FaceBeautyProBodyTaskType
from .face_beauty_pro_task_result import FaceBeautyProTaskResult
from .public_response_fields import PublicResponseFields
from .smart_beauty_body import SmartBeautyBody
from .smart_beauty_body_multi_face import SmartBeautyBodyMultiFace
from .smart_beauty_body_task_type import SmartBeautyBodyTaskType
from .smart_beauty_task_result import SmartBeautyTaskResult
from .smart_beauty_task_result_data import SmartBeautyTaskResultData
from .smart_skin_advanced_body import SmartSkinAdvancedBody
from .smart_skin_advanced_body_acne_removal import SmartSkinAdvancedBodyAcneRemoval
from .smart_skin_advanced_body_pore_control import SmartSkinAdvancedBodyPoreControl
from .smart_skin_advanced_body_scar_reduction import SmartSkinAdvancedBodyScarReduction
from .smart_skin_advanced_body_skin_brightening import SmartSkinAdvancedBodySkinBrightening
from .smart_skin_advanced_body_skin_smoothing import SmartSkinAdvancedBodySkinSmoothing
from .smart_skin_advanced_body_smart_skin import SmartSkinAdvancedBodySmartSkin
from .smart_skin_advanced_body_spot_correction import SmartSkinAdvancedBodySpotCorrection
from .smart_skin_advanced_body_under_eye_correction import SmartSkinAdvancedBodyUnderEyeCorrection
from .smart_skin_advanced_body_wrinkle_reduction import SmartSkinAdvancedBodyWrinkleReduction
from .smart_skin_advanced_task_result import SmartSkinAdvancedTaskResult
from .smart_skin_advanced_task_result_data import SmartSkinAdvancedTaskResultData
from .task_submitted import TaskSubmitted
from .task_submitted_task_type import TaskSubmittedTaskType
from .try_on_clothes_refiner_body import TryOnClothesRefinerBody
from .try_on_clothes_refiner_body_gender import TryOnClothesRefinerBodyGender
from .try_on_clothes_refiner_body_task_type import TryOnClothesRefinerBodyTaskType
from .try_on_clothes_refiner_task_result import TryOnClothesRefinerTaskResult
from .try_on_clothes_refiner_task_result_output import TryOnClothesRefinerTaskResultOutput
from .try_on_clothes_refiner_task_result_usage import TryOnClothesRefinerTaskResultUsage
from .waist_slimming_body import WaistSlimmingBody
from .waist_slimming_task_result import WaistSlimmingTaskResult
from .waist_slimming_task_result_data import WaistSlimmingTaskResultData

__all__ = (
    "AsyncTaskCompletedStatus",
    "AsyncTaskPending",
    "AsyncTaskPendingTaskStatus",
    "ErrorDetail",
    "FaceBeautyProBody",
    "FaceBeautyProBodyFilterType",
    "FaceBeautyProBodyTaskType",
    "FaceBeautyProTaskResult",
    "PublicResponseFields",
    "SmartBeautyBody",
    "SmartBeautyBodyMultiFace",
    "SmartBeautyBodyTaskType",
    "SmartBeautyTaskResult",
    "SmartBeautyTaskResultData",
    "SmartSkinAdvancedBody",
    "SmartSkinAdvancedBodyAcneRemoval",
    "SmartSkinAdvancedBodyPoreControl",
    "SmartSkinAdvancedBodyScarReduction",
    "SmartSkinAdvancedBodySkinBrightening",
    "SmartSkinAdvancedBodySkinSmoothing",
    "SmartSkinAdvancedBodySmartSkin",
    "SmartSkinAdvancedBodySpotCorrection",
    "SmartSkinAdvancedBodyUnderEyeCorrection",
    "SmartSkinAdvancedBodyWrinkleReduction",
    "SmartSkinAdvancedTaskResult",
    "SmartSkinAdvancedTaskResultData",
    "TaskSubmitted",
    "TaskSubmittedTaskType",
    "TryOnClothesRefinerBody",
    "TryOnClothesRefinerBodyGender",
    "TryOnClothesRefinerBodyTaskType",
    "TryOnClothesRefinerTaskResult",
    "TryOnClothesRefinerTaskResultOutput",
    "TryOnClothesRefinerTaskResultUsage",
    "WaistSlimmingBody",
    "WaistSlimmingTaskResult",
    "WaistSlimmingTaskResultData",
)
