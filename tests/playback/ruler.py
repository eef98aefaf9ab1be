"""A ruler signal: audio whose every 10 ms tells where in the media it comes from, and an ear
that reads a recording of it back into landing errors and stray audio. Shared by the playback
tests and bench/bench_seek.py.

The ruler is a row of 250 ms slots, each a sine of one of eight frequencies (400 to 1800 Hz, a
whole number of cycles per slot, so the wave has no jumps), in a fixed pseudo-random order with
no slot like the one before it. Knowing roughly where a recording should be (the target of a
seek), the ear finds the offset that makes the recorded tones agree best with the ruler's, and
every window that agrees with no expected position is stray audio.

Units: media positions and recording times are float or int milliseconds; ``rate`` is the
playback speed (at 2x, 1 ms of recording covers 2 ms of media).
"""

from __future__ import annotations

import array
import itertools
import math
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SLOT_MS = 250
FREQUENCIES = tuple(400 + 200 * i for i in range(8))
SAMPLE_RATE = 44100
LENGTH_MS = 600_000
WINDOW_MS = 10.0
_AMPLITUDE = 12000
_SILENCE_PEAK = 300

#: format name -> (file suffix, ffmpeg encoder arguments): the eight encodings of the ruler.
FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "wav": (".wav", ("-c:a", "pcm_s16le")),
    "flac": (".flac", ("-c:a", "flac")),
    "mp3-cbr": (".mp3", ("-c:a", "libmp3lame", "-b:a", "128k")),
    "mp3-vbr": (".mp3", ("-c:a", "libmp3lame", "-q:a", "5")),
    "ogg": (".ogg", ("-c:a", "libvorbis", "-q:a", "3")),
    "opus": (".opus", ("-c:a", "libopus", "-b:a", "48k")),
    "m4a": (".m4a", ("-c:a", "aac", "-b:a", "96k")),
    "mka": (".mka", ("-c:a", "libopus", "-b:a", "64k")),
}


def symbols(length_ms: int = LENGTH_MS) -> list[int]:
    """The ruler's slot tones (indexes into FREQUENCIES), the same on every run."""
    rng = random.Random(20261202)
    count = math.ceil(length_ms / SLOT_MS)
    row = [0]
    for _ in range(count - 1):
        row.append((row[-1] + rng.randrange(1, len(FREQUENCIES))) % len(FREQUENCIES))
    return row


_SYMBOLS = symbols()


def symbol_at(media_ms: float, margin_ms: float = 0.0) -> int | None:
    """The tone the ruler plays at ``media_ms``; None outside the ruler or within
    ``margin_ms`` of a slot edge (a window there holds two tones)."""
    if media_ms < 0 or media_ms >= len(_SYMBOLS) * SLOT_MS:
        return None
    into = media_ms % SLOT_MS
    if into < margin_ms or SLOT_MS - into < margin_ms:
        return None
    return _SYMBOLS[int(media_ms // SLOT_MS)]


def _expected(origin: float, windows: int, rate: float) -> int | None:
    """The tone due in the window ``windows`` after one whose start is media ``origin``."""
    return symbol_at(origin + (windows + 0.5) * WINDOW_MS * rate, (WINDOW_MS / 2 + 2) * rate)


def pcm(length_ms: int = LENGTH_MS) -> bytes:
    """The ruler as mono signed 16-bit little-endian samples at SAMPLE_RATE."""
    per_slot = SAMPLE_RATE * SLOT_MS // 1000
    waves = []
    for freq in FREQUENCIES:
        wave = array.array(
            "h",
            (
                round(_AMPLITUDE * math.sin(2 * math.pi * freq * n / SAMPLE_RATE))
                for n in range(per_slot)
            ),
        )
        if sys.byteorder == "big":
            wave.byteswap()
        waves.append(wave.tobytes())
    return b"".join(waves[s] for s in symbols(length_ms))


def generate(directory: Path, fmt: str, length_ms: int = LENGTH_MS) -> Path:
    """Write the ruler in encoding ``fmt`` into ``directory`` (once) and return its path."""
    suffix, codec = FORMATS[fmt]
    out = directory / f"ruler-{length_ms // 1000}s-{fmt}{suffix}"
    if out.exists():
        return out
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is needed to generate test audio")
    raw = directory / f"ruler-{length_ms // 1000}s.raw"
    if not raw.exists():
        raw.write_bytes(pcm(length_ms))
    tmp = out.with_name(out.stem + ".part" + suffix)
    cmd = [
        ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
        "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", str(raw),
        "-map_metadata", "-1", *codec, str(tmp),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL)
    tmp.replace(out)
    return out


def classify(samples: array.array[int] | list[int], rate: int) -> list[int | None]:
    """The ruler tone heard in each 10 ms window (None: silence or no ruler tone)."""
    size = max(2, int(rate * WINDOW_MS / 1000))
    heard: list[int | None] = []
    for start in range(0, len(samples) - size + 1, size):
        chunk = samples[start : start + size]
        if max(abs(min(chunk)), abs(max(chunk))) < _SILENCE_PEAK:
            heard.append(None)
            continue
        # Over the span between the first and last zero crossing: a window that is half
        # silence (the start of audio after a seek) still reads as its tone.
        crossings = [k for k, (a, b) in enumerate(itertools.pairwise(chunk)) if (a < 0) != (b < 0)]
        if len(crossings) < 3:
            heard.append(-1)
            continue
        freq = (len(crossings) - 1) / 2 / ((crossings[-1] - crossings[0]) / rate)
        best = min(range(len(FREQUENCIES)), key=lambda i: abs(FREQUENCIES[i] - freq))
        heard.append(best if abs(FREQUENCIES[best] - freq) < 80 else -1)
    return heard


@dataclass(frozen=True)
class Landing:
    """How a stretch of recording that should start at media ``target_ms`` did."""

    target_ms: int
    error_ms: float  # media ms, + is late (the stretch began after the target)
    stray_ms: float  # recording ms of sound before the landing that is not the ruler from there
    heard_ms: float  # recording ms in the stretch


def _agreement(heard: list[int | None], count: int, origin: float, rate: float) -> int:
    score = 0
    for i in range(min(len(heard), count)):
        want = _expected(origin, i, rate)
        if want is not None and heard[i] is not None:
            score += 1 if heard[i] == want else -1
    return score


def _best(heard: list[int | None], target: float, rate: float, errors: range) -> int:
    span = 100
    return max(errors, key=lambda e: (_agreement(heard, span, target + e, rate), -abs(e)))


def landing(
    heard: list[int | None], target_ms: int, rate: float = 1.0, reach_ms: int = 5000
) -> Landing:
    """Judge a stretch of recording (``classify``'s windows) that should be the ruler from
    ``target_ms`` on, at speed ``rate``: the error is the offset that makes the most windows
    agree (silence at its start counts as media time, as a listener hears it); every window
    with sound that disagrees with the ruler from there before it is first followed (three
    windows in a row) is stray (windows on slot edges are not judged). Raises AssertionError
    when nothing was heard."""
    if not any(h is not None for h in heard):
        raise AssertionError(f"nothing was heard for the landing at {target_ms} ms")
    coarse = _best(heard, target_ms, rate, range(-reach_ms, reach_ms + 1, 5))
    error = _best(heard, target_ms, rate, range(coarse - 4, coarse + 5))
    stray = 0
    agreeing = 0
    for i, tone in enumerate(heard):
        want = _expected(target_ms + error, i, rate)
        if tone is None or want is None:
            continue
        if tone == want:
            agreeing += 1
            if agreeing == 3:
                break
        else:
            agreeing = 0
            stray += 1
    return Landing(target_ms, float(error), stray * WINDOW_MS, len(heard) * WINDOW_MS)


class AmemRecorder:
    """Records what a libVLC media player outputs through amem callbacks, as a listener would
    hear it: split at each flush (a seek flushes the output), and without the buffers that
    were handed over ahead of time but were not yet due when the flush dropped them.
    ``stretches()`` gives the samples between flushes. Install it before ``play()``;
    callbacks run on libVLC's threads."""

    RATE = 48000

    def __init__(self, mp: object) -> None:
        import ctypes
        import threading

        import vlc

        self._string_at = ctypes.string_at
        self._clock = vlc.libvlc_clock
        self._lock = threading.Lock()
        # Per stretch: (due time in libVLC's clock µs, samples) of each buffer.
        self._stretches: list[list[tuple[int, array.array[int]]]] = [[]]
        self._cut: list[int | None] = [None]
        self.flushes = 0
        self._callbacks = (
            vlc.CallbackDecorators.AudioPlayCb(self._play),
            vlc.CallbackDecorators.AudioPauseCb(lambda data, pts: None),
            vlc.CallbackDecorators.AudioResumeCb(lambda data, pts: None),
            vlc.CallbackDecorators.AudioFlushCb(self._flush),
            vlc.CallbackDecorators.AudioDrainCb(lambda data: None),
        )
        mp.audio_set_callbacks(*self._callbacks, None)  # type: ignore[attr-defined]
        mp.audio_set_format("S16N", self.RATE, 1)  # type: ignore[attr-defined]

    def _play(self, data: object, samples: int, count: int, pts: int) -> None:
        chunk = array.array("h")
        chunk.frombytes(self._string_at(samples, count * 2))
        # A buffer handed over after its due time is heard when it arrives.
        due = max(pts, self._clock())
        with self._lock:
            self._stretches[-1].append((due, chunk))

    def _flush(self, data: object, pts: int) -> None:
        now = self._clock()
        with self._lock:
            self.flushes += 1
            if self._stretches[-1]:
                self._cut[-1] = now
                self._stretches.append([])
                self._cut.append(None)

    def mark(self) -> None:
        """Start a new stretch here, as a flush would (before a reopen, which has none)."""
        with self._lock:
            if self._stretches[-1]:
                self._cut[-1] = self._clock()
                self._stretches.append([])
                self._cut.append(None)

    def first_due(self) -> int | None:
        """When the first buffer with sound since the last flush is heard (libVLC's clock,
        µs), or None."""
        with self._lock:
            for due, chunk in self._stretches[-1]:
                if len(chunk) and max(abs(min(chunk)), abs(max(chunk))) >= _SILENCE_PEAK:
                    return due
        return None

    def heard_ms(self) -> float:
        """Recording ms since the last flush (including what is not yet due)."""
        with self._lock:
            return sum(len(c) for _pts, c in self._stretches[-1]) * 1000 / self.RATE

    def stretches(self) -> list[array.array[int]]:
        """What was heard between flushes, oldest first (a buffer's part due after the
        flush that ended its stretch is cut off)."""
        result = []
        with self._lock:
            for buffers, cut in zip(self._stretches, self._cut, strict=True):
                heard: array.array[int] = array.array("h")
                for pts, chunk in buffers:
                    if cut is not None and pts >= cut:
                        break
                    keep = len(chunk)
                    if cut is not None:
                        keep = min(keep, round((cut - pts) * self.RATE / 1_000_000))
                    heard.extend(chunk[:keep])
                if len(heard):
                    result.append(heard)
        return result


def read_wav(path: Path) -> tuple[array.array[int], int]:
    """(first-channel samples, sample rate) of a 16-bit WAV."""
    import wave

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


def stray_windows(heard: list[int | None], found: Landing, rate: float = 1.0) -> list[int]:
    """Indexes of the windows ``landing`` counted as stray (for messages)."""
    origin = found.target_ms + found.error_ms
    return [
        i
        for i, tone in enumerate(heard)
        if tone is not None and _expected(origin, i, rate) not in (None, tone)
    ]
