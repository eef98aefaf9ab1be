"""Golden files: each real transcript in tests/data/transcripts beside <case>.expected.json.

The expected file holds the format, whether the lines are timed, the JSON version, the
speakers, every cue as ``[start_ms, end_ms, speaker, text]`` and the chapters derived from the
transcript as ``[start_ms, title]``. Provenance of every file is in the folder's README.md.
"""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any

import pytest

from podplayer.core import transcripts
from podplayer.core.transcripts import (
    Transcript,
    chapters_from_transcript,
    parse_transcript,
    write_transcript,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "transcripts"
SUFFIXES = {".vtt", ".srt", ".json", ".html", ".txt"}
CASES = sorted(
    p for p in DATA.iterdir() if p.suffix in SUFFIXES and not p.name.endswith(".expected.json")
)
TIMED_CASES = [p for p in CASES if p.suffix in {".vtt", ".srt", ".json"}]


def as_json(transcript: Transcript) -> dict[str, Any]:
    return {
        "format": transcript.format,
        "timed": transcript.timed,
        "version": transcript.version,
        "speakers": list(transcript.speakers),
        "cues": [[c.start_ms, c.end_ms, c.speaker, c.text] for c in transcript.cues],
        "chapters": [[c.start_ms, c.title] for c in chapters_from_transcript(transcript)],
    }


def expected_of(case: Path) -> dict[str, Any]:
    return json.loads(case.with_name(case.name + ".expected.json").read_text("utf-8"))


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 10
    assert {p.suffix for p in CASES} >= {".vtt", ".srt", ".json", ".html"}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_golden(case: Path) -> None:
    got = as_json(parse_transcript(case.read_bytes(), name=case.name))
    assert got == expected_of(case)


@pytest.mark.parametrize("case", TIMED_CASES, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["vtt", "srt"])
def test_written_captions_read_back_cue_for_cue(case: Path, fmt: str) -> None:
    transcript = parse_transcript(case.read_bytes(), name=case.name)
    again = parse_transcript(write_transcript(transcript, fmt).encode(), name=f"x.{fmt}")
    assert [(c.start_ms, c.speaker, c.text) for c in again.cues] == [
        (c.start_ms, c.speaker, c.text) for c in transcript.cues
    ]


@pytest.mark.parametrize("case", TIMED_CASES, ids=lambda p: p.name)
def test_written_json_reads_back_word_for_word(case: Path) -> None:
    """JSON lines of one word join the line before when read (word-level files need it)."""
    transcript = parse_transcript(case.read_bytes(), name=case.name)
    again = parse_transcript(write_transcript(transcript, "json").encode(), name="x.json")

    def said(t: Transcript) -> list[tuple[str | None, str]]:
        return [(c.speaker, word) for c in t.cues for word in c.text.split()]

    assert said(again) == said(transcript)
    assert {c.start_ms for c in again.cues} <= {c.start_ms for c in transcript.cues}


def test_one_episode_reads_alike_from_srt_vtt_and_html() -> None:
    """The namespace's Buzzsprout episode in three formats: the same words, the same voices."""
    srt = parse_transcript((DATA / "namespace-buzzsprout-10-things.srt").read_bytes())
    vtt = parse_transcript((DATA / "namespace-buzzsprout-10-things.vtt").read_bytes())
    html = parse_transcript((DATA / "namespace-buzzsprout-10-things.html").read_bytes())
    assert [c.text for c in srt.cues] == [c.text for c in vtt.cues]
    assert [c.speaker for c in srt.cues] == [c.speaker for c in vtt.cues]
    assert srt.speakers == vtt.speakers == html.speakers == ("Travis", "Sarah", "Gilon")

    def words(t: Transcript) -> list[str]:
        return " ".join(c.text for c in t.cues).split()

    # The HTML was made from the same captions: its words are the captions' words.
    assert words(html)[:200] == words(srt)[:200]


def test_doctests() -> None:
    for module in (
        transcripts,
        transcripts.model,
        transcripts.timedtext,
        transcripts.jsonformat,
        transcripts.untimed,
        transcripts.choose,
    ):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_turn_chapters_start_where_the_html_marks_the_turns() -> None:
    """The HTML edition's <time> marks (read by hand) are where the captions' turns begin."""
    srt = parse_transcript((DATA / "namespace-buzzsprout-10-things.srt").read_bytes())
    html_times = ["0:00", "0:53", "1:42", "3:39", "4:23", "5:22", "6:16", "9:22", "10:17", "11:31"]
    starts = [c.start_ms // 1000 for c in chapters_from_transcript(srt)]
    assert [f"{s // 60}:{s % 60:02d}" for s in starts] == html_times
