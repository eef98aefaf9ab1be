"""The transport bar against the null player: every control, its shortcut, interpolation."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMainWindow

from podplayer.core.model import Chapter, Episode
from podplayer.playback.base import PlayerState
from podplayer.playback.null import NullPlayer
from podplayer.playback.session import PlaybackSession
from podplayer.ui.slider import thin_ticks
from podplayer.ui.transport import SPEEDS, TransportBar

CHAPTER_MS = 10_000
TITLES = ("Welcome", "Notes", "Seek", "Links", "Speed", "Goodbye")


class FakeClock:
    """Seconds that only move when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: int) -> None:
        self.now += ms / 1000


@pytest.fixture
def episode(tmp_path: Path) -> Episode:
    audio = tmp_path / "demo.mp3"
    audio.write_bytes(b"ID3 not really audio")
    chapters = tuple(Chapter(i * CHAPTER_MS, title) for i, title in enumerate(TITLES))
    return Episode(
        guid="demo",
        number=1,
        title="A tour",
        duration_ms=60_000,
        local_path=str(audio),
        chapters=chapters,
    )


class Rig:
    def __init__(self, qtbot: Any, episode: Episode) -> None:
        self.qtbot = qtbot
        self.clock = FakeClock()
        self.player = NullPlayer(duration_ms=60_000)
        self.session = PlaybackSession(self.player)
        self.session.set_episode(episode)
        self.bar = TransportBar(self.session, clock=self.clock)
        # As the window does: Play with nothing loaded opens the current episode.
        self.bar.play_requested.connect(lambda: self.session.open(episode))
        # Shortcuts are window-wide: give the bar a window, as the app does.
        self.window = QMainWindow()
        self.window.setCentralWidget(self.bar)
        self.window.resize(1000, 120)
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.window.activateWindow()

    def play_at(self, ms: int) -> None:
        self.session.open(self.session.episode, ms)  # type: ignore[arg-type]
        self.qtbot.waitUntil(lambda: self.player.state is PlayerState.PLAYING, timeout=2000)

    def key(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier):
        self.qtbot.keyClick(self.window, key, modifiers)


@pytest.fixture
def rig(qtbot: Any, episode: Episode) -> Rig:
    return Rig(qtbot, episode)


def test_play_button_plays_and_pauses(rig: Rig) -> None:
    assert rig.bar.play_button.toolTip() == "Play (Space)"
    rig.bar.play_button.click()
    rig.qtbot.waitUntil(lambda: rig.player.state is PlayerState.PLAYING, timeout=2000)
    assert rig.bar.play_action.toolTip() == "Pause (Space)"
    rig.bar.play_button.click()
    assert rig.player.state is PlayerState.PAUSED
    assert rig.bar.play_action.toolTip() == "Play (Space)"


def test_space_toggles_playback(rig: Rig) -> None:
    rig.key(Qt.Key.Key_Space)
    rig.qtbot.waitUntil(lambda: rig.player.state is PlayerState.PLAYING, timeout=2000)
    rig.key(Qt.Key.Key_Space)
    assert rig.player.state is PlayerState.PAUSED


def test_position_is_interpolated_between_reports(rig: Rig) -> None:
    rig.play_at(10_000)
    assert rig.bar.displayed_position() == 10_000
    rig.clock.advance(500)
    rig.bar._refresh_position()
    assert rig.bar.displayed_position() == 10_500
    assert rig.bar.slider.value() == 10_500
    rig.bar.set_speed(2.0)
    rig.clock.advance(250)
    assert rig.bar.displayed_position() == 11_000
    # No report for a long time (a stalled stream): the display doesn't run away.
    rig.clock.advance(60_000)
    assert rig.bar.displayed_position() == 10_500 + 2 * 2_000
    rig.player.advance(1_000)  # a report re-anchors
    assert rig.bar.displayed_position() == 12_000


def test_paused_position_does_not_move(rig: Rig) -> None:
    rig.play_at(5_000)
    rig.player.pause()
    rig.clock.advance(3_000)
    assert rig.bar.displayed_position() == 5_000


def test_times_and_chapter_are_shown(rig: Rig) -> None:
    rig.play_at(23_000)
    rig.bar._refresh_position()
    assert rig.bar.elapsed_label.text() == "0:23"
    assert rig.bar.remaining_label.text() == "-0:37"
    assert rig.bar.chapter_title.text() == "Seek"
    assert rig.bar.chapter_info.text() == "Chapter 3 of 6 · 0:03 of 0:10 · 0:07 left · A tour"
    assert rig.bar.chapter_progress.value() == 300


def test_slider_has_a_tick_per_chapter(rig: Rig) -> None:
    ticks = rig.bar.slider.tick_positions()
    assert len(ticks) == len(TITLES)
    assert ticks == sorted(ticks)
    rig.bar.slider.grab()  # paints the ticks without error


def test_ticks_thin_out_when_there_are_many(rig: Rig, episode: Episode) -> None:
    many = tuple(Chapter(i * 100, f"c{i}") for i in range(600))
    rig.session.set_chapters(many)
    ticks = rig.bar.slider.tick_positions()
    assert 10 < len(ticks) < 600
    assert all(b - a >= 4 for a, b in itertools.pairwise(ticks))
    assert thin_ticks([0, 1, 2, 3, 4, 8, 9, 20]) == [0, 4, 8, 20]


def test_dragging_the_slider_seeks_on_release(rig: Rig) -> None:
    rig.play_at(1_000)
    slider = rig.bar.slider
    slider.setSliderDown(True)
    slider.setSliderPosition(42_000)
    rig.player.advance(500)  # a report while dragging doesn't move the handle
    assert slider.value() == 42_000
    assert rig.player.position() == 1_500
    slider.setSliderDown(False)
    assert rig.player.position() == 42_000
    assert rig.bar.elapsed_label.text() == "0:42"


def test_clicking_the_groove_jumps_there(rig: Rig) -> None:
    rig.play_at(0)
    slider = rig.bar.slider
    groove = slider._groove()
    x = groove.left() + groove.width() * 3 // 4
    rig.qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=QPoint(x, slider.height() // 2))
    assert abs(rig.player.position() - 45_000) < 1_500


def test_skip_buttons_and_arrow_keys(rig: Rig) -> None:
    rig.play_at(40_000)
    rig.bar.back_button.click()
    assert rig.player.position() == 25_000
    rig.bar.forward_button.click()
    assert rig.player.position() == 55_000
    rig.key(Qt.Key.Key_Left)
    assert rig.player.position() == 40_000
    rig.key(Qt.Key.Key_Right)
    assert rig.player.position() == 59_999  # clamped inside the media
    assert "Left" in rig.bar.back_button.toolTip()
    assert "Right" in rig.bar.forward_button.toolTip()


def test_previous_and_next_chapter(rig: Rig) -> None:
    rig.play_at(21_000)
    rig.bar.next_button.click()
    assert rig.player.position() == 30_000
    rig.key(Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert rig.player.position() == 40_000
    rig.key(Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert rig.player.position() == 30_000
    rig.player.advance(5_000)
    rig.bar.previous_button.click()  # more than 3 s in: back to this chapter's start
    assert rig.player.position() == 30_000
    assert rig.bar.chapter_title.text() == "Links"
    assert "Ctrl+Left" in rig.bar.previous_button.toolTip()
    assert "Ctrl+Right" in rig.bar.next_button.toolTip()


def test_speed_combo_and_keys(rig: Rig) -> None:
    assert rig.bar.speed_combo.currentText() == "1×"
    assert "+" in rig.bar.speed_combo.toolTip()
    rig.key(Qt.Key.Key_Plus)
    assert rig.player.rate() == 1.1
    rig.key(Qt.Key.Key_Minus)
    rig.key(Qt.Key.Key_Minus)
    assert rig.player.rate() == 0.75
    for _ in range(20):
        rig.bar.slower_action.trigger()
    assert rig.player.rate() == 0.5
    for _ in range(20):
        rig.bar.faster_action.trigger()
    assert rig.player.rate() == 3.0
    rig.bar.speed_combo.activated.emit(SPEEDS.index(1.5))
    assert rig.player.rate() == 1.5
    assert rig.bar.speed_combo.currentText() == "1.5×"


def test_speed_change_keeps_the_display_continuous(rig: Rig) -> None:
    rig.play_at(10_000)
    rig.clock.advance(1_000)
    before = rig.bar.displayed_position()
    rig.bar.set_speed(2.0)
    assert rig.bar.displayed_position() == before


def test_volume_and_mute(rig: Rig) -> None:
    rig.bar.volume_slider.setValue(40)
    assert rig.player.volume() == 40
    rig.bar.mute_button.click()
    assert rig.player.is_muted()
    assert rig.bar.mute_action.toolTip() == "Unmute (M)"
    rig.key(Qt.Key.Key_M)
    assert not rig.player.is_muted()
    rig.bar.mute_button.click()
    rig.bar.volume_slider.setValue(60)  # turning it up unmutes, as everywhere
    assert not rig.player.is_muted()
    assert rig.player.volume() == 60


def test_play_with_nothing_to_play_asks_the_window(qtbot: Any) -> None:
    player = NullPlayer()
    bar = TransportBar(PlaybackSession(player))
    qtbot.addWidget(bar)
    with qtbot.waitSignal(bar.play_requested, timeout=1000):
        bar.play_action.trigger()
    assert bar.chapter_title.text() == "Nothing playing"


def test_unavailable_disables_everything(rig: Rig) -> None:
    rig.bar.set_unavailable("libVLC is not installed: install libvlc5")
    assert not rig.bar.play_button.isEnabled()
    assert not rig.bar.slider.isEnabled()
    assert not rig.bar.speed_combo.isEnabled()
    assert not rig.bar.volume_slider.isEnabled()
    assert all(not a.isEnabled() for a in rig.bar.actions())
    assert rig.bar.chapter_title.text() == "Playback is not available"
    assert "libvlc5" in rig.bar.chapter_info.text()
    rig.key(Qt.Key.Key_Space)
    assert rig.player.state is PlayerState.STOPPED
