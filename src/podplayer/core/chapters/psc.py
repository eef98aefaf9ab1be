"""Podlove Simple Chapters (``http://podlove.org/simple-chapters``, any prefix, with or without
the trailing slash): ``<psc:chapter start="00:01:02.500" title="..." href="..." image="..."/>``.

Start times are Normal Play Time (RFC 2326 3.6) and keep their milliseconds.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
from collections.abc import Iterable, Mapping
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as _EtreeParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from podplayer.core.chapters.limits import MAX_CHAPTERS, check_chapter_count
from podplayer.core.errors import ParseError, TimecodeError
from podplayer.core.model import Chapter, ChapterSource

log = logging.getLogger(__name__)

NAMESPACES = ("http://podlove.org/simple-chapters", "http://podlove.org/simple-chapters/")
_CHAPTER_TAGS = frozenset(f"{{{ns}}}chapter" for ns in NAMESPACES)

# NPT: [[h:]m:]s[.frac]; unlike show notes, minutes and seconds may have one digit ("1:2" is 62 s).
_NPT = re.compile(r"^\s*(?:(?:(\d{1,4}):)?(\d{1,4}):)?(\d{1,6})(?:\.(\d{1,9}))?\s*$", re.ASCII)
#: A Podlove document is a few levels deep (feed, channel, item, chapters, chapter).
MAX_DEPTH = 64
MAX_BYTES = 16 * 1024 * 1024


def parse_npt(text: str) -> int:
    """Milliseconds from a Normal Play Time such as ``01:35:52``, ``7:48``, ``35:12.250``, ``37``.

    Raises TimecodeError when the text is not one.

    >>> parse_npt("05:12:03.500"), parse_npt("1:2"), parse_npt("12:34.5"), parse_npt("37")
    (18723500, 62000, 754500, 37000)
    """
    match = _NPT.match(text)
    if match is None:
        raise TimecodeError(f"“{text.strip()[:40]}” is not a chapter time such as 01:02:03.500")
    hours, minutes, secs, frac = match.groups()
    millis = int(frac[:3].ljust(3, "0")) if frac else 0
    return ((int(hours or 0) * 60 + int(minutes or 0)) * 60 + int(secs)) * 1000 + millis


def chapters_from_attributes(items: Iterable[Mapping[str, str]]) -> tuple[Chapter, ...]:
    """Chapters from the attribute maps of ``psc:chapter`` elements, sorted by start.

    Elements without a readable ``start`` are skipped (logged); a missing title becomes "".
    More than :data:`~podplayer.core.chapters.limits.MAX_CHAPTERS` elements are no chapter
    list: none is kept (logged), so one absurd episode does not cost its whole feed.
    """
    wanted = list(itertools.islice(items, MAX_CHAPTERS + 1))
    if len(wanted) > MAX_CHAPTERS:
        log.warning("Podlove chapters skipped: more than %d in one list", MAX_CHAPTERS)
        return ()
    chapters: list[Chapter] = []
    for attrs in wanted:
        start = attrs.get("start")
        if start is None:
            log.info("Podlove chapter without a start time skipped")
            continue
        try:
            start_ms = parse_npt(start)
        except TimecodeError:
            log.info("Podlove chapter with an unreadable start %r skipped", start[:40])
            continue
        chapters.append(
            Chapter(
                start_ms=start_ms,
                title=(attrs.get("title") or "").strip(),
                url=(attrs.get("href") or "").strip() or None,
                image=(attrs.get("image") or "").strip() or None,
                source=ChapterSource.PSC,
            )
        )
    # Stable sort: equal starts keep document order.
    chapters.sort(key=lambda c: c.start_ms)
    return tuple(chapters)


def parse_psc(xml: bytes | str) -> tuple[Chapter, ...]:
    """Chapters from an XML document holding ``psc:chapter`` elements (anywhere in it).

    Takes a standalone ``<psc:chapters>`` document or a whole feed (then every episode's chapters
    are returned together; use :func:`podplayer.core.feeds.parse_feed` for per-episode lists).
    Raises ParseError when the XML is malformed, uses forbidden entities, is larger than
    :data:`MAX_BYTES`, nests deeper than :data:`MAX_DEPTH` or holds more chapters than
    :data:`~podplayer.core.chapters.limits.MAX_CHAPTERS`.
    """
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    if len(data) > MAX_BYTES:
        raise ParseError("These Podlove chapters are too large to be a chapter list")
    found: list[dict[str, str]] = []
    open_elements: list[Element] = []
    events = iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        forbid_dtd=False,
        forbid_entities=True,
        forbid_external=True,
    )
    try:
        for event, element in events:
            if event == "end":
                open_elements.pop()
                if open_elements:
                    # Read elements leave the tree: memory stays flat however long the document.
                    del open_elements[-1][:]
                continue
            open_elements.append(element)
            if len(open_elements) > MAX_DEPTH:
                raise ParseError(f"These Podlove chapters nest deeper than {MAX_DEPTH} levels")
            if element.tag in _CHAPTER_TAGS:
                found.append(dict(element.attrib))
                check_chapter_count(len(found), "This Podlove document")
    except (_EtreeParseError, DefusedXmlException, ValueError) as exc:
        raise ParseError(f"These Podlove chapters are not readable XML: {exc}") from None
    except LookupError as exc:  # the XML declares an encoding Python does not know
        raise ParseError(f"These Podlove chapters are in an unknown text encoding: {exc}") from None
    return chapters_from_attributes(found)
