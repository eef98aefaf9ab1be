"""Podcast pages and show-notes files -> Podcast.

A *page* lists a podcast's episodes as text, as podcast websites and directories show them:

    <podcast description>
    Similar Podcasts
    <name>
    <blurb>
    68: How to Build a Mixed Reality Headset
    <show notes of episode 68>
    ARCHIVE: From Facebook Home to Instagram Stories
    <show notes>

A *show-notes file* (.txt or .html) holds one episode's notes. Chapters and links come from
:mod:`podplayer.core.notes` in both cases.
"""

from __future__ import annotations

import gc
import html
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from podplayer.core.errors import ParseError
from podplayer.core.model import Episode, Podcast, split_number
from podplayer.core.notes import looks_like_html, parse_shownotes

# "68: Title", "ARCHIVE: Title", "BONUS - Title", "Episode 12: Title", "#12 - Title".
_EPISODE_HEADER = re.compile(
    r"""^(?:
        (?:(?i:episode|ep\.?)\s*|\#)?(?P<num>\d{1,5})\s*(?::|\s[-–—|])\s+
      | (?P<tag>[A-Z][A-Z]{2,15})\s*(?::|\s[-–—])\s+
    )(?P<title>\S.{0,250})$""",
    re.VERBOSE,
)
_SIMILAR_HEADING = re.compile(
    r"^(similar|related|more|other|you might also like)\b.{0,30}podcasts?\s*:?$", re.IGNORECASE
)
_TIMECODE_ANYWHERE = re.compile(r"\b\d{1,2}:\d{2}\b")
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_HTML_HEADING = re.compile(r"<h[12][^>]*>(.*?)</h[12]>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def humanize_name(name: str) -> str:
    """A title from a file name: "meta-tech-podcast.txt" -> "Meta Tech Podcast".

    >>> humanize_name("meta-tech-podcast.txt")
    'Meta Tech Podcast'
    """
    stem = Path(name).stem if "." in name else name
    words = re.split(r"[-_\s]+", stem.strip())
    return " ".join(w[:1].upper() + w[1:] for w in words if w)


def _is_header(lines: list[str], i: int) -> bool:
    """An episode header is a short header-shaped line followed by a line of notes."""
    line = lines[i]
    if len(line) > 250 or not _EPISODE_HEADER.match(line):
        return False
    # "10:30 Intro" or "12: 34 Topic" would be chapter lines, not headers.
    if _TIMECODE_ANYWHERE.search(line):
        return False
    nxt = i + 1
    return nxt < len(lines) and not _EPISODE_HEADER.match(lines[nxt])


def _episode(
    header: str, body: str, *, source_name: str, index: int, duration_ms: int | None = None
) -> Episode:
    number, title = split_number(header)
    notes = parse_shownotes(body, duration_ms=duration_ms)
    key = str(number) if number is not None else re.sub(r"\W+", "-", title.lower()).strip("-")
    return Episode(
        guid=f"{source_name}#{key or index}",
        number=number,
        title=title,
        duration_ms=duration_ms,
        description=body,
        chapters=notes.chapters,
        links=notes.links,
    )


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cycle collector while a big page is parsed.

    The parse builds hundreds of thousands of frozen, acyclic objects; each full collection
    walks all of them and frees nothing (a third of the time on a 10,000-episode page).
    Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_page(text: str, *, name: str = "podcast", url: str = "") -> Podcast:
    """A Podcast from a page's text: its description and every episode once, in page order.

    ``name`` (usually the file name) gives the title when the page has no title line.
    Raises ParseError when the text holds no episode.
    """
    with _no_cyclic_gc():
        return _parse_page(text, name=name, url=url)


def _parse_page(text: str, *, name: str, url: str) -> Podcast:
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    headers = [i for i in range(len(lines)) if _is_header(lines, i)]
    if not headers:
        raise ParseError(f"“{name}” lists no episodes (expected lines such as “68: Title”)")

    preamble = lines[: headers[0]]
    for cut, line in enumerate(preamble):
        if _SIMILAR_HEADING.match(line):
            # Everything from here to the first episode names other podcasts.
            preamble = preamble[:cut]
            break
    title = humanize_name(name)
    if len(preamble) >= 2 and len(preamble[0]) <= 80 and not preamble[0].endswith("."):
        title, preamble = preamble[0], preamble[1:]
    description = "\n".join(preamble)

    episodes: list[Episode] = []
    seen: set[tuple[str, str]] = set()
    bounds = [*headers, len(lines)]
    for n, (start, end) in enumerate(itertools.pairwise(bounds)):
        header, body = lines[start], "\n".join(lines[start + 1 : end])
        if (header, body) in seen:  # pages repeat featured episodes
            continue
        seen.add((header, body))
        episodes.append(_episode(header, body, source_name=name, index=n))
    return Podcast(url=url, title=title, description=description, episodes=tuple(episodes))


def parse_notes_file(text: str, *, name: str = "notes.txt", url: str = "") -> Podcast:
    """One episode from a show-notes text or HTML; its title is the first line or heading.

    Raises ParseError for an empty text.
    """
    if not text.strip():
        raise ParseError(f"“{name}” is empty")
    title = ""
    body = text
    if looks_like_html(text):
        match = _HTML_HEADING.search(text) or _HTML_TITLE.search(text)
        if match:
            title = html.unescape(_TAG.sub("", match[1])).strip()
    else:
        first, _, rest = text.strip().partition("\n")
        first = first.strip()
        if (
            rest.strip()
            and len(first) <= 150
            and "://" not in first
            and not _TIMECODE_ANYWHERE.search(first)
        ):
            title, body = first, rest
    number, title = split_number(" ".join(title.split()) or humanize_name(name))
    notes = parse_shownotes(body)
    episode = Episode(
        guid=f"{name}#1",
        number=number,
        title=title,
        description=body.strip(),
        chapters=notes.chapters,
        links=notes.links,
    )
    return Podcast(url=url, title=humanize_name(name), description="", episodes=(episode,))


def looks_like_page(text: str) -> bool:
    """True when the text lists several episodes; one episode's notes are a show-notes file."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return sum(_is_header(lines, i) for i in range(len(lines))) >= 2


def parse_text(text: str, *, name: str, url: str = "") -> Podcast:
    """A page or a single show-notes file, whichever the text is."""
    if not looks_like_html(text) and looks_like_page(text):
        return parse_page(text, name=name, url=url)
    return parse_notes_file(text, name=name, url=url)


def decode(data: bytes, *, name: str) -> str:
    """Text from bytes: UTF-8 (BOM or not), else Windows-1252. Raises ParseError for binary."""
    if b"\x00" in data[:4096]:
        raise ParseError(f"“{name}” is not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
