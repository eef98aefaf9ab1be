"""MPRIS2 against real clients: playerctl and gdbus on a private session bus, NullPlayer behind."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from podplayer import APP_ID
from podplayer.core.model import Chapter, Episode

needs_playerctl = pytest.mark.skipif(
    shutil.which("playerctl") is None,
    reason="playerctl is not installed (Debian package playerctl)",
)
needs_gdbus = pytest.mark.skipif(
    shutil.which("gdbus") is None, reason="gdbus is not installed (Debian package libglib2.0-bin)"
)

CHAPTERS = (
    Chapter(0, "Intro"),
    Chapter(10_000, "News of the week", image="https://example.org/news.png"),
    Chapter(40_000, "Outro"),
)


class Settings:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def setting(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


class Calls:
    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, name: str) -> Callable[..., None]:
        return lambda *args: self.names.append(name if not args else f"{name}:{args[0]}")


@pytest.fixture
def episode(tmp_path: Path) -> Episode:
    audio = tmp_path / "episode 12.mp3"
    audio.write_bytes(b"\xff\xfb" + bytes(100))
    return Episode(
        guid="ep-12",
        number=12,
        title="Episode twelve",
        duration_ms=60_000,
        local_path=str(audio),
        chapters=CHAPTERS,
    )


@pytest.fixture
def setup(qtbot: Any, bus_connection: Any, episode: Episode) -> Iterator[dict[str, Any]]:
    from podplayer.desktop.mpris import install_mpris
    from podplayer.playback.null import NullPlayer
    from podplayer.playback.session import PlaybackSession

    player = NullPlayer(duration_ms=60_000)
    session = PlaybackSession(player)
    settings = Settings()
    calls = Calls()
    service = install_mpris(
        session,
        raise_window=calls("raise"),
        quit_app=calls("quit"),
        podcast_title_for=lambda e: "The Podcast",
        settings=settings,
        artwork_for=lambda e: "https://example.org/cover.jpg",
        next_episode=calls("next-episode"),
        previous_episode=calls("previous-episode"),
        open_uri=calls("open"),
        connection=bus_connection,
    )
    assert service is not None
    session.set_episode(episode)
    yield {
        "player": player,
        "session": session,
        "service": service,
        "settings": settings,
        "calls": calls,
    }
    service.unregister()
    player.close()


def _playing(qtbot: Any, setup: dict[str, Any]) -> None:
    setup["session"].open(setup["session"].episode)
    from podplayer.playback.base import PlayerState

    qtbot.waitUntil(lambda: setup["player"].state is PlayerState.PLAYING)


@needs_playerctl
def test_playerctl_play_pause_toggles_and_status(qtbot: Any, setup: dict[str, Any], run_client):
    from podplayer.playback.base import PlayerState

    player = setup["player"]
    assert run_client("playerctl", "-l").out.splitlines() == ["podplayer"]
    assert run_client("playerctl", "-p", "podplayer", "status").out == "Stopped"
    assert run_client("playerctl", "-p", "podplayer", "play-pause").status == 0
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING)
    assert run_client("playerctl", "-p", "podplayer", "status").out == "Playing"
    assert run_client("playerctl", "-p", "podplayer", "play-pause").status == 0
    assert player.state is PlayerState.PAUSED
    assert run_client("playerctl", "-p", "podplayer", "status").out == "Paused"
    run_client("playerctl", "-p", "podplayer", "play")
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING)
    run_client("playerctl", "-p", "podplayer", "pause")
    assert player.state is PlayerState.PAUSED
    run_client("playerctl", "-p", "podplayer", "stop")
    assert player.state is PlayerState.STOPPED
    assert run_client("playerctl", "-p", "podplayer", "status").out == "Stopped"


@needs_playerctl
def test_playerctl_next_and_previous_move_between_chapters(
    qtbot: Any, setup: dict[str, Any], run_client
):
    session, player = setup["session"], setup["player"]
    _playing(qtbot, setup)
    assert run_client("playerctl", "-p", "podplayer", "metadata", "title").out == "Intro"
    assert run_client("playerctl", "-p", "podplayer", "next").status == 0
    assert session.current_chapter == 1
    assert player.position() == 10_000
    assert run_client("playerctl", "-p", "podplayer", "metadata", "title").out == (
        "News of the week"
    )
    run_client("playerctl", "-p", "podplayer", "next")
    assert session.current_chapter == 2
    # After the last chapter there is nowhere to go: CanGoNext is false.
    assert run_client("playerctl", "-p", "podplayer", "next").status != 0
    assert session.current_chapter == 2
    run_client("playerctl", "-p", "podplayer", "previous")
    assert session.current_chapter == 1
    assert setup["calls"].names == []


@needs_playerctl
def test_next_previous_can_map_to_episodes(qtbot: Any, setup: dict[str, Any], run_client):
    _playing(qtbot, setup)
    setup["settings"].values["mpris_next_previous"] = "episodes"
    run_client("playerctl", "-p", "podplayer", "next")
    run_client("playerctl", "-p", "podplayer", "previous")
    assert setup["calls"].names == ["next-episode", "previous-episode"]
    assert setup["session"].current_chapter == 0


@needs_playerctl
def test_playerctl_metadata(qtbot: Any, setup: dict[str, Any], run_client):
    _playing(qtbot, setup)
    setup["player"].seek(12_000)

    def field(name: str) -> str:
        return run_client("playerctl", "-p", "podplayer", "metadata", name).out

    assert field("title") == "News of the week"
    assert field("album") == "The Podcast"
    assert field("artist") == "Episode twelve"
    assert field("mpris:length") == "60000000"
    assert field("mpris:artUrl") == "https://example.org/news.png"
    assert field("xesam:url").startswith("file:///") and field("xesam:url").endswith(
        "episode%2012.mp3"
    )
    assert field("mpris:trackid").strip("'").startswith("/" + APP_ID.replace(".", "/") + "/track/")
    fmt = "{{duration(position)}}/{{duration(mpris:length)}}"
    assert run_client("playerctl", "-p", "podplayer", "metadata", "--format", fmt).out == (
        "0:12/1:00"
    )


@needs_playerctl
def test_playerctl_position_seeks_and_reports(qtbot: Any, setup: dict[str, Any], run_client):
    session, player = setup["session"], setup["player"]
    _playing(qtbot, setup)
    assert run_client("playerctl", "-p", "podplayer", "position", "30").status == 0
    assert player.position() == 30_000
    assert session.current_chapter == 1
    # playerctl adds the time since it read the position while playing.
    position = float(run_client("playerctl", "-p", "podplayer", "position").out)
    assert position == pytest.approx(30.0, abs=0.5)
    run_client("playerctl", "-p", "podplayer", "position", "5+")
    assert player.position() == 35_000
    run_client("playerctl", "-p", "podplayer", "position", "20-")
    assert player.position() == 15_000
    # Past the end is ignored by SetPosition.
    run_client("playerctl", "-p", "podplayer", "position", "500")
    assert player.position() == 15_000


@needs_playerctl
def test_playerctl_volume_and_rate(qtbot: Any, setup: dict[str, Any], run_client):
    player = setup["player"]
    _playing(qtbot, setup)
    assert float(run_client("playerctl", "-p", "podplayer", "volume").out) == 1.0
    run_client("playerctl", "-p", "podplayer", "volume", "0.4")
    assert player.volume() == 40
    player.set_volume(70)
    assert float(run_client("playerctl", "-p", "podplayer", "volume").out) == 0.7


@needs_gdbus
def test_properties_have_the_specified_wire_types(qtbot: Any, setup: dict[str, Any], run_client):
    _playing(qtbot, setup)
    base = ["gdbus", "call", "--session", "-d", "org.mpris.MediaPlayer2.podplayer"]
    base += ["-o", "/org/mpris/MediaPlayer2", "-m"]
    out = run_client(*base, "org.freedesktop.DBus.Properties.GetAll", "org.mpris.MediaPlayer2").out
    assert f"'DesktopEntry': <'{APP_ID}'>" in out
    assert "'Identity': <'podplayer'>" in out
    assert "'CanQuit': <true>" in out and "'CanRaise': <true>" in out
    assert "'SupportedUriSchemes': <['http', 'https', 'file']>" in out
    assert "'audio/mpeg'" in out
    out = run_client(
        *base, "org.freedesktop.DBus.Properties.GetAll", "org.mpris.MediaPlayer2.Player"
    ).out
    assert "'Position': <int64 0>" in out
    assert "'mpris:length': <int64 60000000>" in out
    assert "'mpris:trackid': <objectpath '/io/github" in out
    assert "'MinimumRate': <0.5>" in out and "'MaximumRate': <3.0>" in out
    assert "'Rate': <1.0>" in out and "'Volume': <1.0>" in out
    out = run_client(
        *base,
        "org.freedesktop.DBus.Properties.Set",
        "org.mpris.MediaPlayer2.Player",
        "Rate",
        "<1.5>",
    )
    assert out.status == 0
    assert setup["player"].rate() == 1.5
    run_client(*base, "org.freedesktop.DBus.Properties.Set", "org.mpris.MediaPlayer2.Player",
               "Rate", "<9.0>")  # fmt: skip
    assert setup["player"].rate() == 3.0
    refused = run_client(
        *base,
        "org.freedesktop.DBus.Properties.Set",
        "org.mpris.MediaPlayer2.Player",
        "PlaybackStatus",
        "<'Playing'>",
    )
    assert refused.status != 0 and "read-only" in refused.err
    intro = run_client(
        "gdbus", "introspect", "--session", "-d", "org.mpris.MediaPlayer2.podplayer",
        "-o", "/org/mpris/MediaPlayer2",
    ).out  # fmt: skip
    assert "SetPosition(in  o TrackId," in intro
    assert "Seeked(x Position);" in intro
    assert "readwrite d Volume" in intro


@needs_gdbus
def test_raise_quit_and_open_uri(qtbot: Any, setup: dict[str, Any], run_client):
    base = ["gdbus", "call", "--session", "-d", "org.mpris.MediaPlayer2.podplayer"]
    base += ["-o", "/org/mpris/MediaPlayer2", "-m"]
    run_client(*base, "org.mpris.MediaPlayer2.Raise")
    run_client(*base, "org.mpris.MediaPlayer2.Quit")
    run_client(*base, "org.mpris.MediaPlayer2.Player.OpenUri", "https://example.org/a.mp3")
    run_client(*base, "org.mpris.MediaPlayer2.Player.OpenUri", "file:///tmp/some%20file.mp3")
    refused = run_client(*base, "org.mpris.MediaPlayer2.Player.OpenUri", "vlc://quit")
    assert refused.status != 0
    qtbot.waitUntil(lambda: "quit" in setup["calls"].names)
    assert sorted(setup["calls"].names) == sorted(
        ["raise", "quit", "open:https://example.org/a.mp3", "open:/tmp/some file.mp3"]
    )


@needs_gdbus
def test_properties_changed_and_seeked_are_signalled(
    qtbot: Any, setup: dict[str, Any], private_bus: Any
):
    from PySide6.QtCore import QProcess, QProcessEnvironment

    monitor = QProcess()
    env = QProcessEnvironment.systemEnvironment()
    env.insert("DBUS_SESSION_BUS_ADDRESS", private_bus.address)
    monitor.setProcessEnvironment(env)
    monitor.start("gdbus", ["monitor", "--session", "-d", "org.mpris.MediaPlayer2.podplayer"])
    assert monitor.waitForStarted(5000)
    output: list[str] = []
    monitor.readyReadStandardOutput.connect(
        lambda: output.append(bytes(monitor.readAllStandardOutput().data()).decode())
    )
    qtbot.waitUntil(lambda: "".join(output) != "", timeout=5000)  # "Monitoring signals ..."
    try:
        _playing(qtbot, setup)
        qtbot.waitUntil(lambda: "'PlaybackStatus': <'Playing'>" in "".join(output))
        setup["session"].next_chapter()
        qtbot.waitUntil(lambda: "'xesam:title': <'News of the week'>" in "".join(output))
        qtbot.waitUntil(lambda: "Player.Seeked (int64 10000000,)" in "".join(output))
        setup["player"].pause()
        qtbot.waitUntil(lambda: "'PlaybackStatus': <'Paused'>" in "".join(output))
        setup["player"].set_volume(50)
        setup["player"].seek(11_000)  # within tolerance: not a seek, but carries the check
        qtbot.waitUntil(lambda: "'Volume': <0.5>" in "".join(output))
    finally:
        monitor.kill()
        monitor.waitForFinished(3000)


def test_no_session_bus_means_no_mpris(
    qapp: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from podplayer.desktop.mpris import install_mpris
    from podplayer.playback.null import NullPlayer
    from podplayer.playback.session import PlaybackSession

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    session = PlaybackSession(NullPlayer())
    with caplog.at_level("WARNING"):
        service = install_mpris(
            session,
            raise_window=lambda: None,
            quit_app=lambda: None,
            podcast_title_for=lambda e: None,
        )
    assert service is None
    assert "MPRIS unavailable" in caplog.text
