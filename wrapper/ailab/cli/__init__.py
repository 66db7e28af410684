"""The ``ailab`` command line (also ``python -m ailab``); see README "Command line".

Imported only by the command itself: no module of ``import ailab`` imports it. (httpx itself
imports click and rich, for its own optional command line, whenever they are installed.)
"""

from .app import main

__all__ = ["main"]
