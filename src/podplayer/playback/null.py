"""A deterministic player with no native dependency, for fast UI tests.

Time does not pass by itself: ``advance(ms)`` moves a virtual clock. Opening completes on the
next turn of the event loop, like a real engine, so callers must not rely on it being instant.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from podplayer.playback.base import (
    PlaybackError,
    Player,
    PlayerState,
    clamp_rate,
    clamp_volume,
    validate_source,
)

DEFAULT_DURATION_MS = 60_000


class NullPlayer(Player):
    """Plays nothing; every source lasts ``duration_ms`` (per-source overrides in ``durations``).

    Everything happens on the caller's thread.
    """

    def __init__(
        self,
        duration_ms: int = DEFAULT_DURATION_MS,
        durations: dict[str, int] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._default_duration = duration_ms
        self._durations = dict(durations or {})
        self._duration: int | None = None
        self._position = 0
        self._rate = 1.0
        self._volume = 100
        self._muted = False
        self._pause_when_open = False
        self._open_timer = QTimer(self)
        self._open_timer.setSingleShot(True)
        self._open_timer.setInterval(0)
        self._open_timer.timeout.connect(self._opened)
        #: Sources passed to ``load`` that were accepted, in order (for tests).
        self.loaded: list[str] = []

    def load(self, source: str, start_ms: int = 0) -> None:
        self._open_timer.stop()
        try:
            normalised = validate_source(source)
        except PlaybackError as exc:
            self._source = None
            self._duration = None
            self._fail(str(exc))
            return
        self._source = normalised
        self._duration = None
        self._position = max(0, int(start_ms))
        self._pause_when_open = False
        self.loaded.append(normalised)
        self._set_state(PlayerState.STOPPED)
        self.media_loaded.emit(normalised)
        self.position_changed.emit(self._position)

    def play(self) -> None:
        if self._source is None:
            return
        if self._state is PlayerState.PAUSED:
            self._set_state(PlayerState.PLAYING)
        elif self._state in (PlayerState.STOPPED, PlayerState.ENDED, PlayerState.ERROR):
            if self._state is PlayerState.ENDED:
                self._position = 0
            self.about_to_open.emit(self._position)
            self._pause_when_open = False
            self._set_state(PlayerState.OPENING)
            self._open_timer.start()
        elif self._state is PlayerState.OPENING:
            self._pause_when_open = False

    def _opened(self) -> None:
        if self._state is not PlayerState.OPENING or self._source is None:
            return
        duration = self._durations.get(self._source, self._default_duration)
        self._duration = duration
        self.duration_changed.emit(duration)
        self._position = min(self._position, duration)
        self._set_state(PlayerState.PAUSED if self._pause_when_open else PlayerState.PLAYING)
        self.position_changed.emit(self._position)

    def pause(self) -> None:
        if self._state is PlayerState.PLAYING:
            self._set_state(PlayerState.PAUSED)
        elif self._state is PlayerState.OPENING:
            self._pause_when_open = True

    def stop(self) -> None:
        self._open_timer.stop()
        if self._source is None:
            return
        self._position = 0
        self._set_state(PlayerState.STOPPED)
        self.position_changed.emit(0)

    def seek(self, ms: int) -> None:
        if self._source is None:
            return
        target = max(0, int(ms))
        if self._duration is not None:
            target = min(target, self._duration)
        if self._state is PlayerState.ENDED:
            # As libVLC: the ended media is closed; play() opens it again at the target.
            self._set_state(PlayerState.STOPPED)
        self._position = target
        self.position_changed.emit(target)

    def advance(self, ms: int) -> None:
        """Move the virtual clock by ``ms`` of wall time (media time moves ``ms * rate``)."""
        if self._state is not PlayerState.PLAYING:
            return
        self._position += round(ms * self._rate)
        if self._duration is not None and self._position >= self._duration:
            self._position = self._duration
            self._set_state(PlayerState.ENDED)
            self.position_changed.emit(self._position)
            return
        self.position_changed.emit(self._position)

    def fail(self, message: str) -> None:
        """Simulate an engine error (for tests)."""
        self._open_timer.stop()
        self._fail(message)

    def position(self) -> int:
        return self._position

    def duration(self) -> int | None:
        return self._duration

    def set_rate(self, rate: float) -> None:
        self._rate = clamp_rate(rate)

    def rate(self) -> float:
        return self._rate

    def set_volume(self, volume: int) -> None:
        self._volume = clamp_volume(volume)

    def volume(self) -> int:
        return self._volume

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)

    def is_muted(self) -> bool:
        return self._muted

    def is_seekable(self) -> bool:
        return self._state in (PlayerState.PLAYING, PlayerState.PAUSED)

    def close(self) -> None:
        self._open_timer.stop()
        self._source = None
        self._set_state(PlayerState.STOPPED)
