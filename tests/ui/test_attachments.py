"""Located audio kept by earlier versions in attachments.json moves into the library once."""

from __future__ import annotations

import json
from pathlib import Path

from podplayer.core.attachments import FILE_NAME, attachment_key, import_attachments
from podplayer.core.library import Library
from podplayer.core.model import Episode, Podcast


def _library(tmp_path: Path) -> Library:
    library = Library(tmp_path / "lib.sqlite")
    library.add_podcast(Podcast("file:///show.txt", "Show", episodes=(Episode("ep-1", 1, "One"),)))
    return library


def test_import_attaches_and_renames(tmp_path: Path) -> None:
    library = _library(tmp_path)
    store = tmp_path / FILE_NAME
    store.write_text(
        json.dumps(
            {
                "version": 1,
                "episodes": {
                    attachment_key("file:///show.txt", "ep-1"): "/music/one.mp3",
                    attachment_key("file:///gone.txt", "x"): "https://example.org/x.mp3",
                },
            }
        )
    )
    count, missing = import_attachments(library, tmp_path)
    assert count == 1
    assert missing == [attachment_key("file:///gone.txt", "x")]
    assert library.attachment("ep-1", podcast_url="file:///show.txt") == "/music/one.mp3"
    assert not store.exists()
    assert (tmp_path / f"{FILE_NAME}.imported").exists()
    # Read once only.
    assert import_attachments(library, tmp_path) == (0, [])


def test_no_file_and_a_broken_file(tmp_path: Path) -> None:
    library = _library(tmp_path)
    assert import_attachments(library, tmp_path) == (0, [])
    (tmp_path / FILE_NAME).write_text("{not json")
    assert import_attachments(library, tmp_path) == (0, [])
    assert library.attachment("ep-1", podcast_url="file:///show.txt") is None
