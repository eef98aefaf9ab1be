"""The real program on a real X server: starts, shows its window, is seen, quits cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]

SCREEN = "1280x800"


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (make test installs it)")
    return path


def _xdotool(display: str, *args: str, timeout: float = 10) -> str:
    result = subprocess.run(
        [_need("xdotool"), *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return result.stdout


def _wait_for_text(path: Path, text: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text(errors="replace"):
            return True
        time.sleep(0.1)
    return False


def _screenshot(display: str, out: Path) -> Path | None:
    """A PNG of the whole screen with whatever capture tool the machine has, or None."""
    env = {**os.environ, "DISPLAY": display}
    commands: list[list[str]] = []
    if shutil.which("import"):
        commands.append(["import", "-window", "root", str(out)])
    if shutil.which("ffmpeg"):
        grab = ["-f", "x11grab", "-video_size", SCREEN, "-i", display, "-frames:v", "1"]
        commands.append(["ffmpeg", "-loglevel", "error", "-y", *grab, str(out)])
    if shutil.which("xwd"):
        out = out.with_suffix(".xwd")
        commands.append(["xwd", "-root", "-silent", "-out", str(out)])
    for command in commands:
        done = subprocess.run(command, env=env, capture_output=True, timeout=30, check=False)
        if done.returncode == 0 and out.exists() and out.stat().st_size > 1000:
            return out
    return None


def test_window_appears_and_quits_cleanly(display: str, tmp_path: Path) -> None:
    _need("xdotool")
    log = tmp_path / "podplayer.log"
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "PODPLAYER_HOME": str(tmp_path / "home"),
        "PODPLAYER_LOG": "INFO",
        # No sound card on test machines: libVLC's default output would flood the log.
        "PODPLAYER_AUDIO_OUTPUT": "dummy",
    }
    with log.open("w") as stderr:
        app = subprocess.Popen(
            [sys.executable, "-m", "podplayer"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        try:
            found = _xdotool(
                display, "search", "--sync", "--onlyvisible", "--name", "^podplayer$", timeout=30
            )
        except subprocess.TimeoutExpired:
            pytest.fail("no podplayer window within 30 s:\n" + log.read_text())
        window = found.split()[0]
        # The bundled sample and the demo episode, which is selected whichever comes first.
        assert _wait_for_text(log, "podplayer-demo.txt: 1 episodes", 15), log.read_text()
        assert _wait_for_text(log, "meta-tech-podcast.txt", 15), log.read_text()
        time.sleep(0.5)  # let the loaded lists paint

        artifacts = os.environ.get("PODPLAYER_ARTIFACTS")
        folder = Path(artifacts) if artifacts else tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        shot = _screenshot(display, folder / "main-window.png")
        if shot is not None:
            assert shot.stat().st_size > 1000

        # Space plays the selected demo episode, Ctrl+Right goes to its next chapter.
        _xdotool(display, "windowfocus", "--sync", window)
        _xdotool(display, "key", "--clearmodifiers", "space")
        assert _wait_for_text(log, "Player playing: A tour of podplayer", 15), log.read_text()
        _xdotool(display, "key", "--clearmodifiers", "ctrl+Right")
        time.sleep(1.5)
        _screenshot(display, folder / "main-window-playing.png")

        _xdotool(display, "windowfocus", "--sync", window)
        _xdotool(display, "key", "--clearmodifiers", "ctrl+q")
        try:
            status = app.wait(15)
        except subprocess.TimeoutExpired:
            pytest.fail("Ctrl+Q did not close the window within 15 s")
        output = log.read_text()
        assert status == 0, output
        assert "Traceback" not in output, output
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGTERM)
            try:
                app.wait(5)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait()
