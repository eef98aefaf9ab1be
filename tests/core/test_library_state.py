"""Subscriptions that outlive their feed, new-episode state, per-podcast data, downloads in the
library, search over every chapter source, and storage faults: busy, read-only, full."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from podplayer.core.errors import LibraryBusyError, LibraryError, LibraryReadOnlyError
from podplayer.core.library import FILE_NAME, Library, open_library
from podplayer.core.model import Chapter, Episode, Podcast
from podplayer.core.skiprules import PodcastPrefs

FEED = "https://example.org/feed.xml"


def _podcast(*guids: str, title: str = "Show") -> Podcast:
    return Podcast(FEED, title, episodes=tuple(Episode(g, None, f"Episode {g}") for g in guids))


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    library = Library(tmp_path / FILE_NAME)
    yield library  # type: ignore[misc]
    library.close()


def test_a_subscription_is_kept_before_its_feed_was_ever_read(lib: Library) -> None:
    assert lib.subscribe(FEED, "From the OPML")
    assert not lib.subscribe(FEED, "again")
    assert [(p.url, p.title) for p in lib.podcasts()] == [(FEED, "From the OPML")]
    lib.set_feed_status(FEED, error="The server said the feed is not there.", when=100.0)
    lib.set_feed_status(FEED, error="Still not there.", when=200.0)
    status = lib.feed_statuses()[FEED]
    assert status.failing and status.failing_since == 100.0
    assert status.last_error == "Still not there."
    lib.set_feed_status(FEED, etag='"1"', when=300.0)
    status = lib.feed_status(FEED)
    assert not status.failing and status.failing_since is None and status.last_success == 300.0


def test_a_refresh_does_not_bring_back_an_unsubscribed_podcast(lib: Library) -> None:
    lib.add_podcast(_podcast("a"))
    lib.remove_podcast(FEED)
    assert not lib.update_podcast(_podcast("a", "b"))
    assert lib.podcasts() == []
    lib.add_podcast(_podcast("a"))
    assert lib.update_podcast(_podcast("a", "b"))
    assert lib.guids(FEED) == {"a", "b"}


def test_new_episodes_are_stored_counted_and_cleared_by_playing(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    with Library(path) as lib:
        lib.add_podcast(_podcast("a", "b"))
        assert lib.new_counts() == {}  # the first read of a feed brings nothing "new"
        lib.add_podcast(_podcast("c", "d", "e", "a", "b"))
        assert lib.new_counts() == {FEED: 3}
    with Library(path) as lib:  # kept across a restart
        assert lib.new_guids(FEED) == {"c", "d", "e"}
        lib.set_position("c", 5_000, podcast_url=FEED)
        lib.mark_played("d", podcast_url=FEED)
        assert lib.new_counts() == {FEED: 1}
        lib.clear_new(FEED)
        assert lib.new_counts() == {}


def test_prefs_live_in_tables_and_go_with_the_podcast(lib: Library) -> None:
    with pytest.raises(LibraryError):
        lib.set_podcast_prefs(FEED, PodcastPrefs(speed=1.5))
    lib.add_podcast(_podcast("a"))
    prefs = PodcastPrefs(
        intro_ms=10_000, volume=80, rules=("Sponsor",), allow_images=True, ticks={"a": {0: False}}
    )
    lib.set_podcast_prefs(FEED, prefs)
    lib.set_seen(FEED, 123.0)
    assert lib.podcast_prefs(FEED) == prefs and lib.seen(FEED) == 123.0
    lib.remove_podcast(FEED)
    lib.add_podcast(_podcast("a"))
    assert lib.podcast_prefs(FEED) == PodcastPrefs() and lib.seen(FEED) is None


def test_search_finds_chapters_of_every_source(lib: Library) -> None:
    episode = Episode(
        "a",
        None,
        "Tools",
        chapters=(Chapter(0, "Intro", source="psc"), Chapter(60_000, "Linker talk", source="psc")),
    )
    lib.add_podcast(Podcast(FEED, "Show", episodes=(episode,)))
    lib.set_chapters("a", "json", [Chapter(30_000, "Bazel corner")], podcast_url=FEED)
    lib.set_chapters("a", "tags", [Chapter(0, "Intro"), Chapter(61_000, "Mold")], podcast_url=FEED)
    hits = lib.search("bazel")
    assert [(h.chapter, h.start_ms) for h in hits] == [("Bazel corner", 30_000)]
    assert [(h.chapter, h.start_ms) for h in lib.search("linker")] == [("Linker talk", 60_000)]
    # The same chapter from two sources is one hit.
    assert [h.chapter for h in lib.search("intro")] == ["Intro"]
    assert {h.episode for h in lib.search("t")} == {"Tools"}


def test_downloads_are_listed_and_deleted_on_request(lib: Library, tmp_path: Path) -> None:
    lib.add_podcast(_podcast("a", "b"))
    kept, gone = tmp_path / "a.mp3", tmp_path / "b.mp3"
    for path in (kept, gone):
        path.write_bytes(b"audio")
    (tmp_path / "b.mp3.part").write_bytes(b"half")
    lib.attach_audio("a", kept, podcast_url=FEED, kind="download")
    assert lib.downloads(FEED) == {"a": str(kept)}
    lib.remove_podcast(FEED)
    assert kept.exists()
    lib.add_podcast(_podcast("a", "b"))
    lib.attach_audio("b", gone, podcast_url=FEED, kind="download")
    lib.remove_podcast(FEED, delete_downloads=True)
    assert not gone.exists() and not (tmp_path / "b.mp3.part").exists()


_HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode = EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("UPDATE podcasts SET title = title")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
"""


def test_a_library_locked_by_another_process_is_busy_not_damaged(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    with Library(path) as lib:
        lib.add_podcast(_podcast("a"))
    before = path.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with pytest.raises(LibraryBusyError, match="in use by another program"):
            open_library(path)
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    assert not list(tmp_path.glob("*.corrupt-*")) and path.read_bytes() == before
    library, message = open_library(path)
    assert message is None and library.guids(FEED) == {"a"}
    library.close()


def test_a_full_disk_is_told_once_and_the_library_goes_on_read_only(lib: Library) -> None:
    lib.add_podcast(_podcast("a"))
    # SQLite's own "database or disk is full": no page may be added past this count.
    lib._conn.execute("PRAGMA max_page_count = 1")
    big = Podcast(FEED, "Show", episodes=tuple(Episode(str(i), None, "x" * 500) for i in range(50)))
    with pytest.raises(LibraryReadOnlyError, match="disk is full") as first:
        lib.add_podcast(big)
    assert first.value.first and lib.read_only
    with pytest.raises(LibraryReadOnlyError) as later:
        lib.set_position("a", 1_000, podcast_url=FEED)
    assert not later.value.first
    assert lib.guids(FEED) == {"a"}  # reads go on


_READ_ONLY_CHECK = """
import sys
from pathlib import Path
from podplayer.core.errors import LibraryReadOnlyError
from podplayer.core.library import open_library
library, message = open_library(Path(sys.argv[1]))
assert library.read_only and "read-only" in message, message
assert library.guids("https://example.org/feed.xml") == {"a"}
try:
    library.set_position("a", 1, podcast_url="https://example.org/feed.xml")
except LibraryReadOnlyError:
    print("refused", flush=True)
"""


def test_a_read_only_library_opens_read_only(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    path = folder / FILE_NAME
    with Library(path) as lib:
        lib.add_podcast(_podcast("a"))
    check = [sys.executable, "-c", _READ_ONLY_CHECK, str(path)]
    if os.geteuid() == 0:
        # Root writes any file whatever its mode: the folder is made a read-only mount instead,
        # in a mount namespace of the child's own.
        mount = f'mount --bind -o ro {folder} {folder} && exec "$@"'
        command = ["unshare", "--mount", "sh", "-c", mount, "sh", *check]
    else:
        path.chmod(0o444)
        folder.chmod(0o555)
        command = check
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    finally:
        folder.chmod(0o755)
    assert done.stdout == "refused\n", done.stderr
    assert sorted(p.name for p in folder.iterdir()) == [FILE_NAME]
