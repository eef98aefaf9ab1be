"""Episode transcripts: WebVTT, SRT, Podcasting 2.0 JSON, HTML and plain text to typed lines.

- :func:`parse_transcript`: bytes (+ the feed's MIME type or the file name) to a
  :class:`Transcript` of :class:`Cue` lines, the format decided by the content first.
- :func:`choose_transcript` / :func:`ranked_transcripts`: which of an item's transcripts to show.
- :func:`chapters_from_transcript`: chapters from speaker turns or silences.
- :func:`write_transcript`: a transcript as text, vtt, srt or json.

Nothing here fetches or touches Qt; only PodplayerError subclasses escape.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from podplayer.core.errors import ParseError
from podplayer.core.transcripts.choose import (
    FORMAT_OF_TYPE,
    TIMED_FORMATS,
    choose_transcript,
    format_of_type,
    ranked_transcripts,
    transcript_languages,
)
from podplayer.core.transcripts.derive import CHAPTER_SOURCE, chapters_from_transcript
from podplayer.core.transcripts.jsonformat import parse_json_transcript
from podplayer.core.transcripts.model import MAX_BYTES, MAX_ENTRIES, Cue, Transcript, too_large
from podplayer.core.transcripts.timedtext import parse_srt, parse_vtt
from podplayer.core.transcripts.untimed import parse_html_transcript, parse_text_transcript
from podplayer.core.transcripts.writers import WRITERS, write_transcript

__all__ = [
    "CHAPTER_SOURCE",
    "FORMAT_OF_TYPE",
    "MAX_BYTES",
    "MAX_ENTRIES",
    "READERS",
    "TIMED_FORMATS",
    "WRITERS",
    "Cue",
    "Transcript",
    "chapters_from_transcript",
    "choose_transcript",
    "format_of_type",
    "parse_transcript",
    "ranked_transcripts",
    "sniff_format",
    "transcript_languages",
    "write_transcript",
]

READERS: dict[str, Callable[[bytes], Transcript]] = {
    "vtt": parse_vtt,
    "srt": parse_srt,
    "json": parse_json_transcript,
    "html": parse_html_transcript,
    "text": parse_text_transcript,
}
_EXTENSIONS = {
    "vtt": "vtt",
    "webvtt": "vtt",
    "srt": "srt",
    "json": "json",
    "html": "html",
    "htm": "html",
    "txt": "text",
}
_HEAD = 4096
_TIMING_HINT = re.compile(rb"\d[\d:]*[.,]\d+[ \t]*-->")
_MARKUP_HINT = re.compile(rb"<(?:!doctype|html|body|p|cite|div|span|br)\b", re.IGNORECASE)


def _labelled(content_type: str | None, name: str | None) -> str | None:
    fmt = format_of_type(content_type)
    if fmt is None and name:
        tail = name.rsplit("/", 1)[-1].split("?", 1)[0]
        if "." in tail:
            fmt = _EXTENSIONS.get(tail.rsplit(".", 1)[-1].lower())
    return fmt


def sniff_format(data: bytes, *, content_type: str | None = None, name: str | None = None) -> str:
    """The reader for ``data`` (a key of READERS): by content, the label only where it can't tell.

    Feeds mislabel transcripts (SRT served as ``text/plain``, VTT as ``text/html``), so a WEBVTT
    header, JSON, cue times and markup decide before the MIME type or the file name's extension.

    >>> sniff_format(b"\\xef\\xbb\\xbfWEBVTT\\n\\n00:01.000 --> 00:02.000", content_type="text/srt")
    'vtt'
    >>> sniff_format(b"1\\n00:00:01,000 --> 00:00:02,000\\nHi", name="x.txt")
    'srt'
    """
    head = data[:_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"WEBVTT"):
        return "vtt"
    if head.startswith((b"{", b"[")):
        return "json"
    labelled = _labelled(content_type, name)
    if _TIMING_HINT.search(head):
        return "vtt" if labelled == "vtt" else "srt"
    if _MARKUP_HINT.search(head):
        return "html"
    # A file labelled captions with no cue time in its head goes to its reader, which says
    # what is missing, rather than being shown as text.
    return labelled or "text"


def parse_transcript(
    data: bytes, *, content_type: str | None = None, name: str | None = None
) -> Transcript:
    """The lines of a transcript file of any supported format (see sniff_format).

    ``content_type`` is the feed's ``type`` attribute or the server's Content-Type; ``name`` a
    file name or URL. Raises ParseError (a PodplayerError) for a file that is too large, has too
    many lines, or is not a transcript of the format its content shows.
    """
    too_large(data)
    fmt = sniff_format(data, content_type=content_type, name=name)
    try:
        return READERS[fmt](data)
    except RecursionError:
        raise ParseError("This transcript is nested too deeply to read") from None
