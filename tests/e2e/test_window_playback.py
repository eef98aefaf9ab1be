"""The real window on real libVLC: a chapter click is heard at that chapter.

Audio goes to libVLC's file output (a WAV); which tone was heard is judged with a Goertzel filter.
The file output runs about 1.3 s ahead of the clock, so the tests judge the order of what was
heard, not its last milliseconds. Errors (missing file, refused scheme, 404, refused
connection, a file that is not audio) must reach the message bar within 10 s.
"""

from __future__ import annotations

import array
import math
import shutil
import socket
import subprocess
import threading
import time
import wave
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThreadPool

from podplayer.app import build_window
from podplayer.core.model import Chapter, Episode, Podcast
from podplayer.core.paths import demo_audio, demo_notes
from podplayer.playback.base import PlayerState
from podplayer.playback.session import PlaybackSession
from podplayer.ui.loader import SourceLoader, load_demo

pytestmark = pytest.mark.slow

CHAPTER_S = 6
TONES = (300, 500, 700, 900)
RATE = 22050


@pytest.fixture(scope="module")
def vlc() -> Any:
    from podplayer.playback import vlc as vlc_module

    ok, reason = vlc_module.vlc_available()
    if not ok:
        pytest.skip(reason)
    return vlc_module


@pytest.fixture(scope="module")
def tone_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CBR MP3 whose chapter i is a pure tone of TONES[i] Hz for CHAPTER_S seconds."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        pytest.skip("ffmpeg is needed to make the tone file")
    out = tmp_path_factory.mktemp("tones") / "tones.mp3"
    inputs: list[str] = []
    for freq in TONES:
        inputs += ["-f", "lavfi", "-i", f"sine=frequency={freq}:duration={CHAPTER_S}:r={RATE}"]
    n = len(TONES)
    graph = "".join(f"[{i}:a]" for i in range(n)) + f"concat=n={n}:v=0:a=1[a]"
    subprocess.run(
        [
            *(ffmpeg, "-loglevel", "error", "-y", *inputs),
            *("-filter_complex", graph, "-map", "[a]"),
            *("-ac", "1", "-c:a", "libmp3lame", "-b:a", "64k", str(out)),
        ],
        check=True,
        timeout=60,
    )
    return out


def tone_episode(path: Path) -> Episode:
    chapters = tuple(Chapter(i * CHAPTER_S * 1000, f"{freq} Hz") for i, freq in enumerate(TONES))
    return Episode(
        guid="tones",
        number=1,
        title="Tones",
        duration_ms=len(TONES) * CHAPTER_S * 1000,
        local_path=str(path),
        chapters=chapters,
    )


# -- the ear -------------------------------------------------------------------------------------


def _goertzel(samples: array.array[int], start: int, size: int, freq: float, rate: int) -> float:
    coeff = 2 * math.cos(2 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in samples[start : start + size]:
        s1, s2 = x + coeff * s1 - s2, s1
    return s1 * s1 + s2 * s2 - coeff * s1 * s2


def heard_tones(wav: Path, candidates: tuple[int, ...] = TONES) -> list[int]:
    """The tones heard, in order, as runs of at least 0.3 s (transitions and silence dropped)."""
    with wave.open(str(wav), "rb") as reader:
        channels, width, rate = reader.getnchannels(), reader.getsampwidth(), reader.getframerate()
        frames = reader.readframes(reader.getnframes())
    assert width == 2, f"expected 16-bit samples, got {width * 8}-bit"
    pcm = array.array("h", frames)
    mono = pcm[::channels]
    window, hop = rate // 20, rate // 10  # 50 ms windows every 100 ms
    labels: list[int | None] = []
    for start in range(0, len(mono) - window, hop):
        powers = [_goertzel(mono, start, window, f, rate) for f in candidates]
        best = max(range(len(candidates)), key=powers.__getitem__)
        total = sum(powers)
        # Silence, or a window straddling two tones: no single clear winner.
        clear = total > 0 and powers[best] / total > 0.8 and powers[best] > 1e9
        labels.append(candidates[best] if clear else None)
    runs: list[list[int]] = []
    for label in labels:
        if label is None:
            continue
        if runs and runs[-1][0] == label:
            runs[-1][1] += 1
        else:
            runs.append([label, 1])
    kept = [tone for tone, count in runs if count >= 3]
    # Two runs of one tone split by a dropped window are one run.
    return [t for i, t in enumerate(kept) if i == 0 or kept[i - 1] != t]


# -- the window ----------------------------------------------------------------------------------


class Rig:
    def __init__(self, qtbot: Any, vlc: Any, output: str, wav: Path | None = None) -> None:
        self.qtbot = qtbot
        self.player = vlc.VlcPlayer(audio_output=output, audio_file=wav)
        self.session = PlaybackSession(self.player)
        self.window = build_window(
            SourceLoader(lambda _p: Podcast("", ""), QThreadPool()), self.session
        )
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.errors: list[str] = []
        self.player.error_occurred.connect(self.errors.append)

    def show(self, podcast: Podcast) -> None:
        with self.qtbot.waitSignal(self.window.podcast_loaded, timeout=5000):
            self.window.add_podcast(podcast)

    def click_chapter(self, row: int) -> None:
        view = self.window.chapter_view
        rect = view.visualRect(self.window.chapter_model.index(row, 1))
        self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    def wait_playing(self) -> None:
        self.qtbot.waitUntil(lambda: self.player.state is PlayerState.PLAYING, timeout=10_000)

    def message(self) -> str:
        bar = self.window.message_bar
        return bar.text() if bar.isVisible() else ""

    def wait_message(self, timeout_ms: int = 10_000) -> str:
        started = time.monotonic()
        self.qtbot.waitUntil(lambda: bool(self.message()), timeout=timeout_ms)
        assert time.monotonic() - started < 10
        return self.message()

    def assert_responsive(self) -> None:
        """The event loop turns: a queued click on the next episode row is handled at once."""
        ticks: list[float] = []
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: ticks.append(time.monotonic()))
        self.qtbot.waitUntil(lambda: bool(ticks), timeout=500)
        self.window.podcast_view.setFocus()
        assert self.window.isVisible()

    def close(self) -> None:
        self.player.close()


@pytest.fixture
def recording(qtbot: Any, vlc: Any, tmp_path: Path) -> Iterator[tuple[Rig, Path]]:
    wav = tmp_path / "heard.wav"
    rig = Rig(qtbot, vlc, "afile", wav)
    yield rig, wav
    rig.close()


@pytest.fixture
def silent(qtbot: Any, vlc: Any) -> Iterator[Rig]:
    rig = Rig(qtbot, vlc, "dummy")
    yield rig
    rig.close()


def _record(rig: Rig, seconds: float) -> None:
    rig.qtbot.wait(round(seconds * 1000))


def test_demo_episode_plays_and_a_chapter_click_lands(silent: Rig) -> None:
    demo = load_demo(demo_notes(), demo_audio())
    silent.show(demo)
    silent.click_chapter(4)
    silent.wait_playing()
    silent.qtbot.waitUntil(lambda: silent.player.position() > 40_300, timeout=5000)
    assert silent.player.position() < 43_000
    assert silent.session.current_chapter == 4
    assert silent.window.chapter_model.current_row == 4
    assert silent.window.transport.chapter_title.text() == "Speed and skipping"
    assert silent.player.duration() is not None
    assert abs(silent.player.duration() - 60_000) < 1_000  # type: ignore[operator]
    assert silent.errors == []


def test_click_before_playback_started_is_heard_at_that_chapter(
    recording: tuple[Rig, Path], tone_file: Path
) -> None:
    rig, wav = recording
    rig.show(Podcast("file:///tones", "Tones", episodes=(tone_episode(tone_file),)))
    rig.click_chapter(2)
    rig.wait_playing()
    _record(rig, 1.5)
    rig.close()
    assert heard_tones(wav) == [TONES[2]]
    assert rig.errors == []


def test_click_while_playing_moves_to_that_chapter(
    recording: tuple[Rig, Path], tone_file: Path
) -> None:
    rig, wav = recording
    rig.show(Podcast("file:///tones", "Tones", episodes=(tone_episode(tone_file),)))
    rig.click_chapter(0)
    rig.wait_playing()
    _record(rig, 1.0)
    rig.click_chapter(3)
    _record(rig, 1.5)
    rig.close()
    heard = heard_tones(wav)
    assert heard[0] == TONES[0]
    assert heard[-1] == TONES[3]
    assert TONES[1] not in heard
    assert TONES[2] not in heard


def test_next_chapter_is_heard(recording: tuple[Rig, Path], tone_file: Path) -> None:
    rig, wav = recording
    rig.show(Podcast("file:///tones", "Tones", episodes=(tone_episode(tone_file),)))
    rig.click_chapter(1)
    rig.wait_playing()
    _record(rig, 1.0)
    rig.window.transport.next_button.click()
    assert rig.window.transport.chapter_title.text() == "700 Hz"
    _record(rig, 1.5)
    rig.close()
    assert heard_tones(wav) == [TONES[1], TONES[2]]


# -- errors ----------------------------------------------------------------------------------------


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[str]:
    """A loopback http.server over an empty folder: every audio path is a 404."""
    root = tmp_path / "www"
    root.mkdir()
    handler = partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_404_is_reported_plainly(silent: Rig, http_root: str) -> None:
    assert silent.window.open_url(f"{http_root}/episode.mp3")
    text = silent.wait_message()
    assert "404" in text
    assert "not found" in text.lower()
    silent.assert_responsive()


def test_a_refused_connection_is_reported(silent: Rig) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    silent.window.open_url(f"http://127.0.0.1:{port}/episode.mp3")
    text = silent.wait_message()
    assert "refused" in text or "Nothing answered" in text
    silent.assert_responsive()


def test_a_missing_file_is_reported(silent: Rig, tmp_path: Path) -> None:
    gone = tmp_path / "gone.mp3"
    episode = Episode(
        guid="gone", number=None, title="Gone", local_path=str(gone), chapters=(Chapter(0, "A"),)
    )
    silent.show(Podcast("file:///gone", "Gone", episodes=(episode,)))
    silent.click_chapter(0)
    assert "does not exist" in silent.wait_message()
    silent.assert_responsive()


def test_a_file_that_is_not_audio_is_reported(silent: Rig, tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(bytes(range(256)) * 64)
    episode = Episode(
        guid="junk", number=None, title="Junk", local_path=str(junk), chapters=(Chapter(0, "A"),)
    )
    silent.show(Podcast("file:///junk", "Junk", episodes=(episode,)))
    silent.click_chapter(0)
    assert "not audio" in silent.wait_message()
    silent.assert_responsive()


def test_an_unsupported_scheme_is_refused(silent: Rig) -> None:
    assert not silent.window.open_url("smb://server/share/episode.mp3")
    assert "only http(s)" in silent.message()
    assert silent.player.source is None


def test_the_app_records_when_asked(
    vlc: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    from podplayer import app

    wav = tmp_path / "out.wav"
    monkeypatch.setenv(app.AUDIO_OUTPUT_ENV, f"afile:{wav}")
    player, reason = app.make_player()
    assert reason is None
    assert isinstance(player, vlc.VlcPlayer)
    player.load(str(demo_audio()), start_ms=50_000)
    player.play()
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=10_000)
    qtbot.wait(500)
    player.close()
    assert heard_tones(wav, (220, 330, 440, 550, 660, 880))[0] == 880
