"""Cases at the edges of the engine's fast paths: each pins what the full rules decide.

The scan finds times from their colon, the tag pattern splits markup in one pass, and a title is
cleaned a second time only when that can change it; these inputs sit where a shortcut could
differ from the rules it stands in for.
"""

from __future__ import annotations

import pytest

from podplayer.core.shownotes import parse_shownotes

CASES = [
    (
        "Intro 0:06 Topic 1:40 Outro 12:30",
        [(6_000, "Intro"), (100_000, "Topic"), (750_000, "Outro")],
    ),
    # A time's leading digits are ASCII; later digits may be any Unicode digit.
    ("٣:45 Intro\n1:40 Topic\n2:50 Outro", [(100_000, "Topic"), (170_000, "Outro")]),
    ("1:2٣:45 Intro 2:00:00 Outro", [(5_025_000, "Intro"), (7_200_000, "Outro")]),
    # Four digits before the colon make no time.
    ("1234:56 a\n0:10 Intro\n1:20 Topic", [(10_000, "Intro"), (80_000, "Topic")]),
    # The end of a range is skipped, not read as the next time.
    ("00:00-05:12 Intro\n05:12-10:00 Topic", [(0, "Intro"), (312_000, "Topic")]),
    # Headings match case-insensitively, Unicode folds included ("ſ" is s, "K" is k).
    ("ſhow notes: 0:00 Intro 1:00 Topic", [(0, "Intro"), (60_000, "Topic")]),
    ("\u212aapitel: 0:00 Intro 1:00 Topic", [(0, "Intro"), (60_000, "Topic")]),
    # A self-closing script hides nothing; an open one hides everything up to its end tag.
    ("<script/><p>0:00 Intro</p><p>1:00 Topic</p>", [(0, "Intro"), (60_000, "Topic")]),
    (
        "<script>0:00 Hidden</script><p>0:00 Intro<br>1:00 Topic</p>",
        [(0, "Intro"), (60_000, "Topic")],
    ),
    ("<P>0:00  Intro&nbsp;one</P><LI>1:00\tTopic</LI>", [(0, "Intro one"), (60_000, "Topic")]),
    # Both bullets go: the title is cleaned again after the first one is dropped.
    ("0:00 • Intro\n1:00 1. 2. Topic", [(0, "Intro"), (60_000, "Topic")]),
]


@pytest.mark.parametrize(("notes", "expected"), CASES)
def test_fast_paths_keep_the_rules(notes: str, expected: list[tuple[int, str]]) -> None:
    chapters = parse_shownotes(notes).chapters
    assert [(c.start_ms, c.title) for c in chapters] == expected


def test_unbalanced_closing_brackets_leave_urls() -> None:
    links = parse_shownotes("See (https://example.com/a_(b)), and https://example.com/x).").links
    assert [link.url for link in links] == ["https://example.com/a_(b)", "https://example.com/x"]
