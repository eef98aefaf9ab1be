"""Merging chapter lists: precedence, tolerance, fill-in, provenance."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from podplayer.core.chapters.merge import merge, order
from podplayer.core.model import Chapter


def ch(start: int, title: str, source: str, **kw: str | int | None) -> Chapter:
    return Chapter(start, title, source=source, **kw)  # type: ignore[arg-type]


TAGS = (ch(0, "Chapter 1", "tags", end_ms=4000), ch(4020, "Ads moved me", "tags"))
JSON = (
    ch(0, "Intro", "json", image="https://e.com/intro.png"),
    ch(2900, "Too far", "json", url="https://e.com/far"),
    ch(4900, "Topic", "json", url="https://e.com/topic"),
)
PSC = (ch(0, "Intro (psc)", "psc", url="https://e.com/psc-intro"), ch(4000, "Topic", "psc"))
NOTES = (ch(0, "Hello", "shownotes"), ch(4000, "Topic from notes", "shownotes"))


def test_tags_win_and_keep_their_times() -> None:
    source, chapters = merge({"json": JSON, "tags": TAGS, "psc": PSC, "shownotes": NOTES})
    assert source == "tags"
    assert [(c.start_ms, c.end_ms) for c in chapters] == [(0, 4000), (4020, None)]
    first, second = chapters
    # Placeholder title filled from the best other source; link and image from wherever first.
    assert (first.title, first.image, first.url) == (
        "Intro",
        "https://e.com/intro.png",
        "https://e.com/psc-intro",
    )
    # 4020 agrees with psc 4000 and json 4900 (within 1 s): own title kept, json's link first.
    assert (second.title, second.url) == ("Ads moved me", "https://e.com/topic")
    assert {c.source for c in chapters} == {"tags"}


def test_precedence_without_tags() -> None:
    assert merge({"shownotes": NOTES, "psc": PSC})[0] == "psc"
    assert merge({"shownotes": NOTES, "psc": PSC, "json": JSON})[0] == "json"
    assert merge({"shownotes": NOTES})[1] == NOTES
    assert order({"shownotes": NOTES, "tags": (), "psc": PSC, "zzz": NOTES}) == [
        "psc",
        "shownotes",
        "zzz",
    ]


def test_starts_beyond_a_second_do_not_fill() -> None:
    _, chapters = merge({"tags": (ch(0, "", "tags"),), "json": (ch(1001, "Late", "json"),)})
    assert chapters == (ch(0, "", "tags"),)
    _, chapters = merge({"tags": (ch(0, "", "tags"),), "json": (ch(1000, "Edge", "json"),)})
    assert chapters[0].title == "Edge"


def test_nearest_match_wins() -> None:
    others = (ch(0, "A", "psc", url="https://a"), ch(900, "B", "psc", url="https://b"))
    _, chapters = merge({"tags": (ch(800, "", "tags"),), "psc": others})
    assert (chapters[0].title, chapters[0].url) == ("B", "https://b")


def test_empty() -> None:
    assert merge({}) == ("", ())
    assert merge({"tags": (), "json": ()}) == ("", ())


_chapters = st.lists(
    st.builds(
        Chapter,
        start_ms=st.integers(0, 10_000),
        title=st.sampled_from(["", "Chapter 2", "Named"]),
        url=st.none() | st.just("https://x"),
    ),
    max_size=8,
).map(tuple)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["tags", "json", "psc", "shownotes", "user"]), _chapters))
def test_merge_keeps_winner_times(lists: dict[str, tuple[Chapter, ...]]) -> None:
    source, chapters = merge(lists)
    if not source:
        assert not any(lists.values())
        return
    assert sorted(c.start_ms for c in lists[source]) == [c.start_ms for c in chapters]
    assert {c.source for c in chapters} <= {source}


def test_the_listeners_marks_win_over_the_files_tags() -> None:
    user = (Chapter(0, "My intro", source="user"), Chapter(5_000, "My part", source="user"))
    tags = (Chapter(0, "Tag intro", source="tags"), Chapter(9_000, "Tag part", source="tags"))
    winner, merged = merge({"tags": tags, "user": user})
    assert winner == "user"
    assert [(c.start_ms, c.title) for c in merged] == [(0, "My intro"), (5_000, "My part")]
    assert order({"tags": tags, "user": user}) == ["user", "tags"]


def test_the_library_and_the_merge_read_one_precedence_table() -> None:
    from podplayer.core import library
    from podplayer.core.chapters import merge as merging

    assert library.chapter_rank is merging.rank
