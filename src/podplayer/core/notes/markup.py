"""Show notes (HTML, Markdown or plain text) -> readable text with the spans of its links.

HTML: paragraphs become blank lines, ``<br>``/``<li>``/``<div>`` new lines, list items start with
``• ``, table cells are separated by a space, scripts and styles are dropped, entities decoded.
Markdown: ``[label](url)`` becomes ``label`` with a link span (``[12:01](#t=12:01)`` too); the
rest (``**``, ``##``) stays text for the chapter and link readers, which know it. Plain text: line
ends are normalised and zero-width characters dropped. Never raises.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

__all__ = ["Marked", "Span", "html_to_text", "looks_like_html", "read_markup", "text_of"]

#: Characters of markup that are read; notes are never this long, a hostile page may be.
MAX_MARKUP = 4_000_000
#: Links kept from one text.
MAX_SPANS = 5_000


@dataclass(slots=True)
class Span:
    """A link in the text: ``text[start:end]`` is its own text, ``href`` as written."""

    href: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Marked:
    """Readable text and its links, in order of appearance."""

    text: str
    spans: tuple[Span, ...] = ()


_HTML_HINT = re.compile(
    r"<(?:/?(?:p|br|a|div|span|li|ul|ol|b|strong|em|i|u|h[1-6]|img|table|tr|td|th|blockquote"
    r"|pre|code|hr|section|article|small|sup|sub|dl|dt|dd|figure|iframe|font)\b[^<>]*|!--)>?"
    r"|&(?:amp|lt|gt|quot|apos|nbsp|ndash|mdash|hellip|rsquo|lsquo|rdquo|ldquo|#\d{1,7}"
    r"|#x[0-9a-f]{1,6});",
    re.IGNORECASE,
)
# The shared "<" comes first so that the regex engine looks for it like a substring.
_TAG = re.compile(
    r"<(?:!--.*?(?:-->|\Z)"
    r"|!\[CDATA\[(?P<cdata>.*?)(?:\]\]>|\Z)"
    # Possessive: attributes are read once, never re-split when the tag does not close.
    r"|(?P<close>/)?(?P<name>[a-zA-Z][a-zA-Z0-9:-]*)"
    r"(?P<attrs>(?:[^<>\"']++|\"[^\"]*+\"|'[^']*+')*+)/?>"
    r"|[!?][^<>]*>)",
    re.DOTALL,
)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+))""", re.IGNORECASE)
_WHITESPACE = re.compile(r"[ \t\n\r\f\v\u00a0\u2007\u202f\u3000]+")
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
_ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH_CHARS}]")
# [label](https://...) or [label](#t=...), an optional "title"; one level of parentheses in
# the URL (Wikipedia's "Foo_(bar)"). The label may wrap onto the next line, not across a blank
# one. Images (![alt](src)) keep their alt text and are no link.
_MARKDOWN_LINK = re.compile(
    r"!?\[(?P<label>(?:[^\[\]\n]|\n(?![ \t]*\n)|\[[^\[\]\n]{0,300}\]){0,300})\]\(\s*<?(?P<href>(?:https?://|#)"
    r"[^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*)>?(?:\s+\"[^\"\n]{0,200}\")?\s*\)"
)

_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
# Markdown that is not HTML: lines that start with its block markers, and no block tag.
_MARKDOWN_LINE = re.compile(r"^(?:#{1,6} |[-*+] |\d{1,3}\. |> )", re.MULTILINE)
_BLOCK_TAG = re.compile(r"<(?:p|br|div|li|ul|ol|h[1-6]|table|tr|blockquote|pre)\b", re.IGNORECASE)
# Inline HTML inside Markdown: comments and tags go, <a href> becomes a Markdown link.
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_INLINE_ANCHOR = re.compile(
    r"<a\s[^<>]*?href\s*=\s*[\"']?(?P<href>https?://[^\"'\s<>]+|#[^\"'\s<>]*)[^<>]*>"
    r"(?P<label>[^<>]{0,300})</a>",
    re.IGNORECASE,
)
# A line of tags only (``<div class="clearfix"></div>``): an HTML block inside Markdown.
_TAG_ONLY_LINE = re.compile(r"^[ \t]*(?:<[^<>\n]*>[ \t]*)+$", re.MULTILINE)
_INLINE_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")

_SKIP_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript", "svg"})
_PARAGRAPH_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "pre"}
    | {"hr", "section", "article", "figure"}
)
_LINE_TAGS = frozenset({"br", "div", "li", "tr", "dt", "dd", "header", "footer", "nav", "aside"})
_TAG_KINDS = (
    dict.fromkeys(_SKIP_TAGS, "skip")
    | {"a": "a", "li": "item", "td": "cell", "th": "cell"}
    | dict.fromkeys(_PARAGRAPH_TAGS, "paragraph")
    | dict.fromkeys(_LINE_TAGS - {"li"}, "line")
    # Tags that only separate text, listed so that the common ones need no lower-casing.
    | dict.fromkeys(
        ("b", "strong", "em", "i", "u", "span", "small", "sup", "sub", "img", "font"), ""
    )
)


def looks_like_html(notes: str) -> bool:
    """True when ``notes`` contains HTML tags or entities (``<p>``, ``<br/>``, ``&amp;``...).

    >>> looks_like_html("<p>Intro <b>0:06</b></p>"), looks_like_html("a < b and 3 > 2")
    (True, False)
    """
    if "<" not in notes and "&" not in notes:
        return False
    return _HTML_HINT.search(notes) is not None


def _is_markdown(notes: str) -> bool:
    """Markdown with some inline HTML (a comment, a link, a ``<div>`` alone on its line)
    rather than an HTML document."""
    if _MARKDOWN_LINE.search(notes) is None:
        return False
    return _BLOCK_TAG.search(_TAG_ONLY_LINE.sub("", notes)) is None


def _inline_html_to_markdown(text: str) -> str:
    if "<" not in text and "&" not in text:
        return text
    text = _HTML_COMMENT.sub("", text)
    text = _INLINE_ANCHOR.sub(lambda m: f"[{m['label']}]({m['href']})", text)
    return html.unescape(_INLINE_TAG.sub("", text))


def _drop_zero_width(text: str) -> str:
    # Five substring tests are several times faster than the pattern over a long text.
    if text.isascii() or not any(char in text for char in _ZERO_WIDTH_CHARS):
        return text
    return _ZERO_WIDTH.sub("", text)


class _TextWriter:
    """HTML to text, one piece at a time; breaks are owed until visible text follows."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.pending = 0  # line breaks owed before the next visible text
        self.line_start = True
        self.space = False  # the text so far ends in a space
        self.spans: list[Span] = []
        self.anchor: Span | None = None
        self.anchor_open = False  # the anchor has seen its first visible character

    def owe(self, breaks: int) -> None:
        if self.length and self.pending < breaks:
            self.pending = breaks

    def _pay(self) -> None:
        """Write the owed line breaks, dropping the space before them."""
        if not self.pending:
            return
        if self.length:
            if self.space:
                self.parts[-1] = self.parts[-1][:-1]
                self.length -= 1
            self.parts.append("\n" * self.pending)
            self.length += self.pending
            self.line_start, self.space = True, False
        self.pending = 0

    def _start_anchor(self, at: int) -> None:
        if self.anchor is not None and not self.anchor_open:
            self.anchor.start = at
            self.anchor_open = True

    def bullet(self) -> None:
        self._pay()
        self._start_anchor(self.length)
        self._append("• ")

    def _append(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.length += len(chunk)
        self.line_start = False
        self.space = chunk[-1] == " "

    def write(self, chunk: str) -> None:
        if not chunk.isascii():
            chunk = _drop_zero_width(chunk)
        # Printable text with no double space has only single plain spaces: nothing to collapse.
        if "  " in chunk or not chunk.isprintable():
            chunk = _WHITESPACE.sub(" ", chunk)
        if chunk == " " or not chunk:
            if not (self.line_start or self.space or self.pending):
                self._append(" ")
            return
        self._pay()
        if self.line_start or self.space:
            chunk = chunk.lstrip(" ")
        if self.anchor is not None and not self.anchor_open:
            self._start_anchor(self.length + len(chunk) - len(chunk.lstrip(" ")))
        self._append(chunk)

    def open_anchor(self, attrs: str) -> None:
        self.close_anchor()
        href = _HREF.search(attrs)
        value = "" if href is None else next(g for g in href.groups() if g is not None)
        self.anchor, self.anchor_open = Span(html.unescape(value).strip(), 0, 0), False

    def close_anchor(self) -> None:
        if self.anchor is not None and self.anchor_open and len(self.spans) < MAX_SPANS:
            self.anchor.end = self.length
            self.spans.append(self.anchor)
        self.anchor = None

    def result(self) -> Marked:
        self.close_anchor()
        text = "".join(self.parts).rstrip()
        for span in self.spans:
            span.end = min(span.end, len(text))
        return Marked(text, tuple(self.spans))


def _pieces(markup: str) -> Iterator[tuple[Any, Any, Any, Any, str]]:
    """(cdata, close, name, attrs, text after the tag) for every tag; the first has no tag."""
    pieces: Iterator[Any] = chain((None, None, None, None), _TAG.split(markup))
    return zip(pieces, pieces, pieces, pieces, pieces, strict=True)


def _tag(writer: _TextWriter, kind: str, closing: bool, attrs: str) -> None:
    if kind == "a":
        if closing:
            writer.close_anchor()
        else:
            writer.open_anchor(attrs)
    elif kind == "paragraph":
        writer.owe(2)
    elif kind == "line":
        writer.owe(1)
    elif kind == "item":
        writer.owe(1)
        if not closing:
            writer.bullet()
    elif kind == "cell":
        writer.write(" ")


def _html_to_marked(markup: str) -> Marked:
    writer = _TextWriter()
    skip: str | None = None  # inside this element, nothing is text
    for cdata, closing, name, attrs, raw in _pieces(markup):
        if skip is not None:
            if not (closing and name.lower() == skip):
                continue
            skip = None
        elif cdata is not None:
            writer.write(cdata)
        elif name:
            kind = _TAG_KINDS.get(name)
            if kind is None:
                kind = _TAG_KINDS.get(name.lower(), "")
            if kind == "skip" and not closing and not attrs.endswith("/"):
                skip = name.lower()
                continue
            if kind:  # most tags (b, span, em...) only separate text
                _tag(writer, kind, bool(closing), attrs)
        if raw:
            writer.write(html.unescape(raw) if "&" in raw else raw)
    return writer.result()


# Reference-style links: "[label]: https://..." defines what "[text][label]", "[text][]" and
# "[text]" point at.
_REFERENCE_DEFINITION = re.compile(
    r"^[ ]{0,3}\[(?P<label>[^\[\]\n]{1,300})\]:[ \t]*<?(?P<href>https?://[^\s<>]+)>?",
    re.MULTILINE,
)
_REFERENCE_LINK = re.compile(
    r"(?<![\\!\]])\[(?P<text>[^\[\]\n]{1,300})\](?:\[(?P<ref>[^\[\]\n]{0,300})\])?(?![(:\[])"
)


def _reference_key(label: str) -> str:
    return " ".join(label.split()).casefold()


def _inline_references(text: str) -> str:
    """``text`` with its defined reference-style links written as inline ones."""
    if "]:" not in text:
        return text
    hrefs: dict[str, str] = {}
    for definition in _REFERENCE_DEFINITION.finditer(text):
        hrefs.setdefault(_reference_key(definition["label"]), definition["href"])
    if not hrefs:
        return text

    def inline(link: re.Match[str]) -> str:
        href = hrefs.get(_reference_key(link["ref"] or link["text"]))
        return link[0] if href is None else f"[{link['text']}]({href})"

    return _REFERENCE_LINK.sub(inline, text)


def _unescape(text: str) -> str:
    r"""Markdown's backslash escapes as the characters they stand for (``Nasa\...``)."""
    return _MARKDOWN_ESCAPE.sub(r"\1", text) if "\\" in text else text


def _markdown_to_marked(text: str) -> Marked:
    text = _inline_references(text)
    if "](" not in text:
        return Marked(_unescape(text))
    parts: list[str] = []
    spans: list[Span] = []
    length = last = 0
    for match in _MARKDOWN_LINK.finditer(text):
        before = _unescape(text[last : match.start()])
        label = _MARKDOWN_ESCAPE.sub(r"\1", match["label"]).strip()
        parts += (before, label)
        length += len(before)
        if label and not match[0].startswith("!") and len(spans) < MAX_SPANS:
            spans.append(Span(match["href"], length, length + len(label)))
        length += len(label)
        last = match.end()
    parts.append(_unescape(text[last:]))
    return Marked("".join(parts), tuple(spans))


def read_markup(notes: str) -> Marked:
    """The readable text of ``notes`` and its links (see the module docstring)."""
    notes = notes[:MAX_MARKUP]
    text = notes.replace("\r\n", "\n").replace("\r", "\n") if "\r" in notes else notes
    if looks_like_html(text):
        if not _is_markdown(text):
            return _html_to_marked(notes)
        text = _inline_html_to_markdown(text)
    return _markdown_to_marked(_drop_zero_width(text).strip())


def html_to_text(markup: str) -> str:
    """Readable plain text from HTML: paragraphs become blank lines, ``<br>``/``<li>`` new lines.

    Entities are decoded, scripts and styles dropped, whitespace collapsed. Never raises.

    >>> html_to_text("<p>Tom &amp; Jerry</p><p>0:06 Intro<br>1:40 Topic</p>")
    'Tom & Jerry\\n\\n0:06 Intro\\n1:40 Topic'
    """
    return _html_to_marked(markup[:MAX_MARKUP]).text


def text_of(notes: str) -> str:
    """The plain text a reader sees in ``notes``: what the search index stores.

    Tags are gone and entities decoded (``caf&eacute;`` is ``café``); Markdown links keep
    their label. Never raises.

    >>> text_of("<p>Caf&eacute; <b>culture</b></p>"), text_of("See [the docs](https://d.org).")
    ('Café culture', 'See the docs.')
    """
    return read_markup(notes).text
