"""Skipping unticked chapters and a podcast's intro/outro, on the null player."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from podplayer.core.model import Chapter, Episode
from podplayer.playback.base import PlayerState
from podplayer.playback.null import NullPlayer
from podplayer.playback.session import PlaybackSession
from podplayer.playback.skipping import ChapterSkipper

DURATION = 100_000
CHAPTERS = (
    Chapter(0, "Sponsor"),
    Chapter(10_000, "Intro"),
    Chapter(20_000, "Ad break"),
    Chapter(30_000, "Outtakes"),
    Chapter(40_000, "Topic"),
    Chapter(90_000, "Credits"),
)

Rig = tuple[PlaybackSession, NullPlayer, ChapterSkipper]


@pytest.fixture
def episode(tmp_path: Path) -> Episode:
    audio = tmp_path / "ep.mp3"
    audio.write_bytes(b"not really audio")
    return Episode("g", 1, "Ep", local_path=str(audio), duration_ms=DURATION, chapters=CHAPTERS)


@pytest.fixture
def rig(qtbot: QtBot) -> Rig:
    player = NullPlayer(duration_ms=DURATION)
    session = PlaybackSession(player)
    return session, player, ChapterSkipper(session)


def play(qtbot: QtBot, session: PlaybackSession, episode: Episode, start: int = 0) -> None:
    session.open(episode, start)
    qtbot.waitUntil(lambda: session.player.state is PlayerState.PLAYING, timeout=1000)


def run(player: NullPlayer, until: int, step: int = 500) -> list[int]:
    seen: list[int] = []
    player.position_changed.connect(seen.append)
    while player.state is PlayerState.PLAYING and player.position() < until:
        player.advance(step)
    player.position_changed.disconnect(seen.append)
    return seen


def test_playing_into_skipped_chapters_jumps_over_them(
    qtbot: QtBot, rig: Rig, episode: Episode
) -> None:
    session, player, skipper = rig
    skipper.set_skipped({20_000, 30_000})
    jumps: list[tuple[int, int]] = []
    skipper.skipped.connect(lambda a, b: jumps.append((a, b)))
    play(qtbot, session, episode, 15_000)
    seen = run(player, 45_000)
    assert not any(20_000 < p < 40_000 for p in seen)
    assert jumps == [(20_000, 40_000)]
    assert session.current_chapter == 4


def test_a_skipped_first_chapter_is_skipped_from_the_start(
    qtbot: QtBot, rig: Rig, episode: Episode
) -> None:
    session, player, skipper = rig
    skipper.set_skipped({0})
    play(qtbot, session, episode)
    assert player.position() == 10_000


def test_clicking_a_skipped_chapter_plays_it(qtbot: QtBot, rig: Rig, episode: Episode) -> None:
    session, player, skipper = rig
    skipper.set_skipped({20_000})
    play(qtbot, session, episode, 50_000)
    session.play_chapter(2)
    player.advance(500)
    assert 20_000 <= player.position() < 30_000


def test_skipping_the_last_chapters_goes_to_the_end(
    qtbot: QtBot, rig: Rig, episode: Episode
) -> None:
    session, player, skipper = rig
    skipper.set_skipped({90_000})
    play(qtbot, session, episode, 88_000)
    run(player, 95_000)
    assert player.position() == DURATION
    player.advance(500)
    assert player.state is PlayerState.ENDED


def test_intro_and_outro(qtbot: QtBot, rig: Rig, episode: Episode) -> None:
    session, player, skipper = rig
    skipper.set_intro_outro(12_000, 15_000)
    play(qtbot, session, episode)
    assert player.position() == 12_000
    player.seek(80_000)
    run(player, 86_000)
    assert player.position() == DURATION
    assert (skipper.intro_ms, skipper.outro_ms) == (12_000, 15_000)


def test_resuming_mid_episode_does_not_skip_the_intro(
    qtbot: QtBot, rig: Rig, episode: Episode
) -> None:
    session, player, skipper = rig
    skipper.set_intro_outro(30_000, 0)
    play(qtbot, session, episode, 5_000)
    assert player.position() == 5_000


def test_next_played_start(rig: Rig) -> None:
    session, _player, skipper = rig
    session.set_chapters(CHAPTERS)
    skipper.set_skipped({20_000, 30_000})
    assert skipper.next_played_start(10_000) == 40_000
    assert skipper.next_played_start(90_000) is None
    assert skipper.skipped_starts == {20_000, 30_000}
