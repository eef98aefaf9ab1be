"""Test audio whose chapters are different sine tones, and a pure-Python ear that tells which
tone is heard where. Shared by the playback tests and bench/bench_seek.py.

Tones are judged by counting zero crossings in short windows: 300/500/700/900 Hz give 6/10/14/18
crossings per 10 ms, far enough apart to survive lossy codecs and time-stretching.
"""

from __future__ import annotations

import array
import itertools
import shutil
import subprocess
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

CHAPTER_MS = 8000
FREQUENCIES = (300, 500, 700, 900)
TOTAL_MS = CHAPTER_MS * len(FREQUENCIES)
TITLES = ("Intro", "Tools", "Interview", "Outro")
SAMPLE_RATE = 44100

#: format name -> (file suffix, ffmpeg encoder arguments)
FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "wav": (".wav", ("-c:a", "pcm_s16le")),
    "flac": (".flac", ("-c:a", "flac")),
    "mp3-cbr": (".mp3", ("-c:a", "libmp3lame", "-b:a", "128k")),
    "mp3-vbr": (".mp3", ("-c:a", "libmp3lame", "-q:a", "5")),
    "ogg": (".ogg", ("-c:a", "libvorbis", "-q:a", "3")),
    "opus": (".opus", ("-c:a", "libopus", "-b:a", "48k")),
    "m4a": (".m4a", ("-c:a", "aac", "-b:a", "96k")),
}


def chapter_start(index: int) -> int:
    return index * CHAPTER_MS


def ffmetadata() -> str:
    lines = [";FFMETADATA1", "title=Tone test"]
    for i, title in enumerate(TITLES):
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={chapter_start(i)}",
            f"END={chapter_start(i + 1)}",
            f"title={title}",
        ]
    return "\n".join(lines) + "\n"


def generate(directory: Path, fmt: str) -> Path:
    """Write the tone file for ``fmt`` into ``directory`` (once) and return its path."""
    suffix, codec = FORMATS[fmt]
    out = directory / f"tones-{fmt}{suffix}"
    if out.exists():
        return out
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is needed to generate test audio")
    meta = directory / "chapters.ffmeta"
    meta.write_text(ffmetadata(), encoding="utf-8")
    inputs: list[str] = []
    for freq in FREQUENCIES:
        seconds = CHAPTER_MS / 1000
        inputs += ["-f", "lavfi", "-i", f"sine=frequency={freq}:duration={seconds}:r={SAMPLE_RATE}"]
    n = len(FREQUENCIES)
    graph = "".join(f"[{i}:a]" for i in range(n)) + f"concat=n={n}:v=0:a=1[a]"
    tmp = out.with_name(out.stem + ".part" + suffix)
    cmd = [
        ffmpeg,
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        *inputs,
        "-i",
        str(meta),
        "-filter_complex",
        graph,
        "-map",
        "[a]",
        "-map_metadata",
        str(n),
        "-map_chapters",
        str(n),
        "-ac",
        "1",
        *codec,
        str(tmp),
    ]
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL)
    tmp.replace(out)
    return out


@dataclass(frozen=True)
class Segment:
    tone: int | None  # index into FREQUENCIES, None for silence or noise
    start_ms: float
    end_ms: float

    @property
    def length_ms(self) -> float:
        return self.end_ms - self.start_ms


def mono_samples(data: bytes, channels: int) -> array.array[int]:
    """Signed 16-bit native-endian interleaved samples -> the first channel."""
    samples = array.array("h")
    samples.frombytes(data[: len(data) - len(data) % 2])
    if sys.byteorder == "big":
        samples.byteswap()
    if channels > 1:
        return samples[::channels]
    return samples


def read_wav(path: Path) -> tuple[array.array[int], int]:
    """(first-channel samples, sample rate) of a 16-bit WAV."""
    with wave.open(str(path), "rb") as wav:
        assert wav.getsampwidth() == 2, "expected 16-bit audio"
        channels = wav.getnchannels()
        rate = wav.getframerate()
        data = wav.readframes(wav.getnframes())
    samples = array.array("h")
    samples.frombytes(data)
    if sys.byteorder == "big":
        samples.byteswap()
    return (samples[::channels] if channels > 1 else samples), rate


def classify(
    samples: array.array[int] | list[int], rate: int, window_ms: float = 10.0
) -> list[int | None]:
    """The tone heard in each window of ``window_ms``: an index into FREQUENCIES or None."""
    size = max(2, int(rate * window_ms / 1000))
    tones: list[int | None] = []
    for start in range(0, len(samples) - size + 1, size):
        chunk = samples[start : start + size]
        peak = max(abs(min(chunk)), abs(max(chunk)))
        if peak < 300:
            tones.append(None)
            continue
        crossings = sum(1 for a, b in itertools.pairwise(chunk) if (a < 0) != (b < 0))
        freq = crossings / 2 / (size / rate)
        best = min(range(len(FREQUENCIES)), key=lambda i: abs(FREQUENCIES[i] - freq))
        tones.append(best if abs(FREQUENCIES[best] - freq) < 80 else None)
    return tones


def segments(
    samples: array.array[int] | list[int], rate: int, window_ms: float = 10.0, min_ms: float = 30.0
) -> list[Segment]:
    """Runs of one tone, shorter glitches (codec or time-stretch edges) merged away."""
    tones = classify(samples, rate, window_ms)
    runs: list[Segment] = []
    for i, tone in enumerate(tones):
        start, end = i * window_ms, (i + 1) * window_ms
        if runs and runs[-1].tone == tone:
            runs[-1] = Segment(tone, runs[-1].start_ms, end)
        else:
            runs.append(Segment(tone, start, end))
    kept = [r for r in runs if r.length_ms >= min_ms and r.tone is not None]
    merged: list[Segment] = []
    for r in kept:
        if merged and merged[-1].tone == r.tone:
            merged[-1] = Segment(r.tone, merged[-1].start_ms, r.end_ms)
        else:
            merged.append(r)
    return merged


def landing_error_ms(
    recorded: list[Segment], chapter: int, lead_ms: int, before: int | None
) -> float:
    """How late (positive) or early a seek to ``chapter_start(chapter) - lead_ms`` landed.

    ``recorded`` is what was output: optionally audio of tone ``before`` played before the seek
    (None when playback started at the seek), then the previous chapter's tone for ``lead_ms``,
    then chapter ``chapter``'s tone. Silence right after the seek (an MP3 decoder refilling its
    bit reservoir) counts as media time, which is what a listener hears.
    """
    starts = [s for s in recorded if s.tone == chapter]
    if not starts:
        raise AssertionError(f"chapter {chapter}'s tone was never heard: {recorded}")
    arrival = starts[0].start_ms
    if before is None:
        return lead_ms - arrival
    earlier = [s for s in recorded if s.tone == before and s.end_ms <= arrival]
    if not earlier:
        raise AssertionError(f"tone {before} before the seek was not heard: {recorded}")
    return lead_ms - (arrival - earlier[-1].end_ms)
