"""Every task a user or CI runs. `nox` alone runs lint, tests, contract and check_generated.

Python tools are pinned in pyproject.toml's [dependency-groups]; npm tools (Prism, Redocly CLI)
in package.json / package-lock.json, installed with `npm ci`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHON = "3.11"

nox.options.sessions = ["lint", "tests", "contract", "check_generated"]
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True


def _install(session: nox.Session, group: str, *, project: bool = True) -> None:
    session.install(*nox.project.dependency_groups(PYPROJECT, group))
    if project:
        session.install("-e", ".[cli]")  # the command line's extras: its tests need them


def _npm_ci(session: nox.Session) -> None:
    """Install the pinned npm tools unless node_modules already matches package-lock.json."""
    if shutil.which("npm") is None:
        session.error("npm is required (Node >= 18): install Node.js, then re-run.")
    lock = ROOT / "package-lock.json"
    installed = ROOT / "node_modules" / ".package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    session.run("npm", "ci", "--no-audit", "--no-fund", external=True)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff (lint and format) and mypy --strict on hand-written code and the generated client."""
    _install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    session.run("mypy", "--strict", "generated_client/ailab_api")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Unit tests: the spec pipeline, the merged spec, the wrapper and the CLI (no network)."""
    _install(session, "test")
    session.run(
        "pytest",
        "tests",
        *session.posargs,
        env={"HYPOTHESIS_STORAGE_DIRECTORY": str(ROOT / ".nox" / "hypothesis")},
    )


@nox.session(python=PYTHON)
def contract(session: nox.Session) -> None:
    """schemathesis and the generated client against a Prism mock of the merged spec."""
    _install(session, "contract")
    _npm_ci(session)
    session.run(
        "pytest",
        "contract_tests",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={"HYPOTHESIS_STORAGE_DIRECTORY": str(ROOT / ".nox" / "hypothesis")},
    )


@nox.session(python=PYTHON)
def generate(session: nox.Session) -> None:
    """Rebuild openapi/ailabtools.yaml and generated_client/ (pass pages to extract first)."""
    _install(session, "spec", project=False)
    _npm_ci(session)
    session.run("python", "-m", "scripts.generate", *session.posargs)


@nox.session(python=PYTHON)
def check_generated(session: nox.Session) -> None:
    """Fail if the committed spec or client differ from a fresh build (drift check)."""
    _install(session, "spec", project=False)
    _npm_ci(session)
    session.run("python", "-m", "scripts.generate", "--check")
