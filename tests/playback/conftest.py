"""Fixtures for the playback tests: tone files made with ffmpeg, a loopback HTTP server with
Range support, and addresses that refuse or never answer."""

from __future__ import annotations

import os

# Before anything imports Qt; harmless when the top-level conftest already set it.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import contextlib
import re
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import ruler
import tones

_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


def _vlc_reason() -> str | None:
    from podplayer.playback.vlc import vlc_available

    ok, reason = vlc_available()
    return None if ok else reason


@pytest.fixture(scope="session")
def needs_vlc() -> None:
    reason = _vlc_reason()
    if reason is not None:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def tone_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is needed to generate test audio")
    return tmp_path_factory.mktemp("tones")


@pytest.fixture(scope="session")
def tone_file(tone_dir: Path) -> Callable[[str], Path]:
    """tone_file("mp3-vbr") -> the path of that format's tone file (generated once)."""
    return lambda fmt: tones.generate(tone_dir, fmt)


@pytest.fixture(scope="session")
def ruler_file(tone_dir: Path) -> Callable[[str], Path]:
    """ruler_file("mp3-vbr") -> the path of the 600 s ruler in that encoding (made once)."""
    return lambda fmt: ruler.generate(tone_dir, fmt)


class _Handler(BaseHTTPRequestHandler):
    root: Path
    protocol_version = "HTTP/1.1"
    timeout = 10

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_GET(self) -> None:
        self._serve(body=True)

    def _serve(self, body: bool) -> None:
        name = self.path.split("?", 1)[0].lstrip("/")
        path = self.root / name
        if "/" in name or not name or not path.is_file():
            self.send_error(404, "Not Found")
            return
        data = path.read_bytes()
        start, end = 0, len(data) - 1
        status = 200
        match = _RANGE.match(self.headers.get("Range", ""))
        if match and (match[1] or match[2]):
            if match[1]:
                start = int(match[1])
                end = min(int(match[2]), end) if match[2] else end
            else:
                start = max(0, len(data) - int(match[2]))
            if start > end:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = 206
        self.send_response(status)
        self.send_header("Content-Type", "audio/mpeg")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1))
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.end_headers()
        if body:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data[start : end + 1])


@pytest.fixture(scope="session")
def http_root(tone_dir: Path) -> Iterator[str]:
    """Base URL (ending in /) of a loopback server serving ``tone_dir`` with Range support."""
    handler = type("Handler", (_Handler,), {"root": tone_dir})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="test-http", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(5)


class _NoRangeHandler(_Handler):
    """Answers every GET with the whole file (200), as ``python -m http.server`` does."""

    def _serve(self, body: bool) -> None:
        name = self.path.split("?", 1)[0].lstrip("/")
        path = self.root / name
        if "/" in name or not name or not path.is_file():
            self.send_error(404, "Not Found")
            return
        data = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)


@pytest.fixture(scope="session")
def no_range_root(tone_dir: Path) -> Iterator[str]:
    """Base URL (ending in /) of a loopback server serving ``tone_dir`` without Range."""
    handler = type("NoRangeHandler", (_NoRangeHandler,), {"root": tone_dir})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="test-http-plain", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def refused_url() -> str:
    """An address on loopback where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/episode.mp3"


@pytest.fixture
def silent_url() -> Iterator[str]:
    """An address that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/episode.mp3"
    sock.close()
