"""The notes pane, the chapter list and search read notes alike (issue 10, section 3).

Every seek link the sanitiser makes is a time the engine accepts; the text the search index
stores has its entities decoded; hostile sizes stay bounded (issue 14).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from podplayer.core.notes import (
    find_chapters,
    find_times,
    fragment_ms,
    parse_shownotes,
    sanitize_notes,
    seek_links,
    seek_target,
    text_of,
)
from podplayer.core.notes.chapters import MAX_CHAPTERS
from podplayer.core.notes.markup import read_markup

DATA = Path(__file__).resolve().parents[1] / "data" / "shownotes"
NOTES = sorted(p for p in DATA.iterdir() if p.suffix in {".txt", ".md", ".html"})

EXAMPLES = [
    "Read John 3:16 and Genesis 1:10-12 tonight.",
    "Live at 10:30 a.m. and 7:30-9:00 p.m., or 18:00 Uhr.",
    "Shot in 16:9 aspect; it took 12:30 minutes.",
    "<p>John <b>3:16</b> and <a href='#t=1:02'>Intro</a> at 0:06</p>",
    "See https://a.example/x?t=12:30 and (0:06) Intro, [12:34] Middle",
    "【１２：３４】 オープニング\n00:00オープニング",
]


def _accepted(notes: str) -> set[int]:
    accepted = {t.ms for t in find_times(text_of(notes))}
    accepted |= {
        ms for span in read_markup(notes).spans if (ms := fragment_ms(span.href)) is not None
    }
    return accepted


@pytest.mark.parametrize("notes", EXAMPLES + [p.read_text("utf-8") for p in NOTES])
def test_every_seek_link_is_a_time_the_engine_accepts(notes: str) -> None:
    made = seek_links(sanitize_notes(notes).html)
    assert set(made) <= _accepted(notes)


def test_verses_and_clock_times_are_not_seek_links() -> None:
    for notes in EXAMPLES[:3]:
        assert seek_links(sanitize_notes(notes).html) == [], notes
    assert seek_links(sanitize_notes(EXAMPLES[3]).html) == [62_000, 6_000]


def test_full_width_times_are_times() -> None:
    assert [t.ms for t in find_times(EXAMPLES[5])] == [754_000, 0]


def test_search_text_has_entities_decoded() -> None:
    assert text_of("<p>Caf&eacute; &amp; cr&egrave;me</p>") == "Café & crème"
    assert "café" in text_of("<p>Un caf&eacute;</p>")


def test_seek_target_refuses_digits_int_cannot_read() -> None:
    assert seek_target("podplayer-seek:²") is None
    assert seek_target("podplayer-seek:٣٤") is None
    assert seek_target("podplayer-seek:１２") is None


def test_non_ascii_digits_never_raise() -> None:
    notes = "٣:٤٥ Intro\n१:२३ Topic\n²:³⁴ x\n<a href='#t=٣:٤٥'>a</a><a href='#t=１２'>b</a>"
    parse_shownotes(notes)
    sanitize_notes(notes)


def test_a_hundred_thousand_times_stay_bounded() -> None:
    notes = "Chapters:\n" + "\n".join(
        f"{i // 3600}:{i // 60 % 60:02d}:{i % 60:02d} Part {i}" for i in range(100_000)
    )
    chapters = find_chapters(notes)
    assert 0 < len(chapters) <= MAX_CHAPTERS
    assert len(seek_links(sanitize_notes(notes).html)) <= 5_000


def test_ten_megabytes_of_notes_are_read_in_part() -> None:
    notes = ("0:06 Intro https://example.org/x and text words here\n" * 200_000)[:10_000_000]
    result = parse_shownotes(notes)
    assert len(result.chapters) <= MAX_CHAPTERS
    assert len(result.links) == 1


@pytest.mark.parametrize(
    "notes",
    [
        "https://x.org/" + ")" * 100_000,  # unbalanced closers after a URL
        "@ 1:00 " * 50_000,  # one line of times with no titles
        "0:00\n\n" * 50_000,  # lone times, each looking for its title
        "- a\n  - https://x.org/\n" * 20_000,  # bare URLs under title bullets
        "<" * 100_000 + "https://x.org",
    ],
    ids=["closers", "untitled-line", "lone-times", "bullets", "angles"],
)
def test_hostile_shapes_are_read_in_linear_time(notes: str) -> None:
    result = parse_shownotes(notes)
    assert len(result.chapters) <= MAX_CHAPTERS
    assert len(seek_links(sanitize_notes(notes).html)) <= 5_000
