"""Properties of the transcript readers: only podplayer's errors escape, on any bytes.

Hypothesis feeds random bytes and text built from the formats' own pieces; the golden files are
mutated (cut, spliced, flipped, line ends changed) the way broken downloads and sloppy tools
break real files. Written transcripts read back to the same lines.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from podplayer.core.errors import PodplayerError
from podplayer.core.transcripts import (
    READERS,
    Cue,
    Transcript,
    chapters_from_transcript,
    parse_transcript,
    write_transcript,
)
from podplayer.core.transcripts.model import MAX_TEXT

DATA = Path(__file__).resolve().parents[1] / "data" / "transcripts"
GOLDEN = sorted(
    p
    for p in DATA.iterdir()
    if p.suffix in {".vtt", ".srt", ".json", ".html"} and ".expected" not in p.name
)
TYPES = [None, "text/vtt", "application/x-subrip", "application/json", "text/html", "text/plain"]

PIECES = [
    "WEBVTT", "\n", "\n\n", "\r\n", " ", "-->", " --> ", "00:00:01.000", "01:02:03,456", "1:01.5",
    "0.860", "99:99:99.999", "<v Ann>", "<v.loud Bob Smith>", "</v>", "<i>", "<c.x>", "<00:01.000>",
    "&amp;", "&", "<", ">", "NOTE", "STYLE", "REGION", "1", "42", "Ann: ", "word", "é", "\ufeff",
    "\x00", "{", "}", "[", "]", '"segments"', ":", ",", '"startTime"', '"body"', "1e999", "-1",
    "null", "true", '"x"', "<cite>", "</cite>", "<p>", "</p>", "<time>0:00</time>",
]  # fmt: skip


def check(transcript: Transcript) -> None:
    """What every reader promises about what it returns."""
    starts = [c.start_ms for c in transcript.cues]
    if transcript.timed:
        assert all(isinstance(s, int) and s >= 0 for s in starts)
        assert starts == sorted(starts)  # type: ignore[type-var]
    else:
        assert all(s is None for s in starts)
    for cue in transcript.cues:
        assert cue.text and cue.text == cue.text.strip() and "\n" not in cue.text
        assert len(cue.text) <= MAX_TEXT
        assert cue.end_ms is None or cue.start_ms is None or cue.end_ms >= cue.start_ms
        assert cue.speaker is None or (cue.speaker and len(cue.speaker) <= 100)
    for chapter in chapters_from_transcript(transcript):
        assert chapter.source == "transcript"


def read_or_refuse(data: bytes, content_type: str | None = None) -> None:
    try:
        transcript = parse_transcript(data, content_type=content_type)
    except PodplayerError:
        return
    check(transcript)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(TYPES))
def test_any_bytes(data: bytes, content_type: str | None) -> None:
    read_or_refuse(data, content_type)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=80), st.sampled_from(TYPES))
def test_text_made_of_the_formats_pieces(pieces: list[str], content_type: str | None) -> None:
    read_or_refuse("".join(pieces).encode("utf-8", "surrogatepass"), content_type)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_every_reader_on_any_text(pieces: list[str]) -> None:
    data = "".join(pieces).encode()
    for reader in READERS.values():
        try:
            transcript = reader(data)
        except PodplayerError:
            continue
        check(transcript)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.sampled_from(["startTime", "endTime", "body", "speaker", "version", "x"]), children
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(JSON_VALUES, max_size=20), JSON_VALUES)
def test_json_segments_of_any_shape(segments: list[object], version: object) -> None:
    doc = {"version": version, "segments": segments}
    read_or_refuse(json.dumps(doc).encode(), "application/json")


SPEAKERS = st.sampled_from([None, "Ann", "Bob Smith", "SPEAKER_1"])
WORDS = st.text(
    alphabet=st.characters(
        whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters="&<>'.,?!é-"
    ),
    min_size=1,
    max_size=12,
)


@st.composite
def transcripts(draw: st.DrawFn) -> Transcript:
    cues = []
    start = draw(st.integers(0, 10_000))
    speaker = draw(SPEAKERS.filter(lambda s: s is not None))
    for _ in range(draw(st.integers(1, 25))):
        start += draw(st.integers(0, 600_000))
        length = draw(st.integers(1, 30_000))
        speaker = draw(st.sampled_from([speaker, "Ann", "Bob Smith", "SPEAKER_1"]))
        # A cue starts with a lower-case word, so its text never reads as "Name: ...".
        text = " ".join(["and", *draw(st.lists(WORDS, min_size=1, max_size=8))])
        cues.append(Cue(start, start + length, text, speaker))
    return Transcript(tuple(cues), "vtt")


@settings(max_examples=200, deadline=None)
@given(transcripts(), st.sampled_from(["vtt", "srt"]))
def test_captions_written_read_back(transcript: Transcript, fmt: str) -> None:
    if fmt == "srt":
        # SRT has no escapes: a text that is a caption tag ("<i>") reads back as markup.
        assume(not any(re.search(r"<[ibu]>", c.text) for c in transcript.cues))
    again = parse_transcript(write_transcript(transcript, fmt).encode())
    assert again.cues == transcript.cues


# --------------------------------------------------------------------------------------------
# Mutated golden files


def mutate(data: bytes, rng: random.Random) -> bytes:
    kind = rng.randrange(7)
    i = rng.randrange(len(data) + 1)
    j = min(len(data), i + rng.randrange(1, 400))
    if kind == 0:
        return data[:i]  # a cut download
    if kind == 1:
        return data[:i] + data[j:]  # a lost piece
    if kind == 2:
        return data[:i] + data[i:j] * rng.randrange(2, 5) + data[j:]  # a repeated piece
    if kind == 3:
        flipped = bytearray(data)
        for _ in range(rng.randrange(1, 20)):
            if flipped:
                flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        return bytes(flipped)
    if kind == 4:
        return data[:i] + rng.choice(PIECES).encode() * rng.randrange(1, 50) + data[i:]
    if kind == 5:
        return data.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\n", b" "]))
    return data[j:] + data[:i]  # pieces swapped


@pytest.mark.parametrize("case", GOLDEN, ids=lambda p: p.name)
def test_mutated_golden_files(case: Path) -> None:
    rng = random.Random(case.name)
    data = case.read_bytes()
    for _ in range(150):
        for content_type in (None, "text/vtt", "application/json"):
            read_or_refuse(mutate(data, rng), content_type)


@pytest.mark.parametrize("case", GOLDEN, ids=lambda p: p.name)
def test_line_ends_and_bom_change_nothing(case: Path) -> None:
    data = case.read_bytes().replace(b"\r\n", b"\n")
    plain = parse_transcript(data, name=case.name)
    for variant in (
        data.replace(b"\n", b"\r\n"),
        data.replace(b"\n", b"\r"),
        data.replace(b"\n", b"\r\r\n"),
        b"\xef\xbb\xbf" + data.removeprefix(b"\xef\xbb\xbf"),
    ):
        assert parse_transcript(variant, name=case.name) == plain
