"""``podplayer play`` without a window: chapters printed, audio written to a WAV."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
import tones

from podplayer.cli import build_parser
from podplayer.core.model import Chapter
from podplayer.playback.headless import run_play

pytestmark = pytest.mark.usefixtures("needs_vlc")


def play(*args: str) -> tuple[int, str, str]:
    """``podplayer play ARGS`` through the command line's own parser, output captured."""
    ns = build_parser().parse_args(["play", *args])
    out, err = io.StringIO(), io.StringIO()
    status = run_play(ns.source, ns.chapter, None, ns.seconds, ns.output, out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_plays_a_chapter_into_a_wav(
    qtbot: object, tmp_path: Path, tone_file: Callable[[str], Path]
) -> None:
    wav = tmp_path / "out.wav"
    source = str(tone_file("m4a"))
    status, out, err = play(source, "--chapter", "3", "--seconds", "1.5", "--output", str(wav))
    assert (status, err) == (0, "")
    assert out.splitlines() == ["[0:16] Interview"]
    samples, rate = tones.read_wav(wav)
    assert abs(len(samples) / rate - 1.5) < 0.05
    assert [s.tone for s in tones.segments(samples, rate)] == [2]


def test_prints_chapters_as_they_change(
    qtbot: object, tmp_path: Path, tone_file: Callable[[str], Path]
) -> None:
    chapters = [Chapter(tones.chapter_start(i), t) for i, t in enumerate(tones.TITLES)]
    out, err = io.StringIO(), io.StringIO()
    status = run_play(
        str(tone_file("mp3-vbr")),
        None,
        7_000,
        2.0,
        tmp_path / "o.wav",
        chapters=chapters,
        out=out,
        err=err,
    )
    assert status == 0
    assert out.getvalue().splitlines() == ["[0:00] Intro", "[0:08] Tools"]


@pytest.mark.parametrize("source", ["vlc://quit", "--aout=afile", "missing.mp3"])
def test_invalid_source_exits_2(qtbot: object, source: str) -> None:
    status, out, err = play("--seconds", "1", "--", source)
    assert status == 2
    assert out == ""
    assert err.startswith("podplayer: ") and err.count("\n") == 1


def test_unplayable_source_exits_2(qtbot: object, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ogg"
    bad.write_bytes(b"\x00garbage" * 1000)
    status, _out, err = play(str(bad), "--seconds", "1", "--output", str(tmp_path / "x.wav"))
    assert status == 2
    assert "not audio" in err


def test_no_such_chapter(qtbot: object, tone_file: Callable[[str], Path]) -> None:
    status, _out, err = play(str(tone_file("m4a")), "--chapter", "9")
    assert status == 2
    assert "no chapter 9" in err and "it has 4" in err
