"""D-Bus for the desktop services, through jeepney (a pure-Python D-Bus library).

Every value is written with the wire type it is declared with (``x`` for MPRIS positions,
``u`` for notification ids, ``as`` even when empty): jeepney takes a signature with each body,
so nothing is guessed from Python types. :class:`BusLink` reads the connection on a thread of
its own and hands each incoming message to the GUI thread through a queued signal; only the
GUI thread writes.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import socket
import threading
from collections.abc import Callable

from jeepney import DBusAddress, HeaderFields, Message, MessageType, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

#: RequestName's answer when the name is ours.
_PRIMARY_OWNER = 1
#: How long start-up waits for the bus to answer (s).
CONNECT_TIMEOUT_S = 2.0

Reply = Callable[[Message], None]


class BusError(Exception):
    """No bus, or the bus refused what was asked."""


class BusLink(QObject):
    """A connection to the bus at ``address`` ("SESSION" or a D-Bus address).

    ``received(Message)`` carries each incoming method call and signal on the GUI thread;
    replies to :meth:`call` go to its callback there. Raises BusError when the bus can't be
    reached.
    """

    received = Signal(object)
    _arrived = Signal(object)
    _lost = Signal(str)

    def __init__(self, address: str = "SESSION", parent: QObject | None = None) -> None:
        super().__init__(parent)
        try:
            self._connection: DBusConnection = open_dbus_connection(
                bus=address, auth_timeout=CONNECT_TIMEOUT_S
            )
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise BusError(str(exc) or type(exc).__name__) from exc
        self._serials = itertools.count(1_000_000)
        self._replies: dict[int, Reply] = {}
        # Calls a thread waits for (the GUI thread at start-up): answered by the reader.
        self._waiting: dict[int, tuple[threading.Event, list[Message]]] = {}
        self._reader: threading.Thread | None = None
        self._closed = False
        self._arrived.connect(self._dispatch)
        self._lost.connect(self._on_lost)

    @property
    def unique_name(self) -> str:
        return str(self._connection.unique_name)

    def request_name(self, name: str) -> bool:
        """Own ``name``: False when another connection has it. Raises BusError when the bus
        does not answer."""
        request = message_bus.RequestName(name, 4)  # 4: do not queue for the name
        if self._reader is None:
            reply = self._connection.send_and_get_reply(request, timeout=CONNECT_TIMEOUT_S)
        else:
            reply = self._wait_for(request)
        return bool(reply.body and reply.body[0] == _PRIMARY_OWNER)

    def _wait_for(self, message: Message) -> Message:
        serial = next(self._serials)
        event: threading.Event = threading.Event()
        answer: list[Message] = []
        self._waiting[serial] = (event, answer)
        self._connection.send(message, serial=serial)
        if not event.wait(CONNECT_TIMEOUT_S):
            self._waiting.pop(serial, None)
            raise BusError("the bus did not answer")
        return answer[0]

    def release_name(self, name: str) -> None:
        self.send(message_bus.ReleaseName(name))

    def start(self) -> None:
        """Start reading the connection (a daemon thread); again: nothing."""
        if self._reader is not None:
            return
        self._reader = threading.Thread(target=self._read, name="dbus-reader", daemon=True)
        self._reader.start()

    def send(self, message: Message) -> None:
        if self._closed:
            return
        try:
            self._connection.send(message, serial=next(self._serials))
        except OSError as exc:
            log.info("D-Bus message not sent: %s", exc)

    def call(self, message: Message, reply: Reply) -> None:
        """Send a method call; ``reply(Message)`` gets its answer (or error) on this thread."""
        serial = next(self._serials)
        self._replies[serial] = reply
        try:
            self._connection.send(message, serial=serial)
        except OSError as exc:
            self._replies.pop(serial, None)
            log.info("D-Bus call not sent: %s", exc)

    def close(self) -> None:
        """Stop reading and close the connection (the reader ends at once)."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(OSError):
            self._connection.sock.shutdown(socket.SHUT_RDWR)
        if self._reader is not None:
            self._reader.join(1.0)
        self._connection.close()

    def _read(self) -> None:
        # The reader thread: it only hands messages on (the GUI thread answers them).
        while not self._closed:
            try:
                message = self._connection.receive()
            except Exception as exc:  # the socket went away: nothing more will come
                if not self._closed:
                    with contextlib.suppress(RuntimeError):
                        self._lost.emit(str(exc))
                return
            serial = message.header.fields.get(HeaderFields.reply_serial, -1)
            waiting = self._waiting.pop(serial, None)
            if waiting is not None:
                waiting[1].append(message)
                waiting[0].set()
                continue
            with contextlib.suppress(RuntimeError):
                self._arrived.emit(message)

    @Slot(object)
    def _dispatch(self, message: Message) -> None:
        kind = message.header.message_type
        if kind in (MessageType.method_return, MessageType.error):
            serial = message.header.fields.get(HeaderFields.reply_serial, -1)
            reply = self._replies.pop(serial, None)
            if reply is not None:
                reply(message)
            return
        self.received.emit(message)

    @Slot(str)
    def _on_lost(self, reason: str) -> None:
        log.info("D-Bus connection lost: %s", reason)


def method_call(
    service: str,
    path: str,
    interface: str,
    member: str,
    *,
    signature: str,
    body: tuple[object, ...],
) -> Message:
    """A method call message (the body written with ``signature``)."""
    address = DBusAddress(path, bus_name=service, interface=interface)
    return new_method_call(address, member, signature, body)


def is_error(message: Message) -> bool:
    return bool(message.header.message_type == MessageType.error)
