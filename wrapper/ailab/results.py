"""What the client hands back: submitted tasks, status changes and finished results."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, Protocol, TypedDict, TypeVar

from .errors import DownloadError, InvalidInputError

M = TypeVar("M")


@dataclass(frozen=True)
class Task:
    """A submitted task. Persist ``to_dict()`` to resume waiting after a restart."""

    task_id: str
    operation: str
    submitted_at: datetime | None = None
    request_id: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """A JSON-safe dict that :meth:`from_dict` turns back into an equal Task."""
        return {
            "task_id": self.task_id,
            "operation": self.operation,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "request_id": self.request_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Task:
        """Rebuild a Task from :meth:`to_dict` output; raise InvalidInputError if malformed."""
        if not isinstance(data, Mapping):
            raise InvalidInputError(
                f"Task.from_dict: expected a mapping, got {type(data).__name__}"
            )
        values: dict[str, str | None] = {}
        for key, required in (
            ("task_id", True),
            ("operation", True),
            ("submitted_at", False),
            ("request_id", False),
        ):
            value = data.get(key)
            if (value is None and required) or (value is not None and not isinstance(value, str)):
                raise InvalidInputError(f"Task.from_dict: {key}={value!r} must be a string")
            values[key] = value
        submitted = values["submitted_at"]
        try:
            when = datetime.fromisoformat(submitted) if submitted else None
        except ValueError as exc:
            raise InvalidInputError(
                f"Task.from_dict: submitted_at={submitted!r} is not ISO 8601"
            ) from exc
        return cls(str(values["task_id"]), str(values["operation"]), when, values["request_id"])

    @staticmethod
    def now() -> datetime:
        """The submission time stamp (UTC)."""
        return datetime.now(UTC)


@dataclass(frozen=True)
class StatusChange:
    """Passed to ``on_status`` whenever a task's status changes.

    ``status`` is ``queued``, ``processing`` or ``completed``; ``elapsed`` counts seconds since
    the wait began.
    """

    task_id: str
    operation: str | None
    status: str
    previous: str | None
    elapsed: float


class Downloads(Protocol):
    """What a Result needs from its client to fetch files."""

    def download(self, url: str, *, task_id: str) -> bytes:
        """The file's bytes."""
        ...

    def save(
        self, url: str, path: Path, *, task_id: str, index: int, name: str, overwrite: bool
    ) -> Path:
        """Write the file to ``path`` (a file or a directory); return where it went."""
        ...


class AsyncDownloads(Protocol):
    """What an AsyncResult needs from its client to fetch files."""

    async def download(self, url: str, *, task_id: str) -> bytes:
        """The file's bytes."""
        ...

    async def save(
        self, url: str, path: Path, *, task_id: str, index: int, name: str, overwrite: bool
    ) -> Path:
        """Write the file to ``path`` (a file or a directory); return where it went."""
        ...


class _SaveOptions(TypedDict):
    task_id: str
    index: int
    name: str
    overwrite: bool


def _target(
    path: str | os.PathLike[str], *, directory: bool = False, name: str | None = None
) -> Path:
    """The save target; a trailing separator (or ``directory``) makes it a folder, created."""
    text = os.fspath(path)
    folder = directory or text.endswith(("/", os.sep))
    target = Path(text)
    if name is not None:
        if not name or name != Path(name).name or name in (".", ".."):
            raise InvalidInputError(f"name={name!r} must be a plain file name without a folder")
        if not (folder or target.is_dir()):
            raise InvalidInputError(f"name={name!r} needs a folder to save into, not {text!r}")
        folder = True
    if folder:
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DownloadError(f"cannot create the folder {text!r}: {exc.strerror}") from exc
    return target


@dataclass(frozen=True, repr=False)
class _ResultData(Generic[M]):
    task_id: str
    operation: str
    urls: list[str]
    raw: dict[str, Any]
    model: M | None

    def _url(self, index: int) -> str:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self.urls):
            raise InvalidInputError(
                f"index={index!r} is out of range: this result has {len(self.urls)} URL(s)"
            )
        return self.urls[index]

    def _save_call(
        self, path: str | os.PathLike[str], index: int, name: str | None, overwrite: bool
    ) -> tuple[str, Path, _SaveOptions]:
        """The checked arguments of a save, shared by the sync and async results."""
        url = self._url(index)
        options: _SaveOptions = {
            "task_id": self.task_id,
            "index": index,
            "name": name or "",
            "overwrite": overwrite,
        }
        return url, _target(path, name=name), options

    @property
    def url(self) -> str:
        """The first result URL (valid for a limited time: download promptly)."""
        return self.urls[0]

    def __repr__(self) -> str:
        # Result URLs are bearer links: keep them out of reprs (and so out of logs).
        return (
            f"{type(self).__name__}(task_id={self.task_id!r}, operation={self.operation!r}, "
            f"urls=<{len(self.urls)} URL(s)>)"
        )


@dataclass(frozen=True, repr=False)
class Result(_ResultData[M]):
    """A finished task: its result URLs, the raw answer and the typed generated model.

    ``model`` is None when the answer carries the URLs but strays from the spec elsewhere.
    """

    downloads: Downloads = field(compare=False, kw_only=True)

    def download(self, index: int = 0) -> bytes:
        """Fetch result file ``index`` (the API key is never sent to the storage host)."""
        return self.downloads.download(self._url(index), task_id=self.task_id)

    def save(
        self,
        path: str | os.PathLike[str],
        index: int = 0,
        *,
        name: str | None = None,
        overwrite: bool = True,
    ) -> Path:
        """Save result file ``index`` to a file, or into a directory; return where it went.

        ``path`` is a directory when it exists as one or ends with a path separator (then it is
        created); otherwise it is the file to write. In a directory the file is named ``name``
        (default: from the task id) plus an extension matching the content, e.g. ``.png``.
        With ``overwrite=False`` an existing file is never replaced: the result goes to the
        first free name (``photo-2.png``, ``photo-3.png``, ...) so a paid result is never lost.
        """
        url, target, options = self._save_call(path, index, name, overwrite)
        return self.downloads.save(url, target, **options)

    def save_all(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Save every result file into ``directory`` (created if missing); return the paths."""
        folder = _target(Path(directory), directory=True)
        return [self.save(folder, index) for index in range(len(self.urls))]


@dataclass(frozen=True, repr=False)
class AsyncResult(_ResultData[M]):
    """A finished task, for AsyncClient: the same as Result with awaitable downloads."""

    downloads: AsyncDownloads = field(compare=False, kw_only=True)

    async def download(self, index: int = 0) -> bytes:
        """Fetch result file ``index`` (the API key is never sent to the storage host)."""
        return await self.downloads.download(self._url(index), task_id=self.task_id)

    async def save(
        self,
        path: str | os.PathLike[str],
        index: int = 0,
        *,
        name: str | None = None,
        overwrite: bool = True,
    ) -> Path:
        """Save result file ``index``; see :meth:`Result.save`."""
        url, target, options = self._save_call(path, index, name, overwrite)
        return await self.downloads.save(url, target, **options)

    async def save_all(self, directory: str | os.PathLike[str]) -> list[Path]:
        """Save every result file into ``directory`` (created if missing); return the paths."""
        folder = _target(Path(directory), directory=True)
        return [await self.save(folder, index) for index in range(len(self.urls))]
