"""OPML in and out: gPodder and AntennaPod exports, nested folders, hostile files, round trip."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from podplayer.core.errors import ParseError, PodplayerError
from podplayer.core.opml import Subscription, read_opml, write_opml

DATA = Path(__file__).parents[1] / "data" / "opml"


def test_gpodder_export() -> None:
    assert read_opml((DATA / "gpodder.opml").read_bytes()) == [
        Subscription("Linux Outlaws & Friends", "https://example.org/linux-outlaws/feed.xml"),
        Subscription("Chaosradio", "http://chaosradio.example/feed/m4a"),
        Subscription("Ünïcode Radio – 日本語", "https://example.org/unicode?format=rss&lang=ja"),
    ]


def test_antennapod_export_skips_local_folders() -> None:
    assert read_opml((DATA / "antennapod.opml").read_bytes()) == [
        Subscription("Meta Tech Podcast", "https://example.org/meta-tech/rss"),
        Subscription("Podcasting 2.0", "https://example.org/podcasting20.xml"),
    ]


def test_nested_folders_old_schemes_and_duplicates() -> None:
    assert read_opml((DATA / "nested.opml").read_bytes()) == [
        Subscription("Feed with old scheme", "http://example.org/old.rss"),
        Subscription("iTunes link", "http://example.org/itpc.xml"),
        Subscription("", "https://example.org/news.xml"),
    ]


@pytest.mark.parametrize("name", ["gpodder.opml", "antennapod.opml", "nested.opml"])
def test_round_trip_of_the_fixtures(name: str) -> None:
    subscriptions = read_opml((DATA / name).read_bytes())
    assert read_opml(write_opml(subscriptions)) == subscriptions


def test_written_file_looks_like_the_others() -> None:
    data = write_opml([Subscription("A & B <c>", "https://example.org/a?x=1&y=2")])
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    text = data.decode()
    assert '<opml version="2.0">' in text and "<dateCreated>" in text
    assert 'type="rss"' in text and 'xmlUrl="https://example.org/a?x=1&amp;y=2"' in text


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"<opml><body><outline", "not an OPML file"),
        (b'<?xml version="1.0"?><rss version="2.0"/>', "root is <rss>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<opml><body><outline text="&x;" xmlUrl="https://e.org/f"/></body></opml>',
            "entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<opml><body><outline text="&b;" xmlUrl="https://e.org/f"/></body></opml>',
            "entities",
        ),
    ],
)
def test_bad_files(data: bytes, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        read_opml(data)


_titles = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
_paths = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_/.?=&%", max_size=30)


@given(st.lists(st.tuples(_titles, _paths), max_size=8))
def test_round_trip_property(pairs: list[tuple[str, str]]) -> None:
    subscriptions = []
    seen = set()
    for title, path in pairs:
        url = f"https://example.org/{path}"
        if url not in seen:
            seen.add(url)
            subscriptions.append(Subscription(title.strip(), url))
    assert read_opml(write_opml(subscriptions)) == subscriptions


@given(st.binary(max_size=300))
def test_only_our_errors_escape(data: bytes) -> None:
    with contextlib.suppress(PodplayerError):
        read_opml(data)


GOLDEN = sorted(DATA.glob("*.opml"))


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    import json

    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert [{"title": s.title, "url": s.url} for s in read_opml(path.read_bytes())] == expected
