"""A desktop notification when the chapter changes (off unless the setting is on).

Sent to ``org.freedesktop.Notifications`` over QtDBus, asynchronously, each one replacing the
previous. Without a session bus or a notification server it stays silent: the first failure
is logged once at info level and nothing more is tried.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject
from PySide6.QtDBus import QDBusConnection, QDBusMessage, QDBusPendingCallWatcher

from podplayer import APP_ID, APP_NAME
from podplayer.core.model import Episode
from podplayer.desktop.dbustypes import string_list, uint32
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
        connection: QDBusConnection | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.connection = connection if connection is not None else QDBusConnection.sessionBus()
        self._podcast_title_for = podcast_title_for
        self._replaces = 0
        self._pending: set[QDBusPendingCallWatcher] = set()
        #: False once sending failed (no bus, no server): nothing more is tried.
        self.available = self.connection.isConnected()
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
        message = QDBusMessage.createMethodCall(SERVICE, PATH, SERVICE, "Notify")
        message.setArguments(
            [
                APP_NAME,
                uint32(self._replaces),
                APP_ID,
                summary,
                body,
                string_list([]),
                {"desktop-entry": APP_ID, "category": "x-podplayer.chapter"},
                TIMEOUT_MS,
            ]
        )
        watcher = QDBusPendingCallWatcher(self.connection.asyncCall(message), self)
        self._pending.add(watcher)
        watcher.finished.connect(lambda w=watcher: self._on_reply(w))

    def _on_reply(self, watcher: QDBusPendingCallWatcher) -> None:
        self._pending.discard(watcher)
        watcher.deleteLater()
        reply = watcher.reply()
        if reply.type() == QDBusMessage.MessageType.ErrorMessage:
            if self.available:
                log.info("Chapter notifications unavailable: %s", reply.errorMessage())
            self.available = False
            return
        args = reply.arguments()
        if args:
            self._replaces = int(args[0])
