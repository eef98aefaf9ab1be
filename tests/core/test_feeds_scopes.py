"""Namespace scopes in feeds: a prefix declared on one element holds for it and its children only.

The reader shares a parent's scope with every element that declares no namespace; these feeds
pin that a declaration neither leaks to a sibling nor is lost to a child.
"""

from __future__ import annotations

from podplayer.core.feeds import read_feed

PSC = "http://podlove.org/simple-chapters"


def _feed(items: str, root_ns: str = "") -> bytes:
    return (
        f'<?xml version="1.0"?><rss version="2.0"{root_ns}><channel><title>T</title>'
        f"{items}</channel></rss>"
    ).encode()


def _item(guid: str, attrs: str = "", prefix: str = "ch") -> str:
    return (
        f"<item{attrs}><guid>{guid}</guid><title>{guid}</title>"
        f'<enclosure url="https://e.example/{guid}.mp3" type="audio/mpeg" length="1"/>'
        f'<{prefix}:chapters><{prefix}:chapter start="00:00:00" title="Intro"/>'
        f'<{prefix}:chapter start="00:01:00.5" title="Topic"/></{prefix}:chapters></item>'
    )


def test_a_declaration_on_an_item_holds_for_that_item_only() -> None:
    info = read_feed(
        _feed(_item("a", f' xmlns:ch="{PSC}"') + _item("b") + _item("c", f' xmlns:ch="{PSC}/"')),
        "https://e.example/feed.xml",
    )
    chapters = {
        ep.title: [(c.start_ms, c.title) for c in ep.chapters] for ep in info.podcast.episodes
    }
    assert chapters == {"a": [(0, "Intro"), (60_500, "Topic")], "b": [], "c": chapters["a"]}


def test_a_child_redeclares_a_prefix_of_its_parent() -> None:
    other = "https://example.com/not-chapters"
    inner = (
        f'<item><guid>a</guid><title>a</title><ch:chapters xmlns:ch="{other}">'
        '<ch:chapter start="0" title="Hidden"/></ch:chapters></item>'
    )
    info = read_feed(_feed(inner + _item("b"), f' xmlns:ch="{PSC}"'), "https://e.example/feed.xml")
    chapters = {ep.title: [c.title for c in ep.chapters] for ep in info.podcast.episodes}
    assert chapters == {"a": [], "b": ["Intro", "Topic"]}
