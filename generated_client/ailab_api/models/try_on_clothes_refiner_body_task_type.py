from enum import StrEnum


class TryOnClothesRefinerBodyTaskType(StrEnum):
    ASYNC = "async"

    def __str__(self) -> str:
        return str(self.value)
