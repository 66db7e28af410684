from enum import IntEnum


class FaceBeautyProBodyFilterType(IntEnum):
    BLACK_AND_WHITE = 1
    CALM = 2
    SUNNY_DAY = 3
    JOURNEY = 4
    BEAUTIFY_SKIN = 5
    HONG_KONG_STYLE = 6
    AESTHETIC = 7
    LOVELY = 8
    NEW_YORK = 9
    SAKURA = 10
    SEVENTEEN = 11
    SOFT_LIGHT = 12
    AFTERNOON_TEA = 13
    BRIGHTEN_SKIN = 14
    CHAPLIN = 15
    FLORAL = 16
    MEMORIES = 17
    ICE_BEAUTY = 18
    PARIS = 19
    TIME = 20
    LOMO = 21
    OLD_TIMES = 22
    EARLY_SPRING = 23
    STORY = 24
    ABAO_COLOR = 25
    FILL_LIGHT = 26
    WARM = 27
    GORGEOUS = 28
    LAVENDER = 29
    CHANEL = 30
    PRAGUE = 31
    OLD_DREAMS = 32
    PEACH_BLOSSOM = 33
    PINK = 34
    MISTY_RAIN = 35

    def __str__(self) -> str:
        return str(self.value)
