"""The located-audio store (Qt-free): round trip, atomic writes, corrupt files set aside."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from podplayer.core.attachments import FILE_NAME, AttachmentStore, attachment_key
from podplayer.core.errors import LibraryError


def test_round_trip(tmp_path: Path) -> None:
    store = AttachmentStore.in_folder(tmp_path / "data")
    key = attachment_key("file:///show.txt", "ep-1")
    store.set(key, "/music/ep1.mp3")
    store.set("other", "https://example.org/a.mp3")
    again = AttachmentStore.in_folder(tmp_path / "data")
    assert again.get(key) == "/music/ep1.mp3"
    assert again.items() == {key: "/music/ep1.mp3", "other": "https://example.org/a.mp3"}
    assert again.problem is None
    again.remove("other")
    assert AttachmentStore.in_folder(tmp_path / "data").get("other") is None
    data = json.loads((tmp_path / "data" / FILE_NAME).read_text(encoding="utf-8"))
    assert data == {"version": 1, "episodes": {key: "/music/ep1.mp3"}}


def test_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    store = AttachmentStore.in_folder(tmp_path)
    for i in range(5):
        store.set(f"k{i}", f"/a/{i}.mp3")
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '["a list"]',
        '{"episodes": {"k": 3}}',
        b"\xff\xfe{ not utf-8",
    ],
)
def test_a_corrupt_store_is_set_aside_and_reported(tmp_path: Path, content: str | bytes) -> None:
    path = tmp_path / FILE_NAME
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    store = AttachmentStore(path)
    assert store.items() == {}
    assert store.problem is not None
    assert "ignored" in store.problem
    aside = [p for p in tmp_path.iterdir() if p.name.startswith(f"{FILE_NAME}.corrupt-")]
    assert len(aside) == 1
    store.set("k", "/a.mp3")  # a fresh store works
    assert AttachmentStore(path).get("k") == "/a.mp3"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_an_unwritable_folder_raises_a_library_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        store = AttachmentStore.in_folder(folder)
        with pytest.raises(LibraryError, match="Could not save"):
            store.set("k", "/a.mp3")
        assert store.get("k") == "/a.mp3"  # kept for the session
    finally:
        folder.chmod(0o700)


def test_a_file_in_the_way_raises_a_library_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    store = AttachmentStore.in_folder(blocker)
    with pytest.raises(LibraryError, match="Could not save"):
        store.set("k", "/a.mp3")


def test_memory_only_store(tmp_path: Path) -> None:
    store = AttachmentStore(None)
    store.set("k", "/a.mp3")
    assert store.get("k") == "/a.mp3"
    assert list(tmp_path.iterdir()) == []
