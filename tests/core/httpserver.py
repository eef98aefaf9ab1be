"""A loopback HTTP server for tests: static resources (with ETag, Last-Modified and Range),
redirects, error statuses, slow, endless and trickling answers.

Threaded and bounded: every request times out after a few seconds, and stopping the server
waits for its threads.
"""

from __future__ import annotations

import email.utils
import hashlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PEER_FEEDS = (
    Path(__file__).resolve().parents[3] / "shared" / "peers" / "podcastparser" / "tests_data"
)


@dataclass
class Resource:
    """What one path answers. ``body`` is served with validators and Range support."""

    body: bytes = b""
    content_type: str = "application/rss+xml"
    status: int = 200
    etag: bool = True
    last_modified: float | None = 1_700_000_000.0
    ranges: bool = True
    delay_s: float = 0.0
    redirect_to: str | None = None
    # Announce this many bytes and send filler until the client gives up.
    endless: int | None = None
    chunked_endless: bool = False
    # Close the connection after this many bytes of the body (an interrupted download).
    cut_after: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # Send the status line and headers (or, after them, the body) one byte per interval, for
    # up to ``trickle_for_s``: the server that per-read timeouts never cut off.
    trickle_headers: bool = False
    trickle_body: bool = False
    trickle_interval_s: float = 1.0
    trickle_for_s: float = 60.0


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 10

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        self.server.requests.append((path, dict(self.headers.items())))
        resource = self.server.routes.get(path)
        if resource is None:
            self._plain(404, b"not found")
            return
        if callable(resource):
            resource = resource()
        if resource.delay_s:
            time.sleep(resource.delay_s)
        if resource.trickle_headers or resource.trickle_body:
            self._trickle(resource)
            return
        if resource.redirect_to is not None:
            self.send_response(302)
            self.send_header("Location", resource.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if resource.status != 200:
            self._plain(resource.status, b"no")
            return
        if resource.endless is not None:
            self._endless(resource)
            return
        if resource.chunked_endless:
            self._chunked_endless()
            return
        self._static(resource)

    def _plain(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _endless(self, resource: Resource) -> None:
        assert resource.endless is not None
        self.send_response(200)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("Content-Length", str(resource.endless))
        self.end_headers()
        self._fill(resource.endless)

    def _chunked_endless(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"<!-- " + b"x" * 65_000 + b" -->"
        deadline = time.monotonic() + 20
        try:
            while time.monotonic() < deadline:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass
        self.close_connection = True

    def _trickle(self, resource: Resource) -> None:
        body = resource.body or b"<rss/>" * 1000
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: {resource.content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode("ascii")
        slow = (head if resource.trickle_headers else b"") + (
            body if resource.trickle_body else b""
        )
        fast = b"" if resource.trickle_headers else head
        deadline = time.monotonic() + resource.trickle_for_s
        self.close_connection = True
        try:
            self.wfile.write(fast)
            self.wfile.flush()
            for byte in slow:
                if time.monotonic() > deadline:
                    return
                self.wfile.write(bytes((byte,)))
                self.wfile.flush()
                time.sleep(resource.trickle_interval_s)
            if resource.trickle_headers and not resource.trickle_body:
                self.wfile.write(body)
        except OSError:
            pass

    def _fill(self, total: int) -> None:
        block = b" " * 65536
        sent = 0
        try:
            while sent < total:
                n = min(len(block), total - sent)
                self.wfile.write(block[:n])
                sent += n
        except OSError:
            pass
        self.close_connection = True

    def _static(self, resource: Resource) -> None:
        body = resource.body
        tag = f'"{hashlib.sha1(body).hexdigest()[:16]}"' if resource.etag else None
        modified = (
            email.utils.formatdate(resource.last_modified, usegmt=True)
            if resource.last_modified is not None
            else None
        )
        match_tag = self.headers.get("If-None-Match")
        match_date = self.headers.get("If-Modified-Since")
        if (tag and match_tag == tag) or (not match_tag and modified and match_date == modified):
            self.send_response(304)
            if tag:
                self.send_header("ETag", tag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        start, end, status = 0, len(body) - 1, 200
        wanted = self.headers.get("Range")
        # If-Range: the range only while the client's version is still the current one.
        version = self.headers.get("If-Range")
        if version is not None and version not in (tag, modified):
            wanted = None
        if resource.ranges and wanted and wanted.startswith("bytes="):
            first, _, last = wanted[6:].partition("-")
            start = int(first or 0)
            end = int(last) if last else len(body) - 1
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            end = min(end, len(body) - 1)
            status = 206
        part = body[start : end + 1]
        self.send_response(status)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("Content-Length", str(len(part)))
        if resource.ranges:
            self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(body)}")
        if tag:
            self.send_header("ETag", tag)
        if modified:
            self.send_header("Last-Modified", modified)
        for name, value in resource.headers.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            if resource.cut_after is not None and resource.cut_after < len(part):
                self.wfile.write(part[: resource.cut_after])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(part)
        except OSError:
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Resource | Callable[[], Resource]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up mid-answer (a deadline, a cancelled download) is what many
        # tests do on purpose; socketserver would print a traceback into the test's stderr.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class Loopback:
    """A running server: ``add(path, resource)``, ``url(path)``, ``requests`` seen so far."""

    def __init__(self, server: _Server) -> None:
        self._server = server
        self.base = f"http://127.0.0.1:{server.server_address[1]}"

    def add(self, path: str, resource: Resource | Callable[[], Resource]) -> str:
        self._server.routes[path] = resource
        return self.url(path)

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def requests(self) -> list[tuple[str, dict[str, str]]]:
        return self._server.requests


@contextmanager
def loopback_server() -> Iterator[Loopback]:
    """Serve on 127.0.0.1 (a free port) until the block ends."""
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield Loopback(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
