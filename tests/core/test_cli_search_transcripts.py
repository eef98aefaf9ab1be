"""``podplayer search`` finds words said in a cached transcript and prints when they are said."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from podplayer.cli import main
from podplayer.core.library import FILE_NAME, Library
from podplayer.core.model import Episode, Podcast, TranscriptRef
from podplayer.core.paths import app_paths
from podplayer.core.transcripts import parse_transcript

VTT = Path(__file__).resolve().parents[1] / "data" / "transcripts" / "kde-express-16-telegram.vtt"
FEED = "https://example.org/kde-express.xml"
REF = TranscriptRef("https://example.org/16.vtt", "text/vtt", "es")


@pytest.fixture(autouse=True)
def _library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODPLAYER_HOME", str(tmp_path / "home"))
    episode = Episode(guid="kde-16", number=16, title="Telegram", transcripts=(REF,))
    with Library(app_paths().data_dir / FILE_NAME) as library:
        library.add_podcast(Podcast(url=FEED, title="KDE Express", episodes=(episode,)))
        transcript = parse_transcript(VTT.read_bytes(), content_type="text/vtt")
        library.set_transcript("kde-16", REF, transcript, podcast_url=FEED)


def test_a_transcript_hit_prints_its_time_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "canal oficial"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("KDE Express — Telegram  [0:42] “hablar sobre KDE. El primero")


def test_json_keeps_its_keys_and_fills_start(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "canal oficial", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0] == {
        "podcast": "KDE Express",
        "episode": "Telegram",
        "chapter": None,
        "start": 42.64,
    }
