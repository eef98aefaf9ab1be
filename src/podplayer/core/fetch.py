"""HTTP(S) requests with timeouts, a body-size cap, a redirect limit and conditional GET.

Built on httpx; never called on the GUI thread (every call blocks until the answer or a
timeout). Only ``http`` and ``https`` are fetched, redirects included. Redirects are followed
here rather than by httpx so that a loop is reported as a loop and every hop is checked.

One client (and its connection pool) is shared by all threads; httpx's synchronous client is
safe to use from several threads at once.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
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
    "fetch",
    "fetch_conditional",
    "fetch_range",
    "is_web_url",
    "open_stream",
]

USER_AGENT = f"podplayer/{__version__} (desktop podcast player)"
DEFAULT_TIMEOUT_S = 20.0
DEFAULT_CONNECT_TIMEOUT_S = 10.0
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 8
_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

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

    >>> is_web_url("https://example.org/feed"), is_web_url("file:///etc/passwd")
    (True, False)
    """
    parts = urlsplit(text.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _shared_client() -> httpx.Client:
    global _client  # noqa: PLW0603 - one pool for the process, created on first use
    import httpx

    with _client_lock:
        if _client is None:
            _client = httpx.Client(
                follow_redirects=False,
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
                limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
            )
        return _client


def _short(url: str) -> str:
    return url if len(url) <= 100 else url[:97] + "…"


@dataclass(slots=True)
class Stream:
    """An open response whose body has not been read yet (see :func:`open_stream`).

    ``length`` is the announced body length in bytes (None when not announced).
    """

    url: str
    status: int
    headers: httpx.Headers
    length: int | None
    _reply: httpx.Response
    _deadline: float
    _timeout_s: float

    @property
    def content_type(self) -> str:
        return str(self.headers.get("content-type", "")).split(";")[0].strip().lower()

    def iter_bytes(self, max_bytes: int | None = None) -> Iterator[bytes]:
        """The body in chunks; raises FetchError past ``max_bytes``, the deadline or a drop."""
        import httpx

        received = 0
        try:
            for chunk in self._reply.iter_bytes(_CHUNK):
                received += len(chunk)
                if max_bytes is not None and received > max_bytes:
                    raise FetchError(
                        f"{_short(self.url)} is larger than {_size(max_bytes)}; not read"
                    )
                if time.monotonic() > self._deadline:
                    raise FetchError(
                        f"{_short(self.url)} took longer than {self._timeout_s:g} s to arrive"
                    )
                yield chunk
        except httpx.TimeoutException:
            raise FetchError(
                f"{_short(self.url)} stopped sending (nothing for {self._timeout_s:g} s)"
            ) from None
        except httpx.HTTPError as exc:
            raise FetchError(f"Could not read {_short(self.url)}: {_reason(exc)}") from None


def _size(n: int) -> str:
    return f"{n // 2**20} MB" if n >= 2**20 else f"{n // 1024} kB"


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


@contextlib.contextmanager
def open_stream(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
    total_timeout_s: float | None = None,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    accept_status: frozenset[int] = frozenset({200, 206, 304}),
) -> Iterator[Stream]:
    """GET ``url`` following redirects and yield the open :class:`Stream`; closes it on exit.

    ``timeout_s`` bounds each wait for data, ``connect_timeout_s`` the connection,
    ``total_timeout_s`` (default: 10 x ``timeout_s``) the whole body. Any status outside
    ``accept_status`` raises FetchError, as do non-web URLs, unreachable hosts, timeouts, too many
    redirects and redirect loops.
    """
    if not is_web_url(url):
        raise FetchError(f"Only web addresses (http, https) can be fetched, not “{_short(url)}”")
    import httpx

    client = _shared_client()
    timeout = httpx.Timeout(timeout_s, connect=connect_timeout_s)
    total = total_timeout_s if total_timeout_s is not None else timeout_s * 10
    deadline = time.monotonic() + total
    seen: list[str] = []
    current = url
    while True:
        seen.append(current)
        try:
            request = client.build_request("GET", current, headers=headers, timeout=timeout)
            reply = client.send(request, stream=True)
        except httpx.ConnectTimeout:
            raise FetchError(
                f"Could not connect to {_short(current)} within {connect_timeout_s:g} s"
            ) from None
        except httpx.TimeoutException:
            raise FetchError(f"{_short(current)} did not answer within {timeout_s:g} s") from None
        except httpx.InvalidURL as exc:
            raise FetchError(f"“{_short(current)}” is not a valid address: {exc}") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"Could not reach {_short(current)}: {_reason(exc)}") from None
        try:
            if reply.status_code in _REDIRECTS and "location" in reply.headers:
                target = urljoin(current, reply.headers["location"])
                if not is_web_url(target):
                    raise FetchError(
                        f"{_short(current)} redirects to “{_short(target)}”, which is not a web "
                        "address; not followed"
                    )
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
            length_header = reply.headers.get("content-length")
            length = int(length_header) if length_header and length_header.isdigit() else None
            yield Stream(current, reply.status_code, reply.headers, length, reply, deadline, total)
            return
        finally:
            reply.close()


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
    accept_status: frozenset[int] = frozenset({200, 304}),
) -> Response:
    with open_stream(
        url,
        headers=headers,
        timeout_s=timeout_s,
        connect_timeout_s=connect_timeout_s,
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
) -> Response:
    """GET ``url`` (http or https only) and return its body, at most ``max_bytes`` bytes.

    Timeouts are seconds. Raises FetchError with a message a listener understands: not a web
    address, unreachable, timed out, an HTTP error status, too large, a redirect loop or too
    many redirects.
    """
    return _get(
        url,
        {},
        timeout_s=timeout_s,
        connect_timeout_s=connect_timeout_s,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
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
    )


def fetch_range(
    url: str,
    start: int,
    end: int | None = None,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
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
        accept_status=frozenset({200, 206}),
    )
