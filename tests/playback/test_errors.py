"""Every failure to play gives error_occurred with a message a listener understands, fast."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from podplayer.playback.base import PlaybackError, PlayerState
from podplayer.playback.vlc import VlcPlayer

pytestmark = pytest.mark.usefixtures("needs_vlc")

WITHIN_MS = 10_000


@pytest.fixture
def player() -> Iterator[VlcPlayer]:
    p = VlcPlayer("dummy", open_timeout_ms=3000)
    yield p
    p.close()


def error_of(qtbot: QtBot, player: VlcPlayer, source: str) -> str:
    with qtbot.waitSignal(player.error_occurred, timeout=WITHIN_MS) as blocker:
        player.load(source)
        player.play()
    assert player.state is PlayerState.ERROR
    message: str = blocker.args[0]
    return message


def test_404(qtbot: QtBot, player: VlcPlayer, http_root: str) -> None:
    message = error_of(qtbot, player, http_root + "missing.mp3")
    assert message.startswith("The server answered 404 (not found)")


def test_connection_refused(qtbot: QtBot, player: VlcPlayer, refused_url: str) -> None:
    message = error_of(qtbot, player, refused_url)
    assert message.startswith("Nothing answered at 127.0.0.1:")


def test_server_that_never_answers(qtbot: QtBot, player: VlcPlayer, silent_url: str) -> None:
    message = error_of(qtbot, player, silent_url)
    assert message.startswith("Nothing answered at 127.0.0.1:")
    assert "within 3 s" in message


def test_corrupt_file(qtbot: QtBot, player: VlcPlayer, tmp_path: Path) -> None:
    bad = tmp_path / "broken.mp3"
    bad.write_bytes(bytes(range(256)) * 200)
    message = error_of(qtbot, player, str(bad))
    assert message == "This file is not audio podplayer can play: “broken.mp3”"


def test_text_file(qtbot: QtBot, player: VlcPlayer, tmp_path: Path) -> None:
    bad = tmp_path / "notes.mp3"
    bad.write_text("00:00 Intro\n05:00 Tools\n" * 50, encoding="utf-8")
    message = error_of(qtbot, player, str(bad))
    assert "not audio" in message


def test_missing_file(qtbot: QtBot, player: VlcPlayer, tmp_path: Path) -> None:
    message = error_of(qtbot, player, str(tmp_path / "episode 12.mp3"))
    assert message == "Could not open “episode 12.mp3”: the file does not exist"


def test_unsupported_scheme(qtbot: QtBot, player: VlcPlayer) -> None:
    message = error_of(qtbot, player, "screen://")
    assert "only http(s) addresses and local files" in message


def test_plays_after_an_error(
    qtbot: QtBot, player: VlcPlayer, refused_url: str, tone_file: Callable[[str], Path]
) -> None:
    error_of(qtbot, player, refused_url)
    player.load(str(tone_file("opus")))
    player.play()
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=WITHIN_MS)


def test_vlc_available_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import podplayer.playback.vlc as backend

    monkeypatch.setattr(backend, "_availability", None)

    class Broken:
        @staticmethod
        def Instance(args: list[str]) -> None:  # noqa: N802  (python-vlc's name)
            return None

    monkeypatch.setattr(backend, "_import_vlc", lambda: Broken)
    ok, reason = backend.vlc_available()
    assert not ok
    assert "libvlc5 vlc-plugin-base" in reason
    monkeypatch.setattr(backend, "_availability", None)


def test_a_deferred_player_without_libvlc_says_why_when_played(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tone_file: Callable[[str], Path]
) -> None:
    import podplayer.playback.vlc as backend

    monkeypatch.setattr(backend, "_availability", None)

    class Broken:
        @staticmethod
        def Instance(args: list[str]) -> None:  # noqa: N802  (python-vlc's name)
            return None

    monkeypatch.setattr(backend, "_import_vlc", lambda: Broken)
    player = VlcPlayer("dummy", start=False)
    assert not player.started
    player.set_volume(40)
    player.set_rate(1.5)
    player.load(str(tone_file("wav")))
    with qtbot.waitSignal(player.error_occurred, timeout=WITHIN_MS) as blocker:
        player.play()
    assert "libvlc5 vlc-plugin-base" in blocker.args[0]
    assert player.state is PlayerState.ERROR
    with pytest.raises(PlaybackError, match="libvlc5"):
        player.start()
    assert backend.vlc_available()[0] is False
    player.close()
    monkeypatch.setattr(backend, "_availability", None)


def test_a_started_player_is_the_availability_check(monkeypatch: pytest.MonkeyPatch) -> None:
    import podplayer.playback.vlc as backend

    monkeypatch.setattr(backend, "_availability", None)
    made: list[list[str]] = []
    real = backend._new_instance

    def counting(args: list[str]) -> tuple[object, tuple[bool, str]]:
        made.append(args)
        return real(args)

    monkeypatch.setattr(backend, "_new_instance", counting)
    player = VlcPlayer("dummy", start=False)
    assert made == []
    player.start()
    player.start()
    assert player.started
    ok, version = backend.vlc_available()
    assert ok
    assert version.startswith("libVLC 3")
    assert len(made) == 1
    assert "--aout=dummy" in made[0]
    player.close()
