"""Seek latency and accuracy, judged by the audio libVLC outputs.

For each format: from a seek request to the first buffer of new audio being due (libVLC's amem
callbacks give each buffer's due time on libVLC's clock; a seek flushes the output first; a
buffer that arrives after its due time counts from its arrival), over
N seeks, for podplayer's VlcPlayer and for a bare python-vlc ``set_time`` on the same file in the
same run. Each seek targets 300 ms before a chapter start; the landing error is where the next
chapter's tone starts in the new audio, compared with those 300 ms (+ is late).

    .venv/bin/python bench/bench_seek.py [--seeks 50] [--formats wav,opus]
"""

from __future__ import annotations

import argparse
import array
import ctypes
import importlib.util
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import vlc
from PySide6.QtCore import QCoreApplication

from podplayer.playback.base import PlayerState
from podplayer.playback.vlc import BASE_ARGS, MEDIA_OPTIONS, VlcPlayer

ROOT = Path(__file__).resolve().parents[1]
RATE = 48000
LEAD_MS = 300
COLLECT_MS = LEAD_MS + 150


def load_tones() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tones", ROOT / "tests/playback/tones.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["tones"] = module
    spec.loader.exec_module(module)
    return module


tones = load_tones()


class Ear:
    """amem callbacks: keep the buffers that follow the latest flush, with their due times."""

    def __init__(self, mp: Any) -> None:
        self.lock = threading.Lock()
        self.flushed = False
        self.first_pts: int | None = None
        self.samples = array.array("h")
        self._cbs = (
            vlc.CallbackDecorators.AudioPlayCb(self._play),
            vlc.CallbackDecorators.AudioPauseCb(lambda data, pts: None),
            vlc.CallbackDecorators.AudioResumeCb(lambda data, pts: None),
            vlc.CallbackDecorators.AudioFlushCb(self._flush),
            vlc.CallbackDecorators.AudioDrainCb(lambda data: None),
        )
        mp.audio_set_callbacks(*self._cbs, None)
        mp.audio_set_format("S16N", RATE, 1)

    def _play(self, data: Any, samples: int, count: int, pts: int) -> None:
        with self.lock:
            if not self.flushed:
                return
            if self.first_pts is None:
                # A buffer handed over after its due time is heard when it arrives.
                self.first_pts = max(pts, vlc.libvlc_clock())
            self.samples.frombytes(ctypes.string_at(samples, count * 2))

    def _flush(self, data: Any, pts: int) -> None:
        with self.lock:
            self.flushed = True
            self.first_pts = None
            self.samples = array.array("h")

    def arm(self) -> None:
        with self.lock:
            self.flushed = False
            self.first_pts = None
            self.samples = array.array("h")

    def heard_ms(self) -> float:
        with self.lock:
            return len(self.samples) * 1000 / RATE


def spin(app: QCoreApplication, seconds: float, until: Callable[[], bool] | None = None) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        if until is not None and until():
            return True
        time.sleep(0.002)
    return until is None


def measure_seek(
    app: QCoreApplication, ear: Ear, seek: Callable[[int], None], chapter: int
) -> tuple[float, float] | None:
    """(latency ms, landing error ms) of one seek to LEAD_MS before ``chapter``."""
    target = tones.chapter_start(chapter) - LEAD_MS
    ear.arm()
    t0 = vlc.libvlc_clock()
    seek(target)
    if not spin(app, 3.0, lambda: ear.heard_ms() >= COLLECT_MS):
        return None
    with ear.lock:
        first_pts = ear.first_pts
        samples = ear.samples[:]
    assert first_pts is not None
    heard = [s for s in tones.segments(samples, RATE, window_ms=10.0, min_ms=30.0)]
    arrival = next((s.start_ms for s in heard if s.tone == chapter), None)
    if os.environ.get("BENCH_DEBUG"):
        print(chapter, [(s.tone, s.start_ms, s.length_ms) for s in heard], file=sys.stderr)
    if arrival is None:
        return None
    return (first_pts - t0) / 1000, LEAD_MS - arrival


def run_ours(
    app: QCoreApplication, path: Path, chapters: list[int]
) -> list[tuple[float, float] | None]:
    player = VlcPlayer("amem")
    ear = Ear(player.native_player())
    player.load(str(path))
    player.play()
    spin(app, 10, lambda: player.state is PlayerState.PLAYING)
    spin(app, 0.3)
    results = []
    for chapter in chapters:
        results.append(measure_seek(app, ear, player.seek, chapter))
        spin(app, 0.05)
    player.close()
    return results


def run_bare(
    app: QCoreApplication, path: Path, chapters: list[int]
) -> list[tuple[float, float] | None]:
    instance = vlc.Instance([*BASE_ARGS, "--aout=amem"])
    mp = instance.media_player_new()
    ear = Ear(mp)
    media = instance.media_new_path(str(path))
    for option in MEDIA_OPTIONS:
        media.add_option(option)
    mp.set_media(media)
    mp.play()
    spin(app, 10, lambda: mp.get_state() == vlc.State.Playing)
    spin(app, 0.3)
    results = []
    for chapter in chapters:
        results.append(measure_seek(app, ear, mp.set_time, chapter))
        spin(app, 0.05)
    mp.stop()
    mp.release()
    media.release()
    instance.release()
    return results


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeks", type=int, default=50, help="seeks per format and player")
    parser.add_argument("--formats", default=",".join(tones.FORMATS))
    args = parser.parse_args()
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    assert isinstance(app, QCoreApplication)
    formats = [f for f in args.formats.split(",") if f]
    chapters = [1 + i % 3 for i in range(args.seeks)]
    print(
        f"libVLC {vlc.libvlc_get_version().decode()}, {args.seeks} seeks per format, "
        f"each {LEAD_MS} ms before a chapter, while playing, local files"
    )
    header = (
        f"{'format':8} {'ours med':>8} {'p95':>6} {'bare med':>8} {'p95':>6} {'ratio':>6}"
        f" {'diff':>5}"
        f" {'landed ours (min..max)':>24} {'bare (min..max)':>18} {'lost':>4}"
    )
    print(header)
    print("-" * len(header))
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="podplayer-bench-") as tmp:
        for fmt in formats:
            path = tones.generate(Path(tmp), fmt)
            # Alternate who goes first so neither always gets a warm cache.
            bare = run_bare(app, path, chapters)
            ours = run_ours(app, path, chapters)
            ok_ours = [r for r in ours if r is not None]
            ok_bare = [r for r in bare if r is not None]
            lost = (len(ours) - len(ok_ours)) + (len(bare) - len(ok_bare))
            lat_o = [r[0] for r in ok_ours]
            lat_b = [r[0] for r in ok_bare]
            err_o = [r[1] for r in ok_ours]
            err_b = [r[1] for r in ok_bare]
            med_o, med_b = statistics.median(lat_o), statistics.median(lat_b)
            worst = max(worst, *(abs(e) for e in err_o))
            print(
                f"{fmt:8} {med_o:8.1f} {p95(lat_o):6.1f} {med_b:8.1f} {p95(lat_b):6.1f}"
                f" {med_o / med_b:6.2f} {med_o - med_b:+5.1f}"
                f" {f'{statistics.median(err_o):+.0f} ({min(err_o):+.0f}..{max(err_o):+.0f})':>24}"
                f" {f'{min(err_b):+.0f}..{max(err_b):+.0f}':>18} {lost:4d}"
            )
    print(
        "latency: ms from the seek request to the first new buffer being due; diff: ours -"
        " bare, ms (ratios of 2 ms figures are noise); landed: ms, + is late"
    )
    print(f"worst landing error (ours): {worst:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
