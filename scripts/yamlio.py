"""Deterministic YAML reading and writing shared by the pipeline scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class _NoAliasDumper(yaml.SafeDumper):
    """A safe dumper that never writes anchors: shared sub-trees are written out in full."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def load_yaml(path: Path) -> Any:
    """Parse one YAML file with the safe loader."""
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def dump_yaml(data: Any) -> str:
    """Serialise ``data`` the same way every time: key order kept, no aliases, wide lines."""
    return yaml.dump(
        data,
        Dumper=_NoAliasDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
