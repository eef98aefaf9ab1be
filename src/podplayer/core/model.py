"""The data model: frozen values shared by every layer.

All positions and durations are int milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from enum import StrEnum


class ChapterSource(StrEnum):
    """Where a chapter list came from, in order of precedence (tags win)."""

    TAGS = "tags"
    JSON = "json"
    PSC = "psc"
    SHOWNOTES = "shownotes"
    USER = "user"
    # Derived from a timed transcript when the user asks; never replaces a real list by itself.
    TRANSCRIPT = "transcript"


@dataclass(frozen=True, slots=True)
class Chapter:
    """A jump point: starts at ``start_ms``; ``end_ms`` is None when the source gives none."""

    start_ms: int
    title: str
    end_ms: int | None = None
    url: str | None = None
    image: str | None = None
    source: str = ChapterSource.SHOWNOTES


def shownotes_chapters(starts: Sequence[int], titles: Sequence[str]) -> tuple[Chapter, ...]:
    """``Chapter(start, title)`` for each pair (int ms; no end, URL or image; source shownotes).

    Equal to calling the constructor, about twice as fast: a frozen dataclass's ``__init__``
    goes through ``object.__setattr__`` for each field, and a large page makes hundreds of
    thousands of chapters. Raises ValueError when the sequences differ in length.
    """
    if len(starts) != len(titles):
        raise ValueError("as many titles as starts are needed")
    new = object.__new__
    set_start, set_title, set_end, set_url, set_image, set_source = _CHAPTER_SLOTS
    source = ChapterSource.SHOWNOTES
    chapters = []
    for start, title in zip(starts, titles, strict=True):
        chapter = new(Chapter)
        set_start(chapter, start)
        set_title(chapter, title)
        set_end(chapter, None)
        set_url(chapter, None)
        set_image(chapter, None)
        set_source(chapter, source)
        chapters.append(chapter)
    return tuple(chapters)


# The slot descriptors' setters in field order: the one way to fill a frozen instance's fields
# without object.__setattr__.
_CHAPTER_SLOTS = tuple(getattr(Chapter, f.name).__set__ for f in fields(Chapter))


@dataclass(frozen=True, slots=True)
class Link:
    """A link from the notes; ``chapter_index``: the chapter whose part of the notes held it."""

    label: str
    url: str
    chapter_index: int | None = None


# A transcript a feed names for an episode (``podcast:transcript``): ``url`` absolute, ``type``
# the MIME type the feed gives (text/vtt, application/srt, application/json, text/html...),
# ``language`` and ``rel`` ("captions") as the feed writes them, or None.
@dataclass(frozen=True, slots=True)
class TranscriptRef:
    url: str
    type: str
    language: str | None = None
    rel: str | None = None


@dataclass(frozen=True, slots=True)
class Episode:
    """One episode. ``chapters_url``: the Podcast 2.0 JSON chapters file the feed names (or
    None); ``transcripts``: every transcript the feed names, in feed order."""

    guid: str
    number: int | None
    title: str
    published: datetime | None = None
    duration_ms: int | None = None
    audio_url: str | None = None
    local_path: str | None = None
    description: str = ""
    chapters: tuple[Chapter, ...] = ()
    links: tuple[Link, ...] = ()
    chapters_url: str | None = None
    transcripts: tuple[TranscriptRef, ...] = ()

    @property
    def audio(self) -> str | None:
        """The local file if there is one, else the enclosure URL."""
        return self.local_path or self.audio_url


@dataclass(frozen=True, slots=True)
class Podcast:
    url: str
    title: str
    description: str = ""
    image: str | None = None
    episodes: tuple[Episode, ...] = ()


def chapter_lengths(chapters: tuple[Chapter, ...], duration_ms: int | None) -> list[int | None]:
    """Each chapter's length in ms: its own end, else the next start, else the episode's end.

    >>> chapter_lengths((Chapter(0, "a"), Chapter(6000, "b")), 10000)
    [6000, 4000]
    >>> chapter_lengths((Chapter(0, "a"), Chapter(6000, "b")), None)
    [6000, None]
    """
    lengths: list[int | None] = []
    for i, chapter in enumerate(chapters):
        if chapter.end_ms is not None:
            end: int | None = chapter.end_ms
        elif i + 1 < len(chapters):
            end = chapters[i + 1].start_ms
        else:
            end = duration_ms
        lengths.append(None if end is None else max(0, end - chapter.start_ms))
    return lengths


def with_source(chapters: tuple[Chapter, ...], source: str) -> tuple[Chapter, ...]:
    return tuple(replace(c, source=source) for c in chapters)


# "68: Title", "Episode 12 - Title", "#12 | Title".
_NUMBERED_TITLE = re.compile(
    r"^(?:(?:episode|ep\.?)\s*|\#)?(?P<num>\d{1,5})\s*(?::|\s[-–—|])\s+(?P<title>\S.*)$",
    re.IGNORECASE,
)


def split_number(title: str) -> tuple[int | None, str]:
    """("68: How to Build", ...) -> (68, "How to Build"); other titles are kept whole.

    >>> split_number("68: How to Build a Mixed Reality Headset")
    (68, 'How to Build a Mixed Reality Headset')
    >>> split_number("Episode 12 - Ads")
    (12, 'Ads')
    >>> split_number("ARCHIVE: From Facebook Home to Instagram Stories")
    (None, 'ARCHIVE: From Facebook Home to Instagram Stories')
    >>> split_number("2024: a look back")
    (None, '2024: a look back')
    """
    match = _NUMBERED_TITLE.match(title.strip())
    # Four-digit numbers from 1900 on are years far more often than episode numbers.
    if match and not 1900 <= int(match["num"]) <= 2100:
        return int(match["num"]), match["title"].strip()
    return None, title.strip()
