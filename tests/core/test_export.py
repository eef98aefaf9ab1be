"""Chapter export: exact output, round trips through our readers (and ffmpeg), sharing."""

from __future__ import annotations

import doctest
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podplayer.core.chapters.jsonchapters import parse_json_chapters
from podplayer.core.chapters.psc import parse_psc
from podplayer.core.chapters.tags import read_tag_chapters
from podplayer.core.errors import PodplayerError
from podplayer.core.export import (
    FORMATS,
    export,
    link_at,
    share_line,
    to_ffmetadata,
    to_podcast20_json,
    to_psc,
    to_text,
)
from podplayer.core.model import Chapter
from podplayer.core.notes import find_chapters

CHAPTERS = (
    Chapter(0, "Intro"),
    Chapter(6_500, 'Q&A <live> "quoted"', url="https://example.org/a?b=1&c=2"),
    Chapter(3_723_042, "Outro", end_ms=3_800_000, image="https://example.org/outro.png"),
)


def parse_ffmetadata(text: str) -> list[dict[str, str]]:
    """The [CHAPTER] sections of an FFMETADATA1 file, read the way ffmpeg's ffmetadec.c does."""
    assert text.startswith(";FFMETADATA1\n")
    lines, line, chars = [], "", iter(text)
    for c in chars:
        if c == "\\":
            line += next(chars)  # an escaped character, newline included, stays in the line
        elif c == "\n":
            lines.append(line)
            line = ""
        else:
            line += c
    sections: list[dict[str, str]] = []
    for raw in lines:
        if raw == "[CHAPTER]":
            sections.append({})
        elif sections and raw and raw[0] not in ";#":
            key, _, value = raw.partition("=")
            sections[-1][key] = value
    return sections


# Exact output


def test_json_has_version_seconds_and_only_known_fields() -> None:
    doc = json.loads(to_podcast20_json(CHAPTERS, title="Episode 68"))
    assert doc == {
        "version": "1.2.0",
        "title": "Episode 68",
        "chapters": [
            {"startTime": 0.0, "title": "Intro"},
            {
                "startTime": 6.5,
                "title": 'Q&A <live> "quoted"',
                "url": "https://example.org/a?b=1&c=2",
            },
            {
                "startTime": 3723.042,
                "title": "Outro",
                "endTime": 3800.0,
                "img": "https://example.org/outro.png",
            },
        ],
    }
    assert "title" not in json.loads(to_podcast20_json(CHAPTERS))


def test_psc_is_escaped_npt_with_milliseconds() -> None:
    assert to_psc(CHAPTERS) == (
        '<psc:chapters version="1.2" xmlns:psc="http://podlove.org/simple-chapters">\n'
        '  <psc:chapter start="00:00:00.000" title="Intro"/>\n'
        '  <psc:chapter start="00:00:06.500" title="Q&amp;A &lt;live&gt; &quot;quoted&quot;"'
        ' href="https://example.org/a?b=1&amp;c=2"/>\n'
        '  <psc:chapter start="01:02:03.042" title="Outro" image="https://example.org/outro.png"/>\n'
        "</psc:chapters>\n"
    )


def test_text_lines_show_milliseconds_only_when_present() -> None:
    chapters = (*CHAPTERS, Chapter(360_000_000, "Day\nlong"))
    assert to_text(chapters) == (
        '00:00:00 Intro\n00:00:06.500 Q&A <live> "quoted"\n01:02:03.042 Outro\n100:00:00 Day long\n'
    )
    assert to_text(()) == ""


def test_ffmetadata_ends_come_from_end_next_start_or_duration() -> None:
    text = to_ffmetadata(CHAPTERS[:2], duration_ms=60_000, title="Ep = 1")
    assert text == (
        ";FFMETADATA1\ntitle=Ep \\= 1\n"
        "\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=6500\ntitle=Intro\n"
        '\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=6500\nEND=60000\ntitle=Q&A <live> "quoted"\n'
    )
    sections = parse_ffmetadata(to_ffmetadata(CHAPTERS))
    assert [(s["START"], s["END"]) for s in sections] == [
        ("0", "6500"),
        ("6500", "3723042"),
        ("3723042", "3800000"),  # its own end wins over the duration
    ]
    # Unknown end: ffmpeg insists on an END line, so the chapter ends where it starts.
    last = parse_ffmetadata(to_ffmetadata((Chapter(0, "a"), Chapter(5000, "b"))))[-1]
    assert (last["START"], last["END"]) == ("5000", "5000")


def test_ffmetadata_escapes_what_ffmpeg_reads_as_syntax() -> None:
    text = to_ffmetadata((Chapter(0, "a=b;c#d\\e\nf\rg\0h"),))
    assert "title=a\\=b\\;c\\#d\\\\e\\\nf\\\rgh\n" in text


def test_export_routes_options_and_rejects_unknown_formats() -> None:
    assert set(FORMATS) == {"json", "psc", "text", "ffmetadata"}
    assert export(CHAPTERS, "text", title="ignored", duration_ms=1) == to_text(CHAPTERS)
    assert export(CHAPTERS, "json", title="T") == to_podcast20_json(CHAPTERS, title="T")
    assert export(CHAPTERS, "ffmetadata", duration_ms=9, title="T") == to_ffmetadata(
        CHAPTERS, duration_ms=9, title="T"
    )
    with pytest.raises(PodplayerError, match="not a chapter format"):
        export(CHAPTERS, "cue")


# Round trips through our own readers


def test_json_round_trip() -> None:
    back = parse_json_chapters(to_podcast20_json(CHAPTERS).encode())
    assert [(c.start_ms, c.title, c.end_ms, c.url, c.image) for c in back] == [
        (c.start_ms, c.title, c.end_ms, c.url, c.image) for c in CHAPTERS
    ]


def test_psc_round_trip() -> None:
    back = parse_psc(to_psc(CHAPTERS))
    assert [(c.start_ms, c.title, c.url, c.image) for c in back] == [
        (c.start_ms, c.title, c.url, c.image) for c in CHAPTERS
    ]


def test_text_round_trip_through_show_notes() -> None:
    chapters = (Chapter(0, "Intro"), Chapter(310_500, "Segment A"), Chapter(3_723_500, "Closing"))
    back = find_chapters(to_text(chapters))
    assert [(c.start_ms, c.title) for c in back] == [(c.start_ms, c.title) for c in chapters]


def test_ffmetadata_round_trip() -> None:
    sections = parse_ffmetadata(to_ffmetadata(CHAPTERS, duration_ms=4_000_000))
    assert [(int(s["START"]), s["title"]) for s in sections] == [
        (c.start_ms, c.title) for c in CHAPTERS
    ]
    assert {s["TIMEBASE"] for s in sections} == {"1/1000"}


# Hypothesis: any title, any millisecond

TITLES = st.text(max_size=40) | st.sampled_from(['<a href="x">&amp;</a>', "=;#\\\n", "]]>'\"\r\t"])
XML_CAN_HOLD = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@st.composite
def chapter_lists(draw: st.DrawFn, titles: st.SearchStrategy[str] = TITLES) -> tuple[Chapter, ...]:
    starts = draw(st.lists(st.integers(0, 10 * 3_600_000), min_size=1, max_size=8, unique=True))
    return tuple(Chapter(start, draw(titles)) for start in sorted(starts))


@given(chapter_lists(), st.none() | st.text(max_size=20))
def test_json_round_trip_keeps_any_title_and_millisecond(
    chapters: tuple[Chapter, ...], title: str | None
) -> None:
    back = parse_json_chapters(to_podcast20_json(chapters, title=title).encode())
    assert [(c.start_ms, c.title) for c in back] == [
        (c.start_ms, c.title.strip()) for c in chapters
    ]


@given(chapter_lists())
def test_psc_round_trip_keeps_any_title_xml_can_hold(chapters: tuple[Chapter, ...]) -> None:
    back = parse_psc(to_psc(chapters))
    expected = [(c.start_ms, XML_CAN_HOLD.sub("", c.title).strip()) for c in chapters]
    assert [(c.start_ms, c.title) for c in back] == expected


@given(chapter_lists(), st.none() | st.integers(10 * 3_600_000, 11 * 3_600_000))
def test_ffmetadata_round_trip_keeps_any_title(
    chapters: tuple[Chapter, ...], duration_ms: int | None
) -> None:
    sections = parse_ffmetadata(to_ffmetadata(chapters, duration_ms=duration_ms))
    assert [(int(s["START"]), s.get("title", "")) for s in sections] == [
        (c.start_ms, c.title.replace("\0", "")) for c in chapters
    ]
    ends = [int(s["END"]) for s in sections]
    assert ends[:-1] == [c.start_ms for c in chapters[1:]]
    assert ends[-1] == (duration_ms if duration_ms is not None else chapters[-1].start_ms)


WORDS = st.lists(
    st.sampled_from(["Intro", "Rust", "C++", "Q&A", "news", "part", "two", "Wrap-up"]),
    min_size=1,
    max_size=4,
).map(" ".join)


@settings(max_examples=50)
@given(chapter_lists(WORDS).filter(lambda cs: len(cs) >= 2))
def test_text_round_trip_keeps_milliseconds(chapters: tuple[Chapter, ...]) -> None:
    back = find_chapters(to_text(chapters))
    assert [(c.start_ms, c.title) for c in back] == [(c.start_ms, c.title) for c in chapters]


# ffmpeg reads what we write


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")
def test_ffmpeg_writes_our_chapters_into_mka_and_mp3(tmp_path: Path) -> None:
    chapters = (
        Chapter(0, "Intro = start; #1"),
        Chapter(1_250, "Back\\slash\nnew line"),
        Chapter(2_007, "Ünïcode — end"),
    )
    wav, meta = tmp_path / "in.wav", tmp_path / "meta.txt"
    meta.write_text(to_ffmetadata(chapters, duration_ms=3_000, title="Ep"), encoding="utf-8")
    quiet = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y"]
    subprocess.run([*quiet, "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "3", wav],
                   check=True)  # fmt: skip
    for out in (tmp_path / "out.mka", tmp_path / "out.mp3"):
        subprocess.run([*quiet, "-i", wav, "-i", meta, "-map_metadata", "1", "-map_chapters", "1",
                        out], check=True)  # fmt: skip

    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", tmp_path / "out.mka"],
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(probe.stdout)["chapters"]
    assert [(round(float(c["start_time"]) * 1000), c["tags"]["title"]) for c in found] == [
        (c.start_ms, c.title) for c in chapters
    ]
    assert [round(float(c["end_time"]) * 1000) for c in found] == [1_250, 2_007, 3_000]

    tagged = read_tag_chapters(tmp_path / "out.mp3", name="out.mp3")
    assert [(c.start_ms, c.title) for c in tagged] == [(c.start_ms, c.title) for c in chapters]


# Sharing


def test_share_line() -> None:
    assert share_line("How to Build a Headset", "Displays", 754_999) == (
        "How to Build a Headset — Displays (12:34)"
    )
    assert share_line(" Demo ", "  ", 3_723_000) == "Demo (1:02:03)"
    assert share_line("Demo", None, -5) == "Demo (0:00)"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/ep.mp3", "https://example.org/ep.mp3#t=754"),
        ("https://example.org/ep.mp3?x=1#t=10", "https://example.org/ep.mp3?x=1#t=754"),
        ("https://example.org/ep/#chapters", "https://example.org/ep/#t=754"),
        ("https://example.org/ep#", "https://example.org/ep#t=754"),
    ],
)
def test_link_at_replaces_the_fragment(url: str, expected: str) -> None:
    assert link_at(url, 754_500) == expected


def test_link_at_start_and_before_it() -> None:
    assert link_at("https://example.org/e", 0) == "https://example.org/e#t=0"
    assert link_at("https://example.org/e", -300) == "https://example.org/e#t=0"


def test_doctests() -> None:
    from podplayer.core import export as module

    assert doctest.testmod(module).failed == 0


def test_ffmetadata_last_chapter_lasts_to_the_known_duration() -> None:
    # An end equal to the start (or 0) is no end: the last chapter runs to the duration.
    chapters = (Chapter(0, "a", end_ms=0), Chapter(5000, "b", end_ms=5000))
    sections = parse_ffmetadata(to_ffmetadata(chapters, duration_ms=42_000))
    assert [(s["START"], s["END"]) for s in sections] == [("0", "5000"), ("5000", "42000")]
    via_export = parse_ffmetadata(export(chapters, "ffmetadata", duration_ms=42_000))
    assert via_export[-1]["END"] == "42000"
