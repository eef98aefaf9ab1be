"""fetch.py against a loopback server: validators, ranges, caps, timeouts, redirects."""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator

import pytest
from httpserver import Loopback, Resource, loopback_server

from podplayer.core.errors import FetchError
from podplayer.core.fetch import (
    USER_AGENT,
    fetch,
    fetch_conditional,
    fetch_range,
    is_web_url,
    open_stream,
)

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def server() -> Iterator[Loopback]:
    with loopback_server() as srv:
        yield srv


def test_fetch_returns_body_type_and_final_url(server: Loopback) -> None:
    url = server.add("/feed.xml", Resource(b"<rss/>", content_type="application/xml; charset=x"))
    reply = fetch(url)
    assert (reply.body, reply.url, reply.content_type, reply.status) == (
        b"<rss/>",
        url,
        "application/xml",
        200,
    )
    assert server.requests[-1][1]["User-Agent"] == USER_AGENT


def test_conditional_get_by_etag_and_by_date(server: Loopback) -> None:
    url = server.add("/feed.xml", Resource(b"<rss>one</rss>"))
    first = fetch_conditional(url)
    assert first.etag and first.last_modified and not first.not_modified
    again = fetch_conditional(url, first.etag, first.last_modified)
    assert again.not_modified and again.body == b"" and again.status == 304
    by_date = fetch_conditional(url, None, first.last_modified)
    assert by_date.not_modified
    server.add("/feed.xml", Resource(b"<rss>two</rss>"))
    changed = fetch_conditional(url, first.etag, first.last_modified)
    assert not changed.not_modified and changed.body == b"<rss>two</rss>"


def test_range(server: Loopback) -> None:
    url = server.add("/a.mp3", Resource(bytes(range(256)) * 4, content_type="audio/mpeg"))
    part = fetch_range(url, 10, 19)
    assert part.status == 206 and part.body == bytes(range(10, 20))
    assert part.content_range == "bytes 10-19/1024"
    assert fetch_range(url, 1000).body == (bytes(range(256)) * 4)[1000:]
    server.add("/b.mp3", Resource(b"abc", ranges=False))
    whole = fetch_range(server.url("/b.mp3"), 1)
    assert whole.status == 200 and whole.body == b"abc"


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("file:///etc/passwd", "Only web addresses"),
        ("ftp://example.org/x", "Only web addresses"),
        ("/etc/passwd", "Only web addresses"),
    ],
)
def test_only_web_urls(url: str, fragment: str) -> None:
    assert not is_web_url(url)
    with pytest.raises(FetchError, match=fragment):
        fetch(url)


def test_http_error_status(server: Loopback) -> None:
    with pytest.raises(FetchError, match=r"answered 404 \(Not Found\)"):
        fetch(server.url("/missing"))
    server.add("/boom", Resource(status=500))
    with pytest.raises(FetchError, match="answered 500"):
        fetch_conditional(server.url("/boom"))


def test_announced_huge_body_is_refused_without_reading(server: Loopback) -> None:
    url = server.add("/huge", Resource(endless=200 * 2**20))
    with pytest.raises(FetchError, match="200 MB, more than the 50 MB"):
        fetch(url)


def test_unannounced_huge_body_is_cut_at_the_cap(server: Loopback) -> None:
    url = server.add("/endless", Resource(chunked_endless=True))
    with pytest.raises(FetchError, match="larger than 1 MB"):
        fetch(url, max_bytes=2**20)


def test_read_timeout(server: Loopback) -> None:
    url = server.add("/slow", Resource(b"late", delay_s=3))
    with pytest.raises(FetchError, match=r"did not answer within 0.5 s"):
        fetch(url, timeout_s=0.5)


def test_connection_refused() -> None:
    with loopback_server() as srv:
        url = srv.url("/gone")
    with pytest.raises(FetchError, match="Could not reach"):
        fetch(url)


def test_redirects_followed_and_loops_reported(server: Loopback) -> None:
    target = server.add("/real", Resource(b"<rss/>"))
    server.add("/old", Resource(redirect_to="/real"))
    assert fetch(server.url("/old")).url == target
    server.add("/a", Resource(redirect_to="/b"))
    server.add("/b", Resource(redirect_to="/a"))
    with pytest.raises(FetchError, match="redirects in a loop"):
        fetch(server.url("/a"))
    for i in range(12):
        server.add(f"/r{i}", Resource(redirect_to=f"/r{i + 1}"))
    with pytest.raises(FetchError, match="redirects more than 3 times"):
        fetch(server.url("/r0"), max_redirects=3)


def test_redirect_to_another_scheme_is_not_followed(server: Loopback) -> None:
    server.add("/sneaky", Resource(redirect_to="file:///etc/passwd"))
    with pytest.raises(FetchError, match="not a web address"):
        fetch(server.url("/sneaky"))


def test_trickled_headers_meet_the_answer_deadline(server: Loopback) -> None:
    # Each byte comes well within the per-read timeout; only the one deadline ends it.
    url = server.add("/slow", Resource(trickle_headers=True, trickle_interval_s=0.1))
    with (
        pytest.raises(FetchError, match=r"did not answer within 0.5 s"),
        open_stream(url, answer_timeout_s=0.5),
    ):
        pass


def test_trickled_body_earns_no_time(server: Loopback) -> None:
    url = server.add("/slow", Resource(trickle_body=True, trickle_interval_s=0.05))
    with (
        open_stream(url, answer_timeout_s=0.5) as stream,
        pytest.raises(FetchError, match="arrives too slowly"),
    ):
        b"".join(stream.iter_bytes())


def test_a_fast_body_earns_the_time_it_needs(server: Loopback) -> None:
    body = bytes(range(256)) * 16384  # 4 MB: 128 s at the minimum rate, far past 0.5 s
    url = server.add("/big", Resource(body))
    with open_stream(url, answer_timeout_s=0.5) as stream:
        assert b"".join(stream.iter_bytes()) == body


def test_without_a_total_a_begun_body_is_never_cut(server: Loopback) -> None:
    body = b"x" * 30
    url = server.add("/slow", Resource(body, trickle_body=True, trickle_interval_s=0.03))
    with open_stream(url, answer_timeout_s=0.3, total_timeout_s=float("inf")) as stream:
        assert b"".join(stream.iter_bytes()) == body


def _deflate(data: bytes, wbits: int) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", gzip.compress(b"<rss>one</rss>")),
        ("x-gzip", gzip.compress(b"<rss>one</rss>")),
        ("gzip", gzip.compress(b"<rss>o") + gzip.compress(b"ne</rss>")),  # two members
        ("deflate", _deflate(b"<rss>one</rss>", zlib.MAX_WBITS)),
        ("deflate", _deflate(b"<rss>one</rss>", -zlib.MAX_WBITS)),  # raw, as some servers send
        ("gzip, deflate", _deflate(gzip.compress(b"<rss>one</rss>"), zlib.MAX_WBITS)),
        ("identity", b"<rss>one</rss>"),
    ],
)
def test_content_encodings_are_undone(server: Loopback, encoding: str, body: bytes) -> None:
    url = server.add("/feed", Resource(body, headers={"Content-Encoding": encoding}))
    assert fetch(url).body == b"<rss>one</rss>"


def test_the_cap_counts_unpacked_bytes_in_every_layer(server: Loopback) -> None:
    packed = gzip.compress(bytes(3 * 2**20))
    url = server.add("/one", Resource(packed, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError, match="larger than 1 MB once unpacked"):
        fetch(url, max_bytes=2**20)
    # The outer layer alone unpacks to under the cap; the inner one does not.
    twice = gzip.compress(packed)
    url = server.add("/two", Resource(twice, headers={"Content-Encoding": "gzip, gzip"}))
    assert len(packed) < 2**20
    with pytest.raises(FetchError, match="larger than 1 MB once unpacked"):
        fetch(url, max_bytes=2**20)


@pytest.mark.parametrize(
    ("encoding", "fragment"),
    [
        ("br", "an encoding podplayer can't read (“br”)"),
        ("gzip, gzip, gzip, gzip", "packed 4 times over"),
    ],
)
def test_unreadable_encodings_are_messages(server: Loopback, encoding: str, fragment: str) -> None:
    url = server.add("/feed", Resource(b"\x00" * 10, headers={"Content-Encoding": encoding}))
    with pytest.raises(FetchError, match=re.escape(fragment)):
        fetch(url)


def test_damaged_gzip_is_a_message(server: Loopback) -> None:
    url = server.add("/feed", Resource(b"this is not gzip", headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError, match="damaged gzip data"):
        fetch(url)
