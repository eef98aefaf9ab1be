"""The session: current chapter from the position, chapter requests, pending seeks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import tones
from pytestqt.qtbot import QtBot

from podplayer.core.model import Chapter, Episode
from podplayer.playback.base import PlaybackError, PlayerState
from podplayer.playback.null import NullPlayer
from podplayer.playback.session import PlaybackSession

CHAPTERS = tuple(Chapter(tones.chapter_start(i), t) for i, t in enumerate(tones.TITLES))


@pytest.fixture
def episode(tone_file: Callable[[str], Path]) -> Episode:
    return Episode("g1", 1, "Tones", local_path=str(tone_file("wav")), chapters=CHAPTERS)


@pytest.fixture
def session(qtbot: QtBot) -> PlaybackSession:
    return PlaybackSession(NullPlayer(duration_ms=tones.TOTAL_MS))


def opened(qtbot: QtBot, session: PlaybackSession) -> NullPlayer:
    player = session.player
    assert isinstance(player, NullPlayer)
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=1000)
    return player


def test_chapter_click_loads_and_lands(
    qtbot: QtBot, session: PlaybackSession, episode: Episode
) -> None:
    session.set_episode(episode)
    assert session.current_chapter in (-1, 0)
    with qtbot.waitSignal(session.chapter_changed, timeout=1000) as blocker:
        session.play_chapter(2)
    assert blocker.args == [2]
    assert session.pending_seek_ms == 16_000
    player = opened(qtbot, session)
    assert session.pending_seek_ms is None
    assert player.position() == 16_000
    assert player.loaded == [str(Path(episode.local_path or "").resolve())]


def test_chapter_follows_position(qtbot: QtBot, session: PlaybackSession, episode: Episode) -> None:
    seen: list[int] = []
    session.chapter_changed.connect(seen.append)
    session.open(episode)
    player = opened(qtbot, session)
    player.advance(8500)
    player.advance(8000)
    assert seen[-2:] == [1, 2]
    assert session.current_chapter == 2


def test_before_first_chapter_is_minus_one(
    qtbot: QtBot, session: PlaybackSession, episode: Episode
) -> None:
    late = tuple(Chapter(c.start_ms + 5000, c.title) for c in CHAPTERS)
    session.set_episode(episode, late)
    session.open(episode, start_ms=1000, play=False)
    assert session.current_chapter == -1
    assert session.chapter_at(5000) == 0


def test_next_and_previous(qtbot: QtBot, session: PlaybackSession, episode: Episode) -> None:
    session.open(episode)
    player = opened(qtbot, session)
    session.next_chapter()
    assert player.position() == 8000
    player.advance(5000)
    session.previous_chapter()  # 5 s in: back to the start of this chapter
    assert player.position() == 8000
    player.advance(1000)
    session.previous_chapter()  # 1 s in: the chapter before
    assert player.position() == 0
    session.play_chapter(3)
    session.next_chapter()  # nothing after the last
    assert player.position() == 24_000


def test_skip_stays_inside(qtbot: QtBot, session: PlaybackSession, episode: Episode) -> None:
    session.open(episode)
    player = opened(qtbot, session)
    session.skip(-15_000)
    assert player.position() == 0
    session.skip(30_000)
    assert player.position() == 30_000
    session.skip(30_000)
    assert player.position() == tones.TOTAL_MS - 1


def test_resume_uses_the_pending_path(
    qtbot: QtBot, session: PlaybackSession, episode: Episode
) -> None:
    session.resume(episode, 20_500)
    assert session.current_chapter == 2
    player = opened(qtbot, session)
    assert player.position() == 20_500


def test_episode_without_audio(session: PlaybackSession) -> None:
    session.set_episode(Episode("g2", 2, "No audio", chapters=CHAPTERS))
    with pytest.raises(PlaybackError, match="has no audio"):
        session.play_chapter(1)
    with pytest.raises(IndexError):
        session.play_chapter(9)


def test_chapter_click_before_playback_with_libvlc(
    qtbot: QtBot, needs_vlc: None, tmp_path: Path, episode: Episode
) -> None:
    from podplayer.playback.vlc import VlcPlayer

    out = tmp_path / "heard.wav"
    player = VlcPlayer("afile", out)
    session = PlaybackSession(player)
    session.set_episode(episode)
    session.play_chapter(2)
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=10_000)
    qtbot.wait(300)
    session.next_chapter()
    qtbot.wait(1500)
    player.close()
    samples, rate = tones.read_wav(out)
    heard = [s.tone for s in tones.segments(samples, rate)]
    assert heard[:2] == [2, 3]
