"""RSS 2.0 and Atom podcast feeds -> :class:`~podplayer.core.model.Podcast`.

podcastparser (a SAX table of element paths) does the reading; this module drives it with
defusedxml's expat reader, so a feed can neither pull external entities nor declare entity
bombs, and turns its dicts into our frozen model. Each thread has its own copy of the table
because podcastparser's targets keep per-element state on their instances, which would race when
two worker threads parse feeds at once.

Besides the model, :func:`read_feed` gives per-episode extras the model has no room for: the
``podcast:chapters`` JSON URL (fetched by the caller) and each chapter source found in the feed,
so a window can offer a switch between them.
"""

from __future__ import annotations

import calendar
import copy
import functools
import io
import logging
import operator
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, BinaryIO, ClassVar
from urllib.parse import urljoin, urlparse, urlsplit
from xml.sax import SAXException
from xml.sax.handler import feature_external_ges, feature_external_pes

import podcastparser
from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

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
from podplayer.core.shownotes import parse_shownotes

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

_PODCAST_NS_EXTRA = {
    # The namespace URI the Podcast Index publishes today; podcastparser knows only the old one.
    "https://podcastindex.org/namespace/1.0": "podcast",
    "http://podcastindex.org/namespace/1.0": "podcast",
}


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


class _Namespace(podcastparser.Namespace):  # type: ignore[misc]
    NAMESPACES: ClassVar[dict[str, str]] = {
        **podcastparser.Namespace.NAMESPACES,
        **_PODCAST_NS_EXTRA,
    }

    def __init__(self, attrs: Mapping[str, str], parent: _Namespace | None = None) -> None:
        super().__init__(attrs, parent)
        # Mapped names by raw name: a scope's mapping never changes once it is declared.
        self.mapped: dict[str, str] = {}

    def map(self, name: str) -> str:
        """podcastparser's mapping, minus its warning per element for undeclared prefixes,
        which many real feeds have (``itunes:`` without ``xmlns:itunes``)."""
        prefix, sep, local = name.rpartition(":")
        uri = self.lookup(prefix)
        if uri is None:
            return name
        known = self.NAMESPACES.get(uri)
        if known is None:
            return f"!{prefix}:{local}" if sep else local
        return f"{known}:{local}"


class _PscChapter(podcastparser.Target):  # type: ignore[misc]
    """Keeps the raw attributes; :mod:`.chapters.psc` reads them with their milliseconds."""

    def start(self, handler: _Handler, attrs: Mapping[str, str]) -> None:
        handler.episodes[-1].setdefault("_psc", []).append(dict(attrs))


class _Transcript(podcastparser.Target):  # type: ignore[misc]
    """Every ``podcast:transcript`` of an item, its attributes as written."""

    def start(self, handler: _Handler, attrs: Mapping[str, str]) -> None:
        handler.episodes[-1].setdefault("_transcripts", []).append(dict(attrs))


class _Duration(podcastparser.Target):  # type: ignore[misc]
    WANT_TEXT = True

    def end(self, handler: _Handler, text: str) -> None:
        handler.episodes[-1]["_duration_ms"] = _duration_ms(text)


class _ItemLink(podcastparser.EpisodeAttrRelativeLink):  # type: ignore[misc]
    """``<link rel="enclosure" href=...>`` in an RSS item, as the Podlove spec example writes."""

    def start(self, handler: _Handler, attrs: Mapping[str, str]) -> None:
        if attrs.get("rel") == "enclosure" and attrs.get("href"):
            podcastparser.AtomLink().start(handler, attrs)


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


class _Enclosure(podcastparser.Enclosure):  # type: ignore[misc]
    """podcastparser's enclosure, minus the URL parses a plain absolute URL does not need."""

    def start(self, handler: _Handler, attrs: Mapping[str, str]) -> None:
        url = attrs.get("url")
        if url is not None and _PLAIN_URL.fullmatch(url) and _base_parses(handler.base):
            handler.add_enclosure(
                url,
                podcastparser.parse_length(attrs.get(self.file_size_attribute)),
                podcastparser.parse_type(attrs.get("type")),
            )
        else:
            super().start(handler, attrs)


def _duration_ms(text: str) -> int | None:
    """itunes:duration in ms: "1:02:03", "3723", "3723.5"; unreadable or zero -> None."""
    try:
        ms = parse_npt(text)
    except TimecodeError:
        ms = int(podcastparser.parse_time(text)) * 1000
    return ms or None


_PER_THREAD = threading.local()


def _thread_mapping() -> dict[str, Any]:
    """This thread's copy of the tag table.

    Some of podcastparser's targets keep per-element state on the instance (AtomContent's MIME
    type), so threads must not share one; a fresh copy per parse, though, left ~1,300 objects in
    reference cycles that only full (slow, GIL-holding) collections free. One per thread.
    """
    mapping: dict[str, Any] | None = getattr(_PER_THREAD, "mapping", None)
    if mapping is None:
        mapping = _PER_THREAD.mapping = _build_mapping()
    return mapping


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
_SQUASHERS: dict[Any, Any] = {
    podcastparser.squash_whitespace: _squash_whitespace,
    podcastparser.squash_whitespace_not_nl: _squash_whitespace_not_nl,
}


class _ItemDescription(podcastparser.RSSItemDescription):  # type: ignore[misc]
    """podcastparser's item description, squashing white space with the shortcut above."""

    def end(self, handler: _Handler, text: str) -> None:
        if podcastparser.is_html(text):
            if not handler.get_episode_attr("description_html"):
                handler.set_episode_attr("description_html", text.strip())
        elif not handler.get_episode_attr("description"):
            handler.set_episode_attr("description", _squash_whitespace_not_nl(text))


def _build_mapping() -> dict[str, Any]:
    mapping: dict[str, Any] = copy.deepcopy(podcastparser.MAPPING)
    for path, target in mapping.items():
        if type(target) is podcastparser.Enclosure:
            mapping[path] = _Enclosure(target.file_size_attribute)
        elif getattr(target, "filter_func", None) is podcastparser.parse_pubdate:
            target.filter_func = _pubdate
        elif getattr(target, "filter_func", None) in _SQUASHERS:
            target.filter_func = _SQUASHERS[target.filter_func]
        elif type(target) is podcastparser.RSSItemDescription:
            mapping[path] = _ItemDescription()
    for root in ("rss/channel/item", "atom:feed/atom:entry"):
        mapping[f"{root}/psc:chapters/psc:chapter"] = _PscChapter()
        mapping[f"{root}/itunes:duration"] = _Duration()
        mapping[f"{root}/podcast:chapters"] = podcastparser.EpisodeAttrFromUrl("chapters_json_url")
        mapping[f"{root}/podcast:transcript"] = _Transcript()
    mapping["rss/channel/item/link"] = _ItemLink("link")
    mapping["atom:feed/atom:entry/atom:summary"] = podcastparser.EpisodeAttr(
        "description", podcastparser.squash_whitespace_not_nl, overwrite=False
    )
    return mapping


@functools.cache
def _roots() -> frozenset[str]:
    return frozenset(path.split("/")[0] for path in _thread_mapping())


class _Handler(podcastparser.PodcastHandler):  # type: ignore[misc]
    text: list[str] | None

    def __init__(self, url: str) -> None:
        super().__init__(url, 0)
        self.mapping = _thread_mapping()
        self.roots = _roots()
        # Per open element: its path, its namespace scope and its target. An element that
        # declares no namespace shares its parent's scope (and the scope's mapped names), and
        # the end of an element reuses what its start looked up.
        self.open: list[tuple[str, _Namespace, Any]] = []

    # podcastparser's two methods, reading our mapping and namespaces.
    def startElement(self, name: str, attrs: Mapping[str, str]) -> None:  # noqa: N802
        stack = self.open
        if not stack:
            scope = _Namespace(attrs)
        # A declaration is an attribute whose name starts with "xmlns"; names hold no spaces, so
        # one substring search over the joined names finds it without a call per attribute.
        elif attrs and " xmlns" in " " + " ".join(attrs.keys()):
            scope = _Namespace(attrs, stack[-1][1])
        else:
            scope = stack[-1][1]
        mapped = scope.mapped.get(name)
        if mapped is None:
            mapped = scope.mapped[name] = scope.map(name)
        if stack:
            path = f"{stack[-1][0]}/{mapped}"
        elif mapped in self.roots:
            path = mapped
        else:
            raise podcastparser.FeedParseError(
                msg=f"its root element is <{mapped}>, not <rss> or <feed>",
                exception=None,
                locator=self._locator,
            )
        target = self.mapping.get(path)
        stack.append((path, scope, target))
        if target is not None:
            target.start(self, attrs)
            if target.WANT_TEXT:
                self.text = []

    def endElement(self, name: str) -> None:  # noqa: N802
        target = self.open.pop()[2]
        if target is not None:
            content = "".join(self.text) if self.text is not None else ""
            target.end(self, content)
            self.text = None


class _Reader(DefusedExpatParser):  # type: ignore[misc]
    """defusedxml's expat reader (its entity and DTD guards kept) with elements handed over
    directly: the handler reads attributes with get() and keys() only, which expat's own dict
    has, so no SAX attributes object and no wrapper call per element."""

    def reset(self) -> None:
        super().reset()
        parser = self._parser
        parser.StartElementHandler = self._cont_handler.startElement
        parser.EndElementHandler = self._cont_handler.endElement
        # One call per run of text instead of one per line and per entity; the handler joins
        # the pieces of an element's text anyway.
        parser.buffer_text = True


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
    if isinstance(stream, bytes | bytearray | memoryview):
        stream = io.BytesIO(bytes(stream))
    handler = _Handler(url)
    # Entity declarations are refused outright; an external DTD (old RSS 0.91 feeds name
    # Netscape's) is tolerated but never fetched, as external general entities stay off.
    parser = _Reader(forbid_dtd=False, forbid_entities=True, forbid_external=False)
    parser.setFeature(feature_external_ges, False)
    parser.setFeature(feature_external_pes, False)
    parser.setContentHandler(handler)
    try:
        parser.parse(stream)
    except DefusedXmlException as exc:
        raise FeedError(
            f"This feed declares XML entities, which podplayer refuses to read ({exc})"
        ) from None
    except SAXException as exc:
        raise FeedError(f"This is not a podcast feed: {exc.getMessage()}") from None
    except (ValueError, LookupError, TypeError, AttributeError, RecursionError) as exc:
        log.warning("podcastparser failed on %s", url, exc_info=True)
        raise FeedError(f"This is not a podcast feed: {exc}") from None
    data: dict[str, Any] = handler.data
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
