from enum import StrEnum


class TaskSubmittedTaskType(StrEnum):
    ASYNC = "async"

    def __str__(self) -> str:
        return str(self.value)
