"""Every kind of source through one entry point, as ``podplayer parse`` sees it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from podplayer.core import sources
from podplayer.core.errors import ParseError
from podplayer.core.fetch import Response

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
DEMO = ROOT / "resources" / "demo" / "podplayer-demo.mp3"


def _parse_json(source: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-m", "podplayer", "parse", source, "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


def test_audio_file_is_one_episode_whose_audio_is_the_file() -> None:
    printed = _parse_json(str(DEMO))
    (episode,) = printed["episodes"]  # type: ignore[misc]
    assert episode["audio"] == str(DEMO)
    assert episode["title"] == "A tour of podplayer"
    assert [c["start"] for c in episode["chapters"]] == [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]
    assert episode["chapters"][2]["title"] == "Click to seek"
    assert 59 < episode["duration"] < 61


def test_feed_file_gives_its_episodes() -> None:
    podcast = sources.load(str(DATA / "feeds" / "chapters-everywhere.rss"))
    assert podcast.title == "Chapters Everywhere"
    assert podcast.episodes[0].audio_url == "https://example.com/68.mp3"


def test_json_chapters_file_is_one_episode() -> None:
    podcast = sources.load(str(DATA / "chapters" / "podcast20.json"))
    (episode,) = podcast.episodes
    assert episode.chapters
    assert all(c.source == "json" for c in episode.chapters)


def test_page_still_goes_through_the_page_reader() -> None:
    podcast = sources.load(str(DATA / "pages" / "meta-tech-podcast.txt"))
    assert len(podcast.episodes) == 14


def test_url_uses_the_fetcher_and_the_final_url() -> None:
    body = (DATA / "feeds" / "chapters-everywhere.rss").read_bytes()
    asked: list[str] = []

    def fetcher(url: str) -> Response:
        asked.append(url)
        return Response("https://example.com/feed.xml", "application/rss+xml", body)

    podcast = sources.load("https://example.com/feed", fetcher=fetcher)
    assert asked == ["https://example.com/feed"]
    assert podcast.title == "Chapters Everywhere"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("noise.mp3", b"\x00" * 64, "audio"),
        ("broken.json", b"{not json", "chapter"),
        ("folder", None, "folder"),
        ("missing.txt", "missing", "does not exist"),
    ],
)
def test_unusable_sources_say_why(
    tmp_path: Path, name: str, content: bytes | str | None, message: str
) -> None:
    path = tmp_path / name
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(ParseError, match=message):
        sources.load(str(path))
