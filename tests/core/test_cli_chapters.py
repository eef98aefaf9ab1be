"""``podplayer chapters SOURCE [--format ...] [--episode N]`` on the seed page and the demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from podplayer.cli import COMMANDS, main
from podplayer.core.chapters.jsonchapters import parse_json_chapters
from podplayer.core.chapters.psc import parse_psc
from podplayer.core.notes import find_chapters

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "pages" / "meta-tech-podcast.txt"
SEED_EXPECTED = ROOT / "tests" / "data" / "pages" / "meta-tech-podcast.expected.json"
DEMO = ROOT / "resources" / "demo" / "podplayer-demo.mp3"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["chapters", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def expected_starts(number: int) -> list[tuple[int, str]]:
    episodes = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))["episodes"]
    episode = next(ep for ep in episodes if ep["number"] == number)
    return [(round(c["start"] * 1000), c["title"]) for c in episode["chapters"]]


def test_chapters_is_a_command() -> None:
    assert "chapters" in COMMANDS
    assert {"parse", "play", "search", "import"} <= COMMANDS


def test_text_is_the_default_and_the_first_episode(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, str(SEED))
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == "00:00:06 Intro"
    assert [(c.start_ms, c.title) for c in find_chapters(out)] == expected_starts(68)


@pytest.mark.parametrize("fmt", ["json", "psc", "text", "ffmetadata"])
def test_every_format_of_a_chosen_episode(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    status, out, _ = run(capsys, str(SEED), "--episode", "63", "--format", fmt)
    assert status == 0
    if fmt == "json":
        back = [(c.start_ms, c.title) for c in parse_json_chapters(out.encode())]
        assert json.loads(out)["title"] == "The key to a happy Rust/C++ relationship"
    elif fmt == "psc":
        back = [(c.start_ms, c.title) for c in parse_psc(out)]
    elif fmt == "text":
        back = [(c.start_ms, c.title) for c in find_chapters(out)]
    else:
        assert out.startswith(";FFMETADATA1\ntitle=The key to a happy Rust/C++ relationship\n")
        sections = [
            dict(line.split("=", 1) for line in section.strip().splitlines())
            for section in out.split("[CHAPTER]")[1:]
        ]
        back = [(int(s["START"]), s["title"]) for s in sections]
    assert back == expected_starts(63)
    assert (1_069_000, "cxx vs bindgen") in back


def test_audio_file_with_its_duration(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, str(DEMO), "--format", "ffmetadata")
    assert status == 0
    assert "title=A tour of podplayer\n" in out
    starts = [int(line[6:]) for line in out.splitlines() if line.startswith("START=")]
    ends = [int(line[4:]) for line in out.splitlines() if line.startswith("END=")]
    assert starts == [0, 10_000, 20_000, 30_000, 40_000, 50_000]
    assert ends[:-1] == starts[1:]
    assert ends[-1] > starts[-1], "the last chapter ends at the file's end"

    status, out, _ = run(capsys, str(DEMO), "--format", "json")
    doc = json.loads(out)
    assert doc["chapters"][2] == {"startTime": 20.0, "title": "Click to seek", "endTime": 30.0}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent/notes.txt"], "does not exist"),
        ([str(SEED), "--episode", "99"], "has no episode 99; its episode numbers are 68, 67"),
        ([str(DEMO), "--episode", "1"], "has no episode 1; its episodes have no numbers"),
    ],
)
def test_unusable_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, out, err = run(capsys, *args)
    assert (status, out) == (2, "")
    assert message in err
    assert err.count("\n") == 1


def test_notes_without_chapters_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("A talk about nothing in particular.\nSee https://example.org\n")
    status, out, err = run(capsys, str(notes))
    assert (status, out) == (2, "")
    assert err.startswith("podplayer: ") and "has no chapters" in err
    assert err.count("\n") == 1


def test_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["chapters", str(SEED), "--format", "cue"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
