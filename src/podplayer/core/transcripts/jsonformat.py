"""The Podcasting 2.0 JSON transcript: ``{"version": "1.0.0", "segments": [...]}``.

Each segment has ``startTime`` and ``endTime`` (float seconds), ``body`` and ``speaker``. Files
come at every fidelity: one segment per word (``"body": "I"``, even ``"body": " "``), two per
caption card sharing one start, or one per sentence. Words are joined into lines here, so every
reader of a transcript sees lines: a line ends where the speaker changes, where a pause of more
than two seconds falls, at a sentence end once the line is long enough, or at a hard length.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from podplayer.core.chapters.jsonchapters import json_problem
from podplayer.core.errors import ParseError
from podplayer.core.timecode import from_json_seconds
from podplayer.core.transcripts.model import (
    MAX_ENTRIES,
    MAX_TIME_MS,
    Cue,
    Transcript,
    clip_speaker,
    clip_text,
    decode,
)

_PAUSE_MS = 2000  # a silence this long between words ends a line
_SENTENCE_LINE = 60  # from this many characters on, a sentence end ends a line
_HARD_LINE = 160  # a line of words never grows past this many characters
_SENTENCE_ENDS = (".", "?", "!", "…", '."', '?"', '!"', ".”", "?”", "!”")
_NO_SPACE_BEFORE = frozenset(",.;:!?…)]}”’'")
_LETTER = re.compile(r"[^\W_]")  # a letter or a digit
_SPACE = re.compile(r"\s")


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    speaker: str | None
    parts: list[str] = field(default_factory=list)
    length: int = 0
    sentence_end: bool = False  # the last word ends a sentence

    def add(self, body: str, end: int | None) -> None:
        if self.parts and body[:1] not in _NO_SPACE_BEFORE and not body[:1].isspace():
            last = self.parts[-1]
            if last and not last[-1].isspace():
                self.parts.append(" ")
        self.parts.append(body)
        self.length += len(body)
        if not body.isspace() and body:
            self.sentence_end = body.rstrip().endswith(_SENTENCE_ENDS)
        if end is not None and end > self.end:
            self.end = end

    def full(self) -> bool:
        return self.length >= _HARD_LINE or (self.length >= _SENTENCE_LINE and self.sentence_end)

    def cue(self) -> Cue | None:
        text = clip_text("".join(self.parts))
        if not text:
            return None
        return Cue(self.start, self.end if self.end > self.start else None, text, self.speaker)


def _is_word(body: str) -> bool:
    """A body that is one word or only spacing: a piece of a line, not a line of its own."""
    stripped = body.strip()
    return not stripped or (len(stripped) < 40 and _SPACE.search(stripped) is None)


def _segments(doc: Any) -> list[Any]:
    if isinstance(doc, list):
        return doc  # a bare list of segments, as a few generators write
    if not isinstance(doc, dict):
        raise ParseError("This JSON file is not a transcript (no “segments” list)")
    segments = doc.get("segments")
    if segments is None:
        if doc:
            raise ParseError("This JSON file is not a transcript (no “segments” list)")
        return []
    if not isinstance(segments, list):
        raise ParseError("The “segments” entry of this transcript is not a list")
    return segments


def _joins(line: _Line, start: int, speaker: str | None, body: str) -> bool:
    if speaker != line.speaker:
        return False
    if start == line.start:
        return True  # the second line of one caption card
    if _LETTER.search(body) is None:
        return True  # punctuation or spacing ends the line it follows, never starts one
    if not _is_word(body) or line.full():
        return False
    return start - line.end <= _PAUSE_MS


def parse_json_transcript(data: bytes) -> Transcript:
    """Lines from a Podcasting 2.0 JSON transcript, sorted by start (int ms).

    Segments without a usable ``startTime`` or a text ``body`` are skipped; ``endTime`` is
    optional. Raises ParseError for bytes that are not JSON, not a transcript, more than
    MAX_ENTRIES segments, or segments none of which has a start and a body.

    >>> data = b'{"version": "1.0.0", "segments": [{"speaker": "Luke", "startTime": 2.75,'
    >>> data += b' "endTime": 3.0, "body": "Nooooo"}]}'
    >>> parse_json_transcript(data).cues
    (Cue(start_ms=2750, end_ms=3000, text='Nooooo', speaker='Luke'),)
    """
    text = decode(data)
    if not text.strip():
        return Transcript((), "json")
    try:
        doc = json.loads(text)
    except RecursionError:
        raise ParseError("This transcript is not valid JSON: it nests too deeply") from None
    except ValueError as exc:
        raise ParseError(f"This transcript is not valid JSON: {json_problem(exc)}") from None
    segments = _segments(doc)
    if len(segments) > MAX_ENTRIES:
        raise ParseError(f"This transcript has more than {MAX_ENTRIES:,} segments")
    version = doc.get("version") if isinstance(doc, dict) else None
    cues: list[Cue] = []
    line: _Line | None = None
    usable = 0
    speakers: dict[str, str | None] = {}  # each name as written, cleaned once
    for segment in segments:
        if not isinstance(segment, dict):
            continue
        start = from_json_seconds(segment.get("startTime"), max_ms=MAX_TIME_MS)
        body = segment.get("body")
        if start is None or not isinstance(body, str):
            continue
        usable += 1
        end = from_json_seconds(segment.get("endTime"), max_ms=MAX_TIME_MS)
        raw_speaker = segment.get("speaker")
        speaker = None
        if isinstance(raw_speaker, str):
            speaker = speakers.get(raw_speaker, "")
            if speaker == "":
                speaker = speakers[raw_speaker] = clip_speaker(raw_speaker)
        if line is not None and _joins(line, start, speaker, body):
            line.add(body, end)
            continue
        if line is not None and (cue := line.cue()) is not None:
            cues.append(cue)
        line = _Line(start, end if end is not None else start, speaker)
        line.add(body, end)
    if line is not None and (cue := line.cue()) is not None:
        cues.append(cue)
    if segments and not usable:
        raise ParseError("No segment of this transcript has a start time and a text")
    cues.sort(key=lambda c: c.start_ms or 0)
    return Transcript(tuple(cues), "json", version if isinstance(version, str) else None)
