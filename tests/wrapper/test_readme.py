"""The README's "Use the client" section runs as written and its limits table matches the spec."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import ailab
import httpx
import pytest
from ailab.operations import OPERATIONS
from PIL import Image

from contract_tests.spec_model import load_spec
from tests.wrapper.conftest import make_image

README = Path(__file__).resolve().parents[2] / "README.md"
SPEC = load_spec()
COMPLETED = {
    op.operation_id: SPEC.query_examples()[op.result["example"]]["value"]
    for op in SPEC.submit_operations()
}
PATHS = {op.path: op.operation_id for op in SPEC.submit_operations()}
INPUTS = {
    "person.jpg": ("image/jpeg", 300, 600),
    "portrait.jpg": ("image/jpeg", 300, 300),
    "coarse.jpg": ("image/jpeg", 300, 600),
    "top.png": ("image/png", 200, 200),
    "bottom.png": ("image/png", 200, 200),
    "portrait.webp": ("image/webp", 300, 300),
}


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", _section("Use the client"), flags=re.DOTALL)


def _fake_api(request: httpx.Request) -> httpx.Response:
    """Submit answers a task id naming the operation; the query completes it; files are JPEGs."""
    if request.method == "POST":
        return httpx.Response(200, json={"task_id": PATHS[request.url.path]})
    if request.url.path.endswith("query-async-task-result"):
        return httpx.Response(200, json=COMPLETED[request.url.params["task_id"]])
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG")
    return httpx.Response(200, content=buffer.getvalue(), headers={"content-type": "image/jpeg"})


@pytest.fixture
def fake_clients(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    real_client, real_async = ailab.Client, ailab.AsyncClient

    def client(*args: Any, **kwargs: Any) -> ailab.Client:
        transport = httpx.MockTransport(_fake_api)
        return real_client(*args, http_client=httpx.Client(transport=transport), **kwargs)

    def async_client(*args: Any, **kwargs: Any) -> ailab.AsyncClient:
        transport = httpx.MockTransport(_fake_api)
        return real_async(*args, http_client=httpx.AsyncClient(transport=transport), **kwargs)

    monkeypatch.setattr(ailab, "Client", client)
    monkeypatch.setattr(ailab, "AsyncClient", async_client)
    monkeypatch.setenv("AILAB_API_KEY", "readme-key")
    monkeypatch.chdir(tmp_path)
    for name, (media_type, width, height) in INPUTS.items():
        (tmp_path / name).write_bytes(make_image(width, height, media_type))
    return tmp_path


def test_the_section_has_an_example_per_operation() -> None:
    code = "\n".join(_python_blocks())
    for name in OPERATIONS:
        assert f"client.{name}(" in code, name


@pytest.mark.parametrize("block", _python_blocks(), ids=lambda block: block.split("\n")[-2][:40])
def test_every_example_runs(
    fake_clients: Path, block: str, capsys: pytest.CaptureFixture[str]
) -> None:
    exec(compile(block, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102 - our own docs
    if "smoothing=150" in block:
        assert "smoothing=150 is out of range 0..100" in capsys.readouterr().out
    if 'save("results/")' in block or 'save_all("results/")' in block:
        assert any((fake_clients / "results").iterdir())


def _kinds(media_types: tuple[str, ...]) -> str:
    return ", ".join(media_type.split("/")[1].upper() for media_type in media_types)


def test_the_validation_table_matches_the_spec() -> None:
    rows = re.findall(
        r"^\| `(\w+)`[^|]*\| ([^|]+) \| ([\d.]+) MiB \| (\d+)\.\.(\d+) \|$",
        _section("Use the client"),
        flags=re.MULTILINE,
    )
    table = {
        name: (kinds.strip(), float(mib), int(low), int(high))
        for name, kinds, mib, low, high in rows
    }
    assert set(table) == set(OPERATIONS)
    for name, spec in OPERATIONS.items():
        for field in spec.images:
            assert table[name] == (
                _kinds(field.media_types),
                field.max_bytes / 1048576,
                min(field.min_width, field.min_height),
                max(field.max_width, field.max_height),
            ), name
            assert (field.min_width, field.max_width) == (field.min_height, field.max_height)


def test_result_urls_are_on_storage_hosts_not_the_api() -> None:
    api_host = urlsplit(ailab.operations.DEFAULT_BASE_URL).hostname
    assert api_host
    for example in COMPLETED.values():
        assert api_host not in str(example)
