from enum import IntEnum


class AsyncTaskPendingTaskStatus(IntEnum):
    QUEUED = 0
    PROCESSING = 1

    def __str__(self) -> str:
        return str(self.value)
