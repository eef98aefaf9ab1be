"""The SQLite library: round trips, upserts that keep play state, search, migrations, damage."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from podplayer.core.errors import LibraryError
from podplayer.core.library import (
    FILE_NAME,
    MIGRATIONS,
    SCHEMA_VERSION,
    Library,
    PlayState,
    open_library,
)
from podplayer.core.model import Chapter, ChapterSource, Episode, Link, Podcast

FEED = "https://example.org/feed.xml"


def _episode(guid: str, title: str, **kw: object) -> Episode:
    kw.setdefault("number", None)
    return Episode(guid=guid, title=title, **kw)  # type: ignore[arg-type]


def _podcast(title: str = "Tech Talk", url: str = FEED, *episodes: Episode) -> Podcast:
    if not episodes:
        episodes = (
            _episode(
                "ep-2",
                "Build systems",
                number=2,
                published=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
                duration_ms=3_600_000,
                audio_url="https://example.org/2.mp3",
                description="<p>We compare CMake and <b>cxx</b> bridges.</p>",
                chapters=(
                    Chapter(0, "Intro", source=ChapterSource.PSC),
                    Chapter(60_000, "Rust and cxx", 120_000, "https://cxx.rs", source="psc"),
                    Chapter(120_000, "Outro", source=ChapterSource.PSC),
                ),
                links=(Link("cxx", "https://cxx.rs", 1), Link("CMake", "https://cmake.org")),
            ),
            _episode("ep-1", "Welcome", number=1, description="Plain notes about gardening."),
        )
    return Podcast(url, title, "About tech", "https://example.org/cover.png", episodes)


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    library = Library(tmp_path / FILE_NAME)
    yield library  # type: ignore[misc]
    library.close()


def test_round_trip(lib: Library) -> None:
    original = _podcast()
    lib.add_podcast(original)
    assert lib.podcasts() == [
        Podcast(FEED, "Tech Talk", "About tech", "https://example.org/cover.png")
    ]
    assert lib.podcast(FEED) == original
    assert lib.episodes(FEED) == list(original.episodes)
    assert lib.podcast("https://nowhere.example/") is None
    assert lib.episodes("https://nowhere.example/") == []
    assert lib.guids(FEED) == {"ep-1", "ep-2"}


def test_wal_and_schema_version(lib: Library, tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / FILE_NAME)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_upsert_keeps_play_state_and_old_episodes(lib: Library) -> None:
    first_id = lib.add_podcast(_podcast())
    lib.set_position("ep-2", 754_321)
    lib.mark_played("ep-1")
    lib.attach_audio("ep-1", "/music/welcome.mp3")
    renamed = _episode("ep-2", "Build systems, revisited", chapters=(Chapter(0, "Only"),))
    assert lib.add_podcast(_podcast("Tech Talk 2", FEED, renamed)) == first_id
    assert lib.position("ep-2") == 754_321
    state = lib.play_state("ep-1")
    assert state.played and state.position_ms == 0
    episodes = {e.guid: e for e in lib.episodes(FEED)}
    assert episodes["ep-2"].title == "Build systems, revisited"
    assert episodes["ep-2"].chapters == (Chapter(0, "Only"),)
    assert episodes["ep-2"].links == ()
    assert episodes["ep-1"].local_path == "/music/welcome.mp3"
    assert lib.podcasts()[0].title == "Tech Talk 2"


def test_play_state(lib: Library) -> None:
    lib.add_podcast(_podcast())
    assert lib.play_state("ep-2") == PlayState()
    lib.set_position("ep-2", 90_500)
    state = lib.play_state("ep-2")
    assert state.position_ms == 90_500 and not state.played and state.last_played
    lib.mark_played("ep-2")
    assert lib.play_state("ep-2").played and lib.position("ep-2") == 0
    lib.mark_played("ep-2", False)
    assert not lib.play_state("ep-2").played
    with pytest.raises(LibraryError, match="no episode “nope”"):
        lib.set_position("nope", 1)


def test_guids_are_per_podcast(lib: Library) -> None:
    lib.add_podcast(_podcast())
    lib.add_podcast(_podcast("Other", "https://other.example/feed", _episode("ep-1", "Hi")))
    with pytest.raises(LibraryError, match="Several podcasts"):
        lib.set_position("ep-1", 5)
    lib.set_position("ep-1", 5, podcast_url="https://other.example/feed")
    assert lib.position("ep-1", podcast_url="https://other.example/feed") == 5
    assert lib.position("ep-1", podcast_url=FEED) == 0


def test_attachments(lib: Library, tmp_path: Path) -> None:
    lib.add_podcast(_podcast())
    lib.attach_audio("ep-1", tmp_path / "a.mp3")
    lib.attach_audio("ep-2", "https://mirror.example/2.mp3")
    by_guid = {e.guid: e for e in lib.episodes(FEED)}
    assert by_guid["ep-1"].audio == str(tmp_path / "a.mp3")
    assert by_guid["ep-2"].audio_url == "https://mirror.example/2.mp3"
    assert by_guid["ep-2"].local_path is None
    lib.attach_audio("ep-1", None)
    assert lib.attachment("ep-1") is None


def test_settings(lib: Library) -> None:
    assert lib.setting("speed", 1.0) == 1.0
    lib.set_setting("speed", 1.5)
    lib.set_setting("layout", {"splitter": [200, 400], "name": "ünïcode"})
    assert lib.setting("speed") == 1.5
    assert lib.setting("layout") == {"splitter": [200, 400], "name": "ünïcode"}
    with pytest.raises(LibraryError, match="can't be saved"):
        lib.set_setting("bad", object())


def test_feed_status(lib: Library) -> None:
    assert lib.feed_status(FEED).last_refresh is None
    lib.set_feed_status(FEED, etag='"abc"', last_modified="Tue, 01 Oct 2024 10:00:00 GMT")
    lib.set_feed_status(FEED, error="The server answered 500")
    status = lib.feed_status(FEED)
    assert status.etag == '"abc"' and status.last_error == "The server answered 500"
    assert (
        status.last_success and status.last_refresh and status.last_refresh >= status.last_success
    )
    lib.set_feed_status(FEED, etag='"def"')
    assert lib.feed_status(FEED).last_error is None


def test_remove_podcast(lib: Library) -> None:
    lib.add_podcast(_podcast())
    lib.set_position("ep-2", 10)
    assert lib.remove_podcast(FEED)
    assert not lib.remove_podcast(FEED)
    assert lib.podcasts() == [] and lib.search("cxx") == []
    counts = [
        lib._conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("episodes", "chapters", "links", "play_state", "search")
    ]
    assert counts == [0, 0, 0, 0, 0]


def test_search_finds_episodes_and_chapters(lib: Library) -> None:
    lib.add_podcast(_podcast())
    hits = lib.search("cxx")
    assert [(h.episode, h.chapter, h.start_ms) for h in hits] == [
        ("Build systems", "Rust and cxx", 60_000),
        ("Build systems", None, None),
    ]
    assert hits[0].podcast == "Tech Talk" and hits[0].episode_guid == "ep-2"
    assert hits[0].podcast_url == FEED
    assert hits[0].score >= hits[1].score
    assert [h.chapter for h in lib.search("CXX")] == ["Rust and cxx", None]
    assert [h.episode for h in lib.search("garden")] == ["Welcome"]  # prefix of the last word
    assert [h.episode for h in lib.search("welcome")] == ["Welcome"]
    assert lib.search("rust cxx")[0].chapter == "Rust and cxx"
    assert lib.search("cxx", limit=1) == hits[:1]


@pytest.mark.parametrize("text", ["", "   ", '"', "AND OR NOT", "(*)", "c++", "x:y", "NEAR("])
def test_search_never_fails_on_odd_text(lib: Library, text: str) -> None:
    lib.add_podcast(_podcast())
    lib.search(text)


def test_search_follows_updates(lib: Library) -> None:
    lib.add_podcast(_podcast())
    renamed = _episode("ep-2", "Compilers", chapters=(Chapter(0, "Zig"), Chapter(10, "More")))
    lib.add_podcast(_podcast("Tech Talk", FEED, renamed))
    assert [h.chapter for h in lib.search("zig")] == ["Zig"]
    assert lib.search("cmake") == []
    # the podcast's own title is indexed with its episodes
    lib.add_podcast(_podcast("Renamed Show", FEED, renamed))
    assert {h.episode for h in lib.search("renamed show")} == {"Compilers", "Welcome"}


def test_chapters_from_tags_win_and_survive_refresh(lib: Library) -> None:
    lib.add_podcast(_podcast())
    tags = (Chapter(0, "Cold open"), Chapter(30_000, "Interview about cxx"))
    lib.set_chapters("ep-2", ChapterSource.TAGS, tags)
    shown = {e.guid: e for e in lib.episodes(FEED)}["ep-2"].chapters
    assert [c.title for c in shown] == ["Cold open", "Interview about cxx"]
    assert {c.source for c in shown} == {"tags"}
    changed = _episode("ep-2", "Build systems", chapters=(Chapter(0, "Feed intro", source="psc"),))
    lib.add_podcast(_podcast("Tech Talk", FEED, changed))
    lists = lib.chapter_lists("ep-2")
    assert set(lists) == {"tags", "psc"}
    assert lists["psc"][0].title == "Feed intro"
    hit = lib.search("interview")[0]
    assert (hit.chapter, hit.start_ms) == ("Interview about cxx", 30_000)


def test_connections_per_thread(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    main = Library(path)
    main.add_podcast(_podcast())
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            with Library(path) as own:
                for i in range(50):
                    own.set_position("ep-2", n * 1000 + i)
                    own.set_setting(f"w{n}", i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [main.setting(f"w{n}") for n in range(3)] == [49, 49, 49]
    # sqlite3 refuses a connection on another thread; it surfaces as a LibraryError
    caught: list[BaseException] = []
    t = threading.Thread(target=lambda: _catch(caught, main.podcasts))
    t.start()
    t.join()
    assert caught and isinstance(caught[0], LibraryError)
    main.close()


def _catch(into: list[BaseException], call: object) -> None:
    try:
        call()  # type: ignore[operator]
    except BaseException as exc:
        into.append(exc)


# -- opening, damage, migrations -------------------------------------------------------------------


def test_garbage_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    path.write_bytes(b"this is not a database" * 100)
    library, message = open_library(path)
    assert message and "could not be read" in message
    kept = list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == b"this is not a database" * 100
    assert message and kept[0].name in message
    library.add_podcast(_podcast())
    assert library.podcasts()
    library.close()
    library, message = open_library(path)
    assert message is None and library.podcasts()
    library.close()


def _damaged_library(tmp_path: Path) -> Path:
    path = tmp_path / FILE_NAME
    with Library(path) as library:
        for n in range(30):
            library.add_podcast(_podcast(f"Show {n}", f"https://example.org/{n}"))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    assert len(data) > 8192
    data[4096:8192] = b"\xa5" * 4096
    path.write_bytes(bytes(data))
    return path


def test_damaged_pages_are_detected_after_an_unclean_close(tmp_path: Path) -> None:
    path = _damaged_library(tmp_path)
    # What a killed writer leaves: a write-ahead log that was never checkpointed.
    path.with_name(FILE_NAME + "-wal").write_bytes(b"\x00" * 4096)
    library, message = open_library(path)
    assert message is not None
    assert library.podcasts() == []
    library.close()
    assert len(list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))) == 1


def test_a_clean_library_is_opened_without_reading_every_page(tmp_path: Path) -> None:
    # Start-up does not grow with the library: pages are only checked after an unclean close;
    # damage met later is a LibraryError like any failed read.
    path = _damaged_library(tmp_path)
    library, message = open_library(path)
    assert message is None
    with pytest.raises(LibraryError):
        for podcast in library.podcasts():
            library.episodes(podcast.url)
    library.close()
    assert not list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))


def test_newer_schema_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="newer podplayer"):
        open_library(path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_migrates_a_schema_1_database(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.executescript(
        """
        INSERT INTO podcasts VALUES (1, 'https://old.example/feed', 'Old Show', '', NULL, 0);
        INSERT INTO episodes VALUES (7, 1, 'g7', 0, 3, 'Memory safety', NULL, 60000, NULL,
                                     'Talking about cxx', 0);
        INSERT INTO chapters VALUES (7, 'psc', 0, 0, NULL, 'Start', NULL, NULL);
        INSERT INTO chapters VALUES (7, 'psc', 1, 30000, NULL, 'The cxx crate', NULL, NULL);
        INSERT INTO play_state VALUES (7, 42000, 0, 1700000000.0);
        INSERT INTO settings VALUES ('speed', '1.25');
        PRAGMA user_version = 1;
        """
    )
    conn.close()
    library, message = open_library(path)
    assert message is None
    assert library.position("g7") == 42_000
    assert library.setting("speed") == 1.25
    assert [(h.chapter, h.start_ms) for h in library.search("cxx")] == [
        ("The cxx crate", 30_000),
        (None, None),
    ]
    episode = library.episodes("https://old.example/feed")[0]
    assert (episode.number, episode.title, len(episode.chapters)) == (3, "Memory safety", 2)
    library.attach_audio("g7", "/x.mp3")
    library.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_unwritable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(LibraryError, match="Could not create the library folder"):
        Library(blocker / "sub" / FILE_NAME)


def test_optimize_keeps_search_working(lib: Library) -> None:
    lib.add_podcast(_podcast())
    lib.optimize()
    assert lib.search("cxx")[0].chapter == "Rust and cxx"
