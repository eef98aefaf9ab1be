"""Episode downloads for offline listening: resumable, cancellable, never half a file.

Bytes go to ``<name>.part`` beside the destination and the file is renamed into place only when
complete, so a file with the final name is always whole. An interrupted or cancelled download
keeps its ``.part``; the next :func:`download` of the same destination asks the server for the
rest (HTTP Range) and starts over only when the server can't resume.

Blocking; run on a worker thread. Progress is reported through a plain callback on that thread
(a Qt layer re-emits it as a signal).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from podplayer.core.errors import FetchError
from podplayer.core.fetch import DEFAULT_CONNECT_TIMEOUT_S, DEFAULT_TIMEOUT_S, open_stream

log = logging.getLogger(__name__)

__all__ = [
    "DownloadCancelledError",
    "ProgressCallback",
    "download",
    "download_path",
    "part_path",
]

ProgressCallback = Callable[[int, int | None], None]
"""``progress(bytes_so_far, total_bytes_or_None)``, called after every chunk."""

DEFAULT_MAX_DOWNLOAD_BYTES = 4 * 1024**3
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]+')
_AUDIO_SUFFIXES = frozenset(
    {".mp3", ".m4a", ".m4b", ".aac", ".ogg", ".oga", ".opus", ".flac", ".wav", ".mp4", ".mka"}
)


class DownloadCancelledError(FetchError):
    """The download was cancelled; its ``.part`` file is kept so it can resume."""


def part_path(dest: Path) -> Path:
    """Where an unfinished download of ``dest`` is kept."""
    return dest.with_name(dest.name + ".part")


def _safe_name(text: str, fallback: str) -> str:
    """A file name from a title: no separators or control characters, at most 100 characters.

    >>> _safe_name("AC/DC: Live?  ", "x")
    'AC_DC_ Live'
    >>> _safe_name("...", "episode")
    'episode'
    """
    name = unicodedata.normalize("NFC", _UNSAFE.sub("_", text)).strip("._ \t")
    return name[:100].rstrip() or fallback


def download_path(folder: Path, podcast_title: str, episode_title: str, audio_url: str) -> Path:
    """A destination for an episode's audio: ``folder/<podcast>/<episode><suffix>``.

    The suffix comes from the URL when it is a known audio one (else ``.mp3``).
    """
    suffix = PurePosixPath(unquote(urlsplit(audio_url).path)).suffix.lower()
    if suffix not in _AUDIO_SUFFIXES:
        suffix = ".mp3"
    return (
        folder
        / _safe_name(podcast_title, "podcast")
        / (_safe_name(episode_title, "episode") + suffix)
    )


def download(
    url: str,
    dest: Path,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
) -> Path:
    """Download ``url`` to ``dest`` (resuming a ``.part`` left by an earlier attempt).

    Returns ``dest``. An existing ``dest`` is taken as complete and returned at once.
    ``cancel`` is checked between chunks. ``timeout_s`` bounds each wait for data, not the
    whole download. Raises DownloadCancelledError when cancelled, FetchError when the download
    fails (the ``.part`` is kept for a later resume), and FetchError for files that can't be
    written.
    """
    if dest.exists():
        return dest
    if cancel is not None and cancel.is_set():
        raise DownloadCancelledError(f"The download of {url} was cancelled")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchError(f"Could not create the folder {dest.parent}: {exc.strerror}") from None
    part = part_path(dest)
    for _ in range(2):
        if _attempt(
            url,
            part,
            progress=progress,
            cancel=cancel,
            timeout_s=timeout_s,
            connect_timeout_s=connect_timeout_s,
            max_bytes=max_bytes,
        ):
            break
    else:
        raise FetchError(f"The server would not resume the download of {url}")
    try:
        os.replace(part, dest)
    except OSError as exc:
        raise FetchError(f"Could not save {dest}: {exc.strerror}") from None
    return dest


def _attempt(
    url: str,
    part: Path,
    *,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
    timeout_s: float,
    connect_timeout_s: float,
    max_bytes: int,
) -> bool:
    """One request; True when ``part`` now holds the whole file, False to start over."""
    offset = part.stat().st_size if part.exists() else 0
    # Range offsets count encoded bytes, so the body must come unencoded.
    headers = {"Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    with open_stream(
        url,
        headers=headers,
        timeout_s=timeout_s,
        connect_timeout_s=connect_timeout_s,
        total_timeout_s=float("inf"),
        accept_status=frozenset({200, 206, 416}),
    ) as stream:
        if stream.status == 416:
            # Nothing left to send: the part is complete if it has the announced size.
            match = re.fullmatch(r"bytes \*/(\d+)", stream.headers.get("content-range", ""))
            if match and int(match[1]) == offset:
                return True
            _discard(part)
            return False
        append = False
        total = stream.length
        if stream.status == 206:
            match = _CONTENT_RANGE.fullmatch(stream.headers.get("content-range", ""))
            if not match or int(match[1]) != offset:
                _discard(part)
                return False
            append = True
            total = int(match[3]) if match[3] != "*" else None
        elif offset:
            log.info("%s can't resume; downloading it again from the start", url)
        if total is not None and total > max_bytes:
            raise FetchError(f"{url} is larger than {max_bytes // 2**20} MB; not downloaded")
        received = offset if append else 0
        try:
            with part.open("ab" if append else "wb") as out:
                if progress:
                    progress(received, total)
                for chunk in stream.iter_bytes(max_bytes - received):
                    if cancel is not None and cancel.is_set():
                        raise DownloadCancelledError(f"The download of {url} was cancelled")
                    out.write(chunk)
                    received += len(chunk)
                    if progress:
                        progress(received, total)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise FetchError(f"Could not write {part}: {exc.strerror}") from None
        if total is not None and received != total:
            raise FetchError(f"The download of {url} stopped at {received} of {total} bytes")
        return True


def _discard(part: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        part.unlink()
