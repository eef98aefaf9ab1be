"""Downloads: temporary name then rename, progress, cancel, resume with Range, restart."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpserver import Loopback, Resource, loopback_server

from podplayer.core.downloads import (
    DownloadCancelledError,
    DownloadSpaceError,
    download,
    download_path,
    downloads_folder,
    part_path,
    validator_path,
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


def test_a_file_changed_on_the_server_starts_over(server: Loopback, tmp_path: Path) -> None:
    old, new = AUDIO, bytes(reversed(AUDIO))
    url = server.add("/ep.mp3", Resource(old, cut_after=300_000))
    dest = tmp_path / "ep.mp3"
    with pytest.raises(FetchError):
        download(url, dest)
    assert validator_path(dest).exists()
    kept = part_path(dest).stat().st_size
    server.add("/ep.mp3", Resource(new, last_modified=1_800_000_000.0))
    assert download(url, dest) == dest
    assert dest.read_bytes() == new, "two versions spliced"
    last = server.requests[-1][1]
    assert last["Range"] == f"bytes={kept}-" and last["If-Range"].startswith('"')
    assert not validator_path(dest).exists()


def test_an_unchanged_file_resumes_with_if_range(server: Loopback, tmp_path: Path) -> None:
    url = server.add("/ep.mp3", Resource(AUDIO, cut_after=300_000))
    dest = tmp_path / "ep.mp3"
    with pytest.raises(FetchError):
        download(url, dest)
    kept = part_path(dest).stat().st_size
    server.add("/ep.mp3", Resource(AUDIO))
    seen: list[int] = []
    assert download(url, dest, progress=lambda n, _t: seen.append(n)) == dest
    assert dest.read_bytes() == AUDIO and seen[0] == kept > 0


def test_a_part_of_unknown_version_is_not_resumed(server: Loopback, tmp_path: Path) -> None:
    url = server.add("/ep.mp3", Resource(AUDIO))
    dest = tmp_path / "ep.mp3"
    part_path(dest).write_bytes(b"\x00" * 1000)  # no version kept beside it
    assert download(url, dest) == dest
    assert dest.read_bytes() == AUDIO
    assert "Range" not in server.requests[-1][1]


def test_free_space_is_checked_before_writing(server: Loopback, tmp_path: Path) -> None:
    import shutil

    free = shutil.disk_usage(tmp_path).free
    url = server.add("/huge.mp3", Resource(endless=free + 2**30))
    dest = tmp_path / "huge.mp3"
    with pytest.raises(DownloadSpaceError, match="Not enough free space"):
        download(url, dest, max_bytes=2**62)
    assert not dest.exists() and not part_path(dest).exists()


def test_downloads_go_to_the_data_folder_or_the_chosen_one(tmp_path: Path) -> None:
    from podplayer.core.paths import app_paths

    paths = app_paths()
    assert downloads_folder(None, paths) == paths.data_dir / "downloads"
    assert downloads_folder("", paths) == paths.data_dir / "downloads"
    assert paths.cache_dir not in downloads_folder(None, paths).parents
    assert downloads_folder(tmp_path / "mine", paths) == tmp_path / "mine"


def test_delete_download_removes_the_file_and_forgets_it(server: Loopback, tmp_path: Path) -> None:
    from podplayer.core.library import FILE_NAME, Library
    from podplayer.core.model import Episode, Podcast

    url = server.add("/ep.mp3", Resource(AUDIO))
    feed = "https://example.org/feed.xml"
    with Library(tmp_path / FILE_NAME) as library:
        library.add_podcast(
            Podcast(feed, "Show", episodes=(Episode("a", None, "A", audio_url=url),))
        )
        dest = download(url, tmp_path / "dl" / "a.mp3")
        library.attach_audio("a", dest, podcast_url=feed, kind="download")
        assert library.downloads(feed) == {"a": str(dest)}
        assert library.episodes(feed)[0].local_path == str(dest)
        assert library.delete_download("a", podcast_url=feed)
        assert not dest.exists() and library.downloads(feed) == {}
        assert library.episodes(feed)[0].audio == url
        assert not library.delete_download("a", podcast_url=feed)
