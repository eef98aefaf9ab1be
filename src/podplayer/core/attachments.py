"""Audio located by earlier versions, moved into the library once.

Before the library existed, "Locate audio…" kept its choices in ``attachments.json`` in the data
folder: ``{"version": 1, "episodes": {"<podcast url> <guid>": "<file or http(s) URL>"}}``.
:func:`import_attachments` copies those into the library and renames the file to
``attachments.json.imported``, so it is read exactly once and nothing is lost.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from podplayer.core.errors import LibraryError
from podplayer.core.library import Library

log = logging.getLogger(__name__)

__all__ = ["FILE_NAME", "attachment_key", "import_attachments"]

FILE_NAME = "attachments.json"
IMPORTED_SUFFIX = ".imported"


def attachment_key(podcast_url: str, episode_guid: str) -> str:
    """The key of an episode in the old store: guids are only unique within their podcast.

    >>> attachment_key("file:///notes.txt", "notes.txt#1")
    'file:///notes.txt notes.txt#1'
    """
    return f"{podcast_url} {episode_guid}"


def _entries(path: Path) -> dict[str, str] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.warning("Ignoring the unreadable %s: %s", path, exc)
        return None
    entries = data.get("episodes") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        return None
    return {k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, str)}


def import_attachments(library: Library, folder: Path) -> tuple[int, list[str]]:
    """Attach the audio listed in ``folder/attachments.json`` to the library's episodes.

    Returns how many were attached and the keys of those whose episode is not in the library
    (they are kept in the renamed file). Does nothing (``(0, [])``) when there is no file.
    Raises LibraryError when the file can't be renamed afterwards.
    """
    path = folder / FILE_NAME
    if not path.is_file():
        return 0, []
    entries = _entries(path) or {}
    attached = 0
    missing: list[str] = []
    for key, source in entries.items():
        podcast_url, _, guid = key.partition(" ")
        try:
            library.attach_audio(guid, source, podcast_url=podcast_url)
        except LibraryError:
            missing.append(key)
            continue
        attached += 1
    try:
        os.replace(path, path.with_name(path.name + IMPORTED_SUFFIX))
    except OSError as exc:
        raise LibraryError(f"Could not rename {path} after importing it: {exc.strerror}") from None
    log.info("Imported %d located audio files from %s", attached, path)
    return attached, missing
