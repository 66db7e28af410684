from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import types
from ..models.smart_skin_advanced_body_acne_removal import SmartSkinAdvancedBodyAcneRemoval
from ..models.smart_skin_advanced_body_pore_control import SmartSkinAdvancedBodyPoreControl
from ..models.smart_skin_advanced_body_scar_reduction import SmartSkinAdvancedBodyScarReduction
from ..models.smart_skin_advanced_body_skin_brightening import SmartSkinAdvancedBodySkinBrightening
from ..models.smart_skin_advanced_body_skin_smoothing import SmartSkinAdvancedBodySkinSmoothing
from ..models.smart_skin_advanced_body_smart_skin import SmartSkinAdvancedBodySmartSkin
from ..models.smart_skin_advanced_body_spot_correction import SmartSkinAdvancedBodySpotCorrection
from ..models.smart_skin_advanced_body_under_eye_correction import SmartSkinAdvancedBodyUnderEyeCorrection
from ..models.smart_skin_advanced_body_wrinkle_reduction import SmartSkinAdvancedBodyWrinkleReduction
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="SmartSkinAdvancedBody")


@_attrs_define
class SmartSkinAdvancedBody:
    """
    Attributes:
        image (File): - Image format: `JPEG` `JPG` `PNG` `WEBP`
            - Image size: No more than 10 MB.
            - Image resolution: Less than 4096x4096px.
        smart_skin (SmartSkinAdvancedBodySmartSkin | Unset): Smart all-in-one skin beautification. `0`: No. `1`: Yes.
            Default: SmartSkinAdvancedBodySmartSkin.VALUE_0.
        acne_removal (SmartSkinAdvancedBodyAcneRemoval | Unset): Acne and blemish removal. `0`: No. `1`: Yes. Default:
            SmartSkinAdvancedBodyAcneRemoval.VALUE_0.
        spot_correction (SmartSkinAdvancedBodySpotCorrection | Unset): Spot and pigmentation correction. `0`: No. `1`:
            Yes. Default: SmartSkinAdvancedBodySpotCorrection.VALUE_0.
        skin_brightening (SmartSkinAdvancedBodySkinBrightening | Unset): Skin brightening and tone enhancement. `0`: No.
            `1`: Yes. Default: SmartSkinAdvancedBodySkinBrightening.VALUE_0.
        skin_smoothing (SmartSkinAdvancedBodySkinSmoothing | Unset): Skin smoothing and refinement. `0`: No. `1`: Yes.
            Default: SmartSkinAdvancedBodySkinSmoothing.VALUE_0.
        pore_control (SmartSkinAdvancedBodyPoreControl | Unset): Pore and oil control. `0`: No. `1`: Yes. Default:
            SmartSkinAdvancedBodyPoreControl.VALUE_0.
        wrinkle_reduction (SmartSkinAdvancedBodyWrinkleReduction | Unset): Wrinkle and fine-line reduction. `0`: No.
            `1`: Yes. Default: SmartSkinAdvancedBodyWrinkleReduction.VALUE_0.
        under_eye_correction (SmartSkinAdvancedBodyUnderEyeCorrection | Unset): Under-eye correction. `0`: No. `1`: Yes.
            Default: SmartSkinAdvancedBodyUnderEyeCorrection.VALUE_0.
        scar_reduction (SmartSkinAdvancedBodyScarReduction | Unset): Scar and skin damage reduction. `0`: No. `1`: Yes.
            Default: SmartSkinAdvancedBodyScarReduction.VALUE_0.
    """

    image: File
    smart_skin: SmartSkinAdvancedBodySmartSkin | Unset = SmartSkinAdvancedBodySmartSkin.VALUE_0
    acne_removal: SmartSkinAdvancedBodyAcneRemoval | Unset = SmartSkinAdvancedBodyAcneRemoval.VALUE_0
    spot_correction: SmartSkinAdvancedBodySpotCorrection | Unset = SmartSkinAdvancedBodySpotCorrection.VALUE_0
    skin_brightening: SmartSkinAdvancedBodySkinBrightening | Unset = SmartSkinAdvancedBodySkinBrightening.VALUE_0
    skin_smoothing: SmartSkinAdvancedBodySkinSmoothing | Unset = SmartSkinAdvancedBodySkinSmoothing.VALUE_0
    pore_control: SmartSkinAdvancedBodyPoreControl | Unset = SmartSkinAdvancedBodyPoreControl.VALUE_0
    wrinkle_reduction: SmartSkinAdvancedBodyWrinkleReduction | Unset = SmartSkinAdvancedBodyWrinkleReduction.VALUE_0
    under_eye_correction: SmartSkinAdvancedBodyUnderEyeCorrection | Unset = (
        SmartSkinAdvancedBodyUnderEyeCorrection.VALUE_0
    )
    scar_reduction: SmartSkinAdvancedBodyScarReduction | Unset = SmartSkinAdvancedBodyScarReduction.VALUE_0

    def to_dict(self) -> dict[str, Any]:
        image = self.image.to_tuple()

        smart_skin: str | Unset = UNSET
        if not isinstance(self.smart_skin, Unset):
            smart_skin = self.smart_skin.value

        acne_removal: str | Unset = UNSET
        if not isinstance(self.acne_removal, Unset):
            acne_removal = self.acne_removal.value

        spot_correction: str | Unset = UNSET
        if not isinstance(self.spot_correction, Unset):
            spot_correction = self.spot_correction.value

        skin_brightening: str | Unset = UNSET
        if not isinstance(self.skin_brightening, Unset):
            skin_brightening = self.skin_brightening.value

        skin_smoothing: str | Unset = UNSET
        if not isinstance(self.skin_smoothing, Unset):
            skin_smoothing = self.skin_smoothing.value

        pore_control: str | Unset = UNSET
        if not isinstance(self.pore_control, Unset):
            pore_control = self.pore_control.value

        wrinkle_reduction: str | Unset = UNSET
        if not isinstance(self.wrinkle_reduction, Unset):
            wrinkle_reduction = self.wrinkle_reduction.value

        under_eye_correction: str | Unset = UNSET
        if not isinstance(self.under_eye_correction, Unset):
            under_eye_correction = self.under_eye_correction.value

        scar_reduction: str | Unset = UNSET
        if not isinstance(self.scar_reduction, Unset):
            scar_reduction = self.scar_reduction.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "image": image,
            }
        )
        if smart_skin is not UNSET:
            field_dict["smart_skin"] = smart_skin
        if acne_removal is not UNSET:
            field_dict["acne_removal"] = acne_removal
        if spot_correction is not UNSET:
            field_dict["spot_correction"] = spot_correction
        if skin_brightening is not UNSET:
            field_dict["skin_brightening"] = skin_brightening
        if skin_smoothing is not UNSET:
            field_dict["skin_smoothing"] = skin_smoothing
        if pore_control is not UNSET:
            field_dict["pore_control"] = pore_control
        if wrinkle_reduction is not UNSET:
            field_dict["wrinkle_reduction"] = wrinkle_reduction
        if under_eye_correction is not UNSET:
            field_dict["under_eye_correction"] = under_eye_correction
        if scar_reduction is not UNSET:
            field_dict["scar_reduction"] = scar_reduction

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("image", self.image.to_tuple()))

        if not isinstance(self.smart_skin, Unset):
            files.append(("smart_skin", (None, str(self.smart_skin.value).encode(), "text/plain")))

        if not isinstance(self.acne_removal, Unset):
            files.append(("acne_removal", (None, str(self.acne_removal.value).encode(), "text/plain")))

        if not isinstance(self.spot_correction, Unset):
            files.append(("spot_correction", (None, str(self.spot_correction.value).encode(), "text/plain")))

        if not isinstance(self.skin_brightening, Unset):
            files.append(("skin_brightening", (None, str(self.skin_brightening.value).encode(), "text/plain")))

        if not isinstance(self.skin_smoothing, Unset):
            files.append(("skin_smoothing", (None, str(self.skin_smoothing.value).encode(), "text/plain")))

        if not isinstance(self.pore_control, Unset):
            files.append(("pore_control", (None, str(self.pore_control.value).encode(), "text/plain")))

        if not isinstance(self.wrinkle_reduction, Unset):
            files.append(("wrinkle_reduction", (None, str(self.wrinkle_reduction.value).encode(), "text/plain")))

        if not isinstance(self.under_eye_correction, Unset):
            files.append(("under_eye_correction", (None, str(self.under_eye_correction.value).encode(), "text/plain")))

        if not isinstance(self.scar_reduction, Unset):
            files.append(("scar_reduction", (None, str(self.scar_reduction.value).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        image = File(payload=BytesIO(d.pop("image")))

        _smart_skin = d.pop("smart_skin", UNSET)
        smart_skin: SmartSkinAdvancedBodySmartSkin | Unset
        if isinstance(_smart_skin, Unset):
            smart_skin = UNSET
        else:
            smart_skin = SmartSkinAdvancedBodySmartSkin(_smart_skin)

        _acne_removal = d.pop("acne_removal", UNSET)
        acne_removal: SmartSkinAdvancedBodyAcneRemoval | Unset
        if isinstance(_acne_removal, Unset):
            acne_removal = UNSET
        else:
            acne_removal = SmartSkinAdvancedBodyAcneRemoval(_acne_removal)

        _spot_correction = d.pop("spot_correction", UNSET)
        spot_correction: SmartSkinAdvancedBodySpotCorrection | Unset
        if isinstance(_spot_correction, Unset):
            spot_correction = UNSET
        else:
            spot_correction = SmartSkinAdvancedBodySpotCorrection(_spot_correction)

        _skin_brightening = d.pop("skin_brightening", UNSET)
        skin_brightening: SmartSkinAdvancedBodySkinBrightening | Unset
        if isinstance(_skin_brightening, Unset):
            skin_brightening = UNSET
        else:
            skin_brightening = SmartSkinAdvancedBodySkinBrightening(_skin_brightening)

        _skin_smoothing = d.pop("skin_smoothing", UNSET)
        skin_smoothing: SmartSkinAdvancedBodySkinSmoothing | Unset
        if isinstance(_skin_smoothing, Unset):
            skin_smoothing = UNSET
        else:
            skin_smoothing = SmartSkinAdvancedBodySkinSmoothing(_skin_smoothing)

        _pore_control = d.pop("pore_control", UNSET)
        pore_control: SmartSkinAdvancedBodyPoreControl | Unset
        if isinstance(_pore_control, Unset):
            pore_control = UNSET
        else:
            pore_control = SmartSkinAdvancedBodyPoreControl(_pore_control)

        _wrinkle_reduction = d.pop("wrinkle_reduction", UNSET)
        wrinkle_reduction: SmartSkinAdvancedBodyWrinkleReduction | Unset
        if isinstance(_wrinkle_reduction, Unset):
            wrinkle_reduction = UNSET
        else:
            wrinkle_reduction = SmartSkinAdvancedBodyWrinkleReduction(_wrinkle_reduction)

        _under_eye_correction = d.pop("under_eye_correction", UNSET)
        under_eye_correction: SmartSkinAdvancedBodyUnderEyeCorrection | Unset
        if isinstance(_under_eye_correction, Unset):
            under_eye_correction = UNSET
        else:
            under_eye_correction = SmartSkinAdvancedBodyUnderEyeCorrection(_under_eye_correction)

        _scar_reduction = d.pop("scar_reduction", UNSET)
        scar_reduction: SmartSkinAdvancedBodyScarReduction | Unset
        if isinstance(_scar_reduction, Unset):
            scar_reduction = UNSET
        else:
            scar_reduction = SmartSkinAdvancedBodyScarReduction(_scar_reduction)

        smart_skin_advanced_body = cls(
            image=image,
            smart_skin=smart_skin,
            acne_removal=acne_removal,
            spot_correction=spot_correction,
            skin_brightening=skin_brightening,
            skin_smoothing=skin_smoothing,
            pore_control=pore_control,
            wrinkle_reduction=wrinkle_reduction,
            under_eye_correction=under_eye_correction,
            scar_reduction=scar_reduction,
        )

        return smart_skin_advanced_body
