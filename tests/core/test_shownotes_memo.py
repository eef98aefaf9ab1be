"""The engine's memos and one-pass scan change nothing but speed.

Titles and link labels are remembered by the raw text they come from, times and URLs are found
in one pass, and show-notes chapters are built without the dataclass constructor. These tests
pin that a warm memo, a cold one and an evicted one give the same result, and that the quick
chapters are the constructor's chapters.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podplayer.core import shownotes
from podplayer.core.model import Chapter, ChapterSource, shownotes_chapters
from podplayer.core.shownotes import ShowNotes, parse_shownotes

FOOTER = (
    "Got feedback? Send it to us on Threads (https://threads.net/@pod), Twitter "
    "(https://twitter.com/pod) and follow our host @passy (https://twitter.com/passy, "
    "https://mastodon.social/@passy). Check out https://example.com/jobs/."
)


def _memos() -> list[dict[Any, Any]]:
    return [
        shownotes._TITLES,
        shownotes._TITLES_AFTER,
        shownotes._NAMES,
        shownotes._LABELS,
        shownotes._LONE_ENTRIES,
        shownotes._LINKS,
    ]


def _forget() -> None:
    shownotes._parse.cache_clear()
    for memo in _memos():
        memo.clear()


def _cold(notes: str, duration_ms: int | None = None) -> ShowNotes:
    _forget()
    return parse_shownotes(notes, duration_ms=duration_ms)


def test_quick_chapters_equal_constructed_ones() -> None:
    quick = shownotes_chapters([0, 6_000], ["Intro", "Topic"])
    built = (Chapter(0, "Intro"), Chapter(6_000, "Topic"))
    assert quick == built
    assert [hash(c) for c in quick] == [hash(c) for c in built]
    assert [repr(c) for c in quick] == [repr(c) for c in built]
    assert all(type(c.source) is ChapterSource for c in quick)
    with pytest.raises(dataclasses.FrozenInstanceError):
        quick[0].title = "x"  # type: ignore[misc]
    assert dataclasses.replace(quick[1], end_ms=9_000) == Chapter(6_000, "Topic", 9_000)


def test_quick_chapters_need_a_title_per_start() -> None:
    with pytest.raises(ValueError, match="titles"):
        shownotes_chapters([0, 1], ["Intro"])


def test_a_raw_title_before_and_after_its_time_is_cleaned_by_its_own_rules() -> None:
    # The same raw text " Show notes become chapters" is a heading plus a title before its
    # time, and a whole title after it: two memo tables, neither answers for the other.
    after = "0:10 Show notes become chapters\n0:20 Outro"
    before = "Intro 0:00 Show notes become chapters 0:10"
    for order in ((after, before), (before, after)):
        _forget()
        results = {notes: parse_shownotes(notes) for notes in order}
        assert [c.title for c in results[after].chapters] == ["Show notes become chapters", "Outro"]
        assert [c.title for c in results[before].chapters] == ["Intro", "become chapters"]


def test_a_repeated_footer_keeps_its_labels_whatever_comes_before() -> None:
    first = _cold(f"Episode one is about tea. {FOOTER} Timestamps Intro 0:06 Tea 1:40")
    second = parse_shownotes(f"Why the Threads (https://threads.net/@pod) {FOOTER} 0:00 A 1:00 B")
    labels = [(link.label, link.url) for link in first.links]
    assert labels == [
        ("Threads", "https://threads.net/@pod"),
        ("Twitter", "https://twitter.com/pod"),
        ("@passy", "https://twitter.com/passy"),
        ("https://mastodon.social/@passy", "https://mastodon.social/@passy"),
        ("https://example.com/jobs/", "https://example.com/jobs/"),
    ]
    assert [(link.label, link.url) for link in second.links] == labels
    # A footer's links are shared frozen objects (fewer for the collector to track); they
    # still compare and hash as values.
    assert second.links[1] is first.links[1]
    assert set(second.links) == set(first.links)
    assert [c.title for c in second.chapters] == ["A", "B"]
    assert second == _cold(f"Why the Threads (https://threads.net/@pod) {FOOTER} 0:00 A 1:00 B")


@pytest.mark.parametrize(
    ("notes", "chapters", "urls"),
    [
        # A time inside a URL is no time; one right after it is.
        (
            "https://a.example/at/12:34 0:00 Intro 1:00 Topic",
            [(0, "Intro"), (60_000, "Topic")],
            ["https://a.example/at/12:34"],
        ),
        # "xhttps://" holds a URL from its "h"; "http://" with nothing after it is no URL.
        (
            "0:00 Intro see xhttps://b.example/x\n1:00 Topic http:// 2:00 End",
            [(0, "Intro see xhttps://b.example/x"), (60_000, "Topic http://"), (120_000, "End")],
            ["https://b.example/x"],
        ),
        # A URL glued to a time's last digit makes neither a time nor a shorter URL.
        (
            "0:00 Intro\n1:00 Topic 2:00https://c.example/y",
            [(0, "Intro"), (60_000, "Topic 2:00https://c.example/y")],
            ["https://c.example/y"],
        ),
        # "http:" and "https:" both start a URL at their "h".
        (
            "Links: http://d.example/a, HTTPS://e.example/b (https://f.example/c).",
            [],
            ["http://d.example/a", "https://f.example/c"],
        ),
    ],
)
def test_times_and_urls_found_in_one_pass(
    notes: str, chapters: list[tuple[int, str]], urls: list[str]
) -> None:
    result = _cold(notes)
    assert [(c.start_ms, c.title) for c in result.chapters] == chapters
    assert [link.url for link in result.links] == urls


_PARTS = [
    "0:06",
    "1:40",
    "12:30",
    "1:02:03",
    " ",
    "\n",
    "Intro",
    "Show notes",
    "Timestamps",
    "Links",
    ": ",
    " - ",
    "(",
    ")",
    "Threads (",
    "https://a.example/x",
    "https://a.example/(y)",
    ". ",
    "John 3:16",
    "10:30 am",
    "• ",
    "1. ",
]
_NOTES = st.lists(st.sampled_from(_PARTS), max_size=30).map("".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_NOTES, min_size=1, max_size=6))
def test_warm_cold_and_evicted_memos_agree(notes: list[str]) -> None:
    cold = [_cold(n) for n in notes]
    _forget()
    warm = [parse_shownotes(n) for n in notes]
    shownotes._parse.cache_clear()
    again = [parse_shownotes(n) for n in reversed(notes)][::-1]
    assert warm == cold
    assert again == cold


def test_memos_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shownotes, "_MEMO_SIZE", 8)
    _forget()
    for n in range(40):
        notes = f"Part {n} 0:{n % 60:02d} Topic {n} 1:00:00 via Site{n} (https://x.example/{n})"
        assert parse_shownotes(notes) == _cold(notes)
    for memo in _memos():
        assert len(memo) <= 8
