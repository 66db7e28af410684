"""Which files a batch processes, and the name each result gets.

INPUT is a folder (searched recursively) or a glob (``photos/**/*.jpg``). Only image files are
taken, judged by extension (their content is checked before upload, per image). Left out:
hidden files and folders, the batch's output folder and journal, and results the single-image
commands saved next to their inputs (``me.face-beauty-pro.png``).
"""

from __future__ import annotations

import glob
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..images import EXTENSIONS
from .exits import CommandError

IMAGE_SUFFIXES = frozenset({*EXTENSIONS.values(), ".jpeg", ".jpe"})


@dataclass(frozen=True)
class Inputs:
    """The images of one batch: ``files`` maps a key (path relative to ``root``) to its file."""

    spec: str
    root: Path
    files: dict[str, Path]

    def outputs(self) -> dict[str, str]:
        """Each key's result name, relative to the output folder, without an extension.

        ``sub/me.jpg`` -> ``sub/me``; when two inputs would share a name (``me.jpg`` and
        ``me.png``) both keep their extension (``me.jpg``, ``me.png``) so neither is lost.
        """
        stems = {key: str(PurePosixPath(key).with_suffix("")) for key in self.files}
        taken = Counter(stems.values())
        return {key: key if taken[stem] > 1 else stem for key, stem in stems.items()}


def _excluded(path: Path, exclude: tuple[Path, ...]) -> bool:
    resolved = path.resolve()
    return any(resolved == item or item in resolved.parents for item in exclude)


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _is_result(path: Path, suffixes: tuple[str, ...]) -> bool:
    """``me.face-beauty-pro.png`` (or ``-2``, ``_2``): a result saved by a single command."""
    stem = re.sub(r"([-_]\d+)+$", "", path.stem)
    return stem.endswith(suffixes)


def find_inputs(
    spec: str, *, exclude: tuple[Path, ...] = (), result_suffixes: tuple[str, ...] = ()
) -> Inputs:
    """The image files named by ``spec``; a usage error when there are none.

    ``result_suffixes`` (``.face-beauty-pro``, ...) mark files that are our own results.
    """
    exclude = tuple(path.resolve() for path in exclude)
    folder = Path(spec)
    if folder.is_dir():
        root = folder.resolve()
        candidates = [Path(parent, name) for parent, _, names in os.walk(root) for name in names]
        identity = str(root)
    elif _has_magic(spec):
        root = Path(_static_prefix(spec)).resolve()
        candidates = [Path(name) for name in glob.glob(spec, recursive=True)]
        identity = os.path.abspath(spec)
    elif folder.exists():
        raise CommandError(f"INPUT {spec!r} is a file: pass its folder or a glob")
    else:
        raise CommandError(f"INPUT {spec!r} does not exist")
    files: dict[str, Path] = {}
    for candidate in candidates:
        path = candidate.resolve()
        if not path.is_file() or path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        relative = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
        if _hidden(relative) or _excluded(path, exclude) or _is_result(path, result_suffixes):
            continue
        files[relative.as_posix()] = path
    if not files:
        kinds = ", ".join(sorted(IMAGE_SUFFIXES))
        raise CommandError(f"no image files ({kinds}) found in {spec!r}")
    return Inputs(identity, root, dict(sorted(files.items())))


def _static_prefix(pattern: str) -> str:
    """The folder part of a glob before its first wildcard: ``photos`` of ``photos/*/*.jpg``."""
    parts = Path(pattern).parts
    static = []
    for part in parts[:-1]:
        if _has_magic(part):
            break
        static.append(part)
    return str(Path(*static)) if static else "."


def _has_magic(text: str) -> bool:
    return any(char in text for char in "*?[")
