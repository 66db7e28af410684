"""README "Command line" says what the command does: commands, exit codes, defaults."""

from __future__ import annotations

import re
from pathlib import Path

import click
from ailab.cli.app import _build
from ailab.cli.exits import ExitCode
from ailab.cli.inputs import JOURNAL_NAME
from ailab.operations import OPERATIONS

README = Path(__file__).resolve().parents[2] / "README.md"


def section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Command line")
    return text[start : text.index("\n## ", start + 1)]


def test_every_command_is_documented() -> None:
    text = section()
    commands = set(_build().commands)
    others = {"wait", "batch", "sandbox"}
    assert commands == {name.replace("_", "-") for name in OPERATIONS} | others
    for command in commands:
        assert f"`{command}`" in text or f"ailab {command}" in text, command


def test_exit_code_table_matches_the_code() -> None:
    rows = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", section(), flags=re.MULTILINE))
    assert {int(code) for code in rows} == {int(code) for code in ExitCode}


def test_documented_defaults_match() -> None:
    text = section()
    assert f"OUT/{JOURNAL_NAME}" in text
    batch = _build().commands["batch"]
    assert isinstance(batch, click.Group)
    options = {param.name: param for param in batch.commands["face-beauty-pro"].params}
    assert "`ailab-<operation>/`" in text
    assert str(options["out"].default) == "ailab-face-beauty-pro"
    assert f"(default {options['concurrency'].default})" in text
