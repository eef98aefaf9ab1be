"""A transcript written out as plain text, WebVTT, SRT or Podcasting 2.0 JSON.

Each writer's output reads back to the same lines with this package's readers.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from podplayer.core.errors import PodplayerError
from podplayer.core.timecode import format_ms
from podplayer.core.transcripts.model import Cue, Transcript

_FALLBACK_LENGTH_MS = 5000  # a cue's length when it has no end and nothing follows it
JSON_VERSION = "1.0.0"


def _stamp(ms: int, separator: str) -> str:
    """ "01:02:03.500" (WebVTT, separator ".") or "01:02:03,500" (SRT, ",")."""
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def _timed(transcript: Transcript, fmt: str) -> list[tuple[int, int, Cue]]:
    """(start, end, cue) for each cue; ends filled from the next start when missing."""
    if transcript.cues and not transcript.timed:
        raise PodplayerError(f"This transcript has no times, so it can't be written as {fmt}")
    rows: list[tuple[int, int, Cue]] = []
    cues = transcript.cues
    for i, cue in enumerate(cues):
        start = cue.start_ms or 0
        end = cue.end_ms
        if end is None:
            following = cues[i + 1].start_ms if i + 1 < len(cues) else None
            end = following if following and following > start else start + _FALLBACK_LENGTH_MS
        rows.append((start, end, cue))
    return rows


def _escape_vtt(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_vtt(transcript: Transcript) -> str:
    """WebVTT with a voice span (``<v Name>``) on every cue that has a speaker."""
    parts = ["WEBVTT\n"]
    for start, end, cue in _timed(transcript, "WebVTT"):
        voice = f"<v {_escape_vtt(cue.speaker)}>" if cue.speaker else ""
        parts.append(
            f"\n{_stamp(start, '.')} --> {_stamp(end, '.')}\n{voice}{_escape_vtt(cue.text)}\n"
        )
    return "".join(parts)


def write_srt(transcript: Transcript) -> str:
    """Numbered SRT cues; ``Name:`` opens a cue where the speaker changes (the namespace's rule)."""
    parts: list[str] = []
    speaker: str | None = None
    for number, (start, end, cue) in enumerate(_timed(transcript, "SRT"), start=1):
        text = cue.text
        if cue.speaker and cue.speaker != speaker:
            text = f"{cue.speaker}: {text}"
        speaker = cue.speaker
        parts.append(f"{number}\n{_stamp(start, ',')} --> {_stamp(end, ',')}\n{text}\n\n")
    return "".join(parts)


def write_json(transcript: Transcript) -> str:
    """The Podcasting 2.0 JSON transcript (version 1.0.0), times in float seconds."""
    segments = []
    for start, end, cue in _timed(transcript, "JSON"):
        segment: dict[str, object] = {}
        if cue.speaker:
            segment["speaker"] = cue.speaker
        segment.update(startTime=start / 1000, endTime=end / 1000, body=cue.text)
        segments.append(segment)
    doc = {"version": JSON_VERSION, "segments": segments}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def write_text(transcript: Transcript) -> str:
    """One line per cue: its start (timed transcripts), its speaker and its text."""
    lines = []
    for cue in transcript.cues:
        said = f"{cue.speaker}: {cue.text}" if cue.speaker else cue.text
        lines.append(said if cue.start_ms is None else f"{format_ms(cue.start_ms)}  {said}")
    return "".join(line + "\n" for line in lines)


WRITERS: dict[str, Callable[[Transcript], str]] = {
    "text": write_text,
    "vtt": write_vtt,
    "srt": write_srt,
    "json": write_json,
}


def write_transcript(transcript: Transcript, fmt: str) -> str:
    """``transcript`` in ``fmt`` (a key of WRITERS).

    Raises PodplayerError for an unknown format, or a timed format asked of an untimed transcript.
    """
    writer = WRITERS.get(fmt)
    if writer is None:
        raise PodplayerError(f"“{fmt}” is not a transcript format (text, vtt, srt or json)")
    return writer(transcript)
