"""Enclosure URLs: a web URL comes out as podcastparser gives it (read without its URL parses
where they change nothing); anything else is refused, never turned into a host name."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

import podcastparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podplayer.core import feeds

BASES = [None, "", "https://example.com/feed.xml", "http://[::1", "ftp://x.org/a", "feed://x.com/f"]


class _Recorder:
    def __init__(self, base: str | None) -> None:
        self.base = base
        self.enclosures: list[tuple[Any, ...]] = []

    def add_enclosure(self, *args: Any) -> None:
        self.enclosures.append(args)


def _theirs(base: str | None, url: str) -> object:
    handler = _Recorder(base)
    try:
        podcastparser.Enclosure("length").start(handler, {"url": url})
    except ValueError as exc:
        return type(exc)
    return handler.enclosures[0][0]


def _scheme(base: str | None, url: str) -> str:
    try:
        return urlsplit(urljoin(base or "", url.lstrip()).strip()).scheme.lower()
    except ValueError:
        return ""


def _same(base: str | None, url: str) -> None:
    ours = feeds._enclosure_url(base or "", url)
    scheme = _scheme(base, url)
    theirs = _theirs(base, url)
    if scheme in ("http", "https") and ours is not None:
        assert ours == theirs, (base, url)
    elif scheme in ("http", "https"):
        # podcastparser gives nothing usable either (no URL, or not a web one).
        assert not isinstance(theirs, str) or not theirs.startswith(("http://", "https://"))
    elif scheme == "file":
        assert ours is None or ours == urljoin(base or "", url.lstrip()).strip()
    else:
        # Another scheme, none, or a URL that can't be parsed: refused, where podcastparser
        # would make an http URL of it ("data:x" -> "http://data/x").
        assert ours is None, (base, url)


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.com/ep1.mp3",
        "https://cdn.example.com:8080/a/../b//c.mp3",
        "https://cdn.example.com:99999/x",
        "https://cdn.example.com",
        "https://CDN.example.com/x",
        "HTTPS://cdn.example.com/x",
        "https://cdn.example.com/x?y=1",
        "https://cdn.example.com/x;p",
        " https://cdn.example.com/x",
        "/relative/ep.mp3",
        "http://[::1/x",
        "file:/etc/passwd",
        "data:audio/mpeg;base64,AAAA",
    ],
)
def test_known_urls(base: str | None, url: str) -> None:
    _same(base, url)


_HOST = st.text("abz09.-", max_size=8)
_PATH = st.text("aZ09._~/%+-?#;: @é\t", max_size=16)


_URLS = st.builds(
    lambda *parts: "".join(parts),
    st.sampled_from(["https://", "http://", "HTTP://", "", "file:", "data:", "javascript:"]),
    _HOST,
    st.sampled_from(["", ":80", ":", ":123456"]),
    st.sampled_from(["/", "", "//"]),
    _PATH,
)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(BASES), _URLS)
def test_generated_urls(base: str | None, url: str) -> None:
    _same(base, url)


@pytest.mark.parametrize(
    "url", ["file:/etc/passwd", "file:///etc/passwd", "data:audio/mpeg;base64,AAAA", "ftp://x/y"]
)
def test_a_web_feed_gets_no_audio_from_other_schemes(url: str) -> None:
    data = (
        "<rss><channel><title>T</title><item><guid>a</guid><title>A</title>"
        f'<enclosure url="{url}" type="audio/mpeg"/></item></channel></rss>'
    ).encode()
    episode = feeds.parse_feed(data, "https://example.com/feed.xml").episodes[0]
    assert episode.audio_url is None
