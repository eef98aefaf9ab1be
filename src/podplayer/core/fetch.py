"""HTTP(S) requests with one deadline, a size cap after decompression, a redirect limit and
conditional GET.

Built on httpx; never called on the GUI thread (every call blocks until the answer or its
deadline). Only ``http`` and ``https`` are fetched, redirects included. Redirects are followed
here rather than by httpx so that a loop is reported as a loop and every hop is checked.

Two bounds hold whatever a server does:

- **One deadline per fetch.** httpx's timeouts bound each wait for data, so a server that sends a
  byte a second is never cut off by them. Here the answer (every redirect and the final status
  and headers) must come within ``answer_timeout_s`` of the start, and the body then earns one
  more second for every :data:`MIN_BODY_RATE` bytes it brings, up to ``total_timeout_s`` in all.
  A watchdog thread shuts the connection's socket when the deadline passes, which ends any read
  at once, in the headers as in the body.
- **The size cap counts decoded bytes, as they are produced.** The body is read raw and each
  ``Content-Encoding`` layer is undone here with a bounded output per step, so a small
  response that is gzip inside gzip stops at the cap with a few hundred kilobytes in memory.

One client is shared by all threads (httpx's synchronous client is thread-safe). It keeps no
idle connections: the watchdog learns a request's socket when it connects, which a reused
connection would not do.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from podplayer import __version__
from podplayer.core.errors import FetchError

# httpx is imported where a request is made: it is a sixth of the window's start-up, which
# needs only is_web_url from here.
if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "USER_AGENT",
    "Response",
    "Stream",
    "check_web_url",
    "fetch",
    "fetch_conditional",
    "fetch_range",
    "is_web_url",
    "open_stream",
    "web_url_problem",
]

USER_AGENT = f"podplayer/{__version__} (desktop podcast player)"
DEFAULT_TIMEOUT_S = 20.0
DEFAULT_CONNECT_TIMEOUT_S = 10.0
#: Connecting, every redirect and the final status and headers, from the start of the fetch.
DEFAULT_ANSWER_TIMEOUT_S = 8.0
#: However fast the body comes, a fetch ends by then.
DEFAULT_TOTAL_TIMEOUT_S = 300.0
#: Bytes of body that earn the deadline one more second (a trickle earns nothing).
MIN_BODY_RATE = 32 * 1024
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 8
_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Content-Encoding -> zlib wbits (the formats podplayer asks for in Accept-Encoding).
_ENCODINGS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
_MAX_ENCODINGS = 3

_client_lock = threading.Lock()
_client: httpx.Client | None = None


@dataclass(frozen=True, slots=True)
class Response:
    """A completed request.

    ``url`` is the final URL after redirects. ``not_modified`` is True (and ``body`` empty) when
    a conditional request was answered 304. ``etag``/``last_modified`` are the validators to
    send next time (None when the server gave none).
    """

    url: str
    content_type: str
    body: bytes
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    content_range: str | None = None


def is_web_url(text: str) -> bool:
    """True for http:// and https:// URLs (the only ones podplayer fetches).

    Says what the text is meant to be, not that it is well formed: :func:`check_web_url` does.

    >>> is_web_url("https://example.org/feed"), is_web_url("file:///etc/passwd")
    (True, False)
    >>> is_web_url("http://[::1/broken")
    True
    """
    text = text.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return text[:8].lower().startswith(("http://", "https://"))
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def check_web_url(url: str, *, what: str = "") -> str:
    """``url`` stripped, once it is a well-formed http(s) address; FetchError otherwise.

    The one place a web address is validated: a scheme other than http(s), no server name, a
    port that is not a number from 1 to 65535, spaces or control characters. ``what`` names the
    address in the message (default: the address itself).

    >>> check_web_url(" https://example.org/feed ")
    'https://example.org/feed'
    >>> check_web_url("http://example.org:notaport/x.mp3")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    podplayer.core.errors.FetchError: “http://...” is not a valid web address: its port...
    """
    text = url.strip()
    name = what or f"“{_short(text)}”"
    if not text[:8].lower().startswith(("http://", "https://")):
        raise FetchError(f"Only web addresses (http, https) can be fetched, not {name}")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        netloc = text.split("//", 1)[-1].split("/", 1)[0]
        if "[" in netloc or "]" in netloc:
            raise FetchError(
                f"{name} is not a valid web address: its IPv6 host is malformed"
            ) from None
        written = netloc.rpartition(":")[2]
        raise FetchError(
            f"{name} is not a valid web address: its port “{_short(written, 20)}” is not a "
            "number from 1 to 65535"
        ) from None
    if port == 0:
        raise FetchError(f"{name} is not a valid web address: port 0 can't be reached")
    if not parts.hostname:
        raise FetchError(f"{name} is not a valid web address: it names no server")
    try:
        parts.hostname.encode("idna")
    except UnicodeError:  # a name part over 63 characters, or an empty one ("a..b")
        raise FetchError(
            f"{name} is not a valid web address: its server name is malformed"
        ) from None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise FetchError(
            f"{name} is not a valid web address: it holds spaces or control characters"
        )
    return text


def web_url_problem(url: str) -> str | None:
    """What is wrong with ``url`` as a web address, in words (see :func:`check_web_url`), or
    None when nothing is.

    >>> web_url_problem("https://example.org/x.mp3") is None
    True
    """
    try:
        check_web_url(url)
    except FetchError as exc:
        return str(exc)
    return None


def _shared_client() -> httpx.Client:
    global _client  # noqa: PLW0603 - one pool for the process, created on first use
    import httpx

    with _client_lock:
        if _client is None:
            _client = httpx.Client(
                follow_redirects=False,
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
                limits=httpx.Limits(max_connections=16, max_keepalive_connections=0),
                # httpx reads a Location header even when not following it, and blames the
                # request for a bad one: the target is checked (and blamed) first.
                event_hooks={"response": [_check_redirect]},
            )
        return _client


def _short(url: str, limit: int = 100) -> str:
    return url if len(url) <= limit else url[: limit - 3] + "…"


class _Deadline:
    """One fetch's deadline, and the watchdog thread that enforces it.

    Due at ``start + answer_s + received / MIN_BODY_RATE``, never later than ``start +
    total_s`` (with ``total_s`` infinite, a body that has begun has no deadline). When it
    passes, the socket of the current connection (learnt from httpx's ``trace`` extension) is
    shut down, which wakes any read blocked on it.
    """

    def __init__(self, answer_s: float, total_s: float) -> None:
        self.start = time.monotonic()
        self.answer_s = answer_s
        self.total_s = total_s
        self.received = 0
        self.answered = False
        self.expired = False
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="podplayer-fetch-deadline")
        self._thread.daemon = True
        self._thread.start()

    def due(self) -> float:
        if self.answered and self.total_s == float("inf"):
            return float("inf")
        earned = self.answer_s + self.received / MIN_BODY_RATE
        return self.start + min(earned, self.total_s)

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpx's ``trace`` hook: remembers the socket of each new connection."""
        if event not in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._socket = sock
            if self.expired:
                _shut(sock)

    def stop(self) -> None:
        with self._lock:
            self._stop.set()
            self._socket = None

    def _watch(self) -> None:
        while True:
            wait = self.due() - time.monotonic()
            if wait <= 0:
                break
            if self._stop.wait(min(wait, 3600.0)):
                return
        with self._lock:
            if self._stop.is_set():
                return
            self.expired = True
            if self._socket is not None:
                _shut(self._socket)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _Layer:
    """Undoes one Content-Encoding, at most ``_CHUNK`` bytes per step, ``limit`` in all."""

    def __init__(self, encoding: str, limit: int | None, url: str) -> None:
        self.encoding = encoding
        self.limit = limit
        self.url = url
        self.produced = 0
        self._wbits = _ENCODINGS[encoding]
        self._z = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self._z.decompress(data, _CHUNK)
            except zlib.error:
                if self.encoding == "deflate" and not self._started:
                    # Some servers send raw deflate without the zlib wrapper.
                    self._z, self._wbits = zlib.decompressobj(-zlib.MAX_WBITS), -zlib.MAX_WBITS
                    self._started = True
                    continue
                raise FetchError(f"{_short(self.url)} sent damaged {self.encoding} data") from None
            self._started = True
            data = self._z.unconsumed_tail
            if self._z.eof:
                data = self._z.unused_data
                if data and self._wbits > 16:
                    self._z = zlib.decompressobj(self._wbits)  # the next gzip member
                else:
                    data = b""
            yield from self._count(out)

    def finish(self) -> Iterator[bytes]:
        out = self._z.flush()
        if self._started and not self.produced and not out and not self._z.eof:
            # A gzip header and garbage: nothing came out, and the body is not empty either.
            raise FetchError(f"{_short(self.url)} sent damaged {self.encoding} data")
        yield from self._count(out)

    def _count(self, out: bytes) -> Iterator[bytes]:
        if not out:
            return
        self.produced += len(out)
        if self.limit is not None and self.produced > self.limit:
            raise FetchError(
                f"{_short(self.url)} is larger than {_size(self.limit)} once unpacked; not read"
            )
        yield out


def _decoded(chunks: Iterator[bytes], layers: list[_Layer]) -> Iterator[bytes]:
    """``chunks`` through every layer (the last encoding applied is undone first), lazily: each
    layer only runs as far as the next one asks."""
    stream = chunks
    for layer in layers:
        stream = _through(stream, layer)
    return stream


def _through(chunks: Iterator[bytes], layer: _Layer) -> Iterator[bytes]:
    for chunk in chunks:
        yield from layer.feed(chunk)
    yield from layer.finish()


def _layers(headers: httpx.Headers, url: str, max_bytes: int | None) -> list[_Layer]:
    names = [
        name.strip().lower()
        for value in headers.get_list("content-encoding")
        for name in value.split(",")
        if name.strip() and name.strip().lower() != "identity"
    ]
    if len(names) > _MAX_ENCODINGS:
        raise FetchError(f"{_short(url)} is packed {len(names)} times over; not read")
    for name in names:
        if name not in _ENCODINGS:
            raise FetchError(
                f"{_short(url)} is sent in an encoding podplayer can't read (“{name[:20]}”)"
            )
    return [_Layer(name, max_bytes, url) for name in reversed(names)]


@dataclass(slots=True)
class Stream:
    """An open response whose body has not been read yet (see :func:`open_stream`).

    ``length`` is the announced body length in bytes as sent (None when not announced).
    """

    url: str
    status: int
    headers: httpx.Headers
    length: int | None
    _reply: httpx.Response
    _deadline: _Deadline

    @property
    def content_type(self) -> str:
        return str(self.headers.get("content-type", "")).split(";")[0].strip().lower()

    def iter_bytes(self, max_bytes: int | None = None) -> Iterator[bytes]:
        """The decoded body in chunks; raises FetchError past ``max_bytes`` (decoded, in every
        Content-Encoding layer), past the deadline, or when the connection drops."""
        import httpx

        received = 0
        try:
            for chunk in _decoded(self._raw(), _layers(self.headers, self.url, max_bytes)):
                received += len(chunk)
                if max_bytes is not None and received > max_bytes:
                    raise FetchError(
                        f"{_short(self.url)} is larger than {_size(max_bytes)}; not read"
                    )
                yield chunk
        except httpx.TimeoutException:
            if self._deadline.expired:
                raise self._too_slow() from None
            raise FetchError(f"{_short(self.url)} stopped sending; gave up waiting") from None
        except httpx.HTTPError as exc:
            if self._deadline.expired:
                raise self._too_slow() from None
            raise FetchError(f"Could not read {_short(self.url)}: {_reason(exc)}") from None

    def _raw(self) -> Iterator[bytes]:
        deadline = self._deadline
        for chunk in self._reply.iter_raw():
            if deadline.expired:
                raise self._too_slow()
            deadline.received += len(chunk)
            yield chunk

    def _too_slow(self) -> FetchError:
        return FetchError(
            f"{_short(self.url)} arrives too slowly; gave up after {self._deadline.elapsed():.0f} s"
        )


def _size(n: int) -> str:
    return f"{n // 2**20} MB" if n >= 2**20 else f"{n // 1024} kB"


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    if "[SSL" in text or "CERTIFICATE" in text.upper():
        return "the secure connection failed (the server's certificate or protocol is wrong)"
    # "[Errno 111] Connection refused": the words without the number.
    return re.sub(r"^\[Errno -?\d+\]\s*", "", text) or "the connection failed"


@contextlib.contextmanager
def open_stream(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
    answer_timeout_s: float = DEFAULT_ANSWER_TIMEOUT_S,
    total_timeout_s: float | None = None,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    accept_status: frozenset[int] = frozenset({200, 206, 304}),
) -> Iterator[Stream]:
    """GET ``url`` following redirects and yield the open :class:`Stream`; closes it on exit.

    ``timeout_s`` bounds each wait for data, ``connect_timeout_s`` each connection. The deadline
    of the whole fetch (see the module's docstring) gives the answer ``answer_timeout_s`` and
    the fetch ``total_timeout_s`` at most (default :data:`DEFAULT_TOTAL_TIMEOUT_S`; infinite: a
    body that has begun is never cut, for downloads a listener watches and can cancel). Any
    status outside ``accept_status`` raises FetchError, as do malformed or non-web URLs (the
    original or a redirect's target, which the message then names), unreachable hosts,
    timeouts, too many redirects and redirect loops.
    """
    current = check_web_url(url)
    import httpx

    client = _shared_client()
    timeout = httpx.Timeout(timeout_s, connect=connect_timeout_s)
    total = total_timeout_s if total_timeout_s is not None else DEFAULT_TOTAL_TIMEOUT_S
    deadline = _Deadline(min(answer_timeout_s, total), total)
    seen: list[str] = []
    try:
        while True:
            seen.append(current)
            reply = _send(
                client,
                current,
                headers=headers,
                timeout=timeout,
                deadline=deadline,
                connect_timeout_s=connect_timeout_s,
                timeout_s=timeout_s,
            )
            try:
                target = _redirect_target(reply, current)
                if target is not None:
                    if target in seen:
                        raise FetchError(f"{_short(url)} redirects in a loop; giving up")
                    if len(seen) > max_redirects:
                        raise FetchError(
                            f"{_short(url)} redirects more than {max_redirects} times; giving up"
                        )
                    current = target
                    continue
                if reply.status_code not in accept_status:
                    raise FetchError(
                        f"The server answered {reply.status_code} ({reply.reason_phrase}) "
                        f"for {_short(current)}"
                    )
                deadline.answered = True
                length_header = reply.headers.get("content-length")
                length = int(length_header) if length_header and length_header.isdigit() else None
                yield Stream(current, reply.status_code, reply.headers, length, reply, deadline)
                return
            finally:
                reply.close()
    finally:
        deadline.stop()


def _send(
    client: httpx.Client,
    url: str,
    *,
    headers: dict[str, str] | None,
    timeout: httpx.Timeout,
    deadline: _Deadline,
    connect_timeout_s: float,
    timeout_s: float,
) -> httpx.Response:
    import httpx

    try:
        request = client.build_request(
            "GET", url, headers=headers, timeout=timeout, extensions={"trace": deadline.trace}
        )
        return client.send(request, stream=True)
    except httpx.ConnectTimeout:
        raise FetchError(
            f"Could not connect to {_short(url)} within {connect_timeout_s:g} s"
        ) from None
    except httpx.TimeoutException:
        raise FetchError(f"{_short(url)} did not answer within {timeout_s:g} s") from None
    except httpx.InvalidURL as exc:
        raise FetchError(f"“{_short(url)}” is not a valid address: {exc}") from None
    except httpx.HTTPError as exc:
        if deadline.expired:
            raise FetchError(
                f"{_short(url)} did not answer within {deadline.answer_s:g} s"
            ) from None
        raise FetchError(f"Could not reach {_short(url)}: {_reason(exc)}") from None


def _check_redirect(reply: httpx.Response) -> None:
    _redirect_target(reply, str(reply.request.url))


def _redirect_target(reply: httpx.Response, current: str) -> str | None:
    """The checked target of a redirect, None for any other answer. A target that is no web
    address is blamed by name: it, not the address that led there, is what is wrong."""
    if reply.status_code not in _REDIRECTS or "location" not in reply.headers:
        return None
    location = reply.headers["location"].strip()
    try:
        target = urljoin(current, location)
    except ValueError:
        target = location
    if not is_web_url(target):
        raise FetchError(
            f"“{_short(target)}” is not a web address; {_short(current)} redirects there, and "
            "podplayer does not follow"
        )
    what = f"“{_short(target)}” (where {_short(current)} redirects)"
    target = check_web_url(target, what=what)
    import httpx

    try:
        httpx.URL(target)
    except httpx.InvalidURL as exc:
        raise FetchError(f"{what} is not a valid web address: {exc}") from None
    return target


def _validators(headers: httpx.Headers) -> tuple[str | None, str | None]:
    return headers.get("etag"), headers.get("last-modified")


def _get(
    url: str,
    headers: dict[str, str],
    *,
    timeout_s: float,
    connect_timeout_s: float,
    max_bytes: int,
    max_redirects: int,
    total_timeout_s: float | None,
    accept_status: frozenset[int] = frozenset({200, 304}),
) -> Response:
    with open_stream(
        url,
        headers=headers,
        timeout_s=timeout_s,
        connect_timeout_s=connect_timeout_s,
        total_timeout_s=total_timeout_s,
        max_redirects=max_redirects,
        accept_status=accept_status,
    ) as stream:
        etag, modified = _validators(stream.headers)
        if stream.status == 304:
            return Response(stream.url, stream.content_type, b"", 304, etag, modified, True)
        if stream.length is not None and stream.length > max_bytes:
            raise FetchError(
                f"{_short(stream.url)} is {_size(stream.length)}, more than the "
                f"{_size(max_bytes)} podplayer reads; not read"
            )
        body = b"".join(stream.iter_bytes(max_bytes))
        return Response(
            stream.url,
            stream.content_type,
            body,
            stream.status,
            etag,
            modified,
            False,
            stream.headers.get("content-range"),
        )


def fetch(
    url: str,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    total_timeout_s: float | None = None,
) -> Response:
    """GET ``url`` (http or https only) and return its body, at most ``max_bytes`` bytes.

    Timeouts are seconds (see :func:`open_stream` for the deadline). ``max_bytes`` counts the
    decoded body. Raises FetchError with a message a listener understands: not a web address,
    unreachable, timed out or too slow, an HTTP error status, too large, a redirect loop or too
    many redirects.
    """
    return _get(
        url,
        {},
        timeout_s=timeout_s,
        connect_timeout_s=connect_timeout_s,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
        total_timeout_s=total_timeout_s,
        accept_status=frozenset({200}),
    )


def fetch_conditional(
    url: str,
    etag: str | None = None,
    last_modified: str | None = None,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    total_timeout_s: float | None = None,
) -> Response:
    """Like :func:`fetch`, sending ``If-None-Match``/``If-Modified-Since`` when given.

    An unchanged resource gives a Response with ``not_modified`` True and an empty body, so an
    unchanged feed costs one small request. Raises FetchError like :func:`fetch`.
    """
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return _get(
        url,
        headers,
        timeout_s=timeout_s,
        connect_timeout_s=connect_timeout_s,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
        total_timeout_s=total_timeout_s,
    )


def fetch_range(
    url: str,
    start: int,
    end: int | None = None,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
    total_timeout_s: float | None = None,
) -> Response:
    """Bytes ``start`` to ``end`` (inclusive; None: to the end) of ``url``.

    ``status`` is 206 when the server honoured the range (``content_range`` then says which
    bytes came), 200 when it sent the whole resource instead. Raises FetchError like
    :func:`fetch`, and for a range the server can't satisfy (416).
    """
    if start < 0 or (end is not None and end < start):
        raise FetchError(f"Bad byte range {start}-{end} for {_short(url)}")
    headers = {"Range": f"bytes={start}-{'' if end is None else end}"}
    return _get(
        url,
        headers,
        timeout_s=timeout_s,
        connect_timeout_s=connect_timeout_s,
        max_bytes=max_bytes,
        max_redirects=DEFAULT_MAX_REDIRECTS,
        total_timeout_s=total_timeout_s,
        accept_status=frozenset({200, 206}),
    )
