"""The chapter list in show notes: which times are meant as chapters, and their titles.

The finder reads every line that holds a time as a chapter entry (one time per line, or several
run together on one line), groups entries into lists, and keeps the list that stands under a
heading ("Chapters", "Timestamps", "Kapitel", "Таймкоды", "目次"...) or, failing that, the longest
one of at least two entries. A time inside a sentence, a quote attributed to a time, and a list
that only names verses are not chapters. Layouts are read by small functions named after them;
the words they know are the tables at the top.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Container, Iterator, Mapping, Sequence
from typing import NamedTuple

from podplayer.core.notes.headings import (
    CHAPTER_HEADINGS,
    LINK_HEADINGS,
    WEAK_CHAPTER_HEADINGS,
)
from podplayer.core.notes.links import is_abbreviation, last_sentence_end, strip_emphasis
from podplayer.core.notes.times import TimeSpan, UrlSpan, names_a_book

__all__ = ["MAX_CHAPTERS", "MAX_TITLE", "Candidate", "choose_chapters", "line_entries"]

#: Chapters kept from one episode's notes.
MAX_CHAPTERS = 5_000
#: A title is kept whole up to this many characters (a listener's whole question fits).
MAX_TITLE = 1_000
# A title longer than this on a line with text on both sides of its time is a sentence.
_PROSE_TITLE = 120


class Candidate(NamedTuple):
    """A chapter the notes may mean; ``entry`` is where its part of the notes begins."""

    ms: int
    title: str
    entry: int
    token: int


# Built in C, as times.new_time is (a page makes one per time).
_candidate = functools.partial(tuple.__new__, Candidate)

# --------------------------------------------------------------------------------------------
# Tables

# Characters trimmed from titles where they meet a time, a bullet or a separator.
_LEAD_JUNK = " \t\n-–—|:~>»›•·*_#)]）】〕」』］〉》=→,;"
_TRAIL_JUNK = " \t\n-–—|:~<«‹•·*_([（【〔「『［〈《=→,;@"
# Words between a title and the time after it ("Title starts at 4:29", "Title @ 1:02:03").
_CONNECTORS = (
    r"(?:starts?|begins?|starting|beginning)\s+at",
    r"at",
    r"@",
    r"ab",
    r"bei",
    r"um",
)
# Quotes that open a quotation attributed to a time ("“…” - Jane Doe @ 12:28").
_QUOTATION = re.compile(r"^[\"“„«‘']\S.*[\"”“»’'][,.]?\s*[-–—~]\s*\S")

# Months that date an event: "9 October: Live show (16:30)" gives a time of day, not a chapter.
_MONTHS = (
    "jan(?:uary|uar|vier)?|feb(?:ruary|ruar)?|février|mar(?:ch|s)?|märz|apr(?:il)?|avril|may|mai"
    "|june?|juni|juin|july?|juli|juillet|aug(?:ust)?|août|sept?(?:ember|embre)?|oct(?:ober)?"
    "|okt(?:ober)?|octobre|nov(?:ember|embre)?|dec(?:ember)?|dez(?:ember)?|décembre"
)
_DATED = re.compile(
    rf"^[\W_]*(?:\d{{1,2}}(?:st|nd|rd|th|er)?\.?\s+(?:{_MONTHS})"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?)(?![\w])",
    re.IGNORECASE,
)

_STRONG = "|".join(CHAPTER_HEADINGS)
_WEAK = "|".join(WEAK_CHAPTER_HEADINGS)
# Characters that match each initial under re.IGNORECASE (Unicode folds "ſ" to s, "K" to k).
_FOLDS = {"k": "kK\u212a", "s": "sS\u017f"}


def _initial_first(alternatives: tuple[str, ...]) -> tuple[str, str]:
    """A class of the alternatives' initials, and the alternatives re-checking their initial.

    A pattern that begins with a look-behind is tried at every position of the text; one that
    begins with a character class lets the regex engine skip to the possible initials
    (measured: a fifth of the chapter choice on bench_pages). ``[ct](?:(?<=c)hapters|(?<=t)opics)``
    reads as ``chapters|topics``. Every alternative starts with a plain letter.
    """
    initials = "".join(dict.fromkeys(alt[0] for alt in alternatives))
    chars = "".join(_FOLDS.get(c, c + c.upper()) for c in initials)
    return f"[{chars}]", "|".join(f"(?<={alt[0]}){alt[1:]}" for alt in alternatives)


_INITIALS, _ = _initial_first(CHAPTER_HEADINGS + WEAK_CHAPTER_HEADINGS)
_, _WEAK_TAILS = _initial_first(WEAK_CHAPTER_HEADINGS)
_, _ALL_TAILS = _initial_first(CHAPTER_HEADINGS)
_CHAPTER_HEADING = re.compile(
    rf"(?-i:{_INITIALS})(?<![\w-].)(?:(?:{_ALL_TAILS})(?![\w-])[ \t]*:?"
    rf"|(?:{_WEAK_TAILS})(?![\w-])(?:[ \t]*:|(?=[ \t]*(?:\n|\Z))))",
    re.IGNORECASE,
)
_HEADING_START = re.compile(
    rf"^(?:(?:{_STRONG})(?![\w-])\s*[:\-–—]?\s*|(?:{_WEAK})(?![\w-])\s*:\s*)", re.IGNORECASE
)
_LINK_HEADING_ANY = re.compile(
    rf"(?<![\w-])(?:{'|'.join(LINK_HEADINGS)})(?![\w-])\s*:?", re.IGNORECASE
)
# How a label glued before a list's first time ends: a wide gap or a closing mark
# ("【时间轴】    02:28", "🕗 时间戳  01:18", "/⌛️ 节目内容/  01:24").
_LABEL_END = re.compile(r"(?:[ \t\u3000]{2,}|\t|[】\]）)/|:：][ \t]*)$")
_CONNECTOR_ONLY = re.compile(rf"(?:{'|'.join(_CONNECTORS)})", re.IGNORECASE)
# "…Determination. (voir à 6:20)": words in parentheses before a time, after the line's text.
_ASIDE = re.compile(r"\S\s*\(([^()]*?)\s*$")
_CONNECTOR_END = re.compile(rf"(?:^|\s+)(?:{'|'.join(_CONNECTORS)})$", re.IGNORECASE)
_HASHES_END = re.compile(r"\s#{1,6}$")
_FIRST_SENTENCE_END = re.compile(r"[.!?](?=[\"”’)]?\s+\S)")
_LIST_NUMBER = re.compile(r"^(\d{1,3})(?:[.)]|\s+[-–—])\s+(?=\S)")
# "Alessio [00:00:10]: Hey everyone": a transcript's turn, not a chapter.
_SPEAKER = re.compile(r"^\s*[\w.'’ -]{1,40}?\s*[\[(]?\s*$")
# A Markdown list item's bullet, and the lines that start a block inside an item.
_BULLET_ITEM = re.compile(r"^([ \t]*)[-*+][ \t]")
_BLOCK_START = re.compile(r"^[ \t]*(?:[-*+>•]|\d{1,3}[.)])(?:[ \t]|$)")
# Lines read as one list item's paragraph.
_MAX_CONTINUATION = 10
_ROMAN_BULLET = re.compile(r"^[ivx]{1,4}\.\s+(?=\S)", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9:.,@\[\]()]+")
_SENTENCE_MARKS = (".", "!", "?", ":", "。", "！", "？")


# --------------------------------------------------------------------------------------------
# Titles


def _bare(text: str) -> str:
    return text.strip(" \t\n.,;:!?-–—|()[]*_\"“”'‘’•·#~〜@")


@functools.lru_cache(maxsize=8192)
def clean_title(title: str, *, before_time: bool = True) -> str:
    """A title as a reader sees it: no bullets, separators, emphasis or heading word.

    A heading word ("Timestamps Intro 0:06") only leads a title that stood before its time;
    after the time it is the title's own word ("0:10 Show notes become chapters").
    """
    title = strip_emphasis(" ".join(title.split())).lstrip(_LEAD_JUNK)
    if before_time:
        heading = _HEADING_START.match(title)
        if heading is not None and heading.end() < len(title):
            title = title[heading.end() :].lstrip(_LEAD_JUNK)
        title = _CONNECTOR_END.sub("", title.rstrip(_TRAIL_JUNK))
    title = _ROMAN_BULLET.sub("", title)
    title = _HASHES_END.sub("", title).rstrip(_TRAIL_JUNK)
    if not _bare(title):
        return ""
    if title.endswith((" .", " ,")):
        title = title[:-2].rstrip(_TRAIL_JUNK)
    return _without_final_period(title)[:MAX_TITLE]


def _without_final_period(title: str) -> str:
    """ "This CSS is reusable." -> "This CSS is reusable"; "Acme Inc." and "Wait..." stay.

    An ideographic full stop ends a sentence like a period: "…掌控力。" -> "…掌控力".
    """
    if title.endswith("。"):
        return title.rstrip("。").rstrip()
    if not title.endswith(".") or title.endswith(".."):
        return title
    last = title.rsplit(None, 1)[-1]
    return title if is_abbreviation(last) else title[:-1].rstrip()


def _is_prose(left: str, right: str, title: str) -> bool:
    """Whether a time with text on both sides stands inside a sentence."""
    after = right.lstrip()
    words = [word for word in left.split() if _bare(word)]  # "- [@" holds no word
    if not after[:1].islower():
        return len(title) > _PROSE_TITLE and len(words) >= 2
    return len(words) >= 2 or (bool(words) and words[-1][:1].islower())


def _is_quotation(left: str) -> bool:
    return _QUOTATION.match(left.strip().lstrip("-–—•*> ")) is not None


def _is_aside(left: str, right: str) -> bool:
    """Whether the time is a parenthesised aside of a sentence: "… (voir à 6:20).", "… (see
    12:30)"; "Intro (0:06)" and "Intro (at 0:06)" are entries."""
    aside = _ASIDE.search(left) if right.lstrip().startswith(")") else None
    if aside is None or not _bare(aside[1]):
        return False
    return _CONNECTOR_ONLY.fullmatch(aside[1]) is None


@functools.lru_cache(maxsize=8192)
def _lone_entry(left: str, right: str, *, list_follows: bool = False) -> tuple[str | None, int]:
    """The title of a line's only time (None: not an entry) and where its entry starts.

    ``left`` and ``right`` are the line's text before and after the time. When the next line
    starts with a time (``list_follows``), text on both sides means that the left is a label
    glued before the list's first entry when a gap or a closing mark ends it ("【时间轴】 02:28
    Title" above "06:01 Title"; "Intro 0:00 - Welcome" keeps both).
    """
    if _bare(left) and _is_quotation(left):
        return None, 0  # “We ship it.” - Jane Doe @ 12:28
    if _is_aside(left, right) or _DATED.match(left):
        return None, 0  # "… (voir à 6:20).", "9 October: Live show (16:30)"
    if right.lstrip(" ])）").startswith(":") and _SPEAKER.match(left) and _bare(left):
        return None, 0  # a transcript's turn
    title = clean_title(right, before_time=False)
    cleaned_left = clean_title(left)
    if cleaned_left and title and list_follows and _LABEL_END.search(left):
        return title, len(left)
    if cleaned_left:
        title = clean_title(f"{cleaned_left} {title}") if title else cleaned_left
    if _bare(left) and _bare(right) and _is_prose(left, right, title):
        return None, 0  # "skip to 12:30 for the demo"
    return title, len(left) - len(left.lstrip())


# --------------------------------------------------------------------------------------------
# Lines


class _Line(NamedTuple):
    number: int
    start: int
    end: int


class _Lines:
    """Where each line of a text starts and ends."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)] if "\n" in text else []

    def at(self, pos: int) -> _Line:
        index = bisect.bisect_left(self.newlines, pos)
        start = self.newlines[index - 1] + 1 if index else 0
        end = self.newlines[index] if index < len(self.newlines) else len(self.text)
        return _Line(index, start, end)

    def bounds(self, number: int) -> tuple[int, int]:
        """Where line ``number`` starts and ends (an empty range for no such line)."""
        if number < 0 or number > len(self.newlines):
            return 0, 0
        start = self.newlines[number - 1] + 1 if number else 0
        end = self.newlines[number] if number < len(self.newlines) else len(self.text)
        return start, end

    def without_times(self, pos: int) -> str:
        """What stands beside the time at ``pos`` on its line (its digits and colons gone)."""
        start, end = self.bounds(self.at(pos).number)
        return _DIGITS.sub("", self.text[max(start, pos - 100) : min(end, pos + 100)])

    def number(self, number: int) -> str:
        start, end = self.bounds(number)
        return self.text[start:end]

    def blank_between(self, first: int, second: int) -> bool:
        """Whether a blank line stands between line numbers ``first`` < ``second``."""
        return any(not self.number(n).strip() for n in range(first + 1, second))


def _last_heading(text: str, start: int, end: int) -> re.Match[str] | None:
    """The last chapter-list heading in text[start:end] that stands as a heading.

    "Timestamps", "Chapters:" or a heading at the start of a line count; "with a timecode" in a
    sentence does not.
    """
    found = None
    for match in _CHAPTER_HEADING.finditer(text, start, end):
        word = match.group()
        begin = match.start()
        if not word[0].islower() or word.endswith(":") or begin == 0 or text[begin - 1] == "\n":
            found = match
    return found


def _title_end(text: str, start: int, line_end: int, url_starts: Sequence[int]) -> int:
    """Where the last title of a run-together line ends: a URL, a sentence or a link heading."""
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


def _titles_come_first(before: str, after: str) -> bool:
    """Whether titles come before their times on a run-together line with no heading."""
    if not _bare(after):
        return True
    if not _bare(_LIST_NUMBER.sub("", before.strip())):
        return False
    if before.rstrip().endswith(_SENTENCE_MARKS):
        return False
    return after.lstrip().startswith((".", "!", "?"))


class _Context(NamedTuple):
    text: str
    url_starts: list[int]
    url_ends: list[int]
    titles: Mapping[int, str]  # the own text of jump links, by their start


# A time that may start a chapter.
Token = TimeSpan


def _only_a_link(ctx: _Context, lines: _Lines, number: int) -> bool:
    """Whether line ``number`` holds a bare URL and nothing else but bullets."""
    start, end = lines.bounds(number)
    index = bisect.bisect_left(ctx.url_starts, start)
    if index >= len(ctx.url_starts) or ctx.url_starts[index] >= end:
        return False
    return not _bare(ctx.text[start : ctx.url_starts[index]])


def _single_time_line(
    ctx: _Context, lines: _Lines, token: Token, line: _Line, timed: tuple[set[int], set[int]]
) -> list[Candidate]:
    """The entry of a line with one time; ``timed``: the lines that start with a time, and
    all the lines that hold one."""
    leading, timed_lines = timed
    left = ctx.text[line.start : token.start]
    right = ctx.titles.get(token.start) or ctx.text[token.end : _url_cut(ctx, token.end, line.end)]
    if not _bare(left) and not _bare(right) and _only_a_link(ctx, lines, line.number - 1):
        return []  # "https://…/ep32" then "- 49:17 ~": a place in the linked episode
    title, indent = _lone_entry(left, right, list_follows=line.number + 1 in leading)
    if title is None:
        return []
    more = _continuation(lines, line.number, timed_lines)
    if more:
        title = clean_title(f"{title} {more}", before_time=False) if title else clean_title(more)
    return [Candidate(token.ms, title, line.start + indent, token.start)]


def _continuation(lines: _Lines, number: int, timed: Container[int]) -> str:
    """The lines that continue the Markdown list item on line ``number``, joined: the lines
    indented under its bullet, up to a blank line, a sub-bullet, a quote or a line with a time::

        - [@2:56](https://youtu.be/...?t=176)
          illumos announcement on the end of
          SPARC support
    """
    item = _BULLET_ITEM.match(lines.number(number))
    if item is None:
        return ""
    indent = len(item[1])
    parts = []
    for following in range(number + 1, number + 1 + _MAX_CONTINUATION):
        line = lines.number(following)
        if following in timed or not line.strip() or _BLOCK_START.match(line):
            break
        if len(line) - len(line.lstrip()) <= indent:
            break
        parts.append(line.strip())
    return " ".join(parts)


def _url_cut(ctx: _Context, start: int, end: int) -> int:
    """``end``, or the start of a URL in text[start:end] ("0:00 Intro <https://...>")."""
    index = bisect.bisect_left(ctx.url_starts, start)
    if index < len(ctx.url_starts) and ctx.url_starts[index] < end:
        return ctx.url_starts[index]
    return end


def _titles_before(ctx: _Context, tokens: Sequence[Token], begin: int) -> list[Candidate]:
    """A run-together line of "Title 0:06 Title 1:40": each title ends at its time."""
    out = []
    text, titles = ctx.text, ctx.titles
    for start, end, ms in tokens:
        out.append(
            _candidate((ms, titles.get(start) or clean_title(text[begin:start]), begin, start))
        )
        begin = end
    return out


def _titles_after(ctx: _Context, tokens: Sequence[Token], line_end: int) -> list[Candidate]:
    """A run-together line of "0:06 Title 1:40 Title": each title runs to the next time."""
    out = []
    for index, token in enumerate(tokens):
        if index + 1 < len(tokens):
            stop = tokens[index + 1].start
        else:
            stop = _title_end(ctx.text, token.end, line_end, ctx.url_starts)
        title = ctx.titles.get(token.start) or clean_title(
            ctx.text[token.end : stop], before_time=False
        )
        out.append(_candidate((token.ms, title, token.start, token.start)))
    return out


def _run_together_line(ctx: _Context, tokens: Sequence[Token], line: _Line) -> list[Candidate]:
    text = ctx.text
    first = tokens[0].start
    floor = line.start
    index = bisect.bisect_right(ctx.url_ends, first) - 1
    if index >= 0 and ctx.url_ends[index] > floor:
        floor = ctx.url_ends[index]
    window = max(floor, first - 300)
    before, after = text[window:first], text[tokens[-1].end : line.end]
    heading = _last_heading(text, window, first)
    if heading is not None:
        first_title = bool(_bare(text[heading.end() : first]))
    else:
        if len(tokens) <= 3 and _bare(before[last_sentence_end(before) :]) and _bare(after):
            return []  # "a timecode 10:12 here. Another one 1:10:12 here!" is prose
        first_title = _titles_come_first(before, after)
    if not first_title:
        return _titles_after(ctx, tokens, line.end)
    # The first title begins after a heading, else after the last sentence end.
    if window != floor:
        heading = _last_heading(text, floor, first)
    begin = heading.end() if heading is not None else floor + last_sentence_end(text[floor:first])
    return _titles_before(ctx, tokens, begin)


def line_entries(
    text: str, tokens: Sequence[Token], urls: Sequence[UrlSpan], titles: Mapping[int, str]
) -> tuple[list[Candidate], _Lines]:
    """The chapter entries of every line that holds a time, in text order.

    ``titles`` are the own texts of jump links (``#t=``) by their start: their titles.
    """
    lines = _Lines(text)
    ctx = _Context(text, [u.start for u in urls], [u.raw_end for u in urls], titles)
    candidates: list[Candidate] = []
    groups = list(_group_by_line(lines, tokens))
    leading = {
        line.number for line, on_line in groups if not _bare(text[line.start : on_line[0].start])
    }
    timed = (leading, {line.number for line, _ in groups})
    for line, on_line in groups:
        if len(on_line) == 1:
            candidates += _single_time_line(ctx, lines, on_line[0], line, timed)
        else:
            candidates += _run_together_line(ctx, on_line, line)
    _fill_lone_times(lines, candidates)
    return candidates, lines


def _group_by_line(lines: _Lines, tokens: Sequence[Token]) -> Iterator[tuple[_Line, list[Token]]]:
    group: list[Token] = []
    line = _Line(-1, 0, -1)
    for token in tokens:
        if token.start > line.end:
            if group:
                yield line, group
            group, line = [], lines.at(token.start)
        group.append(token)
    if group:
        yield line, group


def _fill_lone_times(lines: _Lines, candidates: list[Candidate]) -> None:
    """A time alone on its line takes its title from the line after it (or before it).

    The line after may be the first of a bullet list of the segment's topics: its first topic
    is the title.
    """
    empty = [index for index, cand in enumerate(candidates) if not cand.title]
    if not empty:
        return
    taken = {lines.at(cand.token).number for cand in candidates}

    def neighbour(token: int, step: int) -> str:
        """The nearest line above or below (across blank lines) that holds no time."""
        number = lines.at(token).number + step
        for _ in range(3):
            if number in taken:
                return ""
            line = lines.number(number)[: 2 * MAX_TITLE]
            if line.strip():
                return line
            number += step
        return ""

    follow = bool(clean_title(neighbour(candidates[empty[-1]].token, 1)))
    follow = follow or not clean_title(neighbour(candidates[empty[0]].token, -1))
    for index in empty:
        cand = candidates[index]
        above = neighbour(cand.token, -1)
        # "## Libraries and projects" above "Starts at [00:21:40].": the heading names it.
        heading = _is_heading_line(above) and bool(_bare(lines.without_times(cand.token)))
        line = above if heading or not follow else neighbour(cand.token, 1)
        candidates[index] = cand._replace(title=clean_title(line))


# --------------------------------------------------------------------------------------------
# Lists


def _under_heading(text: str, token: int, floor: int) -> bool:
    heading = _last_heading(text, max(floor, token - 130), token)
    return heading is not None and token - heading.end() <= 100


def _same_list(lines: _Lines, previous: Candidate, cand: Candidate) -> bool:
    """Whether ``cand`` continues the list of ``previous``: it goes on in time, or it is on a
    later line of the same paragraph or a later heading (a list written out of order)."""
    if cand.ms >= previous.ms:
        return True
    before, after = lines.at(previous.token).number, lines.at(cand.token).number
    if after <= before:
        return False
    if _is_heading_line(lines.number(before)) and _is_heading_line(lines.number(after)):
        return True  # "### Title (1:42:30~)" sections, written out of order
    if _after_label(lines, cand):
        return False  # "☁️ 猜你想搜  01:35 Title": a label starts another list
    return after - before <= 3 and not lines.blank_between(before, after)


def _after_label(lines: _Lines, cand: Candidate) -> bool:
    """Whether a label stands on the entry's line before it ("【时间轴】 02:28 Title")."""
    start, _ = lines.bounds(lines.at(cand.entry).number)
    return bool(_bare(lines.text[start : cand.entry]))


def _is_heading_line(line: str) -> bool:
    return line.lstrip().startswith("#")


def _lists(lines: _Lines, candidates: Sequence[Candidate]) -> Iterator[list[Candidate]]:
    run: list[Candidate] = []
    for cand in candidates:
        if run and cand.ms < run[-1].ms and not _same_list(lines, run[-1], cand):
            yield run
            run = []
        run.append(cand)
    if run:
        yield run


def _best_list(text: str, lines: _Lines, candidates: Sequence[Candidate]) -> list[Candidate]:
    best: list[Candidate] = []
    best_key = (False, 0)
    floor = 0
    for run in _lists(lines, candidates):
        heading = _under_heading(text, run[0].token, floor)
        floor = run[-1].token
        key = (heading, len(run))
        if (len(run) >= 2 or heading) and key > best_key:
            best, best_key = run, key
    if all(names_a_book(cand.title) for cand in best):
        return []  # "John 3:16, John 3:17 and Mark 12:30" are verses, not chapters
    return best


def _without_list_numbers(titles: list[str]) -> list[str]:
    """Titles without "1.", "2.", "3." when the list numbers its entries one after another;
    a number that belongs to a title ("147. Retro") stays."""
    numbers = [_LIST_NUMBER.match(title) for title in titles]
    if len(titles) < 2 or any(n is None for n in numbers):
        return titles
    values = [int(n[1]) for n in numbers if n is not None]
    if any(b != a + 1 for a, b in itertools.pairwise(values)):
        return titles
    return [title[n.end() :] for title, n in zip(titles, numbers, strict=True) if n is not None]


def choose_chapters(text: str, lines: _Lines, candidates: Sequence[Candidate]) -> list[Candidate]:
    """The one chapter list of the notes, sorted by start, titles final ("" never remains)."""
    chosen = _without_repeats(sorted(_best_list(text, lines, candidates)))[:MAX_CHAPTERS]
    titles = _without_list_numbers([cand.title for cand in chosen])
    if all(titles) and titles == [cand.title for cand in chosen]:
        return chosen
    return [
        _candidate((cand.ms, title or f"Chapter {number}", cand.entry, cand.token))
        for number, (cand, title) in enumerate(zip(chosen, titles, strict=True), 1)
    ]


def _without_repeats(chosen: list[Candidate]) -> list[Candidate]:
    """The first of each (start, title): a list printed twice is one list."""
    if len({cand.ms for cand in chosen}) == len(chosen):
        return chosen
    unique: dict[tuple[int, str], Candidate] = {}
    for cand in chosen:
        unique.setdefault((cand.ms, cand.title), cand)
    return list(unique.values())
