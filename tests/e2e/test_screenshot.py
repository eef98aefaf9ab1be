"""The real window on Xvfb at 1280x800, playing the demo: chapters, notes and transport bar are
on screen (and at 200% scale on a screen twice as large). Screenshots are saved under
``$PODPLAYER_ARTIFACTS`` when it is set."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xserver import xvfb_display

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]

PROBE = Path(__file__).with_name("window_probe.py")
NO_TCP = ("-nolisten", "tcp")


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (make test installs it)")
    return path


def _grab(display: str, size: str, out: Path) -> None:
    subprocess.run(
        [
            need("ffmpeg"),
            "-v",
            "error",
            "-y",
            "-f",
            "x11grab",
            "-video_size",
            size,
            *("-i", display, "-frames:v", "1", str(out)),
        ],
        check=True,
        timeout=30,
        capture_output=True,
    )


def _busy(image: object, rect: list[int]) -> int:
    """How many different colours a rectangle of the screenshot holds (sampled)."""
    from PySide6.QtGui import QImage

    assert isinstance(image, QImage)
    x, y, w, h = rect
    colours = set()
    for i in range(0, w, max(1, w // 60)):
        for j in range(0, h, max(1, h // 40)):
            colours.add(image.pixel(x + i, y + j))
    return len(colours)


@pytest.mark.parametrize(("scale", "size"), [(1, "1280x800"), (2, "2560x1600")])
def test_window_playing_the_demo_shows_chapters_notes_and_transport(
    tmp_path: Path, scale: int, size: str
) -> None:
    pytest.importorskip("vlc")
    artifacts = os.environ.get("PODPLAYER_ARTIFACTS")
    folder = Path(artifacts) if artifacts else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    ready, done, log = tmp_path / "ready.json", tmp_path / "done", tmp_path / "app.log"
    with xvfb_display(size) as display:
        env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "QT_SCALE_FACTOR": str(scale),
            "PODPLAYER_HOME": str(tmp_path / "home"),
            "PODPLAYER_AUDIO_OUTPUT": "dummy",
            "PODPLAYER_LOG": "INFO",
        }
        with log.open("w") as stderr:
            app = subprocess.Popen(
                [sys.executable, str(PROBE), str(ready), str(done)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        try:
            deadline = time.monotonic() + 60
            while not ready.exists() and time.monotonic() < deadline and app.poll() is None:
                time.sleep(0.2)
            assert ready.exists(), log.read_text()
            time.sleep(0.5)  # one more paint after the last change
            shot = folder / f"main-window-playing-{scale}x.png"
            _grab(display, size, shot)
            done.touch()
            assert app.wait(20) == 0, log.read_text()
        finally:
            if app.poll() is None:
                app.kill()
                app.wait()
    info = json.loads(ready.read_text())
    assert all(info["visible"].values()), info
    assert info["chapter_rows"] == 6
    assert "tour of podplayer" in info["notes_text"].lower()
    assert info["transport_text"]
    width, height = (int(n) for n in size.split("x"))
    from PySide6.QtGui import QImage

    image = QImage(str(shot))
    assert (image.width(), image.height()) == (width, height)
    for part in ("chapters", "notes", "transport"):
        x, y, w, h = info[part]
        assert w > 100 * scale and h > 40 * scale, (part, info[part])
        assert x >= 0 and x + w <= width and y >= 0 and y + h <= height, (part, info[part])
        assert _busy(image, info[part]) >= 3, f"{part} looks blank in {shot}"
    assert "Traceback" not in log.read_text()
