"""``podplayer play``: play through the same engine without a window.

Prints the chapter being played as it changes (``[0:06] Intro``); ``--seconds`` stops after that
much audio; ``--output`` writes what was played to a WAV file instead of the sound device.
"""

from __future__ import annotations

import logging
import sys
import wave
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

from podplayer.core import timecode
from podplayer.core.model import Chapter, Episode
from podplayer.playback.base import (
    PlaybackError,
    PlayerState,
    display_name,
    is_url,
    validate_source,
)
from podplayer.playback.session import PlaybackSession

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_UNAVAILABLE = 1
EXIT_BAD_SOURCE = 2
MIN_SPEED = 0.5
MAX_SPEED = 3.0
_POLL_MS = 20


def _tag_chapters(path: str) -> tuple[Chapter, ...]:
    """The chapters in a local file's tags; none when they can't be read (the player then
    says what is wrong with the file)."""
    from podplayer.core.chapters.tags import read_tag_chapters
    from podplayer.core.errors import PodplayerError

    try:
        return read_tag_chapters(path, name=display_name(path))
    except PodplayerError as exc:
        log.info("no chapters from the tags of %s: %s", path, exc)
        return ()


def run_play(
    source: str,
    chapter: int | None,
    at_ms: int | None,
    seconds: float | None,
    output: Path | None,
    *,
    chapters: Sequence[Chapter] | None = None,
    speed: float = 1.0,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Play ``source`` from chapter ``chapter`` (1-based) or ``at_ms`` for ``seconds`` seconds
    of audio (None: to the end), to the sound device or, with ``output``, into a WAV file, at
    ``speed`` (0.5 to 3; ``seconds`` are media seconds).

    ``chapters`` defaults to those in a local file's tags (none for a URL). Prints one line per
    chapter reached on ``out``, errors on ``err``. Returns 0 when done, 2 for an invalid or
    unplayable source or one that ends far before its length (one line on ``err``), 1 when
    libVLC is unavailable. Runs its own event loop.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    from podplayer.playback import vlc as vlc_backend

    def fail(message: str, status: int = EXIT_BAD_SOURCE) -> int:
        print(f"podplayer: {message}", file=err)
        return status

    try:
        source = validate_source(source)
    except PlaybackError as exc:
        return fail(str(exc))
    ok, reason = vlc_backend.vlc_available()
    if not ok:
        return fail(reason, EXIT_UNAVAILABLE)
    if seconds is not None and seconds <= 0:
        return fail("--seconds must be more than 0")
    if not MIN_SPEED <= speed <= MAX_SPEED:
        return fail(f"--speed must be from {MIN_SPEED:g} to {MAX_SPEED:g}")
    if chapters is None:
        chapters = () if is_url(source) else _tag_chapters(source)
    ordered = sorted(chapters, key=lambda c: c.start_ms)

    start_ms = max(0, at_ms or 0)
    if chapter is not None:
        if not 1 <= chapter <= len(ordered):
            have = f"it has {len(ordered)}" if ordered else "it has none"
            return fail(f"no chapter {chapter} in “{display_name(source)}”: {have}")
        start_ms = ordered[chapter - 1].start_ms

    if QCoreApplication.instance() is None:
        app = QCoreApplication([sys.argv[0] if sys.argv else "podplayer"])
        app.setApplicationName("podplayer")
    if output is not None:
        output = output.resolve()
        output.parent.mkdir(parents=True, exist_ok=True)
    try:
        player = vlc_backend.VlcPlayer("afile" if output else None, output)
    except PlaybackError as exc:
        return fail(str(exc), EXIT_UNAVAILABLE)

    player.set_rate(speed)
    # The session holds the one rule for a file that ends far before its length.
    session = PlaybackSession(player)
    url = source if is_url(source) else None
    episode = Episode(
        source, None, display_name(source), audio_url=url, local_path=None if url else source
    )
    session.set_episode(episode, tuple(ordered))
    loop = QEventLoop()
    status = EXIT_OK
    failed = False
    printed = -2
    stop_at = None if seconds is None else start_ms + round(seconds * 1000)

    def finish(code: int) -> None:
        nonlocal status, failed
        if not failed:
            status = code
            failed = code != EXIT_OK
        loop.quit()

    def show_chapter(position: int) -> None:
        nonlocal printed
        index = -1
        for i, c in enumerate(ordered):
            if c.start_ms <= position:
                index = i
        if index != printed and index >= 0:
            c = ordered[index]
            print(f"[{timecode.format_ms(c.start_ms)}] {c.title}", file=out, flush=True)
        printed = index

    def poll() -> None:
        if player.state is not PlayerState.PLAYING:
            return
        position = player.position()
        show_chapter(position)
        if stop_at is not None and position >= stop_at:
            finish(EXIT_OK)

    def on_error(message: str) -> None:
        print(f"podplayer: {message}", file=err, flush=True)
        finish(EXIT_BAD_SOURCE)

    def on_state(state: object) -> None:
        if state is PlayerState.ENDED:
            finish(EXIT_OK)

    player.error_occurred.connect(on_error)
    session.ended_early.connect(on_error)
    player.state_changed.connect(on_state)
    timer = QTimer()
    timer.setInterval(_POLL_MS)
    timer.timeout.connect(poll)
    timer.start()
    player.load(source, start_ms=start_ms)
    if player.state is not PlayerState.ERROR:
        player.play()
        loop.exec()
    timer.stop()
    # Releasing the player writes the WAV header.
    player.close()
    player.deleteLater()
    if output is not None and seconds is not None and output.exists():
        _trim_wav(output, seconds / speed)
    return status


def _trim_wav(path: Path, seconds: float) -> None:
    """Cut a WAV to ``seconds``: the file output writes about a second ahead of the clock."""
    try:
        with wave.open(str(path), "rb") as wav:
            params = wav.getparams()
            keep = min(params.nframes, round(seconds * params.framerate))
            if keep >= params.nframes:
                return
            frames = wav.readframes(keep)
    except (wave.Error, EOFError, OSError) as exc:
        log.warning("could not trim %s: %s", path, exc)
        return
    tmp = path.with_name(path.name + ".part")
    with wave.open(str(tmp), "wb") as wav:
        wav.setparams(params)
        wav.writeframes(frames)
    tmp.replace(path)
