"""Enclosure URLs read without podcastparser's URL parses come out as podcastparser gives them."""

from __future__ import annotations

from typing import Any

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


def _read(target: Any, base: str | None, attrs: dict[str, str]) -> object:
    handler = _Recorder(base)
    try:
        target.start(handler, attrs)
    except ValueError as exc:
        return type(exc)
    return handler.enclosures


def _same(base: str | None, url: str) -> None:
    attrs = {"url": url, "length": "12", "type": "audio/mpeg"}
    theirs = _read(podcastparser.Enclosure("length"), base, attrs)
    assert _read(feeds._Enclosure("length"), base, attrs) == theirs


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
    ],
)
def test_known_urls(base: str | None, url: str) -> None:
    _same(base, url)


_HOST = st.text("abz09.-", max_size=8)
_PATH = st.text("aZ09._~/%+-?#;: @é\t", max_size=16)


_URLS = st.builds(
    lambda *parts: "".join(parts),
    st.sampled_from(["https://", "http://", "HTTP://", ""]),
    _HOST,
    st.sampled_from(["", ":80", ":", ":123456"]),
    st.sampled_from(["/", "", "//"]),
    _PATH,
)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(BASES), _URLS)
def test_generated_urls(base: str | None, url: str) -> None:
    _same(base, url)
