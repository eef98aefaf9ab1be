"""``podplayer import`` and ``podplayer search`` against a library in a temporary folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from podplayer.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "pages" / "meta-tech-podcast.txt"
DEMO = ROOT / "resources" / "demo" / "podplayer-demo.mp3"


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODPLAYER_HOME", str(tmp_path / "home"))


def test_import_then_search_finds_chapters_with_times(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(SEED), str(DEMO)]) == 0
    assert "added Meta Tech Podcast (14 episodes)" in capsys.readouterr().out

    assert main(["search", "cxx", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert {"podcast", "episode", "chapter", "start"} == set(hits[0])
    chapter_hits = [h for h in hits if h["chapter"] is not None]
    assert {"podcast": "Meta Tech Podcast", "episode": "The key to a happy Rust/C++ relationship",
            "chapter": "cxx vs bindgen", "start": 1069.0} in chapter_hits  # fmt: skip
    assert any(h["chapter"] is None for h in hits), "the episode itself is a hit too"

    assert main(["search", "seek"]) == 0
    assert "[0:20] Click to seek" in capsys.readouterr().out


def test_import_reports_each_failure_and_keeps_the_rest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "/nonexistent/notes.txt", str(SEED)]) == 2
    captured = capsys.readouterr()
    assert "does not exist" in captured.err
    assert "Meta Tech Podcast" in captured.out
    assert main(["search", "bindgen", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)


def test_search_in_an_empty_library_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "anything"]) == 0
    assert "Nothing found" in capsys.readouterr().out


def test_import_refuses_while_another_process_holds_the_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from podplayer.core.paths import app_paths
    from podplayer.desktop.lock import LOCK_NAME

    script = (
        "import sys, time; from pathlib import Path;"
        "from podplayer.desktop.lock import LibraryLock;"
        "lock = LibraryLock(Path(sys.argv[1])); assert lock.acquire();"
        "print('held', flush=True); time.sleep(30)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(app_paths().ensure().data_dir / LOCK_NAME)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert main(["import", str(SEED)]) == 2
        assert "podplayer is running" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    assert main(["import", str(SEED)]) == 0


def test_import_takes_an_opml_list_whatever_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    subs = tmp_path / "subs.xml"
    subs.write_bytes((ROOT / "tests" / "data" / "opml" / "gpodder.opml").read_bytes())
    main(["import", str(subs)])
    out = capsys.readouterr()
    assert "subscriptions from subs.xml" in out.out + out.err
    assert "Subs" not in out.out
