"""Chapters and links found in show notes (plain text or HTML).

Show notes carry chapter lists in many layouts: one per line or run together on one line, the time
before or after the title, in brackets or bold, in HTML lists or as ``#t=`` anchors. This module
finds the one list that is meant as chapters and ignores times that are not jump points (clock
times, aspect ratios, bible verses, times inside URLs, a lone time in a sentence). It also lists
every http(s) link with the best human label the notes give it.

Everything here is pure: it never fetches, never imports Qt, and never raises anything but
:class:`~podplayer.core.errors.PodplayerError` (in practice nothing at all).
"""

from __future__ import annotations

import bisect
import functools
import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

from podplayer.core import timecode
from podplayer.core.errors import ParseError, TimecodeError
from podplayer.core.model import Chapter, Link, shownotes_chapters

__all__ = [
    "ShowNotes",
    "find_chapters",
    "find_links",
    "html_to_text",
    "looks_like_html",
    "parse_shownotes",
]

logger = logging.getLogger(__name__)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class ShowNotes:
    """What the notes say: readable text, the chapter list and the links.

    ``chapters`` are sorted by start (int ms), ``end_ms`` None, source ``"shownotes"``;
    ``links`` are http(s) links in order of first appearance, one per URL.
    """

    text: str
    chapters: tuple[Chapter, ...] = ()
    links: tuple[Link, ...] = ()


# --------------------------------------------------------------------------------------------
# Tables

# Words that introduce a chapter list. Matched case-insensitively; a trailing colon is eaten.
_CHAPTER_HEADINGS = (
    r"time\s?stamps?",
    r"time\s?codes?",
    r"time\s?line",
    r"chapters?(?:\s+markers?)?",
    r"episode\s+chapters",
    r"show\s?notes",
    r"track\s?list(?:ing)?",
    r"set\s?list",
    r"table\s+of\s+contents",
    r"contents",
    r"kapitel",
    r"sprungmarken",
    r"zeitmarken",
)
# Words that introduce a list of links; never part of a link label.
_LINK_HEADINGS = (
    r"(?:show|episode)\s+links",
    r"links?\s+(?:mentioned|from\s+(?:the|this)\s+(?:show|episode))",
    r"links?",
    r"mentioned(?:\s+in\s+(?:this|the)\s+(?:episode|show))?",
    r"resources",
    r"references",
    r"show\s?notes",
    r"further\s+reading",
)

_TIME_SUFFIXES = (
    r"[ap]\.?\s?m\b\.?",
    r"(?:[ecmp][sd]?t|gmt|utc|bst|ces?t|ist|aest|aedt|jst|uhr|o['’]clock|hrs?|h|hours?)\b",
    r"(?:local\s+time|your\s+time)\b",
)
_SUFFIX_WORDS = _words(
    """am pm a. p. uhr local your to till until bis ratio aspect widescreen format
    display screen crop est edt cst cdt mst mdt pst pdt et ct mt pt gmt utc bst cet cest ist aest
    aedt jst o'clock o’clock esv kjv niv nasb nkjv nlt rsv nrsv csb msg"""
)
# Two characters after "<time> " that may begin a suffix ("am", "- 05:00", "(ESV)").
_SUFFIX_STARTS = frozenset(
    {w[:2] for w in _SUFFIX_WORDS}
    | {"a ", "p ", "- ", "– ", "— "}
    | {"(" + w[0] for w in _SUFFIX_WORDS}
    | {"-" + d for d in "0123456789"}
)
_RATIO_WORDS = r"(?:aspect|ratio|widescreen|format|display|screen|crop)\b"
_RANGE_WORDS = r"(?:-|–|—|to|until|till|bis)"


# Bible books whose name is not also a common first name: "Genesis 1:10" is always a verse.
_BOOKS = _words(
    """genesis gen exodus exod leviticus lev deuteronomy deut psalm psalms ps psa proverbs prov
    ecclesiastes eccl eccles isaiah isa jeremiah jer lamentations lam ezekiel ezek hosea obadiah
    habakkuk zephaniah haggai zechariah malachi matt mt mk lk jn romans rom corinthians cor
    galatians gal ephesians eph philippians phil colossians col thessalonians thess hebrews heb
    revelation revelations rev nehemiah neh chronicles chron chr sirach maccabees"""
)
# Books that are also names ("Interview with John 12:30"): a verse only with a verse-like context.
_NAME_BOOKS = _words(
    """john mark luke matthew james peter jude job acts numbers judges kings daniel joel amos
    jonah micah nahum ruth esther titus timothy samuel joshua ezra philemon song songs"""
)
# Capitalised words that start a sentence rather than name a link: "And (https://...)".
_NOT_NAMES = _words(
    """and or but see the a an check visit at on in our we you i it this that here there also
    more via by for to with from follow find read watch listen join"""
)

_VERSE_WORDS = (
    dict.fromkeys(_BOOKS, "book")
    | dict.fromkeys(_NAME_BOOKS, "name")
    | {"ratio": "ratio", "aspect": "ratio", "of": "of"}
)
# The last two letters of those words in every spelling that str.lower() maps to them (the
# Kelvin sign is the one letter outside ASCII that lowers to an ASCII letter).
_CASES = {c: c + c.upper() + ("\u212a" if c == "k" else "") for c in "abcdefghijklmnopqrstuvwxyz"}
_VERSE_ENDS = frozenset(
    a + b for word in _VERSE_WORDS for a in _CASES[word[-2]] for b in _CASES[word[-1]]
)

# --------------------------------------------------------------------------------------------
# Regular expressions (all compiled once; none can backtrack badly on long input)

_URL_BODY = r"https?://[^\s<>\"“”‘’«»`]+"
_TIME = (
    r"(?<![\w:/=.,@])"
    r"(?:(?P<h>\d{1,2}):(?P<hm>[0-5]\d)|(?P<m>\d{1,3})):(?P<s>[0-5]\d)"
    r"(?:[.,](?P<f>\d{1,3}))?"
    r"(?!\w|:\d|[.,]\d)"
)
_TIME_AT = re.compile(_TIME)
# _TIME for scanning long texts. It begins at the first colon, which the regex engine finds as
# fast as a substring, instead of trying a time at every position; look-behinds then take the one
# to three ASCII digits before the colon (group 1, 2 or 3; the time starts there) and check the
# character before them. Hours are allowed only after one or two digits. Groups: leading digits
# (three alternatives), minutes after hours, seconds, fraction.
_NOT_AFTER = r"(?<![\w:/=.,@])"
_TIME_AFTER_COLON = (
    rf":(?:(?<={_NOT_AFTER}([0-9]):)|(?<={_NOT_AFTER}([0-9]{{2}}):)|(?<={_NOT_AFTER}([0-9]{{3}}):))"
    r"(?:(?<![0-9]{3}:)([0-5]\d):)?([0-5]\d)(?:[.,](\d{1,3}))?(?!\w|:\d|[.,]\d)"
)
# Times and URLs in one pass, both found from their colon ("https:" or "http:" before "//").
# A URL is consumed whole, so times inside it are never seen; a time cannot overlap a URL, whose
# first letter would have to follow the time's last digit. A match with no time group is a URL.
_SCAN = re.compile(
    rf"{_TIME_AFTER_COLON}|:(?:(?<=https:)|(?<=http:))//{_URL_BODY[len('https?://') :]}"
)
_URL = re.compile(_URL_BODY)
_NEWLINE = re.compile("\n")
_AFTER_TIME = re.compile(
    rf"[ \t\u00a0\u202f]*(?:(?P<clock>{'|'.join(_TIME_SUFFIXES)})|(?P<ratio>{_RATIO_WORDS})"
    rf"|(?P<range>{_RANGE_WORDS})[ \t\u00a0\u202f]*(?=\d)|(?P<verse>[-–—]\d|[,;]\s?\d{{1,2}}\b(?!:)"
    r"|\s*\(?(?:esv|kjv|niv|nasb|nkjv|nlt|rsv|nrsv|csb|msg)\b))",
    re.IGNORECASE,
)
# Characters that match each initial under re.IGNORECASE (Unicode folds "ſ" to s, "K" to k).
_FOLDS = {"k": "kK\u212a", "s": "sS\u017f"}


def _initial_first(alternatives: tuple[str, ...]) -> str:
    """``(?<![\\w-])(?:a|b|...)`` for re.IGNORECASE, led by a case-free class of initials.

    A pattern that begins with a look-behind is tried at every position of the text; one that
    begins with a character class lets the regex engine skip to the possible initials. Each
    alternative keeps its place and re-checks its own initial.
    """
    initials = "".join(dict.fromkeys(alt[0] for alt in alternatives))
    chars = "".join(_FOLDS.get(c, c + c.upper()) for c in initials)
    branches = "|".join(f"(?<={alt[0]}){alt[1:]}" for alt in alternatives)
    return rf"(?-i:[{chars}])(?<![\w-].)(?:{branches})"


_CHAPTER_HEADING = re.compile(
    rf"{_initial_first(_CHAPTER_HEADINGS)}(?![\w-])[ \t]*:?", re.IGNORECASE
)
_LINK_HEADING_START = re.compile(
    rf"^(?:{'|'.join(_LINK_HEADINGS)}|{'|'.join(_CHAPTER_HEADINGS)})(?![\w-])\s*[:\-–—]?\s*",
    re.IGNORECASE,
)
_HEADING_START = re.compile(
    rf"^(?:{'|'.join(_CHAPTER_HEADINGS)})(?![\w-])\s*[:\-–—]?\s*", re.IGNORECASE
)
# First letters of the alternatives above: most titles skip the heading patterns at once.
_HEADING_INITIALS = frozenset(p[0] for p in _CHAPTER_HEADINGS)
_LINK_HEADING_INITIALS = _HEADING_INITIALS | frozenset("selmrf")
_BULLET_INITIALS = frozenset("0123456789ivx")
_TITLE_INITIALS = _HEADING_INITIALS | _BULLET_INITIALS
_LINK_HEADING_ANY = re.compile(
    rf"(?<![\w-])(?:{'|'.join(_LINK_HEADINGS)})(?![\w-])\s*:?", re.IGNORECASE
)
# The last sentence end in a stretch of text (greedy .* finds the last one in one match).
_FIRST_SENTENCE_END = re.compile(r"[.!?](?=[\"”’)]?\s+\S)")
_LEADING_TIME = re.compile(r"^[(\[]?\d{1,3}(?::[0-5]\d){1,2}(?:[.,]\d{1,3})?[)\]]?[\s\-–—|:]*")
_CONNECTOR = re.compile(r"^(?:and|or|plus|also)\s+(?=\S)", re.IGNORECASE)
_NUMBER_BULLET = re.compile(r"^(?:\d{1,3}[.)]|[ivx]{1,4}\.)\s+", re.IGNORECASE)
_T_FRAGMENT = re.compile(
    r"[#&?]t=(?:(?P<clock>\d+(?::\d{1,2}){0,2}(?:\.\d+)?)"
    r"|(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+(?:\.\d+)?)s)?)(?:[,&]|$)",
    re.IGNORECASE,
)
_HTML_HINT = re.compile(
    r"<(?:/?(?:p|br|a|div|span|li|ul|ol|b|strong|em|i|u|h[1-6]|img|table|tr|td|th|blockquote"
    r"|pre|code|hr|section|article|small|sup|sub|dl|dt|dd|figure|iframe|font)\b[^<>]*|!--)>?"
    r"|&(?:amp|lt|gt|quot|apos|nbsp|ndash|mdash|hellip|rsquo|lsquo|rdquo|ldquo|#\d{1,7}"
    r"|#x[0-9a-f]{1,6});",
    re.IGNORECASE,
)
# The shared "<" comes first so that the regex engine looks for it like a substring.
_TAG = re.compile(
    r"<(?:!--.*?(?:-->|\Z)"
    r"|!\[CDATA\[(?P<cdata>.*?)(?:\]\]>|\Z)"
    # Possessive: attributes are read once, never re-split when the tag does not close.
    r"|(?P<close>/)?(?P<name>[a-zA-Z][a-zA-Z0-9:-]*)"
    r"(?P<attrs>(?:[^<>\"']++|\"[^\"]*+\"|'[^']*+')*+)/?>"
    r"|[!?][^<>]*>)",
    re.DOTALL,
)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+))""", re.IGNORECASE)
_WHITESPACE = re.compile(r"[ \t\n\r\f\v\u00a0\u2007\u202f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


def _has_zero_width(text: str) -> bool:
    # Five substring tests are several times faster than the pattern over a long text, and a
    # text of Latin-1 characters cannot hold any of them.
    return not text.isascii() and (
        "\u200b" in text
        or "\u200c" in text
        or "\u200d" in text
        or "\u2060" in text
        or "\ufeff" in text
    )


_SKIP_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript", "svg"})
_PARAGRAPH_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "pre"}
    | {"hr", "section", "article", "figure"}
)
_LINE_TAGS = frozenset({"br", "div", "li", "tr", "dt", "dd", "header", "footer", "nav", "aside"})
_TAG_KINDS = (
    dict.fromkeys(_SKIP_TAGS, "skip")
    | {"a": "a"}
    | dict.fromkeys(_PARAGRAPH_TAGS, "paragraph")
    | dict.fromkeys(_LINE_TAGS, "line")
    | {"td": "cell", "th": "cell"}
)
# Tag names as written, to their kind: the common spellings are found without lower-casing them
# ("" for a tag that only separates text, "item" for li, which also starts a bullet).
_NAME_KINDS = {
    variant: kind
    for tag, kind in (
        _TAG_KINDS
        | {"li": "item"}
        | dict.fromkeys(("b", "strong", "em", "i", "u", "span", "small", "sup", "sub", "img"), "")
    ).items()
    for variant in (tag, tag.upper())
}

# Characters trimmed from titles and labels where they meet a time, a bullet or a separator.
_LEAD_JUNK = " \t\n-–—|:~>»›•·*_#)]=→,;"
_TRAIL_JUNK = " \t\n-–—|:~<«‹•·*_([=→,;@"
_QUOTES = (("“", "”"), ('"', '"'), ("‘", "’"), ("'", "'"), ("«", "»"), ("„", "“"), ("„", "”"))
_QUOTE_OPENERS = frozenset(left for left, _ in _QUOTES)
_URL_TRAIL = ".,;:!?'\"”’»›*"
_CLOSERS = {")": "(", "]": "["}
_MAX_TITLE = 200
_MAX_LABEL = 160
_PROSE_TITLE = 120


# --------------------------------------------------------------------------------------------
# HTML to text


@dataclass(slots=True)
class _Anchor:
    href: str
    start: int | None = None
    end: int = 0


def _convert_html(markup: str) -> tuple[str, list[_Anchor]]:
    # One loop with its state in locals: a method call and attribute reads per text piece cost
    # more than the work on the piece itself.
    parts: list[str] = []
    length = 0
    pending = 0  # line breaks owed before the next visible text
    line_start = True
    space = False  # the text so far ends in a space
    anchors: list[_Anchor] = []
    anchor: _Anchor | None = None
    skip: str | None = None
    unescape = html.unescape
    # split() hands over the text between tags and each tag's groups without a match object
    # per tag: text, then (cdata, close, name, attrs, text) for every tag. The leading text
    # gets an empty tag of its own so that every piece goes through the same steps.
    pieces: Iterator[Any] = chain((None, None, None, None), _TAG.split(markup))
    groups = zip(pieces, pieces, pieces, pieces, pieces, strict=True)
    for cdata, closing, name, attrs, raw in groups:
        if skip is not None:
            if closing and name.lower() == skip:
                skip = None
            else:
                continue
        chunk = unescape(raw) if "&" in raw else raw
        if cdata is not None:
            chunk = cdata + chunk
        elif name:
            kind = _NAME_KINDS.get(name)
            if kind is None:
                kind = _NAME_KINDS.get(name.lower(), "")
            if not kind:
                pass
            elif kind == "skip":
                # The whole tag ends in "/>" exactly when its attributes end in "/".
                if not closing and not attrs.endswith("/"):
                    skip = name.lower()
                    continue
            elif kind == "a":
                if anchor is not None:
                    if anchor.start is not None:
                        anchor.end = length
                        anchors.append(anchor)
                    anchor = None
                if not closing:
                    href = _HREF.search(attrs)
                    value = ""
                    if href is not None:
                        quoted, single, bare = href.groups()
                        value = (
                            quoted if quoted is not None else single if single is not None else bare
                        )
                    anchor = _Anchor(unescape(value).strip())
            elif kind == "paragraph":
                if length and pending < 2:
                    pending = 2
            elif kind == "line":
                if length and pending < 1:
                    pending = 1
            elif kind == "item":
                if length and pending < 1:
                    pending = 1
                if not closing:
                    # The bullet is visible text, written as any would be: owed breaks first,
                    # then it, ending in a space (the text after it loses its leading ones).
                    if pending and length:
                        if space:
                            parts[-1] = parts[-1][:-1]
                            length -= 1
                        parts.append("\n" * pending)
                        length += pending
                    pending = 0
                    if anchor is not None and anchor.start is None:
                        anchor.start = length
                    parts.append("• ")
                    length += 2
                    line_start, space = False, True
            else:
                chunk = " " + chunk
        if not chunk:
            continue
        if not chunk.isascii() and _has_zero_width(chunk):
            chunk = _ZERO_WIDTH.sub("", chunk)
        # Printable text with no double space has only single plain spaces: nothing to collapse.
        if "  " in chunk or not chunk.isprintable():
            chunk = _WHITESPACE.sub(" ", chunk)
        if chunk and not chunk.isspace():
            if pending:
                if length:
                    if space:
                        parts[-1] = parts[-1][:-1]
                        length -= 1
                    parts.append("\n" * pending)
                    length += pending
                    line_start, space = True, False
                pending = 0
            if line_start or space:
                chunk = chunk.lstrip(" ")
            if anchor is not None and anchor.start is None:
                anchor.start = length + (len(chunk) - len(chunk.lstrip(" ")))
        else:
            if line_start or space:
                chunk = chunk.lstrip(" ")
            if not chunk:
                continue
        parts.append(chunk)
        length += len(chunk)
        line_start = False
        space = chunk[-1] == " "
    if anchor is not None and anchor.start is not None:
        anchor.end = length
        anchors.append(anchor)
    text = "".join(parts).rstrip()
    for anchor in anchors:
        anchor.end = min(anchor.end, len(text))
    return text, anchors


def looks_like_html(notes: str) -> bool:
    """True when ``notes`` contains HTML tags or entities (``<p>``, ``<br/>``, ``&amp;``...).

    >>> looks_like_html("<p>Intro <b>0:06</b></p>"), looks_like_html("a < b and 3 > 2")
    (True, False)
    """
    if "<" not in notes and "&" not in notes:
        return False
    return _HTML_HINT.search(notes) is not None


def html_to_text(html: str) -> str:
    """Readable plain text from HTML: paragraphs become blank lines, ``<br>``/``<li>`` new lines.

    Entities are decoded, scripts and styles dropped, whitespace collapsed. Never raises.

    >>> html_to_text("<p>Tom &amp; Jerry</p><p>0:06 Intro<br>1:40 Topic</p>")
    'Tom & Jerry\\n\\n0:06 Intro\\n1:40 Topic'
    """
    return _convert_html(html)[0]


# --------------------------------------------------------------------------------------------
# Chapters


# A time in the text: (start, end, start in int ms, title). The title is set only for ``#t=``
# anchors, whose own text is the title. Plain tuples: a page makes hundreds of thousands of them.
_Token = tuple[int, int, int, str]
# A chapter the notes may mean: (start in int ms, title, entry, token start), where entry is where
# this chapter's part of the notes begins.
_Candidate = tuple[int, str, int, int]


def _fragment_ms(href: str) -> int | None:
    match = _T_FRAGMENT.search(href)
    if match is None:
        return None
    if match["clock"]:
        try:
            return timecode.parse(match["clock"])
        except TimecodeError:
            return None
    if not (match["h"] or match["m"] or match["s"]):
        return None
    secs = int(match["h"] or 0) * 3600 + int(match["m"] or 0) * 60 + float(match["s"] or 0)
    return round(secs * 1000)


def _is_verse_or_ratio(text: str, start: int, after: re.Match[str] | None) -> bool:
    if start < 2 or not text[start - 1].isspace():
        return False
    # Verse and ratio words end in a letter (or "."): other times skip the word look-up.
    last = text[start - 2]
    if not (last.isalpha() or last == "."):
        return False
    space = text.rfind(" ", max(0, start - 24), start - 1)
    kind = _VERSE_WORDS.get(text[space + 1 : start - 1].rstrip(".").lower())
    if kind is None:
        return False
    if kind == "name":
        ordinal = text[max(0, space - 3) : space].strip() in {"1", "2", "3", "I", "II", "III"}
        return ordinal or (after is not None and after["verse"] is not None)
    if kind == "of":
        return text[max(0, space - 6) : space].lower().endswith("ratio")
    return True


def _scan(text: str) -> tuple[list[_Token], list[tuple[int, int, int]]]:
    """Time tokens worth considering, and URLs as (start, end, raw end)."""
    tokens: list[_Token] = []
    urls: list[tuple[int, int, int]] = []
    last_end = -1
    verse_ends = _VERSE_ENDS
    suffix_starts = _SUFFIX_STARTS
    for match in _SCAN.finditer(text):
        colon, end = match.span()
        one, two, three, hour_minutes, seconds, frac = match.groups()
        lead = one or two or three
        if lead is None:
            start = colon - 5 if text[colon - 1] == "s" else colon - 4
            last = text[end - 1]
            if last.isalnum() or last == "/":
                urls.append((start, end, end))
            else:
                urls.append((start, start + len(_trim_url(text[start:end])), end))
            continue
        start = colon - len(lead)
        if start < last_end:
            continue  # the end of a range already taken
        last_end = end
        # Most times are followed by a title word: skip the suffix pattern when the next two
        # letters cannot begin a clock, ratio, range or verse suffix.
        nxt = text[end : end + 3]
        if nxt[:1] == " " and nxt[1:].lower() not in suffix_starts and nxt[1:2] not in "hH":
            after = None
        else:
            after = _AFTER_TIME.match(text, end)
            if after is not None:
                if after["clock"] is not None or after["ratio"] is not None:
                    continue
                if after["range"] is not None:
                    # "00:00-05:12 Intro": the start counts; the end of the range is neither a
                    # chapter nor part of the title.
                    range_end = _TIME_AT.match(text, after.end())
                    if range_end is not None:
                        end = last_end = range_end.end()
        # Only a word that ends in the last two letters of a verse or ratio word (in any case),
        # or in ".", can make a time a verse or a ratio: others skip the word look-up.
        if (
            start < 3 or text[start - 2] == "." or text[start - 3 : start - 1] in verse_ends
        ) and _is_verse_or_ratio(text, start, after):
            continue
        minutes = int(lead) if hour_minutes is None else int(lead) * 60 + int(hour_minutes)
        ms = (minutes * 60 + int(seconds)) * 1000 + (int(frac.ljust(3, "0")) if frac else 0)
        tokens.append((start, end, ms, ""))
    return tokens, urls


# Cleaned titles by raw text, one table for titles before their time (a heading word is dropped)
# and one for titles after it. The same short raw titles come back in episode after episode of a
# page or feed ("Intro ", " Outro"); long ones are prose and are not kept.
_TITLES: dict[str, str] = {}
_TITLES_AFTER: dict[str, str] = {}
_MEMO_SIZE = 4096
_MEMO_TEXT = 160


def _clean_title(title: str, *, strip_heading: bool = True) -> str:
    memo = _TITLES if strip_heading else _TITLES_AFTER
    cleaned = memo.get(title)
    if cleaned is None:
        cleaned = _clean_new_title(title, strip_heading)
        if len(title) <= _MEMO_TEXT:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            memo[title] = cleaned
    return cleaned


def _clean_new_title(title: str, strip_heading: bool) -> str:
    # A heading word only leads a title that stood before its time ("Timestamps Intro 0:06");
    # after the time it is the title's own word ("0:10 Show notes become chapters").
    title = " ".join(title.split()).lstrip(_LEAD_JUNK)
    if not title:
        return title  # white space, bullets and separators only ("• " before a time)
    first = title[:1].lower()
    if first in _BULLET_INITIALS:
        bullet = _NUMBER_BULLET.match(title)
        if bullet is not None and len(title) > bullet.end():
            title = title[bullet.end() :].lstrip(_LEAD_JUNK)
            first = title[:1].lower()
    if strip_heading and first in _HEADING_INITIALS:
        heading = _HEADING_START.match(title)
        if heading is not None and heading.end() < len(title):
            title = title[heading.end() :].lstrip(_LEAD_JUNK)
    title = title.rstrip(_TRAIL_JUNK)
    if len(title) > _MAX_TITLE:
        title = title[:_MAX_TITLE].rsplit(" ", 1)[0] + "…"
    return title


def _bare(text: str) -> str:
    return text.strip(" \t\n.,;:!?-–—|()[]*_\"“”'‘’•·")


def _line_bounds(text: str, newlines: list[int], pos: int) -> tuple[int, int, int]:
    index = bisect.bisect_left(newlines, pos)
    start = newlines[index - 1] + 1 if index else 0
    end = newlines[index] if index < len(newlines) else len(text)
    return index, start, end


def _last_title_end(text: str, start: int, line_end: int, url_starts: list[int]) -> int:
    end = line_end
    index = bisect.bisect_left(url_starts, start)
    if index < len(url_starts) and url_starts[index] < end:
        end = url_starts[index]
    window = text[start:end]
    cut = len(window)
    sentence = _FIRST_SENTENCE_END.search(window)
    # "50:00 Outro. Thanks for listening!" ends the list; "50:00 Why? Rust" is one title.
    if sentence is not None and len(window[sentence.end() :].split()) >= 3:
        cut = sentence.start() + (0 if window[sentence.start()] == "." else 1)
    heading = _LINK_HEADING_ANY.search(window, 0, cut)
    if heading is not None and heading.start() > 0:
        cut = heading.start()
    return start + cut


def _last_heading(text: str, start: int, end: int) -> re.Match[str] | None:
    """The last chapter-list heading in text[start:end] that stands as a heading.

    "Timestamps", "Chapters:" or a heading at the start of a line count; "with a timecode" in a
    sentence does not.
    """
    found = None
    for match in _CHAPTER_HEADING.finditer(text, start, end):
        word = match.group()
        begin = match.start()
        if word[0].isupper() or word.endswith(":") or begin == 0 or text[begin - 1] == "\n":
            found = match
    return found


def _orientation_precedes(before: str, after: str) -> bool:
    """Whether titles come before their times on a run-together line with no heading."""
    if not _bare(after):
        return True
    stripped_before = _bare(_NUMBER_BULLET.sub("", before.strip()))
    if not stripped_before:
        return False
    if before.rstrip().endswith((".", "!", "?", ":")):
        return False
    return after.lstrip().startswith((".", "!", "?"))


def _is_prose(left: str, right: str, title: str) -> bool:
    if len(title) > _PROSE_TITLE:
        return True
    after = right.lstrip()
    if not after[:1].islower():
        return False  # "Attack 5:31 (first live performance)" is an entry with a remark
    words = left.split()
    return len(words) >= 2 or (bool(words) and words[-1][:1].islower())


# The title and indent of a line's only time by the text left and right of it: a list in HTML
# ("• ", " Intro") repeats its lines from episode to episode.
_LONE_ENTRIES: dict[tuple[str, str], tuple[str | None, int]] = {}


def _lone_entry(left: str, right: str) -> tuple[str | None, int]:
    """The title of a line's only time (None: prose) and where its entry starts in ``left``."""
    title = _clean_title(right, strip_heading=False)
    cleaned_left = _clean_title(left)
    # A clean title that a second cleaning cannot change (no bullet or heading initial, not
    # too long) stands as it is when nothing comes before the time.
    if cleaned_left or not title or title[:1].lower() in _TITLE_INITIALS or len(title) > _MAX_TITLE:
        title = _clean_title(cleaned_left + " " + title, strip_heading=bool(cleaned_left))
    if _bare(left) and _bare(right) and _is_prose(left, right, title):
        return None, 0
    return title, len(left) - len(left.lstrip())


def _line_candidates(
    text: str, line: list[_Token], bounds: tuple[int, int, int], urls: tuple[list[int], list[int]]
) -> list[_Candidate]:
    _, line_start, line_end = bounds
    url_starts, url_ends = urls
    first = line[0][0]
    if len(line) == 1:
        start, end, ms, own = line[0]
        left = text[line_start:start]
        right = own or text[end:line_end]
        key = (left, right)
        known = _LONE_ENTRIES.get(key)
        if known is None:
            known = _lone_entry(left, right)
            if len(left) + len(right) <= _MEMO_TEXT:
                if len(_LONE_ENTRIES) >= _MEMO_SIZE:
                    _LONE_ENTRIES.clear()
                _LONE_ENTRIES[key] = known
        title, indent = known
        if title is None:
            return []  # "skip to 12:30 for the demo": a time inside a sentence, not an entry
        return [(ms, title, line_start + indent, start)]
    floor = line_start
    index = bisect.bisect_right(url_ends, first) - 1
    if index >= 0 and url_ends[index] > floor:
        floor = url_ends[index]
    before_start = max(floor, first - 300)
    before = text[before_start:first]
    after = text[line[-1][1] : line_end]
    heading = _last_heading(text, before_start, first)
    if heading is not None:
        precedes = bool(_bare(text[heading.end() : first]))
    else:
        sentence_before = before[_last_sentence_end(before) :]
        if len(line) <= 3 and _bare(sentence_before) and _bare(after):
            return []  # "a timecode 10:12 here. Another one 1:10:12 here!" is prose
        precedes = _orientation_precedes(before, after)
    out: list[_Candidate] = []
    if precedes:
        # The first title begins after a heading, else after the last sentence end, counting
        # from the line or the URL before it (the window above, unless that was cut to 300).
        if before_start != floor:
            heading = _last_heading(text, floor, first)
        if heading is not None:
            begin = heading.end()
        else:
            begin = floor + _last_sentence_end(text[floor:first])
        titles = _TITLES
        for start, end, ms, own in line:
            raw = own or text[begin:start]
            cleaned = titles.get(raw)
            if cleaned is None:
                cleaned = _clean_title(raw)
            out.append((ms, cleaned, begin, start))
            begin = end
    else:
        last = len(line) - 1
        for index, (start, end, ms, own) in enumerate(line):
            if index < last:
                stop = line[index + 1][0]
            else:
                stop = _last_title_end(text, end, line_end, url_starts)
            title = _clean_title(own or text[end:stop], strip_heading=False)
            out.append((ms, title, start, start))
    return out


def _fill_lone_times(text: str, cands: list[_Candidate], newlines: list[int]) -> None:
    """A time alone on its line takes its title from the line after it (or before it)."""
    empty = [index for index, cand in enumerate(cands) if not cand[1]]
    if not empty:
        return
    token_lines = {_line_bounds(text, newlines, cand[3])[0] for cand in cands}

    def neighbour(token: int, step: int) -> str:
        index = _line_bounds(text, newlines, token)[0] + step
        if index < 0 or index > len(newlines) or index in token_lines:
            return ""
        start = newlines[index - 1] + 1 if index else 0
        end = newlines[index] if index < len(newlines) else len(text)
        return _clean_title(text[start:end])

    follow = bool(neighbour(cands[empty[-1]][3], 1)) or not neighbour(cands[empty[0]][3], -1)
    step = 1 if follow else -1
    for index in empty:
        ms, _, entry, token = cands[index]
        cands[index] = (ms, neighbour(token, step), entry, token)


def _under_heading(text: str, token: int, floor: int) -> bool:
    window_start = max(floor, token - 130)
    heading = _last_heading(text, window_start, token)
    if heading is None:
        return False
    return token - heading.end() <= 100


def _names_a_book(title: str) -> bool:
    words = title.split()
    return bool(words) and words[-1].strip(".,;").lower() in _VERSE_WORDS


def _runs(cands: list[_Candidate]) -> Iterator[list[_Candidate]]:
    run: list[_Candidate] = []
    for cand in cands:
        if run and cand[0] < run[-1][0]:
            yield run
            run = []
        run.append(cand)
    if run:
        yield run


def _find_chapters(
    text: str, tokens: list[_Token], urls: list[tuple[int, int, int]], duration_ms: int | None
) -> tuple[list[_Candidate], tuple[Chapter, ...]]:
    if duration_ms is not None:
        tokens = [token for token in tokens if token[2] < duration_ms]
    if not tokens:
        return [], ()
    newlines = [m.start() for m in _NEWLINE.finditer(text)] if "\n" in text else []
    url_lists = ([start for start, _, _ in urls], [raw_end for _, _, raw_end in urls])
    cands: list[_Candidate] = []
    line: list[_Token] = []
    bounds = (-1, 0, 0)
    line_end = -1  # tokens are in text order: a new line starts only past this line's end
    # _line_bounds, inlined: the loop meets every time in the notes.
    bisect_left = bisect.bisect_left
    count = len(newlines)
    for token in tokens:
        pos = token[0]
        if pos > line_end:
            if line:
                cands += _line_candidates(text, line, bounds, url_lists)
                line = []
            index = bisect_left(newlines, pos)
            line_end = newlines[index] if index < count else len(text)
            bounds = (index, newlines[index - 1] + 1 if index else 0, line_end)
        line.append(token)
    cands += _line_candidates(text, line, bounds, url_lists)
    _fill_lone_times(text, cands, newlines)

    best: list[_Candidate] = []
    best_key = (False, 0)
    floor = 0
    for run in _runs(cands):
        heading = _under_heading(text, run[0][3], floor)
        floor = run[-1][3]
        if len(run) < 2 and not heading:
            continue
        key = (heading, len(run))
        if key > best_key:
            best, best_key = run, key
    if not best or all(_names_a_book(cand[1]) for cand in best):
        return [], ()  # "John 3:16, John 3:17 and Mark 12:30" are verses, not chapters
    # A run never goes back in time, so the first of each (start, title) keeps the order by start;
    # with no start repeated there is nothing to drop.
    starts = [cand[0] for cand in best]
    if len(set(starts)) == len(starts):
        chosen = best
    else:
        unique: dict[tuple[int, str], _Candidate] = {}
        for cand in best:
            unique.setdefault((cand[0], cand[1]), cand)
        chosen = list(unique.values())
    titles = [cand[1] or f"Chapter {number}" for number, cand in enumerate(chosen, 1)]
    return chosen, shownotes_chapters([cand[0] for cand in chosen], titles)


# --------------------------------------------------------------------------------------------
# Links


def _trim_url(url: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets from the end of a URL."""
    if url[-1:].isalnum() or url.endswith("/"):
        return url
    url = url.rstrip(_URL_TRAIL)
    while url[-1:] in _CLOSERS:
        closer = url[-1]
        if url.count(_CLOSERS[closer]) >= url.count(closer):
            break
        url = url[:-1].rstrip(_URL_TRAIL)
    return url


def _unquote(label: str) -> str:
    label = label.strip()
    if label[:1] not in _QUOTE_OPENERS:
        return label
    for left, right in _QUOTES:
        if len(label) > 2 and label.startswith(left) and label.endswith(right):
            inner = label[1:-1]
            if left not in inner[:-1] or left == right:
                return inner.strip()
    return label


def _last_sentence_end(text: str) -> int:
    """Index just after the last line break or sentence end (". ", "! ", "? ") in ``text``."""
    cut = text.rfind("\n") + 1
    for mark in (". ", "! ", "? ", ".\u00a0"):
        found = text.rfind(mark, cut)
        if found >= 0:
            cut = found + len(mark)
    return cut


def _name_before_paren(before: str) -> str:
    """The name just before "(": "on Threads (" -> "Threads"; ``before`` ends at the paren."""
    # Names are short: split off the last few words, and all of them only if the name runs on.
    words = before.rsplit(None, 4)
    if len(words) < 5:
        name = _name_words(words)
    else:
        name = _name_words(words[1:])
        if isinstance(name, list) and len(name) == 4:
            name = _name_words(before.split())
    if isinstance(name, str):
        return name
    while name and (name[-1] in {"&", "of", "de"} or name[-1].lower() in _NOT_NAMES):
        name.pop()
    return " ".join(reversed(name))


def _name_words(words: list[str]) -> list[str] | str:
    """The words of a name ending ``words``, last first; a str when it is an @handle."""
    name: list[str] = []
    for word in reversed(words):
        if name and word[-1] in ",.;:!?)":
            break
        core = word.strip("“”\"'")
        if core.startswith("@") and not name:
            return core.rstrip(",.;:")
        if core[:1].isupper() or core[:1].isdigit() or (name and core in {"&", "of", "de"}):
            name.append(core)
            continue
        break
    return name


def _label_from_context(text: str, start: int, floor: int) -> str | None:
    """The label the text gives a URL starting at ``start`` (None: it stands bare)."""
    low = max(floor, start - 300)
    # text[low:end] is the context with trailing white space dropped; most URLs need only its
    # last characters, so the context is sliced only when a label may be in it.
    end = start
    while end > low and text[end - 1].isspace():
        end -= 1
    if end == low:
        return None
    sep = text[end - 1]
    if sep == "(":
        if end - 2 >= low and text[end - 2] == "]":
            stripped = text[low:end]
            open_bracket = stripped.rfind("[", 0, -2)
            if open_bracket >= 0 and "]" not in stripped[open_bracket + 1 : -2]:
                return _unquote(stripped[open_bracket + 1 : -2]) or None
            return None
        before = text[max(low, end - 121) : end - 1]
        label = _NAMES.get(before)
        if label is None:
            label = _remember(_NAMES, before, _name_before_paren(before))
        return label or None
    if sep not in ":-–—|→»>" or (sep == "-" and not (end - 2 >= low and text[end - 2].isspace())):
        return None
    region = text[low : end - 1]
    label = _LABELS.get(region)
    if label is None:
        label = _remember(_LABELS, region, _label_before_separator(region))
    return label or None


# Labels by the text before the URL ("Follow us on Threads (", "Show links Caddy: "): notes
# repeat their footer episode after episode, and a label is a pure function of that text.
_NAMES: dict[str, str] = {}
_LABELS: dict[str, str] = {}


def _remember(memo: dict[str, str], key: str, value: str) -> str:
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


def _label_before_separator(region: str) -> str:
    """The label in the text before a ":" or "-" that precedes a URL ("" for none)."""
    label = _bare_label(region[_last_sentence_end(region) :])
    if len(label) > _MAX_LABEL:
        return ""
    return label


def _bare_label(region: str) -> str:
    label = " ".join(region.split()).lstrip(_LEAD_JUNK + ".")
    while label[:1].lower() in _LINK_HEADING_INITIALS:
        heading = _LINK_HEADING_START.match(label)
        if heading is None or heading.end() == 0:
            break
        label = label[heading.end() :]
    first = label[:1].lower()
    if first in _BULLET_INITIALS or first in "([aop":
        bullet = (
            _NUMBER_BULLET.match(label) or _LEADING_TIME.match(label) or _CONNECTOR.match(label)
        )
        if bullet is not None:
            label = label[bullet.end() :]
    return _unquote(label.strip(" \t-–—|:•·*_"))


def _looks_like_url(label: str) -> bool:
    label = label.strip()
    return not label or label.lower().startswith(("http://", "https://", "www."))


def _find_links(
    text: str, urls: list[tuple[int, int, int]], anchors: list[_Anchor], chapter_anchors: set[int]
) -> list[tuple[int, str, str]]:
    """(position, label, url) in order of appearance, before de-duplication."""
    found: list[tuple[int, str, str]] = []
    covered: list[tuple[int, int]] = []
    url_raw_ends = [raw_end for _, _, raw_end in urls]  # in text order: URLs never overlap

    def floor_for(pos: int) -> int:
        index = bisect.bisect_right(url_raw_ends, pos) - 1
        return url_raw_ends[index] if index >= 0 else 0

    for index, anchor in enumerate(anchors):
        if anchor.start is None:
            continue
        if not anchor.href.lower().startswith(("http://", "https://")):
            continue
        covered.append((anchor.start, max(anchor.end, anchor.start + 1)))
        if index in chapter_anchors:
            continue
        own = _unquote(" ".join(text[anchor.start : anchor.end].split()))
        if _looks_like_url(own):
            label = _label_from_context(text, anchor.start, floor_for(anchor.start)) or anchor.href
        else:
            label = own
        found.append((anchor.start, label, _trim_url(anchor.href) or anchor.href))
    covered.sort()
    cover_starts = [c[0] for c in covered]
    floor = 0  # the raw end of the URL before this one
    for start, end, raw_end in urls:
        url_floor, floor = floor, raw_end
        if covered:
            where = bisect.bisect_right(cover_starts, start) - 1
            if where >= 0 and covered[where][0] <= start < covered[where][1]:
                continue
        if end - start <= len("https://"):
            continue
        url = text[start:end]
        found.append((start, _label_from_context(text, start, url_floor) or url, url))
    if anchors:
        found.sort(key=lambda item: item[0])
    return found


# --------------------------------------------------------------------------------------------
# Public API


def _anchor_tokens(text: str, anchors: list[_Anchor]) -> tuple[list[_Token], set[int]]:
    tokens: list[_Token] = []
    used: set[int] = set()
    for index, anchor in enumerate(anchors):
        if anchor.start is None or "t=" not in anchor.href:
            continue
        href = anchor.href
        if not (href.startswith("#") or href.lower().startswith(("http://", "https://"))):
            continue
        ms = _fragment_ms(href)
        if ms is None:
            continue
        used.add(index)
        own = text[anchor.start : anchor.end]
        if _TIME_AT.search(own) is not None:
            continue  # the anchor's own text is a time, which the scan finds anyway
        tokens.append((anchor.start, anchor.start, ms, own))
    return tokens, used


# One Link per (label, URL, chapter index) seen lately: a footer's links recur in every episode,
# and a frozen link can be shared instead of built (and tracked by the collector) again.
_LINKS: dict[tuple[str, str, int | None], Link] = {}


# Feeds are re-read on every refresh and pages repeat their boilerplate: the same notes come back
# often, and the result is immutable, so a small cache pays for itself.
@functools.lru_cache(maxsize=1024)
def _parse(notes: str, duration_ms: int | None) -> ShowNotes:
    if not notes or not notes.strip():
        return ShowNotes("")
    anchors: list[_Anchor] = []
    if looks_like_html(notes):
        text, anchors = _convert_html(notes)
    else:
        text = notes.replace("\r\n", "\n").replace("\r", "\n") if "\r" in notes else notes
        if _has_zero_width(text):
            text = _ZERO_WIDTH.sub("", text)
        text = text.strip()
    tokens, urls = _scan(text)
    chapter_anchors: set[int] = set()
    if anchors:
        extra, chapter_anchors = _anchor_tokens(text, anchors)
        if extra:
            tokens = sorted(tokens + extra, key=lambda token: token[0])
    # Fast paths: no time in the text (no colon before two digits) ends the chapter search at
    # once inside _find_chapters, and notes with no URL and no link skip the link search here.
    chosen, chapters = _find_chapters(text, tokens, urls, duration_ms)
    if not urls and not anchors:
        return ShowNotes(text, chapters)
    entries = sorted([cand[2] for cand in chosen])
    entry_index: dict[int, int] = {}
    for index, cand in enumerate(chosen):
        entry_index.setdefault(cand[2], index)
    links: list[Link] = []
    seen: dict[str, int] = {}
    for pos, label, url in _find_links(text, urls, anchors, chapter_anchors):
        if url in seen:
            earlier = links[seen[url]]
            if earlier.label == url and label != url:
                links[seen[url]] = Link(label, url, earlier.chapter_index)
            continue
        where = bisect.bisect_right(entries, pos) - 1
        chapter_index = entry_index[entries[where]] if where >= 0 else None
        seen[url] = len(links)
        key = (label, url, chapter_index)
        link = _LINKS.get(key)
        if link is None:
            link = _LINKS[key] = Link(label, url, chapter_index)
            if len(_LINKS) > _MEMO_SIZE:
                _LINKS.clear()
        links.append(link)
    return ShowNotes(text, chapters, tuple(links))


def parse_shownotes(notes: str, *, duration_ms: int | None = None) -> ShowNotes:
    """Readable text, chapters and links from show notes in plain text or HTML.

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
