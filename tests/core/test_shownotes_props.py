"""Property tests: nothing but PodplayerError escapes, and every layout parses back to itself."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podplayer.core.errors import PodplayerError
from podplayer.core.notes import html_to_text, looks_like_html, parse_shownotes
from podplayer.core.timecode import format_ms

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LAYOUT = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_FRAGMENTS = [
    "<p>",
    "</p>",
    "<br>",
    "<br/>",
    "<li>",
    "</li>",
    "<ul>",
    "<b>",
    "</b>",
    "<strong>",
    "</a>",
    "<a href='https://x.example/ep#t=1:02'>",
    '<a href="#t=62">',
    '<a href="mailto:a@b">',
    "<a href=https://y.example/>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "&amp;",
    "&#8211;",
    "&#x2014;",
    "&nbsp;",
    "&bogus;",
    "0:06",
    "1:02:03.500",
    "75:12",
    "10:30 am",
    "John 3:16",
    "16:9",
    "Intro",
    "Chapters:",
    "Timestamps",
    "Links",
    "https://a.example/b_(c)",
    "https://",
    "(",
    ")",
    "[",
    "](",
    "]",
    "**",
    " - ",
    " | ",
    ": ",
    "\n",
    "\n\n",
    " ",
    "“",
    "”",
    "•",
    "1.",
    "@passy",
    "<",
    ">",
    "'",
    '"',
]


@FUZZ
@given(st.text())
def test_arbitrary_text_never_raises(notes: str) -> None:
    try:
        result = parse_shownotes(notes, duration_ms=None)
    except PodplayerError:
        return
    assert all(link.url.startswith(("http://", "https://")) for link in result.links)


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=8)), max_size=40))
def test_arbitrary_html_ish_text_never_raises(parts: list[str]) -> None:
    notes = "".join(parts)
    try:
        result = parse_shownotes(notes, duration_ms=3_600_000)
        html_to_text(notes)
        looks_like_html(notes)
    except PodplayerError:
        return
    starts = [c.start_ms for c in result.chapters]
    assert starts == sorted(starts)
    assert all(0 <= s < 3_600_000 for s in starts)
    assert len({link.url for link in result.links}) == len(result.links)


# Titles from words that are neither times, headings, clock suffixes, bible books nor bullets,
# nor sentence ends (a run-together list followed by a sentence on the same line is cut there).
_WORDS = [
    "Intro",
    "Outro",
    "Guest",
    "Story",
    "Rust",
    "Python",
    "Deep",
    "Dive",
    "Questions",
    "News",
    "Tools",
    "Wrap",
    "Music",
    "Cooking",
    "Gardening",
    "Space",
    "Why?",
    "Q&A",
    "Bonus",
    "Kevin's",
]
_titles = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4).map(" ".join)


@st.composite
def _chapter_lists(draw: st.DrawFn) -> list[tuple[int, str]]:
    count = draw(st.integers(min_value=2, max_value=30))
    with_millis = draw(st.booleans())
    start = draw(st.integers(min_value=0, max_value=600_000))
    steps = draw(
        st.lists(st.integers(min_value=1_000, max_value=1_500_000), min_size=count, max_size=count)
    )
    chapters = []
    for step, title in zip(
        steps, draw(st.lists(_titles, min_size=count, max_size=count)), strict=True
    ):
        start += step if chapters else 0
        ms = start if with_millis else start - start % 1000
        chapters.append((ms, title))
    # Whole seconds can make two close starts equal; a list increases.
    return [c for i, c in enumerate(chapters) if i == 0 or c[0] > chapters[i - 1][0]]


def _time(ms: int, style: str) -> str:
    millis = ms % 1000 != 0
    if style == "minutes" and ms < 1000 * 60 * 1000:
        seconds, rest = divmod(ms, 1000)
        text = f"{seconds // 60}:{seconds % 60:02d}"
        return text + (f".{rest:03d}" if millis else "")
    return format_ms(ms, always_hours=style == "hours", millis=millis)


_LINE_LAYOUTS: dict[str, Callable[[str, str], str]] = {
    "time title": lambda t, title: f"{t} {title}",
    "time - title": lambda t, title: f"{t} - {title}",
    "time – title": lambda t, title: f"{t} – {title}",
    "(time) title": lambda t, title: f"({t}) {title}",
    "[time] title": lambda t, title: f"[{t}] {title}",
    "title - time": lambda t, title: f"{title} - {t}",
    "title time": lambda t, title: f"{title} {t}",
    "title (time)": lambda t, title: f"{title} ({t})",
    "time | title": lambda t, title: f"{t} | {title}",
    "**time** title": lambda t, title: f"**{t}** {title}",
    "- time title": lambda t, title: f"- {t} {title}",
    "• title: time": lambda t, title: f"• {title}: {t}",
}


def _escape(title: str) -> str:
    return title.replace("&", "&amp;")


def _render(layout: str, chapters: list[tuple[int, str]], style: str) -> str:
    times = [(_time(ms, style), title) for ms, title in chapters]
    if layout in _LINE_LAYOUTS:
        return "\n".join(_LINE_LAYOUTS[layout](t, title) for t, title in times)
    if layout == "run-together titles first":
        return "Great talk. Timestamps " + " ".join(f"{title} {t}" for t, title in times)
    if layout == "run-together times first":
        return "Chapters: " + " ".join(f"{t} {title}" for t, title in times) + "\n\nBye"
    if layout == "html list":
        items = "".join(f"<li><b>{t}</b> &ndash; {_escape(title)}</li>" for t, title in times)
        return f"<p>Notes</p><ul>{items}</ul>"
    if layout == "html br":
        lines = "<br />\n".join(f"{t} {_escape(title)}" for t, title in times)
        return f"<p>Time stamps:</p><p>{lines}</p>"
    assert layout == "html t anchors"
    anchors = "<br>".join(
        f'<a href="https://pod.example/ep#t={ms // 1000}.{ms % 1000:03d}">{_escape(title)}</a>'
        for ms, title in chapters
    )
    return f"<p>{anchors}</p>"


_LAYOUTS = [
    *_LINE_LAYOUTS,
    "run-together titles first",
    "run-together times first",
    "html list",
    "html br",
    "html t anchors",
]


@LAYOUT
@given(
    _chapter_lists(),
    st.sampled_from(_LAYOUTS),
    st.sampled_from(["display", "hours", "minutes"]),
)
def test_every_layout_parses_back(chapters: list[tuple[int, str]], layout: str, style: str) -> None:
    notes = _render(layout, chapters, style)
    got = [(c.start_ms, c.title) for c in parse_shownotes(notes).chapters]
    assert got == chapters, notes
