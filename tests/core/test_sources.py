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


# -- what a source is: decided by content, the same for every entry point --------------------

OPML = (DATA / "opml" / "gpodder.opml").read_bytes()
FEED = (DATA / "feeds" / "chapters-everywhere.rss").read_bytes()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("subs.xml", OPML, sources.Kind.OPML),
        ("subs.opml", OPML, sources.Kind.OPML),
        ("feed.txt", FEED, sources.Kind.FEED),
        ("feed.xml", b"\n\n  " + FEED, sources.Kind.FEED),
        ("feed.xml", b"\xef\xbb\xbf\r\n" + FEED, sources.Kind.FEED),
        ("notes.txt", b"[00:00] Intro\n[05:30] News\n[12:00] Outro\n", sources.Kind.NOTES),
        ("notes.html", b"[<b>00:00</b>] Intro<br>[05:30] News", sources.Kind.NOTES),
        ("chapters.txt", b'{"version": "1.2.0", "chapters": []}', sources.Kind.JSON_CHAPTERS),
        ("broken.json", b"{not json", sources.Kind.JSON_CHAPTERS),
        ("list.txt", b"[1, 2, 3]", sources.Kind.NOTES),
        ("episode.bin", (ROOT / "resources" / "demo" / "podplayer-demo.mp3").read_bytes()[:64],
         sources.Kind.AUDIO),
    ],
)  # fmt: skip
def test_classify_reads_the_content_first(name: str, data: bytes, kind: sources.Kind) -> None:
    assert sources.classify(data, name=name) is kind


def test_a_page_listing_episodes_is_a_page() -> None:
    page = (DATA / "pages" / "meta-tech-podcast.txt").read_bytes()
    assert sources.classify(page, name="page.txt") is sources.Kind.PAGE


def test_bracketed_notes_file_parses_as_notes(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("[00:00] Intro\n[05:30] The news\n[12:00] Outro\n", "utf-8")
    printed = _parse_json(str(notes))
    (episode,) = printed["episodes"]  # type: ignore[misc]
    assert [(c["start"], c["title"]) for c in episode["chapters"]] == [
        (0.0, "Intro"),
        (330.0, "The news"),
        (720.0, "Outro"),
    ]


def test_feed_with_blank_lines_and_bom_before_the_declaration_is_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(b"\xef\xbb\xbf\n\n   " + FEED)
    assert sources.load(str(path)).title == "Chapters Everywhere"


def test_opml_named_xml_is_not_taken_for_a_podcast(tmp_path: Path) -> None:
    path = tmp_path / "subs.xml"
    path.write_bytes(OPML)
    with pytest.raises(ParseError, match="OPML"):
        sources.load(str(path))


@pytest.mark.parametrize(
    ("given", "read"),
    [
        ("file:///tmp/My%20Show/x.mp3", "/tmp/My Show/x.mp3"),
        ("file://localhost/tmp/x.mp3", "/tmp/x.mp3"),
        ("feed://example.org/feed.xml", "http://example.org/feed.xml"),
        ("feed:https://example.org/feed.xml", "https://example.org/feed.xml"),
        ("podcast://example.org/feed.xml", "http://example.org/feed.xml"),
        ("itpc://example.org/feed.xml", "http://example.org/feed.xml"),
        ("pcast://example.org/feed.xml", "http://example.org/feed.xml"),
        ("  https://example.org/feed.xml\n", "https://example.org/feed.xml"),
        ("notes.txt", "notes.txt"),
    ],
)
def test_normalize_turns_what_desktops_hand_over_into_paths_and_urls(given: str, read: str) -> None:
    assert sources.normalize(given) == read


@pytest.mark.parametrize("given", ["javascript:alert(1)", "data:text/plain,hi", "file://h/x"])
def test_normalize_refuses_other_schemes(given: str) -> None:
    with pytest.raises(ParseError):
        sources.normalize(given)


def test_parse_reads_a_file_url(tmp_path: Path) -> None:
    notes = tmp_path / "my notes.txt"
    notes.write_text("Intro 0:00\nMain topic 4:10\nOutro 30:00\n", "utf-8")
    printed = _parse_json(notes.as_uri())
    (episode,) = printed["episodes"]  # type: ignore[misc]
    assert len(episode["chapters"]) == 3


def test_parse_reads_a_feed_url_over_http() -> None:
    from httpserver import Resource, loopback_server

    with loopback_server() as server:
        url = server.add("/feed.xml", Resource(FEED))
        printed = _parse_json(url.replace("http://", "feed://"))
    assert printed["podcast"]["title"] == "Chapters Everywhere"  # type: ignore[index]
