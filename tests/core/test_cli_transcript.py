"""``podplayer transcript SOURCE [--episode N] [--format ...]`` over a feed served on loopback.

The feed's items name real transcripts (tests/data/transcripts) as VTT, SRT, JSON and HTML,
as the Podcasting 2.0 ``<podcast:transcript>`` tag does; the CLI fetches the preferred one
through core.fetch and prints it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from httpserver import Resource, loopback_server

from podplayer.cli import main
from podplayer.core.transcripts import parse_transcript

DATA = Path(__file__).resolve().parents[1] / "data" / "transcripts"
VTT = DATA / "podnews-daily-2024-01-25.vtt"
SRT = DATA / "podcasting20-episode-124-excerpt.srt"
JSON = DATA / "podnews-weekly-2023-05-05.json"
HTML = DATA / "namespace-buzzsprout-10-things.html"

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Transcribed</title><link>https://example.org/</link><language>en</language>
<item><title>1: Podnews daily</title><guid>e1</guid>
  <enclosure url="https://example.org/1.mp3" length="1" type="audio/mpeg"/>
  <podcast:transcript url="/t/1.html" type="text/html"/>
  <podcast:transcript url="/t/1.vtt" type="text/vtt" language="en" rel="captions"/>
</item>
<item><title>2: Board meeting</title><guid>e2</guid>
  <enclosure url="https://example.org/2.mp3" length="1" type="audio/mpeg"/>
  <podcast:transcript url="/t/missing.json" type="application/json"/>
  <podcast:transcript url="/t/2.srt" type="application/x-subrip"/>
</item>
<item><title>3: Weekly review</title><guid>e3</guid>
  <enclosure url="https://example.org/3.mp3" length="1" type="audio/mpeg"/>
  <podcast:transcript url="/t/3-es.vtt" type="text/vtt" language="es"/>
  <podcast:transcript url="/t/3.json" type="application/json" language="en"/>
</item>
<item><title>4: Only words</title><guid>e4</guid>
  <enclosure url="https://example.org/4.mp3" length="1" type="audio/mpeg"/>
  <podcast:transcript url="/t/4.html" type="text/html"/>
</item>
<item><title>5: Nothing</title><guid>e5</guid>
  <enclosure url="https://example.org/5.mp3" length="1" type="audio/mpeg"/>
  <podcast:transcript url="/t/5.pdf" type="application/pdf"/>
</item>
<item><title>6: Broken</title><guid>e6</guid>
  <enclosure url="https://example.org/6.mp3" length="1" type="audio/mpeg"/>
  <podcast:transcript url="/t/gone.vtt" type="text/vtt"/>
  <podcast:transcript url="/t/garbage.srt" type="application/x-subrip"/>
</item>
</channel></rss>
"""

SPANISH = b"WEBVTT\n\n00:00.500 --> 00:03.000\n<v Ana>Hola y bienvenidos.\n"


@pytest.fixture
def feed_url() -> object:
    with loopback_server() as server:
        server.add("/t/1.vtt", Resource(VTT.read_bytes(), "text/vtt"))
        server.add("/t/1.html", Resource(HTML.read_bytes(), "text/html"))
        server.add("/t/2.srt", Resource(SRT.read_bytes(), "application/x-subrip"))
        server.add("/t/3.json", Resource(JSON.read_bytes(), "application/json"))
        server.add("/t/3-es.vtt", Resource(SPANISH, "text/vtt"))
        server.add("/t/4.html", Resource(HTML.read_bytes(), "text/html"))
        server.add("/t/garbage.srt", Resource(b"\x00\xff not captions", "text/plain"))
        yield server.add("/feed.xml", Resource(FEED.encode()))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["transcript", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def lines_of(path: Path) -> list[tuple[int | None, str | None, str]]:
    return [(c.start_ms, c.speaker, c.text) for c in parse_transcript(path.read_bytes()).cues]


def test_the_first_episode_timed_transcript_as_text(
    feed_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, feed_url)
    assert (status, err) == (0, "")
    first = out.splitlines()[0]
    assert first == (
        "0:00  SPEAKER_1: Podcasting is coming back to New Zealand again, the latest from "
        "podnews.net with Hindenburg Pro's auto levels."
    )
    assert len(out.splitlines()) == len(lines_of(VTT))


@pytest.mark.parametrize(("number", "source"), [(1, VTT), (2, SRT), (3, JSON)])
@pytest.mark.parametrize("fmt", ["vtt", "srt", "json"])
def test_each_timed_format_in_each_output_format(
    feed_url: str, capsys: pytest.CaptureFixture[str], number: int, source: Path, fmt: str
) -> None:
    # Episode 3 lists a Spanish VTT first: English is asked for.
    status, out, err = run(
        capsys, feed_url, "--episode", str(number), "--format", fmt, "--language", "en"
    )
    assert (status, err) == (0, "")
    again = parse_transcript(out.encode(), name=f"out.{fmt}")
    said = [(c.speaker, w) for c in again.cues for w in c.text.split()]
    assert said == [(s, w) for _, s, text in lines_of(source) for w in text.split()]
    if fmt != "json":  # JSON joins one-word lines into the line before (see jsonformat)
        assert [c.start_ms for c in again.cues] == [start for start, _, _ in lines_of(source)]
    if fmt == "json":
        assert json.loads(out)["version"] == "1.0.0"


def test_a_transcript_that_fails_gives_way_to_the_next(
    feed_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, feed_url, "--episode", "2", "--format", "srt")
    assert status == 0
    assert out.startswith("1\n00:00:00,780 --> 00:00:06,210\nAdam Curry: podcasting 2.0 March")


def test_language_is_chosen_among_timed_transcripts(
    feed_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, feed_url, "--episode", "3", "--language", "es")
    assert (status, out) == (0, "0:00  Ana: Hola y bienvenidos.\n")
    status, out, _ = run(capsys, feed_url, "--episode", "3", "--language", "en-GB")
    assert out.startswith("0:00  James C: it's Friday, the 5th of May 20, 23.\n")


def test_an_untimed_transcript_prints_as_text_only(
    feed_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, feed_url, "--episode", "4")
    assert status == 0
    assert out.splitlines()[0].startswith("Travis: When you first get started in podcasting")
    status, out, err = run(capsys, feed_url, "--episode", "4", "--format", "vtt")
    assert (status, out) == (2, "")
    assert err.count("\n") == 1 and "no times" in err


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("5", "no transcript podplayer can read"),
        ("6", "could be read"),
        ("9", "has no episode 9"),
    ],
)
def test_failures_are_one_line(
    feed_url: str, capsys: pytest.CaptureFixture[str], number: str, message: str
) -> None:
    status, out, err = run(capsys, feed_url, "--episode", number)
    assert (status, out) == (2, "")
    assert err.startswith("podplayer: ") and err.count("\n") == 1 and message in err
