"""Read a 3-hour transcript (3,000 cues) in every timed format, and follow it in the pane.

The cues' words are the lines of a real transcript (the namespace's Buzzsprout episode, in
tests/data/transcripts) repeated over three hours, two speakers taking turns, written out by
podplayer's own writers as WebVTT, SRT and Podcasting 2.0 JSON; the JSON is also written one
segment per word (about 33,000 segments), as word-level generators do. Prints the median time to
parse each (target < 100 ms), then the transcript pane's cost per playback position update over
the same transcript, median, 99th percentile and worst, with and without the repaint that
follows (target < 5 ms), and the time to show the transcript.

    .venv/bin/python bench/bench_transcripts.py [--cues 3000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from podplayer.core.transcripts import Cue, Transcript, parse_transcript, write_transcript

SOURCE = (
    Path(__file__).resolve().parents[1]
    / "tests"
    / "data"
    / "transcripts"
    / "namespace-buzzsprout-10-things.srt"
)
HOURS_MS = 3 * 3600 * 1000


def three_hours(cues: int) -> Transcript:
    lines = [c.text for c in parse_transcript(SOURCE.read_bytes()).cues]
    step = HOURS_MS // cues
    return Transcript(
        tuple(
            Cue(i * step, i * step + step - 200, lines[i % len(lines)], f"Host {i // 25 % 2 + 1}")
            for i in range(cues)
        ),
        "json",
    )


def word_level_json(transcript: Transcript) -> bytes:
    segments = []
    for cue in transcript.cues:
        words = cue.text.split()
        start, end = cue.start_ms or 0, cue.end_ms or 0
        for n, word in enumerate(words):
            at = start + (end - start) * n // len(words)
            segments.append(
                {"speaker": cue.speaker, "startTime": at / 1000, "endTime": at / 1000 + 0.2,
                 "body": word}
            )  # fmt: skip
    return json.dumps({"version": "1.0.0", "segments": segments}).encode()


def median_s(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_parsers(transcript: Transcript, repeat: int) -> None:
    files = {fmt: write_transcript(transcript, fmt).encode() for fmt in ("vtt", "srt", "json")}
    files["json, per word"] = word_level_json(transcript)
    for label, data in files.items():
        name = "t.json" if label.startswith("json") else f"t.{label}"
        cues = len(parse_transcript(data, name=name).cues)
        seconds = median_s(lambda data=data, name=name: parse_transcript(data, name=name), repeat)
        print(
            f"parse {label:15} {len(data) / 1e6:5.2f} MB  {cues:6,} lines  "
            f"{seconds * 1000:6.1f} ms  (target < 100 ms)"
        )


def bench_pane(transcript: Transcript) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from podplayer.core.transcripts import chapters_from_transcript
    from podplayer.ui.transcriptpane import TranscriptPane

    app = QApplication.instance() or QApplication([])
    pane = TranscriptPane()
    pane.resize(420, 700)
    pane.show()
    app.processEvents()
    start = time.perf_counter()
    pane.set_transcript(transcript, chapters_from_transcript(transcript))
    app.processEvents()
    shown = time.perf_counter() - start
    print(f"pane: show {len(transcript.cues):,} lines and their chapters: {shown * 1000:.1f} ms")
    # Playback position updates as the player reports them (every 250 ms of a 3-hour episode,
    # 43,200 updates), the line changing about every 15th.
    positions = range(0, HOURS_MS, 250)
    for label, paint in (("update", False), ("update + repaint", True)):
        pane.set_position(-1)
        app.processEvents()
        times = []
        for position in positions:
            begin = time.perf_counter()
            pane.set_position(position)
            if paint:
                app.processEvents()
            times.append(time.perf_counter() - begin)
        times.sort()
        print(
            f"pane: {label:17} median {statistics.median(times) * 1000:.3f} ms, "
            f"p99 {times[int(len(times) * 0.99)] * 1000:.3f} ms, "
            f"p99.9 {times[int(len(times) * 0.999)] * 1000:.3f} ms, "
            f"worst {times[-1] * 1000:.2f} ms over {len(times):,} positions (target < 5 ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cues", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    transcript = three_hours(args.cues)
    bench_parsers(transcript, args.repeat)
    bench_pane(transcript)


if __name__ == "__main__":
    main()
