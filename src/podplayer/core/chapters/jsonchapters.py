"""Podcast 2.0 JSON chapters (the file a ``<podcast:chapters url=...>`` points at).

``{"version": "1.2.0", "chapters": [{"startTime": 12.5, "title": "...", "endTime": 60,
"img": "...", "url": "...", "toc": false}, ...]}``; times are float seconds.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from podplayer.core import timecode
from podplayer.core.chapters.limits import check_chapter_count
from podplayer.core.errors import ParseError
from podplayer.core.model import Chapter, ChapterSource

log = logging.getLogger(__name__)

# 5,000 chapters with long titles and links stay under 2 MB; a tree of small JSON values costs
# about twenty times its size in memory.
MAX_BYTES = 4 * 1024 * 1024
_MAX_MS = 10**12  # beyond 30 years: not a position

_SURROGATE = re.compile("[\ud800-\udfff]")


def json_problem(exc: ValueError) -> str:
    """Where a JSON document goes wrong, in words: json's own message for bad syntax ("Expecting
    ',' delimiter: line 1 column 9"), not the int parser's advice on its digit limit."""
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    return "it holds a number too long to be one"


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    # JSON may escape a lone surrogate ("\\ud800"), which no file or terminal can write.
    return _SURROGATE.sub("\ufffd", value).strip() or None


def parse_json_chapters(data: bytes) -> tuple[Chapter, ...]:
    """Jump points from a Podcast 2.0 chapters file, sorted by start (ms).

    Entries with ``"toc": false`` are not jump points and are dropped; ``endTime``, ``img`` and
    ``url`` are kept (as ``end_ms``, ``image``, ``url``). An empty or placeholder file (no bytes,
    ``{}``, ``null``, ``{"chapters": []}``) gives ``()``. Entries without a usable ``startTime`` are
    skipped. Raises ParseError for bytes that are not JSON or not a chapters document.
    """
    if len(data) > MAX_BYTES:
        raise ParseError("This chapters file is too large to be a chapters file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParseError("This chapters file is not UTF-8 text") from None
    if not text.strip():
        return ()
    try:
        doc = json.loads(text)
    except RecursionError:
        raise ParseError("This chapters file is not valid JSON: it nests too deeply") from None
    except ValueError as exc:
        raise ParseError(f"This chapters file is not valid JSON: {json_problem(exc)}") from None
    if doc is None or doc in ({}, []):
        return ()
    entries: Any
    if isinstance(doc, dict):
        if "chapters" not in doc:
            raise ParseError("This JSON file has no “chapters” list")
        entries = doc["chapters"]
    else:
        entries = doc  # a bare list, as a few generators write
    if entries is None:
        return ()
    if not isinstance(entries, list):
        raise ParseError("The “chapters” entry of this file is not a list")
    check_chapter_count(len(entries), "This chapters file")
    chapters: list[Chapter] = []
    usable = 0
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        start_ms = timecode.from_json_seconds(entry.get("startTime"), max_ms=_MAX_MS)
        if start_ms is None:
            continue
        usable += 1
        if entry.get("toc") is False:
            continue
        end_ms = timecode.from_json_seconds(entry.get("endTime"), max_ms=_MAX_MS)
        if end_ms is not None and end_ms <= start_ms:
            end_ms = None
        chapters.append(
            Chapter(
                start_ms=start_ms,
                title=_text(entry.get("title")) or "",
                end_ms=end_ms,
                url=_text(entry.get("url")),
                image=_text(entry.get("img")),
                source=ChapterSource.JSON,
            )
        )
    if entries and not usable:
        raise ParseError("No entry of this chapters file has a start time")
    chapters.sort(key=lambda c: c.start_ms)
    return tuple(chapters)
