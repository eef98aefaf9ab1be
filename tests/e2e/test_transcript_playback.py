"""The real window on real libVLC: a click on a transcript line is heard from that line.

The tone file of test_window_playback (chapter i a pure tone of TONES[i] Hz for CHAPTER_S s)
with a WebVTT transcript served from loopback, one cue per tone; what libVLC output (its file
output, a WAV) is judged by the tones heard, in order.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from test_window_playback import (  # the tone file, the ear and the window rig
    CHAPTER_S,
    TONES,
    Rig,
    heard_tones,
    recording,
    tone_file,
    vlc,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from httpserver import Loopback, Resource, loopback_server

from podplayer.core.model import Episode, Podcast, TranscriptRef
from podplayer.ui.episodepane import TRANSCRIPT_TAB

pytestmark = pytest.mark.slow

__all__ = ["recording", "tone_file", "vlc"]


def _vtt() -> bytes:
    cues = []
    for i, freq in enumerate(TONES):
        start, end = i * CHAPTER_S, (i + 1) * CHAPTER_S
        cues.append(f"00:00:{start:02d}.000 --> 00:00:{end:02d}.000\n<v Tone>{freq} hertz\n")
    return ("WEBVTT\n\n" + "\n".join(cues)).encode()


@pytest.fixture
def server() -> Iterator[Loopback]:
    with loopback_server() as loop:
        loop.add("/tones.vtt", Resource(_vtt(), content_type="text/vtt"))
        yield loop


def _show(rig: Rig, server: Loopback, path: Path) -> None:
    episode = Episode(
        guid="tones",
        number=1,
        title="Tones",
        duration_ms=len(TONES) * CHAPTER_S * 1000,
        local_path=str(path),
        transcripts=(TranscriptRef(server.url("/tones.vtt"), "text/vtt", "en"),),
    )
    with rig.qtbot.waitSignal(rig.window.transcripts.loaded, timeout=10_000):
        rig.show(Podcast("file:///tones", "Tones", episodes=(episode,)))
    rig.window.episode_pane.notes_tabs.setCurrentIndex(TRANSCRIPT_TAB)


def _click_line(rig: Rig, row: int) -> None:
    pane = rig.window.episode_pane.transcript_pane
    index = pane.model.index(row, 0)
    pane.view.scrollTo(index)
    rect = pane.view.visualRect(index)
    rig.qtbot.mouseClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_click_on_a_line_is_heard_from_that_line(
    recording: tuple[Rig, Path], tone_file: Path, server: Loopback
) -> None:
    rig, wav = recording
    _show(rig, server, tone_file)
    pane = rig.window.episode_pane.transcript_pane
    assert pane.model.rowCount() == len(TONES)
    _click_line(rig, 2)
    rig.wait_playing()
    rig.qtbot.waitUntil(lambda: pane.model.current_row == 2, timeout=5000)
    rig.qtbot.wait(1500)
    # Playing: a click on an earlier line goes back to it.
    _click_line(rig, 1)
    rig.qtbot.waitUntil(lambda: pane.model.current_row == 1, timeout=5000)
    rig.qtbot.wait(1500)
    rig.close()
    assert heard_tones(wav) == [TONES[2], TONES[1]]
    assert rig.errors == []


def test_the_line_said_follows_what_is_heard(
    recording: tuple[Rig, Path], tone_file: Path, server: Loopback
) -> None:
    rig, _wav = recording
    _show(rig, server, tone_file)
    pane = rig.window.episode_pane.transcript_pane
    _click_line(rig, 0)
    rig.wait_playing()
    rig.player.seek(CHAPTER_S * 1000 * 3 - 700)
    rig.qtbot.waitUntil(lambda: pane.model.current_row == 3, timeout=8000)
    assert rig.errors == []
