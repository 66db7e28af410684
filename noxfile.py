"""Every task a user or CI runs. `nox` alone runs lint, tests, contract and check_generated.

`nox -s demo` (all five operations against the offline sandbox, or the real API when
AILAB_API_KEY is set), `nox -s bench` and `nox -s live_contract` are run on demand.

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
        session.install("-e", ".[cli,sandbox]")  # the command line and the sandbox, for tests


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


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """All five operations on sample portraits; results and a contact sheet in demo-output/.

    Without AILAB_API_KEY it runs against the offline sandbox; with it, against the real API.
    """
    _install(session, "sandbox")
    session.run("python", "-m", "scripts.demo", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Client vs raw httpx vs the vendor SDK, AsyncClient at 1..1000 tasks, start-up times."""
    _install(session, "bench")
    session.run("python", "-m", "scripts.bench", *session.posargs)


@nox.session(python=PYTHON)
def live_contract(session: nox.Session) -> None:
    """Every operation through `prism proxy --errors`: any answer that breaks the spec fails.

    The upstream is the real API when AILAB_API_KEY is set (this uses credits), else a sandbox.
    """
    _install(session, "contract")
    _npm_ci(session)
    session.run("python", "-m", "contract_tests.live_run", *session.posargs)
