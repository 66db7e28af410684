from enum import IntEnum


class AsyncTaskCompletedStatus(IntEnum):
    COMPLETED = 2

    def __str__(self) -> str:
        return str(self.value)
