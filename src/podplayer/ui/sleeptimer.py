"""The sleep timer: pause after N minutes, at the end of the chapter or of the episode.

The volume fades out over the last few seconds and stays at zero for a moment (audio outputs
work up to about 1.3 s ahead of what is heard, at the volume of the moment they take the audio),
then playback pauses, the position is sought again where it paused (which drops the audio the
output still held, so the next play starts with no stale burst) and the volume is put back, so
the next play starts at the listener's volume. ``clock`` (seconds, monotonic) is injectable for
tests; the timer checks itself a few times a second while armed.
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

#: The volume fades out over this much wall time (ms), then stays silent for SILENT_MS.
FADE_MS = 6_000
#: Silence held before the pause (wall ms): longer than an audio output works ahead.
SILENT_MS = 1_500
#: Leaving the armed chapter this close after its end (media ms) is reaching its end; further
#: away it is a jump (a chapter click), and the timer follows to the new chapter.
_REACHED_END_MS = 5_000
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
        # The last position report before the current one: the session reports a chapter
        # change from inside the newer report, before this timer sees it.
        self._last_position = 0
        self._player.state_changed.connect(self._on_state)
        session.chapter_changed.connect(self._on_chapter)
        self._player.position_changed.connect(self._on_position)

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
            if remaining <= FADE_MS + SILENT_MS and self._player.state is PlayerState.PLAYING:
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
        share = min(1.0, max(0.0, (remaining - SILENT_MS) / FADE_MS))
        self._player.set_volume(round(self._volume * share))

    def _restore_volume(self) -> None:
        if self._volume is not None:
            self._player.set_volume(self._volume)
            self._volume = None

    def _fire(self) -> None:
        log.info("Sleep timer: pausing")
        player = self._player
        if player.state in (PlayerState.PLAYING, PlayerState.OPENING, PlayerState.BUFFERING):
            if self._volume is not None:
                player.set_volume(0)  # the output may still hold audio: keep it silent
            player.pause()
            if player.is_seekable():  # paused now (not still opening)
                # Drops what the output holds: resuming starts clean at the paused position.
                player.seek(player.position())
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
            end = self._media_end()
            before, now = self._last_position, self._player.position()
            if end is not None and end - _REACHED_END_MS <= before < end <= now:
                self._fire()
            else:
                # A jump to another chapter: sleep at the end of that one instead.
                self._restore_volume()
                self._chapter = index
                log.info("Sleep timer: now at the end of chapter %d", index + 1)
                self.changed.emit()

    @Slot(int)
    def _on_position(self, position_ms: int) -> None:
        self._last_position = position_ms

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
