"""The sleep timer on real libVLC, judged from the recorded audio: a chapter click keeps an
"end of chapter" timer for the new chapter; the fade ends in silence before the pause; the next
play starts at the paused position with no stale audio."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import ruler
import tones
from pytestqt.qtbot import QtBot

from podplayer.core.model import Chapter, Episode
from podplayer.playback.base import PlayerState
from podplayer.playback.session import PlaybackSession
from podplayer.ui.sleeptimer import FADE_MS, SILENT_MS, SleepMode, SleepTimer

pytestmark = pytest.mark.usefixtures("needs_vlc")

OPEN_MS = 10_000


def tone_episode(path: Path) -> Episode:
    chapters = tuple(Chapter(tones.chapter_start(i), t) for i, t in enumerate(tones.TITLES))
    return Episode("tones", None, "Tones", local_path=str(path), chapters=chapters)


def test_a_chapter_click_keeps_the_end_of_chapter_timer(
    qtbot: QtBot, tone_file: Callable[[str], Path]
) -> None:
    from podplayer.playback.vlc import VlcPlayer

    player = VlcPlayer("dummy")
    session = PlaybackSession(player)
    timer = SleepTimer(session)
    fired: list[float] = []
    timer.fired.connect(lambda: fired.append(player.position()))
    try:
        session.open(tone_episode(tone_file("wav")))
        qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=OPEN_MS)
        timer.start_end_of_chapter()
        session.play_chapter(2)
        assert (timer.mode, fired) == (SleepMode.CHAPTER, [])
        assert player.state is PlayerState.PLAYING
        assert timer.text().startswith("Sleep at chapter end")
        # Near the end of the new chapter, it pauses at that chapter's end.
        player.seek(tones.chapter_start(3) - 1200)
        assert timer.mode is SleepMode.CHAPTER
        with qtbot.waitSignal(timer.fired, timeout=OPEN_MS):
            pass
        assert player.state is PlayerState.PAUSED
        assert tones.chapter_start(3) <= fired[0] < tones.chapter_start(3) + 1000
    finally:
        player.close()


def test_the_fade_ends_in_silence_and_the_next_play_is_clean(
    qtbot: QtBot, ruler_file: Callable[[str], Path]
) -> None:
    from podplayer.playback.vlc import VlcPlayer

    player = VlcPlayer("amem")
    recorder = ruler.AmemRecorder(player.native_player())
    session = PlaybackSession(player)
    timer = SleepTimer(session)
    start = 37_000
    try:
        session.open(Episode("ruler", None, "Ruler", local_path=str(ruler_file("mp3-cbr"))), start)
        qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=OPEN_MS)
        timer.start_minutes((FADE_MS + SILENT_MS + 500) / 60_000)
        with qtbot.waitSignal(timer.fired, timeout=FADE_MS + SILENT_MS + OPEN_MS):
            pass
        assert player.state is PlayerState.PAUSED
        assert player.volume() == 100
        paused_at = player.position()
        qtbot.wait(300)
        player.play()
        qtbot.waitUntil(lambda: recorder.heard_ms() > 1500, timeout=OPEN_MS)
        stretches = recorder.stretches()
    finally:
        player.close()
    # Before the pause, then (after the flush of the seek at the pause) the resumed audio.
    assert len(stretches) == 2, [len(s) for s in stretches]
    faded, resumed = stretches
    tail = faded[-recorder.RATE // 2 :]
    assert max(abs(min(tail)), abs(max(tail))) == 0, "sound in the last 0.5 s before the pause"
    landed = ruler.landing(ruler.classify(resumed, recorder.RATE), paused_at)
    assert abs(landed.error_ms) <= 100 and landed.stray_ms <= 10, landed
