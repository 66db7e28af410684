"""Extraction of embedded OpenAPI YAML from documentation pages (scripts/extract.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from scripts.extract import (
    ExtractionError,
    extract,
    find_sources,
    read_page,
    source_name,
)

FIXTURES = Path(__file__).parent / "fixtures"
MARKDOWN_PAGE = FIXTURES / "widget-polisher.md"
HTML_PAGE = FIXTURES / "widget-buffer.html"
HTML_EXPECTED = FIXTURES / "widget-buffer.expected.yaml"
TABLES_ONLY_PAGE = FIXTURES / "widget-tables-only.md"
CONFIG_YAML_PAGE = FIXTURES / "widget-config-yaml.md"


def fenced_block(page: str, opening: str, closing: str) -> str:
    """The lines strictly between the line ``opening`` and the next line equal to ``closing``."""
    lines = page.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.rstrip("\n") == opening) + 1
    end = next(i for i in range(start, len(lines)) if lines[i].rstrip("\n") == closing)
    return "".join(lines[start:end])


def markdown_openapi_block() -> str:
    page = MARKDOWN_PAGE.read_text(encoding="utf-8")
    return fenced_block(page, "````yaml POST /api/widgets/polish", "````")


def read_manifest(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    sources = data["sources"]
    assert isinstance(sources, dict)
    return sources


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    """A sources folder (not created yet) and a manifest path, both under tmp_path."""
    return tmp_path / "sources", tmp_path / "sources.yaml"


# ---------------------------------------------------------------- find_sources


def test_markdown_four_backtick_block_is_extracted_verbatim() -> None:
    sources = find_sources(MARKDOWN_PAGE.read_text(encoding="utf-8"))

    assert len(sources) == 1
    assert sources[0].name == "polish.yaml"
    # The inner ``` fence of the description does not end the ```` block.
    assert sources[0].text == markdown_openapi_block()
    assert "```bash" in sources[0].text


def test_markdown_non_openapi_yaml_block_on_the_same_page_is_ignored() -> None:
    sources = find_sources(MARKDOWN_PAGE.read_text(encoding="utf-8"))

    assert all("retries" not in source.text for source in sources)


def test_html_code_element_is_unescaped_and_stripped_of_markup() -> None:
    sources = find_sources(HTML_PAGE.read_text(encoding="utf-8"))

    assert len(sources) == 1
    assert sources[0].text == HTML_EXPECTED.read_text(encoding="utf-8")
    assert yaml.safe_load(sources[0].text)["paths"]["/api/widgets/buff_shine"]["post"][
        "summary"
    ] == ("Buff <b>one</b> widget & return it")


def test_html_name_is_slugified_from_the_last_path_segment() -> None:
    sources = find_sources(HTML_PAGE.read_text(encoding="utf-8"))

    assert [source.name for source in sources] == ["buff-shine.yaml"]


def test_explicit_name_overrides_the_derived_one() -> None:
    sources = find_sources(MARKDOWN_PAGE.read_text(encoding="utf-8"), name="custom.yaml")

    assert [source.name for source in sources] == ["custom.yaml"]


def test_explicit_name_is_refused_for_a_page_with_several_documents() -> None:
    page = MARKDOWN_PAGE.read_text(encoding="utf-8") + HTML_PAGE.read_text(encoding="utf-8")
    assert len(find_sources(page)) == 2

    with pytest.raises(ExtractionError, match="several OpenAPI documents"):
        find_sources(page, name="custom.yaml")


def test_block_without_trailing_newline_gets_one() -> None:
    page = '<pre><code class="language-yaml">openapi: 3.0.0\npaths: {/a/b: {}}</code></pre>'

    [source] = find_sources(page)

    assert source.text == "openapi: 3.0.0\npaths: {/a/b: {}}\n"
    assert source.name == "b.yaml"


def test_page_with_only_tables_and_json_has_no_sources() -> None:
    # The JSON example has top-level "openapi" and "paths" keys: only YAML blocks count.
    assert find_sources(TABLES_ONLY_PAGE.read_text(encoding="utf-8")) == []


def test_yaml_blocks_that_are_not_openapi_documents_are_ignored() -> None:
    # A config block, an OpenAPI fragment without paths, and a block that is not valid YAML.
    assert find_sources(CONFIG_YAML_PAGE.read_text(encoding="utf-8")) == []


# ---------------------------------------------------------------- source_name


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/portrait/effects/smart-beauty", "smart-beauty.yaml"),
        ("/api/widgets/polish/", "polish.yaml"),
        ("/api/widgets/Buff_Shine.v2", "buff-shine-v2.yaml"),
    ],
)
def test_source_name_uses_the_last_path_segment(path: str, expected: str) -> None:
    assert source_name({"paths": {path: {}}}) == expected


@pytest.mark.parametrize(
    "paths",
    [{}, {"/a": {}, "/b": {}}, None],
    ids=["no-path", "two-paths", "paths-null"],
)
def test_source_name_needs_exactly_one_path(paths: dict[str, Any] | None) -> None:
    with pytest.raises(ExtractionError, match="--name"):
        source_name({"paths": paths})


def test_source_name_refuses_a_path_without_a_usable_segment() -> None:
    with pytest.raises(ExtractionError, match="cannot derive a file name"):
        source_name({"paths": {"/": {}}})


# ---------------------------------------------------------------- extract


def test_extract_writes_the_block_and_an_extracted_manifest_entry(
    workspace: tuple[Path, Path],
) -> None:
    sources_dir, manifest = workspace

    written = extract(str(MARKDOWN_PAGE), sources_dir, manifest)

    target = sources_dir / "polish.yaml"
    assert written == [target]
    stored = target.read_bytes()
    assert stored == markdown_openapi_block().encode("utf-8")
    assert read_manifest(manifest) == {
        "polish.yaml": {
            "kind": "extracted",
            "page": "Widget Polisher API",
            "location": "widget-polisher.md",
            "sha256": hashlib.sha256(stored).hexdigest(),
        }
    }


def test_extract_keeps_other_manifest_entries(workspace: tuple[Path, Path]) -> None:
    sources_dir, manifest = workspace
    extract(str(MARKDOWN_PAGE), sources_dir, manifest)

    extract(str(HTML_PAGE), sources_dir, manifest)

    entries = read_manifest(manifest)
    assert list(entries) == ["buff-shine.yaml", "polish.yaml"]
    html_entry = entries["buff-shine.yaml"]
    # An HTML page has no Markdown heading: the file name stands in as the page label.
    assert html_entry["page"] == "widget-buffer.html"
    expected_text = HTML_EXPECTED.read_text(encoding="utf-8")
    assert html_entry["sha256"] == hashlib.sha256(expected_text.encode("utf-8")).hexdigest()
    assert (sources_dir / "buff-shine.yaml").read_text(encoding="utf-8") == expected_text


def test_extract_again_is_stable(workspace: tuple[Path, Path]) -> None:
    sources_dir, manifest = workspace
    extract(str(MARKDOWN_PAGE), sources_dir, manifest)
    first = (manifest.read_bytes(), (sources_dir / "polish.yaml").read_bytes())

    extract(str(MARKDOWN_PAGE), sources_dir, manifest)

    assert (manifest.read_bytes(), (sources_dir / "polish.yaml").read_bytes()) == first


def test_extract_from_a_url_records_the_url(
    workspace: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    sources_dir, manifest = workspace
    url = "https://docs.widgets.invalid/polish"
    page = MARKDOWN_PAGE.read_text(encoding="utf-8")

    def fake_get(location: str, **_: Any) -> httpx.Response:
        assert location == url
        return httpx.Response(200, text=page, request=httpx.Request("GET", location))

    monkeypatch.setattr(httpx, "get", fake_get)

    extract(url, sources_dir, manifest)

    assert read_manifest(manifest)["polish.yaml"]["location"] == url


def test_unfetchable_url_raises_extraction_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_get(location: str, **_: Any) -> httpx.Response:
        raise httpx.ConnectError("refused", request=httpx.Request("GET", location))

    monkeypatch.setattr(httpx, "get", failing_get)

    with pytest.raises(ExtractionError, match=r"cannot fetch https://docs\.widgets\.invalid/x"):
        read_page("https://docs.widgets.invalid/x")


def test_http_error_status_raises_extraction_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_found(location: str, **_: Any) -> httpx.Response:
        return httpx.Response(404, request=httpx.Request("GET", location))

    monkeypatch.setattr(httpx, "get", not_found)

    with pytest.raises(ExtractionError, match="cannot fetch"):
        read_page("https://docs.widgets.invalid/missing")


def test_page_without_yaml_raises_a_helpful_error(workspace: tuple[Path, Path]) -> None:
    sources_dir, manifest = workspace

    with pytest.raises(ExtractionError) as excinfo:
        extract(str(TABLES_ONLY_PAGE), sources_dir, manifest)

    message = str(excinfo.value)
    assert str(TABLES_ONLY_PAGE) in message
    assert "no embedded OpenAPI YAML" in message
    assert "kind: hand-written" in message
    assert not manifest.exists()


def test_page_with_only_non_openapi_yaml_raises(workspace: tuple[Path, Path]) -> None:
    sources_dir, manifest = workspace

    with pytest.raises(ExtractionError, match="no embedded OpenAPI YAML"):
        extract(str(CONFIG_YAML_PAGE), sources_dir, manifest)


def test_extract_refuses_to_overwrite_a_hand_written_source(
    workspace: tuple[Path, Path],
) -> None:
    sources_dir, manifest = workspace
    sources_dir.mkdir()
    hand_written = sources_dir / "polish.yaml"
    hand_written.write_text("# transcribed by hand\n", encoding="utf-8")
    manifest_text = "sources:\n  polish.yaml:\n    kind: hand-written\n    reason: tables only\n"
    manifest.write_text(manifest_text, encoding="utf-8")

    with pytest.raises(ExtractionError, match=r"polish\.yaml is hand-written"):
        extract(str(MARKDOWN_PAGE), sources_dir, manifest)

    assert hand_written.read_text(encoding="utf-8") == "# transcribed by hand\n"
    assert manifest.read_text(encoding="utf-8") == manifest_text


def test_missing_file_raises_extraction_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.md"

    with pytest.raises(ExtractionError, match=r"cannot read .*nowhere\.md"):
        extract(str(missing), tmp_path / "sources", tmp_path / "sources.yaml")


def test_directory_instead_of_a_file_raises_extraction_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="cannot read"):
        read_page(str(tmp_path))


def test_undecodable_file_raises_extraction_error(tmp_path: Path) -> None:
    page = tmp_path / "latin1.md"
    page.write_bytes("# Caf\xe9\n".encode("latin-1"))

    with pytest.raises(ExtractionError):
        read_page(str(page))
