"""The sleep timer: pause after N minutes, at the end of the chapter or of the episode.

The volume fades out over the last few seconds, then playback pauses and the volume is put
back, so the next play starts at the listener's volume. ``clock`` (seconds, monotonic) is
injectable for tests; the timer checks itself a few times a second while armed.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from podplayer.core.model import chapter_lengths
from podplayer.core.timecode import format_ms
from podplayer.playback.base import PlayerState
from podplayer.playback.session import PlaybackSession

log = logging.getLogger(__name__)

#: The volume fades out over this much wall time (ms) before the pause.
FADE_MS = 6_000
MINUTES: tuple[int, ...] = (5, 10, 15, 30, 45, 60, 90)
_TICK_MS = 200


class SleepMode(enum.Enum):
    OFF = "off"
    MINUTES = "minutes"
    CHAPTER = "chapter"
    EPISODE = "episode"


class SleepTimer(QObject):
    """Pauses ``session``'s player when the chosen moment comes.

    Signals: ``changed()`` whenever the mode or the remaining time changes (see ``text()``),
    ``fired()`` when it paused playback (or the episode ended while armed for it).
    """

    changed = Signal()
    fired = Signal()

    def __init__(
        self,
        session: PlaybackSession,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._player = session.player
        self._clock = clock
        self._mode = SleepMode.OFF
        self._deadline = 0.0
        self._chapter = -1
        self._volume: int | None = None  # the listener's volume while fading
        self._timer = QTimer(self)
        self._timer.setInterval(_TICK_MS)
        self._timer.timeout.connect(self.tick)
        self._player.state_changed.connect(self._on_state)
        session.chapter_changed.connect(self._on_chapter)

    # -- public API ----------------------------------------------------------------------------

    @property
    def mode(self) -> SleepMode:
        return self._mode

    @property
    def fading(self) -> bool:
        return self._volume is not None

    def start_minutes(self, minutes: float) -> None:
        """Pause after ``minutes`` of wall time from now."""
        self._deadline = self._clock() + minutes * 60
        self._arm(SleepMode.MINUTES)

    def start_end_of_chapter(self) -> None:
        """Pause when the chapter playing now ends (at once when nothing is playing)."""
        self._chapter = self._session.current_chapter
        self._arm(SleepMode.CHAPTER)

    def start_end_of_episode(self) -> None:
        """Pause (fade out) at the end of the episode playing now."""
        self._arm(SleepMode.EPISODE)

    def cancel(self) -> None:
        """Turn the timer off and give the volume back."""
        self._restore_volume()
        self._mode = SleepMode.OFF
        self._timer.stop()
        self.changed.emit()

    def remaining_ms(self) -> int | None:
        """Wall time (ms) until the pause, or None when off or unknown."""
        mode = self._mode
        if mode is SleepMode.MINUTES:
            return max(0, round((self._deadline - self._clock()) * 1000))
        if mode is SleepMode.OFF:
            return None
        end = self._media_end()
        if end is None:
            return None
        rate = self._player.rate() or 1.0
        return max(0, round((end - self._player.position()) / rate))

    def text(self) -> str:
        """What the transport bar shows: "" when off, else e.g. "Sleep 12:34"."""
        if self._mode is SleepMode.OFF:
            return ""
        remaining = self.remaining_ms()
        left = "" if remaining is None else " " + format_ms(remaining)
        if self._mode is SleepMode.CHAPTER:
            return f"Sleep at chapter end{left}"
        if self._mode is SleepMode.EPISODE:
            return f"Sleep at episode end{left}"
        return f"Sleep in{left}"

    # -- the clock -----------------------------------------------------------------------------

    @Slot()
    def tick(self) -> None:
        """Check the time: fade, pause when due. Runs every 200 ms while armed."""
        if self._mode is SleepMode.OFF:
            return
        remaining = self.remaining_ms()
        if remaining is not None:
            if remaining <= 0:
                self._fire()
                return
            if remaining <= FADE_MS and self._player.state is PlayerState.PLAYING:
                self._fade(remaining)
        self.changed.emit()

    def _arm(self, mode: SleepMode) -> None:
        self._restore_volume()
        self._mode = mode
        self._timer.start()
        log.info("Sleep timer: %s", mode.value)
        self.changed.emit()

    def _media_end(self) -> int | None:
        duration = self._player.duration()
        if self._mode is SleepMode.EPISODE:
            return duration
        chapters = self._session.chapters
        index = self._chapter
        if not 0 <= index < len(chapters):
            return None
        lengths = chapter_lengths(chapters, duration)
        length = lengths[index]
        return None if length is None else chapters[index].start_ms + length

    def _fade(self, remaining: int) -> None:
        if self._volume is None:
            self._volume = self._player.volume()
        self._player.set_volume(round(self._volume * remaining / FADE_MS))

    def _restore_volume(self) -> None:
        if self._volume is not None:
            self._player.set_volume(self._volume)
            self._volume = None

    def _fire(self) -> None:
        log.info("Sleep timer: pausing")
        if self._player.state in (PlayerState.PLAYING, PlayerState.OPENING, PlayerState.BUFFERING):
            self._player.pause()
        self._restore_volume()
        self._mode = SleepMode.OFF
        self._timer.stop()
        self.changed.emit()
        self.fired.emit()

    @Slot(int)
    def _on_chapter(self, index: int) -> None:
        if self._mode is not SleepMode.CHAPTER:
            return
        if self._chapter < 0:
            self._chapter = index  # armed before the first chapter: wait for that one's end
        elif index != self._chapter:
            self._fire()

    @Slot(object)
    def _on_state(self, state: object) -> None:
        if self._mode is SleepMode.EPISODE and state is PlayerState.ENDED:
            self._fire()
        elif state is not PlayerState.PLAYING:
            # Paused by hand mid-fade: the volume must not stay low.
            self._restore_volume()


class SleepTimerButton(QToolButton):
    """A tool button with the timer's menu; its text shows the time left."""

    def __init__(self, timer: SleepTimer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timer = timer
        self.setObjectName("sleepTimerButton")
        self.setAccessibleName("Sleep timer")
        self.setToolTip("Sleep timer: pause after a while, or at the end of the chapter")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setAutoRaise(True)
        menu = QMenu(self)
        group = QActionGroup(self)
        self.off_action = self._add(menu, group, "&Off", timer.cancel)
        menu.addSeparator()
        self.minute_actions: dict[int, QAction] = {}
        for minutes in MINUTES:
            self.minute_actions[minutes] = self._add(
                menu, group, f"{minutes} minutes", partial(timer.start_minutes, minutes)
            )
        menu.addSeparator()
        self.chapter_action = self._add(menu, group, "End of &chapter", timer.start_end_of_chapter)
        self.episode_action = self._add(menu, group, "End of &episode", timer.start_end_of_episode)
        self.setMenu(menu)
        timer.changed.connect(self._refresh)
        self._refresh()

    def _add(
        self, menu: QMenu, group: QActionGroup, text: str, slot: Callable[[], None]
    ) -> QAction:
        action = menu.addAction(text)
        action.setCheckable(True)
        group.addAction(action)
        action.triggered.connect(slot)
        return action

    @Slot()
    def _refresh(self) -> None:
        text = self.timer.text()
        self.setText(text or "Sleep")
        self.setAccessibleDescription(text or "Sleep timer off")
        if self.timer.mode is SleepMode.OFF:
            self.off_action.setChecked(True)
