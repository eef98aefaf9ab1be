"""HTML to text piece by piece: bullets, cells, CDATA and links where the pieces meet.

Each case pins where the text and each link's span land when breaks, bullets, spaces and link
tags come together; these are the places a faster walk over the tags could drift.
"""

from __future__ import annotations

import pytest

from podplayer.core.notes.markup import read_markup

CASES = [
    (
        "<ul><li>0:00 Intro</li><LI>1:00 Topic</LI><Li> </Li></ul>",
        "• 0:00 Intro\n• 1:00 Topic\n•",
        [],
    ),
    (
        '<p>a <a href="https://ex.com/a">label </a><br>next</p>',
        "a label\nnext",
        [("https://ex.com/a", 2, 8)],
    ),
    (
        '<ul><li><a href="https://ex.com/x">X</a></li>'
        '<li><a href="https://ex.com/y"> </a>y</li></ul>',
        "• X\n• y",
        [("https://ex.com/x", 2, 3)],
    ),
    ('<a href="#t=1:02"><li>Intro</li></a>', "• Intro", [("#t=1:02", 0, 7)]),
    (
        "<table><tr><td>0:00</td><td>Intro</td></tr><tr><th>1:00</th><td>Topic</td></tr></table>",
        "0:00 Intro\n1:00 Topic",
        [],
    ),
    ("<p>x<![CDATA[ 0:10 cd ]]>y</p><li>&amp;</li>", "x 0:10 cd y\n\n• &", []),
    (
        "<p>Tom &amp; <b>Jerry</b>&nbsp;&nbsp;x\u200b</p><SCRIPT>0:00 no</SCRIPT><li>\u2003z</li>",
        "Tom & Jerry x\n\n• \u2003z",
        [],
    ),
]


@pytest.mark.parametrize(("markup", "text", "links"), CASES)
def test_pieces_meet_as_before(markup: str, text: str, links: list[tuple[str, int, int]]) -> None:
    marked = read_markup(markup)
    assert marked.text == text
    assert [(a.href, a.start, a.end) for a in marked.spans] == links
