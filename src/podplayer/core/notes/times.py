"""The one time grammar of show notes: what is a place in the episode, and what is not.

A time is ``H:MM:SS``, ``M:SS``, ``MM:SS`` or ``MMM:SS`` with an optional ``.mmm`` or ``,mmm``
fraction; two parts are always minutes:seconds. Full-width digits and colons (``１２：３４``)
count as their ASCII forms. Not times: clock times (``10:30 am``, ``7:30 p.m.``, ``18:00 Uhr``,
``10:30 EST``), clock ranges (``7:30-9:00 p.m.``), aspect ratios (``16:9``, ``21:30 format``),
verses (``John 3:16``, ``Genesis 1:10-12``), scores (``won 21:17``), durations in prose (``took
12:30 minutes``) and anything inside a URL. The chapter finder, the notes pane's seek links and
``#t=`` anchors all read times here.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from podplayer.core import timecode
from podplayer.core.errors import TimecodeError

__all__ = ["MAX_SCAN", "MAX_TIMES", "TimeSpan", "find_times", "fragment_ms", "scan"]

#: Characters of notes that are searched for times and URLs; the rest is text only.
MAX_SCAN = 1_000_000
#: Times kept from one text; a chapter list is far shorter.
MAX_TIMES = 20_000


class TimeSpan(NamedTuple):
    """A time in a text: ``text[start:end]`` is it (a range's end included), ``ms`` its place."""

    start: int
    end: int
    ms: int


class UrlSpan(NamedTuple):
    """A URL in a text: ``text[start:end]`` without trailing punctuation; ``raw_end`` with it."""

    start: int
    end: int
    raw_end: int


# NamedTuple's own constructor is Python code; tuple.__new__ builds the same object in C (a page
# of 10,000 episodes makes 250,000 of them: a tenth of bench_pages).
new_time = functools.partial(tuple.__new__, TimeSpan)
new_url = functools.partial(tuple.__new__, UrlSpan)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Letters that may not touch a time: "10:30am", "v1:23b" are not times. CJK text writes times
# right against its words ("00:00オープニング"), so only Latin, Greek and Cyrillic letters count.
_LETTERS = r"0-9A-Za-z_\u00c0-\u024f\u0370-\u03ff\u0400-\u052f"
_NOT_BEFORE = rf"(?<![{_LETTERS}:/=.,])(?<![{_LETTERS}]@)"
# After a time: no letter, digit, or further time field. Digits may follow when CJK text comes
# after them, as titles are glued to their times there ("11:2980年代" is 11:29 "80年代").
_CJK = r"\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_NOT_AFTER = rf"(?![{_LETTERS[3:]}]|[0-9]++(?![{_CJK}])|:[0-9]|[.,][0-9])"
_TIME = (
    rf"{_NOT_BEFORE}"
    r"(?:(?P<h>[0-9]{1,2}):(?P<hm>[0-5][0-9])|(?P<m>[0-9]{1,3})):(?P<s>[0-5][0-9])"
    r"(?:[.,](?P<f>[0-9]{1,3}))?"
    rf"{_NOT_AFTER}"
)
_TIME_AT = re.compile(_TIME)
# _TIME for scanning long texts (measured: 0.05 s instead of 0.24 s over bench_pages' 11 MB,
# where every other cost of the scan is smaller). It begins at the colon, which the regex engine
# finds like a substring, instead of trying a time at every position; look-behinds then take
# the one to three digits before the colon (group 1, 2 or 3; the time starts there) and check
# what stands before them. Groups: leading digits (three alternatives), minutes after hours,
# seconds, fraction.
_TIME_FROM_COLON = (
    rf":(?:(?<={_NOT_BEFORE}([0-9]):)|(?<={_NOT_BEFORE}([0-9]{{2}}):)"
    rf"|(?<={_NOT_BEFORE}([0-9]{{3}}):))"
    r"(?:(?<![0-9]{3}:)([0-5][0-9]):)?([0-5][0-9])(?:[.,]([0-9]{1,3}))?"
    rf"{_NOT_AFTER}"
)
_URL_BODY = r"https?://[^\s<>\"“”‘’«»`]+"
# Times and URLs in one pass, both found from their colon. A URL is consumed whole, so the
# times inside it are never seen. A match with no time group is a URL.
_SCAN = re.compile(
    rf"{_TIME_FROM_COLON}|:(?:(?<=https:)|(?<=http:))//{_URL_BODY[len('https?://') :]}"
)
_URL_TRAIL = ".,;:!?'\"”’»›*>"
_CLOSERS = {")": "(", "]": "["}

# What follows a time that makes it a time of day, a ratio or a duration (in lower case only:
# "12:30 Minutes with Bob" is a title).
_CLOCK_SUFFIXES = (
    r"[ap]\.?\s?m\b\.?",
    r"(?:[ecmp][sd]?t|gmt|utc|bst|ces?t|mesz|mez|ist|aest|aedt|jst|msk|uhr|o['’]clock|h)\b",
    r"(?:local\s+time|your\s+time|ortszeit)\b",
    r"(?:ч\b|час)",
)
_RATIO_WORDS = r"(?:aspect|ratio|widescreen|format|display|screen|crop)\b"
_DURATION_WORDS = (
    r"(?:min(?:ute)?s?|hours?|hrs?|sec(?:ond)?s?|minuten|stunden|sekunden|std|"
    r"минут\w*|секунд\w*|часов|分|時間|秒)(?![{_LETTERS}])"
).replace("{_LETTERS}", _LETTERS)
_RANGE_WORDS = r"(?:-|–|—|~|〜|to|until|till|bis)"
_AFTER_TIME = re.compile(
    rf"[ \t\u00a0\u202f]*(?:(?P<clock>{'|'.join(_CLOCK_SUFFIXES)})|(?P<ratio>{_RATIO_WORDS})"
    rf"|(?P<duration>(?-i:{_DURATION_WORDS}))"
    rf"|(?P<range>{_RANGE_WORDS})[ \t\u00a0\u202f]*(?=[0-9])"
    r"|(?P<verse>[-–—][0-9]|[,;]\s?[0-9]{1,2}\b(?!:)"
    r"|\s*\(?(?:esv|kjv|niv|nasb|nkjv|nlt|rsv|nrsv|csb|msg)\b))",
    re.IGNORECASE,
)
# Most times are followed by a space and a title word. Only the two-character starts of these
# words (lower case), and the single characters after them, can begin a suffix above; a time
# followed by anything else skips the suffix pattern.
_SUFFIX_WORDS = _words(
    """am pm a. p. a p uhr local your ortszeit o'clock o’clock est edt cst cdt mst mdt pst pdt
    et ct mt pt gmt utc bst cet cest mesz mez ist aest aedt jst msk час aspect ratio widescreen
    format display screen crop min minutes hours hrs sec seconds minuten stunden sekunden std
    минут секунд to until till bis esv kjv niv nasb
    nkjv nlt rsv nrsv csb msg"""
)
_SUFFIX_STARTS = (
    frozenset(word[:2].ljust(2) for word in _SUFFIX_WORDS)
    | frozenset("(" + version[0] for version in ("esv", "kjv", "niv", "nlt", "rsv", "csb", "msg"))
    | frozenset(dash + tail for dash in "-–—~〜" for tail in " 0123456789")
)
_SUFFIX_LETTERS = frozenset("hHчЧ分時秒〜")

# The word before a time that makes it something else. "book": a Bible book that is no first
# name ("Genesis 1:10"); "name": a book that is also a name ("Interview with John 12:30"), a
# verse only with a verse-like context; "ratio"; "duration" ("took 12:30"); "score".
_BOOKS = _words(
    """genesis gen exodus exod leviticus lev deuteronomy deut psalm psalms ps psa proverbs prov
    ecclesiastes eccl eccles isaiah isa jeremiah jer lamentations lam ezekiel ezek hosea obadiah
    habakkuk zephaniah haggai zechariah malachi matt mt mk lk jn romans rom corinthians cor
    galatians gal ephesians eph philippians phil colossians col thessalonians thess hebrews heb
    revelation revelations rev nehemiah neh chronicles chron chr sirach maccabees"""
)
_NAME_BOOKS = _words(
    """john mark luke matthew james peter jude job acts numbers judges kings daniel joel amos
    jonah micah nahum ruth esther titus timothy samuel joshua ezra philemon song songs"""
)
_DURATION_BEFORE = _words(
    """took lasted lasts runtime duration length dauer laufzeit länge spielzeit
    длительность продолжительность record pb bestzeit"""
)
# Only words that never end a title: "Quick wins 21:28" is a chapter.
_SCORE_BEFORE = _words("score scored won defeated endstand halbzeitstand счёт счет")
_WORD_BEFORE = (
    dict.fromkeys(_BOOKS, "book")
    | dict.fromkeys(_NAME_BOOKS, "name")
    | dict.fromkeys(_DURATION_BEFORE, "duration")
    | dict.fromkeys(_SCORE_BEFORE, "score")
    | {"ratio": "ratio", "aspect": "ratio", "of": "of"}
)
# The last two letters of those words in every case: only a time after a word ending in one of
# them (or in ".") can be a verse, ratio, duration or score, and the others skip the look-up
# (measured: a third of the scan's own time on bench_pages). The Kelvin sign lowers to "k".
_CASES = {c: c + c.upper() + ("\u212a" if c == "k" else "") for c in "abcdefghijklmnopqrstuvwxyz"}
_WORD_ENDS = frozenset(
    a + b
    for word in _WORD_BEFORE
    for a in _CASES.get(word[-2], word[-2] + word[-2].upper())
    for b in _CASES.get(word[-1], word[-1] + word[-1].upper())
)
_VERSE_KINDS = frozenset({"book", "name", "ratio", "of"})
_ORDINALS = frozenset({"1", "2", "3", "I", "II", "III"})

_FULL_WIDTH = str.maketrans("０１２３４５６７８９：", "0123456789:")

_T_FRAGMENT = re.compile(
    r"(?:^|[#&?])t=(?:(?P<clock>(?:[0-9]{1,3}(?::[0-9]{1,2}){1,2}|[0-9]{1,6})(?:\.[0-9]{1,3})?)"
    r"|(?:(?P<h>[0-9]{1,3})h)?(?:(?P<m>[0-9]{1,4})m)?(?:(?P<s>[0-9]{1,6}(?:\.[0-9]{1,3})?)s)?)"
    r"(?:[,&]|$)",
    re.IGNORECASE,
)


def ascii_digits(text: str) -> str:
    """``text`` with full-width digits and colons as ASCII; same length, same positions.

    Only a text with a full-width colon is translated (a substring test, where a search for the
    digits costs 7 % of bench_pages): "１２：３４" and "12：34" are times, "１２:３４" is not.

    >>> ascii_digits("【１２：３４】")
    '【12:34】'
    """
    if text.isascii() or "：" not in text:
        return text
    return text.translate(_FULL_WIDTH)


# Notes repeat their footers' URLs in every episode: one trim per distinct URL (measured: a
# fifth of the scan's time on bench_pages).
@functools.lru_cache(maxsize=4096)
def trim_url(url: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets from the end of a URL.

    >>> trim_url("https://en.wikipedia.org/wiki/Foo_(bar)),"), trim_url("https://x.org/a.")
    ('https://en.wikipedia.org/wiki/Foo_(bar)', 'https://x.org/a')
    """
    if url[-1:].isalnum() or url.endswith("/"):
        return url
    if url.endswith("_") and url[-2:-1] in _URL_TRAIL:
        url = url[:-1]  # "https://penname.co/._": Markdown's emphasis closes after the period
    url = url.rstrip(_URL_TRAIL)
    if url[-1:] not in _CLOSERS:
        return url
    unmatched = {
        closer: url.count(closer) - url.count(opener) for closer, opener in _CLOSERS.items()
    }
    end = len(url)
    while end and url[end - 1] in _CLOSERS and unmatched[url[end - 1]] > 0:
        unmatched[url[end - 1]] -= 1
        end -= 1
        while end and url[end - 1] in _URL_TRAIL:
            end -= 1
    return url[:end]


def _word_before(text: str, start: int) -> str:
    """The word that ends one space before ``start``, lower case ("" when there is none)."""
    if start < 2 or not text[start - 1].isspace() or not text[start - 2].isalpha():
        return ""
    space = text.rfind(" ", max(0, start - 24), start - 1)
    return text[space + 1 : start - 1].rpartition("\n")[2].lower()


def _is_other_number(text: str, start: int, end: int, after: re.Match[str] | None) -> bool:
    """Whether the word before the time makes it a verse, ratio, duration or score.

    A book that is also a name makes a verse after "1", "2", "3", before a verse's context, or
    inside a sentence ("John 3:16 and ..."); at the end of a line it is a chapter's title
    ("Interview with John 12:30").
    """
    word = _word_before(text, start)
    kind = _WORD_BEFORE.get(word.rstrip("."), "") if word else ""
    space = start - len(word) - 2  # before the word
    if kind == "name":
        ordinal = text[max(0, space - 3) : space].strip() in _ORDINALS
        line_end = text.find("\n", end, end + 200)
        line_goes_on = bool(text[end : line_end if line_end >= 0 else end + 200].strip())
        return ordinal or line_goes_on or (after is not None and after["verse"] is not None)
    if kind == "of":
        return text[max(0, space - 6) : space].lower().endswith("ratio")
    return bool(kind)


def names_a_book(title: str) -> bool:
    """Whether ``title`` ends in a Bible book or a ratio word (its time is a verse or ratio)."""
    words = title.split()
    return bool(words) and _WORD_BEFORE.get(words[-1].strip(".,;").lower()) in _VERSE_KINDS


def _suffix(text: str, end: int) -> re.Match[str] | None:
    """What follows a time, when it may be a suffix (None for the usual title word)."""
    if _plain_word_follows(text[end : end + 3]):
        return None
    return _AFTER_TIME.match(text, end)


def _plain_word_follows(nxt: str) -> bool:
    return (
        nxt[:1] == " " and nxt[1:].lower() not in _SUFFIX_STARTS and nxt[1:2] not in _SUFFIX_LETTERS
    )


def _is_not_a_place(suffix: re.Match[str] | None) -> bool:
    return suffix is not None and bool(suffix["clock"] or suffix["ratio"] or suffix["duration"])


def _after(text: str, end: int) -> tuple[re.Match[str] | None, int]:
    """The suffix after a time that ends at ``end`` (None for none), and the time's end.

    The end of a range ("00:00-05:12") belongs to the time; the suffix is the one after the
    range ("7:30-9:00 p.m." is a range of clock times).
    """
    nxt = text[end : end + 3]  # _plain_word_follows(), inlined: it runs for every time
    if nxt[:1] == " " and nxt[1:].lower() not in _SUFFIX_STARTS and nxt[1:2] not in _SUFFIX_LETTERS:
        return None, end
    suffix = _AFTER_TIME.match(text, end)
    if suffix is None or suffix["range"] is None:
        return suffix, end
    range_end = _TIME_AT.match(text, suffix.end())
    if range_end is None:
        return suffix, end
    return _suffix(text, range_end.end()), range_end.end()


def _url_span(text: str, colon: int, end: int) -> UrlSpan:
    start = colon - 5 if text[colon - 1] == "s" else colon - 4
    last = text[end - 1]
    if last.isalnum() or last == "/":
        return new_url((start, end, end))
    return new_url((start, start + len(trim_url(text[start:end])), end))


def scan(text: str) -> tuple[list[TimeSpan], list[UrlSpan]]:
    """Every time (see the module docstring) and every http(s) URL in ``text``, in order.

    Only the first :data:`MAX_SCAN` characters are read, and at most :data:`MAX_TIMES` times
    kept. The end of a range ("00:00-05:12") belongs to the time that starts it.
    """
    text = ascii_digits(text[:MAX_SCAN])
    times: list[TimeSpan] = []
    urls: list[UrlSpan] = []
    last_end = -1
    for match in _SCAN.finditer(text):
        colon, end = match.span()
        one, two, three, hour_minutes, seconds, frac = match.groups()
        lead = one or two or three
        if lead is None:
            urls.append(_url_span(text, colon, end))
            continue
        start = colon - len(lead)
        if start < last_end or len(times) >= MAX_TIMES:
            continue  # the end of a range already taken
        suffix, end = _after(text, end)
        last_end = end
        if suffix is not None and _is_not_a_place(suffix):
            continue
        word_end = text[start - 3 : start - 1]
        if (start < 3 or word_end in _WORD_ENDS or word_end[-1:] == ".") and _is_other_number(
            text, start, end, suffix
        ):
            continue
        minutes = int(lead) if hour_minutes is None else int(lead) * 60 + int(hour_minutes)
        ms = (minutes * 60 + int(seconds)) * 1000 + (int(frac.ljust(3, "0")) if frac else 0)
        times.append(new_time((start, end, ms)))
    return times, urls


def find_times(text: str) -> list[TimeSpan]:
    """The times in ``text`` that are places in an episode, in order (see :func:`scan`).

    >>> [t.ms for t in find_times("Intro 0:06, then 1:02:03.5; lunch at 12:30 pm; John 3:16 says")]
    [6000, 3723500]
    """
    return scan(text)[0]


def fragment_ms(href: str) -> int | None:
    """The place (int ms) a ``#t=`` media fragment points at, or None.

    ``t=754``, ``t=12:34``, ``t=1:02:03.5`` and ``t=1h2m3s`` are read; so is ``?t=`` on a URL.

    >>> fragment_ms("#t=12:34"), fragment_ms("https://x.fm/ep?t=1h2m3s"), fragment_ms("#top")
    (754000, 3723000, None)
    """
    if "t=" not in href:
        return None
    match = _T_FRAGMENT.search(ascii_digits(href))
    if match is None:
        return None
    if match["clock"]:
        return _clock_ms(match["clock"])
    if not (match["h"] or match["m"] or match["s"]):
        return None
    secs = int(match["h"] or 0) * 3600 + int(match["m"] or 0) * 60 + float(match["s"] or 0)
    return round(secs * 1000)


def _clock_ms(clock: str) -> int | None:
    if ":" not in clock:
        return round(float(clock) * 1000)
    try:
        return timecode.parse(clock)
    except TimecodeError:
        return None
