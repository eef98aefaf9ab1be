"""One behaviour contract, run against every Player: the null player and libVLC."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import tones
from pytestqt.qtbot import QtBot

from podplayer.playback.base import PlaybackError, Player, PlayerState, validate_source
from podplayer.playback.null import NullPlayer

OPEN_MS = 10_000


@pytest.fixture(params=["null", "vlc", "vlc-deferred"])
def player(request: pytest.FixtureRequest, qtbot: QtBot) -> Iterator[Player]:
    if request.param == "null":
        p: Player = NullPlayer(duration_ms=tones.TOTAL_MS)
    else:
        request.getfixturevalue("needs_vlc")
        from podplayer.playback.vlc import VlcPlayer

        # Deferred: libVLC starts at the first play(), as in the app before start() runs.
        p = VlcPlayer("dummy", start=request.param == "vlc")
    yield p
    p.close()


@pytest.fixture
def source(tone_file: Callable[[str], Path]) -> str:
    return str(tone_file("wav"))


def play_until_playing(qtbot: QtBot, player: Player) -> None:
    player.play()
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=OPEN_MS)


def test_starts_stopped(player: Player) -> None:
    assert player.state is PlayerState.STOPPED
    assert player.position() == 0
    assert player.duration() is None
    assert player.source is None
    assert not player.is_seekable()


def test_load_does_not_play(qtbot: QtBot, player: Player, source: str) -> None:
    with qtbot.waitSignal(player.media_loaded, timeout=1000) as blocker:
        player.load(source, start_ms=5000)
    assert blocker.args == [str(Path(source).resolve())]
    assert player.state is PlayerState.STOPPED
    assert player.position() == 5000


def test_play_opens_then_plays(qtbot: QtBot, player: Player, source: str) -> None:
    states: list[object] = []
    player.state_changed.connect(states.append)
    player.load(source)
    with qtbot.waitSignal(player.duration_changed, timeout=OPEN_MS) as blocker:
        play_until_playing(qtbot, player)
    assert states[0] is PlayerState.OPENING
    assert PlayerState.PLAYING in states
    assert abs(blocker.args[0] - tones.TOTAL_MS) < 200
    assert player.is_seekable()


def test_pause_resume_stop(qtbot: QtBot, player: Player, source: str) -> None:
    player.load(source)
    play_until_playing(qtbot, player)
    with qtbot.waitSignal(player.state_changed, timeout=1000):
        player.pause()
    assert player.state is PlayerState.PAUSED
    player.toggle()
    assert player.state is PlayerState.PLAYING
    player.toggle()
    assert player.state is PlayerState.PAUSED
    player.stop()
    assert player.state is PlayerState.STOPPED
    assert player.position() == 0
    play_until_playing(qtbot, player)


def test_seek_while_stopped_starts_there(qtbot: QtBot, player: Player, source: str) -> None:
    player.load(source)
    player.seek(12_000)
    assert player.position() == 12_000
    assert player.state is PlayerState.STOPPED
    play_until_playing(qtbot, player)
    assert 12_000 <= player.position() < 13_000


def test_seek_while_paused(qtbot: QtBot, player: Player, source: str) -> None:
    player.load(source)
    play_until_playing(qtbot, player)
    player.pause()
    with qtbot.waitSignal(player.position_changed, timeout=1000) as blocker:
        player.seek(20_000)
    assert blocker.args == [20_000]
    assert player.position() == 20_000
    assert player.state is PlayerState.PAUSED


def test_seek_while_playing(qtbot: QtBot, player: Player, source: str) -> None:
    player.load(source)
    play_until_playing(qtbot, player)
    with qtbot.waitSignal(player.position_changed, timeout=1000) as blocker:
        player.seek(24_000)
    assert blocker.args == [24_000]
    assert 24_000 <= player.position() < 25_000


def test_seek_while_opening_is_kept(qtbot: QtBot, player: Player, source: str) -> None:
    player.load(source)
    player.play()
    assert player.state in (PlayerState.OPENING, PlayerState.BUFFERING)
    player.seek(16_000)
    assert player.position() == 16_000
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=OPEN_MS)
    assert 16_000 <= player.position() < 17_000


def test_pause_while_opening(qtbot: QtBot, player: Player, source: str) -> None:
    player.load(source)
    player.play()
    player.pause()
    qtbot.waitUntil(lambda: player.state is PlayerState.PAUSED, timeout=OPEN_MS)


def test_settings_are_kept(qtbot: QtBot, player: Player, source: str) -> None:
    player.set_rate(2.0)
    player.set_volume(150)
    player.set_muted(True)
    player.load(source)
    play_until_playing(qtbot, player)
    assert player.rate() == 2.0
    assert player.volume() == 100
    assert player.is_muted()
    player.set_rate(9.0)
    assert player.rate() == 4.0


REFUSED = [
    "",
    "   ",
    "file:///etc/passwd",
    "screen://",
    "v4l2:///dev/video0",
    "vlc://quit",
    "dvd:///dev/sr0",
    ":sout=#file{dst=/tmp/x}",
    "--aout=afile",
    "-vvv",
    "http://",
    "ftp://example.org/a.mp3",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("bad", REFUSED)
def test_refused_sources(qtbot: QtBot, player: Player, bad: str) -> None:
    with pytest.raises(PlaybackError):
        validate_source(bad)
    with qtbot.waitSignal(player.error_occurred, timeout=1000) as blocker:
        player.load(bad)
    assert player.state is PlayerState.ERROR
    assert player.source is None
    message = blocker.args[0]
    assert message and "\n" not in message


def test_missing_file(qtbot: QtBot, player: Player, tmp_path: Path) -> None:
    with qtbot.waitSignal(player.error_occurred, timeout=1000) as blocker:
        player.load(str(tmp_path / "gone.mp3"))
    assert blocker.args == ["Could not open “gone.mp3”: the file does not exist"]


def test_recovers_after_error(qtbot: QtBot, player: Player, source: str) -> None:
    player.load("vlc://quit")
    assert player.state is PlayerState.ERROR
    player.load(source)
    assert player.state is PlayerState.STOPPED
    play_until_playing(qtbot, player)


def test_http_source(qtbot: QtBot, player: Player, http_root: str, tone_file: Callable) -> None:
    tone_file("mp3-cbr")
    player.load(http_root + "tones-mp3-cbr.mp3", start_ms=8000)
    play_until_playing(qtbot, player)
    assert 8000 <= player.position() < 9000


def test_validate_source_normalises(tmp_path: Path) -> None:
    audio = tmp_path / "a.mp3"
    audio.write_bytes(b"x")
    assert validate_source(str(audio)) == str(audio.resolve())
    assert validate_source("https://example.org/a.mp3") == "https://example.org/a.mp3"
    with pytest.raises(PlaybackError, match="not a file"):
        validate_source(str(tmp_path))


def play_to_end(qtbot: QtBot, player: Player) -> None:
    """Let the media play out (the null player's clock moves only when told)."""
    if isinstance(player, NullPlayer):
        while player.state is PlayerState.PLAYING:
            player.advance(250)
    qtbot.waitUntil(lambda: player.state is PlayerState.ENDED, timeout=OPEN_MS)


def test_end_of_media(qtbot: QtBot, player: Player, source: str) -> None:
    reports: list[tuple[object, int]] = []
    player.load(source)
    play_until_playing(qtbot, player)
    duration = player.duration()
    assert duration is not None
    player.seek(duration - 600)
    player.position_changed.connect(lambda ms: reports.append((player.state, ms)))
    play_to_end(qtbot, player)
    # ENDED comes before the last report, which is the duration.
    assert reports[-1] == (PlayerState.ENDED, duration)
    assert player.position() == duration
    assert not player.is_seekable()


def test_seek_after_the_end_stops_there_and_plays_from_there(
    qtbot: QtBot, player: Player, source: str
) -> None:
    player.load(source)
    play_until_playing(qtbot, player)
    player.seek(10**9)  # past the end: clamped to it
    play_to_end(qtbot, player)
    player.seek(8_000)
    assert player.state is PlayerState.STOPPED
    assert player.position() == 8_000
    assert not player.is_seekable()
    play_until_playing(qtbot, player)
    assert 8_000 <= player.position() < 9_000


def test_play_after_the_end_starts_over(qtbot: QtBot, player: Player, source: str) -> None:
    opened: list[int] = []
    player.about_to_open.connect(opened.append)
    player.load(source)
    play_until_playing(qtbot, player)
    player.seek(tones.TOTAL_MS - 300)
    play_to_end(qtbot, player)
    play_until_playing(qtbot, player)
    assert opened == [0, 0]
    assert player.position() < 1000


def test_error_then_end_of_another_media(
    qtbot: QtBot, player: Player, source: str, tmp_path: Path
) -> None:
    with qtbot.waitSignal(player.error_occurred, timeout=1000):
        player.load(str(tmp_path / "gone.mp3"))
    assert player.state is PlayerState.ERROR
    player.load(source)
    play_until_playing(qtbot, player)
    player.seek(tones.TOTAL_MS - 300)
    play_to_end(qtbot, player)
    assert player.state is PlayerState.ENDED
