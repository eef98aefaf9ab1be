"""The Player interface shared by every backend: states, signals and units.

Positions and durations are int milliseconds everywhere. Every method is called on the thread the
player lives on (the GUI thread in the app, the main thread in headless play); every signal is
emitted on that thread too, whatever thread the backend's own events arrive on.
"""

from __future__ import annotations

import enum
import os
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, Signal

from podplayer.core.errors import PodplayerError
from podplayer.core.fetch import web_url_problem


class PlaybackError(PodplayerError):
    """A source was refused or could not be played; the message is written for a listener."""


class PlayerState(enum.Enum):
    STOPPED = "stopped"
    OPENING = "opening"
    BUFFERING = "buffering"
    PLAYING = "playing"
    PAUSED = "paused"
    ENDED = "ended"
    ERROR = "error"


#: States in which the media is open and a seek can be applied at once.
ACTIVE_STATES = frozenset({PlayerState.PLAYING, PlayerState.PAUSED, PlayerState.BUFFERING})

_ALLOWED_SCHEMES = frozenset({"http", "https"})


def display_name(source: str) -> str:
    """The short name a listener recognises: a file's name, or the URL as given."""
    if is_url(source):
        return source
    return Path(source).name or source


def is_url(source: str) -> bool:
    """True for an http(s) URL (the only URLs a player accepts)."""
    return urlsplit(source).scheme.lower() in _ALLOWED_SCHEMES


def validate_source(source: str) -> str:
    """Check that ``source`` may be handed to an audio engine and return it normalised.

    Accepted: an ``http``/``https`` URL with a host, or the path of an existing local file
    (returned absolute). Everything else raises PlaybackError with a message for a listener:
    other schemes (``file://``, ``screen://``, ``v4l2://``, ``vlc://``...), strings that look like
    engine options (leading ``:`` or ``-``), empty strings, missing files, directories.
    """
    text = source.strip() if isinstance(source, str) else ""
    if not text:
        raise PlaybackError("No audio to play: the source is empty")
    if text.startswith((":", "-")):
        raise PlaybackError(f"Refused to play “{text[:60]}”: it is not a file or an http(s) URL")
    if "\x00" in text or "\n" in text or "\r" in text:
        raise PlaybackError("Refused to play a source containing control characters")
    try:
        parts = urlsplit(text)
    except ValueError:  # a broken IPv6 host
        raise PlaybackError(web_url_problem(text) or f"“{text[:60]}” is not valid") from None
    scheme = parts.scheme.lower()
    # A one-letter "scheme" is a Windows drive letter, not a URL.
    if scheme and len(scheme) > 1:
        if scheme not in _ALLOWED_SCHEMES:
            raise PlaybackError(
                f"Refused to play “{text[:60]}”: only http(s) addresses and local files can be"
                f" played, not {scheme}:"
            )
        if (problem := web_url_problem(text)) is not None:
            raise PlaybackError(problem)
        return text
    path = Path(os.path.expanduser(text))
    if not path.exists():
        raise PlaybackError(f"Could not open “{path.name}”: the file does not exist")
    if not path.is_file():
        raise PlaybackError(f"Could not open “{path.name}”: it is not a file")
    return str(path.resolve())


class Player(QObject):
    """Abstract audio player. Subclasses implement the engine; the signals are the same for all.

    Signals (all emitted on the player's thread):

    - ``state_changed(PlayerState)``
    - ``position_changed(int)``: the play position in ms, about every 250 ms while playing and
      at once after a seek.
    - ``duration_changed(int)``: the media length in ms once known.
    - ``media_loaded(str)``: the accepted (normalised) source after ``load``.
    - ``error_occurred(str)``: a message for a listener; the state becomes ERROR.
    - ``about_to_open(int)``: ``play()`` is about to open the media at this position (ms);
      a slot may still ``seek()`` there, and the media opens where it did.
    """

    state_changed = Signal(object)
    about_to_open = Signal(int)
    position_changed = Signal(int)
    duration_changed = Signal(int)
    media_loaded = Signal(str)
    error_occurred = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = PlayerState.STOPPED
        self._source: str | None = None

    # -- state -------------------------------------------------------------------------------

    @property
    def state(self) -> PlayerState:
        """The current state (player's thread)."""
        return self._state

    @property
    def source(self) -> str | None:
        """The loaded source, normalised, or None."""
        return self._source

    def _set_state(self, state: PlayerState) -> None:
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state)

    def _fail(self, message: str) -> None:
        self._set_state(PlayerState.ERROR)
        self.error_occurred.emit(message)

    # -- the interface -------------------------------------------------------------------------

    def load(self, source: str, start_ms: int = 0) -> None:
        """Make ``source`` the current media, positioned at ``start_ms``; does not start playing.

        A refused source (see ``validate_source``) emits ``error_occurred`` and leaves the state
        ERROR; nothing raises.
        """
        raise NotImplementedError

    def play(self) -> None:
        """Start or resume playback; from STOPPED/ENDED this opens the media (state OPENING).

        End of media, the same in every backend: the state becomes ENDED, then
        ``position_changed`` reports the duration (when known); ``position()`` is the
        duration and ``is_seekable()`` False. ``seek(ms)`` there makes the state STOPPED at
        ``ms`` and ``play()`` opens the media there; ``play()`` without a seek starts over.
        """
        raise NotImplementedError

    def pause(self) -> None:
        """Pause; a pause requested while opening is applied once the media plays."""
        raise NotImplementedError

    def toggle(self) -> None:
        """Pause when playing (or about to), play otherwise."""
        if self._state in (PlayerState.PLAYING, PlayerState.OPENING, PlayerState.BUFFERING):
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        """Stop and go back to the start; the media stays loaded."""
        raise NotImplementedError

    def seek(self, ms: int) -> None:
        """Go to ``ms`` (clamped to >= 0). Works in every state with a media loaded: while
        stopped or opening the target is kept and applied once the media can seek."""
        raise NotImplementedError

    def position(self) -> int:
        """The play position in ms (a pending seek's target until it is applied)."""
        raise NotImplementedError

    def duration(self) -> int | None:
        """The media length in ms, or None while unknown."""
        raise NotImplementedError

    def set_rate(self, rate: float) -> None:
        """Playback speed, 0.25 to 4.0 (1.0 is normal); kept across loads."""
        raise NotImplementedError

    def rate(self) -> float:
        raise NotImplementedError

    def set_volume(self, volume: int) -> None:
        """Volume 0 to 100 (clamped); kept across loads."""
        raise NotImplementedError

    def volume(self) -> int:
        raise NotImplementedError

    def set_muted(self, muted: bool) -> None:
        raise NotImplementedError

    def is_muted(self) -> bool:
        raise NotImplementedError

    def is_seekable(self) -> bool:
        """True when a seek would be applied at once (the media is open and seekable)."""
        raise NotImplementedError

    def close(self) -> None:
        """Stop and release the engine; the player is unusable afterwards."""
        raise NotImplementedError


def clamp_rate(rate: float) -> float:
    return min(4.0, max(0.25, float(rate)))


def clamp_volume(volume: int) -> int:
    return min(100, max(0, int(volume)))
