"""Base classes of the generated operation classes: what calling an operation does."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar

from .engine import AsyncEngine, SyncEngine
from .flows import StatusCallback
from .images import ImageInput
from .results import AsyncResult, Result, Task
from .specs import OperationSpec

__all__ = ["AsyncOperation", "ImageInput", "StatusCallback", "SyncOperation"]

M = TypeVar("M")
logger = logging.getLogger("ailab")


def _keep_task(error: BaseException, task: Task) -> None:
    """Make sure a failure after submission still tells the caller how to resume."""
    logger.warning(
        "waiting for task %s (%s) stopped: %s", task.task_id, task.operation, type(error).__name__
    )
    error.add_note(
        f"ailab: task {task.task_id} ({task.operation}) was submitted and may still finish; "
        f"resume with client.wait({task.task_id!r}, operation={task.operation!r})"
    )


class SyncOperation(Generic[M]):
    """One operation bound to a Client. Subclasses (generated) add the typed signatures."""

    spec: ClassVar[OperationSpec]

    def __init__(self, engine: SyncEngine) -> None:
        """Bind to the engine of a Client."""
        self._engine = engine

    def __repr__(self) -> str:
        return f"<operation {self.spec.name}>"

    def _submit(self, images: Mapping[str, object], params: Mapping[str, object]) -> Task:
        return self._engine.submit(self.spec, images, params)

    def _run(
        self,
        images: Mapping[str, object],
        params: Mapping[str, object],
        *,
        timeout: float | None,
        poll_interval: float | None,
        on_status: StatusCallback | None,
    ) -> Result[M]:
        plan = self._engine.plan(timeout, poll_interval)  # one deadline for the whole call
        task = self._engine.submit(self.spec, images, params, deadline=plan.deadline)
        try:
            result: Result[Any] = self._engine.wait(task, on_status=on_status, plan=plan)
        except BaseException as error:
            _keep_task(error, task)
            raise
        return result


class AsyncOperation(Generic[M]):
    """One operation bound to an AsyncClient. Subclasses (generated) add the typed signatures."""

    spec: ClassVar[OperationSpec]

    def __init__(self, engine: AsyncEngine) -> None:
        """Bind to the engine of an AsyncClient."""
        self._engine = engine

    def __repr__(self) -> str:
        return f"<async operation {self.spec.name}>"

    async def _submit(self, images: Mapping[str, object], params: Mapping[str, object]) -> Task:
        return await self._engine.submit(self.spec, images, params)

    async def _run(
        self,
        images: Mapping[str, object],
        params: Mapping[str, object],
        *,
        timeout: float | None,
        poll_interval: float | None,
        on_status: StatusCallback | None,
    ) -> AsyncResult[M]:
        plan = self._engine.plan(timeout, poll_interval)  # one deadline for the whole call
        task = await self._engine.submit(self.spec, images, params, deadline=plan.deadline)
        try:
            result: AsyncResult[Any] = await self._engine.wait(task, on_status=on_status, plan=plan)
        except BaseException as error:
            _keep_task(error, task)
            raise
        return result
