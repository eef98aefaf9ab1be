"""Golden files: each tests/data/shownotes/<case>.txt|.md|.html beside <case>.expected.json.

The expected file holds ``chapters`` (start in seconds, title), always compared, and ``links``
(label, url), compared when the key is present; an optional ``duration`` (seconds) is passed to
the parser. Provenance of the real cases is in the README beside them. A bug report becomes a new
pair of files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from podplayer.core.notes import parse_shownotes

DATA = Path(__file__).resolve().parents[1] / "data" / "shownotes"
CASES = sorted(
    p
    for p in DATA.iterdir()
    if p.suffix in {".txt", ".md", ".html"} and p.with_name(p.stem + ".expected.json").exists()
)


def _as_json(notes: str, duration: float | None) -> dict[str, Any]:
    duration_ms = None if duration is None else round(duration * 1000)
    result = parse_shownotes(notes, duration_ms=duration_ms)
    return {
        "chapters": [{"start": c.start_ms / 1000, "title": c.title} for c in result.chapters],
        "links": [{"label": link.label, "url": link.url} for link in result.links],
    }


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_golden(case: Path) -> None:
    expected = json.loads(case.with_name(case.stem + ".expected.json").read_text("utf-8"))
    got = _as_json(case.read_text("utf-8"), expected.pop("duration", None))
    assert got["chapters"] == expected["chapters"]
    if "links" in expected:
        assert got["links"] == expected["links"]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_golden_chapters_are_shownotes_chapters(case: Path) -> None:
    result = parse_shownotes(case.read_text("utf-8"))
    starts = [c.start_ms for c in result.chapters]
    assert starts == sorted(starts)
    assert all(c.source == "shownotes" and c.end_ms is None for c in result.chapters)
    assert len({link.url for link in result.links}) == len(result.links)
