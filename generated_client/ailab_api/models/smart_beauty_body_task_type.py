from enum import StrEnum


class SmartBeautyBodyTaskType(StrEnum):
    ASYNC = "async"

    def __str__(self) -> str:
        return str(self.value)
