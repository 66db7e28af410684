"""Where a downloaded result goes, and how a download never leaves a partial file behind."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from .envelope import Reply
from .errors import DownloadError
from .flows import Fetch, Fetched, Oversize
from .images import EXTENSIONS

_ERROR_PAGE_LIMIT = 64 * 1024
_SIGNATURES = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"), (b"BM", ".bmp"))


def extension(content_type: str | None, head: bytes) -> str:
    """A file extension from the Content-Type, else from the file's first bytes."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type in EXTENSIONS:
        return EXTENSIONS[media_type]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ".webp"
    for signature, suffix in _SIGNATURES:
        if head.startswith(signature):
            return suffix
    return ".bin"


def safe_stem(task_id: str, index: int) -> str:
    """A file name stem from the task id alone (never from the URL), safe on every OS."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", task_id).strip("_")[:96] or "result"
    return f"{stem}-{index}" if index else stem


class Sink:
    """Collect one download in memory, or in a hidden temporary file next to its destination.

    ``finish()`` moves the temporary file into place in one step; ``abort()`` (always called)
    removes whatever is left, so a failed or oversized download leaves nothing behind.
    """

    def __init__(self, fetch: Fetch, content_type: str | None) -> None:
        """Prepare to receive ``fetch``'s body."""
        self._fetch = fetch
        self._content_type = content_type
        self._size = 0
        self._head = b""
        self._chunks: list[bytes] = []
        self._temp: Path | None = None
        self._handle: BinaryIO | None = None
        if fetch.target is not None:
            folder = fetch.target if fetch.target.is_dir() else fetch.target.parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
                fd, name = tempfile.mkstemp(prefix=".ailab-", suffix=".part", dir=folder)
            except OSError as exc:
                raise DownloadError(f"cannot write into {str(folder)!r}: {exc.strerror}") from exc
            self._temp = Path(name)
            self._handle = os.fdopen(fd, "wb")

    def too_large(self, content_length: str | None) -> bool:
        """Whether a declared Content-Length already exceeds the cap."""
        if content_length is None or not content_length.isdigit():
            return False
        return int(content_length) > self._fetch.max_bytes

    def write(self, chunk: bytes) -> bool:
        """Take one chunk; False once the cap is exceeded (stop reading then)."""
        self._size += len(chunk)
        if self._size > self._fetch.max_bytes:
            return False
        if len(self._head) < 16:
            self._head += chunk[:16]
        if self._handle is None:
            self._chunks.append(chunk)
        else:
            try:
                self._handle.write(chunk)
            except OSError as exc:
                raise DownloadError(f"cannot write the result file: {exc.strerror}") from exc
        return True

    def finish(self) -> Fetched:
        """The bytes, or the final path once the temporary file has been moved into place."""
        if self._handle is None or self._temp is None or self._fetch.target is None:
            return Fetched(data=b"".join(self._chunks))
        handle, self._handle = self._handle, None
        try:
            handle.flush()  # buffered writes fail here when the disk is full
            os.fsync(handle.fileno())  # on disk before it gets its name (and a caller says "saved")
            handle.close()
        except OSError as exc:
            raise DownloadError(f"cannot write the result file: {exc.strerror}") from exc
        target = self._fetch.target
        if target.is_dir():
            name = self._fetch.name or safe_stem(self._fetch.task_id, self._fetch.index)
            target = target / (name + extension(self._content_type, self._head))
        try:
            if self._fetch.overwrite:
                os.replace(self._temp, target)
            else:
                target = _place_new(self._temp, target)
        except OSError as exc:
            raise DownloadError(
                f"cannot move the result to {str(target)!r}: {exc.strerror}"
            ) from exc
        self._temp = None
        _sync_folder(target.parent)
        return Fetched(path=target)

    def abort(self) -> None:
        """Remove the temporary file, if one is left (safe to call more than once)."""
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.close()
            self._handle = None
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None


class Receiver:
    """Consume one download response chunk by chunk, the same way for both I/O loops.

    A success goes into a :class:`Sink` up to the size cap; a failure keeps the start of its
    error page for the message. ``feed`` returns False when no more chunks are wanted.
    """

    def __init__(self, fetch: Fetch, status: int, headers: dict[str, str]) -> None:
        """Start receiving an answer with this status and these (lower-case) headers."""
        self._fetch = fetch
        self._status = status
        self._headers = headers
        self._page = b""
        self._oversize = False
        self._sink: Sink | None = None
        if 200 <= status < 300:
            self._sink = Sink(fetch, headers.get("content-type"))
            self._oversize = self._sink.too_large(headers.get("content-length"))

    def feed(self, chunk: bytes) -> bool:
        """Take one chunk; False means stop reading."""
        if self._oversize:
            return False
        if self._sink is None:
            self._page += chunk
            return len(self._page) <= _ERROR_PAGE_LIMIT
        self._oversize = not self._sink.write(chunk)
        return not self._oversize

    def finish(self) -> Reply | Fetched | Oversize:
        """The outcome once reading stopped."""
        if self._sink is None:
            return Reply(self._status, self._headers, self._page[:_ERROR_PAGE_LIMIT])
        if self._oversize:
            return Oversize(self._fetch.max_bytes)
        return self._sink.finish()

    def close(self) -> None:
        """Drop any temporary file that was not moved into place."""
        if self._sink is not None:
            self._sink.abort()


def _sync_folder(folder: Path) -> None:
    """Make the new name durable too (POSIX); a no-op where folders cannot be opened."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _place_new(temp: Path, target: Path) -> Path:
    """Move ``temp`` to ``target`` or, if that exists, to the first free ``stem-N`` beside it.

    A hard link fails atomically when the name is taken, so a file that appears at the same
    moment is never replaced; filesystems without hard links fall back to a check, then rename.
    """
    for number in itertools.count(1):
        candidate = target if number == 1 else target.with_stem(f"{target.stem}-{number}")
        try:
            os.link(temp, candidate)
        except FileExistsError:
            continue
        except OSError:
            if candidate.exists():
                continue
            os.replace(temp, candidate)
            return candidate
        temp.unlink()
        return candidate
    raise AssertionError("unreachable")  # pragma: no cover
