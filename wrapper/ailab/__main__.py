"""``python -m ailab``: the same as the ``ailab`` command."""

from .cli import main

if __name__ == "__main__":
    main()
