"""A server without Range support: a seek reopens the stream at the position (libVLC's own
seek there jumps a WAV to its end, which then looked played); judged from the output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import ruler
from pytestqt.qtbot import QtBot

from podplayer.core.model import Episode
from podplayer.playback.base import PlayerState
from podplayer.playback.session import PlaybackSession

pytestmark = pytest.mark.usefixtures("needs_vlc")

OPEN_MS = 10_000


@pytest.mark.parametrize("fmt", ["wav", "mka", "mp3-cbr"])
@pytest.mark.parametrize("paused", [False, True], ids=["playing", "paused"])
def test_a_backward_seek_reopens_at_the_position(
    qtbot: QtBot,
    ruler_file: Callable[[str], Path],
    no_range_root: str,
    fmt: str,
    paused: bool,
) -> None:
    from podplayer.playback.vlc import VlcPlayer

    player = VlcPlayer("amem")
    recorder = ruler.AmemRecorder(player.native_player())
    session = PlaybackSession(player)
    outcome: list[object] = []
    session.played.connect(outcome.append)
    session.ended_early.connect(outcome.append)
    url = no_range_root + ruler_file(fmt).name
    try:
        session.open(Episode("r", None, "Ruler", audio_url=url), 123_456)
        qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=OPEN_MS)
        qtbot.waitUntil(lambda: recorder.heard_ms() > 800, timeout=OPEN_MS)
        if paused:
            player.pause()
        recorder.mark()
        player.seek(37_000)
        assert player.position() == 37_000
        if paused:
            qtbot.waitUntil(lambda: player.state is PlayerState.PAUSED, timeout=OPEN_MS)
            assert player.position() == 37_000
            player.play()
        qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=OPEN_MS)
        qtbot.waitUntil(lambda: recorder.heard_ms() > 1000, timeout=OPEN_MS)
        assert player.state is PlayerState.PLAYING
        stretches = recorder.stretches()
    finally:
        player.close()
    assert outcome == []
    landed = ruler.landing(ruler.classify(stretches[-1], recorder.RATE), 37_000)
    assert abs(landed.error_ms) <= 100 and landed.stray_ms <= 10, landed
