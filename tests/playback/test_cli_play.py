"""``podplayer play`` as a listener runs it: chapters from the file's own tags (ID3 CHAP here,
which libVLC does not expose), the chapter's tone in the recorded WAV."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import tones

pytestmark = pytest.mark.usefixtures("needs_vlc")


def test_play_chapter_of_an_mp3_by_its_id3_chapters(
    tmp_path: Path, tone_file: Callable[[str], Path]
) -> None:
    wav = tmp_path / "out.wav"
    source = tone_file("mp3-vbr")
    result = subprocess.run(
        [sys.executable, "-m", "podplayer", "play", str(source), "--chapter", "3",
         "--seconds", "2", "--output", str(wav)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0] == "[0:16] Interview"
    samples, rate = tones.read_wav(wav)
    heard = [segment.tone for segment in tones.segments(samples, rate)]
    assert heard == [2], heard


def test_play_refuses_a_non_audio_scheme() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "podplayer", "play", "screen://", "--seconds", "1"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
