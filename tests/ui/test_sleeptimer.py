"""The sleep timer: minutes, end of chapter, end of episode; the fade; the button."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from podplayer.core.model import Chapter, Episode
from podplayer.playback.base import PlayerState
from podplayer.playback.null import NullPlayer
from podplayer.playback.session import PlaybackSession
from podplayer.ui.sleeptimer import FADE_MS, SILENT_MS, SleepMode, SleepTimer, SleepTimerButton


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def episode(tmp_path: Path) -> Episode:
    audio = tmp_path / "ep.mp3"
    audio.write_bytes(b"x")
    chapters = (Chapter(0, "One"), Chapter(60_000, "Two"), Chapter(120_000, "Three"))
    return Episode("g", 1, "Ep", local_path=str(audio), duration_ms=180_000, chapters=chapters)


@pytest.fixture
def rig(qtbot: QtBot, episode: Episode) -> tuple[SleepTimer, NullPlayer, Clock]:
    player = NullPlayer(duration_ms=180_000)
    session = PlaybackSession(player)
    clock = Clock()
    timer = SleepTimer(session, clock=clock)
    session.open(episode)
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=1000)
    player.set_volume(80)
    return timer, player, clock


def test_minutes_fade_then_pause_and_give_the_volume_back(
    rig: tuple[SleepTimer, NullPlayer, Clock],
) -> None:
    timer, player, clock = rig
    timer.start_minutes(10)
    assert timer.mode is SleepMode.MINUTES
    assert timer.text() == "Sleep in 10:00"
    clock.now += 600 - (SILENT_MS + FADE_MS / 2) / 1000  # halfway through the fade
    timer.tick()
    assert timer.fading
    assert 30 <= player.volume() <= 50
    clock.now += FADE_MS / 2000
    timer.tick()
    assert player.volume() == 0  # silent for the last SILENT_MS
    clock.now += SILENT_MS / 1000
    fired: list[bool] = []
    timer.fired.connect(lambda: fired.append(True))
    timer.tick()
    assert fired == [True]
    assert player.state is PlayerState.PAUSED
    assert player.volume() == 80
    assert timer.mode is SleepMode.OFF and timer.text() == ""


def test_end_of_chapter(rig: tuple[SleepTimer, NullPlayer, Clock]) -> None:
    timer, player, _clock = rig
    player.advance(50_000)
    timer.start_end_of_chapter()
    assert timer.remaining_ms() == 10_000
    assert timer.text() == "Sleep at chapter end 0:10"
    player.advance(7_000)
    timer.tick()
    assert timer.fading and player.volume() < 80
    player.advance(3_500)
    assert player.state is PlayerState.PAUSED
    assert player.volume() == 80
    assert 60_000 <= player.position() <= 61_000


def test_end_of_chapter_counts_speed(rig: tuple[SleepTimer, NullPlayer, Clock]) -> None:
    timer, player, _clock = rig
    player.set_rate(2.0)
    timer.start_end_of_chapter()
    assert timer.remaining_ms() == 30_000


def test_end_of_episode(rig: tuple[SleepTimer, NullPlayer, Clock]) -> None:
    timer, player, _clock = rig
    timer.start_end_of_episode()
    assert timer.remaining_ms() == 180_000
    fired: list[bool] = []
    timer.fired.connect(lambda: fired.append(True))
    player.advance(181_000)
    assert fired == [True]
    assert timer.mode is SleepMode.OFF


def test_cancel_and_pausing_by_hand_restore_the_volume(
    rig: tuple[SleepTimer, NullPlayer, Clock],
) -> None:
    timer, player, clock = rig
    timer.start_minutes(1)
    clock.now += 57
    timer.tick()
    assert player.volume() < 80
    player.pause()
    assert player.volume() == 80
    player.play()
    timer.tick()
    assert player.volume() < 80
    timer.cancel()
    assert player.volume() == 80 and timer.remaining_ms() is None


def test_button_menu_and_text(qtbot: QtBot, rig: tuple[SleepTimer, NullPlayer, Clock]) -> None:
    timer, _player, _clock = rig
    button = SleepTimerButton(timer)
    qtbot.addWidget(button)
    assert button.text() == "Sleep"
    assert button.accessibleName() == "Sleep timer"
    button.minute_actions[15].trigger()
    assert button.text() == "Sleep in 15:00"
    button.chapter_action.trigger()
    assert timer.mode is SleepMode.CHAPTER
    button.episode_action.trigger()
    assert timer.mode is SleepMode.EPISODE
    button.off_action.trigger()
    assert timer.mode is SleepMode.OFF and button.text() == "Sleep"
