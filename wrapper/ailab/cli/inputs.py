"""Which files a batch processes, and the name each result gets.

INPUT is a folder (searched recursively) or a glob (``photos/**/*.jpg``). Only image files are
taken, judged by extension (their content is checked before upload, per image). Left out:
hidden files and folders; this batch's output folder and journal; sub-folders holding another
batch's journal (its results); and results the single-image commands saved next to their inputs
(``me.face-beauty-pro.png``). Symbolic links to files are followed, links to folders are not
(so a link loop cannot hang the search); a file keeps the path it has under INPUT.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..images import EXTENSIONS
from .exits import CommandError

IMAGE_SUFFIXES = frozenset({*EXTENSIONS.values(), ".jpeg", ".jpe"})
JOURNAL_NAME = "ailab-journal.sqlite3"


@dataclass(frozen=True)
class Inputs:
    """The images of one batch: ``files`` maps a key (path relative to ``root``) to its file."""

    spec: str
    root: Path
    files: dict[str, Path]

    def outputs(self) -> dict[str, str]:
        """Each key's result name, relative to the output folder, without an extension.

        ``sub/me.jpg`` -> ``sub/me``. Names two inputs would share (``me.jpg`` and ``me.png``,
        also when they differ only in case) keep their extension (``me.jpg``, ``me.png``), and
        a number if that is still not enough, so no result ever takes another's place.
        """
        stems = {key: str(PurePosixPath(key).with_suffix("")) for key in self.files}
        taken = Counter(stem.casefold() for stem in stems.values())
        names = {key: key if taken[stem.casefold()] > 1 else stem for key, stem in stems.items()}
        used: set[str] = set()
        for key in self.files:
            name, number = names[key], 1
            while names[key].casefold() in used:
                number += 1
                names[key] = f"{name}-{number}"
            used.add(names[key].casefold())
        return names


def _key(relative: str) -> str:
    """A key that is valid text even for a file name that is not (say Latin-1 on Linux)."""
    return os.fsencode(relative).decode("utf-8", "backslashreplace")


def _is_result(name: str, suffixes: tuple[str, ...]) -> bool:
    """``me.face-beauty-pro.png`` (or ``-2``, ``_2``): a result saved by a single command."""
    stem = re.sub(r"([-_]\d+)+$", "", PurePosixPath(name).stem)
    return stem.endswith(suffixes)


def _walk(root: Path, exclude: tuple[Path, ...]) -> list[str]:
    """Every file under ``root`` as a path relative to it, skipping what a batch must not take."""
    found = []
    for parent, folders, names in os.walk(root):  # does not follow links to folders
        here = Path(parent)
        folders[:] = [
            folder
            for folder in folders
            if not folder.startswith(".")
            and (here / folder).resolve() not in exclude
            and not (here / folder / JOURNAL_NAME).exists()  # another batch's results
        ]
        found += [os.path.relpath(here / name, root) for name in names]
    return found


def _in_another_batch(relative: str, root: Path) -> bool:
    """Whether a folder between ``root`` and the file holds another batch's journal."""
    folder = root
    for part in PurePosixPath(relative.replace(os.sep, "/")).parts[:-1]:
        folder = folder / part
        if (folder / JOURNAL_NAME).exists():
            return True
    return False


def _static_prefix(pattern: str) -> tuple[str, str]:
    """Split a glob into the folder before its first wildcard and the rest."""
    parts = PurePosixPath(pattern.replace(os.sep, "/")).parts
    static: list[str] = []
    for part in parts[:-1]:
        if _has_magic(part):
            break
        static.append(part)
    rest = parts[len(static) :]
    return (str(Path(*static)) if static else "."), "/".join(rest)


def _has_magic(text: str) -> bool:
    return any(char in text for char in "*?[")


def find_inputs(
    spec: str, *, exclude: tuple[Path, ...] = (), result_suffixes: tuple[str, ...] = ()
) -> Inputs:
    """The image files named by ``spec``; a usage error when there are none.

    ``result_suffixes`` (``.face-beauty-pro``, ...) mark files that are our own results.
    """
    exclude = tuple(path.resolve() for path in exclude)
    folder = Path(spec)
    if folder.is_dir():
        root = Path(os.path.abspath(folder))
        relatives = _walk(root, exclude)
        identity = str(root.resolve())
    elif _has_magic(spec):
        prefix, pattern = _static_prefix(spec)
        root = Path(os.path.abspath(prefix))
        # pathlib's ** does not follow links to folders, so a link loop cannot hang it.
        relatives = [os.path.relpath(path, root) for path in root.glob(pattern) if path.is_file()]
        identity = os.path.abspath(spec)
    elif folder.exists():
        raise CommandError(f"INPUT {spec!r} is a file: pass its folder or a glob")
    else:
        raise CommandError(f"INPUT {spec!r} does not exist")
    files: dict[str, Path] = {}
    for relative in sorted(relatives):
        path = root / relative
        parts = PurePosixPath(relative.replace(os.sep, "/")).parts
        if (
            path.suffix.lower() not in IMAGE_SUFFIXES
            or not path.is_file()
            or any(part.startswith(".") for part in parts)
            or any(path.resolve() == item or item in path.resolve().parents for item in exclude)
            or _is_result(path.name, result_suffixes)
            or _in_another_batch(relative, root)
        ):
            continue
        files[_key("/".join(parts))] = path
    if not files:
        kinds = " ".join(sorted(IMAGE_SUFFIXES))
        raise CommandError(f"no image files ({kinds}) found in {spec!r}")
    return Inputs(identity, root, files)
