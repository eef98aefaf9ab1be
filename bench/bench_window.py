"""Window benchmark: cold start over a big library, and the GUI thread during a refresh.

Library: 50 podcasts x 400 episodes x 10 chapters (generated as in bench_library.py).
- cold start to the window painted (a child process each run, median of 5), side by side with
  a bare PySide6 window with a list in the same run: target at most 1.5x;
- refresh of 50 feeds from a loopback server through the window's workers, with a 10 ms
  QTimer recording how late the event loop runs it: target never more than 50 ms.

Runs offscreen unless QT_QPA_PLATFORM says otherwise. Usage: python bench/bench_window.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_library import feed_bytes, make_podcast, serve
from podplayer.core.library import FILE_NAME, Library

_BARE = """
import sys, time
t0 = time.perf_counter()
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QListWidget, QMainWindow
app = QApplication([])
w = QMainWindow(); w.setCentralWidget(QListWidget()); w.resize(1200, 760)
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            print((time.perf_counter() - t0) * 1000); sys.stdout.flush(); app.exit(0)
        return False
f = F(); w.installEventFilter(f); w.show(); app.exec()
"""

_APP = """
import sys, time
t0 = time.perf_counter()
from PySide6.QtCore import QEvent, QObject, QThreadPool
from PySide6.QtWidgets import QApplication
from pathlib import Path
from podplayer.core import sources
from podplayer.core.library import open_library
from podplayer.playback.null import NullPlayer
from podplayer.playback.session import PlaybackSession
from podplayer.ui.loader import SourceLoader
from podplayer.ui.mainwindow import MainWindow
app = QApplication([])
library, _ = open_library(Path(sys.argv[1]))
w = MainWindow(SourceLoader(lambda p: sources.load(str(p))), PlaybackSession(NullPlayer()),
               library)
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            print((time.perf_counter() - t0) * 1000); sys.stdout.flush(); app.exit(0)
        return False
f = F(); w.installEventFilter(f); w.show(); app.exec()
"""


def _figure(name: str, value: float, unit: str, target: str, ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  ok" if ok else "  MISSED")
    print(f"{name:<44} {value:10.1f} {unit:<3} target {target}{verdict}")


def _child_ms(code: str, *args: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def cold_start(path: Path, runs: int) -> tuple[float, float]:
    bare, app = [], []
    for _ in range(runs):
        bare.append(_child_ms(_BARE))
        app.append(_child_ms(_APP, str(path)))
    return statistics.median(bare), statistics.median(app)


def refresh_lateness(path: Path, urls: list[str]) -> tuple[float, float, int]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication

    from podplayer.core import sources
    from podplayer.playback.null import NullPlayer
    from podplayer.playback.session import PlaybackSession
    from podplayer.ui.loader import SourceLoader
    from podplayer.ui.mainwindow import MainWindow

    app = QApplication.instance() or QApplication([])
    library = Library(path)
    window = MainWindow(
        SourceLoader(lambda p: sources.load(str(p)), QThreadPool()),
        PlaybackSession(NullPlayer()),
        library,
        network=False,
    )
    window.show()
    app.processEvents()
    late: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        late.append(max(0.0, (now - last[0]) * 1000 - 10))
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    loop = QEventLoop()
    results: list[object] = []

    def finished(batch: list[object]) -> None:
        results.extend(batch)
        loop.quit()

    window.refresh_finished.connect(finished)
    start = time.perf_counter()
    timer.start()
    last[0] = time.perf_counter()
    window.refresh_feeds(urls)
    loop.exec()
    seconds = time.perf_counter() - start
    timer.stop()
    window.tasks.wait()
    failed = sum(1 for r in results if not getattr(r, "ok", False))
    window.close()
    library.close()
    return max(late), seconds, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--podcasts", type=int, default=50)
    parser.add_argument("--episodes", type=int, default=400)
    parser.add_argument("--chapters", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="podplayer-bench-") as tmp:
        path = Path(tmp) / FILE_NAME
        changed = {
            f"/{p}/feed.xml": feed_bytes(make_podcast(p, args.episodes, args.chapters, seed=2))
            for p in range(args.podcasts)
        }
        with serve(changed) as base:
            urls = [base + key for key in changed]
            with Library(path) as lib:
                for p in range(args.podcasts):
                    podcast = make_podcast(p, args.episodes, args.chapters)
                    lib.add_podcast(replace(podcast, url=urls[p]))
            print(
                f"library: {args.podcasts} podcasts x {args.episodes} episodes x "
                f"{args.chapters} chapters"
            )
            bare, app = cold_start(path, args.runs)
            _figure("cold start, bare PySide6 window", bare, "ms", "reference")
            _figure("cold start, podplayer window painted", app, "ms", "<= 1.5x bare")
            ratio = app / bare
            verdict = "  ok" if ratio <= 1.5 else "  MISSED"
            print(f"{'  ratio':<44} {ratio:10.2f} x   target <= 1.5{verdict}")
            worst, seconds, failed = refresh_lateness(path, urls)
            _figure(f"refresh {len(urls)} feeds through the window", seconds * 1000, "ms", "none")
            _figure("  GUI event-loop lateness, worst", worst, "ms", "<= 50 ms", worst <= 50)
            if failed:
                print(f"  {failed} feeds failed to refresh")
    return 0


if __name__ == "__main__":
    sys.exit(main())
