"""Schema 3 on a library written by schema 2's code (tests/data/library/schema-2.sqlite)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from podplayer.core.library import FILE_NAME, SCHEMA_VERSION, Library
from podplayer.core.skiprules import PodcastPrefs, prefs_key

OLD = Path(__file__).resolve().parents[1] / "data" / "library" / "schema-2.sqlite"
NAMESPACE = "https://example.com/feed.xml"
EVERYWHERE = "https://example.com/feed"


def _copy(tmp_path: Path) -> Path:
    path = tmp_path / FILE_NAME
    shutil.copyfile(OLD, path)
    return path


def test_the_old_file_is_schema_2() -> None:
    conn = sqlite3.connect(f"{OLD.as_uri()}?mode=ro", uri=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    conn.close()


def test_per_podcast_settings_move_into_tables(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    with Library(path) as library:
        assert library.podcast_prefs(NAMESPACE) == PodcastPrefs(
            intro_ms=15_000,
            speed=1.5,
            rules=("Sponsor", "Ad break"),
            ticks={"https://example.com/ep0003": {0: False}},
        )
        assert library.seen(NAMESPACE) == 1_700_000_000.0
        assert library.seen(EVERYWHERE) == 1_700_000_000.0
        urls = {e.guid: e.chapters_url for e in library.episodes(NAMESPACE)}
        assert urls == {
            f"https://example.com/ep000{n}": f"https://example.com/ep{n}_chapters.json"
            for n in (1, 2, 3)
        }
        # What was not per podcast stays a setting; the old keys still read through setting().
        assert library.setting("speed") == 1.25
        assert library.setting(prefs_key(NAMESPACE))["speed"] == 1.5
        assert library.setting(f"seen {NAMESPACE}") == 1_700_000_000.0
        # Play state, feed validators and the search index survive.
        guid = library.episodes(NAMESPACE)[0].guid
        assert library.position(guid, podcast_url=NAMESPACE) == 61_000
        assert library.feed_status(NAMESPACE).etag == '"abc"'
        assert library.search("namespace")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    keys = [k for (k,) in conn.execute("SELECT key FROM settings")]
    assert keys == ["speed"]
    conn.close()


def test_per_podcast_rows_go_with_the_podcast(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    with Library(path) as library:
        assert library.remove_podcast(NAMESPACE)
        assert library.podcast_prefs(NAMESPACE) == PodcastPrefs()
        assert library.seen(NAMESPACE) is None
    conn = sqlite3.connect(path)
    for table in ("podcast_prefs", "skip_rules", "chapter_ticks", "transcripts"):
        count = conn.execute(
            f"SELECT count(*) FROM {table} WHERE "
            + ("podcast_id" if table != "transcripts" else "episode_id")
            + " NOT IN (SELECT id FROM "
            + ("podcasts)" if table != "transcripts" else "episodes)")
        ).fetchone()[0]
        assert count == 0, table
    assert conn.execute("SELECT count(*) FROM podcast_prefs").fetchone()[0] == 1  # the other
    conn.close()


def test_a_refresh_after_the_migration_stores_the_transcripts(tmp_path: Path) -> None:
    from podplayer.core.feeds import read_feed

    path = _copy(tmp_path)
    feed = Path(__file__).resolve().parents[1] / "data" / "feeds" / "podcast-namespace-example.xml"
    with Library(path) as library:
        assert all(not e.transcripts for e in library.episodes(NAMESPACE))
        library.add_podcast(read_feed(feed.read_bytes(), NAMESPACE).podcast)
        episodes = library.episodes(NAMESPACE)
        assert [len(e.transcripts) for e in episodes] == [2, 1, 1]
        assert episodes[0].transcripts[1].rel == "captions"
