"""Transcripts in the library: cached with their lines, searched with the time they are said,
and schema 4 on a library written by schema 3's code (tests/data/library/schema-3.sqlite)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from podplayer.core.library import FILE_NAME, SCHEMA_VERSION, Library
from podplayer.core.model import Chapter, ChapterSource, Episode, Podcast, TranscriptRef
from podplayer.core.transcripts import Cue, Transcript, parse_transcript

DATA = Path(__file__).resolve().parents[1] / "data"
OLD = DATA / "library" / "schema-3.sqlite"
TRANSCRIPTS = DATA / "transcripts"
NAMESPACE = "https://example.com/feed.xml"
FEED = "https://example.org/feed.xml"
VTT = TranscriptRef("https://example.org/1.vtt", "text/vtt", "es", "captions")


def _golden(name: str) -> Transcript:
    return parse_transcript((TRANSCRIPTS / name).read_bytes(), name=name)


def _library(tmp_path: Path) -> Library:
    library = Library(tmp_path / FILE_NAME)
    episodes = (
        Episode(guid="telegram", title="KDE Express 16", number=16, transcripts=(VTT,)),
        Episode(
            guid="rookie",
            title="Ten things",
            number=None,
            chapters=(Chapter(0, "Intro", source=ChapterSource.PSC),),
        ),
    )
    library.add_podcast(Podcast(url=FEED, title="Express", episodes=episodes))
    return library


def test_a_cached_transcript_reads_back_as_it_was_stored(tmp_path: Path) -> None:
    transcript = _golden("kde-express-16-telegram.vtt")
    with _library(tmp_path) as library:
        assert library.transcript("telegram", podcast_url=FEED) is None
        library.set_transcript("telegram", VTT, transcript, podcast_url=FEED)
        assert library.transcript("telegram", podcast_url=FEED) == (VTT, transcript)
    # And after reopening: the cache is the file, not memory.
    with Library(tmp_path / FILE_NAME) as library:
        assert library.transcript("telegram", podcast_url=FEED) == (VTT, transcript)


def test_search_finds_spoken_words_with_the_time_they_are_said(tmp_path: Path) -> None:
    with _library(tmp_path) as library:
        library.set_transcript(
            "telegram", VTT, _golden("kde-express-16-telegram.vtt"), podcast_url=FEED
        )
        hits = library.search("canal oficial")
        assert hits, "the words are only in the transcript"
        first = hits[0]
        assert first.episode_guid == "telegram"
        assert first.chapter is None
        assert first.line is not None and "canal oficial" in first.line
        # "El primero podríamos decir que es el canal oficial" is the cue at 00:00:42.640.
        assert first.start_ms == 42_640
        # A prefix of the last word, accents folded, as the rest of the search does.
        assert any(h.start_ms == 42_640 for h in library.search("podriamos dec"))


def test_a_title_hit_keeps_its_place_and_gains_the_lines(tmp_path: Path) -> None:
    transcript = Transcript(
        (Cue(5_000, 6_000, "Intro to the show"), Cue(9_000, None, "bye")), "vtt"
    )
    ref = TranscriptRef("https://example.org/2.srt", "application/x-subrip")
    with _library(tmp_path) as library:
        library.set_transcript("rookie", ref, transcript, podcast_url=FEED)
        hits = library.search("intro")
        assert [(h.chapter, h.start_ms, h.line) for h in hits] == [
            ("Intro", 0, None),
            (None, 5_000, "Intro to the show"),
        ]


def test_replacing_and_unsubscribing_leave_no_lines_behind(tmp_path: Path) -> None:
    with _library(tmp_path) as library:
        library.set_transcript(
            "telegram", VTT, _golden("kde-express-16-telegram.vtt"), podcast_url=FEED
        )
        other = Transcript((Cue(1_000, 2_000, "Nothing about chat apps"),), "srt")
        library.set_transcript("telegram", VTT, other, podcast_url=FEED)
        assert library.search("telegram") == [] or all(
            h.line is None for h in library.search("telegram")
        )
        assert [h.start_ms for h in library.search("chat apps")] == [1_000]
        library.remove_podcast(FEED)
        assert library.search("chat apps") == []
        conn = sqlite3.connect(tmp_path / FILE_NAME)
        assert conn.execute("SELECT count(*) FROM transcript_lines").fetchone()[0] == 0
        conn.close()


def test_untimed_lines_are_cached_but_give_no_timed_hit(tmp_path: Path) -> None:
    transcript = _golden("podnews-weekly-2023-03-17.html")
    assert not transcript.timed
    ref = TranscriptRef("https://example.org/1.html", "text/html")
    with _library(tmp_path) as library:
        library.set_transcript("telegram", ref, transcript, podcast_url=FEED)
        assert library.transcript("telegram", podcast_url=FEED) == (ref, transcript)
        assert all(h.line is None for h in library.search("podnews"))


def test_uncached_transcripts_lists_the_newest_episodes_naming_one(tmp_path: Path) -> None:
    with _library(tmp_path) as library:
        assert library.uncached_transcripts(FEED, 5) == ["telegram"]
        library.set_transcript(
            "telegram", VTT, _golden("kde-express-16-telegram.vtt"), podcast_url=FEED
        )
        assert library.uncached_transcripts(FEED, 5) == []


def test_schema_3_library_gains_the_transcript_cache(tmp_path: Path) -> None:
    conn = sqlite3.connect(f"{OLD.as_uri()}?mode=ro", uri=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    conn.close()
    path = tmp_path / FILE_NAME
    shutil.copyfile(OLD, path)
    with Library(path) as library:
        episodes = {e.guid: e for e in library.episodes(NAMESPACE)}
        assert len(episodes["https://example.com/ep0003"].transcripts) == 2
        assert library.position("https://example.com/ep0003", podcast_url=NAMESPACE) == 61_000
        assert library.search("namespace")
        assert library.uncached_transcripts(NAMESPACE, 10) == [
            "https://example.com/ep0003",
            "https://example.com/ep0002",
            "https://example.com/ep0001",
        ]
        ref = episodes["https://example.com/ep0003"].transcripts[1]
        library.set_transcript(
            "https://example.com/ep0003",
            ref,
            _golden("namespace-buzzsprout-10-things.srt"),
            podcast_url=NAMESPACE,
        )
        hits = library.search("rookie")
        assert hits and hits[0].start_ms is not None and hits[0].line
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    conn.close()


def test_a_transcript_the_feed_drops_is_forgotten(tmp_path: Path) -> None:
    with _library(tmp_path) as library:
        library.set_transcript(
            "telegram", VTT, _golden("kde-express-16-telegram.vtt"), podcast_url=FEED
        )
        # The feed changes the episode but still names the file: the cache stays.
        kept = Episode(guid="telegram", title="KDE Express 16!", number=16, transcripts=(VTT,))
        library.update_podcast(Podcast(url=FEED, title="Express", episodes=(kept,)))
        assert library.transcript("telegram", podcast_url=FEED) is not None
        # Another file now: the old one's lines leave the search.
        other = TranscriptRef("https://example.org/16-fixed.vtt", "text/vtt", "es")
        moved = Episode(guid="telegram", title="KDE Express 16", number=16, transcripts=(other,))
        library.update_podcast(Podcast(url=FEED, title="Express", episodes=(moved,)))
        assert library.transcript("telegram", podcast_url=FEED) is None
        assert [h for h in library.search("canal oficial") if h.line] == []
