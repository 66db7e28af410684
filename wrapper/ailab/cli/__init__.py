"""The ``ailab`` command line (also ``python -m ailab``); see README "Command line".

It needs the ``cli`` extra (``pip install "ailab[cli]"``: click and rich). No module of
``import ailab`` imports this package.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]

_EXTRAS = ("click", "rich")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; without its extras, say how to install them (exit 2)."""
    try:
        from .app import main as run  # noqa: PLC0415 - click and rich only when the CLI runs
    except ModuleNotFoundError as error:
        missing = (error.name or "").split(".")[0]
        if missing not in _EXTRAS:
            raise
        sys.stderr.write(
            f"error: the ailab command line needs {missing}: "
            'pip install "ailab[cli]" (the library itself works without it)\n'
        )
        raise SystemExit(2) from None
    run(argv)
