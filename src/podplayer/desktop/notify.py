"""A desktop notification when the chapter changes (off unless the setting is on).

Sent to ``org.freedesktop.Notifications`` over a :class:`BusLink`, asynchronously, each one
replacing the previous. Without a session bus or a notification server it stays silent: the
first failure is logged once at info level and nothing more is tried.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from jeepney import HeaderFields, Message
from PySide6.QtCore import QObject

from podplayer import APP_ID, APP_NAME
from podplayer.core.model import Episode
from podplayer.desktop.dbustypes import BusError, BusLink, is_error, method_call
from podplayer.playback.base import PlayerState
from podplayer.playback.session import PlaybackSession

log = logging.getLogger(__name__)

#: Library setting: True shows a notification on each chapter change while playing.
NOTIFY_SETTING = "notify_chapter_change"
SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
TIMEOUT_MS = 5000


class Settings(Protocol):
    def setting(self, key: str, default: Any = None) -> Any: ...


class ChapterNotifier(QObject):
    """Notifies the chapter ``session`` moves into while playing, when ``NOTIFY_SETTING`` is on
    (read each time, so the switch applies at once)."""

    def __init__(
        self,
        session: PlaybackSession,
        settings: Settings,
        *,
        podcast_title_for: Callable[[Episode], str | None] = lambda _episode: None,
        connection: BusLink | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self._podcast_title_for = podcast_title_for
        self._replaces = 0
        #: False once sending failed (no bus, no server): nothing more is tried.
        self.available = True
        self.connection: BusLink | None = connection
        if connection is not None:
            connection.start()
        else:
            try:
                self.connection = BusLink("SESSION", parent=self)
                self.connection.start()
            except BusError as exc:
                log.info("Chapter notifications unavailable: %s", exc)
                self.available = False
        session.chapter_changed.connect(self._on_chapter)

    def enabled(self) -> bool:
        return bool(self.settings.setting(NOTIFY_SETTING, False))

    def _on_chapter(self, index: int) -> None:
        session = self.session
        if (
            index < 0
            or not self.available
            or session.episode is None
            or session.player.state not in (PlayerState.PLAYING, PlayerState.OPENING)
            or not self.enabled()
        ):
            return
        chapter = session.chapters[index]
        body = session.episode.title
        podcast = self._podcast_title_for(session.episode)
        if podcast:
            body = f"{podcast} · {body}"
        self.notify(chapter.title, body)

    def notify(self, summary: str, body: str) -> None:
        """Show (or replace) podplayer's notification; silently nothing without a server."""
        if not self.available:
            return
        if self.connection is None:
            return
        hints = {"desktop-entry": ("s", APP_ID), "category": ("s", "x-podplayer.chapter")}
        message = method_call(
            SERVICE,
            PATH,
            SERVICE,
            "Notify",
            signature="susssasa{sv}i",
            body=(APP_NAME, self._replaces, APP_ID, summary, body, [], hints, TIMEOUT_MS),
        )
        self.connection.call(message, self._on_reply)

    def _on_reply(self, reply: Message) -> None:
        if is_error(reply):
            if self.available:
                name = reply.header.fields.get(HeaderFields.error_name, "")
                detail = reply.body[0] if reply.body else ""
                log.info("Chapter notifications unavailable: %s %s", name, detail)
            self.available = False
            return
        if reply.body:
            self._replaces = int(reply.body[0])

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
