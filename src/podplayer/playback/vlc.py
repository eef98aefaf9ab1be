"""The libVLC player. The only module that imports ``vlc``, and only inside functions, so that
importing this module works (and ``vlc_available`` can explain) when libVLC is missing.

Threads: libVLC calls our event handler on its own threads, and fires TimeChanged synchronously
inside ``set_time`` on the caller's thread. The handler only copies the event's values into a Qt
signal queued to the player's thread; every libVLC call happens on the player's thread, never
inside a handler (some calls there block the player's events for good or deadlock).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from podplayer.core.fetch import web_url_problem
from podplayer.core.model import Chapter, ChapterSource
from podplayer.playback.base import (
    PlaybackError,
    Player,
    PlayerState,
    clamp_rate,
    clamp_volume,
    display_name,
    is_url,
    validate_source,
)

log = logging.getLogger(__name__)

INSTALL_HINT = "install the Debian packages libvlc5 vlc-plugin-base (and libvlc-bin)"
DEFAULT_OPEN_TIMEOUT_MS = 20_000
_TICK_MS = 200
_PROBE_TIMEOUT_S = 5.0

# libVLC's own demuxers land VBR MP3 seconds off and break Ogg/Opus seeks; avformat's don't.
MEDIA_OPTIONS: tuple[str, ...] = (":demux=avformat",)
BASE_ARGS: tuple[str, ...] = (
    "--no-video",
    "--quiet",
    "--no-stats",
    "--no-metadata-network-access",
)

_availability: tuple[bool, str] | None = None


def _import_vlc() -> Any:
    # Lazy on purpose: python-vlc loads libVLC at import and may exit on a bad library path.
    import vlc

    return vlc


def vlc_available() -> tuple[bool, str]:
    """(True, version) when libVLC and its plugins work, else (False, a reason for the user).

    Runs once and caches the answer (a player that started libVLC leaves its answer here
    too); call it on the GUI thread.
    """
    global _availability
    if _availability is None:
        instance, _availability = _new_instance(["--quiet", "--aout=dummy", "--no-video"])
        if instance is not None:
            instance.release()
    return _availability


def _new_instance(args: list[str]) -> tuple[Any, tuple[bool, str]]:
    """(a libVLC instance made with ``args``, (True, version)), or (None, (False, a reason for
    the user)) when libVLC or its plugins are missing."""
    try:
        vlc = _import_vlc()
    except (ImportError, OSError, SystemExit) as exc:
        return None, (False, f"libVLC could not be loaded ({exc}): {INSTALL_HINT}")
    try:
        instance = vlc.Instance(args)
    except (NameError, AttributeError, OSError) as exc:
        log.info("libVLC unavailable: %r", exc)
        return None, (False, f"libVLC is not installed: {INSTALL_HINT}")
    if instance is None:
        return None, (False, f"libVLC's plugins are missing: {INSTALL_HINT}")
    version = vlc.libvlc_get_version()
    text = version.decode("utf-8", "replace") if isinstance(version, bytes) else str(version)
    return instance, (True, f"libVLC {text}")


def instance_args(audio_output: str | None, audio_file: Path | None) -> list[str]:
    """libVLC arguments for an audio output: None (the system's), "dummy", "afile" (a WAV at
    ``audio_file``) or "amem" (the caller installs audio callbacks)."""
    args = list(BASE_ARGS)
    if audio_output == "afile":
        if audio_file is None:
            raise PlaybackError("Recording to a file needs a file name")
        args += ["--aout=afile", f"--audiofile-file={audio_file}"]
    elif audio_output == "amem":
        args.append("--aout=amem")
    elif audio_output:
        args.append(f"--aout={audio_output}")
    return args


def describe_http_failure(url: str, timeout_s: float = _PROBE_TIMEOUT_S) -> str:
    """Ask the server ourselves why libVLC failed, since libVLC doesn't say. Blocking: run it
    off the GUI thread. Returns a message for a listener."""
    # Imported here: only a failed stream needs them, and they cost start-up time.
    import http.client
    import socket
    import urllib.error
    import urllib.request
    from http import HTTPStatus

    if (problem := web_url_problem(url)) is not None:
        return problem
    parts = urlsplit(url)
    host = parts.hostname or url
    where = f"{host}:{parts.port}" if parts.port else host
    request = urllib.request.Request(url, headers={"Range": "bytes=0-1023"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            content_type = response.headers.get("Content-Type", "")
            response.read(1024)
    except urllib.error.HTTPError as exc:
        try:
            phrase = HTTPStatus(exc.code).phrase.lower()
        except ValueError:
            phrase = "error"
        return f"The server answered {exc.code} ({phrase}) for {url}"
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ConnectionRefusedError):
            return f"Nothing answered at {where} (connection refused)"
        if isinstance(reason, socket.gaierror):
            return f"The server “{host}” could not be found"
        if isinstance(reason, TimeoutError | socket.timeout):
            return f"The server at {where} did not answer"
        return f"Could not reach {where}: {reason}"
    except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as exc:
        return f"Could not reach {where}: {exc}"
    if content_type and not content_type.startswith(("audio/", "application/octet", "video/")):
        return f"{url} is not audio (the server sent {content_type.split(';')[0]})"
    return f"This address does not lead to audio podplayer can play: {url}"


def supports_range(url: str, timeout_s: float = _PROBE_TIMEOUT_S) -> bool | None:
    """Whether the server of ``url`` answers a byte-range request with 206 Partial Content
    (True), ignores it with 200 (False), or could not be asked (None). Blocking: run it off
    the GUI thread."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"Range": "bytes=0-0"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            status = response.status
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.info("range probe of %s failed: %s", url, exc)
        return None
    return {206: True, 200: False}.get(status)


class VlcPlayer(Player):
    """A Player on libVLC. Create, use and close it on one thread (the GUI thread).

    ``audio_output``: None for the system's output, "dummy" (tests), "afile" (write a WAV to
    ``audio_file``; its header is written at ``close``) or "amem" (benchmarks). Raises
    PlaybackError when libVLC is unavailable (see ``vlc_available``).

    ``start=False`` leaves libVLC alone until :meth:`start` or the first ``play()`` (which then
    fails with ``error_occurred`` when libVLC is unavailable): a window can paint before
    libVLC loads (about 20 ms).
    """

    _vlc_event = Signal(int, int, object)
    _diagnosed = Signal(int, str)
    _range_probed = Signal(int, object)

    def __init__(
        self,
        audio_output: str | None = None,
        audio_file: Path | None = None,
        open_timeout_ms: int = DEFAULT_OPEN_TIMEOUT_MS,
        parent: QObject | None = None,
        start: bool = True,
    ) -> None:
        super().__init__(parent)
        self._args = instance_args(audio_output, audio_file)
        self._vlc: Any = None
        self._instance: Any = None
        self._mp: Any = None
        self._handlers: list[tuple[Any, Callable[..., None]]] = []
        self._media: Any = None
        self._closed = False
        # Bumped on every load/stop/open: events from an earlier media are stale.
        self._generation = 0
        # Bumped on every seek: time events queued before it carry an old position.
        self._seek_generation = 0
        self._duration: int | None = None
        self._anchor_ms = 0
        self._anchor_clock = time.monotonic()
        self._pending_seek: int | None = None
        self._pause_when_open = False
        self._seekable = False
        self._reached_time = False
        self._rate = 1.0
        self._volume = 100
        self._muted = False
        self._open_timeout_ms = open_timeout_ms
        # Bumped on every load; whether the loaded URL's server can seek (None: not known).
        self._load_generation = 0
        self._ranges: bool | None = None
        self._probing = False

        self._open_timer = QTimer(self)
        self._open_timer.setSingleShot(True)
        self._open_timer.timeout.connect(self._open_timed_out)
        self._ticker = QTimer(self)
        self._ticker.setInterval(_TICK_MS)
        self._ticker.timeout.connect(self._tick)

        self._vlc_event.connect(self._on_vlc_event, Qt.ConnectionType.QueuedConnection)
        self._diagnosed.connect(self._on_diagnosed, Qt.ConnectionType.QueuedConnection)
        self._range_probed.connect(self._on_range_probed, Qt.ConnectionType.QueuedConnection)
        if start:
            self.start()

    @property
    def started(self) -> bool:
        """True once libVLC runs for this player."""
        return self._mp is not None

    def start(self) -> None:
        """Load libVLC and make this player's engine, unless done already or closed (player's
        thread). Its instance is the availability check: no throw-away one is made. Raises
        PlaybackError with a reason for the listener when libVLC is unavailable."""
        global _availability  # noqa: PLW0603
        if self._mp is not None or self._closed:
            return
        if _availability is not None and not _availability[0]:
            raise PlaybackError(_availability[1])
        instance, answer = _new_instance(self._args)
        if instance is None:
            if _availability is None:
                _availability = answer
                raise PlaybackError(answer[1])
            # libVLC works with other arguments: these (an output, say) are what it refused.
            raise PlaybackError(f"libVLC could not start: {INSTALL_HINT}")
        _availability = _availability or answer
        self._vlc = _import_vlc()
        self._instance = instance
        # Volume, mute and rate set before now are applied once the media plays (_on_playing).
        self._mp = instance.media_player_new()
        self._handlers = self._attach_events()

    # -- libVLC events: these run on libVLC's threads -------------------------------------------

    def _attach_events(self) -> list[tuple[Any, Callable[..., None]]]:
        et = self._vlc.EventType
        manager = self._mp.event_manager()
        kinds: dict[Any, Callable[[Any], object]] = {
            et.MediaPlayerOpening: lambda e: None,
            et.MediaPlayerBuffering: lambda e: float(e.u.new_cache),
            et.MediaPlayerPlaying: lambda e: None,
            et.MediaPlayerPaused: lambda e: None,
            et.MediaPlayerStopped: lambda e: None,
            et.MediaPlayerEndReached: lambda e: None,
            et.MediaPlayerEncounteredError: lambda e: None,
            et.MediaPlayerTimeChanged: lambda e: int(e.u.new_time),
            et.MediaPlayerLengthChanged: lambda e: int(e.u.new_length),
            et.MediaPlayerSeekableChanged: lambda e: bool(e.u.new_seekable),
        }
        handlers: list[tuple[Any, Callable[..., None]]] = []
        time_changed = et.MediaPlayerTimeChanged.value
        for kind, extract in kinds.items():

            def handler(
                event: Any, code: int = kind.value, extract: Callable[[Any], object] = extract
            ) -> None:
                # Only copy values and queue them: no libVLC call may happen here.
                gen = self._generation
                value = extract(event)
                if code == time_changed:
                    value = (self._seek_generation, value)
                self._vlc_event.emit(gen, code, value)

            manager.event_attach(kind, handler)
            handlers.append((kind, handler))
        return handlers

    # -- events, on the player's thread ---------------------------------------------------------

    def _on_vlc_event(self, generation: int, kind: int, value: object) -> None:
        if self._closed or generation != self._generation:
            return
        et = self._vlc.EventType
        if kind == et.MediaPlayerTimeChanged.value:
            assert isinstance(value, tuple)
            seek_gen, ms = value
            if seek_gen == self._seek_generation and self._state is PlayerState.PLAYING:
                self._reached_time = self._reached_time or ms > 0
                self._anchor(ms)
        elif kind == et.MediaPlayerLengthChanged.value:
            assert isinstance(value, int)
            if value > 0 and value != self._duration:
                self._duration = value
                self.duration_changed.emit(value)
        elif kind == et.MediaPlayerSeekableChanged.value:
            self._seekable = bool(value)
            self._apply_pending()
        elif kind == et.MediaPlayerBuffering.value:
            assert isinstance(value, float)
            if self._state is PlayerState.OPENING and value < 100.0:
                self._set_state(PlayerState.BUFFERING)
        elif kind == et.MediaPlayerPlaying.value:
            self._on_playing()
        elif kind == et.MediaPlayerEndReached.value:
            self._on_end()
        elif kind == et.MediaPlayerEncounteredError.value:
            self._on_error()

    def _on_playing(self) -> None:
        if self._state not in (PlayerState.OPENING, PlayerState.BUFFERING):
            return
        self._open_timer.stop()
        # Settings given before the audio output existed are lost: apply them again.
        self._mp.audio_set_volume(self._volume)
        self._mp.audio_set_mute(self._muted)
        if self._rate != 1.0:
            self._mp.set_rate(self._rate)
        self._seekable = bool(self._mp.is_seekable())
        self._anchor(self._anchor_ms)
        self._set_state(PlayerState.PLAYING)
        self._ticker.start()
        self._apply_pending()
        if self._pause_when_open:
            self._pause_when_open = False
            self.pause()

    def _on_end(self) -> None:
        self._open_timer.stop()
        self._ticker.stop()
        if not self._reached_time and not self._duration and self._source is not None:
            # A file libVLC can't decode "plays" to its end at once, with no length.
            self._fail(f"This file is not audio podplayer can play: “{display_name(self._source)}”")
            return
        self._seekable = False
        if self._duration:
            self._anchor(self._duration)
        # ENDED before the last report: a listener can tell it from a report while playing.
        self._set_state(PlayerState.ENDED)
        if self._duration:
            self.position_changed.emit(self._duration)

    def _on_error(self) -> None:
        self._open_timer.stop()
        self._ticker.stop()
        source = self._source or ""
        if is_url(source):
            self._set_state(PlayerState.OPENING)
            generation = self._generation
            threading.Thread(
                target=lambda: self._diagnosed.emit(generation, describe_http_failure(source)),
                name="podplayer-http-probe",
                daemon=True,
            ).start()
            return
        self._fail(f"This file is not audio podplayer can play: “{display_name(source)}”")

    def _probe_ranges(self) -> None:
        """Ask, off this thread, whether the loaded URL's server can seek: libVLC seeks
        without Range support badly (a WAV jumps to its end, an MKA stays where it was)."""
        source = self._source
        if self._probing or self._ranges is not None or source is None or not is_url(source):
            return
        self._probing = True
        generation = self._load_generation
        threading.Thread(
            target=lambda: self._range_probed.emit(generation, supports_range(source)),
            name="podplayer-range-probe",
            daemon=True,
        ).start()

    def _on_range_probed(self, generation: int, ranges: object) -> None:
        if generation != self._load_generation or self._closed:
            return
        self._probing = False
        self._ranges = ranges if isinstance(ranges, bool) else None
        if ranges is False:
            log.info("%s: the server has no Range support; seeks reopen the stream", self._source)

    def _on_diagnosed(self, generation: int, message: str) -> None:
        if generation == self._generation and not self._closed:
            self._fail(message)

    def _open_timed_out(self) -> None:
        if self._state not in (PlayerState.OPENING, PlayerState.BUFFERING):
            return
        source = self._source or ""
        self._halt()
        seconds = round(self._open_timeout_ms / 1000)
        if is_url(source):
            host = urlsplit(source).netloc
            self._fail(f"Nothing answered at {host} within {seconds} s")
        else:
            self._fail(f"Could not open “{display_name(source)}” within {seconds} s")

    # -- helpers -----------------------------------------------------------------------------

    def _anchor(self, ms: int) -> None:
        self._anchor_ms = max(0, ms)
        self._anchor_clock = time.monotonic()

    def _tick(self) -> None:
        if self._state is PlayerState.PLAYING:
            self.position_changed.emit(self.position())

    def _halt(self) -> None:
        """Stop the engine and drop its queued events (player's thread)."""
        self._generation += 1
        self._open_timer.stop()
        self._ticker.stop()
        if self._mp is not None:
            self._mp.stop()
        self._seekable = False

    def _apply_pending(self) -> None:
        if self._pending_seek is None or not self._seekable:
            return
        if self._state not in (PlayerState.PLAYING, PlayerState.PAUSED):
            return
        target, self._pending_seek = self._pending_seek, None
        self._seek_now(target)

    def _seek_now(self, target: int) -> None:
        self._seek_generation += 1
        self._mp.set_time(target)
        self._anchor(target)
        self.position_changed.emit(target)

    def _open(self) -> None:
        """Open the loaded source at the current position and play (player's thread)."""
        assert self._source is not None
        try:
            self.start()
        except PlaybackError as exc:
            self._fail(str(exc))
            return
        self._halt()
        start = self._pending_seek if self._pending_seek is not None else self._anchor_ms
        self._pending_seek = None
        if self._duration and start >= self._duration:
            start = 0
        options = list(MEDIA_OPTIONS)
        # set_time() before play() is ignored: a start position must be a media option.
        if start > 0:
            options.append(f":start-time={start / 1000:.3f}")
        if is_url(self._source):
            media = self._instance.media_new_location(self._source)
        else:
            media = self._instance.media_new_path(self._source)
        for option in options:
            media.add_option(option)
        if self._media is not None:
            self._media.release()
        self._media = media
        self._mp.set_media(media)
        self._probe_ranges()
        self._reached_time = False
        self._anchor(start)
        self._set_state(PlayerState.OPENING)
        if self._open_timeout_ms > 0:
            self._open_timer.start(self._open_timeout_ms)
        if self._mp.play() == -1:
            self._fail(f"Could not open “{display_name(self._source)}”")

    # -- the Player interface --------------------------------------------------------------------

    def load(self, source: str, start_ms: int = 0) -> None:
        if self._closed:
            return
        try:
            normalised = validate_source(source)
        except PlaybackError as exc:
            self._halt()
            self._source = None
            self._duration = None
            self._fail(str(exc))
            return
        self._halt()
        self._source = normalised
        self._load_generation += 1
        self._ranges = None
        self._probing = False
        self._duration = None
        self._pending_seek = None
        self._pause_when_open = False
        self._anchor(max(0, int(start_ms)))
        self._set_state(PlayerState.STOPPED)
        self.media_loaded.emit(normalised)
        self.position_changed.emit(self._anchor_ms)

    def play(self) -> None:
        if self._closed or self._source is None:
            return
        if self._state is PlayerState.PAUSED:
            self._mp.set_pause(0)
            self._anchor(self._anchor_ms)
            self._set_state(PlayerState.PLAYING)
            self._ticker.start()
        elif self._state in (PlayerState.STOPPED, PlayerState.ENDED, PlayerState.ERROR):
            if self._state is PlayerState.ENDED:
                self._anchor(0)
            self.about_to_open.emit(self._anchor_ms)
            self._open()
        else:
            self._pause_when_open = False

    def pause(self) -> None:
        if self._closed:
            return
        if self._state is PlayerState.PLAYING:
            self._anchor(self.position())
            self._mp.set_pause(1)
            self._ticker.stop()
            self._set_state(PlayerState.PAUSED)
            self.position_changed.emit(self._anchor_ms)
        elif self._state in (PlayerState.OPENING, PlayerState.BUFFERING):
            self._pause_when_open = True

    def stop(self) -> None:
        if self._closed or self._source is None:
            return
        self._halt()
        self._pending_seek = None
        self._anchor(0)
        self._set_state(PlayerState.STOPPED)
        self.position_changed.emit(0)

    def seek(self, ms: int) -> None:
        if self._closed or self._source is None:
            return
        target = max(0, int(ms))
        if self._duration:
            target = min(target, self._duration)
        if self._state in (PlayerState.PLAYING, PlayerState.PAUSED) and self._ranges is False:
            # The server can't seek: open the stream again there (libVLC reads up to it).
            paused = self._state is PlayerState.PAUSED
            self._anchor(target)
            self._open()
            self._pause_when_open = paused
            self.position_changed.emit(target)
        elif self._state in (PlayerState.PLAYING, PlayerState.PAUSED) and self._seekable:
            self._seek_now(target)
        elif self._state in (PlayerState.STOPPED, PlayerState.ERROR, PlayerState.ENDED):
            # Applied by play() as a start-time option.
            if self._state is PlayerState.ERROR:
                self._set_state(PlayerState.STOPPED)
            if self._state is PlayerState.ENDED:
                self._set_state(PlayerState.STOPPED)
            self._pending_seek = None
            self._anchor(target)
            self.position_changed.emit(target)
        elif self._state in (PlayerState.OPENING, PlayerState.BUFFERING) and not self._seekable:
            # Open again with the target as start-time: applying it once playing would let
            # the first tens of ms at the old start be heard.
            self._anchor(target)
            self._pending_seek = None
            self._open()
            self.position_changed.emit(target)
        else:
            self._pending_seek = target
            self.position_changed.emit(target)

    def position(self) -> int:
        if self._pending_seek is not None:
            return self._pending_seek
        if self._state is PlayerState.PLAYING and self._reached_time:
            elapsed = (time.monotonic() - self._anchor_clock) * 1000 * self._rate
            position = self._anchor_ms + round(elapsed)
            return min(position, self._duration) if self._duration else position
        return self._anchor_ms

    def duration(self) -> int | None:
        return self._duration

    def set_rate(self, rate: float) -> None:
        if self._closed:
            return
        if self._state is PlayerState.PLAYING:
            self._anchor(self.position())
        self._rate = clamp_rate(rate)
        if self._mp is not None:
            self._mp.set_rate(self._rate)

    def rate(self) -> float:
        return self._rate

    def set_volume(self, volume: int) -> None:
        if self._closed:
            return
        self._volume = clamp_volume(volume)
        if self._mp is not None:
            self._mp.audio_set_volume(self._volume)

    def volume(self) -> int:
        return self._volume

    def set_muted(self, muted: bool) -> None:
        if self._closed:
            return
        self._muted = bool(muted)
        if self._mp is not None:
            self._mp.audio_set_mute(self._muted)

    def is_muted(self) -> bool:
        return self._muted

    def is_seekable(self) -> bool:
        return self._seekable and self._state in (PlayerState.PLAYING, PlayerState.PAUSED)

    def chapters(self) -> tuple[Chapter, ...]:
        """The chapters libVLC reports for the playing media (empty before it plays).

        Under the avformat demuxer libVLC's chapter names are unreliable: read the file's tags.
        """
        if self._closed or self._state not in (PlayerState.PLAYING, PlayerState.PAUSED):
            return ()
        return _chapters_of(self._mp)

    def native_player(self) -> Any:
        """The underlying ``vlc.MediaPlayer`` (benchmarks only; player's thread only)."""
        return self._mp

    def close(self) -> None:
        if self._closed:
            return
        self._halt()
        self._closed = True
        if self._mp is not None:
            manager = self._mp.event_manager()
            for kind, _handler in self._handlers:
                manager.event_detach(kind)
            self._handlers = []
            # Releasing writes the afile output's WAV header.
            self._mp.release()
            if self._media is not None:
                self._media.release()
            self._instance.release()
        self._set_state(PlayerState.STOPPED)


def _chapters_of(mp: Any) -> tuple[Chapter, ...]:
    try:
        descriptions = mp.get_full_chapter_descriptions(-1)
    except (ValueError, TypeError, OSError):
        return ()
    chapters: list[Chapter] = []
    for desc in descriptions or ():
        raw = desc.name
        title = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else (raw or "")
        start = int(desc.time_offset)
        duration = int(desc.duration)
        chapters.append(
            Chapter(
                start_ms=start,
                title=title.strip() or f"Chapter {len(chapters) + 1}",
                end_ms=start + duration if duration > 0 else None,
                source=ChapterSource.TAGS,
            )
        )
    return tuple(chapters)
