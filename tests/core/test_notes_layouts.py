"""The layout families of issue 10, section 1, one invented edge each (real notes are golden
files in tests/data/shownotes/)."""

from __future__ import annotations

import pytest

from podplayer.core.notes import parse_shownotes, sanitize_notes, seek_links

LONG_QUESTION = "A listener asks whether " * 20 + "it works?"

CHAPTERS = [
    (
        "**[12:01](#t=12:01)** Guests\n**[24:10](#t=24:10)** Outro",
        [(721, "Guests"), (1450, "Outro")],
    ),
    (
        "[4:10](#t=4:10) – Title one\n[8:20](#t=8:20) – Title two",
        [(250, "Title one"), (500, "Title two")],
    ),
    ("*01:02:03* Long part\n*01:10:00* Other part", [(3723, "Long part"), (4200, "Other part")]),
    (
        "- [Release notes](https://ex.org/r) - *00:41:07*.\n"
        "- [Roadmap](https://ex.org/m) - *00:50:00*,",
        [(2467, "Release notes"), (3000, "Roadmap")],
    ),
    ("## 19:07 Title A\n## 25:00 Title B", [(1147, "Title A"), (1500, "Title B")]),
    ("#### [@01:16] Title A\n#### [@05:00] Title B", [(76, "Title A"), (300, "Title B")]),
    (
        "[@12:34] A\n[13:00] B\n(14:00) C\n<15:00> D\n【16:00】 E\n［17:00］ F",
        [(754, "A"), (780, "B"), (840, "C"), (900, "D"), (960, "E"), (1020, "F")],
    ),
    (
        "Intro starts at 0:00\nThe talk at 4:29\nQ&A @ 1:02:03",
        [(0, "Intro"), (269, "The talk"), (3723, "Q&A")],
    ),
    ("00:00\n- Intro\n- News\n12:30\n- Interview\n- More", [(0, "Intro"), (750, "Interview")]),
    (f"0:00 {LONG_QUESTION}\n5:00 Next", [(0, LONG_QUESTION), (300, "Next")]),
    (
        "147. Retro 0:00\n3 things we broke 5:00\n1. not numbered 9:00",
        [(0, "147. Retro"), (300, "3 things we broke"), (540, "1. not numbered")],
    ),
    ("1. Intro 0:00\n2. Topic 5:00\n3. Outro 9:00", [(0, "Intro"), (300, "Topic"), (540, "Outro")]),
    (
        "Topics:\n- Guest intro (0:30)\n- News (12:00)\n- Listener question (5:40)",
        [(30, "Guest intro"), (340, "Listener question"), (720, "News")],
    ),
    (
        "00:00:00.000 Intro <https://ex.org/i>\n00:05:00.000 Main <https://ex.org/m>",
        [(0, "Intro"), (300, "Main")],
    ),
    ("Sprungmarken:\n00:00 Begrüßung\n05:30 Thema eins", [(0, "Begrüßung"), (330, "Thema eins")]),
    ("Таймкоды:\n00:00 — Вступление\n05:12 — Новости", [(0, "Вступление"), (312, "Новости")]),
    ("目次\n00:00 オープニング\n05:30 本題", [(0, "オープニング"), (330, "本題")]),
    (
        "タイムスタンプ\n００：００ オープニング\n０５：３０ 本題",
        [(0, "オープニング"), (330, "本題")],
    ),
    (
        "00:00オープニング\n05:30本題\n10:00エンディング",
        [(0, "オープニング"), (330, "本題"), (600, "エンディング")],
    ),
    ("Темы слушателей 0:00\nНовости 5:00", [(0, "Темы слушателей"), (300, "Новости")]),
]


@pytest.mark.parametrize(("notes", "expected"), CHAPTERS)
def test_layouts_read_right(notes: str, expected: list[tuple[int, str]]) -> None:
    chapters = parse_shownotes(notes).chapters
    assert [(c.start_ms // 1000, c.title) for c in chapters] == expected


NOT_CHAPTERS = [
    '"We should ship it." - Jane Doe @ 12:28\n"Never again." - John Roe @ 45:10',
    "Live 7:30-9:00 p.m. and 10:00-11:30 a.m. tomorrow",
    "Final score 21:17, and they won 24:21 again",
    "It took 12:30 minutes and lasted 1:02:03",
    "Read John 3:16 and John 3:17 and Mark 12:30",
    "Alessio [00:00:10]: Hey everyone\nSwyx [00:00:20]: And today we talk",
    "- Old episode\n  - https://ex.org/ep32\n  - 49:17 ~\n"
    "- Other\n  - https://ex.org/ep33\n  - 52:00 ~",
]


@pytest.mark.parametrize("notes", NOT_CHAPTERS)
def test_not_chapters(notes: str) -> None:
    assert parse_shownotes(notes).chapters == ()


@pytest.mark.parametrize("notes", NOT_CHAPTERS[1:4])
def test_not_seek_links(notes: str) -> None:
    assert seek_links(sanitize_notes(notes).html) == []


LINKS = [
    (
        "Dr. Who vs. Mr. Robot: https://ex.org/who",
        [("Dr. Who vs. Mr. Robot", "https://ex.org/who")],
    ),
    ("Kevin Smith (https://ex.org/ks)", [("Kevin Smith", "https://ex.org/ks")]),
    (
        "Thanks to Acme: https://acme.example/, Bolt: https://bolt.example/",
        [("Acme", "https://acme.example/"), ("Bolt", "https://bolt.example/")],
    ),
    ("• .Net: https://dotnet.example", [(".Net", "https://dotnet.example")]),
    ('See ["Tree shaking"](https://ex.org/t).', [('"Tree shaking"', "https://ex.org/t")]),
    ("Intro <https://ex.org/i>", [("Intro", "https://ex.org/i")]),
    ("![cover](https://ex.org/c.jpg) and [Docs](https://ex.org/d)", [("Docs", "https://ex.org/d")]),
]


@pytest.mark.parametrize(("notes", "expected"), LINKS)
def test_link_labels(notes: str, expected: list[tuple[str, str]]) -> None:
    assert [(link.label, link.url) for link in parse_shownotes(notes).links] == expected
