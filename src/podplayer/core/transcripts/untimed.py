"""Transcripts without cue times: HTML (the Podcasting 2.0 layout) and plain text.

The namespace's HTML names a speaker in ``<cite>`` and puts each turn in a ``<p>``; a ``<time>``
before it gives the turn's start, but a paragraph-long span is too coarse to follow playback,
so these transcripts are shown, not synced: their cues carry no times. HTML without paragraphs
becomes one cue per line (``<br>``, ``<div>``...), plain text one per paragraph (a blank line
apart); a leading ``Name:`` is taken as the speaker.
"""

from __future__ import annotations

import re

from podplayer.core.errors import ParseError
from podplayer.core.notes import html_to_text
from podplayer.core.transcripts.model import (
    MAX_ENTRIES,
    Cue,
    Transcript,
    clip_speaker,
    clip_text,
    decode,
    split_speaker,
)

_TAG = re.compile(r"<(/?)(cite|p|time)\b[^<>]*>", re.IGNORECASE)
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")  # plain text wraps its lines: a blank line ends one
_LINES = re.compile(r"\n")  # HTML made into text: every break was a tag (br, div, li, p)


def _too_many() -> ParseError:
    return ParseError(f"This transcript has more than {MAX_ENTRIES:,} paragraphs")


def _paragraph_cues(text: str, breaks: re.Pattern[str]) -> list[Cue]:
    cues: list[Cue] = []
    for paragraph in breaks.split(text):
        body = clip_text(paragraph)
        if not body:
            continue
        speaker, body = split_speaker(body)
        cues.append(Cue(None, None, body, speaker))
        if len(cues) > MAX_ENTRIES:
            raise _too_many()
    return cues


def _cite_cues(markup: str) -> list[Cue]:
    """Cues from ``<cite>``/``<p>`` markup; [] when the markup has no paragraphs."""
    cues: list[Cue] = []
    speaker: str | None = None
    open_tag: str | None = None  # the cite or p whose text runs from open_at
    open_at = 0
    for match in _TAG.finditer(markup):
        closing, name = match.group(1), match.group(2).lower()
        if name == "time":
            continue  # a turn's start: not kept (see the module's docstring)
        if open_tag is not None and (name == open_tag or not closing):
            inner = markup[open_at : match.start()]
            if open_tag == "cite":
                speaker = clip_speaker(html_to_text(inner))
            else:
                body = clip_text(html_to_text(inner))
                if body:
                    cues.append(Cue(None, None, body, speaker))
                    if len(cues) > MAX_ENTRIES:
                        raise _too_many()
            open_tag = None
        if not closing:
            open_tag, open_at = name, match.end()
    if open_tag == "p":
        body = clip_text(html_to_text(markup[open_at:]))
        if body:
            cues.append(Cue(None, None, body, speaker))
    return cues


def parse_html_transcript(data: bytes) -> Transcript:
    """One untimed cue per paragraph of an HTML transcript, speakers from ``<cite>``.

    >>> t = parse_html_transcript(b"<cite>Kevin:</cite><time>0:00</time><p>We have an update</p>")
    >>> t.cues, t.timed
    ((Cue(start_ms=None, end_ms=None, text='We have an update', speaker='Kevin'),), False)
    """
    markup = decode(data)
    cues = _cite_cues(markup)
    if not cues:
        cues = _paragraph_cues(html_to_text(markup), _LINES)
    return Transcript(tuple(cues), "html")


def parse_text_transcript(data: bytes) -> Transcript:
    """One untimed cue per paragraph of a plain-text transcript, a leading ``Name:`` its speaker.

    >>> parse_text_transcript(b"Ann: Hello there.\\n\\nBob: Hi.").speakers
    ('Ann', 'Bob')
    """
    return Transcript(tuple(_paragraph_cues(decode(data), _PARAGRAPHS)), "text")
