"""Golden files: tests/data/feeds/<case>.xml beside <case>.expected.json (see PROVENANCE.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from podplayer.core.feeds import read_feed
from podplayer.core.model import Episode, Podcast

DATA = Path(__file__).resolve().parents[1] / "data" / "feeds"
CASES = sorted(p for p in DATA.glob("*.xml") if p.with_suffix(".expected.json").exists())


def _episode(episode: Episode) -> dict[str, Any]:
    return {
        "guid": episode.guid,
        "number": episode.number,
        "title": episode.title,
        "published": episode.published.isoformat() if episode.published else None,
        "duration_ms": episode.duration_ms,
        "audio_url": episode.audio_url,
        "chapters_url": episode.chapters_url,
        "transcripts": [
            {"url": t.url, "type": t.type, "language": t.language, "rel": t.rel}
            for t in episode.transcripts
        ],
        "chapters": [[c.start_ms, c.title, c.source] for c in episode.chapters],
        "links": [[link.label, link.url] for link in episode.links],
    }


def as_json(podcast: Podcast) -> dict[str, Any]:
    return {
        "title": podcast.title,
        "description": podcast.description,
        "image": podcast.image,
        "episodes": [_episode(e) for e in podcast.episodes],
    }


def test_there_are_golden_feeds() -> None:
    assert CASES


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden_feed(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    podcast = read_feed(path.read_bytes(), expected["url"]).podcast
    assert as_json(podcast) == expected["podcast"]


if __name__ == "__main__":
    # Writes the expected file of each case named on the command line (check the diff by hand).
    for name in sys.argv[2:]:
        case = DATA / f"{name}.xml"
        url = sys.argv[1]
        result = {"url": url, "podcast": as_json(read_feed(case.read_bytes(), url).podcast)}
        case.with_suffix(".expected.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
