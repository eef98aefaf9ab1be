"""Downloads: temporary name then rename, progress, cancel, resume with Range, restart."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpserver import Loopback, Resource, loopback_server

from podplayer.core.downloads import (
    DownloadCancelledError,
    download,
    download_path,
    part_path,
)
from podplayer.core.errors import FetchError

pytestmark = pytest.mark.timeout(60)

AUDIO = bytes(range(256)) * 4096  # 1 MiB


@pytest.fixture
def server() -> Iterator[Loopback]:
    with loopback_server() as srv:
        yield srv


def test_download_with_progress(server: Loopback, tmp_path: Path) -> None:
    url = server.add("/ep.mp3", Resource(AUDIO, content_type="audio/mpeg"))
    seen: list[tuple[int, int | None]] = []
    dest = tmp_path / "show" / "ep.mp3"
    assert download(url, dest, progress=lambda n, total: seen.append((n, total))) == dest
    assert dest.read_bytes() == AUDIO and not part_path(dest).exists()
    assert seen[0] == (0, len(AUDIO)) and seen[-1] == (len(AUDIO), len(AUDIO))
    assert [n for n, _ in seen] == sorted(n for n, _ in seen)
    requests = len(server.requests)
    assert download(url, dest) == dest
    assert len(server.requests) == requests  # an existing file is not fetched again


def test_interrupted_download_resumes_with_a_range(server: Loopback, tmp_path: Path) -> None:
    url = server.add("/ep.mp3", Resource(AUDIO, cut_after=300_000))
    dest = tmp_path / "ep.mp3"
    with pytest.raises(FetchError):
        download(url, dest)
    assert not dest.exists()
    kept = part_path(dest).stat().st_size
    assert 0 < kept <= 300_000
    server.add("/ep.mp3", Resource(AUDIO))
    download(url, dest)
    assert server.requests[-1][1].get("Range") == f"bytes={kept}-"
    assert dest.read_bytes() == AUDIO and not part_path(dest).exists()


def test_server_without_ranges_starts_over(server: Loopback, tmp_path: Path) -> None:
    url = server.add("/ep.mp3", Resource(AUDIO, ranges=False))
    dest = tmp_path / "ep.mp3"
    part_path(dest).write_bytes(b"stale bytes from another file")
    download(url, dest)
    assert dest.read_bytes() == AUDIO


def test_complete_part_is_renamed(server: Loopback, tmp_path: Path) -> None:
    url = server.add("/ep.mp3", Resource(AUDIO))
    dest = tmp_path / "ep.mp3"
    part_path(dest).write_bytes(AUDIO)
    download(url, dest)
    assert dest.read_bytes() == AUDIO


def test_part_longer_than_the_file_starts_over(server: Loopback, tmp_path: Path) -> None:
    url = server.add("/ep.mp3", Resource(AUDIO))
    dest = tmp_path / "ep.mp3"
    part_path(dest).write_bytes(AUDIO + b"junk")
    download(url, dest)
    assert dest.read_bytes() == AUDIO


def test_cancel_keeps_the_part_for_later(server: Loopback, tmp_path: Path) -> None:
    url = server.add("/ep.mp3", Resource(AUDIO))
    dest = tmp_path / "ep.mp3"
    cancel = threading.Event()

    def progress(received: int, total: int | None) -> None:
        if received >= 100_000:
            cancel.set()

    with pytest.raises(DownloadCancelledError, match="cancelled"):
        download(url, dest, progress=progress, cancel=cancel)
    assert not dest.exists() and 0 < part_path(dest).stat().st_size < len(AUDIO)
    with pytest.raises(DownloadCancelledError):
        download(url, dest, cancel=cancel)
    download(url, dest)
    assert dest.read_bytes() == AUDIO


def test_errors(server: Loopback, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="404"):
        download(server.url("/missing.mp3"), tmp_path / "a.mp3")
    assert not (tmp_path / "a.mp3").exists() and not part_path(tmp_path / "a.mp3").exists()
    big = server.add("/big.mp3", Resource(endless=10 * 2**20))
    with pytest.raises(FetchError, match="larger than 1 MB"):
        download(big, tmp_path / "b.mp3", max_bytes=2**20)
    with pytest.raises(FetchError, match="Only web addresses"):
        download("file:///etc/passwd", tmp_path / "c.mp3")


def test_download_path(tmp_path: Path) -> None:
    assert download_path(tmp_path, "AC/DC Talk", "1: Intro?", "https://e.org/a/1.M4A?x=1") == (
        tmp_path / "AC_DC Talk" / "1_ Intro.m4a"
    )
    assert download_path(tmp_path, "", "..", "https://e.org/stream").name == "episode.mp3"
