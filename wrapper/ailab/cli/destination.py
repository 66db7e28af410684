"""Where the command line saves results, and the promise never to overwrite by surprise.

A result goes to an explicit file (``-o out.png``), or into a folder under a name derived from
the input (``me.jpg`` -> ``me.face-beauty-pro.png``, the extension matching the content).
An explicit file that exists is refused before anything is submitted, unless ``--overwrite``.
A derived name that is taken is never replaced: the result goes to ``me.face-beauty-pro-2.png``.
A task with several result files saves them as ``name.png``, ``name_2.png``, ...
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..results import Result
from .exits import CommandError


@dataclass(frozen=True)
class Destination:
    """A file to write, or a folder plus a name stem (``None``: named after the task id)."""

    file: Path | None = None
    folder: Path | None = None
    name: str | None = None

    @classmethod
    def choose(cls, out: str | None, *, source: Path | None, suffix: str) -> Destination:
        """Resolve ``-o``: a folder if it is one (or ends with a separator), else a file.

        Without ``-o`` the result goes next to ``source`` (or into the current folder).
        """
        name = f"{source.stem}.{suffix}" if source is not None else None
        if out is None:
            return cls(folder=source.parent if source is not None else Path.cwd(), name=name)
        if out.endswith(("/", os.sep)) or Path(out).is_dir():
            return cls(folder=Path(out), name=name)
        return cls(file=Path(out))

    def check(self, *, overwrite: bool) -> None:
        """Refuse, before any credit is spent, a target that exists or cannot be written."""
        folder = self.folder if self.file is None else self.file.parent
        _check_writable(folder or Path.cwd())
        if self.file is None:
            return
        if self.file.is_dir():
            raise CommandError(f"-o {str(self.file)!r} is a folder")
        if self.file.exists() and not overwrite:
            raise CommandError(
                f"{str(self.file)!r} already exists: pass --overwrite, or choose another -o"
            )

    def target(self, index: int) -> tuple[str | Path, str | None]:
        """The save target for result file ``index`` (a folder ends with a separator)."""
        if self.file is not None:
            if index == 0:
                return self.file, None
            return self.file.with_stem(f"{self.file.stem}_{index + 1}"), None
        folder = f"{self.folder or Path.cwd()}{os.sep}"
        if self.name is None:
            return folder, None  # the wrapper names it after the task id (and the index)
        return folder, self.name if index == 0 else f"{self.name}_{index + 1}"

    def save(self, result: Result[object], *, overwrite: bool) -> list[Path]:
        """Save every file of ``result``; return where each went."""
        paths = []
        for index in range(len(result.urls)):
            target, name = self.target(index)
            paths.append(result.save(target, index, name=name, overwrite=overwrite))
        return paths


def _check_writable(folder: Path) -> None:
    """The folder exists and is writable, or can be created: its nearest existing ancestor is."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise CommandError(f"cannot save into {str(folder)!r}: {str(existing)!r} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CommandError(f"cannot save into {str(folder)!r}: {str(existing)!r} is not writable")
