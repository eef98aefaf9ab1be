"""MPRIS2: media keys, panel widgets and ``playerctl`` control the playback session.

The two interfaces (``org.mpris.MediaPlayer2`` and ``org.mpris.MediaPlayer2.Player``) are served
by one object that answers method calls, ``org.freedesktop.DBus.Properties`` and introspection
by hand over a :class:`~podplayer.desktop.dbustypes.BusLink` (jeepney): every value is written
with the wire type the specification asks for, from the tables below.

Units on the bus are microseconds (``x``); inside podplayer they stay int milliseconds.
Everything runs on the GUI thread (the link hands each call over to it).
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Protocol
from urllib.parse import unquote, urlsplit

from jeepney import (
    DBusAddress,
    HeaderFields,
    Message,
    MessageType,
    new_error,
    new_method_return,
    new_signal,
)
from PySide6.QtCore import QObject, QTimer

from podplayer import APP_ID, APP_NAME
from podplayer.core.model import Episode
from podplayer.desktop.dbustypes import BusError, BusLink
from podplayer.playback.base import PlaybackError, PlayerState, is_url
from podplayer.playback.session import PlaybackSession

log = logging.getLogger(__name__)

BUS_NAME = f"org.mpris.MediaPlayer2.{APP_NAME}"
OBJECT_PATH = "/org/mpris/MediaPlayer2"
ROOT_INTERFACE = "org.mpris.MediaPlayer2"
PLAYER_INTERFACE = "org.mpris.MediaPlayer2.Player"
PROPERTIES_INTERFACE = "org.freedesktop.DBus.Properties"
INTROSPECTABLE_INTERFACE = "org.freedesktop.DBus.Introspectable"
PEER_INTERFACE = "org.freedesktop.DBus.Peer"
NO_TRACK = "/org/mpris/MediaPlayer2/TrackList/NoTrack"
TRACK_PREFIX = "/" + APP_ID.replace(".", "/") + "/track/"

#: Library setting: "chapters" (default) or "episodes", what Next/Previous move between.
NEXT_PREVIOUS_SETTING = "mpris_next_previous"
MINIMUM_RATE = 0.5
MAXIMUM_RATE = 3.0
#: A position this far from where playback should be counts as a seek (Seeked is emitted).
SEEK_TOLERANCE_MS = 1500

URI_SCHEMES = ("http", "https", "file")
MIME_TYPES = (
    "audio/mpeg",
    "audio/mp4",
    "audio/x-m4a",
    "audio/x-m4b",
    "audio/aac",
    "audio/ogg",
    "audio/opus",
    "audio/flac",
    "audio/x-flac",
    "audio/wav",
    "audio/x-wav",
    "audio/x-matroska",
)

_PLAYING_STATES = frozenset({PlayerState.PLAYING, PlayerState.OPENING, PlayerState.BUFFERING})
_STATUS = {
    PlayerState.PLAYING: "Playing",
    PlayerState.OPENING: "Playing",
    PlayerState.BUFFERING: "Playing",
    PlayerState.PAUSED: "Paused",
}

# Wire types of every property, and of the metadata entries we send.
_ROOT_PROPERTIES = {
    "CanQuit": "b",
    "CanRaise": "b",
    "HasTrackList": "b",
    "Identity": "s",
    "DesktopEntry": "s",
    "SupportedUriSchemes": "as",
    "SupportedMimeTypes": "as",
}
_PLAYER_PROPERTIES = {
    "PlaybackStatus": "s",
    "Rate": "d",
    "Metadata": "a{sv}",
    "Volume": "d",
    "Position": "x",
    "MinimumRate": "d",
    "MaximumRate": "d",
    "CanGoNext": "b",
    "CanGoPrevious": "b",
    "CanPlay": "b",
    "CanPause": "b",
    "CanSeek": "b",
    "CanControl": "b",
}
_WRITABLE = {(PLAYER_INTERFACE, "Rate"), (PLAYER_INTERFACE, "Volume")}
_METADATA_TYPES = {
    "mpris:trackid": "o",
    "mpris:length": "x",
    "mpris:artUrl": "s",
    "xesam:title": "s",
    "xesam:album": "s",
    "xesam:artist": "as",
    "xesam:url": "s",
}
# Methods: D-Bus signature of the arguments, by interface and name.
_METHODS = {
    ROOT_INTERFACE: {"Raise": "", "Quit": ""},
    PLAYER_INTERFACE: {
        "Next": "",
        "Previous": "",
        "Pause": "",
        "PlayPause": "",
        "Stop": "",
        "Play": "",
        "Seek": "x",
        "SetPosition": "ox",
        "OpenUri": "s",
    },
}
_ARGUMENT_NAMES = {"Seek": ["Offset"], "SetPosition": ["TrackId", "Position"], "OpenUri": ["Uri"]}


class Settings(Protocol):
    """Where the Next/Previous mapping is read from (``Library`` fits)."""

    def setting(self, key: str, default: Any = None) -> Any: ...


def _to_wire(value: Any, signature: str) -> Any:
    return _CONVERTERS[signature](value)


def _variant(value: Any, signature: str) -> tuple[str, Any]:
    return signature, _to_wire(value, signature)


def _metadata_to_wire(metadata: dict[str, Any]) -> dict[str, Any]:
    return {key: _variant(value, _METADATA_TYPES[key]) for key, value in metadata.items()}


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "b": bool,
    "s": str,
    "d": float,
    "x": int,
    "o": str,
    "as": lambda values: [str(v) for v in values],
    "a{sv}": _metadata_to_wire,
}


def track_id(episode: Episode | None) -> str:
    """The object path naming ``episode`` in MPRIS (stable for its guid)."""
    if episode is None:
        return NO_TRACK
    digest = hashlib.sha1(episode.guid.encode("utf-8"), usedforsecurity=False).hexdigest()
    return TRACK_PREFIX + digest[:16]


def _as_url(source: str | None) -> str | None:
    if not source:
        return None
    if is_url(source) or source.startswith("file:"):
        return source
    return Path(source).absolute().as_uri()


def _introspection() -> str:
    parts: list[str] = []
    for interface, properties in (
        (ROOT_INTERFACE, _ROOT_PROPERTIES),
        (PLAYER_INTERFACE, _PLAYER_PROPERTIES),
    ):
        parts.append(f'<interface name="{interface}">')
        for method, signature in _METHODS[interface].items():
            names = _ARGUMENT_NAMES.get(method, [])
            args = "".join(
                f'<arg name="{name}" type="{kind}" direction="in"/>'
                for name, kind in zip(names, _split_signature(signature), strict=True)
            )
            parts.append(f'<method name="{method}">{args}</method>')
        for name, kind in properties.items():
            access = "readwrite" if (interface, name) in _WRITABLE else "read"
            parts.append(f'<property name="{name}" type="{kind}" access="{access}"/>')
        if interface == PLAYER_INTERFACE:
            parts.append('<signal name="Seeked"><arg name="Position" type="x"/></signal>')
        parts.append("</interface>")
    standard = (
        f'<interface name="{INTROSPECTABLE_INTERFACE}"><method name="Introspect">'
        '<arg name="xml" type="s" direction="out"/></method></interface>'
        f'<interface name="{PROPERTIES_INTERFACE}">'
        '<method name="Get"><arg type="s" direction="in"/><arg type="s" direction="in"/>'
        '<arg type="v" direction="out"/></method>'
        '<method name="GetAll"><arg type="s" direction="in"/>'
        '<arg type="a{sv}" direction="out"/></method>'
        '<method name="Set"><arg type="s" direction="in"/><arg type="s" direction="in"/>'
        '<arg type="v" direction="in"/></method>'
        '<signal name="PropertiesChanged"><arg type="s"/><arg type="a{sv}"/><arg type="as"/>'
        "</signal></interface>"
    )
    return f'<node name="{OBJECT_PATH}">{standard}{"".join(parts)}</node>'


def _error(message: Message, name: str, text: str) -> Message:
    return new_error(message, name, "s", (text,))


def _split_signature(signature: str) -> list[str]:
    # Only the basic types our methods take.
    return list(signature)


class MprisService(QObject):
    """Serves ``session`` as the MPRIS2 player ``BUS_NAME`` on ``connection``.

    ``podcast_title_for(episode)`` gives the album; ``artwork_for(episode)`` an image URL;
    ``next_episode``/``previous_episode`` are used when the setting maps Next/Previous to
    episodes; ``open_uri`` receives OpenUri's http(s) URL or local path; ``resume()`` plays
    the current episode from where it stopped when nothing is loaded (after a restart);
    ``set_volume(percent)`` sets the volume where the window shows it. Call ``register()``.
    """

    def __init__(
        self,
        session: PlaybackSession,
        connection: BusLink,
        *,
        raise_window: Callable[[], object],
        quit_app: Callable[[], object],
        podcast_title_for: Callable[[Episode], str | None],
        settings: Settings | None = None,
        artwork_for: Callable[[Episode], str | None] | None = None,
        next_episode: Callable[[], object] | None = None,
        previous_episode: Callable[[], object] | None = None,
        open_uri: Callable[[str], object] | None = None,
        resume: Callable[[], object] | None = None,
        set_volume: Callable[[int], object] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._resume = resume
        self._set_volume = set_volume
        self.session = session
        self.connection = connection
        self.bus_name: str | None = None
        self._raise = raise_window
        self._quit = quit_app
        self._podcast_title_for = podcast_title_for
        self._artwork_for = artwork_for
        self._settings = settings
        self._next_episode = next_episode
        self._previous_episode = previous_episode
        self._open_uri = open_uri
        self._published: dict[str, Any] = {}
        self._last_position: int | None = None
        self._last_time = 0.0
        self._own_seek = False
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self.flush)

        player = session.player
        for signal in (
            player.state_changed,
            player.duration_changed,
            player.media_loaded,
            session.episode_changed,
            session.chapters_changed,
            session.chapter_changed,
        ):
            signal.connect(self._changed)
        player.position_changed.connect(self._on_position)
        player.media_loaded.connect(self._forget_position)

    # -- registration ----------------------------------------------------------------------------

    def register(self) -> bool:
        """Take the bus name (``BUS_NAME``, or a per-process instance name when another
        podplayer holds it) and start answering. False, with the reason logged, when that
        fails."""
        try:
            for name in (BUS_NAME, f"{BUS_NAME}.instance{os.getpid()}"):
                if self.connection.request_name(name):
                    self.bus_name = name
                    break
            else:
                log.warning("MPRIS unavailable: the bus name %s is taken", BUS_NAME)
                return False
        except (OSError, TimeoutError, BusError) as exc:
            log.warning("MPRIS unavailable: %s", exc)
            return False
        self.connection.received.connect(self._on_message)
        self.connection.start()
        self._published = self.player_properties()
        log.info("MPRIS player %s registered", self.bus_name)
        return True

    def unregister(self) -> None:
        """Give the bus name back and stop answering (before the session goes away)."""
        self._flush_timer.stop()
        if self.bus_name is not None:
            self.connection.release_name(self.bus_name)
            self.bus_name = None
        self.connection.close()

    # -- messages --------------------------------------------------------------------------------

    def introspect(self, path: str) -> str:
        return _introspection() if path == OBJECT_PATH else ""

    def _on_message(self, message: Message) -> None:
        header = message.header
        if header.message_type != MessageType.method_call:
            return
        fields = header.fields
        interface = str(fields.get(HeaderFields.interface, ""))
        member = str(fields.get(HeaderFields.member, ""))
        if fields.get(HeaderFields.path) != OBJECT_PATH:
            reply = new_error(message, "org.freedesktop.DBus.Error.UnknownObject")
        elif interface == INTROSPECTABLE_INTERFACE and member == "Introspect":
            reply = new_method_return(message, "s", (_introspection(),))
        elif interface == PEER_INTERFACE and member == "Ping":
            reply = new_method_return(message)
        elif interface == PROPERTIES_INTERFACE:
            reply = self._properties_call(message, member)
        elif member in _METHODS.get(interface, {}) or (
            not interface and any(member in m for m in _METHODS.values())
        ):
            reply = self._method_call(message, member)
        else:
            reply = _error(message, "org.freedesktop.DBus.Error.UnknownMethod", member)
        self.connection.send(reply)

    def _properties_call(self, message: Message, member: str) -> Message:
        args = list(message.body)
        tables = {ROOT_INTERFACE: _ROOT_PROPERTIES, PLAYER_INTERFACE: _PLAYER_PROPERTIES}
        interface = str(args[0]) if args else ""
        if interface not in tables:
            return _error(
                message,
                "org.freedesktop.DBus.Error.UnknownInterface",
                f"No interface {interface!r}",
            )
        values = self.root_properties() if interface == ROOT_INTERFACE else None
        if member == "GetAll":
            values = values if values is not None else self.player_properties(position=True)
            wire = {
                name: _variant(value, tables[interface][name]) for name, value in values.items()
            }
            return new_method_return(message, "a{sv}", (wire,))
        name = str(args[1]) if len(args) > 1 else ""
        if name not in tables[interface]:
            return _error(
                message, "org.freedesktop.DBus.Error.UnknownProperty", f"No property {name!r}"
            )
        if member == "Get":
            values = values if values is not None else self.player_properties(position=True)
            return new_method_return(
                message, "v", (_variant(values[name], tables[interface][name]),)
            )
        if member == "Set" and len(args) > 2:
            if (interface, name) not in _WRITABLE:
                return _error(
                    message, "org.freedesktop.DBus.Error.PropertyReadOnly", f"{name} is read-only"
                )
            value = args[2][1] if isinstance(args[2], tuple) and len(args[2]) == 2 else args[2]
            try:
                number = float(value)
            except (TypeError, ValueError):
                return _error(
                    message, "org.freedesktop.DBus.Error.InvalidArgs", f"{name} takes a number"
                )
            if name == "Rate":
                self.set_rate(number)
            else:
                self.set_volume(number)
            return new_method_return(message)
        return _error(message, "org.freedesktop.DBus.Error.UnknownMethod", f"No method {member!r}")

    def _method_call(self, message: Message, member: str) -> Message:
        args = list(message.body)
        try:
            if member == "Seek":
                self.seek_by(int(args[0]) // 1000)
            elif member == "SetPosition":
                self.set_position(str(args[0]), int(args[1]) // 1000)
            elif member == "OpenUri":
                self.open_uri(str(args[0]))
            else:
                self._ACTIONS[member](self)
        except (IndexError, TypeError, ValueError) as exc:
            return _error(message, "org.freedesktop.DBus.Error.InvalidArgs", str(exc))
        except PlaybackError as exc:
            return _error(message, "org.mpris.MediaPlayer2.Error.Failed", str(exc))
        return new_method_return(message)

    # -- actions (the methods of the interfaces) -------------------------------------------------

    def raise_window(self) -> None:
        self._raise()

    def quit(self) -> None:
        # After the reply has gone out: quitting may tear the connection down.
        QTimer.singleShot(0, self._quit)

    def play(self) -> None:
        player = self.session.player
        if player.source is not None and player.state is not PlayerState.ERROR:
            player.play()
        elif self._resume is not None:
            self._resume()
        elif self.session.episode is not None:
            self.session.open(self.session.episode)

    def pause(self) -> None:
        self.session.player.pause()

    def play_pause(self) -> None:
        if self.session.player.state in _PLAYING_STATES:
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        self.session.player.stop()

    def next(self) -> None:
        if self._episode_mode():
            assert self._next_episode is not None
            self._next_episode()
        else:
            self.session.next_chapter()

    def previous(self) -> None:
        if self._episode_mode():
            assert self._previous_episode is not None
            self._previous_episode()
        else:
            self.session.previous_chapter()

    def seek_by(self, offset_ms: int) -> None:
        """Seek relative to the current position (ms); past the end goes to the next chapter
        or episode, like the specification's Seek."""
        player = self.session.player
        duration = player.duration()
        if player.source is None:
            return
        if duration is not None and player.position() + offset_ms >= duration:
            self.next()
            return
        self._seek(lambda: self.session.skip(offset_ms))

    def set_position(self, track: str, position_ms: int) -> None:
        """Go to ``position_ms`` of the current track; ignored for another track or a position
        outside it, as the specification says."""
        player = self.session.player
        duration = player.duration()
        if track != track_id(self.session.episode) or player.source is None or position_ms < 0:
            return
        if duration is not None and position_ms > duration:
            return
        self._seek(lambda: player.seek(position_ms))

    def open_uri(self, uri: str) -> None:
        parts = urlsplit(uri)
        scheme = parts.scheme.lower()
        if scheme not in URI_SCHEMES:
            raise PlaybackError(f"Can't open {scheme or 'this'}: addresses")
        target = unquote(parts.path) if scheme == "file" else uri
        if self._open_uri is not None:
            self._open_uri(target)
            return
        name = Path(unquote(parts.path)).name or parts.netloc or target
        local = scheme == "file"
        episode = Episode(
            guid=uri,
            number=None,
            title=name,
            audio_url=None if local else target,
            local_path=target if local else None,
        )
        self.session.set_episode(episode)
        self.session.open(episode)

    def set_rate(self, rate: float) -> None:
        if rate <= 0:
            self.pause()
            return
        self.session.player.set_rate(min(MAXIMUM_RATE, max(MINIMUM_RATE, rate)))
        self._changed()

    def set_volume(self, volume: float) -> None:
        percent = round(min(1.0, max(0.0, volume)) * 100)
        if self._set_volume is not None:
            self._set_volume(percent)
        else:
            self.session.player.set_volume(percent)
        self._changed()

    _ACTIONS: ClassVar[dict[str, Callable[[MprisService], None]]] = {
        "Raise": raise_window,
        "Quit": quit,
        "Play": play,
        "Pause": pause,
        "PlayPause": play_pause,
        "Stop": stop,
        "Next": next,
        "Previous": previous,
    }

    # -- properties ------------------------------------------------------------------------------

    def root_properties(self) -> dict[str, Any]:
        return {
            "CanQuit": True,
            "CanRaise": True,
            "HasTrackList": False,
            "Identity": APP_NAME,
            "DesktopEntry": APP_ID,
            "SupportedUriSchemes": list(URI_SCHEMES),
            "SupportedMimeTypes": list(MIME_TYPES),
        }

    def player_properties(self, position: bool = False) -> dict[str, Any]:
        """The Player interface's properties as Python values (Position only when asked: it
        changes all the time and is never announced)."""
        session, player = self.session, self.session.player
        episode = session.episode
        loaded = player.source is not None and player.state is not PlayerState.ERROR
        can_play = (episode is not None and episode.audio is not None) or loaded
        values: dict[str, Any] = {
            "PlaybackStatus": _STATUS.get(player.state, "Stopped"),
            "Rate": float(player.rate()),
            "Metadata": self.metadata(),
            "Volume": player.volume() / 100,
            "MinimumRate": MINIMUM_RATE,
            "MaximumRate": MAXIMUM_RATE,
            "CanGoNext": self._can_go_next(),
            "CanGoPrevious": self._can_go_previous(loaded),
            "CanPlay": can_play,
            "CanPause": can_play,
            "CanSeek": loaded and player.duration() is not None,
            "CanControl": True,
        }
        if position:
            values["Position"] = player.position() * 1000 if loaded else 0
        return values

    def metadata(self) -> dict[str, Any]:
        """The current track as MPRIS metadata (Python values; lengths in µs)."""
        session = self.session
        episode = session.episode
        if episode is None:
            return {"mpris:trackid": NO_TRACK}
        chapter = (
            session.chapters[session.current_chapter] if session.current_chapter >= 0 else None
        )
        values: dict[str, Any] = {
            "mpris:trackid": track_id(episode),
            "xesam:title": chapter.title if chapter is not None else episode.title,
            "xesam:artist": [episode.title],
        }
        duration = session.player.duration() if session.player.source else None
        if duration is None:
            duration = episode.duration_ms
        if duration is not None:
            values["mpris:length"] = duration * 1000
        album = self._podcast_title_for(episode)
        if album:
            values["xesam:album"] = album
        art = chapter.image if chapter is not None and chapter.image else None
        if art is None and self._artwork_for is not None:
            art = self._artwork_for(episode)
        if art and (is_url(art) or art.startswith("file:")):
            values["mpris:artUrl"] = art
        url = _as_url(episode.audio)
        if url:
            values["xesam:url"] = url
        return values

    def _episode_mode(self) -> bool:
        if self._next_episode is None or self._previous_episode is None:
            return False
        wanted = self._settings.setting(NEXT_PREVIOUS_SETTING) if self._settings else None
        return wanted == "episodes"

    def _can_go_next(self) -> bool:
        if self._episode_mode():
            return True
        return self.session.current_chapter + 1 < len(self.session.chapters)

    def _can_go_previous(self, loaded: bool) -> bool:
        return self._episode_mode() or bool(self.session.chapters) or loaded

    # -- change announcements --------------------------------------------------------------------

    def _changed(self, *_args: object) -> None:
        self._flush_timer.start()

    def flush(self) -> None:
        """Announce the properties that changed since the last announcement (PropertiesChanged);
        normally called by a zero-delay timer after any change."""
        current = self.player_properties()
        changed = {k: v for k, v in current.items() if self._published.get(k) != v}
        self._published = current
        if not changed or self.bus_name is None:
            return
        wire = {k: _variant(v, _PLAYER_PROPERTIES[k]) for k, v in changed.items()}
        emitter = DBusAddress(OBJECT_PATH, interface=PROPERTIES_INTERFACE)
        self.connection.send(
            new_signal(emitter, "PropertiesChanged", "sa{sv}as", (PLAYER_INTERFACE, wire, []))
        )

    def _seek(self, action: Callable[[], object]) -> None:
        self._own_seek = True
        try:
            action()
        finally:
            self._own_seek = False
        self._seeked(self.session.player.position())

    def _seeked(self, position_ms: int) -> None:
        self._last_position, self._last_time = position_ms, time.monotonic()
        if self.bus_name is None:
            return
        emitter = DBusAddress(OBJECT_PATH, interface=PLAYER_INTERFACE)
        self.connection.send(new_signal(emitter, "Seeked", "x", (position_ms * 1000,)))

    def _forget_position(self, *_args: object) -> None:
        self._last_position = None

    def _on_position(self, position_ms: int) -> None:
        now = time.monotonic()
        last = self._last_position
        player = self.session.player
        if self._own_seek:
            return
        if last is not None:
            expected = last
            if player.state is PlayerState.PLAYING:
                expected += round((now - self._last_time) * 1000 * player.rate())
            if abs(position_ms - expected) > SEEK_TOLERANCE_MS:
                self._seeked(position_ms)
                self._changed()
                return
        self._last_position, self._last_time = position_ms, now
        # Rate and volume have no signals of their own; a cheap check rides on the clock.
        published = self._published
        if published and (
            published.get("Rate") != float(player.rate())
            or published.get("Volume") != player.volume() / 100
        ):
            self._changed()


def install_mpris(
    session: PlaybackSession,
    *,
    raise_window: Callable[[], object],
    quit_app: Callable[[], object],
    podcast_title_for: Callable[[Episode], str | None],
    settings: Settings | None = None,
    artwork_for: Callable[[Episode], str | None] | None = None,
    next_episode: Callable[[], object] | None = None,
    previous_episode: Callable[[], object] | None = None,
    open_uri: Callable[[str], object] | None = None,
    resume: Callable[[], object] | None = None,
    set_volume: Callable[[int], object] | None = None,
    connection: BusLink | None = None,
    parent: QObject | None = None,
) -> MprisService | None:
    """Serve ``session`` over MPRIS2 on ``connection`` (default: the session bus).

    Returns the registered service, or None (with the reason logged) when there is no session
    bus or the name can't be taken; the app then simply runs without MPRIS.
    """
    if connection is None:
        try:
            bus = BusLink("SESSION", parent=parent)
        except BusError as exc:
            reason = str(exc) or "no D-Bus session bus"
            log.warning("MPRIS unavailable (media keys and panel controls won't work): %s", reason)
            return None
    else:
        bus = connection
    service = MprisService(
        session,
        bus,
        raise_window=raise_window,
        quit_app=quit_app,
        podcast_title_for=podcast_title_for,
        settings=settings,
        artwork_for=artwork_for,
        next_episode=next_episode,
        previous_episode=previous_episode,
        open_uri=open_uri,
        resume=resume,
        set_volume=set_volume,
        parent=parent,
    )
    if not service.register():
        service.deleteLater()
        if connection is None:
            bus.close()
        return None
    return service
