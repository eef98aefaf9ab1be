"""Unit tests for the show-notes engine: the tricky rules, and the seed page's episodes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from podplayer.core.model import Chapter, Link
from podplayer.core.notes import (
    ShowNotes,
    find_chapters,
    find_links,
    html_to_text,
    looks_like_html,
    parse_shownotes,
)

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "meta-tech-podcast.txt"
EPISODE_HEADER = re.compile(r"^(\d+): (.+)$")


def _seed_episodes() -> dict[int, str]:
    """Episode number -> notes: each episode is a "NN: title" line followed by one notes line."""
    if not SEED.exists():
        pytest.skip(f"seed page not found at ../shared/seed/{SEED.name}")
    lines = SEED.read_text("utf-8").splitlines()
    return {
        int(m[1]): lines[i + 1]
        for i, line in enumerate(lines[:-1])
        if (m := EPISODE_HEADER.match(line))
    }


def _chapters(notes: str, duration_ms: int | None = None) -> list[tuple[float, str]]:
    return [(c.start_ms / 1000, c.title) for c in find_chapters(notes, duration_ms=duration_ms)]


def _labels(notes: str) -> list[tuple[str, str]]:
    return [(link.label, link.url) for link in find_links(notes)]


# -- seed episodes -------------------------------------------------------------------------


def test_seed_episode_68_run_together_chapters_and_links() -> None:
    notes = _seed_episodes()[68]
    result = parse_shownotes(notes)
    assert _chapters(notes)[:4] == [
        (6.0, "Intro"),
        (100.0, "Alfred Introduction"),
        (203.0, "Who do you work with?"),
        (320.0, "Decision making frameworks"),
    ]
    assert result.chapters[-1] == Chapter(2066000, "Outro", source="shownotes")
    assert len(result.chapters) == 13
    assert _labels(notes) == [
        ("Threads", "https://threads.net/@metatechpod"),
        ("Instagram", "https://instagram.com/metatechpod"),
        ("Pascal", "https://threads.net/@passy_"),
        ("https://www.metacareers.com/", "https://www.metacareers.com/"),
        (
            "Caddy",
            "https://engineering.fb.com/2024/07/18/virtual-reality/caddy-cad-mixed-reality-mr-meta/",
        ),
    ]
    assert all(link.chapter_index is None for link in result.links)


def test_seed_episode_65_title_ending_in_a_number() -> None:
    chapters = _chapters(_seed_episodes()[65])
    assert chapters[:3] == [(6.0, "Intro"), (70.0, "Meta Open Source 101"), (109.0, "Intros")]
    assert chapters[-1] == (2143.0, "Outtakes")


def test_seed_episode_67_host_with_several_urls_in_parentheses() -> None:
    links = _labels(_seed_episodes()[67])
    assert links[3:6] == [
        ("@passy", "https://twitter.com/passy"),
        ("https://mastodon.social/@passy", "https://mastodon.social/@passy"),
        ("https://threads.net/@passy_", "https://threads.net/@passy_"),
    ]
    assert ("Meta Connect 2024", "https://www.meta.com/en-gb/connect/") in links


def test_seed_episode_64_run_together_links_section() -> None:
    links = _labels(_seed_episodes()[64])
    labels = [label for label, _ in links]
    assert labels[7:10] == [
        "Caddy video",
        "Caddy on the Quest Store",
        "@Scale conference on YouTube",
    ]
    assert _chapters(_seed_episodes()[64])[-1] == (3815.0, "Outro")


def test_seed_episode_59_curly_quoted_labels_and_digits_in_titles() -> None:
    notes = _seed_episodes()[59]
    labels = [label for label, _ in _labels(notes)]
    assert labels[-4:] == [
        "Lazy is the new fast: How Lazy Imports and Cinder accelerate machine learning at Meta",
        "How Meta built the infrastructure for Threads",
        "Cinder on GitHub",
        "Meta contributes new features to Python 3.12",
    ]
    assert (537.0, "Python 3 Faster Coroutines") in _chapters(notes)


def test_seed_episode_56_colons_in_titles_and_labels() -> None:
    notes = _seed_episodes()[56]
    assert _chapters(notes)[:5] == [
        (0.0, "Intro"),
        (56.0, "Introductions"),
        (102.0, "Intro: Cameron"),
        (126.0, "Intro: Joy"),
        (150.0, "Intro: Richard"),
    ]
    assert _labels(notes)[-3:] == [
        ("Threads", "https://threads.net"),
        (
            "Threads: The inside story of Meta’s newest social app",
            "https://engineering.fb.com/2023/09/07/culture/threads-inside-story-metas-newest-social-app/",
        ),
        ("Litho", "https://fblitho.com/"),
    ]


def test_every_seed_episode_has_increasing_chapters_from_the_first_timestamp() -> None:
    for number, notes in _seed_episodes().items():
        chapters = find_chapters(notes)
        assert len(chapters) >= 10, number
        assert chapters[0].start_ms <= 6000, number
        assert not any("Timestamps" in c.title for c in chapters), number
        assert [c.start_ms for c in chapters] == sorted(c.start_ms for c in chapters)


# -- chapter layouts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        ("0:00 Intro\n1:40 Topic", [(0.0, "Intro"), (100.0, "Topic")]),
        ("Intro 0:00\nTopic 1:40", [(0.0, "Intro"), (100.0, "Topic")]),
        ("(00:00) Intro\n(01:40) Topic", [(0.0, "Intro"), (100.0, "Topic")]),
        ("[01:02:03] Intro\n[01:10:00] Topic", [(3723.0, "Intro"), (4200.0, "Topic")]),
        ("Intro - 12:34\nTopic – 75:12", [(754.0, "Intro"), (4512.0, "Topic")]),
        ("12:34 | Intro\n13:00 | Topic", [(754.0, "Intro"), (780.0, "Topic")]),
        ("1:02:03.500 Intro\n1:02:04,250 Topic", [(3723.5, "Intro"), (3724.25, "Topic")]),
        ("**0:06** Intro\n**1:40** — Topic", [(6.0, "Intro"), (100.0, "Topic")]),
        (
            "- 0:06 Intro\n* 1:40 Topic\n• 2:00 End",
            [(6.0, "Intro"), (100.0, "Topic"), (120.0, "End")],
        ),
        ("1. Intro 0:06\n2. Topic 1:40", [(6.0, "Intro"), (100.0, "Topic")]),
        ("0:06: Intro\n1:40: Topic", [(6.0, "Intro"), (100.0, "Topic")]),
        ("Intro (0:06)\nTopic [1:40]", [(6.0, "Intro"), (100.0, "Topic")]),
        (
            "Timestamps Intro 0:06 Who? 1:40 Outro 3:00",
            [(6.0, "Intro"), (100.0, "Who?"), (180.0, "Outro")],
        ),
        (
            "Chapters: 0:06 Intro 1:40 Who? 3:00 Outro",
            [(6.0, "Intro"), (100.0, "Who?"), (180.0, "Outro")],
        ),
        ("Intro\n0:06\nTopic\n1:40", [(6.0, "Intro"), (100.0, "Topic")]),
        ("00:00-05:00 Intro\n05:00-10:00 Topic", [(0.0, "Intro"), (300.0, "Topic")]),
    ],
)
def test_layouts(notes: str, expected: list[tuple[float, str]]) -> None:
    assert _chapters(notes) == expected


def test_titles_keep_their_own_digits_and_colons() -> None:
    notes = (
        "Python 3.12: what's new 0:00\nIntro: Joy 4:00\nTop 10 PEPs 9:00\n"
        "Meta Open Source 101 12:00"
    )
    assert [t for _, t in _chapters(notes)] == [
        "Python 3.12: what's new",
        "Intro: Joy",
        "Top 10 PEPs",
        "Meta Open Source 101",
    ]


def test_heading_words_are_not_part_of_the_first_title() -> None:
    for heading in ("Timestamps", "Time stamps", "Chapters", "Show notes"):
        assert _chapters(f"{heading} Intro 0:06 Topic 1:40")[0] == (6.0, "Intro")


def test_html_entities_anchors_and_t_fragments() -> None:
    html = (
        "<p>Chapters<br><a href='https://x.fm/ep#t=1:02'>Tom &amp; Jerry</a><br>"
        '<a href="https://x.fm/ep#t=125">Q&#8211;A</a></p>'
    )
    result = parse_shownotes(html)
    assert [(c.start_ms, c.title) for c in result.chapters] == [
        (62000, "Tom & Jerry"),
        (125000, "Q–A"),
    ]
    assert result.links == ()  # jump points into the episode itself are chapters, not links


def test_anchor_whose_text_is_a_time() -> None:
    html = '<a href="#" onclick="seek(6)">0:06</a> Intro<br><a href="#">1:40</a> Topic'
    assert _chapters(html) == [(6.0, "Intro"), (100.0, "Topic")]


# -- not chapters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "notes",
    [
        "Live at 10:30 am and at 9:00 PM, or 10:30 EST, 11:15 UTC.",
        "Shot in 16:10 aspect and 21:30 format.",
        "Read John 3:16, John 3:17 and Mark 12:30.",
        "Genesis 1:10 and Psalm 23:14 tonight.",
        "See https://a.example/10:30/11:45 and https://b.example/x?t=12:00",
        "If you are in a hurry, skip to 12:30 for the demo.",
        "Some text with a timecode 10:12 here. Hey look another one 1:10:12 here!",
        "Meet us from 18:00 to 21:00 at the pub.",
    ],
)
def test_not_chapters(notes: str) -> None:
    assert find_chapters(notes) == ()


def test_one_time_is_a_list_only_under_a_heading() -> None:
    assert _chapters("Chapters:\n0:00 Everything") == [(0.0, "Everything")]
    assert _chapters("0:00 Everything") == []


def test_times_at_or_past_the_duration_are_dropped() -> None:
    notes = "0:00 Intro\n10:00 Topic\n20:00 Bonus"
    assert _chapters(notes, duration_ms=1_200_000) == [(0.0, "Intro"), (600.0, "Topic")]
    assert _chapters(notes, duration_ms=1_200_001)[-1] == (1200.0, "Bonus")


def test_the_list_under_a_heading_wins_over_a_longer_stray_run() -> None:
    notes = "Earlier: 0:00 a 1:00 b 2:00 c 3:00 d\n\nTimestamps\n0:00 Hello\n5:00 Goodbye"
    assert _chapters(notes) == [(0.0, "Hello"), (300.0, "Goodbye")]


def test_exact_duplicates_are_dropped() -> None:
    assert _chapters("0:00 Intro\n0:00 Intro\n1:00 Next") == [(0.0, "Intro"), (60.0, "Next")]


# -- links ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        ("Docs: https://docs.example.com/", [("Docs", "https://docs.example.com/")]),
        ("Docs - https://docs.example.com/", [("Docs", "https://docs.example.com/")]),
        ("“A talk: part 1” - https://t.example/1", [("A talk: part 1", "https://t.example/1")]),
        ("See [The Docs](https://d.example/a_(b)).", [("The Docs", "https://d.example/a_(b)")]),
        ("Say hi on Threads (https://threads.net/@x).", [("Threads", "https://threads.net/@x")]),
        (
            "Check out https://jobs.example.com/.",
            [("https://jobs.example.com/", "https://jobs.example.com/")],
        ),
        (
            "Wiki: https://en.wikipedia.org/wiki/Foo_(bar), ok",
            [("Wiki", "https://en.wikipedia.org/wiki/Foo_(bar)")],
        ),
        ("“https://q.example/x”!", [("https://q.example/x", "https://q.example/x")]),
        ("Links: https://only.example/", [("https://only.example/", "https://only.example/")]),
        (
            "Show links Foo: https://foo.example/ Bar baz: https://bar.example/",
            [("Foo", "https://foo.example/"), ("Bar baz", "https://bar.example/")],
        ),
        ("mailto:me@example.com javascript:alert(1) file:///etc/passwd", []),
    ],
)
def test_link_labels(notes: str, expected: list[tuple[str, str]]) -> None:
    assert _labels(notes) == expected


def test_links_are_deduplicated_keeping_the_first_place_and_best_label() -> None:
    notes = "https://a.example/ Site A: https://a.example/ and B: https://b.example/"
    assert _labels(notes) == [("Site A", "https://a.example/"), ("B", "https://b.example/")]


def test_html_anchor_text_is_the_label() -> None:
    html = (
        '<p>Read <a href="https://r.example/post">the “great” post</a>'
        ' or <a href="mailto:x@y">mail</a></p>'
    )
    assert _labels(html) == [("the “great” post", "https://r.example/post")]


def test_link_chapter_index_follows_the_chapter_it_appears_in() -> None:
    notes = (
        "Intro text https://before.example/\n"
        "0:00 Intro\n"
        "5:00 Tools - https://tools.example/\n"
        "9:00 Outro\n"
        "Thanks: https://after.example/"
    )
    assert find_links(notes) == (
        Link("https://before.example/", "https://before.example/", None),
        Link("Tools", "https://tools.example/", 1),
        Link("Thanks", "https://after.example/", 2),
    )


# -- text and helpers ----------------------------------------------------------------------


def test_html_to_text_keeps_paragraphs_and_line_breaks() -> None:
    html = "<p>One &amp; two</p>\n<p>a<br/>b</p><ul><li>x</li><li>y</li></ul><script>bad()</script>"
    assert html_to_text(html) == "One & two\n\na\nb\n\n• x\n• y"


def test_looks_like_html() -> None:
    assert looks_like_html("<p>hi</p>")
    assert looks_like_html("Tom &amp; Jerry")
    assert not looks_like_html("1 < 2 and x > y")
    assert not looks_like_html("Intro 0:06 Topic 1:40")


def test_empty_input_gives_empty_results() -> None:
    assert parse_shownotes("") == ShowNotes("", (), ())
    assert parse_shownotes("   \n ") == ShowNotes("", (), ())


def test_plain_text_is_kept_readable() -> None:
    assert parse_shownotes("Line one\r\nLine two\n").text == "Line one\nLine two"


# -- edges the real cases showed ----------------------------------------------------------


def test_words_on_both_sides_of_a_time_make_one_title() -> None:
    notes = "Intro 0:00 - Welcome\nNews 5:00 - The week\nOutro 30:00 - Bye"
    assert _chapters(notes) == [
        (0.0, "Intro Welcome"),
        (300.0, "News The week"),
        (1800.0, "Outro Bye"),
    ]


def test_asides_that_point_elsewhere_are_not_chapters() -> None:
    assert _chapters("On en parle (voir à 6:20) dans la vidéo.\nEt aussi (voir à 8:10).") == []


def test_a_dated_line_holds_a_clock_time_not_a_chapter() -> None:
    notes = "0:00 Intro\n9 October: we met at 18:30\n5:00 Main\n20:00 Outro"
    assert _chapters(notes) == [(0.0, "Intro"), (300.0, "Main"), (1200.0, "Outro")]


def test_a_label_glued_before_the_first_time_is_not_its_title() -> None:
    notes = "【时间轴】    02:28 开场\n10:05 第二部分\n20:00 结束"
    assert _chapters(notes) == [(148.0, "开场"), (605.0, "第二部分"), (1200.0, "结束")]


def test_name_comma_url_on_its_own_line_is_labelled_by_the_name() -> None:
    assert _labels("Sponsor,  https://example.org/s") == [("Sponsor", "https://example.org/s")]
