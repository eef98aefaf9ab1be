"""Window benchmark: cold start over libraries of several sizes, memory, and the GUI thread
while the listener types, switches podcasts and refreshes.

Library: 50 podcasts x 400 episodes x 10 chapters (generated as in bench_library.py), plus one
podcast of 3,000 episodes.
- cold start of the real app (``podplayer.app.main``, libVLC with the dummy output) to its
  window painted, side by side with a bare PySide6 window with a list: each run is a fresh
  child process, the two alternate, the figure is the median; target at most 1.5x, with an
  empty library, 20,000 and 320,000 episodes (``--sizes``). Measured with compiled modules (as
  installed; one unmeasured run writes them);
- memory (peak RSS) of the app at 20,000 episodes after the first paint and a walk through 20
  podcasts: target under 250 MB;
- the GUI thread's largest stall, from a 10 ms QTimer recording how late the event loop runs it
  (target never more than 50 ms), while: a 6-letter word is typed in the search box one key per
  200 ms; 20 podcasts of 400 episodes are selected one after the other; 50 feeds are refreshed
  from a loopback server (in a process of its own, so that serving does not compete for this
  process's GIL); the 3,000-episode podcast is selected and searched. ``--trace`` samples what
  the GUI thread was doing during each late tick.

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

# After the first paint: walk through 20 podcasts, then print the peak RSS (MB).
_MEMORY = (
    _PAINTED.replace(
        "print((time.perf_counter() - t0) * 1000); sys.stdout.flush(); os._exit(0)", "walk()"
    )
    + """
import resource
from PySide6.QtCore import QTimer
state = {"n": 0, "started": False}
def walk():
    if state["started"]:
        return
    state["started"] = True
    timer = QTimer(W.QApplication.instance())
    def step():
        window = next(w for w in W.QApplication.topLevelWidgets() if hasattr(w, "browser"))
        if window.browser.busy:
            return
        podcasts = window.podcast_model.items()
        if state["n"] >= min(20, len(podcasts)):
            print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024); sys.stdout.flush()
            os._exit(0)
        window.select_podcast(podcasts[state["n"]].url)
        state["n"] += 1
    timer.timeout.connect(step)
    timer.start(50)
W.QApplication = App
from podplayer.app import main
main([])
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


class Ticker:
    """A 10 ms timer noting how late each tick runs (ms): the GUI thread's stalls."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.ticks: list[tuple[float, float]] = []
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)
        self.start_s = self._last = 0.0

    def start(self) -> None:
        self.ticks = []
        self.start_s = self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        return time.perf_counter() - self.start_s

    def worst(self) -> float:
        return max((late for _, late in self.ticks), default=0.0)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.ticks.append(((now - self.start_s) * 1000, max(0.0, (now - self._last) * 1000 - 10)))
        self._last = now

    def report(self, sampler: _Sampler | None) -> None:
        if sampler is None:
            return
        for at, late in self.ticks:
            if late > 20:
                print(f"  late tick at {at:8.1f} ms: {late:6.1f} ms late")
                end = self.start_s + at / 1000
                for n, where in sampler.during(end - (late + 10) / 1000, end):
                    print(f"      {n:3d} x {where}")


def _wait(app: object, condition: object, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.002)


def _pause(app: object, seconds: float) -> None:
    _wait(app, lambda: False, seconds)


def window_stalls(
    path: Path, urls: list[str], big_url: str, trace: bool
) -> list[tuple[str, float, float, int]]:
    """(scenario, worst stall ms, seconds, failures) for each scenario, in one window."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    from podplayer.app import build_window, settle_interpreter
    from podplayer.core import sources
    from podplayer.playback.null import NullPlayer
    from podplayer.playback.session import PlaybackSession
    from podplayer.ui.loader import SourceLoader

    app = QApplication.instance() or QApplication([])
    library = Library(path)
    window = build_window(
        SourceLoader(lambda p: sources.load(str(p)), QThreadPool()),
        PlaybackSession(NullPlayer()),
        library,
        network=False,
    )
    window.show()

    def idle() -> bool:
        return not window.browser.busy and not window.tasks.busy

    _wait(app, idle)
    settle_interpreter()  # as the app does after its first paint
    sampler = _Sampler() if trace else None
    if sampler is not None:
        sampler.start()
    ticker = Ticker()
    figures: list[tuple[str, float, float, int]] = []

    def typing(word: str) -> None:
        window.search_box.clear()
        _wait(app, idle)
        for n in range(1, len(word) + 1):
            window.search_box.setText(word[:n])
            _pause(app, 0.2)
        _wait(app, idle)
        _pause(app, 0.3)
        window.search_box.clear()

    word = "garden"
    ticker.start()
    typing(word)
    figures.append((f"type {word!r}, a key per 200 ms", ticker.worst(), ticker.stop(), 0))
    ticker.report(sampler)

    ticker.start()
    for url in urls[:20]:
        window.select_podcast(url)
        _pause(app, 0.05)
        _wait(app, idle)
    figures.append(("switch through 20 podcasts of 400", ticker.worst(), ticker.stop(), 0))
    ticker.report(sampler)

    results: list[object] = []
    window.refresh_finished.connect(results.extend)
    ticker.start()
    window.refresh_feeds(urls)
    _wait(app, lambda: bool(results), 600)
    _pause(app, 0.5)  # whatever the end of a batch starts (reloads, optimize) counts too
    failed = sum(1 for r in results if not getattr(r, "ok", False))
    figures.append((f"refresh {len(urls)} feeds", ticker.worst(), ticker.stop(), failed))
    ticker.report(sampler)

    ticker.start()
    window.select_podcast(big_url)
    _wait(app, lambda: idle() and window.episode_model.rowCount() >= 3000)
    _pause(app, 0.3)
    typing(word)
    figures.append(("select + search a 3,000-episode podcast", ticker.worst(), ticker.stop(), 0))
    ticker.report(sampler)
    if sampler is not None:
        sampler.stop()
    window.tasks.wait()
    window.close()
    library.close()
    return figures


def _build(home: Path, podcasts: int, episodes: int, chapters: int, urls: list[str]) -> None:
    """A library of ``podcasts`` x ``episodes`` under ``home`` (built in a child process)."""
    code = f"""
import sys
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
from dataclasses import replace
from pathlib import Path
from bench_library import make_podcast
from podplayer.core.library import Library
urls = {urls!r}
with Library(Path({str(home / "data" / FILE_NAME)!r})) as lib:
    for p in range({podcasts}):
        podcast = make_podcast(p, {episodes}, {chapters})
        lib.add_podcast(replace(podcast, url=urls[p] if p < len(urls) else podcast.url))
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=3600)


def _cold_starts(root: Path, args: argparse.Namespace, urls: list[str]) -> None:
    for size in (int(n) for n in args.sizes.split(",")):
        home = root / f"start-{size}"
        if size:
            podcasts = max(1, size // args.episodes)
            _build(home, podcasts, args.episodes, args.chapters, urls)
        else:
            # A first start: the bundled sample loads on a worker after the paint.
            (home / "data").mkdir(parents=True)
        bare, app = cold_start(home, args.runs, compiled=True)
        ratio = statistics.median(app) / statistics.median(bare)
        label = f"{size:,} episodes" if size else "an empty library"
        print(f"cold start with {label}, median of {args.runs}:")
        _figure("  bare PySide6 window", statistics.median(bare), "ms", "ref")
        _figure("  podplayer window painted", statistics.median(app), "ms", "<= 1.5x")
        print(f"    runs, bare: {' '.join(f'{v:.0f}' for v in bare)}")
        print(f"    runs, app:  {' '.join(f'{v:.0f}' for v in app)}")
        verdict = "  ok" if ratio <= 1.5 else "  MISSED"
        print(f"{'    ratio':<44} {ratio:10.2f} x   target <= 1.5{verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--podcasts", type=int, default=50)
    parser.add_argument("--episodes", type=int, default=400)
    parser.add_argument("--chapters", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--trace", action="store_true", help="show what the GUI did when late")
    parser.add_argument("--skip-start", action="store_true", help="no cold start or memory")
    parser.add_argument(
        "--sizes", default="0,20000,320000", help="episode counts for the cold start"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="podplayer-bench-") as tmp:
        root = Path(tmp)
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
            home = root / "main"
            _build(home, args.podcasts, args.episodes, args.chapters, urls)
            big_url = "https://example.org/big/feed.xml"
            with Library(home / "data" / FILE_NAME) as lib:
                big = make_podcast(args.podcasts, 3000, args.chapters)
                lib.add_podcast(replace(big, url=big_url, title="A big one"))
            print(
                f"library: {args.podcasts} podcasts x {args.episodes} episodes x "
                f"{args.chapters} chapters, and one of 3,000 episodes"
            )
            if not args.skip_start:
                _cold_starts(root, args, urls)
                rss = _child_ms(_MEMORY, home, compiled=True)
                _figure("memory after 20 podcasts, 20,000+ episodes", rss, "MB", "< 250", rss < 250)
            for name, worst, seconds, failed in window_stalls(
                home / "data" / FILE_NAME, urls, big_url, args.trace
            ):
                _figure(f"GUI stall, worst: {name}", worst, "ms", "<= 50 ms", worst <= 50)
                print(f"    took {seconds:.1f} s" + (f", {failed} failed" if failed else ""))
        finally:
            server.stdin.close()  # type: ignore[union-attr]
            server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
