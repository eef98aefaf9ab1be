"""Episode downloads on workers: start (resuming a part left earlier), progress, cancel, and
delete a downloaded copy. QtCore only."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from podplayer.core.fetch import is_web_url
from podplayer.core.library import Library
from podplayer.core.model import Episode, Podcast
from podplayer.ui.workers import LibraryTasks

#: Progress reports per second at most (a signal per chunk would flood the GUI thread).
PROGRESS_INTERVAL_S = 0.1


def _in_words(fetch: Callable[[], Path], cancel: threading.Event) -> Path:
    """``fetch()``, its failure told in a listener's words (worker thread)."""
    from podplayer.core.downloads import DownloadSpaceError
    from podplayer.core.errors import FetchError, in_words

    try:
        return fetch()
    except DownloadSpaceError as exc:
        raise DownloadSpaceError(
            in_words(
                exc,
                will="Nothing more was downloaded.",
                can="Free some space, or choose another folder (Podcasts → Downloads folder…).",
            )
        ) from None
    except FetchError as exc:
        if cancel.is_set():
            raise
        will = "What was downloaded is kept: downloading again goes on from there."
        raise FetchError(in_words(exc, will=will)) from None


class Downloads(QObject):
    """Signals: ``progress(str, object)`` (guid, (done, total or None) bytes);
    ``finished(str, str, str, str)`` (podcast URL, guid, the file or "", the error or "";
    both empty when cancelled); ``deleted(str, str)`` (podcast URL, guid); ``error(str)``."""

    progress = Signal(str, object)
    finished = Signal(str, str, str, str)
    deleted = Signal(str, str)
    error = Signal(str)

    def __init__(
        self,
        tasks: LibraryTasks,
        folder: Callable[[Library], Path],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self._folder = folder
        self._running: dict[str, threading.Event] = {}
        self._progress: dict[str, tuple[int, int | None]] = {}

    def active(self, guid: str) -> bool:
        return guid in self._running

    def progress_of(self, guid: str) -> tuple[int, int | None]:
        return self._progress.get(guid, (0, None))

    @staticmethod
    def can_download(episode: Episode) -> bool:
        url = episode.audio_url
        return bool(url) and is_web_url(url or "") and not episode.local_path

    def start(self, podcast: Podcast, episode: Episode) -> bool:
        """Download the episode's audio in the background; when done the library plays the
        local copy. False when there is nothing to fetch or it already runs."""
        url = episode.audio_url
        if not url or not is_web_url(url) or episode.guid in self._running:
            return False
        cancel = threading.Event()
        guid, podcast_url = episode.guid, podcast.url
        self._running[guid] = cancel
        self._progress[guid] = (0, None)

        folder = self._folder

        def job(library: Library, report: Callable[[object], None]) -> str:
            from podplayer.core.downloads import download, download_path

            dest = download_path(folder(library), podcast.title, episode.title, url)
            last = [0.0]

            def progress(done: int, total: int | None) -> None:
                now = time.monotonic()
                if now - last[0] >= PROGRESS_INTERVAL_S or (total is not None and done >= total):
                    last[0] = now
                    report((done, total))

            path = _in_words(lambda: download(url, dest, progress=progress, cancel=cancel), cancel)
            library.attach_audio(guid, path, podcast_url=podcast_url, kind="download")
            return str(path)

        self.tasks.run(
            job,
            lambda path: self._finish(podcast_url, guid, path, ""),
            lambda message: self._finish(podcast_url, guid, "", message),
            lambda value: self._on_progress(guid, value),
        )
        return True

    def cancel(self, guid: str) -> None:
        event = self._running.get(guid)
        if event is not None:
            event.set()

    def cancel_all(self) -> None:
        for event in self._running.values():
            event.set()

    def delete(self, podcast_url: str, episode: Episode) -> None:
        """Delete the downloaded copy of ``episode``; it plays from the web again."""
        guid = episode.guid

        def job(library: Library, _report: object) -> None:
            library.delete_download(guid, podcast_url=podcast_url)

        self.tasks.run(job, lambda _r: self.deleted.emit(podcast_url, guid), self.error.emit)

    def _on_progress(self, guid: str, value: object) -> None:
        if isinstance(value, tuple):
            self._progress[guid] = value
            self.progress.emit(guid, value)

    def _finish(self, url: str, guid: str, path: str, error: str) -> None:
        cancelled = self._running.pop(guid, threading.Event()).is_set()
        self._progress.pop(guid, None)
        self.finished.emit(url, guid, path, "" if cancelled and not path else error or "")
