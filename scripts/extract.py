"""Extract the OpenAPI YAML embedded in a vendor documentation page.

The vendor publishes one OpenAPI document per operation inside each page, as a
fenced ``yaml`` code block (Markdown) or a ``language-yaml`` code element
(HTML). This module finds those blocks, keeps the ones that are OpenAPI
documents, and stores each one byte for byte under ``openapi/sources/``. The
manifest ``openapi/sources.yaml`` records where every source came from and its
SHA-256, so the merge step can refuse a vendor source that was edited by hand.

Usage: ``python -m scripts.extract PAGE [PAGE ...]`` where PAGE is a local file
or an http(s) URL.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from scripts.yamlio import dump_yaml, load_yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES_DIR = REPO_ROOT / "openapi" / "sources"
MANIFEST = REPO_ROOT / "openapi" / "sources.yaml"

MANIFEST_HEADER = """\
# Where every file in openapi/sources/ came from. Written by `python -m scripts.extract`
# for extracted sources; the hand-written entries are maintained by hand.
# kind: extracted    -> the vendor's YAML stored exactly as published; sha256 guards it.
# kind: hand-written -> the page carries no YAML; we wrote the file from the page's tables.
"""

# A Markdown fence (``` or ~~~, three or more) whose info string starts with yaml/yml.
_FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[ \t]*(?:yaml|yml)\b[^\n]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL | re.IGNORECASE,
)
# An HTML code element marked as YAML, as rendered documentation sites emit it.
_HTML_CODE = re.compile(
    r"<code[^>]*class=[\"'][^\"']*language-ya?ml[^\"']*[\"'][^>]*>(?P<body>.*?)</code>",
    re.DOTALL | re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]+>")
_TITLE = re.compile(r"^#\s+(?P<title>.+?)\s*$", re.MULTILINE)


class ExtractionError(Exception):
    """The page could not be read or holds no OpenAPI document."""


@dataclass(frozen=True)
class ExtractedSource:
    """One OpenAPI document found in a page, with the file name it is stored under."""

    name: str
    text: str


def read_page(location: str) -> str:
    """Return the text of a page given as a local path or an http(s) URL."""
    if re.match(r"^https?://", location):
        try:
            response = httpx.get(location, follow_redirects=True, timeout=30.0)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise ExtractionError(f"cannot fetch {location}: {exc}") from exc
        return response.text
    path = Path(location)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExtractionError(f"cannot read {location}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ExtractionError(f"cannot read {location}: not UTF-8 text ({exc.reason})") from exc


def _candidate_blocks(page: str) -> list[str]:
    blocks = [match.group("body") for match in _FENCE.finditer(page)]
    for match in _HTML_CODE.finditer(page):
        blocks.append(html.unescape(_TAG.sub("", match.group("body"))))
    return blocks


def _is_openapi(document: Any) -> bool:
    return isinstance(document, dict) and "openapi" in document and "paths" in document


def source_name(document: dict[str, Any]) -> str:
    """Name a source after the last segment of its (single) path: ``smart-beauty.yaml``."""
    paths = list(document.get("paths") or {})
    if len(paths) != 1:
        raise ExtractionError(
            f"expected one path per vendor document, found {len(paths)}: {paths}; pass --name"
        )
    segment = paths[0].rstrip("/").rsplit("/", 1)[-1]
    slug = re.sub(r"[^a-z0-9]+", "-", segment.lower()).strip("-")
    if not slug:
        raise ExtractionError(f"cannot derive a file name from path {paths[0]!r}; pass --name")
    return f"{slug}.yaml"


def find_sources(page: str, name: str | None = None) -> list[ExtractedSource]:
    """Return every OpenAPI document embedded in ``page``, verbatim."""
    found: list[ExtractedSource] = []
    for block in _candidate_blocks(page):
        try:
            document = yaml.safe_load(block)
        except yaml.YAMLError:
            continue
        if not _is_openapi(document):
            continue
        text = block if block.endswith("\n") else block + "\n"
        found.append(ExtractedSource(name=name or source_name(document), text=text))
    if name is not None and len(found) > 1:
        raise ExtractionError("--name given but the page holds several OpenAPI documents")
    return found


def page_title(page: str) -> str | None:
    """The page's first Markdown heading outside code blocks: a readable provenance label."""
    match = _TITLE.search(_FENCE.sub("", page))
    return match.group("title") if match else None


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's exact bytes (no newline translation)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_manifest(path: Path = MANIFEST) -> dict[str, dict[str, Any]]:
    """Read the source manifest: file name -> provenance record."""
    if not path.exists():
        return {}
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        raise ExtractionError(f"{path}: expected a mapping with a 'sources' key")
    sources = data.get("sources") or {}
    if not isinstance(sources, dict):
        raise ExtractionError(f"{path}: 'sources' must be a mapping of file name to record")
    return sources


def write_manifest(entries: dict[str, dict[str, Any]], path: Path = MANIFEST) -> None:
    """Write the manifest with entries sorted by file name (stable diffs)."""
    ordered = {name: entries[name] for name in sorted(entries)}
    path.write_text(MANIFEST_HEADER + dump_yaml({"sources": ordered}), encoding="utf-8")


def _provenance(location: str) -> str:
    # Record URLs as given; for local files only the file name (no machine paths).
    return location if re.match(r"^https?://", location) else Path(location).name


def extract(
    location: str,
    sources_dir: Path = SOURCES_DIR,
    manifest: Path = MANIFEST,
    name: str | None = None,
) -> list[Path]:
    """Extract every OpenAPI document from one page into ``sources_dir``; update the manifest."""
    page = read_page(location)
    sources = find_sources(page, name)
    if not sources:
        raise ExtractionError(
            f"{location}: no embedded OpenAPI YAML found. Write the source by hand from the "
            "page's tables and list it in openapi/sources.yaml as kind: hand-written."
        )
    entries = load_manifest(manifest)
    written: list[Path] = []
    sources_dir.mkdir(parents=True, exist_ok=True)
    for source in sources:
        previous = entries.get(source.name, {})
        if previous.get("kind") == "hand-written":
            raise ExtractionError(
                f"{source.name} is hand-written; the page now carries YAML. Remove the "
                "hand-written entry from openapi/sources.yaml first, then extract again."
            )
        target = sources_dir / source.name
        target.write_bytes(source.text.encode("utf-8"))
        entries[source.name] = {
            "kind": "extracted",
            "page": page_title(page) or _provenance(location),
            "location": _provenance(location),
            "sha256": sha256_file(target),
        }
        written.append(target)
    write_manifest(entries, manifest)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", help="vendor documentation pages: files or URLs")
    parser.add_argument("--name", help="file name to store a single document under")
    args = parser.parse_args(argv)
    try:
        for location in args.pages:
            for path in extract(location, name=args.name):
                print(f"extracted {path.relative_to(REPO_ROOT)} from {location}")
    except ExtractionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
