"""Played means heard, on real libVLC: an episode is played once listening reached its end;
a file that ends far before its length (a valid header, then noise) is an error, not played."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
import ruler
import tones
from pytestqt.qtbot import QtBot

from podplayer.core.model import Episode
from podplayer.playback.base import PlayerState
from podplayer.playback.headless import run_play
from podplayer.playback.session import PlaybackSession

pytestmark = pytest.mark.usefixtures("needs_vlc")

OPEN_MS = 10_000


@pytest.fixture
def corrupt_mp3(tmp_path: Path, ruler_file: Callable[[str], Path]) -> Path:
    """The first 8 KiB of a 600 s MP3 (its header frames say 600 s), then random bytes."""
    head = ruler_file("mp3-cbr").read_bytes()[:8192]
    noise = random.Random(13).randbytes(300_000)
    path = tmp_path / "damaged.mp3"
    path.write_bytes(head + noise)
    return path


def watch(session: PlaybackSession) -> tuple[list[object], list[str]]:
    played: list[object] = []
    early: list[str] = []
    session.played.connect(played.append)
    session.ended_early.connect(early.append)
    return played, early


def test_a_damaged_file_ends_early_and_is_not_played(qtbot: QtBot, corrupt_mp3: Path) -> None:
    from podplayer.playback.vlc import VlcPlayer

    player = VlcPlayer("dummy")
    session = PlaybackSession(player)
    played, early = watch(session)
    try:
        session.open(Episode("d", None, "Damaged", local_path=str(corrupt_mp3)))
        qtbot.waitUntil(lambda: player.state is PlayerState.ENDED, timeout=30_000)
    finally:
        player.close()
    assert played == []
    assert len(early) == 1 and "long before its end" in early[0]


def test_listening_to_the_end_marks_played(qtbot: QtBot, tone_file: Callable[[str], Path]) -> None:
    from podplayer.playback.vlc import VlcPlayer

    player = VlcPlayer("dummy")
    session = PlaybackSession(player)
    played, early = watch(session)
    episode = Episode("t", None, "Tones", local_path=str(tone_file("wav")))
    try:
        session.open(episode, tones.TOTAL_MS - 1500)
        qtbot.waitUntil(lambda: player.state is PlayerState.ENDED, timeout=OPEN_MS)
    finally:
        player.close()
    assert (played, early) == ([episode], [])


def test_play_says_a_damaged_file_ended_early(corrupt_mp3: Path, tmp_path: Path) -> None:
    import io

    out, err = io.StringIO(), io.StringIO()
    status = run_play(str(corrupt_mp3), None, None, None, tmp_path / "o.wav", out=out, err=err)
    assert status == 2
    [line] = err.getvalue().splitlines()
    assert "long before its end" in line


def test_seeking_to_the_end_is_not_listening(
    qtbot: QtBot, ruler_file: Callable[[str], Path]
) -> None:
    from podplayer.playback.vlc import VlcPlayer

    player = VlcPlayer("dummy")
    session = PlaybackSession(player)
    _played, early = watch(session)
    episode = Episode("r", None, "Ruler", local_path=str(ruler_file("wav")))
    try:
        session.open(episode, 10_000)
        qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=OPEN_MS)
        player.seek(ruler.LENGTH_MS - 200)
        qtbot.waitUntil(lambda: player.state is PlayerState.ENDED, timeout=OPEN_MS)
    finally:
        player.close()
    assert early == []
