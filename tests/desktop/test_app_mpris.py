"""The real app on a private session bus: playerctl controls it, a second launch hands over.

``python -m podplayer DEMO`` plays the bundled demo (chapters every 10 s) with libVLC's dummy
audio output; playerctl and gdbus talk to it over a dbus-daemon of the test's own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from podplayer.core.paths import demo_audio

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("playerctl") is None,
        reason="playerctl is not installed (Debian package playerctl)",
    ),
]

CHAPTERS = [
    "Welcome",
    "Show notes become chapters",
    "Click to seek",
    "Links from the notes",
    "Speed and skipping",
    "Goodbye",
]


def _wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def app_env(private_bus: Any, private_dirs: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PODPLAYER_HOME": str(private_dirs),
        "PODPLAYER_AUDIO_OUTPUT": "dummy",
        "QT_QPA_PLATFORM": "offscreen",
        "DBUS_SESSION_BUS_ADDRESS": private_bus.address,
    }


@pytest.fixture
def app(app_env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    pytest.importorskip("vlc")
    log = open(tmp_path / "app.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "podplayer", str(demo_audio())],
        env=app_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        log.close()


def _ctl(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["playerctl", "-p", "podplayer", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )


def test_playerctl_controls_the_running_app(
    app: subprocess.Popen[bytes], app_env: dict[str, str]
) -> None:
    def out(*args: str) -> str:
        return _ctl(app_env, *args).stdout.strip()

    def title() -> str:
        return out("metadata", "title")

    _wait_for(lambda: out("status") == "Playing", 30, "the app to play over MPRIS")
    first = title()
    assert first in CHAPTERS
    assert out("metadata", "xesam:url").endswith("podplayer-demo.mp3")
    assert int(out("metadata", "mpris:length")) > 55_000_000

    assert _ctl(app_env, "next").returncode == 0
    expected = CHAPTERS[CHAPTERS.index(first) + 1]
    _wait_for(lambda: title() == expected, 10, f"the title to become {expected!r}")
    start = CHAPTERS.index(expected) * 10
    assert start - 0.5 <= float(out("position")) <= start + 5

    assert _ctl(app_env, "play-pause").returncode == 0
    _wait_for(lambda: out("status") == "Paused", 10, "Paused")

    assert _ctl(app_env, "position", "30").returncode == 0
    _wait_for(lambda: title() == "Links from the notes", 10, "the chapter at 0:30")
    assert float(out("position")) == pytest.approx(30, abs=0.5)

    assert _ctl(app_env, "play-pause").returncode == 0
    _wait_for(lambda: out("status") == "Playing", 10, "Playing again")

    # Quit over D-Bus: the app closes its window and exits normally.
    if shutil.which("gdbus") is None:
        return
    call = ["gdbus", "call", "--session", "-d", "org.mpris.MediaPlayer2.podplayer"]
    quit_call = subprocess.run(
        [*call, "-o", "/org/mpris/MediaPlayer2", "-m", "org.mpris.MediaPlayer2.Quit"],
        env=app_env,
        capture_output=True,
        timeout=20,
        check=False,
    )
    assert quit_call.returncode == 0, quit_call.stderr
    assert app.wait(15) == 0


def test_a_second_launch_hands_over_and_exits(
    app: subprocess.Popen[bytes], app_env: dict[str, str], tmp_path: Path
) -> None:
    _wait_for(
        lambda: _ctl(app_env, "status").stdout.strip() == "Playing", 30, "the first app to play"
    )
    started = time.monotonic()
    second = subprocess.run(
        [sys.executable, "-m", "podplayer", str(demo_audio())],
        env=app_env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert second.returncode == 0, second.stderr
    assert time.monotonic() - started < 20
    assert app.poll() is None
    players = subprocess.run(
        ["playerctl", "-l"], env=app_env, capture_output=True, text=True, timeout=20, check=False
    ).stdout.split()
    assert players == ["podplayer"]


def test_without_a_session_bus_the_app_runs_and_says_why(tmp_path: Path) -> None:
    pytest.importorskip("vlc")
    env = {
        **os.environ,
        "PODPLAYER_AUDIO_OUTPUT": "dummy",
        "QT_QPA_PLATFORM": "offscreen",
        "DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path / 'no-bus'}",
    }
    log = tmp_path / "app.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "podplayer", str(demo_audio())],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(
                lambda: "MPRIS unavailable" in log.read_text(errors="replace"),
                30,
                "the app to log why MPRIS is off",
            )
            time.sleep(1)
            assert process.poll() is None, log.read_text(errors="replace")
        finally:
            process.terminate()
            process.wait(15)


def _launch(env: dict[str, str], log: Path, *sources: str) -> subprocess.Popen[bytes]:
    sink = open(log, "ab")  # noqa: SIM115 - the child keeps it; closed when the test ends
    return subprocess.Popen(
        [sys.executable, "-m", "podplayer", *sources], env=env, stdout=sink, stderr=sink
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(10)


def test_after_a_restart_playerctl_play_continues_the_last_episode(
    app_env: dict[str, str], tmp_path: Path
) -> None:
    pytest.importorskip("vlc")

    def out(*args: str) -> str:
        return _ctl(app_env, *args).stdout.strip()

    first = _launch(app_env, tmp_path / "first.log", str(demo_audio()))
    try:
        _wait_for(lambda: out("status") == "Playing", 30, "the first run to play")
        # Seekable once the length is known.
        _wait_for(lambda: _ctl(app_env, "position", "33").returncode == 0, 10, "a seek to 0:33")
        _wait_for(lambda: float(out("position") or 0) >= 33, 10, "the seek to 0:33")
        assert _ctl(app_env, "pause").returncode == 0
        _wait_for(lambda: out("status") == "Paused", 10, "Paused")
        first.terminate()  # as a session logout does: the position is saved on the way out
        assert first.wait(15) == 0
    finally:
        _stop(first)

    second = _launch(app_env, tmp_path / "second.log")
    try:
        _wait_for(lambda: out("metadata", "xesam:url").endswith("podplayer-demo.mp3"), 30,
                  "the restarted app to offer the last episode")  # fmt: skip
        assert out("status") != "Playing"
        assert _ctl(app_env, "play").returncode == 0
        _wait_for(lambda: out("status") == "Playing", 20, "playerctl play to continue")
        assert float(out("position")) == pytest.approx(33, abs=2.5)
        assert out("metadata", "title") == "Links from the notes"
    finally:
        _stop(second)


def test_quitting_takes_under_two_seconds_while_a_stream_never_answers(
    app_env: dict[str, str], tmp_path: Path
) -> None:
    import socket

    pytest.importorskip("vlc")
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    url = f"http://127.0.0.1:{silent.getsockname()[1]}/never.mp3"
    process = _launch(app_env, tmp_path / "app.log", url)
    try:
        _wait_for(lambda: _ctl(app_env, "status").returncode == 0, 30, "MPRIS to come up")
        _wait_for(lambda: silent.accept() is not None, 10, "the player to connect")
        started = time.monotonic()
        process.terminate()
        process.wait(10)
        assert time.monotonic() - started < 2.0
    finally:
        _stop(process)
        silent.close()
