"""One podplayer per user and data folder: a second launch hands its sources to the first.

The primary holds an exclusive ``flock`` on a lock file in the data folder for its whole life,
so the library never has two writers, and listens on a QLocalServer. The kernel drops the lock
when a process dies, so a crash leaves no stale lock; a stale socket file is removed before
listening. The server name is derived from the app id, the user id and the data folder, so
different ``PODPLAYER_HOME`` folders (tests) don't meet.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from podplayer import APP_ID
from podplayer.core.fetch import is_web_url
from podplayer.desktop.lock import IMPORT, LOCK_NAME, LibraryLock

log = logging.getLogger(__name__)

_ACK = b"ok\n"
_MAX_MESSAGE = 1 << 20


def server_name(data_dir: Path) -> str:
    """The local socket name for ``data_dir`` (short: socket paths are limited to ~100 bytes)."""
    digest = hashlib.sha1(
        str(data_dir.resolve()).encode("utf-8"), usedforsecurity=False
    ).hexdigest()
    return f"{APP_ID}-{os.getuid()}-{digest[:12]}"


def absolute_sources(args: Sequence[str], cwd: Path | None = None) -> list[str]:
    """``args`` with relative file paths made absolute (the primary has another cwd)."""
    base = cwd or Path.cwd()
    out: list[str] = []
    for arg in args:
        if is_web_url(arg) or arg.startswith("-") or not arg:
            out.append(arg)
        else:
            out.append(str(base / Path(arg).expanduser()))
    return out


class SingleInstance(QObject):
    """Decides whether this process is the primary podplayer for ``data_dir``.

    Signal ``arguments_received(list)``: the sources (list of str) a later launch handed over.
    """

    arguments_received = Signal(list)

    def __init__(
        self,
        data_dir: Path,
        name: str | None = None,
        lock: LibraryLock | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.name = name or server_name(data_dir)
        #: Pass a lock taken earlier (before Qt starts) to keep it.
        self.lock = lock or LibraryLock(data_dir / LOCK_NAME)
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, bytearray] = {}
        #: Why the last :meth:`send_to_primary` failed, in words for a listener (None: it did not).
        self.problem: str | None = None

    @property
    def is_primary(self) -> bool:
        return self._server is not None

    def try_become_primary(self) -> bool:
        """Take the lock and listen; False when another podplayer holds the lock. Raises
        OSError when the lock file can't be created."""
        if self._server is not None:
            return True
        if not self.lock.acquire():
            return False
        # The lock proves no primary is alive: a socket file left by a crash is stale.
        QLocalServer.removeServer(self.name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # Still the only writer; only the hand-over is lost.
            log.warning("Second launches can't reach this window: %s", server.errorString())
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def send_to_primary(self, args: Sequence[str], timeout_ms: int = 10_000) -> bool:
        """Hand ``args`` to the running primary; True once it has them. Retries while the
        primary is still starting (locked but not yet listening).

        Once the whole message is in the primary's socket it is delivered, whether or not the
        primary confirms in time: a window busy for a few seconds reads it when it is free, so
        that is True too (and logged). False, with :attr:`problem` saying why, when the holder
        of the lock is a command-line import (which has no window to hand over to) or nothing
        accepts the message in time."""
        self.problem = None
        owner = self.lock.owner()
        running = f" (process {owner})" if owner else ""
        if self.lock.owner_purpose() == IMPORT:
            return self._fail(
                f"“podplayer import”{running} is adding to the library; open podplayer again "
                "when it has finished"
            )
        payload = json.dumps({"args": absolute_sources(args)}).encode("utf-8") + b"\n"
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            socket = QLocalSocket()
            socket.connectToServer(self.name)
            if socket.waitForConnected(max(1, int((deadline - time.monotonic()) * 1000))):
                break
            if time.monotonic() >= deadline:
                log.info("No answer from %s: %s", self.name, socket.errorString())
                return self._fail(f"podplayer is already running{running} but does not answer")
            time.sleep(0.05)
        socket.write(payload)
        while socket.bytesToWrite() > 0:
            remaining = int((deadline - time.monotonic()) * 1000)
            if remaining <= 0 or not socket.waitForBytesWritten(remaining):
                socket.abort()
                return self._fail(
                    f"podplayer is already running{running} but did not take what was handed over"
                )
        received = bytearray()
        while _ACK not in received:
            remaining = int((deadline - time.monotonic()) * 1000)
            if remaining <= 0 or not socket.waitForReadyRead(remaining):
                log.warning(
                    "podplayer%s is busy; it will open what was handed over when it is free",
                    running,
                )
                socket.disconnectFromServer()
                return True
            received += bytes(socket.readAll().data())
        socket.disconnectFromServer()
        return True

    def _fail(self, problem: str) -> bool:
        self.problem = problem
        log.warning("%s", problem)
        return False

    def close(self) -> None:
        """Stop listening and release the lock (the library must be closed first)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        self.lock.release()

    def _on_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(lambda s=socket: self._on_ready(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _on_ready(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += bytes(socket.readAll().data())
        if len(buffer) > _MAX_MESSAGE:
            log.warning("Dropped an oversized message from a second launch")
            socket.abort()
            return
        if b"\n" not in buffer:
            return
        line = bytes(buffer).split(b"\n", 1)[0]
        buffer.clear()
        try:
            message = json.loads(line)
            args = [str(a) for a in message["args"]]
        except (ValueError, KeyError, TypeError):
            log.warning("Ignored an unreadable message from a second launch")
            socket.abort()
            return
        socket.write(_ACK)
        socket.flush()
        log.info("A second launch handed over %d sources", len(args))
        self.arguments_received.emit(args)
