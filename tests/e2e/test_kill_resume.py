"""The real app, killed with SIGKILL while playing the demo, leaves an intact library and a
resume position within 10 s of where it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from podplayer.core.library import FILE_NAME, Library
from podplayer.core.paths import demo_audio

pytestmark = [pytest.mark.slow]


def test_sigkill_while_playing_keeps_the_position(tmp_path: Path) -> None:
    pytest.importorskip("vlc")
    home = tmp_path / "home"
    env = {
        **os.environ,
        "PODPLAYER_HOME": str(home),
        "PODPLAYER_AUDIO_OUTPUT": "dummy",
        "QT_QPA_PLATFORM": "offscreen",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "podplayer", str(demo_audio())],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = time.monotonic()
    try:
        # Long enough for at least one periodic save after playback starts.
        time.sleep(12)
        assert process.poll() is None, "the app exited by itself"
        elapsed_s = time.monotonic() - started
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    library = Library(home / "data" / FILE_NAME)
    try:
        assert library.podcasts(), "the library lost its podcasts"
        position = library.position(demo_audio().resolve().as_uri())
    finally:
        library.close()
    # The app needed some of the elapsed time to start; the last save is at most ~5 s old.
    assert position > 0
    assert abs(position / 1000 - elapsed_s) <= 10, (position, elapsed_s)
