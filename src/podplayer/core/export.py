"""Chapter lists out: Podcast 2.0 JSON, Podlove Simple Chapters, plain text, FFmetadata.

Every writer takes chapters with int-millisecond positions and returns the whole document as
text ending in a newline, ready for a file or the clipboard. Each format reads back through
podplayer's own reader of it (and FFmetadata through ffmpeg) with its milliseconds intact.
Also here: the text and link a listener copies to share a moment of an episode.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

from podplayer.core.errors import PodplayerError
from podplayer.core.model import Chapter, chapter_lengths
from podplayer.core.timecode import format_ms, seconds

PSC_NAMESPACE: Final = "http://podlove.org/simple-chapters"

# Characters XML 1.0 cannot carry at all, even as references; dropped rather than failing.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_ATTR_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)
# ffmpeg's ffmetadata reader: these are escaped with a backslash; a NUL ends its line reading.
_FFMETA_ESCAPES = str.maketrans({c: "\\" + c for c in "=;#\\\n\r"} | {"\0": ""})


def _hms(ms: int, *, millis: bool) -> str:
    """``HH:MM:SS`` (hours at least two digits), with ``.mmm`` when ``millis``."""
    total_s, rest = divmod(max(0, ms), 1000)
    minutes, secs = divmod(total_s, 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{text}.{rest:03d}" if millis else text


def to_podcast20_json(chapters: Sequence[Chapter], *, title: str | None = None) -> str:
    """A Podcast 2.0 chapters file (version 1.2.0): ``startTime``/``endTime`` in float seconds.

    ``endTime``, ``url`` and ``img`` are written only for chapters that have them; ``title`` is
    the document's title (usually the episode's). Raises nothing.
    """
    entries: list[dict[str, Any]] = []
    for chapter in chapters:
        entry: dict[str, Any] = {"startTime": seconds(chapter.start_ms), "title": chapter.title}
        if chapter.end_ms is not None:
            entry["endTime"] = seconds(chapter.end_ms)
        if chapter.url:
            entry["url"] = chapter.url
        if chapter.image:
            entry["img"] = chapter.image
        entries.append(entry)
    doc: dict[str, Any] = {"version": "1.2.0"}
    if title:
        doc["title"] = title
    doc["chapters"] = entries
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _xml_attr(text: str) -> str:
    return '"' + _NOT_XML.sub("", text).translate(_XML_ATTR_ESCAPES) + '"'


def to_psc(chapters: Sequence[Chapter]) -> str:
    """A ``<psc:chapters version="1.2">`` fragment for a feed item or a standalone file.

    ``start`` is Normal Play Time ``HH:MM:SS.mmm``; ``href`` and ``image`` are written when known.
    Characters XML cannot hold (most control characters) are dropped. Raises nothing.
    """
    lines = [f'<psc:chapters version="1.2" xmlns:psc="{PSC_NAMESPACE}">']
    for chapter in chapters:
        attrs = f"start={_xml_attr(_hms(chapter.start_ms, millis=True))}"
        attrs += f" title={_xml_attr(chapter.title)}"
        if chapter.url:
            attrs += f" href={_xml_attr(chapter.url)}"
        if chapter.image:
            attrs += f" image={_xml_attr(chapter.image)}"
        lines.append(f"  <psc:chapter {attrs}/>")
    lines.append("</psc:chapters>")
    return "\n".join(lines) + "\n"


def to_text(chapters: Sequence[Chapter]) -> str:
    """One ``00:00:06 Intro`` line per chapter, as show notes carry them.

    Milliseconds appear (``00:05:10.500``) only when they are not zero; line breaks in a title
    become spaces so that each chapter stays on its line. Raises nothing.
    """
    lines = []
    for chapter in chapters:
        title = " ".join(chapter.title.split())
        time = _hms(chapter.start_ms, millis=chapter.start_ms % 1000 != 0)
        lines.append(f"{time} {title}".rstrip())
    return "".join(line + "\n" for line in lines)


def _ffmeta(text: str) -> str:
    return text.translate(_FFMETA_ESCAPES)


def to_ffmetadata(
    chapters: Sequence[Chapter], *, duration_ms: int | None = None, title: str | None = None
) -> str:
    """An FFMETADATA1 file for ``ffmpeg -i audio -i this -map_chapters 1``; times in ms.

    A chapter ends at its own end, else at the next chapter's start, else at ``duration_ms``
    (int ms). ffmpeg requires an END, so when none of those is known the chapter ends where it
    starts. ``title`` becomes the file's title. Raises nothing.
    """
    lines = [";FFMETADATA1"]
    if title:
        lines.append(f"title={_ffmeta(title)}")
    # An own end that is not after the start (0, or the start again, as some tag writers
    # leave it) says nothing: the next start or the duration gives the real length.
    known = tuple(
        replace(c, end_ms=None) if c.end_ms is not None and c.end_ms <= c.start_ms else c
        for c in chapters
    )
    for chapter, length in zip(known, chapter_lengths(known, duration_ms), strict=True):
        start = max(0, chapter.start_ms)
        lines += [
            "",
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={start}",
            f"END={start + (length or 0)}",
        ]
        if chapter.title:
            lines.append(f"title={_ffmeta(chapter.title)}")
    return "\n".join(lines) + "\n"


FORMATS: Final[Mapping[str, Callable[..., str]]] = MappingProxyType(
    {
        "json": to_podcast20_json,
        "psc": to_psc,
        "text": to_text,
        "ffmetadata": to_ffmetadata,
    }
)
# The options of export() each format uses; the others are ignored for it.
_OPTIONS: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        "json": frozenset({"title"}),
        "psc": frozenset(),
        "text": frozenset(),
        "ffmetadata": frozenset({"title", "duration_ms"}),
    }
)
SUFFIXES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "json": ".chapters.json",
        "psc": ".psc.xml",
        "text": ".chapters.txt",
        "ffmetadata": ".ffmetadata",
    }
)


def export(
    chapters: Sequence[Chapter],
    fmt: str,
    *,
    title: str | None = None,
    duration_ms: int | None = None,
) -> str:
    """``chapters`` in the format named ``fmt`` (a key of FORMATS).

    ``title`` (the episode's) and ``duration_ms`` (int ms) go to the formats that use them.
    Raises PodplayerError for an unknown format name.
    """
    try:
        writer, wanted = FORMATS[fmt], _OPTIONS[fmt]
    except KeyError:
        raise PodplayerError(
            f"“{fmt}” is not a chapter format; use one of {', '.join(FORMATS)}"
        ) from None
    options = {"title": title, "duration_ms": duration_ms}
    return writer(chapters, **{key: value for key, value in options.items() if key in wanted})


def share_line(episode_title: str, chapter_title: str | None, position_ms: int) -> str:
    """The text to paste with a link: ``Title — Chapter (12:34)``; position in int ms.

    Without a chapter title: ``Title (12:34)``.

    >>> share_line("How to Build a Headset", "Displays", 754_500)
    'How to Build a Headset — Displays (12:34)'
    >>> share_line("Demo", None, 3_723_000)
    'Demo (1:02:03)'
    """
    head = episode_title.strip()
    if chapter_title and chapter_title.strip():
        head += f" — {chapter_title.strip()}"
    return f"{head} ({format_ms(max(0, position_ms))})"


def link_at(url: str, position_ms: int) -> str:
    """``url`` pointing at ``position_ms`` (int ms) with a ``#t=SECONDS`` media fragment.

    Seconds are whole (rounded down), which every player that reads the fragment understands.
    An existing fragment is replaced. Raises nothing.

    >>> link_at("https://example.org/ep68.mp3#t=10", 754_500)
    'https://example.org/ep68.mp3#t=754'
    """
    parts = urlsplit(url)
    return urlunsplit(parts._replace(fragment=f"t={max(0, position_ms) // 1000}"))
