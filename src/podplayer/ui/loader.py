"""Loading sources off the GUI thread.

The parse function runs on a QThreadPool worker; the result comes back through signals of a
QObject that lives on the GUI thread, so connected slots run there (queued connections).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from podplayer.core.errors import PodplayerError
from podplayer.core.model import Podcast

log = logging.getLogger(__name__)

LoadFunction = Callable[[Path], Podcast]

DEMO_TITLE = "podplayer demo"


def load_audio_file(path: Path) -> Podcast:
    """One episode for a local audio file (its tag chapters, title, duration). Worker thread."""
    # The parsers are imported on the worker: the window's first paint needs none of them.
    from podplayer.core.sources import audio_episode

    return audio_episode(path)


def load_demo(notes: Path, audio: Path) -> Podcast:
    """The bundled demo: the episode from ``notes`` playing ``audio``. The file's chapter tags
    win over the notes' times (they are what is actually in the audio); the notes give the
    description and links. Worker thread; raises PodplayerError."""
    from podplayer.core.sources import audio_episode, load

    podcast = load(str(notes))
    if not podcast.episodes:
        return podcast
    heard = audio_episode(audio).episodes[0]
    episode = replace(
        podcast.episodes[0],
        local_path=str(audio),
        duration_ms=heard.duration_ms,
        chapters=heard.chapters or podcast.episodes[0].chapters,
    )
    return replace(podcast, title=DEMO_TITLE, episodes=(episode,))


class _LoadJob(QRunnable):
    def __init__(self, loader: SourceLoader, path: Path, function: LoadFunction) -> None:
        super().__init__()
        self._loader = loader
        self._path = path
        self._function = function

    def run(self) -> None:
        # Runs on a worker thread: nothing may escape, or the pool thread would swallow it silently.
        try:
            podcast = self._function(self._path)
        except PodplayerError as exc:
            self._loader.job_failed.emit(self._path, str(exc))
        except Exception:
            log.exception("Loading %s failed", self._path)
            self._loader.job_failed.emit(
                self._path, f"Could not load “{self._path.name}”: unexpected error (see the log)"
            )
        else:
            self._loader.job_loaded.emit(self._path, podcast)


class SourceLoader(QObject):
    """Runs ``load_function(path)`` on a thread pool and reports on the GUI thread.

    ``loaded(path, podcast)`` or ``failed(path, message)`` follows every ``load(path)``;
    ``busy_changed(bool)`` tells when the first job starts and the last one ends.
    """

    loaded = Signal(object, object)
    failed = Signal(object, str)
    busy_changed = Signal(bool)

    # Emitted from worker threads; re-emitted on the GUI thread after the bookkeeping.
    job_loaded = Signal(object, object)
    job_failed = Signal(object, str)

    def __init__(
        self,
        load_function: LoadFunction,
        pool: QThreadPool | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.load_function = load_function
        self._pool = pool if pool is not None else QThreadPool(self)
        self._pending = 0
        self.job_loaded.connect(self._on_job_loaded)
        self.job_failed.connect(self._on_job_failed)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def load(self, path: Path, function: LoadFunction | None = None) -> None:
        """Run ``function(path)`` (default: ``load_function``) on a worker."""
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._pool.start(_LoadJob(self, path, function or self.load_function))

    def wait(self, msecs: int = -1) -> bool:
        """Block until running jobs end (their results are still delivered later, queued)."""
        return self._pool.waitForDone(msecs)

    @Slot(object, object)
    def _on_job_loaded(self, path: Path, podcast: Podcast) -> None:
        self._finish()
        self.loaded.emit(path, podcast)

    @Slot(object, str)
    def _on_job_failed(self, path: Path, message: str) -> None:
        self._finish()
        self.failed.emit(path, message)

    def _finish(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)
