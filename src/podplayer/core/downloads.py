"""Episode downloads for offline listening: resumable, cancellable, never half a file.

Bytes go to ``<name>.part`` beside the destination and the file is renamed into place only when
complete, so a file with the final name is always whole. An interrupted or cancelled download
keeps its ``.part`` and, beside it in ``<name>.part.validator``, the version of the file it holds
(the server's strong ETag or Last-Modified). The next :func:`download` of the same destination
asks for the rest with ``Range`` and ``If-Range``: a file changed on the server in between
comes whole (200) and the download starts over, never splicing two versions. A part whose
version is unknown starts over too. Before writing, the free space of the folder is checked.

Downloads live in the user's data folder (:attr:`~podplayer.core.paths.AppPaths.downloads_dir`)
or a folder the listener picked (:func:`downloads_folder`), never a cache folder.

Blocking; run on a worker thread. Progress is reported through a plain callback on that thread
(a Qt layer re-emits it as a signal).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import shutil
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from podplayer.core.errors import FetchError
from podplayer.core.fetch import DEFAULT_CONNECT_TIMEOUT_S, DEFAULT_TIMEOUT_S, Stream, open_stream
from podplayer.core.paths import AppPaths

log = logging.getLogger(__name__)

__all__ = [
    "DownloadCancelledError",
    "DownloadSpaceError",
    "ProgressCallback",
    "delete_download_files",
    "download",
    "download_path",
    "downloads_folder",
    "part_path",
    "validator_path",
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


class DownloadSpaceError(FetchError):
    """The folder's disk has not enough free space for the rest of the file."""


#: Left free on the disk after a download, beyond the file itself.
SPARE_BYTES = 16 * 1024 * 1024


def part_path(dest: Path) -> Path:
    """Where an unfinished download of ``dest`` is kept."""
    return dest.with_name(dest.name + ".part")


def validator_path(dest: Path) -> Path:
    """Where the version (ETag or Last-Modified) of an unfinished download is kept."""
    return dest.with_name(dest.name + ".part.validator")


def downloads_folder(chosen: str | Path | None, paths: AppPaths) -> Path:
    """The folder the listener ``chosen`` (a non-empty path), else the data folder's downloads
    folder; never the cache folder."""
    if chosen and str(chosen).strip():
        return Path(chosen).expanduser()
    return paths.downloads_dir


def delete_download_files(dest: Path) -> bool:
    """Delete a downloaded file with its unfinished part and version; False (logged) when one
    of them can't be deleted. Missing files are fine."""
    ok = True
    for target in (dest, part_path(dest), validator_path(dest)):
        try:
            target.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("Could not delete %s: %s", target, exc)
            ok = False
    return ok


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
    _forget_version(dest)
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
    dest = part.with_name(part.name.removesuffix(".part"))
    offset = part.stat().st_size if part.exists() else 0
    version = _read_version(dest) if offset else None
    if offset and version is None:
        log.info("%s: the kept part's version is unknown; downloading it from the start", url)
        _discard(part)
        offset = 0
    # Range offsets count encoded bytes, so the body must come unencoded.
    headers = {"Accept-Encoding": "identity"}
    if offset and version is not None:
        headers["Range"] = f"bytes={offset}-"
        headers["If-Range"] = version
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
            # A 200 to an If-Range request: the file changed (or the server can't resume).
            log.info("%s changed or can't resume; downloading it again from the start", url)
        if total is not None and total > max_bytes:
            raise FetchError(f"{url} is larger than {max_bytes // 2**20} MB; not downloaded")
        received = offset if append else 0
        _check_space(part.parent, None if total is None else total - received)
        if not append:
            _keep_version(dest, stream.headers.get("etag"), stream.headers.get("last-modified"))
        _write_body(
            stream,
            part,
            append=append,
            received=received,
            total=total,
            progress=progress,
            cancel=cancel,
            max_bytes=max_bytes,
        )
        return True


def _write_body(
    stream: Stream,
    part: Path,
    *,
    append: bool,
    received: int,
    total: int | None,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
    max_bytes: int,
) -> None:
    url = stream.url
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
        if exc.errno == errno.ENOSPC:
            raise DownloadSpaceError(
                f"The disk is full; the download of {url} stopped (it resumes when there is space)"
            ) from None
        raise FetchError(f"Could not write {part}: {exc.strerror}") from None
    if total is not None and received != total:
        raise FetchError(f"The download of {url} stopped at {received} of {total} bytes")


def _check_space(folder: Path, needed: int | None) -> None:
    """Raise DownloadSpaceError when ``needed`` bytes (and a spare margin) won't fit."""
    if needed is None:
        return
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if needed + SPARE_BYTES > free:
        raise DownloadSpaceError(
            f"Not enough free space for this episode: it needs {_mb(needed)} and the disk "
            f"has {_mb(free)} free. Free some space, or choose another downloads folder."
        )


def _mb(n: int) -> str:
    return f"{max(1, round(n / 2**20))} MB"


def _keep_version(dest: Path, etag: str | None, last_modified: str | None) -> None:
    """Remember which version of the file the part holds: a strong ETag, else Last-Modified
    (If-Range takes no weak ETag); nothing when the server gives neither."""
    version = etag if etag and not etag.startswith("W/") else last_modified
    path = validator_path(dest)
    try:
        if version:
            path.write_text(version, encoding="utf-8")
        else:
            path.unlink(missing_ok=True)
    except OSError as exc:
        log.info("Could not keep the version of %s: %s", dest, exc)


def _read_version(dest: Path) -> str | None:
    try:
        text = validator_path(dest).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeError):
        return None
    # A header value: printable ASCII on one line.
    return text if text and text.isascii() and text.isprintable() and len(text) < 512 else None


def _forget_version(dest: Path) -> None:
    with contextlib.suppress(OSError):
        validator_path(dest).unlink(missing_ok=True)


def _discard(part: Path) -> None:
    for path in (part, part.with_name(part.name + ".validator")):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
