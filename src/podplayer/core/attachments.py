"""Audio the user attached to episodes that came without any ("Locate audio…").

A small JSON file maps an episode (its podcast's URL and its guid) to a local file or an http(s)
URL. Writes go to a temporary file that is renamed over the store, so a crash leaves either the
old or the new store, never half of one. A store that can't be read is moved aside, reported
through ``problem``, and replaced by an empty one: a broken file never stops the app.

The library database replaces this once it lands.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from pathlib import Path

from podplayer.core.errors import LibraryError

log = logging.getLogger(__name__)

FILE_NAME = "attachments.json"
_VERSION = 1


def attachment_key(podcast_url: str, episode_guid: str) -> str:
    """The key of an episode in the store: guids are only unique within their podcast.

    >>> attachment_key("file:///notes.txt", "notes.txt#1")
    'file:///notes.txt notes.txt#1'
    """
    return f"{podcast_url} {episode_guid}"


class AttachmentStore:
    """Episode key -> audio source (a file path or an http(s) URL), kept in ``path``.

    The file is read once, at construction; every change is written at once. ``problem`` holds a
    message for the user when the file existed but could not be used (it is then kept aside as
    ``<name>.corrupt-<time>``). With ``path`` None nothing is read or written (kept in memory).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.problem: str | None = None
        self._writable = path is not None
        self._entries: dict[str, str] = self._read() if path is not None else {}

    @classmethod
    def in_folder(cls, folder: Path) -> AttachmentStore:
        """The store in ``folder`` (normally ``app_paths().data_dir``)."""
        return cls(folder / FILE_NAME)

    def get(self, key: str) -> str | None:
        """The source attached to ``key``, or None."""
        return self._entries.get(key)

    def items(self) -> dict[str, str]:
        """A copy of every attachment."""
        return dict(self._entries)

    def set(self, key: str, source: str) -> None:
        """Attach ``source`` to ``key`` and save. Raises LibraryError when the file can't be
        written (the attachment is then kept for this session only)."""
        self._entries[key] = source
        self._write()

    def remove(self, key: str) -> None:
        """Forget ``key``'s attachment and save. Raises LibraryError like ``set``."""
        if self._entries.pop(key, None) is not None:
            self._write()

    # -- file ------------------------------------------------------------------------------------

    def _read(self) -> dict[str, str]:
        assert self.path is not None
        try:
            text = self.path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            return self._set_aside(f"it could not be read ({exc})")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return self._set_aside(f"it is not valid JSON (line {exc.lineno})")
        entries = data.get("episodes") if isinstance(data, dict) else None
        if not isinstance(entries, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in entries.items()
        ):
            return self._set_aside("it does not hold a list of attachments")
        return dict(entries)

    def _set_aside(self, why: str) -> dict[str, str]:
        assert self.path is not None
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(self.path, aside)
        except OSError as exc:
            log.warning("Could not move %s aside: %s", self.path, exc)
            self.problem = (
                f"The list of located audio files ({self.path}) was ignored: {why}. "
                "Audio you locate now is remembered for this session only."
            )
            self._writable = False
            return {}
        log.warning("Moved the unreadable %s to %s: %s", self.path, aside, why)
        self.problem = (
            f"The list of located audio files was ignored because {why}; "
            f"it was kept as {aside.name}. Locate the audio again to play those episodes."
        )
        return {}

    def _write(self) -> None:
        if not self._writable or self.path is None:
            return
        payload = json.dumps(
            {"version": _VERSION, "episodes": self._entries}, ensure_ascii=False, indent=1
        )
        tmp_name: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp_name = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
            )
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, self.path)
            tmp_name = None
        except OSError as exc:
            raise LibraryError(
                f"Could not save the located audio in {self.path}: {exc.strerror or exc}"
            ) from None
        finally:
            if tmp_name is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp_name)
