"""Transcripts fetched from a loopback server, read once and then cached in the library: the
episode shown reads the cache, a switch of language fetches the other file, the newest episodes
of a refresh have theirs read so a search finds their words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from httpserver import Loopback, Resource, loopback_server

from podplayer.core.chaptersources import (
    cache_new_transcripts,
    gather_transcript,
    refresh_with_sources,
)
from podplayer.core.library import FILE_NAME, Library
from podplayer.core.model import Episode
from podplayer.core.refresh import refresh_feed

pytestmark = pytest.mark.timeout(60)

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "data" / "transcripts"

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Loopback Transcripts</title><language>en</language>
<item><guid>urn:t-2</guid><title>2: Ten things</title>
<enclosure url="{base}/2.mp3" type="audio/mpeg" length="1"/>
<podcast:transcript url="{base}/2.srt" type="application/x-subrip" language="en"/>
<podcast:transcript url="{base}/2.es.vtt" type="text/vtt" language="es"/>
</item>
<item><guid>urn:t-1</guid><title>1: Weekly review</title>
<enclosure url="{base}/1.mp3" type="audio/mpeg" length="1"/>
<podcast:transcript url="{base}/1.json" type="application/json"/>
<podcast:transcript url="{base}/missing.vtt" type="text/vtt"/>
</item>
</channel></rss>
"""


@pytest.fixture
def server() -> Iterator[Loopback]:
    with loopback_server() as loopback:
        loopback.add("/feed.xml", Resource(FEED.format(base=loopback.base).encode()))
        for path, name, mime in (
            ("/2.srt", "namespace-buzzsprout-10-things.srt", "application/x-subrip"),
            ("/2.es.vtt", "kde-express-16-telegram.vtt", "text/vtt"),
            ("/1.json", "podnews-weekly-2023-05-05.json", "application/json"),
        ):
            loopback.add(path, Resource((TRANSCRIPTS / name).read_bytes(), mime))
        yield loopback


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library(tmp_path / FILE_NAME) as lib:
        yield lib


def _requests(server: Loopback, path: str) -> int:
    return sum(1 for seen, _headers in server.requests if seen == path)


def _episode(library: Library, url: str, guid: str) -> Episode:
    return next(e for e in library.episodes(url) if e.guid == guid)


def test_a_transcript_is_fetched_once_then_read_from_the_library(
    server: Loopback, library: Library
) -> None:
    url = server.url("/feed.xml")
    assert refresh_feed(library, url).ok
    episode = _episode(library, url, "urn:t-2")
    found, problems = gather_transcript(library, url, episode, feed_language="en")
    assert problems == [] and found is not None
    ref, transcript = found
    assert ref.url.endswith("/2.srt") and transcript.format == "srt" and transcript.timed
    again, _ = gather_transcript(library, url, episode, feed_language="en")
    assert again == found
    assert _requests(server, "/2.srt") == 1
    # The cache serves without the network too, and its words are in the search.
    assert gather_transcript(library, url, episode, network=False)[0] == found
    hits = [h for h in library.search("rookie") if h.line]
    assert hits and hits[0].episode_guid == "urn:t-2" and hits[0].start_ms is not None


def test_another_language_fetches_its_own_file(server: Loopback, library: Library) -> None:
    url = server.url("/feed.xml")
    assert refresh_feed(library, url).ok
    episode = _episode(library, url, "urn:t-2")
    gather_transcript(library, url, episode, feed_language="en")
    found, _ = gather_transcript(library, url, episode, languages=["es"], feed_language="en")
    assert found is not None and found[0].language == "es" and found[1].format == "vtt"
    assert _requests(server, "/2.es.vtt") == 1
    assert [h.start_ms for h in library.search("canal oficial") if h.line] == [42_640]


def test_a_missing_file_is_a_problem_and_the_next_one_is_read(
    server: Loopback, library: Library
) -> None:
    url = server.url("/feed.xml")
    assert refresh_feed(library, url).ok
    # The VTT ranks first (timed, and the JSON too), it 404s: the JSON is read instead.
    found, problems = gather_transcript(library, url, _episode(library, url, "urn:t-1"))
    assert found is not None and found[1].format in {"json", "vtt"}
    assert problems == []
    assert found[1].speakers


def test_the_newest_episodes_of_a_refresh_get_their_transcripts(
    server: Loopback, library: Library
) -> None:
    url = server.url("/feed.xml")
    result = refresh_feed(library, url)
    assert cache_new_transcripts(library, result, limit=1) == 1
    assert library.transcript("urn:t-2", podcast_url=url) is not None
    assert library.transcript("urn:t-1", podcast_url=url) is None
    # An unchanged feed brings nothing new: nothing more is fetched.
    assert cache_new_transcripts(library, refresh_feed(library, url)) == 0


def test_a_refresh_with_sources_reads_the_new_transcripts(
    server: Loopback, library: Library
) -> None:
    url = server.url("/feed.xml")
    assert refresh_with_sources(library, url).ok
    assert library.transcript("urn:t-2", podcast_url=url) is not None
    assert [h.episode_guid for h in library.search("rookie") if h.line][:1] == ["urn:t-2"]
    fetched = _requests(server, "/2.srt")
    assert refresh_with_sources(library, url).ok
    assert _requests(server, "/2.srt") == fetched
