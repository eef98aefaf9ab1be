"""The composition root: what ``podplayer`` does with its command line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from podplayer import __version__
from podplayer.app import build_parser, main


def _run_python(code: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **env},
    )


def test_version_needs_no_display(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"podplayer {__version__}"


def test_help_names_the_headless_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "SOURCE" in out
    assert "parse" in out


def test_sources_are_positional() -> None:
    options = build_parser().parse_args(["a.txt", "b.html"])
    assert options.sources == ["a.txt", "b.html"]


def test_subcommands_run_without_importing_qt(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Episode 1\nIntro 0:00\nMain part 5:00\nOutro 30:00\n", encoding="utf-8")
    code = (
        "import sys; from podplayer.app import main; rc = main(sys.argv[1:]); "
        "qt = sorted(m for m in sys.modules if m.startswith('PySide6')); "
        "print('QT', qt, file=sys.stderr); sys.exit(rc)"
    )
    done = _run_python(code, "parse", str(notes), "--json")
    assert done.returncode == 0, done.stderr
    chapters = json.loads(done.stdout)["episodes"][0]["chapters"]
    assert [c["title"] for c in chapters] == ["Intro", "Main part", "Outro"]
    assert "QT []" in done.stderr

    broken = _run_python(code, "parse", str(tmp_path / "missing.txt"))
    assert broken.returncode == 2
    assert "QT []" in broken.stderr


def test_a_broken_file_leaves_the_app_running(tmp_path: Path) -> None:
    """A whole process, offscreen: a bad file is reported, the window stays, SIGTERM exits 0."""
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02 not text")
    log = tmp_path / "app.log"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PODPLAYER_LOG": "INFO",
    }
    with log.open("w") as stderr:
        app = subprocess.Popen(
            [sys.executable, "-m", "podplayer", str(binary), str(tmp_path / "missing.txt")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and log.read_text().count("Could not load") < 2:
            time.sleep(0.1)
        output = log.read_text()
        assert output.count("Could not load") == 2, output
        assert "binary.txt" in output
        assert "missing.txt" in output
        assert app.poll() is None, "the app quit after a bad file"
        app.send_signal(signal.SIGTERM)
        assert app.wait(15) == 0
        assert "Traceback" not in log.read_text()
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()


def test_headless_commands_are_the_cli_ones() -> None:
    from podplayer import app, cli

    assert app.HEADLESS_COMMANDS == cli.COMMANDS


def test_the_window_imports_no_parser_or_http_client() -> None:
    # The first paint needs none of them; each costs start-up time (see bench_window.py).
    code = (
        "import sys; import podplayer.app, podplayer.ui.mainwindow; "
        "print(sorted(m for m in ('httpx', 'podcastparser', 'mutagen', 'defusedxml', "
        "'podplayer.cli', 'podplayer.core.sources', 'podplayer.core.notes.chapters') "
        "if m in sys.modules))"
    )
    done = _run_python(code, QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# The real start-up, stopped at the window's first paint: what it had loaded by then, and what
# it loaded in the moments after.
_FIRST_PAINT_PROBE = """
import os, sys
from PySide6.QtCore import QEvent, QObject, QTimer
import PySide6.QtWidgets as W

LATE = ("vlc", "PySide6.QtNetwork", "jeepney", "podplayer.desktop.instance",
        "podplayer.desktop.mpris", "podplayer.desktop.notify")

def loaded():
    return sorted(m for m in LATE if m in sys.modules)

class Probe(QObject):
    painted = False
    def eventFilter(self, o, e):
        if not self.painted and e.type() == QEvent.Type.Paint and o.isWidgetType() and o.isWindow():
            self.painted = True
            print("AT PAINT", loaded(), flush=True)
            timer = QTimer(self)
            timer.timeout.connect(self.after)
            timer.start(20)
            QTimer.singleShot(10_000, lambda: os._exit(3))
        return False
    def after(self):
        from podplayer.playback.vlc import VlcPlayer
        players = [w for w in W.QApplication.instance().allWidgets() if hasattr(w, "session")]
        player = players[0].session.player if players else None
        if len(loaded()) == len(LATE) and isinstance(player, VlcPlayer) and player.started:
            print("AFTER", loaded(), flush=True)
            os._exit(0)

probe = Probe()
class App(W.QApplication):
    def __init__(self, *a):
        super().__init__(*a)
        self.installEventFilter(probe)
W.QApplication = App
from podplayer.app import main
main([])
"""


def test_the_first_paint_waits_for_no_player_and_no_desktop_service(tmp_path: Path) -> None:
    """libVLC, the single-instance listener, MPRIS and notifications come after the first paint
    (each costs start-up time, see bench_window.py), and then they do come."""
    done = _run_python(
        _FIRST_PAINT_PROBE,
        QT_QPA_PLATFORM="offscreen",
        PODPLAYER_HOME=str(tmp_path),
        PODPLAYER_AUDIO_OUTPUT="dummy",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "AT PAINT []" in done.stdout, done.stdout
    assert "AFTER ['PySide6.QtNetwork', 'jeepney', 'podplayer.desktop.instance'," in (done.stdout)
