"""The white-space filters with their shortcut give podcastparser's results."""

from __future__ import annotations

import podcastparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podplayer.core.feeds import _squash_whitespace, _squash_whitespace_not_nl

PIECES = [" ", "  ", "\t", "\n", "\r", "\x0b", "\x1c", "\x85", "\u00a0", "\u2003", "\u2028"]
PIECES += ["\u3000", "\u200b", "a", "é", "x y", "<p>", "&amp;", "\x00"]


@pytest.mark.parametrize("text", ["", " a  b ", "plain text here", "a\tb", "a\r\n b", "a\u2003b"])
def test_known_texts(text: str) -> None:
    assert _squash_whitespace(text) == podcastparser.squash_whitespace(text)
    assert _squash_whitespace_not_nl(text) == podcastparser.squash_whitespace_not_nl(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_generated_texts(text: str) -> None:
    assert _squash_whitespace(text) == podcastparser.squash_whitespace(text)
    assert _squash_whitespace_not_nl(text) == podcastparser.squash_whitespace_not_nl(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_any_text(text: str) -> None:
    assert _squash_whitespace(text) == podcastparser.squash_whitespace(text)
    assert _squash_whitespace_not_nl(text) == podcastparser.squash_whitespace_not_nl(text)
