"""Which files a batch takes, and the names their results get."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from ailab.cli.exits import CommandError
from ailab.cli.inputs import JOURNAL_NAME, Inputs, find_inputs


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xd8\xff")
    return path


def test_a_folder_is_searched_recursively_for_image_files_only(tmp_path: Path) -> None:
    names = ("a.jpg", "b.PNG", "sub/c.webp", "sub/deeper/d.jpeg", "notes.txt", ".hidden.jpg")
    for name in names:
        touch(tmp_path / "photos" / name)
    touch(tmp_path / "photos" / ".cache" / "e.jpg")
    touch(tmp_path / "photos" / "a.face-beauty-pro.png")  # a single command's result
    touch(tmp_path / "photos" / "a.face-beauty-pro-2.png")
    found = find_inputs(str(tmp_path / "photos"), result_suffixes=(".face-beauty-pro",))
    assert list(found.files) == ["a.jpg", "b.PNG", "sub/c.webp", "sub/deeper/d.jpeg"]


def test_another_batchs_output_folder_is_left_out_but_can_be_the_input(tmp_path: Path) -> None:
    touch(tmp_path / "a.jpg")
    touch(tmp_path / "ailab-face-beauty-pro" / "a.png")
    (tmp_path / "ailab-face-beauty-pro" / JOURNAL_NAME).write_bytes(b"")
    assert list(find_inputs(str(tmp_path)).files) == ["a.jpg"]
    with pytest.raises(CommandError, match="no image files"):
        find_inputs(str(tmp_path / "*" / "*.png"))
    # Chaining operations: a batch's results are the next batch's input.
    assert list(find_inputs(str(tmp_path / "ailab-face-beauty-pro")).files) == ["a.png"]


def test_this_batchs_output_and_journal_are_left_out(tmp_path: Path) -> None:
    touch(tmp_path / "a.jpg")
    touch(tmp_path / "out" / "a.png")
    found = find_inputs(str(tmp_path), exclude=(tmp_path / "out", tmp_path / "j.sqlite3"))
    assert list(found.files) == ["a.jpg"]


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_symlinks_keep_their_place_and_loops_do_not_hang(tmp_path: Path) -> None:
    camera = tmp_path / "camera"
    touch(camera / "1.jpg")
    touch(camera / "2.jpg")
    photos = tmp_path / "photos"
    (photos / "2023").mkdir(parents=True)
    (photos / "2024").mkdir()
    (photos / "2023" / "IMG_0001.jpg").symlink_to(camera / "1.jpg")
    (photos / "2024" / "IMG_0001.jpg").symlink_to(camera / "2.jpg")
    (photos / "2024" / "up").symlink_to(photos, target_is_directory=True)  # a loop
    for spec in (str(photos), str(photos / "**" / "*.jpg")):
        found = find_inputs(spec)
        assert list(found.files) == ["2023/IMG_0001.jpg", "2024/IMG_0001.jpg"]
        assert list(found.outputs().values()) == ["2023/IMG_0001", "2024/IMG_0001"]


@pytest.mark.skipif(sys.platform != "linux", reason="undecodable names need a byte filesystem")
def test_a_file_name_that_is_not_utf8_gets_a_usable_key(tmp_path: Path) -> None:
    touch(Path(os.fsdecode(bytes(tmp_path) + b"/Caf\xe9.jpg")))
    touch(tmp_path / "ok.jpg")
    found = find_inputs(str(tmp_path))
    assert list(found.files) == ["Caf\\xe9.jpg", "ok.jpg"]
    assert found.files["Caf\\xe9.jpg"].exists()
    "".join(found.files).encode("utf-8")  # storable as text in the journal


def test_result_names_never_collide(tmp_path: Path) -> None:
    keys = ["a.jpg", "a.png", "a.jpg.png", "B.jpg", "b.png", "sub/c.jpg"]
    names = Inputs("x", tmp_path, {key: tmp_path / key for key in keys}).outputs()
    assert names["sub/c.jpg"] == "sub/c"
    assert len({name.casefold() for name in names.values()}) == len(keys)
    assert names["a.jpg"] == "a.jpg"  # the clash with a.png keeps the extension
    assert names["B.jpg"] == "B.jpg"  # B and b differ only in case


@pytest.mark.parametrize(
    ("make", "message"),
    [("missing", "does not exist"), ("file", "is a file"), ("empty", "no image files")],
)
def test_an_input_with_nothing_to_do_is_a_usage_error(
    tmp_path: Path, make: str, message: str
) -> None:
    target = tmp_path / "photos"
    if make == "file":
        touch(target)
    elif make == "empty":
        target.mkdir()
    with pytest.raises(CommandError, match=message):
        find_inputs(str(target))
