"""Chapter sources against a loopback server: a refresh keeps each episode's JSON chapters URL,
and gather collects every list of one episode (stored, show notes, JSON file, audio tags),
caching what it fetched and reporting problems as messages."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpserver import Loopback, Resource, loopback_server

from podplayer.core.chaptersources import chapter_urls_key, gather, refresh_with_sources
from podplayer.core.library import FILE_NAME, Library
from podplayer.core.model import Chapter, ChapterSource, Episode, Podcast

pytestmark = pytest.mark.timeout(60)

DATA = Path(__file__).resolve().parents[1] / "data"
JSON_CHAPTERS = (DATA / "chapters" / "podcast20.json").read_bytes()
TAGGED_MP3 = DATA / "tags" / "id3-chap-ctoc.mp3"

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:psc="http://podlove.org/simple-chapters"
     xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Loopback Radio</title>
<item><guid>urn:lr-1</guid><title>1: Bridges</title>
<enclosure url="{base}/1.mp3" type="audio/mpeg" length="1"/>
<podcast:chapters url="/chapters/1.json" type="application/json+chapters"/>
<psc:chapters><psc:chapter start="00:00:00" title="Hello"/>
<psc:chapter start="00:01:30" title="Bridges"/></psc:chapters>
<description>0:00 Welcome
2:00 Why bridges
5:00 Goodbye</description></item>
<item><guid>urn:lr-2</guid><title>2: No extras</title>
<enclosure url="{base}/2.mp3" type="audio/mpeg" length="1"/>
<description>Nothing timed here.</description></item>
</channel></rss>
"""


@pytest.fixture
def server() -> Iterator[Loopback]:
    with loopback_server() as loopback:
        loopback.add("/feed.xml", Resource(FEED.format(base=loopback.base).encode()))
        loopback.add("/chapters/1.json", Resource(JSON_CHAPTERS, "application/json"))
        loopback.add("/1.mp3", Resource(TAGGED_MP3.read_bytes(), "audio/mpeg"))
        loopback.add("/2.mp3", Resource(b"ID3" + bytes(7) + bytes(2000), "audio/mpeg"))
        yield loopback


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library(tmp_path / FILE_NAME) as lib:
        yield lib


def _episode(library: Library, url: str, guid: str) -> Episode:
    return next(e for e in library.episodes(url) if e.guid == guid)


def _requests(server: Loopback, path: str) -> int:
    return sum(1 for seen, _headers in server.requests if seen == path)


# -- refresh_with_sources ---------------------------------------------------------------------


def test_refresh_stores_the_feed_and_its_json_chapter_urls(
    server: Loopback, library: Library
) -> None:
    url = server.url("/feed.xml")
    result = refresh_with_sources(library, url)
    assert result.ok and not result.not_modified
    assert set(result.new_episodes) == {"urn:lr-1", "urn:lr-2"}
    assert library.setting(chapter_urls_key(url)) == {"urn:lr-1": server.url("/chapters/1.json")}
    assert [c.title for c in _episode(library, url, "urn:lr-1").chapters] == ["Hello", "Bridges"]


def test_refresh_not_modified_keeps_the_urls(server: Loopback, library: Library) -> None:
    url = server.url("/feed.xml")
    refresh_with_sources(library, url)
    again = refresh_with_sources(library, url)
    assert again.ok and again.not_modified
    assert library.setting(chapter_urls_key(url)) == {"urn:lr-1": server.url("/chapters/1.json")}


@pytest.mark.parametrize(
    "resource",
    [Resource(status=404), Resource(b"<rss><channel><item>")],
    ids=["404", "malformed"],
)
def test_failed_refresh_stores_no_urls_and_leaves_the_next_one_working(
    server: Loopback, library: Library, resource: Resource
) -> None:
    bad = server.add("/bad.xml", resource)
    result = refresh_with_sources(library, bad)
    assert not result.ok and result.error
    assert library.setting(chapter_urls_key(bad)) is None
    # One feed is parsed at a time: a failure must not leave the next refresh waiting.
    assert refresh_with_sources(library, server.url("/feed.xml")).ok


def test_a_page_instead_of_a_feed_is_stored_without_urls(
    server: Loopback, library: Library
) -> None:
    page = server.add("/notes.txt", Resource(b"Episode 1\n0:00 Hello\n", "text/plain"))
    assert refresh_with_sources(library, page).ok
    assert library.setting(chapter_urls_key(page)) is None


def test_refreshes_from_several_threads(server: Loopback, tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    Library(path).close()
    urls = []
    for n in range(6):
        body = FEED.format(base=server.base).replace("urn:lr-", f"urn:{n}-").encode()
        urls.append(server.add(f"/feed{n}.xml", Resource(body)))
    results: dict[str, bool] = {}

    def refresh(url: str) -> None:
        with Library(path, verify=False) as own:
            results[url] = refresh_with_sources(own, url).ok

    threads = [threading.Thread(target=refresh, args=(u,)) for u in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == dict.fromkeys(urls, True)
    with Library(path) as lib:
        assert len(lib.podcasts()) == 6


# -- gather -----------------------------------------------------------------------------------


def test_gather_collects_every_source_and_caches_what_it_fetched(
    server: Loopback, library: Library
) -> None:
    url = server.url("/feed.xml")
    refresh_with_sources(library, url)
    episode = _episode(library, url, "urn:lr-1")
    lists, problems = gather(library, url, episode)
    assert problems == []
    assert set(lists) == {
        ChapterSource.PSC,
        ChapterSource.SHOWNOTES,
        ChapterSource.JSON,
        ChapterSource.TAGS,
    }
    assert [c.start_ms for c in lists[ChapterSource.SHOWNOTES]] == [0, 120_000, 300_000]
    assert {c.title for c in lists[ChapterSource.JSON]} >= {"Intro", "Optics", "Wrap-up"}
    assert [c.title for c in lists[ChapterSource.TAGS]] == ["Opening ✓", "Middle – part", "Ending"]
    assert all(c.source == source for source, cs in lists.items() for c in cs)
    # The head of the audio file was read with a Range request, not downloaded whole.
    ranges = [h.get("Range") for p, h in server.requests if p == "/1.mp3"]
    assert ranges and all(r and r.startswith("bytes=0-") for r in ranges)

    before = len(server.requests)
    again, problems = gather(library, url, episode)
    assert problems == []
    assert again[ChapterSource.JSON] == lists[ChapterSource.JSON]
    assert again[ChapterSource.TAGS] == lists[ChapterSource.TAGS]
    assert len(server.requests) == before  # both came from the library this time
    stored = library.chapter_lists("urn:lr-1", podcast_url=url)
    assert {ChapterSource.JSON, ChapterSource.TAGS} <= set(stored)


def test_gather_without_network_fetches_nothing(server: Loopback, library: Library) -> None:
    url = server.url("/feed.xml")
    refresh_with_sources(library, url)
    before = len(server.requests)
    lists, problems = gather(library, url, _episode(library, url, "urn:lr-1"), network=False)
    assert problems == []
    assert set(lists) == {ChapterSource.PSC, ChapterSource.SHOWNOTES}
    assert len(server.requests) == before


def test_gather_reports_a_missing_chapter_file_as_a_problem(
    server: Loopback, library: Library
) -> None:
    url = server.url("/feed.xml")
    refresh_with_sources(library, url)
    server.add("/chapters/1.json", Resource(status=404))
    lists, problems = gather(library, url, _episode(library, url, "urn:lr-1"))
    assert ChapterSource.JSON not in lists
    assert len(problems) == 1 and problems[0].startswith("chapter file: ")
    assert "404" in problems[0]
    assert ChapterSource.TAGS in lists  # one failed source does not stop the others


def test_gather_reports_unreachable_audio_as_a_problem(server: Loopback, library: Library) -> None:
    url = server.url("/feed.xml")
    refresh_with_sources(library, url)
    server.add("/1.mp3", Resource(status=500))
    lists, problems = gather(library, url, _episode(library, url, "urn:lr-1"))
    assert ChapterSource.TAGS not in lists
    assert [p.split(":")[0] for p in problems] == ["audio tags"]


def test_gather_an_episode_without_extras(server: Loopback, library: Library) -> None:
    url = server.url("/feed.xml")
    refresh_with_sources(library, url)
    lists, problems = gather(library, url, _episode(library, url, "urn:lr-2"))
    assert lists == {} and problems == []
    assert _requests(server, "/2.mp3") == 1  # a tag-less head: read once, nothing kept


def test_gather_an_episode_not_in_the_library_reads_its_local_file(library: Library) -> None:
    own = (Chapter(0, "Own start", source=ChapterSource.PSC),)
    episode = Episode(
        guid="file-only",
        number=None,
        title="A file",
        local_path=str(TAGGED_MP3),
        chapters=own,
    )
    lists, problems = gather(library, "file:///nowhere", episode, network=False)
    assert problems == []
    assert lists[ChapterSource.PSC] == own
    assert [c.start_ms for c in lists[ChapterSource.TAGS]] == [0, 2500, 5250]


def test_gather_keeps_tags_read_from_a_local_file(library: Library) -> None:
    url = "file:///show.txt"
    episode = Episode(guid="e1", number=1, title="One", local_path=str(TAGGED_MP3))
    library.add_podcast(Podcast(url=url, title="Show", episodes=(episode,)))
    lists, _ = gather(library, url, episode, network=False)
    assert ChapterSource.TAGS in lists
    assert (
        library.chapter_lists("e1", podcast_url=url)[ChapterSource.TAGS]
        == lists[ChapterSource.TAGS]
    )


CHAPTER_CASES = sorted(
    p for p in (DATA / "chapters").glob("*.json") if not p.name.endswith(".expected.json")
)


@pytest.mark.parametrize("path", CHAPTER_CASES, ids=lambda p: p.stem)
def test_json_chapters_golden(path: Path) -> None:
    import json

    from podplayer.core.chapters.jsonchapters import parse_json_chapters

    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))
    found = [
        {
            "start_ms": c.start_ms,
            "title": c.title,
            "end_ms": c.end_ms,
            "url": c.url,
            "image": c.image,
            "source": str(c.source),
        }
        for c in parse_json_chapters(path.read_bytes())
    ]
    assert found == expected
