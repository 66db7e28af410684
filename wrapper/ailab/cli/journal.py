"""The batch journal: one SQLite file that records every image's progress durably.

Why SQLite rather than JSON lines: each change is one transaction, committed with an fsync
(``synchronous=FULL``), so a kill at any instant leaves the last committed state and never a torn
record; the file is locked while a batch runs, so two runs cannot submit the same images; and
the file stays queryable with the ``sqlite3`` shell (``SELECT state, count(*) FROM items``).

Item states, and what a re-run does with each:

- ``pending``: never sent. Submitted.
- ``submitting``: the intent to submit was recorded, then the run stopped. The request may have
  reached the API (and been charged) before its task id came back, so it is reported as
  uncertain and only resubmitted with ``--resubmit-uncertain``.
- ``uncertain``: the submit failed in a way that may have created a task. As above.
- ``submitted``: the task id is known. Polled again, never resubmitted, unless the task is older
  than the API's result retention (24 hours), when its result is gone.
- ``saved``: done. Skipped.
- ``failed``: the API rejected the image or the task failed. Retried with ``--retry-failed``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

FORMAT = 1


class State(StrEnum):
    """Where one image is in its life: see the module docstring."""

    PENDING = "pending"
    SUBMITTING = "submitting"
    UNCERTAIN = "uncertain"
    SUBMITTED = "submitted"
    SAVED = "saved"
    FAILED = "failed"


class JournalError(Exception):
    """The journal cannot be used for this batch (explained in the message)."""


@dataclass(frozen=True)
class Item:
    """One input image as the journal knows it."""

    key: str
    output: str
    state: State
    task_id: str | None
    submitted_at: float | None
    error_code: str | None
    error: str | None
    saved: tuple[str, ...]
    submits: int


@dataclass(frozen=True)
class Identity:
    """What makes two batch commands the same batch: operation, options and inputs."""

    operation: str
    options: Mapping[str, str]
    input: str
    keys: tuple[str, ...]

    def header(self) -> str:
        """The stored form of everything but the per-image keys."""
        return json.dumps(
            {"operation": self.operation, "options": dict(self.options), "input": self.input},
            sort_keys=True,
        )


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY,
    output TEXT NOT NULL,
    state TEXT NOT NULL,
    task_id TEXT,
    submitted_at REAL,
    error_code TEXT,
    error TEXT,
    saved TEXT NOT NULL DEFAULT '[]',
    submits INTEGER NOT NULL DEFAULT 0,
    updated_at REAL NOT NULL
);
"""


class Journal:
    """An open, locked journal. Every ``mark_*`` call is committed to disk before it returns."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        """Wrap an open connection (use :meth:`open`)."""
        self.path = path
        self._db = connection

    @classmethod
    def open(
        cls, path: Path, identity: Identity, outputs: Mapping[str, str], command: str
    ) -> Journal:
        """Open (or create) the journal at ``path`` for this batch, holding its lock.

        Raise JournalError when another run holds it, or when it was written for a different
        operation, options or set of input files.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=0, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(f"cannot open the journal {str(path)!r}: {exc}") from exc
        try:
            # Exclusive locking mode: the first write takes the lock and keeps it until close,
            # so a second `ailab batch` on the same journal is refused instead of double-paying.
            db.execute("PRAGMA locking_mode=EXCLUSIVE")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.executescript(_SCHEMA)
            journal = cls(path, db)
            journal._adopt(identity, outputs, command)
        except sqlite3.OperationalError as exc:
            db.close()
            if "locked" in str(exc) or "busy" in str(exc):
                raise JournalError(
                    f"the journal {str(path)!r} is in use by another `ailab batch` run; "
                    "wait for it to finish (or stop it) before running this batch again"
                ) from exc
            raise JournalError(f"cannot use the journal {str(path)!r}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            db.close()
            raise JournalError(
                f"{str(path)!r} is not an ailab journal ({exc}); pass another --journal"
            ) from exc
        except JournalError:
            db.close()
            raise
        return journal

    def _adopt(self, identity: Identity, outputs: Mapping[str, str], command: str) -> None:
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if not meta:
            now = time.time()
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [
                        ("format", str(FORMAT)),
                        ("identity", identity.header()),
                        ("command", command),
                        ("created_at", str(now)),
                    ],
                )
                self._db.executemany(
                    "INSERT INTO items (key, output, state, updated_at) VALUES (?, ?, ?, ?)",
                    [(key, outputs[key], State.PENDING.value, now) for key in identity.keys],
                )
            return
        if meta.get("format") != str(FORMAT) or "identity" not in meta:
            raise JournalError(
                f"{str(self.path)!r} was written by another version of ailab "
                f"(format {meta.get('format')!r}); pass another --journal"
            )
        stored = json.loads(meta["identity"])
        keys = {row[0] for row in self._db.execute("SELECT key FROM items")}
        problems = _differences(stored, identity, keys)
        if problems:
            saved = self._db.execute(
                "SELECT count(*) FROM items WHERE state IN (?, ?)",
                [State.SAVED.value, State.SUBMITTED.value],
            ).fetchone()[0]
            raise JournalError(
                f"the journal {str(self.path)!r} belongs to a different batch: "
                + "; ".join(problems)
                + f". It was written by: {meta.get('command', '?')}\n"
                "To resume it, run that command with the same options and input files "
                "(restore any that are missing, move new ones elsewhere). "
                "A new --journal (or --out) starts over: every image is submitted and paid "
                f"for again, including the {saved} this journal already submitted."
            )

    def state(self, key: str) -> State:
        """One image's current state."""
        row = self._db.execute("SELECT state FROM items WHERE key = ?", [key]).fetchone()
        return State(row[0])

    def items(self) -> list[Item]:
        """Every image, in key order."""
        rows = self._db.execute(
            "SELECT key, output, state, task_id, submitted_at, error_code, error, saved, submits"
            " FROM items ORDER BY key"
        )
        return [
            Item(
                key=row[0],
                output=row[1],
                state=State(row[2]),
                task_id=row[3],
                submitted_at=row[4],
                error_code=row[5],
                error=row[6],
                saved=tuple(json.loads(row[7])),
                submits=row[8],
            )
            for row in rows
        ]

    def _write(self, sql: str, parameters: Sequence[object]) -> None:
        """One committed (fsynced) transaction; a failure stops the batch (JournalError)."""
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute(sql, parameters)
        except sqlite3.Error as exc:
            raise JournalError(
                f"cannot write the journal {str(self.path)!r} ({exc}); the batch stopped so "
                "that nothing is paid twice: free space or fix permissions, then re-run"
            ) from exc

    def _update(self, key: str, **values: object) -> None:
        columns = ", ".join(f"{name} = ?" for name in values)
        self._write(
            f"UPDATE items SET {columns}, updated_at = ? WHERE key = ?",  # noqa: S608 - our names
            [*values.values(), time.time(), key],
        )

    def mark_submitting(self, key: str) -> None:
        """Record the intent to submit, before the request is sent."""
        self._write(
            "UPDATE items SET state = ?, submits = submits + 1, task_id = NULL,"
            " submitted_at = NULL, error_code = NULL, error = NULL, saved = '[]',"
            " updated_at = ? WHERE key = ?",
            [State.SUBMITTING.value, time.time(), key],
        )

    def mark_submitted(self, key: str, task_id: str, submitted_at: float) -> None:
        """Record the task id (before polling starts)."""
        self._update(key, state=State.SUBMITTED.value, task_id=task_id, submitted_at=submitted_at)

    def mark_saved(self, key: str, paths: Sequence[str]) -> None:
        """Record where the result files went."""
        self._update(
            key, state=State.SAVED.value, saved=json.dumps(list(paths)), error_code=None, error=None
        )

    def record_files(self, key: str, paths: Sequence[str]) -> None:
        """Record result files saved so far (a task can have several)."""
        self._update(key, saved=json.dumps(list(paths)))

    def mark_failed(self, key: str, code: str, error: str) -> None:
        """Record that the API rejected the image or the task failed."""
        self._update(key, state=State.FAILED.value, error_code=code, error=error)

    def mark_uncertain(self, key: str, code: str, error: str) -> None:
        """Record a submit that may have created a task without telling us its id."""
        self._update(key, state=State.UNCERTAIN.value, error_code=code, error=error)

    def mark_pending(self, key: str) -> None:
        """Record that a submit surely never reached the API (nothing was charged)."""
        self._update(key, state=State.PENDING.value)

    def note_error(self, key: str, code: str, error: str) -> None:
        """Keep the state, but remember why this run could not finish the image."""
        self._update(key, error_code=code, error=error)

    def close(self) -> None:
        """Release the lock."""
        self._db.close()


def _differences(
    stored: Mapping[str, object], identity: Identity, keys: Iterable[str]
) -> list[str]:
    problems = []
    if stored.get("operation") != identity.operation:
        problems.append(f"it is for {stored.get('operation')}, not {identity.operation}")
    if stored.get("input") != identity.input:
        problems.append(f"its input was {stored.get('input')}, not {identity.input}")
    old = stored.get("options")
    old_options: Mapping[str, object] = old if isinstance(old, dict) else {}
    changed = sorted(set(old_options) | set(identity.options))
    for name in changed:
        before, after = old_options.get(name), identity.options.get(name)
        if before != after:
            problems.append(f"option {name} was {before or 'not set'}, now {after or 'not set'}")
    old_keys, new_keys = set(keys), set(identity.keys)
    if old_keys != new_keys:
        added, removed = sorted(new_keys - old_keys), sorted(old_keys - new_keys)
        problems.append(
            f"its input files differ ({len(added)} added: {_few(added)}; "
            f"{len(removed)} missing: {_few(removed)})"
        )
    return problems


def _few(names: Sequence[str]) -> str:
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "") if names else "none"
