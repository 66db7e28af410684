from enum import StrEnum


class FaceBeautyProBodyTaskType(StrEnum):
    ASYNC = "async"

    def __str__(self) -> str:
        return str(self.value)
