"""Rebuild the merged spec and the generated client, or check that they are current.

``python -m scripts.generate [PAGE ...]``
    Optionally extract vendor pages first, then merge the sources with the overlay, lint the
    result (openapi-spec-validator and Redocly CLI's ``recommended`` rules), regenerate
    ``generated_client/ailab_api`` with openapi-python-client, and compile the per-operation
    facts into ``wrapper/ailab/operations.py`` (scripts/wrapper_codegen.py).

``python -m scripts.generate --check``
    Do the same into a temporary folder and fail on any difference from what is committed
    (the drift check run by ``nox -s check_generated``).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from scripts.extract import REPO_ROOT, ExtractionError, extract
from scripts.merge import MERGED, MergeError, build_spec, render_spec
from scripts.wrapper_codegen import OPERATIONS_MODULE, CodegenError, build_operations_module

GENERATOR_CONFIG = REPO_ROOT / "openapi" / "generator-config.yaml"
REDOCLY_CONFIG = REPO_ROOT / "redocly.yaml"
REDOCLY = REPO_ROOT / "node_modules" / ".bin" / "redocly"
GENERATED_PACKAGE = REPO_ROOT / "generated_client" / "ailab_api"
PACKAGE_NAME = "ailab_api"


class PipelineError(Exception):
    """A pipeline step failed; the message says which and why."""


def lint_spec(document: dict[str, Any], spec_path: Path) -> None:
    """Fail unless the spec passes openapi-spec-validator and Redocly's recommended rules.

    ``document`` is the parsed form of the file at ``spec_path`` (validated in memory; Redocly
    reads the file).
    """
    try:
        validate(document)
    except OpenAPIValidationError as exc:
        raise PipelineError(f"openapi-spec-validator: {exc.message}") from exc
    if not REDOCLY.exists():
        raise PipelineError(f"{REDOCLY} is missing: run `npm ci` in {REPO_ROOT}")
    command = [str(REDOCLY), "lint", str(spec_path), "--config", str(REDOCLY_CONFIG)]
    report = subprocess.run(
        [*command, "--format", "json"], check=False, capture_output=True, text=True
    )
    try:
        totals = json.loads(report.stdout)["totals"]
    except (json.JSONDecodeError, KeyError) as exc:
        raise PipelineError(f"redocly lint gave no report:\n{report.stderr}") from exc
    if totals["errors"] or totals["warnings"]:
        # Re-run with the readable format for the message.
        readable = subprocess.run(command, check=False, capture_output=True, text=True)
        raise PipelineError(f"redocly lint ({totals}):\n{readable.stdout}{readable.stderr}")


def generate_client(spec_path: Path, package_dir: Path) -> None:
    """Regenerate ``package_dir`` (a bare package) from ``spec_path``, replacing it whole."""
    env = dict(os.environ)
    # The post hooks run the ruff of this interpreter's environment (pinned by nox).
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / PACKAGE_NAME
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "openapi_python_client",
                "generate",
                "--path",
                str(spec_path),
                "--config",
                str(GENERATOR_CONFIG),
                "--meta",
                "none",
                "--output-path",
                str(output),
                "--fail-on-warning",
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if result.returncode != 0:
            raise PipelineError(f"openapi-python-client:\n{result.stdout}{result.stderr}")
        shutil.rmtree(output / ".ruff_cache", ignore_errors=True)
        # --meta none writes no py.typed; without it mypy ignores the package's annotations.
        (output / "py.typed").write_text("", encoding="utf-8")
        if package_dir.exists():
            shutil.rmtree(package_dir)
        package_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(output, package_dir)


def build(spec_path: Path, package_dir: Path, operations_path: Path) -> None:
    """Merge, lint and generate into the given locations."""
    spec_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        document = build_spec()
    except MergeError as exc:
        raise PipelineError(f"merge: {exc}") from exc
    spec_path.write_text(render_spec(document), encoding="utf-8")
    lint_spec(document, spec_path)
    generate_client(spec_path, package_dir)
    try:
        source = build_operations_module(document, OPERATIONS_MODULE)
    except CodegenError as exc:
        raise PipelineError(f"wrapper codegen: {exc}") from exc
    operations_path.write_text(source, encoding="utf-8")


def _tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def drift(expected_spec: Path, expected_package: Path, expected_operations: Path) -> list[str]:
    """Unified diffs between a fresh build (the ``expected_*`` paths) and the committed files."""
    diffs: list[str] = []
    committed_spec = MERGED.read_text(encoding="utf-8") if MERGED.exists() else ""
    fresh_spec = expected_spec.read_text(encoding="utf-8")
    if committed_spec != fresh_spec:
        diffs.append(_diff("openapi/ailabtools.yaml", committed_spec, fresh_spec))
    fresh = _tree(expected_package)
    committed = _tree(GENERATED_PACKAGE) if GENERATED_PACKAGE.exists() else {}
    for name in sorted(set(fresh) | set(committed)):
        if fresh.get(name) != committed.get(name):
            label = f"generated_client/{PACKAGE_NAME}/{name}"
            diffs.append(_diff(label, committed.get(name, ""), fresh.get(name, "")))
    committed_module = (
        OPERATIONS_MODULE.read_text(encoding="utf-8") if OPERATIONS_MODULE.exists() else ""
    )
    fresh_module = expected_operations.read_text(encoding="utf-8")
    if committed_module != fresh_module:
        diffs.append(_diff("wrapper/ailab/operations.py", committed_module, fresh_module))
    return diffs


def _diff(label: str, committed: str, fresh: str) -> str:
    lines = difflib.unified_diff(
        committed.splitlines(keepends=True),
        fresh.splitlines(keepends=True),
        fromfile=f"committed/{label}",
        tofile=f"regenerated/{label}",
    )
    return "".join(lines) or f"{label}: differs\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Rebuild or check the spec and the client.")
    parser.add_argument("pages", nargs="*", help="vendor pages (files or URLs) to extract first")
    parser.add_argument("--check", action="store_true", help="fail if committed files are stale")
    args = parser.parse_args(argv)
    try:
        if args.check:
            if args.pages:
                parser.error("--check takes no pages: it checks the committed sources")
            with tempfile.TemporaryDirectory() as scratch:
                spec = Path(scratch) / "ailabtools.yaml"
                package = Path(scratch) / PACKAGE_NAME
                module = Path(scratch) / "operations.py"
                build(spec, package, module)
                diffs = drift(spec, package, module)
            if diffs:
                sys.stdout.write("".join(diffs))
                print(
                    f"error: {len(diffs)} committed file(s) differ from a fresh build. "
                    "Run `nox -s generate` and commit the result.",
                    file=sys.stderr,
                )
                return 1
            print("generated files are up to date")
            return 0
        for location in args.pages:
            for path in extract(location):
                print(f"extracted {path.relative_to(REPO_ROOT)}")
        build(MERGED, GENERATED_PACKAGE, OPERATIONS_MODULE)
        print(
            f"wrote {MERGED.relative_to(REPO_ROOT)}, {GENERATED_PACKAGE.relative_to(REPO_ROOT)}/"
            f" and {OPERATIONS_MODULE.relative_to(REPO_ROOT)}"
        )
        return 0
    except (PipelineError, ExtractionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
