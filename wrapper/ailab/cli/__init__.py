"""The ``ailab`` command line (also ``python -m ailab``); see README "Command line".

Imported only by the command itself: ``import ailab`` never loads click or rich.
"""

from .app import main

__all__ = ["main"]
