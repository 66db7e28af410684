from enum import StrEnum


class TryOnClothesRefinerBodyGender(StrEnum):
    MAN = "man"
    WOMAN = "woman"

    def __str__(self) -> str:
        return str(self.value)
