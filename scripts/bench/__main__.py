"""Entry point of ``python -m scripts.bench``."""

from .cli import main

raise SystemExit(main())
