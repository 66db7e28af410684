"""The machine a benchmark ran on: CPU model, cores, Python, OS."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path

_CPUINFO = Path("/proc/cpuinfo")
_MODEL_KEYS = ("model name", "Model", "Hardware", "cpu model")


def cpu_model(cpuinfo: Path = _CPUINFO) -> str:
    """The CPU model from /proc/cpuinfo, else what :mod:`platform` knows."""
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in _MODEL_KEYS and value.strip():
            return value.strip()
    return platform.processor() or platform.machine() or "unknown"


@dataclass(frozen=True)
class Machine:
    """What the numbers depend on."""

    cpu: str
    cores: int
    usable_cores: int
    python: str
    system: str

    def lines(self) -> list[str]:
        """``label: value`` lines describing the machine."""
        cores = f"{self.cores}" + (
            f" ({self.usable_cores} usable)" if self.usable_cores != self.cores else ""
        )
        return [
            f"CPU: {self.cpu}",
            f"Cores: {cores}",
            f"Python: {self.python}",
            f"OS: {self.system}",
        ]


def describe() -> Machine:
    """The machine running this process."""
    cores = os.cpu_count() or 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return Machine(cpu_model(), cores, usable, python, platform.platform())
