"""The PyInstaller bundle plays the demo episode with the libVLC it carries.

Slow (the build takes tens of seconds), so it runs only when asked: ``PODPLAYER_TEST_BUNDLE=1``
builds ``dist/podplayer`` first, ``PODPLAYER_TEST_BUNDLE=built`` tests the one already there
(``make package`` builds, then runs this with ``built``).
"""

from __future__ import annotations

import array
import math
import os
import shutil
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest

from xserver import xvfb_display

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "podplayer"
EXECUTABLE = BUNDLE / "podplayer"
DEMO = ROOT / "resources" / "demo" / "podplayer-demo.mp3"
MODE = os.environ.get("PODPLAYER_TEST_BUNDLE", "")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        MODE not in ("1", "built"), reason="set PODPLAYER_TEST_BUNDLE=1 (or run make package)"
    ),
    pytest.mark.timeout(900),
]


@pytest.fixture(scope="module")
def bundle() -> Path:
    """The bundle's executable, built by packaging/build-bundle.sh unless asked to reuse it."""
    if MODE == "1":
        result = subprocess.run(
            ["sh", str(ROOT / "packaging" / "build-bundle.sh"), sys.executable],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=840,
            check=False,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    if not EXECUTABLE.is_file():
        pytest.fail(f"no bundle at {EXECUTABLE}: run packaging/build-bundle.sh")
    return EXECUTABLE


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # The bundle must not lean on the checkout's libVLC settings or on a display.
    for name in ("PYTHON_VLC_LIB_PATH", "PYTHON_VLC_MODULE_PATH", "VLC_PLUGIN_PATH", "DISPLAY"):
        env.pop(name, None)
    env.pop("PYTHONPATH", None)
    return env


def _window_rms(path: Path, window_s: float = 0.1) -> tuple[float, list[float]]:
    """The WAV's duration in seconds and the RMS of each ``window_s`` window (16-bit scale)."""
    with wave.open(str(path)) as wav:
        assert wav.getsampwidth() == 2, "expected 16-bit PCM"
        rate, channels, frames = wav.getframerate(), wav.getnchannels(), wav.getnframes()
        samples = array.array("h", wav.readframes(frames))
    if sys.byteorder == "big":
        samples.byteswap()
    step = max(1, int(rate * window_s)) * channels
    rms = [
        math.sqrt(sum(x * x for x in samples[i : i + step]) / step)
        for i in range(0, len(samples) - step + 1, step)
    ]
    return frames / rate, rms


def _vlc_mappings(pid: int) -> set[str]:
    """Files of libVLC and its plugins mapped into process ``pid`` right now."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return set()
    paths = {line.split(None, 5)[5] for line in maps.splitlines() if len(line.split(None, 5)) == 6}
    return {p for p in paths if "libvlc" in p or "/vlc/plugins/" in p}


def test_bundle_plays_the_demo_to_a_wav(bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.wav"
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(bundle), "play", str(DEMO), "--seconds", "3", "--output", str(out)],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    mapped: set[str] = set()
    # Watch which libVLC the process loads while it plays.
    while proc.poll() is None and time.monotonic() - started < 60:
        mapped |= _vlc_mappings(proc.pid)
        time.sleep(0.05)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr.decode(errors="replace")[-3000:]

    assert mapped, "libVLC was never seen loaded"
    bundle_dir = str(bundle.parent.resolve())
    foreign = sorted(p for p in mapped if not p.startswith(bundle_dir))
    assert not foreign, f"the bundle loaded libVLC files from outside itself: {foreign}"
    assert any(p.endswith("/libvlc.so.5") for p in mapped)
    assert any("/vlc/plugins/" in p for p in mapped)

    duration, rms = _window_rms(out)
    assert 2.7 <= duration <= 3.5, f"{duration:.2f} s of audio"
    loud = [r for r in rms if r > 100]  # about -50 dBFS: the demo has a tone bed under the voice
    assert len(loud) >= 0.9 * len(rms), f"mostly silent: {[round(r) for r in rms]}"


def test_bundle_parses_the_demo(bundle: Path, tmp_path: Path) -> None:
    import json

    result = subprocess.run(
        [str(bundle), "parse", str(DEMO), "--json"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (episode,) = json.loads(result.stdout)["episodes"]
    assert len(episode["chapters"]) == 6


def test_bundle_carries_its_resources_and_plugin_cache(bundle: Path) -> None:
    internal = bundle.parent / "_internal"
    assert (internal / "share" / "podplayer" / "resources" / "demo" / DEMO.name).is_file()
    assert (internal / "libvlc.so.5").is_file()
    assert (internal / "libvlccore.so.9").is_file()
    plugins = internal / "vlc" / "plugins"
    for needed in ("audio_output/libafile_plugin.so", "demux/libavformat_plugin.so"):
        assert (plugins / needed).is_file(), needed
    assert (plugins / "plugins.dat").is_file()


@pytest.mark.xvfb
def test_bundle_opens_its_window(bundle: Path, tmp_path: Path) -> None:
    """Qt's X11 platform plugin and the window's dependencies are in the bundle."""
    xvfb, xdotool = shutil.which("Xvfb"), shutil.which("xdotool")
    if xvfb is None or xdotool is None:
        pytest.skip("Xvfb and xdotool are needed (make test installs them)")
    app: subprocess.Popen[bytes] | None = None
    log = tmp_path / "bundle.log"
    with xvfb_display() as display:
        try:
            env = {**_env(), "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
            env["PODPLAYER_AUDIO_OUTPUT"] = "dummy"
            with log.open("wb") as sink:
                app = subprocess.Popen(
                    [str(bundle)], cwd=tmp_path, env=env, stdout=sink, stderr=sink
                )
            found = ""
            deadline = time.monotonic() + 30
            while not found and time.monotonic() < deadline and app.poll() is None:
                found = subprocess.run(
                    [xdotool, "search", "--onlyvisible", "--name", "podplayer"],
                    env={**os.environ, "DISPLAY": display},
                    capture_output=True,
                    text=True,
                    timeout=10,
                    check=False,
                ).stdout.strip()
                time.sleep(0.2)
            assert found, f"no window; exit status {app.poll()}:\n{log.read_text()[-3000:]}"
        finally:
            if app is not None:
                app.terminate()
                try:
                    app.wait(10)
                except subprocess.TimeoutExpired:
                    app.kill()
                    app.wait()
