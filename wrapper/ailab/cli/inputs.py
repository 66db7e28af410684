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


class _Folders:
    """Which folders a batch must not look into; each folder is checked once."""

    def __init__(self, exclude: tuple[Path, ...]) -> None:
        self.exclude = exclude
        self._skipped: dict[Path, bool] = {}

    def skipped(self, folder: Path) -> bool:
        """Hidden, excluded, or holding another batch's journal (that batch's results)."""
        if folder not in self._skipped:
            self._skipped[folder] = (
                folder.name.startswith(".")
                or folder.resolve() in self.exclude
                or (folder / JOURNAL_NAME).exists()
            )
        return self._skipped[folder]

    def walk(self, root: Path) -> list[str]:
        """Every file under ``root`` (relative to it), pruning skipped folders on the way."""
        found = []
        for parent, folders, names in os.walk(root):  # does not follow links to folders
            here = Path(parent)
            folders[:] = [name for name in folders if not self.skipped(here / name)]
            found += [os.path.relpath(here / name, root) for name in names]
        return found

    def inside_skipped(self, relative: str, root: Path) -> bool:
        """Whether a folder between ``root`` and the file is skipped (for glob matches)."""
        folder = root
        for part in PurePosixPath(relative.replace(os.sep, "/")).parts[:-1]:
            folder = folder / part
            if self.skipped(folder):
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
    folders = _Folders(exclude)
    folder = Path(spec)
    if folder.is_dir():
        root = Path(os.path.abspath(folder))
        relatives = folders.walk(root)
        identity = str(root.resolve())
    elif _has_magic(spec):
        prefix, pattern = _static_prefix(spec)
        root = Path(os.path.abspath(prefix))
        # pathlib's ** does not follow links to folders, so a link loop cannot hang it.
        matches = (os.path.relpath(path, root) for path in root.glob(pattern))
        relatives = [match for match in matches if not folders.inside_skipped(match, root)]
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
            or parts[-1].startswith(".")
            or _is_result(path.name, result_suffixes)
            or not path.is_file()
            or path.resolve() in exclude  # the journal; excluded folders were pruned
        ):
            continue
        files[_key("/".join(parts))] = path
    if not files:
        kinds = " ".join(sorted(IMAGE_SUFFIXES))
        raise CommandError(f"no image files ({kinds}) found in {spec!r}")
    return Inputs(identity, root, files)
