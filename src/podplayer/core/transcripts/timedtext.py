"""WebVTT and SubRip (SRT) transcripts: cue times, voice spans, ``Name:`` speakers.

Both are read by one line scanner, lenient the way real files need: hours are optional
(``0.860 --> 7.380`` and ``1:01.460`` occur), the fraction may follow a comma or a dot, cue
numbers may be missing, wrong or glued to the previous cue without a blank line; NOTE, STYLE
and REGION blocks, cue identifiers and cue settings are skipped. A cue's lines are joined into
one line of text; markup (``<i>``, ``<c.x>``, inline timestamps) is dropped and entities decoded.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from podplayer.core.errors import ParseError
from podplayer.core.transcripts.model import (
    MAX_ENTRIES,
    MAX_TEXT,
    MAX_TIME_MS,
    Cue,
    Transcript,
    clip_speaker,
    clip_text,
    decode,
    split_speaker,
)

# [[H:]M:]S[.fff]: hours and minutes optional, the fraction after "." or ",".
_TIME = r"(?:(?:(\d{1,5}):)?(\d{1,3}):)?(\d{1,7})(?:[.,](\d{1,9}))?"
_TIMING = re.compile(rf"[ \t]*{_TIME}[ \t]*-->[ \t]*{_TIME}(?:[ \t].*)?")
_MAX_TIMING_LINE = 512  # a longer line is text, never a timing line (cue settings are short)

_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]*)>")
# The tags captions use (WebVTT's and SRT's <font>), and WebVTT's inline timestamps; any other
# "<...>" is text (SRT has no escapes: "a <b> c" there may be words).
_MARKUP = re.compile(
    r"</?(?:[ibu]|c|v|lang|ruby|rt|font|span)(?=[\s.>])[^<>]*>|<\d[\d:.]*>", re.IGNORECASE
)


def _ms(hours: str | None, minutes: str | None, seconds: str, frac: str | None) -> int | None:
    """Milliseconds from the groups of one _TIME, None when they don't make a time."""
    if minutes is not None:
        if len(seconds) > 2 or int(seconds) > 59:
            return None
        if hours is not None and int(minutes) > 59:
            return None
    elif frac is None:
        return None  # a bare number is a cue number, not a time
    millis = int(frac[:3].ljust(3, "0")) if frac else 0
    total = ((int(hours or 0) * 60 + int(minutes or 0)) * 60 + int(seconds)) * 1000 + millis
    return total if total <= MAX_TIME_MS else None


def _timing(line: str) -> tuple[int, int | None] | None:
    """(start, end) of a timing line, None for any other line; end None when before start."""
    if "-->" not in line or len(line) > _MAX_TIMING_LINE:
        return None
    match = _TIMING.fullmatch(line)
    if match is None:
        return None
    groups = match.groups()
    start = _ms(*groups[:4])
    end = _ms(*groups[4:])
    if start is None or end is None:
        return None
    return start, (end if end >= start else None)


def _scan(text: str) -> Iterator[tuple[int, int | None, list[str]]]:
    """Each cue as (start, end, its text lines), in file order."""
    current: tuple[int, int | None, list[str]] | None = None
    in_cue = False  # the lines since the last timing line are the cue's text
    count = 0
    for line in text.split("\n"):
        if not line or line.isspace():
            in_cue = False
            continue
        times = _timing(line)
        if times is None:
            if in_cue and current is not None:
                current[2].append(line)
            # Outside a cue: a header, a cue identifier or number, NOTE/STYLE/REGION text.
            continue
        if current is not None:
            lines = current[2]
            # A cue number glued to the previous cue's text (no blank line before it).
            if in_cue and len(lines) > 1 and lines[-1].strip().isdigit():
                lines.pop()
            yield current
        count += 1
        if count > MAX_ENTRIES:
            raise ParseError(f"This transcript has more than {MAX_ENTRIES:,} cues")
        current = (times[0], times[1], [])
        in_cue = True
    if current is not None:
        yield current


def _cue_text(lines: list[str]) -> tuple[str, str | None]:
    """(plain text, speaker named in the cue or None) of a cue's lines."""
    raw = " ".join(lines)
    if len(raw) > 4 * MAX_TEXT:
        raw = raw[: 4 * MAX_TEXT]
    speaker = None
    if "<" in raw:
        voice = _VOICE.search(raw)
        if voice is not None:
            speaker = clip_speaker(html.unescape(voice.group(1)))
        raw = _MARKUP.sub("", raw)
    if "&" in raw:
        raw = html.unescape(raw)
    text = clip_text(raw)
    if speaker is None:
        speaker, text = split_speaker(text)
    return text, speaker


def _transcript(text: str, fmt: str) -> Transcript:
    cues: list[Cue] = []
    speaker: str | None = None
    for start, end, lines in _scan(text):
        body, named = _cue_text(lines)
        if named is not None:
            speaker = named
        if body:
            cues.append(Cue(start, end, body, speaker))
    cues.sort(key=_start)  # stable: equal starts keep their file order
    return Transcript(tuple(cues), fmt)


def _start(cue: Cue) -> int:
    return cue.start_ms or 0


def parse_vtt(data: bytes) -> Transcript:
    """The cues of a WebVTT file, sorted by start (int ms).

    A cue's speaker is its voice span (``<v Name>``) or a leading ``Name:``, else the previous
    cue's. Raises ParseError when the bytes are neither a WebVTT file nor hold a single cue.

    >>> parse_vtt(b"WEBVTT\\n\\n00:01.000 --> 00:02.500 align:start\\n<v Ann>Hi &amp; welcome")
    Transcript(cues=(Cue(start_ms=1000, end_ms=2500, text='Hi & welcome', speaker='Ann'),), \
format='vtt', version=None)
    """
    text = decode(data)
    transcript = _transcript(text, "vtt")
    if not transcript.cues and not text.lstrip(" \t\n").startswith("WEBVTT"):
        raise ParseError("This is not a WebVTT transcript (no WEBVTT header and no cue times)")
    return transcript


def parse_srt(data: bytes) -> Transcript:
    """The cues of a SubRip (SRT) file, sorted by start (int ms).

    A cue's speaker is its leading ``Name:`` (as Podcasting 2.0 SRT transcripts write it where
    the speaker changes), else the previous cue's. Raises ParseError when no cue has times, unless
    the file is blank.

    >>> parse_srt(b"1\\r\\n00:00:00,780 --> 00:00:06,210\\r\\nAdam Curry: podcasting 2.0").cues
    (Cue(start_ms=780, end_ms=6210, text='podcasting 2.0', speaker='Adam Curry'),)
    """
    text = decode(data)
    transcript = _transcript(text, "srt")
    if not transcript.cues and text.strip():
        raise ParseError("This is not an SRT transcript (no cue has times such as 00:00:01,000)")
    return transcript
