"""Pages and show-notes files -> Podcast, and the ``parse --json`` contract on golden files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from podplayer.cli import main, podcast_json
from podplayer.core import sources
from podplayer.core.errors import ParseError

DATA = Path(__file__).resolve().parents[1] / "data"
PAGE_CASES = sorted((DATA / "pages").glob("*.expected.json"))


def _source_for(expected: Path) -> Path:
    stem = expected.name.removesuffix(".expected.json")
    matches = [p for p in expected.parent.glob(stem + ".*") if p != expected]
    assert len(matches) == 1, matches
    return matches[0]


@pytest.mark.parametrize("expected", PAGE_CASES, ids=lambda p: p.name.split(".")[0])
def test_page_golden(expected: Path) -> None:
    podcast = sources.load(str(_source_for(expected)))
    assert podcast_json(podcast) == json.loads(expected.read_text(encoding="utf-8"))


def test_seed_has_fourteen_episodes_in_page_order() -> None:
    podcast = sources.load(str(DATA / "pages" / "meta-tech-podcast.txt"))
    numbers = [ep.number for ep in podcast.episodes]
    assert numbers == [68, 67, 66, 65, 64, 63, 62, 61, 60, 59, 58, None, 57, 56]
    assert podcast.description.startswith("Brought to you by Meta.")
    assert "Flutter 101 Podcast" not in [ep.title for ep in podcast.episodes]


def test_cli_parse_json_prints_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(DATA / "pages" / "meta-tech-podcast.txt"), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["episodes"][0]["chapters"][0] == {"start": 6.0, "title": "Intro"}


def test_cli_unparseable_input_exits_2_with_one_line(tmp_path: Path) -> None:
    binary = tmp_path / "noise.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "podplayer", "parse", str(binary), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not a text file" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "does not exist"), ("", "is empty"), ("   \n\n", "is empty")],
)
def test_unusable_files_raise_parse_error(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "notes.txt"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ParseError, match=message):
        sources.load(str(path))


def test_single_show_notes_file_is_one_episode(tmp_path: Path) -> None:
    notes = tmp_path / "episode.txt"
    notes.write_text(
        "68: How to Build a Mixed Reality Headset\n"
        "We talk hardware.\n\nChapters\n0:06 Intro\n1:40 Alfred Introduction\n",
        encoding="utf-8",
    )
    podcast = sources.load(str(notes))
    assert len(podcast.episodes) == 1
    episode = podcast.episodes[0]
    assert (episode.number, episode.title) == (68, "How to Build a Mixed Reality Headset")
    assert [(c.start_ms, c.title) for c in episode.chapters] == [
        (6000, "Intro"),
        (100000, "Alfred Introduction"),
    ]


def test_html_show_notes_title_comes_from_its_heading(tmp_path: Path) -> None:
    notes = tmp_path / "episode.html"
    notes.write_text(
        "<html><head><title>Ep 12</title></head><body><h1>12: Rust &amp; C++</h1>"
        "<p>00:00 Intro<br>05:30 Interop</p></body></html>",
        encoding="utf-8",
    )
    episode = sources.load(str(notes)).episodes[0]
    assert (episode.number, episode.title) == (12, "Rust & C++")
    assert [c.start_ms for c in episode.chapters] == [0, 330000]


def test_windows_1252_file_is_read(tmp_path: Path) -> None:
    notes = tmp_path / "legacy.txt"
    notes.write_bytes("Caf\xe9 talk\n0:00 Intro\n2:00 Caf\xe9\n".encode("cp1252"))
    episode = sources.load(str(notes)).episodes[0]
    assert episode.chapters[1].title == "Café"
