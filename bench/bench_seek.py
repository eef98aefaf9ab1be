"""Seeks, skips and fades as a listener hears them, judged from the audio libVLC outputs.

Landings: the 600 s ruler signal (tests/playback/ruler.py) in eight encodings, local and over
a Range-capable loopback server, at 1x and 2x; for each format and target (37 s, 123.456 s,
501 s) podplayer's VlcPlayer seeks while playing and the landing error is read from the audio
that follows the seek's flush (+ is late), with the stray audio heard before it.

Latency: from the seek request to the first new audio being due (amem's timestamps), for
VlcPlayer and for a bare python-vlc player (a default ``vlc.Instance`` with only the amem
output, libVLC's own demuxers, ``set_time``) doing the same seek on the same file in the same
run; who seeks first alternates from one seek to the next.

Skip leak: ms of an unticked chapter heard when playing into it (tones file). Fade end: the
peak level of the last 0.5 s before the sleep timer's pause.

    .venv/bin/python bench/bench_seek.py [--rounds 2] [--formats wav,opus] [--no-fade]
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import vlc
from PySide6.QtCore import QCoreApplication

from podplayer.core.model import Chapter, Episode
from podplayer.playback.base import PlayerState
from podplayer.playback.session import PlaybackSession
from podplayer.playback.skipping import ChapterSkipper
from podplayer.playback.vlc import VlcPlayer

ROOT = Path(__file__).resolve().parents[1]
TARGETS = (37_000, 123_456, 501_000)
COLLECT_MS = 900


def load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


ruler = load("ruler", ROOT / "tests/playback/ruler.py")
tones = load("tones", ROOT / "tests/playback/tones.py")
httpserver = load("httpserver", ROOT / "tests/core/httpserver.py")


def spin(app: QCoreApplication, seconds: float, until: Callable[[], bool] | None = None) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        if until is not None and until():
            return True
        time.sleep(0.002)
    return until is None


class Ours:
    name = "ours"

    def __init__(self, app: QCoreApplication, source: str, rate: float) -> None:
        self.player = VlcPlayer("amem")
        self.ear = ruler.AmemRecorder(self.player.native_player())
        self.player.set_rate(rate)
        self.player.load(source)
        self.player.play()
        spin(app, 20, lambda: self.player.state is PlayerState.PLAYING)

    def seek(self, ms: int) -> None:
        self.player.seek(ms)

    def close(self) -> None:
        self.player.close()


class Bare:
    name = "bare"

    def __init__(self, app: QCoreApplication, source: str, rate: float) -> None:
        self.instance = vlc.Instance(["--aout=amem"])
        self.mp = self.instance.media_player_new()
        self.ear = ruler.AmemRecorder(self.mp)
        self.media = (
            self.instance.media_new_location(source)
            if source.startswith("http")
            else self.instance.media_new_path(source)
        )
        self.mp.set_media(self.media)
        self.mp.play()
        spin(app, 20, lambda: self.mp.get_state() == vlc.State.Playing)
        self.mp.set_rate(rate)

    def seek(self, ms: int) -> None:
        self.mp.set_time(ms)

    def close(self) -> None:
        self.mp.stop()
        self.mp.release()
        self.media.release()
        self.instance.release()


def measure(app: QCoreApplication, who: Any, target: int, rate: float) -> tuple[float, Any] | None:
    """(latency ms, ruler.Landing) of one seek while playing."""
    ear = who.ear
    before = len(ear.stretches())
    t0 = vlc.libvlc_clock()
    who.seek(target)
    heard = spin(
        app,
        5.0,
        lambda: len(ear.stretches()) > before and ear.heard_ms() >= COLLECT_MS,
    )
    first = ear.first_due()
    if not heard or first is None:
        return None
    samples = ear.stretches()[-1]
    landing = ruler.landing(ruler.classify(samples, ear.RATE), target, rate)
    return (first - t0) / 1000, landing


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def landings(app: QCoreApplication, args: argparse.Namespace, tmp: Path) -> None:
    formats = [f for f in args.formats.split(",") if f]
    print(
        f"libVLC {vlc.libvlc_get_version().decode()}; landings on the 600 s ruler, seeks while"
        f" playing to {', '.join(str(t / 1000) for t in TARGETS)} s, {args.rounds} round(s)"
    )
    header = (
        f"{'format':8} {'where':5} {'rate':>4} {'landed ours (per target)':>26} {'stray':>6}"
        f" {'bare landed':>22} {'lat ours':>8} {'bare':>6} {'ratio':>5}"
    )
    print(header)
    print("-" * len(header))
    stray_count = worst = 0.0
    ratios: list[float] = []
    with httpserver.loopback_server() as server:
        for fmt in formats:
            path = ruler.generate(tmp, fmt)
            url = server.add(
                "/" + path.name,
                httpserver.Resource(body=path.read_bytes(), content_type="audio/mpeg"),
            )
            for where, source in (("local", str(path)), ("http", url)):
                for rate in (1.0, 2.0):
                    ours, bare = Ours(app, source, rate), Bare(app, source, rate)
                    spin(app, 0.5)
                    found: dict[str, list[tuple[float, Any]]] = {"ours": [], "bare": []}
                    turn = 0
                    for _ in range(args.rounds):
                        for target in TARGETS:
                            # Really alternating: who goes first changes at every seek.
                            order = (ours, bare) if turn % 2 == 0 else (bare, ours)
                            turn += 1
                            for who in order:
                                result = measure(app, who, target, rate)
                                if result is not None:
                                    found[who.name].append(result)
                    ours.close()
                    bare.close()
                    mine = found["ours"]
                    errors = [round(r[1].error_ms) for r in mine]
                    strays = [r[1].stray_ms for r in mine]
                    stray_count += sum(1 for s in strays if s > 0)
                    worst = max([worst, *(abs(e) for e in errors)])
                    lat_o = statistics.median([r[0] for r in mine]) if mine else math.nan
                    lat_b = (
                        statistics.median([r[0] for r in found["bare"]])
                        if found["bare"]
                        else math.nan
                    )
                    if not math.isnan(lat_o / lat_b):
                        ratios.append(lat_o / lat_b)
                    bare_errors = [round(r[1].error_ms) for r in found["bare"]]
                    print(
                        f"{fmt:8} {where:5} {rate:4.1f} {errors[: len(TARGETS)]!s:>26}"
                        f" {max(strays, default=0):6.0f} {bare_errors[: len(TARGETS)]!s:>22}"
                        f" {lat_o:8.1f} {lat_b:6.1f} {lat_o / lat_b:5.2f}",
                        flush=True,
                    )
    print(
        "landed: media ms, + is late; stray: most ms of other audio before a landing; lat: median"
        " ms from the seek to the first new audio due"
    )
    print(
        f"worst landing error (ours): {worst:.0f} ms; landings with stray audio: {stray_count:.0f}"
    )
    print(
        f"latency ratio ours/bare: median {statistics.median(ratios):.2f}, worst"
        f" {max(ratios):.2f} (nan: the bare player could not play it)"
    )


def skip_leak(app: QCoreApplication, tmp: Path) -> None:
    leaks = []
    for fmt in ("wav", "mp3-cbr", "m4a", "opus"):
        player = VlcPlayer("amem")
        ear = ruler.AmemRecorder(player.native_player())
        session = PlaybackSession(player)
        skipper = ChapterSkipper(session)
        chapters = tuple(Chapter(tones.chapter_start(i), t) for i, t in enumerate(tones.TITLES))
        path = tones.generate(tmp, fmt)
        episode = Episode("t", None, "Tones", local_path=str(path), chapters=chapters)
        session.set_episode(episode)
        skipper.set_skipped({tones.chapter_start(1)})
        session.resume(episode, tones.chapter_start(1) - 1500)
        spin(app, 10, lambda: len(ear.stretches()) > 1 and ear.heard_ms() > 1000)  # noqa: B023
        heard = [tones.classify(s, ear.RATE) for s in ear.stretches()]
        player.close()
        leaks.append((fmt, sum(w.count(1) for w in heard) * 10))
    print(
        "skip leak (ms of the unticked chapter heard):", ", ".join(f"{f} {ms}" for f, ms in leaks)
    )


def fade_end(app: QCoreApplication, tmp: Path) -> None:
    from podplayer.ui.sleeptimer import FADE_MS, SILENT_MS, SleepTimer

    player = VlcPlayer("amem")
    ear = ruler.AmemRecorder(player.native_player())
    session = PlaybackSession(player)
    timer = SleepTimer(session)
    fired: list[bool] = []
    timer.fired.connect(lambda: fired.append(True))
    session.open(Episode("r", None, "Ruler", local_path=str(ruler.generate(tmp, "mp3-cbr"))))
    spin(app, 10, lambda: player.state is PlayerState.PLAYING)
    timer.start_minutes((FADE_MS + SILENT_MS + 500) / 60_000)
    spin(app, 20, lambda: bool(fired))
    spin(app, 0.2)
    stretches = ear.stretches()
    player.close()
    tail = stretches[0][-ear.RATE // 2 :]
    peak = max(abs(min(tail)), abs(max(tail)))
    level = "silence" if peak == 0 else f"{20 * math.log10(peak / 32768):.1f} dBFS"
    print(f"fade end: peak of the last 0.5 s before the pause: {peak} ({level})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="seeks per target and player")
    parser.add_argument("--formats", default=",".join(ruler.FORMATS))
    parser.add_argument("--no-fade", action="store_true", help="skip the 8 s fade measurement")
    args = parser.parse_args()
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    assert isinstance(app, QCoreApplication)
    with tempfile.TemporaryDirectory(prefix="podplayer-bench-") as name:
        tmp = Path(name)
        landings(app, args, tmp)
        skip_leak(app, tmp)
        if not args.no_fade:
            fade_end(app, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
