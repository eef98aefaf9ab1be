"""The transcript values every reader returns, and the bounds every reader keeps.

Positions are int milliseconds. A cue of an untimed transcript (HTML or plain text) has no
times: it is shown, not synced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from podplayer.core.errors import ParseError

# Bounds on what a reader accepts and allocates.
MAX_BYTES = 16 * 1024 * 1024  # a 3-hour word-level JSON transcript is about 3 MB
MAX_ENTRIES = 200_000  # cues, segments or paragraphs read from one file
MAX_TEXT = 20_000  # characters kept of one cue's text (a long HTML paragraph)
MAX_SPEAKER = 100  # characters kept of a speaker's name
MAX_TIME_MS = 1_000_000 * 1000  # beyond 11 days: not a position in an episode

# "Travis: When you first ..." - up to four capitalised words (or numbers), then a colon.
_NAME_PREFIX = re.compile(r"([A-Z0-9][\w'’.\-]*(?: [A-Z0-9][\w'’.\-]*){0,3})[ \t]?:[ \t]+(?=\S)")


@dataclass(frozen=True, slots=True)
class Cue:
    """One line of a transcript: ``start_ms``/``end_ms`` are None in an untimed transcript.

    ``speaker`` is the voice the line is said in, carried over from the line before when the
    file names a speaker only where the speaker changes (as the Podcasting 2.0 formats do).
    """

    start_ms: int | None
    end_ms: int | None
    text: str
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    """The lines of one transcript in time order (file order when untimed).

    ``format`` is the reader that produced it: ``vtt``, ``srt``, ``json``, ``html`` or ``text``.
    ``version`` is the JSON format's version field when the file has one.
    """

    cues: tuple[Cue, ...]
    format: str
    version: str | None = None

    @property
    def timed(self) -> bool:
        """True when the lines carry times (and can follow playback)."""
        return bool(self.cues) and self.cues[0].start_ms is not None

    @property
    def speakers(self) -> tuple[str, ...]:
        """The distinct speakers in the order they first speak."""
        return tuple(dict.fromkeys(c.speaker for c in self.cues if c.speaker))


# A lone surrogate, which JSON can escape ("\\ud800") but no file or terminal can write.
_SURROGATE = re.compile("[\ud800-\udfff]")


def too_large(data: bytes) -> None:
    """Raises ParseError when ``data`` is beyond what a transcript can be."""
    if len(data) > MAX_BYTES:
        raise ParseError(f"This transcript is too large ({len(data) // 1024 // 1024} MB)")


def decode(data: bytes) -> str:
    """Text from transcript bytes: UTF-8 (BOM or none), UTF-16 with a BOM, else Windows-1252.

    Old SRT files are often in a legacy code page; a wrong guess gives odd letters, not an error.
    Line ends are normalised to ``\\n``.
    """
    too_large(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    if "\r" in text:
        # "\r\r\n" is one break written by a tool that converted CRLF text once more.
        text = text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\x00", "")


def clip_text(text: str) -> str:
    """``text`` with its white space collapsed and cut to MAX_TEXT characters."""
    text = " ".join(_SURROGATE.sub("\ufffd", text).split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def clip_speaker(name: str | None) -> str | None:
    """A speaker's name trimmed (and cut to MAX_SPEAKER), None when empty."""
    if not name:
        return None
    name = " ".join(_SURROGATE.sub("\ufffd", name).split()).rstrip(":").strip()
    return name[:MAX_SPEAKER] or None


def split_speaker(text: str) -> tuple[str | None, str]:
    """(speaker, rest) of a line that opens with ``Name:``, else (None, text).

    >>> split_speaker("Adam Curry: podcasting 2.0 March")
    ('Adam Curry', 'podcasting 2.0 March')
    >>> split_speaker("at 10:30 we start")
    (None, 'at 10:30 we start')
    """
    named = _NAME_PREFIX.match(text)
    if named is None:
        return None, text
    return clip_speaker(named.group(1)), text[named.end() :]
