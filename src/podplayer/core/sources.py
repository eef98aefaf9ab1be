"""Any source a listener can hand podplayer -> Podcast.

A source is a path or an http(s) URL of a podcast page or show-notes file, an RSS/Atom feed, a
Podcast 2.0 JSON chapters file, or an audio file. What it is comes from its first bytes, then its
name. Fetching is delegated to a ``fetcher`` so that tests and the window choose how.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import mutagen

from podplayer.core import pages
from podplayer.core.chapters.jsonchapters import parse_json_chapters
from podplayer.core.chapters.tags import read_tag_chapters
from podplayer.core.errors import ParseError
from podplayer.core.feeds import looks_like_feed, parse_feed
from podplayer.core.fetch import Response, fetch, is_web_url
from podplayer.core.model import Episode, Podcast, split_number

# Pages, notes, feeds and chapter files are read whole; audio files are not read here.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
AUDIO_SUFFIXES = frozenset(
    (".mp3", ".m4a", ".m4b", ".mp4", ".aac", ".ogg", ".oga", ".opus", ".flac", ".wav", ".mka")
)
# Magic numbers of the audio containers podplayer plays.
_AUDIO_MAGIC = (
    b"ID3",
    b"\xff\xfb",
    b"\xff\xf3",
    b"\xff\xf2",
    b"OggS",
    b"fLaC",
    b"RIFF",
    b"\x1aE\xdf\xa3",
)


def _is_audio(head: bytes, name: str) -> bool:
    if head.startswith(_AUDIO_MAGIC) or head[4:8] == b"ftyp":
        return True
    return Path(name).suffix.lower() in AUDIO_SUFFIXES and head.lstrip()[:1] not in (b"<", b"{")


def _is_json(head: bytes) -> bool:
    return head.lstrip().startswith((b"{", b"["))


def _tag_text(tags: Any, *keys: str) -> str | None:
    for key in keys:
        try:
            value = tags[key]
        except (KeyError, ValueError, TypeError):
            continue
        text = str(value.text[0] if hasattr(value, "text") else value[0]).strip()
        if text:
            return text
    return None


def audio_episode(path: Path) -> Podcast:
    """One episode for a local audio file: its tag chapters, title and duration.

    Raises ParseError when the file can't be read as audio.
    """
    try:
        info = mutagen.File(path)
    except (mutagen.MutagenError, OSError) as exc:
        raise ParseError(f"“{path.name}” could not be read as audio: {exc}") from None
    except Exception:  # mutagen on a damaged file may raise anything
        raise ParseError(f"“{path.name}” is damaged: it could not be read as audio") from None
    if info is None:
        raise ParseError(f"“{path.name}” is not an audio file podplayer knows")
    duration_ms = round(info.info.length * 1000) if getattr(info.info, "length", 0) else None
    tags = info.tags or {}
    title = _tag_text(tags, "TIT2", "\xa9nam", "title", "TITLE") or pages.humanize_name(path.name)
    album = _tag_text(tags, "TALB", "\xa9alb", "album", "ALBUM") or pages.humanize_name(path.name)
    number, title = split_number(title)
    chapters = read_tag_chapters(path, name=path.name)
    chapters = tuple(c for c in chapters if duration_ms is None or c.start_ms < duration_ms)
    resolved = path.resolve()
    episode = Episode(
        guid=resolved.as_uri(),
        number=number,
        title=title,
        duration_ms=duration_ms,
        local_path=str(path),
        chapters=chapters,
    )
    return Podcast(url=resolved.as_uri(), title=album, episodes=(episode,))


def chapters_file(data: bytes, *, name: str, url: str) -> Podcast:
    """One episode holding the chapters of a Podcast 2.0 JSON chapters file."""
    chapters = parse_json_chapters(data)
    try:
        doc = json.loads(data)
    except ValueError:
        doc = {}
    title = doc.get("title") if isinstance(doc, dict) else None
    episode = Episode(
        guid=url or name,
        number=None,
        title=str(title) if title else pages.humanize_name(name),
        chapters=chapters,
    )
    return Podcast(url=url, title=pages.humanize_name(name), episodes=(episode,))


def name_of(url: str) -> str:
    """The file name a URL points at, else its host: what titles and messages call it."""
    parts = urlsplit(url)
    return unquote(Path(parts.path).name) or parts.netloc


def from_bytes(data: bytes, *, name: str, url: str) -> Podcast:
    """A Podcast from a document's bytes: feed, JSON chapters, page or show notes."""
    head = data[:8192]
    if looks_like_feed(head):
        return parse_feed(data, url)
    if _is_json(head):
        return chapters_file(data, name=name, url=url)
    return pages.parse_text(pages.decode(data, name=name), name=name, url=url)


def load(source: str, *, fetcher: Callable[[str], Response] = fetch) -> Podcast:
    """A Podcast from a path or an http(s) URL. Raises PodplayerError with a readable message."""
    if is_web_url(source):
        response = fetcher(source)
        name = name_of(response.url)
        if response.content_type.startswith("audio/") or _is_audio(response.body[:16], name):
            raise ParseError(f"{source} is audio; open it in the window or with `podplayer play`")
        return from_bytes(response.body, name=name, url=response.url)
    path = Path(source).expanduser()
    try:
        with path.open("rb") as stream:
            head = stream.read(16)
    except FileNotFoundError:
        raise ParseError(f"“{source}” does not exist") from None
    except IsADirectoryError:
        raise ParseError(f"“{source}” is a folder, not a file") from None
    except OSError as exc:
        raise ParseError(f"Could not read “{source}”: {exc.strerror or exc}") from None
    if _is_audio(head, path.name):
        return audio_episode(path)
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise ParseError(f"“{path.name}” is too large to be show notes ({size // 2**20} MB)")
    return from_bytes(path.read_bytes(), name=path.name, url=path.resolve().as_uri())
