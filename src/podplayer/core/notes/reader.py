"""Show notes -> readable text, the chapter list and the links (the engine's one entry point)."""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from podplayer.core.errors import ParseError
from podplayer.core.model import Chapter, Link, shownotes_chapters
from podplayer.core.notes import chapters, links, markup, times

__all__ = ["ShowNotes", "find_chapters", "find_links", "parse_shownotes"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ShowNotes:
    """What the notes say: readable text, the chapter list and the links.

    ``chapters`` are sorted by start (int ms), ``end_ms`` None, source ``"shownotes"``;
    ``links`` are http(s) links in order of first appearance, one per URL.
    """

    text: str
    chapters: tuple[Chapter, ...] = ()
    links: tuple[Link, ...] = ()


def _jump_ms(span: markup.Span) -> int | None:
    """The place a link points at in this episode (``#t=`` or a URL with ``t=``), or None."""
    href = span.href
    if not (href.startswith("#") or href.lower().startswith(("http://", "https://"))):
        return None
    return times.fragment_ms(href)


def _span_tokens(text: str, spans: Sequence[markup.Span]) -> dict[int, tuple[int, str]]:
    """Jump links whose own text is their title (not a time the scan finds): start -> (ms,
    title).

    Web links are jumps only when two or more point into the same media: a link to a place in
    another video ("[Video title](https://youtu.be/x?t=380)") is a link.
    """
    tokens = {}
    media: dict[str, list[int]] = {}
    for span in spans:
        ms = _jump_ms(span)
        own = text[span.start : span.end]
        if ms is not None and not times.find_times(own):
            tokens[span.start] = (ms, own)
            if not span.href.startswith("#"):
                media.setdefault(_T_PARAMETER.sub("", span.href), []).append(span.start)
    for starts in media.values():
        if len(starts) == 1:
            del tokens[starts[0]]
    return tokens


_T_PARAMETER = re.compile(r"[?&#]t=[^&#]*")


def _in_link_titles(
    text: str, found: list[times.TimeSpan], spans: Sequence[markup.Span]
) -> list[times.TimeSpan]:
    """The times that are not words of a web link's title ("[Red race in 1:54:28](url)")."""
    titles = [
        (s.start, s.end)
        for s in spans
        if _jump_ms(s) is None and s.href.lower().startswith(("http://", "https://"))
    ]
    if not titles:
        return found
    starts = [start for start, _ in titles]
    kept = []
    for time in found:
        where = bisect.bisect_right(starts, time.start) - 1
        inside = where >= 0 and time.end <= titles[where][1]
        if (
            not inside
            or text[titles[where][0] : titles[where][1]].strip() == text[time.start : time.end]
        ):
            kept.append(time)
    return kept


def _tokens(
    text: str, found: list[times.TimeSpan], spans: Sequence[markup.Span], duration_ms: int | None
) -> tuple[list[times.TimeSpan], dict[int, str]]:
    """The times that may start chapters, and the titles of those that are jump links."""
    tokens = _in_link_titles(text, found, spans) if spans else found
    jumps = _span_tokens(text, spans) if spans else {}
    if jumps:
        extra = [times.TimeSpan(start, start, ms) for start, (ms, _) in jumps.items()]
        tokens = sorted(tokens + extra)
    if duration_ms is not None:
        tokens = [token for token in tokens if token.ms < duration_ms]
    return tokens, {start: title for start, (_, title) in jumps.items()}


def _jump_links(spans: Sequence[markup.Span], chosen: Sequence[chapters.Candidate]) -> set[int]:
    """The links that are chapters: ``#t=`` anchors, and ``t=`` URLs the chapter list took."""
    starts = {cand.token for cand in chosen}
    return {
        index
        for index, span in enumerate(spans)
        if span.href.startswith("#") or (span.start in starts and _jump_ms(span) is not None)
    }


def _links(found: list[links.FoundLink], chosen: Sequence[chapters.Candidate]) -> tuple[Link, ...]:
    """One Link per URL (its first place, its best label), with the chapter it appears in."""
    entries = sorted(cand.entry for cand in chosen)
    entry_index: dict[int, int] = {}
    for index, cand in enumerate(chosen):
        entry_index.setdefault(cand.entry, index)
    result: list[Link] = []
    seen: dict[str, int] = {}
    for pos, label, url in found:
        if url in seen:
            earlier = result[seen[url]]
            if earlier.label == url and label != url:
                result[seen[url]] = Link(label, url, earlier.chapter_index)
            continue
        where = bisect.bisect_right(entries, pos) - 1
        seen[url] = len(result)
        result.append(_link(label, url, entry_index[entries[where]] if where >= 0 else None))
    return tuple(result)


# A footer's links recur in every episode of a feed or page: one frozen Link is shared
# (measured: a tenth of bench_pages' parse).
_link = functools.lru_cache(maxsize=4096)(Link)


@functools.lru_cache(maxsize=1024)
def _parse(notes: str, duration_ms: int | None) -> ShowNotes:
    if not notes or not notes.strip():
        return ShowNotes("")
    marked = markup.read_markup(notes)
    text = marked.text
    found, urls = times.scan(text)
    tokens, titles = _tokens(text, found, marked.spans, duration_ms)
    chosen: list[chapters.Candidate] = []
    if tokens:
        candidates, lines = chapters.line_entries(text, tokens, urls, titles)
        chosen = chapters.choose_chapters(text, lines, candidates)
    chapter_list = shownotes_chapters([c.ms for c in chosen], [c.title for c in chosen])
    if not urls and not marked.spans:
        return ShowNotes(text, chapter_list)
    jumps = _jump_links(marked.spans, chosen)
    labels = links.find_link_labels(text, urls, marked.spans, jumps)
    return ShowNotes(text, chapter_list, _links(labels, chosen))


def parse_shownotes(notes: str, *, duration_ms: int | None = None) -> ShowNotes:
    """Readable text, chapters and links from show notes in plain text, Markdown or HTML.

    ``duration_ms`` (int milliseconds, optional) drops times at or past the end of the episode.
    Chapter starts are int milliseconds. Empty notes give an empty result. Raises only
    :class:`~podplayer.core.errors.ParseError`, and only for an internal fault.
    """
    try:
        return _parse(notes, duration_ms)
    except Exception as exc:  # the contract: nothing but PodplayerError leaves core
        logger.exception("could not read show notes")
        raise ParseError(f"the show notes could not be read ({type(exc).__name__})") from exc


def find_chapters(notes: str, *, duration_ms: int | None = None) -> tuple[Chapter, ...]:
    """The chapter list in ``notes`` (start in int ms, sorted), or ``()``. See parse_shownotes."""
    return parse_shownotes(notes, duration_ms=duration_ms).chapters


def find_links(notes: str) -> tuple[Link, ...]:
    """The http(s) links in ``notes`` with their labels. See parse_shownotes."""
    return parse_shownotes(notes).links
