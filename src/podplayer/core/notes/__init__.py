"""The one reader of show notes: chapters, links, the sanitised notes pane and the search text.

Show notes come as HTML, Markdown or plain text. :func:`parse_shownotes` gives the readable
text, the chapter list and the links; :func:`sanitize_notes` the safe HTML the notes pane shows,
whose seek links are exactly the times the chapter finder accepts; :func:`text_of` the plain
text the search index stores (entities decoded). Modules: ``markup`` (markup to text with link
spans), ``times`` (the time grammar), ``chapters``, ``links``, ``sanitize``.

Pure Python: no Qt, no network; only :class:`~podplayer.core.errors.PodplayerError` leaves it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from podplayer.core.notes.markup import html_to_text, looks_like_html, text_of
    from podplayer.core.notes.reader import (
        ShowNotes,
        find_chapters,
        find_links,
        parse_shownotes,
    )
    from podplayer.core.notes.sanitize import (
        LINK_SCHEMES,
        SEEK_SCHEME,
        SanitizedNotes,
        sanitize_notes,
        seek_links,
        seek_target,
        seek_url,
    )
    from podplayer.core.notes.times import find_times, fragment_ms

# Where each public name lives. Modules load on first use: the window needs only the sanitiser
# at start-up, not the chapter finder's patterns (about 50 ms to compile).
_HOMES = {
    "html_to_text": "markup",
    "looks_like_html": "markup",
    "text_of": "markup",
    "ShowNotes": "reader",
    "find_chapters": "reader",
    "find_links": "reader",
    "parse_shownotes": "reader",
    "LINK_SCHEMES": "sanitize",
    "SEEK_SCHEME": "sanitize",
    "SanitizedNotes": "sanitize",
    "sanitize_notes": "sanitize",
    "seek_links": "sanitize",
    "seek_target": "sanitize",
    "seek_url": "sanitize",
    "find_times": "times",
    "fragment_ms": "times",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__all__ = [
    "LINK_SCHEMES",
    "SEEK_SCHEME",
    "SanitizedNotes",
    "ShowNotes",
    "find_chapters",
    "find_links",
    "find_times",
    "fragment_ms",
    "html_to_text",
    "looks_like_html",
    "parse_shownotes",
    "sanitize_notes",
    "seek_links",
    "seek_target",
    "seek_url",
    "text_of",
]
