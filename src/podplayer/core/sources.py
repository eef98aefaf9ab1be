"""What a source is, decided once for every entry point, and the Podcast it holds.

A source is what a listener hands podplayer: a path, a ``file://`` URL (what a file manager
passes), an http(s) URL, or a feed-subscription URL (``feed://``, ``feed:https://``,
``podcast://``, ``itpc://``, ``pcast://``: what a browser passes). :func:`normalize` turns the
URL forms into a path or an http(s) URL; :func:`classify` decides by content first (magic
numbers, the XML root, whether the bytes really are a JSON chapters file), then by the name,
whether it is audio, a feed, an OPML list, JSON chapters, a podcast page or one episode's show
notes. The command line, the window's drop and open dialog, a second launch and ``import`` all
ask this module. Fetching is delegated to a ``fetcher`` so that tests and the window choose how.
"""

from __future__ import annotations

import enum
import json
import logging
import re
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
from podplayer.core.fetch import Response, check_web_url, fetch, is_web_url
from podplayer.core.model import Episode, Podcast, split_number
from podplayer.core.notes import looks_like_html

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

log = logging.getLogger(__name__)


# Schemes that browsers and desktop files use for "subscribe to this feed"; the feed is http.
FEED_SCHEMES = frozenset({"feed", "itpc", "pcast", "podcast"})
# What may stand before a document's root element: BOMs, white space, the XML declaration,
# processing instructions, comments and a doctype.
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_PROLOG = re.compile(
    rb"""\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*""", re.DOTALL | re.I
)
_OPML_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?opml[\s>/]", re.I)
_JSON_SUFFIXES = frozenset({".json"})


class Kind(enum.Enum):
    """What a source holds."""

    AUDIO = "audio"
    FEED = "feed"
    OPML = "opml"
    JSON_CHAPTERS = "json chapters"
    PAGE = "page"
    NOTES = "show notes"


def normalize(source: str) -> str:
    """A source as podplayer reads it: a local path or an http(s) URL.

    ``file://`` URLs become paths; feed-subscription schemes become the http(s) URL they name.
    Anything else is returned as written (white space trimmed), to be read as a path.
    Raises ParseError for a URL of a scheme podplayer does not read.

    >>> normalize("file:///tmp/My%20Show.mp3"), normalize("feed://example.org/rss")
    ('/tmp/My Show.mp3', 'http://example.org/rss')
    >>> normalize("feed:https://example.org/rss"), normalize("itpc://example.org/rss")
    ('https://example.org/rss', 'http://example.org/rss')
    >>> normalize("feed://https://example.org/rss")
    'https://example.org/rss'
    """
    text = source.strip()
    try:
        parts = urlsplit(text)
    except ValueError:  # "http://[::1/x": check_web_url says what is wrong, in words
        check_web_url(text)
        raise ParseError(f"“{text[:100]}” is not a valid address") from None
    scheme = parts.scheme.lower()
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ParseError(f"“{text}” is a file on another computer ({parts.netloc})")
        return unquote(parts.path)
    if scheme in FEED_SCHEMES:
        inner = text[len(scheme) + 1 :]
        if inner.lower().startswith(("//http://", "//https://")):
            inner = inner[2:]
        if inner.lower().startswith(("http://", "https://")):
            return inner
        return "http://" + inner.lstrip("/")
    if scheme in ("http", "https"):
        return text
    # A drive-less path ("notes.txt", "/tmp/a:b.txt") has no scheme urlsplit recognises as a
    # URL; "javascript:", "data:" and the like do.
    if len(scheme) > 1 and not Path(text).exists():
        raise ParseError(f"podplayer does not open “{scheme}:” addresses")
    return text


def _body(data: bytes) -> bytes:
    """The bytes from the root element on: BOM, white space and prolog skipped."""
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode()
    head = head.removeprefix(b"\xef\xbb\xbf")
    prolog = _PROLOG.match(head)
    return head[prolog.end() if prolog else 0 :]


def _is_json_chapters(data: bytes, name: str) -> bool:
    """A ``.json`` file that opens like JSON is one (a broken one is told as such); any other
    file only when it really parses as a chapters document."""
    stripped = data.lstrip(b"".join(_BOMS) + b" \t\r\n")
    if not stripped.startswith((b"{", b"[")):
        return False
    if Path(name).suffix.lower() in _JSON_SUFFIXES:
        return True
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    if isinstance(doc, dict):
        return isinstance(doc.get("chapters"), list)
    return isinstance(doc, list) and bool(doc) and all(isinstance(item, dict) for item in doc)


def classify(data: bytes, *, name: str = "", content_type: str = "") -> Kind:
    """What a document is, by its content first, then its name and the server's type.

    ``data`` is the whole document (or, for audio, at least its first 16 bytes).
    """
    if content_type.startswith("audio/") or _is_audio(data[:16], name):
        return Kind.AUDIO
    body = _body(data)
    if _OPML_ROOT.match(body):
        return Kind.OPML
    if looks_like_feed(body):
        return Kind.FEED
    if _is_json_chapters(data, name):
        return Kind.JSON_CHAPTERS
    try:
        text = pages.decode(data, name=name)
    except ParseError:
        return Kind.NOTES  # binary: reading it as notes says what is wrong
    if not looks_like_html(text) and pages.looks_like_page(text):
        return Kind.PAGE
    return Kind.NOTES


def classify_path(path: Path) -> Kind:
    """What a local file is (reads at most :data:`MAX_DOCUMENT_BYTES`). Raises ParseError when
    it can't be read."""
    data = _read(path, limit=MAX_DOCUMENT_BYTES)
    return classify(data, name=path.name)


def _is_audio(head: bytes, name: str) -> bool:
    if head.startswith(_AUDIO_MAGIC) or head[4:8] == b"ftyp":
        return True
    return Path(name).suffix.lower() in AUDIO_SUFFIXES and head.lstrip()[:1] not in (b"<", b"{")


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
    except mutagen.MutagenError:
        log.info("unreadable audio %s", path, exc_info=True)
        raise ParseError(
            f"“{path.name}” could not be read as audio: it is damaged or not audio"
        ) from None
    except OSError as exc:
        reason = exc.strerror or "it could not be opened"
        raise ParseError(f"“{path.name}” could not be read as audio: {reason}") from None
    except Exception:  # mutagen on a damaged file may raise anything, in its own words
        log.info("unreadable audio %s", path, exc_info=True)
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
    """A Podcast from a document's bytes: feed, JSON chapters, page or show notes.

    Raises ParseError for an OPML list (subscriptions, not a podcast) and for audio.
    """
    kind = classify(data, name=name)
    if kind is Kind.FEED:
        return parse_feed(_from_root(data), url)
    if kind is Kind.JSON_CHAPTERS:
        return chapters_file(data, name=name, url=url)
    if kind is Kind.OPML:
        raise ParseError(
            f"“{name}” is a list of subscriptions (OPML): import it to subscribe to its feeds"
        )
    if kind is Kind.AUDIO:
        raise ParseError(f"“{name}” is audio; open it in the window or with `podplayer play`")
    return pages.parse_text(pages.decode(data, name=name), name=name, url=url)


def _from_root(data: bytes) -> bytes:
    """A UTF-8 feed without what some servers put before ``<?xml`` (blank lines, spaces, a
    BOM), which XML forbids; other encodings are left to the feed reader."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data
    stripped = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    return stripped if stripped.startswith(b"<") else data


def _read(path: Path, *, limit: int) -> bytes:
    """At most ``limit`` bytes of a local file. Raises ParseError with a readable reason."""
    try:
        with path.open("rb") as stream:
            return stream.read(limit)
    except FileNotFoundError:
        raise ParseError(f"“{path}” does not exist") from None
    except IsADirectoryError:
        raise ParseError(f"“{path}” is a folder, not a file") from None
    except OSError as exc:
        raise ParseError(f"Could not read “{path}”: {exc.strerror or exc}") from None


def load(source: str, *, fetcher: Callable[[str], Response] = fetch) -> Podcast:
    """A Podcast from a path, a ``file://`` URL, an http(s) URL or a feed-subscription URL.

    Raises PodplayerError with a readable message (an OPML list is not a podcast: see
    :func:`classify`).
    """
    source = normalize(source)
    if is_web_url(source):
        response = fetcher(source)
        name = name_of(response.url)
        if response.content_type.startswith("audio/") or _is_audio(response.body[:16], name):
            raise ParseError(f"{source} is audio; open it in the window or with `podplayer play`")
        return from_bytes(response.body, name=name, url=response.url)
    path = Path(source).expanduser()
    head = _read(path, limit=16)
    if _is_audio(head, path.name):
        return audio_episode(path)
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise ParseError(f"“{path.name}” is too large to be show notes ({size // 2**20} MB)")
    return from_bytes(
        _read(path, limit=MAX_DOCUMENT_BYTES), name=path.name, url=path.resolve().as_uri()
    )
