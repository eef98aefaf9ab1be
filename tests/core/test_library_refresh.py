"""refresh_feed against a loopback server: peer feeds, conditional GET, and every failure
leaving the library as it was apart from that feed's status."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from httpserver import PEER_FEEDS, Loopback, Resource, loopback_server

from podplayer.core.errors import FeedError
from podplayer.core.feeds import parse_feed
from podplayer.core.fetch import fetch_conditional
from podplayer.core.library import FILE_NAME, Library
from podplayer.core.refresh import refresh_feed

pytestmark = pytest.mark.timeout(120)

GOOD = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:psc="http://podlove.org/simple-chapters">
<channel><title>Loopback Radio</title><description>Test feed</description>
<item><guid>urn:lr-1</guid><title>1: Bridges with cxx</title>
<enclosure url="https://example.org/1.mp3" type="audio/mpeg" length="1"/>
<psc:chapters><psc:chapter start="00:00:00" title="Hello"/>
<psc:chapter start="00:01:30.250" title="The cxx crate"/></psc:chapters>
<description>We talk about cxx.</description></item>
</channel></rss>
"""

BROKEN = {
    "malformed": b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item>',
    "xxe": b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&secret;</title></channel></rss>""",
    "bomb": b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>
<rss version="2.0"><channel><title>&f;</title></channel></rss>""",
    "not a feed": b"\x89PNG\r\n\x1a\n" + bytes(300),
}


@pytest.fixture
def server() -> Iterator[Loopback]:
    with loopback_server() as srv:
        yield srv


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    with Library(tmp_path / FILE_NAME) as library:
        yield library


def _snapshot(lib: Library) -> list[object]:
    return [(p, lib.podcast(p.url)) for p in lib.podcasts()]


def test_refresh_stores_and_then_asks_conditionally(server: Loopback, lib: Library) -> None:
    url = server.add("/feed.xml", Resource(GOOD))
    result = refresh_feed(lib, url)
    assert result.ok and result.error is None and not result.not_modified
    assert result.title == "Loopback Radio" and result.new_episodes == ("urn:lr-1",)
    podcast = lib.podcast(url)
    assert podcast is not None and podcast.episodes[0].title == "Bridges with cxx"
    assert [c.start_ms for c in podcast.episodes[0].chapters] == [0, 90_250]
    assert lib.search("cxx")[0].start_ms == 90_250
    assert lib.feed_status(url).etag

    again = refresh_feed(lib, url)
    assert again.ok and again.not_modified and again.title == "Loopback Radio"
    assert server.requests[-1][1].get("If-None-Match") == lib.feed_status(url).etag

    server.add("/feed.xml", Resource(GOOD.replace(b"</channel>", NEW_ITEM + b"</channel>")))
    third = refresh_feed(lib, url)
    assert third.ok and third.new_episodes == ("urn:lr-2",)
    assert lib.guids(url) == {"urn:lr-1", "urn:lr-2"}


NEW_ITEM = b"<item><guid>urn:lr-2</guid><title>2: More</title></item>"


def test_redirected_feed_keeps_the_subscribed_url(server: Loopback, lib: Library) -> None:
    server.add("/new.xml", Resource(GOOD))
    old = server.add("/old.xml", Resource(redirect_to="/new.xml"))
    assert refresh_feed(lib, old).ok
    assert [p.url for p in lib.podcasts()] == [old]


def test_a_page_is_accepted_too(server: Loopback, lib: Library) -> None:
    page = (Path(__file__).parents[1] / "data" / "pages").glob("*.txt")
    source = next(iter(sorted(page)), None)
    if source is None:
        pytest.skip("no page fixture")
    url = server.add("/page.txt", Resource(source.read_bytes(), content_type="text/plain"))
    result = refresh_feed(lib, url)
    assert result.ok, result.error
    assert lib.episodes(url)


PEER_RSS = sorted(PEER_FEEDS.glob("*.rss")) if PEER_FEEDS.is_dir() else []


@pytest.mark.skipif(not PEER_RSS, reason="peer feeds not present")
def test_peer_feeds(server: Loopback, lib: Library) -> None:
    stored = 0
    for path in PEER_RSS:
        body = path.read_bytes()
        url = server.add(f"/peer/{path.name}", Resource(body))
        try:
            expected = replace(parse_feed(body, url), url=url)
        except FeedError:
            expected = None
        before = _snapshot(lib)
        result = refresh_feed(lib, url)
        if expected is None:
            assert not result.ok and result.error, path.name
            assert _snapshot(lib) == before, path.name
            continue
        assert result.ok, (path.name, result.error)
        got = lib.podcast(url)
        assert got is not None
        # Stored episodes are the feed's (guids are unique per feed, the last one wins).
        by_guid = {e.guid: e for e in expected.episodes}
        assert {e.guid for e in got.episodes} == set(by_guid), path.name
        for episode in got.episodes:
            assert episode == by_guid[episode.guid], (path.name, episode.guid)
        stored += 1
    assert stored >= len(PEER_RSS) // 2


def _failures(server: Loopback) -> dict[str, tuple[str, str]]:
    """name -> (url, a fragment of the expected message)."""
    cases = {
        "404": (server.url("/missing.xml"), "answered 404"),
        "timeout": (server.add("/slow.xml", Resource(GOOD, delay_s=3)), "did not answer"),
        "200 MB": (server.add("/huge.xml", Resource(endless=200 * 2**20)), "200 MB"),
        "redirect loop": (server.add("/loop-a", Resource(redirect_to="/loop-b")), "loop"),
        "malformed": (server.add("/malformed.xml", Resource(BROKEN["malformed"])), "not a"),
        "xxe": (server.add("/xxe.xml", Resource(BROKEN["xxe"])), "entities"),
        "bomb": (server.add("/bomb.xml", Resource(BROKEN["bomb"])), "entities"),
        "not a feed": (server.add("/x.png", Resource(BROKEN["not a feed"])), "not a text"),
    }
    server.add("/loop-b", Resource(redirect_to="/loop-a"))
    return cases


@pytest.mark.parametrize(
    "case", ["404", "timeout", "200 MB", "redirect loop", "malformed", "xxe", "bomb", "not a feed"]
)
def test_failures_leave_the_library_unchanged(server: Loopback, lib: Library, case: str) -> None:
    other = server.add("/other.xml", Resource(GOOD.replace(b"Loopback Radio", b"Other")))
    assert refresh_feed(lib, other).ok
    url, fragment = _failures(server)[case]
    # The failing feed was fine once: its stored episodes must survive the failure.
    server_good = server.add("/was-good.xml", Resource(GOOD))
    assert refresh_feed(lib, server_good).ok
    lib.set_position("urn:lr-1", 12_345, podcast_url=other)
    before = _snapshot(lib)
    fetcher = functools.partial(fetch_conditional, timeout_s=0.5)
    result = refresh_feed(lib, url, fetcher=fetcher)
    assert not result.ok and not result.subscribed and result.detail, result
    assert fragment in result.detail, result.detail
    # In a listener's words: what failed, that nothing was added, what to do; no internals.
    assert result.error and "Nothing was added." in result.error
    assert not any(t in result.error for t in ("Errno", "token", "127.0.0.1", "text file"))
    assert _snapshot(lib) == before and lib.feed_status(url).last_refresh is None
    assert lib.position("urn:lr-1", podcast_url=other) == 12_345
    assert "root:" not in (result.error or "")
    # Kept as a subscription when asked (an OPML import): failing, with why and since when.
    kept = refresh_feed(lib, url, fetcher=fetcher, title="Listed")
    assert not kept.subscribed
    kept = refresh_feed(lib, url, fetcher=fetcher, title="Listed", keep_failing=True)
    assert kept.subscribed and "tries again at the next refresh" in (kept.error or "")
    status = lib.feed_statuses()[url]
    assert status.failing and status.last_error == kept.error and status.failing_since
    assert [p.title for p in lib.podcasts() if p.url == url] == ["Listed"]
    # A failure on a subscribed feed keeps its validators and episodes.
    server.add("/was-good.xml", Resource(status=500))
    failed = refresh_feed(lib, server_good)
    assert not failed.ok and lib.feed_status(server_good).etag
    assert lib.guids(server_good) == {"urn:lr-1"}


def test_unsubscribing_during_a_refresh_is_not_undone(server: Loopback, tmp_path: Path) -> None:
    import threading

    path = tmp_path / FILE_NAME
    answered = threading.Event()
    release = threading.Event()
    url = server.add("/feed.xml", Resource(GOOD))
    with Library(path) as lib:
        assert refresh_feed(lib, url).ok

    def slow(u: str, etag: str | None, modified: str | None) -> object:
        reply = fetch_conditional(u, None, None)  # the feed changed: no validators
        answered.set()
        release.wait(30)
        return reply

    results = []

    def worker() -> None:
        with Library(path) as own:
            results.append(refresh_feed(own, url, slow))  # type: ignore[arg-type]

    thread = threading.Thread(target=worker)
    thread.start()
    assert answered.wait(30)
    with Library(path) as lib:
        assert lib.remove_podcast(url)
    release.set()
    thread.join(30)
    assert results and results[0].ok and not results[0].subscribed
    with Library(path) as lib:
        assert lib.podcasts() == [] and lib.feed_statuses() == {}


def test_a_page_with_several_feeds_returns_the_choices(server: Loopback, lib: Library) -> None:
    page = (
        b'<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" '
        b'title="MP3" href="/mp3.xml"><link rel="alternate" type="application/atom+xml" '
        b'href="https://example.org/atom.xml"><link rel="stylesheet" href="/s.css"></head>'
        b"<body><link rel='alternate' type='application/rss+xml' href='/late.xml'></body></html>"
    )
    url = server.add("/show", Resource(page, "text/html"))
    result = refresh_feed(lib, url)
    assert not result.ok and not result.subscribed and "choose one" in (result.error or "")
    assert [(c.url, c.title, c.type) for c in result.choices] == [
        (server.url("/mp3.xml"), "MP3", "application/rss+xml"),
        ("https://example.org/atom.xml", "", "application/atom+xml"),
    ]
    assert lib.podcasts() == []
