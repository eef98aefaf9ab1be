"""Link labels: the name the notes give each http(s) URL.

Layouts read, in order of trust: a link's own text (HTML ``<a>``, Markdown ``[label](url)``);
``Name (URL)``; the whole phrase before ``: URL``, ``- URL`` or ``Title <URL>`` on its line
(``Dr. Who vs. Mr. Robot: URL``; a heading such as ``Links:`` and a lead-in such as ``Thanks to``
are not part of it; ``Thanks to A: URL, B: URL`` gives ``A`` and ``B``). A URL with none of them
is its own label.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from typing import NamedTuple

from podplayer.core.notes.headings import CHAPTER_HEADINGS, LINK_HEADINGS
from podplayer.core.notes.markup import Span
from podplayer.core.notes.times import UrlSpan, trim_url

__all__ = ["FoundLink", "find_link_labels", "unquote"]

MAX_LABEL = 160
#: Links kept from one text.
MAX_LINKS = 2_000


class FoundLink(NamedTuple):
    """A link where it appears in the text, before links to the same URL are merged."""

    pos: int
    label: str
    url: str


# Built in C, as times.new_time is (a page makes one per URL).
_found = functools.partial(tuple.__new__, FoundLink)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Phrases that lead into a label without being part of it ("Thanks to Acme: URL").
_LEAD_INS = (
    r"(?:many\s+|big\s+)?thanks\s+(?:to|go\s+to)",
    r"(?:this\s+episode\s+is\s+)?(?:sponsored|supported|presented)\s+by",
    r"brought\s+to\s+you\s+by",
    r"(?:go\s+)?check\s+out",
    r"(?:please\s+)?visit",
    r"(?:vielen\s+)?dank\s+an",
    r"unterstützt\s+von",
    r"спасибо",
)
# Capitalised words that start a sentence rather than name a link: "And (https://...)".
_NOT_NAMES = _words(
    """and or but see the a an check visit at on in our we you i it this that here there also
    more via by for to with from follow find read watch listen join"""
)
# Words whose period does not end a sentence ("Dr. Who vs. Mr. Robot: URL").
_ABBREVIATIONS = _words(
    """dr mr mrs ms mx prof st jr sr vs v no nr vol ca co inc ltd corp dept univ approx etc
    e.g i.e bzw z.b u.a dipl ing hr fr mt ft ave gen col sgt capt lt cmdr"""
)
_NAME_JOINERS = frozenset({"&", "of", "de", "and", "the", "von", "van", "der"})
_QUOTES = (("“", "”"), ('"', '"'), ("‘", "’"), ("'", "'"), ("«", "»"), ("„", "“"), ("„", "”"))
_QUOTE_OPENERS = frozenset(left for left, _ in _QUOTES)
_LEAD_JUNK = " \t\n-–—|:~>»›•·*_#)]=→,;"
_LABEL_EDGES = " \t-–—|:•·*_"

_HEADING_START = re.compile(
    rf"^(?:{'|'.join(LINK_HEADINGS + CHAPTER_HEADINGS)})(?![\w-])\s*[:\-–—]?\s*", re.IGNORECASE
)
_LEAD_IN = re.compile(rf"^(?:{'|'.join(_LEAD_INS)})\s*:?\s+", re.IGNORECASE)
_NUMBER_BULLET = re.compile(r"^(?:\d{1,3}[.)]|[ivx]{1,4}\.)\s+", re.IGNORECASE)
_LEADING_TIME = re.compile(r"^[(\[]?\d{1,3}(?::[0-5]\d){1,2}(?:[.,]\d{1,3})?[)\]]?[\s\-–—|:]*")
_CONNECTOR = re.compile(r"^(?:and|or|plus|also)\s+(?=\S)", re.IGNORECASE)
# Emphasis in pairs: **strong**, __strong__, *em*, _em_ ("Regexp.Find*" keeps its star).
_EMPHASIS = re.compile(
    r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\3(?![\w*])"
)
_CODE = re.compile(r"`([^`\n]+)`")
_INITIALS = re.compile(r"^(?:\w\.)*\w$")
_LINE_SPACE = re.compile(r"[ \t\r\n]+")
_SENTENCE_END = re.compile(r"(?:[.!?]|[。！？])[\"”’)]?(?:\s+|(?<=[。！？]))")


def unquote(label: str) -> str:
    """``label`` without the quotes around it ("“A talk”" -> "A talk")."""
    label = label.strip()
    if label[:1] not in _QUOTE_OPENERS:
        return label
    for left, right in _QUOTES:
        if len(label) > 2 and label.startswith(left) and label.endswith(right):
            inner = label[1:-1]
            if left not in inner[:-1] or left == right:
                return inner.strip()
    return label


def is_abbreviation(word: str) -> bool:
    """Whether ``word`` (with or without its period) is one whose period ends no sentence."""
    word = word.rstrip(".").lstrip("(\"“'‘").lower()
    # "B.Y.O.B." and "U.S." are written with periods inside.
    return word in _ABBREVIATIONS or _INITIALS.match(word) is not None


def _ends_sentence(text: str, mark: int) -> bool:
    """Whether the period at ``text[mark]`` ends a sentence (not "Dr." nor "J.")."""
    if text[mark] != ".":
        return True
    word = text[:mark].rsplit(None, 1)[-1] if text[:mark].strip() else ""
    return not is_abbreviation(word)


def last_sentence_end(text: str) -> int:
    """Index just after the last line break or sentence end in ``text``.

    >>> text = "Great show. Dr. Who vs. Mr. Robot"
    >>> text[last_sentence_end(text):]
    'Dr. Who vs. Mr. Robot'
    """
    cut = text.rfind("\n") + 1
    for match in _SENTENCE_END.finditer(text, cut):
        if match.end() < len(text) and _ends_sentence(text, match.start()):
            cut = match.end()
    return cut


def _name_words(words: Sequence[str]) -> list[str] | str:
    """The words of a name ending ``words``, last first; a str when it is an @handle."""
    name: list[str] = []
    for word in reversed(words):
        if name and word[-1] in ",.;:!?)":
            break
        core = word.strip("“”\"'")
        if core.startswith("@") and not name:
            return core.rstrip(",.;:")
        if core[:1].isupper() or core[:1].isdigit() or (name and core in _NAME_JOINERS):
            name.append(core)
            continue
        break
    return name


@functools.lru_cache(maxsize=4096)
def name_before_paren(before: str) -> str:
    """The name just before "(": "on Threads (" -> "Threads"; ``before`` ends at the paren."""
    # Names are short: split off the last few words, and all of them only if the name runs on.
    words = before.rsplit(None, 4)
    name = _name_words(words if len(words) < 5 else words[1:])
    if isinstance(name, list) and len(name) == 4:
        name = _name_words(before.split())
    if isinstance(name, str):
        return name
    while name and (name[-1] in _NAME_JOINERS or name[-1].lower() in _NOT_NAMES):
        name.pop()
    return " ".join(reversed(name))


def strip_emphasis(text: str) -> str:
    """A label or title without Markdown emphasis (``**x**``, ``*x*``, ``_x_``) and code marks."""
    if "`" in text:
        text = _CODE.sub(r"\1", text)
    if "*" not in text and "_" not in text:
        return text
    return _EMPHASIS.sub(lambda m: m[2] if m[2] is not None else m[4], text)


def _drop_prefixes(label: str) -> str:
    """A link heading, lead-in, bullet, time or connector before the label proper."""
    for pattern in (_HEADING_START, _HEADING_START, _LEAD_IN):
        found = pattern.match(label)
        if found is not None:
            label = label[found.end() :]
    for pattern in (_NUMBER_BULLET, _LEADING_TIME, _CONNECTOR):
        found = pattern.match(label)
        if found is not None:
            label = label[found.end() :]
    return label


@functools.lru_cache(maxsize=4096)
def label_before_separator(region: str) -> str:
    """The label in the text before a ``:``, ``-`` or ``<`` that precedes a URL ("" for none)."""
    region = region[last_sentence_end(region) :]
    label = strip_emphasis(" ".join(region.split())).lstrip(_LEAD_JUNK)
    label = unquote(_drop_prefixes(label).strip(_LABEL_EDGES))
    return "" if len(label) > MAX_LABEL else label


def _markdown_label(text: str, low: int, end: int) -> str | None:
    """The label of "[label](" just before ``end`` (None when it is not that)."""
    stripped = text[low:end]
    open_bracket = stripped.rfind("[", 0, -2)
    if open_bracket >= 0 and "]" not in stripped[open_bracket + 1 : -2]:
        return unquote(stripped[open_bracket + 1 : -2]) or None
    return None


def label_from_context(text: str, start: int, floor: int, url_end: int) -> str | None:
    """The label the text gives a URL at text[start:url_end] (None: it stands bare).

    ``floor`` is where the text before the URL begins (the end of the URL before it).
    """
    return _label_before(text[max(floor, start - 300) : start], alone=_ends_line(text, url_end))


# The label depends only on the text before the URL, which a footer repeats in every episode,
# and on whether the URL ends its line.
@functools.lru_cache(maxsize=4096)
def _label_before(text: str, *, alone: bool) -> str | None:
    """The label that the end of ``text`` gives the URL that follows it (None: none).

    ``alone``: nothing but spaces follows the URL on its line.
    """
    low, start = 0, len(text)
    end = start
    while end > low and text[end - 1].isspace():
        end -= 1
    if end == low:
        return None
    if text[end - 1] == "(":
        if end - 2 >= low and text[end - 2] == "]":
            return _markdown_label(text, low, end)
        return name_before_paren(text[max(low, end - 121) : end - 1]) or None
    if "\n" in text[end:start] and not alone:
        return None  # "Fonti:" above "URL - Betty A. Toole - ...": a heading over a list
    return _separator_label(text, low, end, alone=alone)


def _ends_line(text: str, pos: int) -> bool:
    """Whether nothing but spaces follows ``pos`` on its line."""
    line_end = text.find("\n", pos)
    return not text[pos : line_end if line_end >= 0 else len(text)].strip()


def _separator_label(text: str, low: int, end: int, *, alone: bool) -> str | None:
    """The label before the separator at ``text[end - 1]`` (``:``, ``：``, `` -``, ``,``...)."""
    sep = text[end - 1]
    if sep == "-" and not (end - 2 >= low and text[end - 2].isspace()):
        return None
    if sep == ",":
        # "NebulaGraph,  https://..." alone on its line; "For more, see this, URL" is prose.
        line = text[max(low, text.rfind("\n", low, end) + 1) : end - 1]
        label = label_before_separator(line) if alone else ""
        return label if label and label == line.strip(_LEAD_JUNK) and "," not in label else None
    if sep not in ":：-–—|→»><":
        return None
    return label_before_separator(text[low : end - 1]) or None


def _title_above(text: str, url: UrlSpan) -> str | None:
    """The title on the bullet above a bullet that holds only this URL::

    - Dev Protocol
      - https://devprotocol.xyz/
    """
    line_start = text.rfind("\n", max(0, url.start - 40), url.start) + 1
    line_end = text.find("\n", url.raw_end, url.raw_end + 40)
    line_end = len(text) if line_end < 0 else line_end
    if (
        not line_start
        or text[line_start : url.start].strip(" \t-*•")
        or text[url.raw_end : line_end].strip()
    ):
        return None
    above_start = text.rfind("\n", max(0, line_start - 1 - MAX_LABEL), line_start - 1) + 1
    above = text[above_start : line_start - 1]
    if not above.lstrip().startswith(("- ", "* ", "• ")) or "://" in above:
        return None
    return strip_emphasis(above.strip().lstrip("-*• ").strip()) or None


def _looks_like_url(label: str) -> bool:
    label = label.strip()
    return not label or label.lower().startswith(("http://", "https://", "www."))


def _span_links(
    text: str, spans: Sequence[Span], urls: Sequence[UrlSpan], skip: set[int]
) -> list[FoundLink]:
    url_raw_ends = [url.raw_end for url in urls]

    def floor_for(pos: int) -> int:
        index = bisect.bisect_right(url_raw_ends, pos) - 1
        return url_raw_ends[index] if index >= 0 else 0

    found: list[FoundLink] = []
    for index, span in enumerate(spans):
        if index in skip or not span.href.lower().startswith(("http://", "https://")):
            continue
        # The link's text as displayed: quotes and no-break spaces are part of it.
        own = strip_emphasis(_LINE_SPACE.sub(" ", text[span.start : span.end]).strip())
        if _looks_like_url(own):
            own = label_from_context(text, span.start, floor_for(span.start), span.end) or span.href
        found.append(FoundLink(span.start, own, trim_url(span.href) or span.href))
    return found


def _covered(spans: Sequence[Span]) -> tuple[list[int], list[int]]:
    """Starts and ends of the link spans, by start: a URL inside one is that link's text."""
    ranges = sorted((s.start, max(s.end, s.start + 1)) for s in spans)
    return [r[0] for r in ranges], [r[1] for r in ranges]


def _bare_links(text: str, urls: Sequence[UrlSpan], spans: Sequence[Span]) -> list[FoundLink]:
    starts, ends = _covered(spans)
    found: list[FoundLink] = []
    floor = 0  # the raw end of the URL before this one
    for url in urls:
        url_floor, floor = floor, url.raw_end
        where = bisect.bisect_right(starts, url.start) - 1
        if where >= 0 and url.start < ends[where]:
            continue
        if url.end - url.start <= len("https://"):
            continue
        href = text[url.start : url.end]
        label = (
            label_from_context(text, url.start, url_floor, url.raw_end)
            or _title_above(text, url)
            or href
        )
        found.append(_found((url.start, label, href)))
    return found


def find_link_labels(
    text: str, urls: Sequence[UrlSpan], spans: Sequence[Span], skip: set[int]
) -> list[FoundLink]:
    """Every http(s) link with its label, in order of appearance (duplicates kept).

    ``urls`` are the bare URLs of the text, ``spans`` its link spans; the spans whose index is
    in ``skip`` are jump points (chapters), not links.
    """
    found = _span_links(text, spans, urls, skip) + _bare_links(text, urls, spans)
    found.sort(key=lambda link: link.pos)
    return found[:MAX_LINKS]
