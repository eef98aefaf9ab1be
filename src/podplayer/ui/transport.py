"""The transport bar: play/pause, a chapter-marked position slider, chapter and skip buttons,
speed and volume.

The player reports its position every 200 to 1000 ms; the bar interpolates between reports with
its own clock so the slider and the elapsed time move smoothly.
"""

from __future__ import annotations

import bisect
import logging
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QFont, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from podplayer.core.model import Chapter, chapter_lengths
from podplayer.core.timecode import format_ms
from podplayer.playback.base import PlaybackError, PlayerState
from podplayer.playback.session import PlaybackSession
from podplayer.ui.sleeptimer import SleepTimer, SleepTimerButton
from podplayer.ui.slider import ChapterSlider

log = logging.getLogger(__name__)

SPEEDS: tuple[float, ...] = (0.5, 0.75, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
SKIP_BACK_MS = 15_000
SKIP_FORWARD_MS = 30_000
_FRAME_MS = 40  # display refresh while playing: 25 frames a second is smooth for a slider
# Without a fresh report the display stops extrapolating after this long (a stalled stream).
_MAX_EXTRAPOLATION_MS = 2_000

_BUSY = frozenset({PlayerState.OPENING, PlayerState.BUFFERING})


def speed_text(rate: float) -> str:
    """ "1.5×", "1×", "0.75×"."""
    return f"{rate:g}×"


def _tool_button(action: QAction, text: str | None = None) -> QToolButton:
    button = QToolButton()
    button.setDefaultAction(action)
    button.setAutoRaise(True)
    button.setIconSize(QSize(22, 22))
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space must stay play/pause, not "press"
    if text is not None:
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setText(text)
    return button


def _action(
    parent: QWidget,
    text: str,
    keys: Sequence[str | QKeySequence],
    tip: str,
    slot: Callable[[], None],
    *,
    icon: QStyle.StandardPixmap | None = None,
) -> QAction:
    action = QAction(text, parent)
    sequences = [QKeySequence(k) if isinstance(k, str) else k for k in keys]
    action.setShortcuts(sequences)
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    shown = sequences[0].toString(QKeySequence.SequenceFormat.NativeText) if sequences else ""
    action.setToolTip(f"{tip} ({shown})" if shown else tip)
    action.setStatusTip(tip)
    if icon is not None:
        action.setIcon(parent.style().standardIcon(icon))
    action.triggered.connect(slot)
    return action


class TransportBar(QFrame):
    """Controls for ``session``'s player. ``clock`` (seconds, monotonic) drives interpolation;
    tests pass a fake one.

    Signals: ``play_requested()`` when Play is pressed with nothing to play (the window then
    opens the selected episode); ``error_occurred(str)`` for a request that was refused.

    Every control is also a QAction with a shortcut (``actions()``), so a window can put them
    in a menu; the shortcuts work anywhere in the window the bar is in.
    """

    play_requested = Signal()
    error_occurred = Signal(str)

    def __init__(
        self,
        session: PlaybackSession,
        clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
        sleep_timer: SleepTimer | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("transportBar")
        self.setAccessibleName("Transport")
        self.sleep_timer = sleep_timer
        self.session = session
        self.player = session.player
        self._clock = clock
        self._anchor_ms = 0
        self._anchor_t = clock()
        self._chapters: tuple[Chapter, ...] = ()
        self._starts: tuple[int, ...] = ()
        self._ends: tuple[int | None, ...] = ()
        self._duration = 0
        self._unavailable: str | None = None
        self.skip_back_ms = SKIP_BACK_MS
        self.skip_forward_ms = SKIP_FORWARD_MS

        self._build_actions()
        self._build_widgets()
        self._build_layout()

        self._frame = QTimer(self)
        self._frame.setInterval(_FRAME_MS)
        self._frame.timeout.connect(self._refresh_position)

        self.player.state_changed.connect(self._on_state_changed)
        self.player.position_changed.connect(self._on_position_changed)
        self.player.duration_changed.connect(self._on_duration_changed)
        self.player.media_loaded.connect(self._on_media_loaded)
        session.chapter_changed.connect(self._on_chapter_changed)
        session.episode_changed.connect(self._on_episode_changed)
        session.chapters_changed.connect(self._on_chapters_changed)

        self.set_skip_intervals(self.skip_back_ms, self.skip_forward_ms)
        self.set_speed(self.player.rate())
        self.volume_slider.setValue(self.player.volume())
        self.mute_action.setChecked(self.player.is_muted())
        self._on_episode_changed(session.episode)
        self._on_state_changed(self.player.state)

    # -- construction ------------------------------------------------------------------------

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        ctrl = Qt.KeyboardModifier.ControlModifier
        self.play_action = _action(
            self, "&Play", ["Space"], "Play or pause", self.toggle_play, icon=sp.SP_MediaPlay
        )
        self.previous_action = _action(
            self,
            "P&revious chapter",
            [QKeySequence(ctrl | Qt.Key.Key_Left)],
            "Previous chapter (or the start of this one)",
            self._guarded(self.session.previous_chapter),
            icon=sp.SP_MediaSkipBackward,
        )
        self.next_action = _action(
            self,
            "&Next chapter",
            [QKeySequence(ctrl | Qt.Key.Key_Right)],
            "Next chapter",
            self._guarded(self.session.next_chapter),
            icon=sp.SP_MediaSkipForward,
        )
        self.back_action = _action(
            self,
            "Skip &back 15 s",
            ["Left"],
            "Skip back 15 seconds",
            lambda: self.session.skip(-self.skip_back_ms),
            icon=sp.SP_MediaSeekBackward,
        )
        self.forward_action = _action(
            self,
            "Skip &forward 30 s",
            ["Right"],
            "Skip forward 30 seconds",
            lambda: self.session.skip(self.skip_forward_ms),
            icon=sp.SP_MediaSeekForward,
        )
        self.faster_action = _action(self, "&Faster", ["+", "="], "Faster", self.faster)
        self.slower_action = _action(self, "&Slower", ["-"], "Slower", self.slower)
        self.mute_action = _action(
            self, "&Mute", ["M"], "Mute", self._on_mute_clicked, icon=sp.SP_MediaVolume
        )
        self.mute_action.setCheckable(True)
        for action in self.actions():
            self.addAction(action)

    def _guarded(self, request: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                request()
            except PlaybackError as exc:
                self.error_occurred.emit(str(exc))

        return run

    def actions(self) -> list[QAction]:
        """The bar's actions in menu order."""
        return [
            self.play_action,
            self.previous_action,
            self.next_action,
            self.back_action,
            self.forward_action,
            self.faster_action,
            self.slower_action,
            self.mute_action,
        ]

    def _build_widgets(self) -> None:
        self.play_button = _tool_button(self.play_action)
        self.play_button.setObjectName("playButton")
        self.play_button.setIconSize(QSize(32, 32))
        self.play_button.setMinimumSize(QSize(44, 44))
        self.previous_button = _tool_button(self.previous_action)
        self.next_button = _tool_button(self.next_action)
        self.back_button = _tool_button(self.back_action, "")
        self.forward_button = _tool_button(self.forward_action, "")
        bold = QFont(self.font())
        bold.setBold(True)
        for button in (self.back_button, self.forward_button):
            button.setFont(bold)
            button.setMinimumWidth(40)

        self.slider = ChapterSlider()
        self.slider.seek_requested.connect(self._on_seek_requested)
        self.elapsed_label = QLabel("0:00")
        self.remaining_label = QLabel("-0:00")
        for label in (self.elapsed_label, self.remaining_label):
            label.setMinimumWidth(self.fontMetrics().horizontalAdvance("-0:00:00") + 6)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.elapsed_label.setToolTip("Elapsed")
        self.remaining_label.setToolTip("Remaining")

        self.chapter_title = QLabel()
        self.chapter_title.setObjectName("chapterTitle")
        title_font = QFont(self.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.1)
        self.chapter_title.setFont(title_font)
        self.chapter_title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.chapter_info = QLabel()
        self.chapter_info.setObjectName("chapterInfo")
        self.chapter_info.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.chapter_info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.chapter_progress = QProgressBar()
        self.chapter_progress.setRange(0, 1000)
        self.chapter_progress.setTextVisible(False)
        self.chapter_progress.setMaximumHeight(4)
        self.chapter_progress.setToolTip("Progress in this chapter")

        self.speed_combo = QComboBox()
        self.speed_combo.setObjectName("speedCombo")
        for rate in SPEEDS:
            self.speed_combo.addItem(speed_text(rate), rate)
        self.speed_combo.setToolTip("Playback speed (faster: +, slower: -)")
        self.speed_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.speed_combo.activated.connect(self._on_speed_chosen)

        self.mute_button = _tool_button(self.mute_action)
        self.volume_slider = QSlider(Qt.Orientation.Horizontal)
        self.volume_slider.setObjectName("volumeSlider")
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setFixedWidth(100)
        self.volume_slider.setToolTip("Volume")
        self.volume_slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume_slider.valueChanged.connect(self._on_volume_changed)
        # Reachable with Tab, but a click doesn't take focus from the lists (Space plays).
        for widget in (self.speed_combo, self.volume_slider):
            widget.setFocusPolicy(Qt.FocusPolicy.TabFocus)

        self.sleep_button: SleepTimerButton | None = None
        if self.sleep_timer is not None:
            self.sleep_button = SleepTimerButton(self.sleep_timer)
            self.sleep_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)

        controls: tuple[tuple[QWidget, str], ...] = (
            (self.play_button, "Play or pause"),
            (self.previous_button, "Previous chapter"),
            (self.next_button, "Next chapter"),
            (self.back_button, "Skip back"),
            (self.forward_button, "Skip forward"),
            (self.slider, "Position"),
            (self.elapsed_label, "Elapsed"),
            (self.remaining_label, "Remaining"),
            (self.chapter_title, "Chapter playing"),
            (self.chapter_info, "Chapter progress"),
            (self.chapter_progress, "Progress in this chapter"),
            (self.speed_combo, "Speed"),
            (self.mute_button, "Mute"),
            (self.volume_slider, "Volume"),
        )
        for control, name in controls:
            control.setAccessibleName(name)

    def _build_layout(self) -> None:
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)

        position_row = QHBoxLayout()
        position_row.setSpacing(6)
        position_row.addWidget(self.elapsed_label)
        position_row.addWidget(self.slider, 1)
        position_row.addWidget(self.remaining_label)

        chapter_box = QVBoxLayout()
        chapter_box.setSpacing(2)
        chapter_box.addStretch(1)
        chapter_box.addWidget(self.chapter_title)
        chapter_box.addWidget(self.chapter_info)
        chapter_box.addWidget(self.chapter_progress)
        chapter_box.addStretch(1)

        controls = QHBoxLayout()
        controls.setSpacing(2)
        for widget in (
            self.previous_button,
            self.back_button,
            self.play_button,
            self.forward_button,
            self.next_button,
        ):
            controls.addWidget(widget)
        controls.addSpacing(14)
        controls.addLayout(chapter_box, 1)
        controls.addSpacing(14)
        speed_label = QLabel("Speed")
        speed_label.setBuddy(self.speed_combo)
        controls.addWidget(speed_label)
        controls.addWidget(self.speed_combo)
        controls.addSpacing(10)
        controls.addWidget(self.mute_button)
        controls.addWidget(self.volume_slider)
        if self.sleep_button is not None:
            controls.addSpacing(6)
            controls.addWidget(self.sleep_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addLayout(position_row)
        layout.addLayout(controls)

    # -- public API ----------------------------------------------------------------------------

    def displayed_position(self) -> int:
        """The position shown, in ms: the last report plus the time since, while playing."""
        position = self._anchor_ms
        if self.player.state is PlayerState.PLAYING:
            elapsed = (self._clock() - self._anchor_t) * 1000
            position += round(min(elapsed, _MAX_EXTRAPOLATION_MS) * self.player.rate())
        if self._duration > 0:
            position = min(position, self._duration)
        return max(0, position)

    def set_unavailable(self, reason: str | None) -> None:
        """Disable every control and say why (None enables them again)."""
        self._unavailable = reason
        enabled = reason is None
        for action in self.actions():
            action.setEnabled(enabled)
        for widget in (self.slider, self.speed_combo, self.volume_slider, self.sleep_button):
            if widget is not None:
                widget.setEnabled(enabled)
        if reason is not None:
            self.chapter_title.setText("Playback is not available")
            self.chapter_info.setText(reason)
            self.chapter_info.setToolTip(reason)
        else:
            self._refresh_chapter(self.displayed_position())

    def set_skip_intervals(self, back_ms: int, forward_ms: int) -> None:
        """Skip back/forward by these many ms (the actions' texts follow)."""
        self.skip_back_ms = max(1000, int(back_ms))
        self.skip_forward_ms = max(1000, int(forward_ms))
        back_s, forward_s = self.skip_back_ms // 1000, self.skip_forward_ms // 1000
        self.back_action.setText(f"Skip &back {back_s} s")
        self.forward_action.setText(f"Skip &forward {forward_s} s")
        for action, tip in (
            (self.back_action, f"Skip back {back_s} seconds"),
            (self.forward_action, f"Skip forward {forward_s} seconds"),
        ):
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({keys})" if keys else tip)
            action.setStatusTip(tip)
        # The buttons keep their short labels: the action's text change would replace them.
        self.back_button.setText(f"−{back_s}")
        self.forward_button.setText(f"+{forward_s}")

    @property
    def unavailable_reason(self) -> str | None:
        return self._unavailable

    @Slot()
    def toggle_play(self) -> None:
        """Pause or resume what is loaded; with nothing loaded, ask the window to play
        (``play_requested``: it continues the current episode or plays the selected one)."""
        if self.player.source is not None and self.player.state is not PlayerState.ERROR:
            self.player.toggle()
        else:
            self.play_requested.emit()

    def set_volume(self, volume: int) -> None:
        """Set the volume (0-100) as the slider does, so the slider shows it."""
        self.volume_slider.setValue(max(0, min(100, int(volume))))

    def show_position(self, ms: int) -> None:
        """Show ``ms`` as the position while nothing is loaded (an episode to continue)."""
        self._anchor(max(0, int(ms)))
        self._refresh_position()

    @Slot()
    def faster(self) -> None:
        self._step_speed(+1)

    @Slot()
    def slower(self) -> None:
        self._step_speed(-1)

    def set_speed(self, rate: float) -> None:
        """Play at ``rate`` (snapped to the nearest offered speed)."""
        index = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - rate))
        self.speed_combo.setCurrentIndex(index)
        if abs(self.player.rate() - SPEEDS[index]) > 1e-6:
            # Re-anchor so the display doesn't jump when the rate changes mid-interpolation.
            self._anchor(self.displayed_position())
            self.player.set_rate(SPEEDS[index])

    # -- reactions -----------------------------------------------------------------------------

    def _step_speed(self, step: int) -> None:
        index = min(max(self.speed_combo.currentIndex() + step, 0), len(SPEEDS) - 1)
        self.set_speed(SPEEDS[index])

    @Slot(int)
    def _on_speed_chosen(self, index: int) -> None:
        self.set_speed(SPEEDS[index])

    @Slot()
    def _on_mute_clicked(self) -> None:
        self.player.set_muted(self.mute_action.isChecked())
        self._show_mute()

    def _show_mute(self) -> None:
        muted = self.player.is_muted()
        sp = QStyle.StandardPixmap
        icon = sp.SP_MediaVolumeMuted if muted else sp.SP_MediaVolume
        self.mute_action.setIcon(self.style().standardIcon(icon))
        self.mute_action.setToolTip("Unmute (M)" if muted else "Mute (M)")

    @Slot(int)
    def _on_volume_changed(self, value: int) -> None:
        self.player.set_volume(value)
        self.volume_slider.setToolTip(f"Volume {value} %")
        if value > 0 and self.player.is_muted():
            self.mute_action.setChecked(False)
            self._on_mute_clicked()

    @Slot(int)
    def _on_seek_requested(self, ms: int) -> None:
        if self.player.source is not None:
            self.player.seek(ms)
        # The player echoes the target, but while paused a real engine may not: show it now.
        self._anchor(ms)
        self._refresh_position()

    def _anchor(self, ms: int) -> None:
        self._anchor_ms = ms
        self._anchor_t = self._clock()

    @Slot(int)
    def _on_position_changed(self, ms: int) -> None:
        self._anchor(ms)
        self._refresh_position()

    @Slot(int)
    def _on_duration_changed(self, ms: int) -> None:
        self._set_duration(ms)

    @Slot(str)
    def _on_media_loaded(self, _source: str) -> None:
        self._on_episode_changed(self.session.episode)

    @Slot(object)
    def _on_state_changed(self, state: PlayerState) -> None:
        playing = state is PlayerState.PLAYING or state in _BUSY
        sp = QStyle.StandardPixmap
        icon = sp.SP_MediaPause if playing else sp.SP_MediaPlay
        self.play_action.setIcon(self.style().standardIcon(icon))
        self.play_action.setText("&Pause" if playing else "&Play")
        self.play_action.setToolTip("Pause (Space)" if playing else "Play (Space)")
        if state is PlayerState.PLAYING:
            self._anchor(self._anchor_ms)
            self._frame.start()
        else:
            self._frame.stop()
            self._anchor(self.player.position())
        self._refresh_position()

    @Slot(int)
    def _on_chapter_changed(self, _index: int) -> None:
        self._refresh_chapter(self.displayed_position())

    @Slot(object)
    def _on_chapters_changed(self, _chapters: object) -> None:
        self._on_episode_changed(self.session.episode)

    @Slot(object)
    def _on_episode_changed(self, episode: object) -> None:
        chapters = tuple(self.session.chapters)
        self._chapters = chapters
        self._starts = tuple(c.start_ms for c in chapters)
        self.slider.set_chapters(chapters)
        duration = self.player.duration() or getattr(episode, "duration_ms", None) or 0
        self._set_duration(duration)
        self._refresh_position()

    def _set_duration(self, ms: int) -> None:
        self._duration = max(0, ms)
        self.slider.set_duration(self._duration)
        lengths = chapter_lengths(self._chapters, self._duration or None)
        self._ends = tuple(
            None if length is None else c.start_ms + length
            for c, length in zip(self._chapters, lengths, strict=True)
        )
        self._refresh_position()

    @Slot()
    def _refresh_position(self) -> None:
        position = self.displayed_position()
        self.slider.set_position(position)
        self.elapsed_label.setText(format_ms(position))
        if self._duration > 0:
            self.remaining_label.setText("-" + format_ms(max(0, self._duration - position)))
        else:
            self.remaining_label.setText("--:--")
        self._refresh_chapter(position)

    def _refresh_chapter(self, position: int) -> None:
        if self._unavailable is not None:
            return
        episode = self.session.episode
        episode_title = episode.title if episode is not None else ""
        index = bisect.bisect_right(self._starts, position) - 1
        if index < 0:
            self.chapter_title.setText(episode_title or "Nothing playing")
            self.chapter_info.setText(
                f"{len(self._chapters)} chapters" if self._chapters else "No chapters"
            )
            self.chapter_progress.setValue(0)
            return
        chapter = self._chapters[index]
        start, end = chapter.start_ms, self._ends[index]
        into = position - start
        self.chapter_title.setText(chapter.title)
        self.chapter_title.setToolTip(chapter.title)
        count = f"Chapter {index + 1} of {len(self._chapters)}"
        if end is not None and end > start:
            left = format_ms(max(0, end - position))
            progress = f"{format_ms(into)} of {format_ms(end - start)} · {left} left"
            self.chapter_progress.setValue(round(1000 * min(1.0, into / (end - start))))
        else:
            progress = format_ms(into)
            self.chapter_progress.setValue(0)
        self.chapter_info.setText(f"{count} · {progress} · {episode_title}")
        self.chapter_info.setToolTip(episode_title)
