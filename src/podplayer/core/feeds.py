"""RSS 2.0 and Atom podcast feeds -> :class:`~podplayer.core.model.Podcast`.

Our own reader: expat (with defusedxml's guards: no entity declarations, nothing external)
feeding a declarative table of element paths, as podcastparser reads feeds, with what podplayer
needs besides (Podlove chapters with their milliseconds, durations in ms, the chapter-file URL,
every transcript). Its results match podcastparser's on podcastparser's own golden feeds, and
the feeds of ``tests/data/feeds`` have golden files of their own. podcastparser's public helper
functions read lengths, types, times and dates. Nesting is capped at :data:`MAX_DEPTH`, so
memory stays linear in the input; enclosures other than web URLs are refused.

Besides the model, :func:`read_feed` gives per-episode extras: the chapter sources found in the
feed (so a window can offer a switch between them). :func:`discover_feeds` finds the feeds a web
page names.
"""

from __future__ import annotations

import calendar
import logging
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, BinaryIO, ClassVar
from urllib.parse import urljoin, urlparse, urlsplit
from xml.parsers import expat

import podcastparser
from podcastparser import (
    file_basename_no_extension,
    is_html,
    normalize_feed_url,
    parse_length,
    parse_type,
)

from podplayer.core.chapters.psc import chapters_from_attributes, parse_npt
from podplayer.core.errors import FeedError, TimecodeError
from podplayer.core.model import (
    Chapter,
    ChapterSource,
    Episode,
    Link,
    Podcast,
    TranscriptRef,
    split_number,
    with_source,
)
from podplayer.core.notes import parse_shownotes

log = logging.getLogger(__name__)

__all__ = [
    "FeedInfo",
    "FeedLink",
    "chapter_urls",
    "discover_feeds",
    "looks_like_feed",
    "parse_feed",
    "read_feed",
    "split_number",
]


_PROLOG = re.compile(
    rb"""\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*""", re.DOTALL | re.I
)
_FEED_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:rss|feed)[\s>/]")


def looks_like_feed(head: bytes) -> bool:
    """True when the first bytes of a document open an RSS or Atom root element.

    >>> looks_like_feed(b'<?xml version="1.0"?>\\n<rss version="2.0"><channel>')
    True
    >>> looks_like_feed(b'<feed xmlns="http://www.w3.org/2005/Atom">')
    True
    >>> looks_like_feed(b"<!DOCTYPE html><html>")
    False
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            head = head.decode("utf-16", errors="ignore").encode()
        except UnicodeError:
            return False
    head = head.removeprefix(b"\xef\xbb\xbf")[:8192]
    prolog = _PROLOG.match(head)
    rest = head[prolog.end() if prolog else 0 :]
    return _FEED_ROOT.match(rest) is not None


# An absolute http(s) URL with a lower-case host and a plain path: podcastparser's urljoin and
# normalize_feed_url give it back unchanged (a URL with a host is not joined to the base, the
# scheme and host are already lower case, the path is not empty, and nothing in it is split off
# or re-quoted), so the three URL parses per enclosure can be skipped.
_PLAIN_URL = re.compile(r"https?://[a-z0-9.-]+(?::[0-9]{1,5})?/[A-Za-z0-9._~/%+-]*")
_BASES_OK: dict[str, bool] = {}


def _base_parses(base: Any) -> bool:
    """Whether urljoin can read ``base`` (it raises on some, e.g. a broken IPv6 host)."""
    if not isinstance(base, str):
        return False
    ok = _BASES_OK.get(base)
    if ok is None:
        try:
            urlparse(base)
        except ValueError:
            ok = False
        else:
            ok = True
        if len(_BASES_OK) > 64:
            _BASES_OK.clear()
        _BASES_OK[base] = ok
    return ok


def _duration_ms(text: str) -> int | None:
    """itunes:duration in ms: "1:02:03", "3723", "3723.5"; unreadable or zero -> None."""
    try:
        ms = parse_npt(text)
    except TimecodeError:
        ms = int(podcastparser.parse_time(text)) * 1000
    return ms or None


# An RFC 822 date as feeds write it ("Thu, 01 Jan 2015 09:00:00 +0000"): read here with the
# arithmetic email.utils.parsedate_tz and mktime_tz do, without their general tokenising. Any
# other form, and "-0000" (which they read as local time), goes to podcastparser.
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_RFC822_DATE = re.compile(
    rf"(?:[A-Z][a-z]{{2}}, )?([0-9]{{1,2}}) ({'|'.join(_MONTHS)}) ([1-9][0-9]{{3}}) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2}) (?:([+-])([0-9]{2})([0-9]{2})|GMT|UTC|UT|Z)"
)


def _pubdate(text: str) -> int:
    """podcastparser.parse_pubdate (a Unix timestamp, 0 when unreadable), faster for RFC 822."""
    found = _RFC822_DATE.fullmatch(text)
    if found is None:
        return int(podcastparser.parse_pubdate(text))
    day, month, year, hour, minute, second, sign, tz_hours, tz_minutes = found.groups()
    if sign is None:
        offset = 0
    elif tz_hours == tz_minutes == "00":
        if sign == "-":
            return int(podcastparser.parse_pubdate(text))
        offset = 0
    else:
        offset = int(tz_hours) * 3600 + int(tz_minutes) * 60
        if sign == "-":
            offset = -offset
    fields = (int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second))
    return calendar.timegm(fields) - offset


def _squash_whitespace(text: str) -> str:
    """podcastparser.squash_whitespace; text with only single plain spaces is kept as it is."""
    text = text.strip()
    # Printable text holds no white space but " " (Python counts no other space printable).
    if "  " not in text and text.isprintable():
        return text
    return _SPACES.sub(" ", text)


def _squash_whitespace_not_nl(text: str) -> str:
    """podcastparser.squash_whitespace_not_nl, with the same shortcut."""
    text = text.strip()
    if "  " not in text and text.isprintable():
        return text
    return _SPACES_NOT_NL.sub(" ", text)


_SPACES = re.compile(r"\s+")
_SPACES_NOT_NL = re.compile(r"[^\S\r\n]+")


def _pubdate_text(text: str) -> int:
    return _pubdate(text.strip())


# The namespace URIs feeds use, by the prefix the tag table below writes. An element whose
# namespace is declared but unknown gets "!prefix:" so that it matches nothing; a prefix that
# is used without a declaration (``itunes:`` with no ``xmlns:itunes``, common in real feeds)
# is kept as written.
_NAMESPACES = {
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://www.itunes.com/DTDs/Podcast-1.0.dtd": "itunes",
    "http://www.w3.org/2005/Atom": "atom",
    "http://www.w3.org/2005/Atom/": "atom",
    "http://search.yahoo.com/mrss/": "media",
    "http://search.yahoo.com/mrss": "media",
    "http://podlove.org/simple-chapters": "psc",
    "http://podlove.org/simple-chapters/": "psc",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "https://podcastindex.org/namespace/1.0": "podcast",
    "http://podcastindex.org/namespace/1.0": "podcast",
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md": "podcast",
    "https://github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md": "podcast",
}

#: Elements nested deeper than this end the parse (a real feed is under 20 deep).
MAX_DEPTH = 64


class _Scope:
    """The namespace declarations in force for an element and its children."""

    __slots__ = ("declared", "mapped", "parent")

    def __init__(self, attrs: Mapping[str, str], parent: _Scope | None) -> None:
        self.parent = parent
        self.declared = {
            ("" if key == "xmlns" else key[6:]): value
            for key, value in attrs.items()
            if key == "xmlns" or key.startswith("xmlns:")
        }
        # Mapped names by raw name: a scope's mapping never changes once it is declared.
        self.mapped: dict[str, str] = {}

    def lookup(self, prefix: str) -> str | None:
        scope: _Scope | None = self
        while scope is not None:
            found = scope.declared.get(prefix)
            if found is not None:
                return found
            scope = scope.parent
        return None

    def map(self, name: str) -> str:
        """``it:duration`` -> ``itunes:duration`` by the declared URI (see _NAMESPACES)."""
        prefix, sep, local = name.rpartition(":")
        uri = self.lookup(prefix)
        if uri is None:
            return name
        known = _NAMESPACES.get(uri)
        if known is None:
            return f"!{prefix}:{local}" if sep else local
        return f"{known}:{local}"


def _strip(text: str) -> str:
    return text.strip()


@dataclass(frozen=True, slots=True)
class _Text:
    """An element whose text becomes ``key`` of the podcast or the current episode."""

    key: str
    filter: Callable[[str], Any] = _strip
    overwrite: bool = True
    episode: bool = True
    relative: bool = False
    WANT_TEXT: ClassVar[bool] = True

    def start(self, reader: _FeedReader, attrs: Mapping[str, str]) -> None:
        pass

    def end(self, reader: _FeedReader, text: str) -> None:
        into = reader.episodes[-1] if self.episode else reader.data
        if not self.overwrite and into.get(self.key):
            return
        if self.relative:
            text = _join(reader.base, text.strip()) or ""
        value = self.filter(text)
        if not self.episode or value != "" or into.get(self.key) is None:
            into[self.key] = value


@dataclass(frozen=True, slots=True)
class _Attribute:
    """An element whose attribute (a URL, resolved) becomes ``key``."""

    key: str
    attribute: str = "href"
    episode: bool = True
    WANT_TEXT: ClassVar[bool] = False

    def start(self, reader: _FeedReader, attrs: Mapping[str, str]) -> None:
        value = attrs.get(self.attribute)
        if value:
            url = _join(reader.base, value)
            if url is not None:
                (reader.episodes[-1] if self.episode else reader.data)[self.key] = url.strip()

    def end(self, reader: _FeedReader, text: str) -> None:
        pass


class _Target:
    """Base of the element handlers that need code of their own."""

    WANT_TEXT: ClassVar[bool] = False

    def start(self, reader: _FeedReader, attrs: Mapping[str, str]) -> None:
        pass

    def end(self, reader: _FeedReader, text: str) -> None:
        pass


class _Root(_Target):
    def start(self, reader: _FeedReader, attrs: Mapping[str, str]) -> None:
        base = attrs.get("xml:base")
        if base:
            reader.base = base


class _Channel(_Target):
    """At the end of the feed: newest first, oldest first when the feed says it is serial."""

    def end(self, reader: _FeedReader, text: str) -> None:
        newest_first = reader.data.get("type") != "serial"
        reader.episodes.sort(key=lambda entry: entry.get("published") or 0, reverse=newest_first)


class _PodcastType(_Target):
    WANT_TEXT = True

    def end(self, reader: _FeedReader, text: str) -> None:
        value = _squash_whitespace(text)
        if value in ("episodic", "serial"):
            reader.data["type"] = value


class _Item(_Target):
    def start(self, reader: _FeedReader, attrs: Mapping[str, str]) -> None:
        if len(reader.episodes) >= MAX_EPISODES:
            raise FeedError(f"This feed has more than {MAX_EPISODES} episodes")
        reader.episodes.append({"description": "", "link": "", "enclosures": []})

    def end(self, reader: _FeedReader, text: str) -> None:
        if not _complete(reader.episodes[-1]):
            reader.episodes.pop()


def _complete(entry: dict[str, Any]) -> bool:
    """Fill what an item lacks as podcastparser does; False for an item to drop (no guid and
    no single enclosure to stand for one, or no title and no single enclosure to name it)."""
    description = entry["description"]
    if is_html(description):
        entry.setdefault("description_html", description)
        entry["description"] = ""
    if "guid" not in entry:
        if entry.get("link"):
            entry["guid"] = entry["link"]
        else:
            urls = {enclosure["url"] for enclosure in entry["enclosures"]}
            if len(urls) != 1:
                return False
            entry["guid"] = entry["enclosures"][0]["url"]
    if "title" not in entry:
        if len(entry["enclosures"]) != 1:
            return False
        entry["title"] = file_basename_no_extension(entry["enclosures"][0]["url"] or "")
    return True


class _Guid(_Target):
    WANT_TEXT = True

    def start(self, reader: _FeedReader, attrs: Mapping[str, str]) -> None:
        reader.episodes[-1]["_permalink"] = attrs.get("isPermaLink", "true").lower() == "true"

    def end(self, reader: _FeedReader, text: str) -> None:
        entry = reader.episodes[-1]
        guid = text.strip()
        if entry.pop("_permalink", False):
            guid = _join(reader.base, guid) or guid
        if guid != "" or entry.get("guid") is None:
            entry["guid"] = guid


class _Number(_Target):
    WANT_TEXT = True

    def end(self, reader: _FeedReader, text: str) -> None:
        try:
            number = int(_squash_whitespace(text))
        except ValueError:
            return
        if number > 0:
            reader.episodes[-1]["number"] = number


class _Duration(_Target):
    WANT_TEXT = True

    def end(self, reader: _FeedReader, text: str) -> None:
        reader.episodes[-1]["_duration_ms"] = _duration_ms(text)


class _ItemDescription(_Target):
    """An RSS item's description: HTML goes to the HTML notes, text to the text ones, neither
    replacing what content:encoded or itunes:summary gave."""

    WANT_TEXT = True

    def end(self, reader: _FeedReader, text: str) -> None:
        entry = reader.episodes[-1]
        if is_html(text):
            if not entry.get("description_html"):
                entry["description_html"] = text.strip()
        elif not entry.get("description"):
            entry["description"] = _squash_whitespace_not_nl(text)


class _AtomContent(_Target):
    WANT_TEXT = True

    def start(self, reader: _FeedReader, attrs: Mapping[str, str]) -> None:
        reader.episodes[-1]["_content_type"] = attrs.get("type", "text")

    def end(self, reader: _FeedReader, text: str) -> None:
        entry = reader.episodes[-1]
        kind = entry.pop("_content_type", "text")
        if kind == "html":
            entry["description_html"] = text
        elif kind == "text":
            entry["description"] = _squash_whitespace_not_nl(text)


class _Enclosure(_Target):
    """``<enclosure url length type>`` and ``<media:content url fileSize type>``."""

    def __init__(self, size_attribute: str) -> None:
        self.size_attribute = size_attribute

    def start(self, reader: _FeedReader, attrs: Mapping[str, str]) -> None:
        url = attrs.get("url")
        if url is None:
            return
        reader.episodes[-1]["enclosures"].append(
            {
                "url": _enclosure_url(reader.base, url),
                "file_size": parse_length(attrs.get(self.size_attribute)),
                "mime_type": parse_type(attrs.get("type")),
            }
        )


class _AtomLink(_Target):
    """Atom's ``<link rel href type length>`` in an item: an enclosure or the episode's page."""

    def start(self, reader: _FeedReader, attrs: Mapping[str, str]) -> None:
        entry = reader.episodes[-1]
        rel = attrs.get("rel", "alternate")
        href = attrs.get("href")
        if href is None:
            return
        mime_type = parse_type(attrs.get("type", "text/html"))
        if rel == "enclosure":
            entry["enclosures"].append(
                {
                    "url": _enclosure_url(reader.base, href),
                    "file_size": parse_length(attrs.get("length", "0")),
                    "mime_type": mime_type,
                }
            )
        elif mime_type == "text/html" and rel in ("self", "alternate") and not entry.get("link"):
            entry["link"] = _page_url(reader.base, href)


class _ItemLink(_Target):
    """An RSS item's ``<link>``: its text is the episode's page; ``<link rel="enclosure"
    href>``, as the Podlove spec example writes it, is an enclosure."""

    WANT_TEXT = True

    def start(self, reader: _FeedReader, attrs: Mapping[str, str]) -> None:
        if attrs.get("rel") == "enclosure" and attrs.get("href"):
            _AtomLink().start(reader, attrs)

    def end(self, reader: _FeedReader, text: str) -> None:
        entry = reader.episodes[-1]
        link = (_join(reader.base, text) or text).strip()
        if link != "" or entry.get("link") is None:
            entry["link"] = link


class _PscChapter(_Target):
    """Keeps the raw attributes; :mod:`.chapters.psc` reads them with their milliseconds."""

    def start(self, reader: _FeedReader, attrs: Mapping[str, str]) -> None:
        found = reader.episodes[-1].setdefault("_psc", [])
        if len(found) < MAX_CHAPTERS:
            found.append(dict(attrs))


class _Transcript(_Target):
    """Every ``podcast:transcript`` of an item, its attributes as written."""

    def start(self, reader: _FeedReader, attrs: Mapping[str, str]) -> None:
        reader.episodes[-1].setdefault("_transcripts", []).append(dict(attrs))


#: At most this many items are read from one feed, and this many Podlove chapters per item.
MAX_EPISODES = 100_000
MAX_CHAPTERS = 5_000


def _join(base: str, url: str) -> str | None:
    """``url`` resolved against ``base`` (None when either can't be parsed)."""
    try:
        return urljoin(base, url)
    except ValueError:
        return None


def _page_url(base: str, href: str) -> str | None:
    joined = _join(base, href)
    return None if joined is None else normalize_feed_url(joined.strip())


def _item_mapping(root: str) -> dict[str, Any]:
    """The tag table of an RSS item or an Atom entry under ``root``."""
    return {
        root: _Item(),
        f"{root}/content:encoded": _Text("description_html"),
        f"{root}/itunes:duration": _Duration(),
        f"{root}/itunes:episode": _Number(),
        f"{root}/psc:chapters/psc:chapter": _PscChapter(),
        f"{root}/podcast:chapters": _Attribute("chapters_json_url", "url"),
        f"{root}/podcast:transcript": _Transcript(),
        f"{root}/media:content": _Enclosure("fileSize"),
        f"{root}/media:group/media:content": _Enclosure("fileSize"),
    }


_RSS = "rss/channel"
_ATOM = "atom:feed"
_MAPPING: dict[str, Any] = {
    "rss": _Root(),
    _RSS: _Channel(),
    f"{_RSS}/title": _Text("title", _squash_whitespace, episode=False),
    f"{_RSS}/description": _Text("description", _squash_whitespace_not_nl, episode=False),
    f"{_RSS}/itunes:summary": _Text(
        "description", _squash_whitespace_not_nl, overwrite=False, episode=False
    ),
    f"{_RSS}/image/url": _Text("cover_url", episode=False, relative=True),
    f"{_RSS}/itunes:image": _Attribute("cover_url", episode=False),
    f"{_RSS}/itunes:type": _PodcastType(),
    **_item_mapping(f"{_RSS}/item"),
    f"{_RSS}/item/guid": _Guid(),
    f"{_RSS}/item/title": _Text("title", _squash_whitespace),
    f"{_RSS}/item/link": _ItemLink(),
    f"{_RSS}/item/description": _ItemDescription(),
    f"{_RSS}/item/itunes:summary": _Text("description", _squash_whitespace_not_nl),
    f"{_RSS}/item/media:description": _Text("description", _squash_whitespace_not_nl),
    f"{_RSS}/item/pubDate": _Text("published", _pubdate_text),
    f"{_RSS}/item/atom:link": _AtomLink(),
    f"{_RSS}/item/enclosure": _Enclosure("length"),
    _ATOM: _Channel(),
    f"{_ATOM}/atom:title": _Text("title", _squash_whitespace, episode=False),
    f"{_ATOM}/atom:subtitle": _Text("description", _squash_whitespace_not_nl, episode=False),
    f"{_ATOM}/atom:icon": _Text("cover_url", episode=False, relative=True),
    **_item_mapping(f"{_ATOM}/atom:entry"),
    f"{_ATOM}/atom:entry/atom:id": _Text("guid"),
    f"{_ATOM}/atom:entry/atom:title": _Text("title", _squash_whitespace),
    f"{_ATOM}/atom:entry/atom:link": _AtomLink(),
    f"{_ATOM}/atom:entry/atom:content": _AtomContent(),
    f"{_ATOM}/atom:entry/atom:published": _Text("published", _pubdate_text),
    f"{_ATOM}/atom:entry/atom:updated": _Text("published", _pubdate_text, overwrite=False),
    f"{_ATOM}/atom:entry/atom:summary": _Text(
        "description", _squash_whitespace_not_nl, overwrite=False
    ),
    f"{_ATOM}/atom:entry/media:group/media:description": _Text(
        "description", _squash_whitespace_not_nl
    ),
}
_ROOTS = frozenset(path.split("/")[0] for path in _MAPPING)


class _FeedReader:
    """Reads one feed with expat: element paths (namespace prefixes mapped) looked up in the
    tag table, text collected for the elements that want it. Holds all the per-parse state,
    so any number of threads can read feeds at once."""

    def __init__(self, url: str) -> None:
        self.base = url
        self.episodes: list[dict[str, Any]] = []
        self.data: dict[str, Any] = {
            "title": file_basename_no_extension(url),
            "episodes": self.episodes,
        }
        self.text: list[str] | None = None
        # Per open element: its path, its namespace scope and its target. An element that
        # declares no namespace shares its parent's scope (and the scope's mapped names).
        self.open: list[tuple[str, _Scope, Any]] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        stack = self.open
        if len(stack) >= MAX_DEPTH:
            raise FeedError(
                f"This is not a podcast feed: its elements are nested too deep "
                f"(more than {MAX_DEPTH} levels)"
            )
        if not stack:
            scope = _Scope(attrs, None)
        # A declaration is an attribute whose name starts with "xmlns"; names hold no spaces, so
        # one substring search over the joined names finds it without a call per attribute.
        elif attrs and " xmlns" in " " + " ".join(attrs):
            scope = _Scope(attrs, stack[-1][1])
        else:
            scope = stack[-1][1]
        mapped = scope.mapped.get(name)
        if mapped is None:
            mapped = scope.mapped[name] = scope.map(name)
        if stack:
            path = f"{stack[-1][0]}/{mapped}"
        elif mapped in _ROOTS:
            path = mapped
        else:
            raise FeedError(f"This is not a podcast feed: its root element is <{mapped}>")
        target = _MAPPING.get(path)
        stack.append((path, scope, target))
        if target is not None:
            target.start(self, attrs)
            if target.WANT_TEXT:
                self.text = []

    def end(self, name: str) -> None:
        target = self.open.pop()[2]
        if target is not None:
            content = "".join(self.text) if self.text is not None else ""
            target.end(self, content)
            self.text = None

    def characters(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)


def _refuse_entities(*_args: object) -> None:
    raise FeedError("This feed declares XML entities, which podplayer refuses to read")


def _expat(reader: _FeedReader) -> Any:
    """An expat parser feeding ``reader``, with defusedxml's guards: no entity may be declared
    (no billion laughs, no external entities), and nothing external is ever read (an old RSS
    0.91 feed's DTD is named but never fetched)."""
    parser = expat.ParserCreate()
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.characters
    # One call per run of text instead of one per line and per entity.
    parser.buffer_text = True
    parser.EntityDeclHandler = _refuse_entities
    parser.UnparsedEntityDeclHandler = _refuse_entities
    parser.ExternalEntityRefHandler = lambda *_args: 1  # skipped, never loaded
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _enclosure_url(base: str, raw: str) -> str | None:
    """An enclosure's URL as podcastparser gives it (resolved, normalised), or None unless it
    is a web (or, resolved against a local feed, a file) URL: ``file:/...`` or ``data:...`` in
    a web feed is refused, never turned into a host name."""
    raw = raw.lstrip()
    if _PLAIN_URL.fullmatch(raw) and _base_parses(base):
        return raw
    joined = _join(base, raw)
    if joined is None:
        return None
    try:
        scheme = urlsplit(joined.strip()).scheme.lower()
    except ValueError:
        return None
    if scheme == "file":
        # A local feed's own files; the player decides whether a feed may name them.
        return joined.strip() if joined.strip().startswith("file://") else None
    if scheme not in ("http", "https"):
        return None
    normalized: str | None = normalize_feed_url(joined.strip())
    return normalized if normalized and normalized.startswith(("http://", "https://")) else None


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """A parsed feed: the model plus per-episode extras keyed by episode guid.

    ``chapter_urls``: the ``podcast:chapters`` JSON URL of each episode that has one (absolute).
    ``chapter_sources``: every chapter list the feed itself holds per episode, by source name
    (``"psc"``, ``"shownotes"``); the episode's ``chapters`` is the preferred one of them.
    """

    podcast: Podcast
    chapter_urls: Mapping[str, str] = field(default_factory=dict)
    chapter_sources: Mapping[str, Mapping[str, tuple[Chapter, ...]]] = field(default_factory=dict)


def _shownotes(notes: str, duration_ms: int | None) -> tuple[tuple[Chapter, ...], tuple[Link, ...]]:
    result = parse_shownotes(notes, duration_ms=duration_ms)
    return tuple(result.chapters), tuple(result.links)


def _scheme(url: str) -> str:
    # What urlsplit() finds, without splitting the rest of the URL in the common case.
    if url.startswith("https://"):
        return "https"
    if url.startswith("http://"):
        return "http"
    return urlsplit(url).scheme


def _audio_url(enclosures: list[dict[str, Any]], allow_file: bool) -> str | None:
    """The first audio/video enclosure (else the first) whose scheme the player may open."""
    allowed = ("http", "https", "file") if allow_file else ("http", "https")
    usable = [e for e in enclosures if e.get("url") and _scheme(e["url"]) in allowed]
    for enclosure in usable:
        if str(enclosure.get("mime_type", "")).startswith(("audio/", "video/")):
            return str(enclosure["url"])
    return str(usable[0]["url"]) if usable else None


def _web_link(raw: Any, base: str) -> str | None:
    """``raw`` resolved against the feed's URL, when that gives an http(s) URL; else None."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        url = urljoin(base, raw.strip())
    except ValueError:
        return None
    return url if _scheme(url) in ("http", "https") else None


def _transcripts(found: list[dict[str, str]], base: str) -> tuple[TranscriptRef, ...]:
    refs = []
    for attrs in found[:_MAX_TRANSCRIPTS]:
        url = _web_link(attrs.get("url"), base)
        if url is None:
            continue
        refs.append(
            TranscriptRef(
                url=url,
                type=(attrs.get("type") or "").strip().lower(),
                language=(attrs.get("language") or "").strip() or None,
                rel=(attrs.get("rel") or "").strip() or None,
            )
        )
    return tuple(refs)


_MAX_TRANSCRIPTS = 32


def _published(timestamp: Any) -> datetime | None:
    if not timestamp:
        return None
    try:
        return datetime.fromtimestamp(int(timestamp), UTC)
    except (OverflowError, OSError, ValueError):
        return None


_SOURCE = operator.attrgetter("source")
_SHOWNOTES_ONLY = {ChapterSource.SHOWNOTES}


def _episode(
    entry: dict[str, Any], allow_file: bool, shownotes: bool, base: str
) -> tuple[Episode, str | None, dict[str, tuple[Chapter, ...]]]:
    title_number, title = split_number(str(entry.get("title", "")))
    number = entry.get("number") if isinstance(entry.get("number"), int) else title_number
    if number is not None and title_number not in (None, number):
        title = str(entry.get("title", "")).strip()  # "3: ..." in episode 12 is not a prefix
    duration_ms: int | None = entry.get("_duration_ms")
    description = str(entry.get("description_html") or entry.get("description") or "")
    sources: dict[str, tuple[Chapter, ...]] = {}
    psc = chapters_from_attributes(entry.get("_psc", ()))
    if psc:
        sources[ChapterSource.PSC] = psc
    notes_chapters, links = (
        _shownotes(description, duration_ms) if description and shownotes else ((), ())
    )
    if notes_chapters:
        # One C-level pass over the sources (the engine's chapters all say "shownotes").
        if set(map(_SOURCE, notes_chapters)) != _SHOWNOTES_ONLY:
            notes_chapters = with_source(notes_chapters, ChapterSource.SHOWNOTES)
        sources[ChapterSource.SHOWNOTES] = notes_chapters
    chapters = psc or sources.get(ChapterSource.SHOWNOTES, ())
    json_url = _web_link(entry.get("chapters_json_url"), base)
    episode = Episode(
        guid=str(entry["guid"]),
        number=number,
        title=title,
        published=_published(entry.get("published")),
        duration_ms=duration_ms,
        audio_url=_audio_url(entry.get("enclosures", []), allow_file),
        description=description.strip(),
        chapters=chapters,
        links=links,
        chapters_url=json_url,
        transcripts=_transcripts(entry.get("_transcripts", ()), base),
    )
    return episode, json_url, sources


def read_feed(stream: BinaryIO | bytes, url: str, *, shownotes: bool = True) -> FeedInfo:
    """Parse an RSS 2.0 or Atom podcast feed; never fetches anything.

    ``url`` is where the feed came from: relative links resolve against it, and it names the
    podcast when the feed has no title. Enclosures are kept only for http(s) (and file: when the
    feed itself is a local file). Durations and chapter starts are int ms; ``published`` is an
    aware UTC datetime. ``shownotes=False`` skips the show-notes engine (no show-notes chapters
    or links; about three times faster on large feeds, for listing episodes before they are
    opened). Raises FeedError (message for a listener) when the bytes are not a
    feed, are not well-formed XML, or declare entities.
    """
    reader = _FeedReader(url)
    parser = _expat(reader)
    try:
        if isinstance(stream, bytes | bytearray | memoryview):
            parser.Parse(bytes(stream), True)
        else:
            parser.ParseFile(stream)
    except expat.ExpatError as exc:
        raise FeedError(
            f"This is not a podcast feed: {expat.errors.messages[exc.code]} "
            f"(line {exc.lineno}, column {exc.offset})"
        ) from None
    except LookupError as exc:
        raise FeedError(
            f"This is not a podcast feed podplayer can read: it declares an unknown encoding "
            f"({exc})"
        ) from None
    except (ValueError, OSError) as exc:
        log.info("The feed %s could not be read: %r", url, exc)
        raise FeedError(f"This is not a podcast feed: {exc}") from None
    data: dict[str, Any] = reader.data
    allow_file = urlsplit(url).scheme in ("file", "")
    episodes: list[Episode] = []
    urls: dict[str, str] = {}
    sources: dict[str, Mapping[str, tuple[Chapter, ...]]] = {}
    for entry in data.get("episodes", []):
        episode, json_url, found = _episode(entry, allow_file, shownotes, url)
        episodes.append(episode)
        if json_url:
            urls[episode.guid] = json_url
        if found:
            sources[episode.guid] = found
    podcast = Podcast(
        url=url,
        title=str(data.get("title") or ""),
        description=str(data.get("description") or ""),
        image=data.get("cover_url") or None,
        episodes=tuple(episodes),
    )
    return FeedInfo(podcast=podcast, chapter_urls=urls, chapter_sources=sources)


def parse_feed(stream: BinaryIO | bytes, url: str, *, shownotes: bool = True) -> Podcast:
    """The :class:`Podcast` of a feed (see :func:`read_feed`). Raises FeedError."""
    return read_feed(stream, url, shownotes=shownotes).podcast


def chapter_urls(stream: BinaryIO | bytes, url: str) -> dict[str, str]:
    """``{episode guid: podcast:chapters JSON URL}`` of a feed. Raises FeedError.

    Parses the whole feed; when the Podcast is needed too, call :func:`read_feed` once.
    """
    return dict(read_feed(stream, url).chapter_urls)


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed a web page names (``<link rel="alternate">``): absolute ``url``, ``title`` as the
    page gives it (may be empty), ``type`` (``application/rss+xml``, ``application/atom+xml``)."""

    url: str
    title: str
    type: str


_FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/x-rss+xml", "application/feed+xml"}
)
_MAX_PAGE_BYTES = 2 * 1024 * 1024
_MAX_FEED_LINKS = 20


class _FeedLinkFinder(HTMLParser):
    """Collects ``<link rel="alternate" type="...rss/atom...">``; stops at ``<body>``."""

    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.found: list[FeedLink] = []
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.done = True
        if tag != "link" or self.done or len(self.found) >= _MAX_FEED_LINKS:
            return
        values = {k.lower(): (v or "").strip() for k, v in attrs}
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" not in values.get("rel", "").lower().split() or kind not in _FEED_TYPES:
            return
        url = _web_link(values.get("href"), self.base)
        if url is not None and all(link.url != url for link in self.found):
            self.found.append(FeedLink(url, values.get("title", ""), kind))


def discover_feeds(page: bytes, url: str) -> tuple[FeedLink, ...]:
    """The RSS/Atom feeds a web page names in its head, in page order, each URL once.

    ``url`` is the page's address (relative links resolve against it). Only the first 2 MB
    are read and at most 20 feeds kept; anything but http(s) feed URLs is ignored. Never
    raises for bad HTML (it finds nothing).

    >>> page = b'<link rel="alternate" type="application/rss+xml" title="MP3" href="/mp3.xml">'
    >>> discover_feeds(page, "https://example.org/show/")
    (FeedLink(url='https://example.org/mp3.xml', title='MP3', type='application/rss+xml'),)
    """
    finder = _FeedLinkFinder(url)
    text = page[:_MAX_PAGE_BYTES].decode("utf-8", errors="replace")
    # Fed in pieces so that the finder stops reading once the head is over.
    for start in range(0, len(text), 65536):
        finder.feed(text[start : start + 65536])
        if finder.done:
            break
    return tuple(finder.found)
