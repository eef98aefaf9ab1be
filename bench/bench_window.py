"""Window benchmark: cold start over a big library, and the GUI thread during a refresh.

Library: 50 podcasts x 400 episodes x 10 chapters (generated as in bench_library.py).
- cold start of the real app (``podplayer.app.main``, libVLC with the dummy output) to its
  window painted, side by side with a bare PySide6 window with a list: each run is a fresh
  child process, the two alternate, the figure is the median; target at most 1.5x. Measured
  with compiled modules (as installed; one unmeasured run writes them) and without (a checkout
  run with PYTHONDONTWRITEBYTECODE compiles every module at every start);
- refresh of 50 feeds from a loopback server (in a process of its own, so that serving does not
  compete for this process's GIL) through the window's workers, with a 10 ms QTimer recording
  how late the event loop runs it: target never more than 50 ms. ``--trace`` samples what the
  GUI thread was doing during each late tick.

Runs offscreen unless QT_QPA_PLATFORM says otherwise. Usage: python bench/bench_window.py
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_library import make_podcast
from podplayer.core.library import FILE_NAME, Library

# Both children take their time from their own start, after the same interpreter start-up, and
# stop at the first paint of a top-level window.
_PAINTED = """
import os, sys, time
t0 = time.perf_counter()
from PySide6.QtCore import QEvent, QObject
import PySide6.QtWidgets as W
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint and o.isWidgetType() and o.isWindow():
            print((time.perf_counter() - t0) * 1000); sys.stdout.flush(); os._exit(0)
        return False
f = F()
class App(W.QApplication):
    def __init__(self, *a):
        super().__init__(*a)
        self.installEventFilter(f)
"""

_BARE = (
    _PAINTED
    + """
app = App([])
w = W.QMainWindow(); w.setCentralWidget(W.QListWidget()); w.resize(1200, 760)
w.show(); app.exec()
"""
)

# The real start-up path; exiting at the first paint leaves the library as it was.
_APP = (
    _PAINTED
    + """
W.QApplication = App
from podplayer.app import main
main([])
"""
)

_SERVER = """
import sys
sys.path.insert(0, sys.argv[1])
from bench_library import feed_bytes, make_podcast, serve
podcasts, episodes, chapters = map(int, sys.argv[2:5])
feeds = {
    f"/{p}/feed.xml": feed_bytes(make_podcast(p, episodes, chapters, seed=2))
    for p in range(podcasts)
}
with serve(feeds) as base:
    print(base, flush=True)
    sys.stdin.read()
"""


def _figure(name: str, value: float, unit: str, target: str, ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  ok" if ok else "  MISSED")
    print(f"{name:<44} {value:10.1f} {unit:<3} target {target}{verdict}")


def _child_ms(code: str, home: Path, compiled: bool) -> float:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "PODPLAYER_HOME": str(home),
        "PODPLAYER_AUDIO_OUTPUT": "dummy",
    }
    if compiled:
        # An installed app has its modules compiled; a checkout may not write .pyc files.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def cold_start(home: Path, runs: int, compiled: bool) -> tuple[list[float], list[float]]:
    if compiled:
        _child_ms(_BARE, home, compiled)
        _child_ms(_APP, home, compiled)
    bare, app = [], []
    for _ in range(runs):
        bare.append(_child_ms(_BARE, home, compiled))
        app.append(_child_ms(_APP, home, compiled))
    return bare, app


class _Sampler:
    """The GUI thread's stack every few ms, to tell what it did while a tick was late."""

    def __init__(self, interval_s: float = 0.002) -> None:
        self._target = threading.get_ident()
        self._interval = interval_s
        self.samples: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            frame = sys._current_frames().get(self._target)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)[-6:]
            where = " < ".join(
                f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(stack)
            )
            self.samples.append((time.perf_counter(), where))

    def during(self, start: float, end: float, top: int = 3) -> list[tuple[int, str]]:
        counts = collections.Counter(w for t, w in self.samples if start <= t <= end)
        return [(n, w) for w, n in counts.most_common(top)]


def refresh_lateness(
    path: Path, urls: list[str], trace: bool
) -> tuple[list[tuple[float, float]], float, int, _Sampler | None]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication

    from podplayer.app import settle_interpreter
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
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)
    window.tasks.wait()
    app.processEvents()
    settle_interpreter()  # as the app does after its first paint
    # (when the tick ran, how late it was), in ms since the refresh started.
    ticks: list[tuple[float, float]] = []
    start = time.perf_counter()
    last = [start]

    def tick() -> None:
        now = time.perf_counter()
        ticks.append(((now - start) * 1000, max(0.0, (now - last[0]) * 1000 - 10)))
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    loop = QEventLoop()
    results: list[object] = []

    def finished(batch: list[object]) -> None:
        results.extend(batch)
        # Whatever the end of a batch starts (reloads, optimize) counts too.
        QTimer.singleShot(500, loop.quit)

    window.refresh_finished.connect(finished)
    sampler = _Sampler() if trace else None
    if sampler is not None:
        sampler.start()
    start = time.perf_counter()
    timer.start()
    last[0] = time.perf_counter()
    window.refresh_feeds(urls)
    loop.exec()
    seconds = time.perf_counter() - start
    timer.stop()
    if sampler is not None:
        sampler.stop()
        for at, late in ticks:
            if late > 20:
                print(f"  late tick at {at:8.1f} ms: {late:6.1f} ms late")
                end = start + at / 1000
                for n, where in sampler.during(end - (late + 10) / 1000, end):
                    print(f"      {n:3d} x {where}")
    window.tasks.wait()
    failed = sum(1 for r in results if not getattr(r, "ok", False))
    window.close()
    library.close()
    return ticks, seconds, failed, sampler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--podcasts", type=int, default=50)
    parser.add_argument("--episodes", type=int, default=400)
    parser.add_argument("--chapters", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--trace", action="store_true", help="show what the GUI did when late")
    parser.add_argument("--skip-start", action="store_true", help="only the refresh")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="podplayer-bench-") as tmp:
        home = Path(tmp)
        path = home / "data" / FILE_NAME
        server = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _SERVER,
                str(Path(__file__).resolve().parent),
                str(args.podcasts),
                str(args.episodes),
                str(args.chapters),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            base = server.stdout.readline().strip()
            urls = [f"{base}/{p}/feed.xml" for p in range(args.podcasts)]
            with Library(path) as lib:
                for p in range(args.podcasts):
                    podcast = make_podcast(p, args.episodes, args.chapters)
                    lib.add_podcast(replace(podcast, url=urls[p]))
            print(
                f"library: {args.podcasts} podcasts x {args.episodes} episodes x "
                f"{args.chapters} chapters"
            )
            for compiled in () if args.skip_start else (True, False):
                how = "with .pyc, as installed" if compiled else "no .pyc, compiled each run"
                print(f"cold start ({how}), median of {args.runs}:")
                bare, app = cold_start(home, args.runs, compiled)
                _figure("  bare PySide6 window", statistics.median(bare), "ms", "ref")
                _figure("  podplayer window painted", statistics.median(app), "ms", "<= 1.5x")
                print(f"    runs, bare: {' '.join(f'{v:.0f}' for v in bare)}")
                print(f"    runs, app:  {' '.join(f'{v:.0f}' for v in app)}")
                ratio = statistics.median(app) / statistics.median(bare)
                verdict = "  ok" if ratio <= 1.5 else "  MISSED"
                print(f"{'    ratio':<44} {ratio:10.2f} x   target <= 1.5{verdict}")
            ticks, seconds, failed, _ = refresh_lateness(path, urls, args.trace)
            worst = max(late for _, late in ticks)
            over = sum(1 for _, late in ticks if late > 50)
            _figure(f"refresh {len(urls)} feeds through the window", seconds * 1000, "ms", "none")
            _figure("  GUI event-loop lateness, worst", worst, "ms", "<= 50 ms", worst <= 50)
            print(f"  ticks more than 50 ms late: {over} of {len(ticks)}")
            if failed:
                print(f"  {failed} feeds failed to refresh")
        finally:
            server.stdin.close()  # type: ignore[union-attr]
            server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
