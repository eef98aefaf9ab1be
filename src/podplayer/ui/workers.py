"""Library work off the GUI thread.

A :class:`LibraryTasks` runs ``function(library)`` on a QThreadPool worker, with a Library
connection of that worker thread's own (sqlite3 connections belong to the thread that opened
them), and calls ``done(result)`` or ``failed(message)`` back on the GUI thread. Jobs may report
progress through the ``report`` callable they are given.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from podplayer.core.errors import LibraryBusyError, LibraryReadOnlyError, PodplayerError
from podplayer.core.library import Library

log = logging.getLogger(__name__)

Report = Callable[[object], None]
Job = Callable[[Library, Report], Any]

_local = threading.local()


def thread_library(path: Path) -> Library:
    """This thread's connection to the library at ``path`` (opened on first use)."""
    libraries: dict[Path, Library] | None = getattr(_local, "libraries", None)
    if libraries is None:
        libraries = _local.libraries = {}
    library = libraries.get(path)
    if library is None:
        library = libraries[path] = Library(path)
    return library


@dataclass
class _Callbacks:
    done: Callable[[Any], None] | None
    failed: Callable[[str], None] | None
    progress: Callable[[object], None] | None


class _Runnable(QRunnable):
    def __init__(self, tasks: LibraryTasks, token: int, job: Job) -> None:
        super().__init__()
        self._tasks = tasks
        self._token = token
        self._job = job

    def run(self) -> None:
        # A worker thread: nothing may escape, or the pool would swallow it silently.
        tasks, token = self._tasks, self._token
        try:
            library = thread_library(tasks.path)
            result = self._job(library, lambda value: _emit(tasks.job_progress, token, value))
        except (LibraryBusyError, LibraryReadOnlyError) as exc:
            _emit(tasks.storage_problem, str(exc), isinstance(exc, LibraryBusyError))
            _emit(tasks.job_failed, token, str(exc))
        except PodplayerError as exc:
            _emit(tasks.job_failed, token, str(exc))
        except Exception as exc:
            log.exception("A background job failed")
            _emit(tasks.job_failed, token, f"Unexpected error: {exc} (see the log)")
        else:
            _emit(tasks.job_done, token, result)


def _emit(signal: Any, *args: object) -> None:
    try:
        signal.emit(*args)
    except RuntimeError:
        # The window went away while the job ran: nobody is left to tell.
        log.debug("Result of a background job dropped: its receiver was deleted")


class LibraryTasks(QObject):
    """Runs library jobs on ``pool`` (its own when None), ``max_threads`` at a time.

    ``busy_changed(bool)`` tells when the first job starts and the last one ends;
    ``storage_problem(str, bool)`` when a job found the library read-only or busy (the words,
    True for busy; the job's ``failed`` gets the same text after it).
    """

    busy_changed = Signal(bool)
    storage_problem = Signal(str, bool)

    # Emitted on worker threads; the slots run on the GUI thread (queued connections).
    job_done = Signal(int, object)
    job_failed = Signal(int, str)
    job_progress = Signal(int, object)

    def __init__(
        self,
        path: Path,
        pool: QThreadPool | None = None,
        max_threads: int = 4,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.pool = pool if pool is not None else QThreadPool(self)
        if pool is None:
            self.pool.setMaxThreadCount(max_threads)
        self._tokens = itertools.count(1)
        self._pending: dict[int, _Callbacks] = {}
        self.job_done.connect(self._on_done)
        self.job_failed.connect(self._on_failed)
        self.job_progress.connect(self._on_progress)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def run(
        self,
        job: Job,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[str], None] | None = None,
        progress: Callable[[object], None] | None = None,
    ) -> int:
        """Start ``job(library, report)`` on a worker; returns its token."""
        token = next(self._tokens)
        self._pending[token] = _Callbacks(done, failed, progress)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        self.pool.start(_Runnable(self, token, job))
        return token

    def wait(self, msecs: int = -1) -> bool:
        """Block until running jobs end (their results are still delivered later, queued)."""
        return self.pool.waitForDone(msecs)

    def _finish(self, token: int) -> _Callbacks | None:
        callbacks = self._pending.pop(token, None)
        if not self._pending and callbacks is not None:
            self.busy_changed.emit(False)
        return callbacks

    @Slot(int, object)
    def _on_done(self, token: int, result: object) -> None:
        callbacks = self._finish(token)
        if callbacks is not None and callbacks.done is not None:
            callbacks.done(result)

    @Slot(int, str)
    def _on_failed(self, token: int, message: str) -> None:
        callbacks = self._finish(token)
        if callbacks is None:
            return
        if callbacks.failed is not None:
            callbacks.failed(message)
        else:
            log.warning("Background job failed: %s", message)

    @Slot(int, object)
    def _on_progress(self, token: int, value: object) -> None:
        callbacks = self._pending.get(token)
        if callbacks is not None and callbacks.progress is not None:
            callbacks.progress(value)
