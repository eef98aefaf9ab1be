"""Skipped chapters are not heard, on real libVLC, judged from what the output played: playing
into one, resuming inside one, restarting at a skipped first chapter."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import ruler
import tones
from pytestqt.qtbot import QtBot

from podplayer.core.model import Chapter, Episode
from podplayer.playback.base import PlayerState
from podplayer.playback.session import PlaybackSession
from podplayer.playback.skipping import ChapterSkipper

pytestmark = pytest.mark.usefixtures("needs_vlc")

OPEN_MS = 10_000
#: At most one audio buffer of a skipped chapter may be heard.
LEAK_MS = 50


class Rig:
    def __init__(self, path: Path) -> None:
        from podplayer.playback.vlc import VlcPlayer

        self.player = VlcPlayer("amem")
        self.recorder = ruler.AmemRecorder(self.player.native_player())
        self.session = PlaybackSession(self.player)
        self.skipper = ChapterSkipper(self.session)
        chapters = tuple(Chapter(tones.chapter_start(i), t) for i, t in enumerate(tones.TITLES))
        self.episode = Episode("tones", None, "Tones", local_path=str(path), chapters=chapters)
        self.session.set_episode(self.episode)

    def heard(self) -> list[list[int | None]]:
        return [tones.classify(s, self.recorder.RATE) for s in self.recorder.stretches()]


@pytest.fixture(params=["wav", "mp3-cbr", "m4a"])
def rig(request: pytest.FixtureRequest, tone_file: Callable[[str], Path]) -> Iterator[Rig]:
    rig = Rig(tone_file(request.param))
    yield rig
    rig.player.close()


def leak_ms(heard: list[list[int | None]], tone: int) -> float:
    return sum(windows.count(tone) for windows in heard) * 10.0


def test_playing_into_a_skipped_chapter(qtbot: QtBot, rig: Rig) -> None:
    rig.skipper.set_skipped({tones.chapter_start(1)})
    jumps: list[tuple[int, int]] = []
    rig.skipper.skipped.connect(lambda a, b: jumps.append((a, b)))
    rig.session.resume(rig.episode, tones.chapter_start(1) - 1500)
    qtbot.waitUntil(lambda: bool(jumps), timeout=OPEN_MS)
    # The seek's flush starts the new stretch; then some of it.
    qtbot.waitUntil(
        lambda: len(rig.recorder.stretches()) > 1 and rig.recorder.heard_ms() > 1000,
        timeout=OPEN_MS,
    )
    heard = rig.heard()
    assert jumps[0][1] == tones.chapter_start(2)
    assert 0 in heard[0] and 2 in heard[-1], heard
    assert leak_ms(heard, 1) < LEAK_MS, heard


def test_resuming_inside_a_skipped_chapter_opens_at_the_next(qtbot: QtBot, rig: Rig) -> None:
    rig.skipper.set_skipped({tones.chapter_start(1)})
    rig.session.resume(rig.episode, tones.chapter_start(1) + 3000)
    qtbot.waitUntil(lambda: rig.player.state is PlayerState.PLAYING, timeout=OPEN_MS)
    qtbot.waitUntil(lambda: rig.recorder.heard_ms() > 800, timeout=OPEN_MS)
    heard = rig.heard()
    assert leak_ms(heard, 1) < LEAK_MS, heard
    assert 2 in heard[-1]


def test_restarting_at_a_skipped_first_chapter(qtbot: QtBot, rig: Rig) -> None:
    rig.skipper.set_skipped({0})
    rig.session.resume(rig.episode, tones.chapter_start(2))
    qtbot.waitUntil(lambda: rig.player.state is PlayerState.PLAYING, timeout=OPEN_MS)
    rig.player.stop()
    rig.player.play()
    qtbot.waitUntil(lambda: rig.player.state is PlayerState.PLAYING, timeout=OPEN_MS)
    qtbot.waitUntil(lambda: rig.recorder.heard_ms() > 800, timeout=OPEN_MS)
    heard = rig.heard()
    assert leak_ms(heard, 0) < LEAK_MS, heard
    assert 1 in heard[-1]


def test_a_click_on_a_skipped_chapter_plays_it(qtbot: QtBot, rig: Rig) -> None:
    rig.skipper.set_skipped({tones.chapter_start(1)})
    rig.session.play_chapter(1)
    qtbot.waitUntil(lambda: rig.player.state is PlayerState.PLAYING, timeout=OPEN_MS)
    qtbot.waitUntil(lambda: rig.recorder.heard_ms() > 800, timeout=OPEN_MS)
    assert 1 in rig.heard()[-1]
