"""The show-notes sanitiser: hostile HTML comes out harmless, times become seek links, fast."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podplayer.core.notes import (
    SEEK_SCHEME,
    sanitize_notes,
    seek_target,
    seek_url,
)
from podplayer.core.notes.times import find_times

HOSTILE = """
<p onclick="steal()" style="color:#000">Intro <b>0:06</b> and
<a href="javascript:alert(1)">js</a>, <a href=" JaVa&#x09;ScRiPt:alert(2)">tabbed js</a>,
<a href="file:///etc/passwd">passwd</a>, <a href="data:text/html,<b>x</b>">data</a>,
<a href="vbscript:msgbox">vb</a>, <a href="/relative/page">relative</a>,
<a href="https://example.org/a?b=1&amp;c=2" onmouseover="x()" target="_blank">good</a>,
<a href="mailto:show@example.org">mail</a></p>
<script>document.write("<p>injected</p>")</script>
<SCRIPT src="https://evil.example/x.js"></SCRIPT>
<style>body { display: none }</style>
<iframe src="https://evil.example/frame">frame text</iframe>
<object data="x.swf"><embed src="x.swf">object text</object>
<img src="https://cdn.example/pic.png" onerror="x()" alt="pic">
<img src="file:///home/user/secret.png"><img src="data:image/png;base64,AAAA">
<svg onload="x()"><text>svg text</text></svg>
<form action="https://evil.example"><input value="x"><button>Press</button></form>
<p>Chapters: <a href="#t=1:23">1:23 Topic</a> <a href="#t=90">Later</a></p>
"""


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def tags_of(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser.tags


def hrefs(html: str) -> list[str]:
    return [v or "" for tag, attrs in tags_of(html) if tag == "a" for k, v in attrs if k == "href"]


def assert_safe(html: str, allow_images: bool = False) -> None:
    for tag, attrs in tags_of(html):
        assert tag not in {"script", "style", "iframe", "object", "embed", "svg", "form", "input"}
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name not in {"style", "class", "id", "target", "action", "data"}
            if name == "href":
                assert re.match(rf"^(https?://|mailto:|{SEEK_SCHEME}:\d+$)", value or ""), value
            if name == "src":
                assert allow_images and tag == "img"
                assert re.match(r"^https?://", value or ""), value


def test_hostile_html_is_made_harmless() -> None:
    result = sanitize_notes(HOSTILE)
    html = result.html
    assert_safe(html)
    assert hrefs(html) == [
        seek_url(6_000),
        "https://example.org/a?b=1&c=2",
        "mailto:show@example.org",
        seek_url(83_000),
        seek_url(90_000),
    ]
    for gone in ("injected", "display: none", "frame text", "svg text", "evil.example", "alert"):
        assert gone not in html
    # Refused links stay readable as text.
    for kept in ("js", "passwd", "data", "relative", "good", "Press"):
        assert kept in html
    assert "<img" not in html
    assert result.images_blocked == 3


def test_remote_images_only_when_allowed_and_only_http() -> None:
    result = sanitize_notes(HOSTILE, allow_images=True)
    assert_safe(result.html, allow_images=True)
    sources = [v for tag, attrs in tags_of(result.html) if tag == "img" for k, v in attrs]
    assert ("https://cdn.example/pic.png") in sources
    assert not any("file:" in (s or "") or "data:" in (s or "") for s in sources)
    assert result.images_blocked == 0


def test_plain_text_keeps_paragraphs_and_lines() -> None:
    notes = "First 0:06 Intro\nsecond line https://example.org/x.\n\n\nNew paragraph: 1 < 2 & 3 > 2"
    html = sanitize_notes(notes).html
    assert html.count("<p>") == 2
    assert "<br>" in html
    assert '<a href="https://example.org/x">' in html
    assert "1 &lt; 2 &amp; 3 &gt; 2" in html
    assert hrefs(html)[0] == seek_url(6_000)


def test_every_time_is_a_seek_link_but_clock_times_are_not() -> None:
    notes = "<p>(0:06) Intro, [12:34] Middle, 1:02:03.5 late; call at 10:30 am; v1.2:3</p>"
    links = [seek_target(h) for h in hrefs(sanitize_notes(notes).html)]
    assert links == [6_000, 754_000, 3_723_500]


def test_times_past_the_end_are_not_links() -> None:
    html = sanitize_notes("0:30 in, 5:00 out", duration_ms=60_000).html
    assert [seek_target(h) for h in hrefs(html)] == [30_000]


def test_times_inside_links_are_not_nested() -> None:
    html = sanitize_notes('<a href="https://example.org">see 1:23</a>').html
    assert html.count("<a ") == 1


def test_unclosed_and_misnested_tags_are_closed() -> None:
    html = sanitize_notes("<ul><li><b>one<li>two</ul><p><i>open <a href='https://x.org'>l").html
    assert_safe(html)
    assert html.count("<b>") == html.count("</b>")
    assert html.count("<a ") == html.count("</a>")


def test_nesting_is_capped() -> None:
    html = sanitize_notes("<b>" * 10_000 + "deep").html
    assert html.count("<b>") <= 64
    assert "deep" in html


def test_seek_target_and_url() -> None:
    assert seek_target(seek_url(1234)) == 1234
    assert seek_target("podplayer-seek:abc") is None
    assert seek_target("https://example.org") is None
    assert [t.ms for t in find_times("0:06 and 1:00:00")] == [6_000, 3_600_000]


@pytest.mark.parametrize(
    "notes",
    [
        HOSTILE * 1000,  # about 1 MB of dense, hostile HTML
        ("0:06 Intro https://example.org/x and text words here\n" * 20_000),
        '<a"' * 330_000,
        '<p title="' * 100_000,
        "<!--" + "x" * 1_000_000,
        "<script>" * 120_000,
    ],
    ids=["hostile-html", "plain-text", "quotes", "open-attribute", "comment", "scripts"],
)
def test_a_megabyte_stays_safe(notes: str) -> None:
    assert len(notes) >= 800_000
    assert_safe(sanitize_notes(notes).html)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<a href='javascript:x'>",
                "<a href=https://ok.example/>",
                "</a>",
                "<script>",
                "</script>",
                "<img src=file:///x onerror=y>",
                "<p onclick=z>",
                "<b>",
                "</b>",
                '"',
                "'",
                "<",
                ">",
                "&amp;",
                "&#106;avascript:",
                "1:23",
                "<style>",
                "<!--",
                "-->",
                '<a href="da\nta:x">',
                "text",
                " ",
            ]
        ),
        max_size=40,
    ),
    st.booleans(),
)
def test_random_tag_soup_is_always_safe(parts: list[str], allow: bool) -> None:
    assert_safe(sanitize_notes("".join(parts) + "<p>", allow_images=allow).html, allow)
