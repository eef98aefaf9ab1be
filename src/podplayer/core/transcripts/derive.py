"""Chapters from a timed transcript, for an episode that has no chapter list.

With two speakers or more, a chapter starts where a run of one speaker's turns begins (other
voices' short interjections, "Yeah.", don't end a run); with one speaker (or none named), where
a silence falls between cues. Runs and parts shorter than a minimum length are folded into the
chapter before them. Each chapter is titled by its first words and marked with source
``transcript``; it never replaces a real chapter list unless the listener asks.
"""

from __future__ import annotations

from podplayer.core.model import Chapter, ChapterSource
from podplayer.core.transcripts.model import Cue, Transcript

CHAPTER_SOURCE = ChapterSource.TRANSCRIPT
MIN_CHAPTER_MS = 60_000
MIN_GAP_MS = 2_000
MIN_TURN_MS = 30_000
INTERJECTION_MS = 10_000
MAX_CHAPTERS = 500
_TITLE_WORDS = 8
_TITLE_CHARS = 60


def _title(cues: tuple[Cue, ...], first: int, stop: int, speaker: str | None) -> str:
    """The first words of cues[first:stop], the chapter's own lines."""
    words: list[str] = []
    for cue in cues[first : min(stop, first + _TITLE_WORDS + 1)]:
        words.extend(cue.text.split())
        if len(words) > _TITLE_WORDS:
            break
    title = " ".join(words[:_TITLE_WORDS])
    if len(title) > _TITLE_CHARS:
        title = title[:_TITLE_CHARS].rsplit(" ", 1)[0]
    if title != " ".join(words):
        title = title.rstrip(",;:-–—")
        if not title.endswith((".", "?", "!", "…")):
            title += "…"
    return f"{speaker}: {title}" if speaker else title


def _turn_starts(cues: tuple[Cue, ...], min_turn_ms: int) -> list[int]:
    """Indexes of the cues where a run of one speaker's turns begins.

    A run goes on through other voices' interjections (turns under INTERJECTION_MS); a run
    shorter than ``min_turn_ms``, or of the same speaker as the run before, joins that run.
    """
    turns = [i for i in range(len(cues)) if i == 0 or cues[i].speaker != cues[i - 1].speaker]
    ends = [cues[i].start_ms or 0 for i in turns[1:]]
    ends.append(_end(cues[-1]))
    starts: list[int] = []
    run_speaker: str | None = None
    for i, end in zip(turns, ends, strict=True):
        cue = cues[i]
        length = end - (cue.start_ms or 0)
        if starts and (length < INTERJECTION_MS or cue.speaker == run_speaker):
            continue
        starts.append(i)
        run_speaker = cue.speaker
    # Drop runs too short to be a chapter (their time stays with the run before).
    kept: list[int] = []
    bounds = [cues[i].start_ms or 0 for i in starts[1:]] + [_end(cues[-1])]
    for i, end in zip(starts, bounds, strict=True):
        if kept and (end - (cues[i].start_ms or 0) < min_turn_ms):
            continue
        if kept and cues[i].speaker == cues[kept[-1]].speaker:
            continue
        kept.append(i)
    return kept


def _end(cue: Cue) -> int:
    return cue.end_ms if cue.end_ms is not None else cue.start_ms or 0


def _gap_starts(cues: tuple[Cue, ...], min_gap_ms: int) -> list[int]:
    """Indexes of the cues that follow a silence of at least ``min_gap_ms``."""
    starts = [0]
    for i in range(1, len(cues)):
        if (cues[i].start_ms or 0) - _end(cues[i - 1]) >= min_gap_ms:
            starts.append(i)
    return starts


def chapters_from_transcript(
    transcript: Transcript,
    *,
    min_chapter_ms: int = MIN_CHAPTER_MS,
    min_gap_ms: int = MIN_GAP_MS,
    min_turn_ms: int = MIN_TURN_MS,
) -> tuple[Chapter, ...]:
    """Chapters (int ms, source ``transcript``) from a timed transcript's turns or silences.

    ``min_turn_ms``: the shortest speaker run that makes a chapter; ``min_gap_ms``: the shortest
    silence that may start one, and ``min_chapter_ms`` the shortest part between two silences.

    The first chapter starts at 0. Returns () for an untimed transcript or when fewer than two
    chapters would result (a chapter list needs two). At most MAX_CHAPTERS chapters.
    """
    cues = transcript.cues
    if not transcript.timed:
        return ()
    by_speaker = len(transcript.speakers) >= 2
    if by_speaker:
        chosen = _turn_starts(cues, min_turn_ms)
    else:
        chosen = []
        for i in _gap_starts(cues, min_gap_ms):
            if (
                chosen
                and (cues[i].start_ms or 0) - (cues[chosen[-1]].start_ms or 0) < min_chapter_ms
            ):
                continue
            chosen.append(i)
    chosen = chosen[:MAX_CHAPTERS]
    if len(chosen) < 2:
        return ()
    stops = [*chosen[1:], len(cues)]
    return tuple(
        Chapter(
            start_ms=0 if n == 0 else cues[i].start_ms or 0,
            title=_title(cues, i, stop, cues[i].speaker if by_speaker else None),
            source=CHAPTER_SOURCE,
        )
        for n, (i, stop) in enumerate(zip(chosen, stops, strict=True))
    )
