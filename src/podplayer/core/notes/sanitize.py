"""Show notes as HTML that is safe to display, with seek links; built on the nh3 sanitiser.

nh3 (the Ammonia sanitiser) parses the notes as a browser would and writes back only allowed
tags and attributes; the content of scripts, styles, frames and embedded objects is dropped.
Links keep their target only for ``http``, ``https`` and ``mailto`` with a host; a ``#t=`` link
becomes a seek link; any other link is shown as its text. Images are removed unless the listener
allowed remote images for the podcast, and then only ``http(s)`` sources are kept. Then every
time in the visible text that :mod:`podplayer.core.notes.times` accepts becomes a seek link
(``John 3:16`` and ``10:30 am`` do not), and bare web addresses become links.

Pure Python over a compiled sanitiser: no Qt, no network; linear in the size of the notes.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlsplit

import nh3

from podplayer.core.notes import times
from podplayer.core.notes.markup import looks_like_html

__all__ = [
    "LINK_SCHEMES",
    "SEEK_SCHEME",
    "SanitizedNotes",
    "sanitize_notes",
    "seek_links",
    "seek_target",
    "seek_url",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: The scheme of seek links: ``podplayer-seek:MS`` with the position in int milliseconds.
SEEK_SCHEME: Final = "podplayer-seek"
LINK_SCHEMES: Final = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES: Final = frozenset({"http", "https"})
#: Characters of notes that are sanitised; the rest is left out.
MAX_NOTES: Final = 2_000_000
#: Seek links made in one text.
MAX_SEEK_LINKS: Final = 5_000
# Deeper nesting than any real notes use only slows the text layout down.
_MAX_DEPTH: Final = 64
_MAX_ATTR: Final = 4096

_TAGS: Final = _words(
    """p br b strong i em u s strike del ins sub sup small big code pre tt kbd samp var
    blockquote q cite ul ol li dl dt dd h1 h2 h3 h4 h5 h6 hr span div table thead tbody tfoot
    tr td th caption mark a abbr img section article header footer nav main aside figure
    figcaption details summary address center"""
)
_ATTRIBUTES: Final = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "img": {"src", "alt", "title", "width", "height"},
}
# Whose content is never shown: code, styling, frames, embedded objects, form controls' data.
_DROP_CONTENT: Final = _words(
    """script style iframe frame frameset object embed applet template noscript svg math head
    title textarea select option audio video canvas xml noembed noframes"""
)
# nh3 drops a URL of any other scheme before the attribute filter sees it; these reach the
# filter, which keeps only http(s) and mailto, so that a refused image is still counted.
_SCHEMES_SEEN: Final = LINK_SCHEMES | _words("file data ftp javascript vbscript blob about")
_NUMERIC_ATTRS: Final = frozenset({"width", "height", "colspan", "rowspan", "start"})
_VOID: Final = frozenset({"br", "hr", "img"})
_BLOCKS: Final = _words(
    """p br div li tr td th dt dd h1 h2 h3 h4 h5 h6 blockquote pre ul ol dl table hr section
    article header footer nav main aside figure figcaption details summary address center
    caption"""
)
# nh3 writes well-formed HTML with escaped attribute values: a tag is "<", a name, ">".
_TAG_OR_TEXT = re.compile(r"<(/?)([a-z0-9]+)([^>]*)>|[^<]+")
_IMG_WITHOUT_SRC = re.compile(r'<img(?![^>]* src=")[^>]*>')
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class SanitizedNotes:
    """The safe HTML and what was left out.

    ``images_blocked``: images removed because remote images are not allowed (a window offers
    to allow them); ``seek_links``: how many seek links were made.
    """

    html: str
    images_blocked: int = 0
    seek_links: int = 0


def seek_url(position_ms: int) -> str:
    """The href of a link that seeks to ``position_ms`` (int ms).

    >>> seek_url(754_000)
    'podplayer-seek:754000'
    """
    return f"{SEEK_SCHEME}:{max(0, int(position_ms))}"


def seek_target(url: str) -> int | None:
    """The position (int ms) a seek link points at, or None for any other URL.

    >>> seek_target("podplayer-seek:754000"), seek_target("podplayer-seek:²")
    (754000, None)
    """
    prefix = SEEK_SCHEME + ":"
    if not url.startswith(prefix):
        return None
    digits = url[len(prefix) :]
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 11:
        return None
    return int(digits)


@dataclass(slots=True)
class _Counts:
    allow_images: bool
    duration_ms: int | None
    images_blocked: int = 0
    seek_links: int = 0
    ok: dict[str, str] = field(default_factory=dict)

    def seekable(self, ms: int | None) -> bool:
        if ms is None or self.seek_links >= MAX_SEEK_LINKS:
            return False
        return self.duration_ms is None or ms < self.duration_ms


def _clean_url(raw: str) -> str:
    # Browsers ignore white space and control characters inside a scheme ("java\tscript:").
    return _CONTROL.sub("", raw).strip().replace("\t", "").replace("\n", "")[:_MAX_ATTR]


def _web_url(url: str, schemes: frozenset[str]) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    return scheme in schemes and (scheme == "mailto" or bool(parts.hostname))


def _href(counts: _Counts, value: str) -> str | None:
    href = _clean_url(value)
    if href.startswith("#"):
        ms = times.fragment_ms(href)
        if not counts.seekable(ms):
            return None
        counts.seek_links += 1
        return seek_url(ms or 0)
    return href if _web_url(href, LINK_SCHEMES) else None


def _src(counts: _Counts, value: str) -> str | None:
    if not counts.allow_images:
        counts.images_blocked += 1
        return None
    src = _clean_url(value)
    return src if _web_url(src, IMAGE_SCHEMES) else None


def _attribute_filter(counts: _Counts) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, name: str, value: str) -> str | None:
        if name == "href":
            return _href(counts, value)
        if name == "src":
            return _src(counts, value) if tag == "img" and value.strip() else None
        if name in _NUMERIC_ATTRS:
            value = value.strip()
            return value if value.isascii() and value.isdigit() and len(value) <= 4 else None
        return value[:_MAX_ATTR]

    return keep


def _plain_to_html(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    paragraphs = _BLANK_LINES.split(text)
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


class _Linker:
    """Times and bare web addresses in the visible text, outside links, become links."""

    def __init__(self, counts: _Counts) -> None:
        self.counts = counts
        self.out: list[str] = []
        self.depth: list[bool] = []  # per open element: was it written (not over the cap)?
        self.in_link = 0
        self.segments: list[tuple[int, int, str]] = []  # (out index, visible start, text)
        self.visible: list[str] = []
        self.length = 0

    def tag(self, closing: bool, name: str, raw: str) -> None:
        if name in _BLOCKS:
            self._visible("\n")
        if name == "a":
            self.in_link += -1 if closing else 1
        if name in _VOID:
            self.out.append(raw)
        elif closing:
            if self.depth and self.depth.pop():
                self.out.append(raw)
        else:
            written = len(self.depth) < _MAX_DEPTH
            self.depth.append(written)
            if written:
                self.out.append(raw)

    def _visible(self, text: str) -> None:
        self.visible.append(text)
        self.length += len(text)

    def text(self, raw: str) -> None:
        plain = html.unescape(raw)
        if not self.in_link:
            self.segments.append((len(self.out), self.length, plain))
        self.out.append(raw)
        self._visible(plain)

    def result(self) -> str:
        visible = "".join(self.visible)
        found, urls = times.scan(visible)
        marks = [(t.start, t.end, seek_url(t.ms)) for t in found if self.counts.seekable(t.ms)]
        marks = marks[: MAX_SEEK_LINKS - self.counts.seek_links]
        marks += [(u.start, u.end, visible[u.start : u.end]) for u in urls]
        marks.sort()
        for index, start, plain in self.segments:
            self.out[index] = self._linked(plain, start, marks)
        return "".join(self.out)

    def _linked(self, plain: str, start: int, marks: list[tuple[int, int, str]]) -> str:
        end = start + len(plain)
        first = bisect.bisect_left(marks, (start, -1, ""))
        parts: list[str] = []
        pos = 0
        for index in range(first, len(marks)):  # no slice: a copy per piece would be quadratic
            mark_start, mark_end, href = marks[index]
            if mark_start >= end:
                break
            if mark_end > end:
                continue  # runs past this piece of text (into a tag): left as text
            local_start, local_end = mark_start - start, mark_end - start
            if href.startswith(SEEK_SCHEME):
                self.counts.seek_links += 1
            parts.append(html.escape(plain[pos:local_start], quote=False))
            label = html.escape(plain[local_start:local_end], quote=False)
            parts.append(f'<a href="{html.escape(href)}">{label}</a>')
            pos = local_end
        parts.append(html.escape(plain[pos:], quote=False))
        return "".join(parts)


def _link_times(safe: str, counts: _Counts) -> str:
    linker = _Linker(counts)
    for match in _TAG_OR_TEXT.finditer(safe):
        if match[2] is None:
            linker.text(match[0])
        else:
            linker.tag(bool(match[1]), match[2], match[0])
    return linker.result()


def sanitize_notes(
    notes: str, *, allow_images: bool = False, duration_ms: int | None = None
) -> SanitizedNotes:
    """Safe HTML for ``notes`` (HTML or plain text), with seek links; see the module docstring.

    ``allow_images``: keep ``http(s)`` images (the listener allowed them for this podcast).
    ``duration_ms`` (int ms, optional): times at or past the end are not made seek links.
    Plain text keeps its paragraphs (``<p>``) and line breaks (``<br>``). Never raises.
    """
    notes = notes[:MAX_NOTES].replace("\x00", "")
    if not notes.strip():
        return SanitizedNotes("")
    source = notes if looks_like_html(notes) else _plain_to_html(notes)
    counts = _Counts(allow_images, duration_ms)
    safe = nh3.clean(
        source,
        tags=set(_TAGS),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        clean_content_tags=set(_DROP_CONTENT),
        url_schemes=set(_SCHEMES_SEEN),
        link_rel=None,
        attribute_filter=_attribute_filter(counts),
    )
    safe = _IMG_WITHOUT_SRC.sub("", safe)
    safe = _link_times(safe, counts)
    return SanitizedNotes(safe, counts.images_blocked, counts.seek_links)


def seek_links(sanitized_html: str) -> list[int]:
    """The positions (int ms) of the seek links in sanitised HTML, in order."""
    return [int(ms) for ms in re.findall(rf'href="{SEEK_SCHEME}:([0-9]{{1,11}})"', sanitized_html)]
