"""Subscriptions and refresh, on workers: subscribe, refresh in batches (one summary at the
end), unsubscribe, mark a podcast's episodes seen, OPML in and out. QtCore only."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from podplayer.core.library import Library
from podplayer.ui.browsing import seen_key, shorten, status_text
from podplayer.ui.workers import LibraryTasks

if TYPE_CHECKING:
    from podplayer.core.refresh import RefreshResult

#: A batch at least this big is followed by a tidy-up of the library's indexes.
OPTIMIZE_AFTER = 10


def _refresh_job(url: str, library: Library, _report: object) -> tuple[RefreshResult, str | None]:
    # Imported on the worker: the parsers are not needed for the window's first paint.
    from podplayer.core.chaptersources import refresh_with_sources

    return refresh_with_sources(library, url), status_text(library, url)


def summary(results: Sequence[RefreshResult], title_of: Callable[[str], str]) -> tuple[str, str]:
    """The one message after a batch, and its kind ("error" when a feed failed, else "info")."""
    failed = [r for r in results if not r.ok]
    if failed:
        names = [f"{title_of(r.url) or r.url}: {r.error}" for r in failed[:5]]
        more = f" (and {len(failed) - 5} more)" if len(failed) > 5 else ""
        head = (
            f"{len(failed)} of {len(results)} feeds could not be updated"
            if len(results) > 1
            else "The feed could not be updated"
        )
        return f"{head}{more}. " + "; ".join(names), "error"
    ok = len(results)
    new = sum(len(r.new_episodes) for r in results)
    return (
        f"Updated {ok} feed{'' if ok == 1 else 's'}: {new} new episode{'' if new == 1 else 's'}",
        "info",
    )


class Subscriptions(QObject):
    """Signals: ``status_changed(str, object)`` (URL, the line under its title or None);
    ``progress(int, int)`` (done, total) while a batch runs; ``batch_finished(list)`` with
    its RefreshResults; ``removed(str)`` after an unsubscribe; ``seen(str)`` after episodes
    were marked seen; ``error(str)``."""

    status_changed = Signal(str, object)
    progress = Signal(int, int)
    batch_finished = Signal(object)
    removed = Signal(str)
    seen = Signal(str)
    error = Signal(str)

    def __init__(self, tasks: LibraryTasks, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self._batch: list[RefreshResult] = []
        self._total = 0
        self._subscribing: set[str] = set()
        # Unsubscribed while a refresh of it ran: its result must not bring it back.
        self._removed: set[str] = set()

    @property
    def running(self) -> bool:
        return self._total > 0

    def subscribe(self, urls: Sequence[str]) -> None:
        """Fetch and store new feeds; they count as seen when they arrive."""
        self._subscribing.update(urls)
        self._removed.difference_update(urls)
        self.refresh(urls)

    def refresh(self, urls: Sequence[str]) -> None:
        """Fetch and store each feed on the worker pool (several at once)."""
        if not self._total:
            self._batch = []
        for url in urls:
            self._total += 1
            self.status_changed.emit(url, "Updating…")
            self.tasks.run(
                partial(_refresh_job, url),
                lambda answer: self._on_refreshed(*answer),
                partial(self._on_failed, url),
            )
        self.progress.emit(len(self._batch), self._total)

    def unsubscribe(self, url: str) -> None:
        self._removed.add(url)

        def job(library: Library, _report: object) -> None:
            library.remove_podcast(url)

        self.tasks.run(job, lambda _r: self.removed.emit(url), self.error.emit)

    def mark_seen(self, url: str) -> None:
        def job(library: Library, _report: object) -> None:
            library.set_setting(seen_key(url), time.time())

        self.tasks.run(job, lambda _r: self.seen.emit(url), self.error.emit)

    def import_opml(self, path: Path, known: set[str]) -> list[str]:
        """Subscribe to the feeds listed in the OPML file ``path`` that are not ``known``;
        returns them. Raises PodplayerError (or OSError) for a file that can't be read."""
        from podplayer.core import opml

        subscriptions = opml.read_opml(path.read_bytes())
        urls = [s.url for s in subscriptions if s.url not in known]
        if urls:
            self.subscribe(urls)
        return urls

    @staticmethod
    def export_opml(path: Path, feeds: Sequence[tuple[str, str]]) -> None:
        """Write ``feeds`` ((title, URL) pairs) to ``path`` as OPML 2.0. Raises OSError."""
        from podplayer.core import opml

        path.write_bytes(opml.write_opml([opml.Subscription(t, u) for t, u in feeds]))

    def _on_failed(self, url: str, message: str) -> None:
        from podplayer.core.refresh import RefreshResult

        self._on_refreshed(RefreshResult(url, False, error=message), None)

    def _on_refreshed(self, result: RefreshResult, status: str | None) -> None:
        self._batch.append(result)
        url = result.url
        subscribing = url in self._subscribing
        self._subscribing.discard(url)
        if url in self._removed:
            self._forget(url)
        elif result.ok:
            if subscribing:
                self.mark_seen(url)
            new = len(result.new_episodes)
            if new and not subscribing:
                status = f"{new} new episode{'' if new == 1 else 's'}"
            self.status_changed.emit(url, status)
        else:
            self.status_changed.emit(url, f"Failed: {shorten(result.error or '', 60)}")
        self.progress.emit(len(self._batch), self._total)
        if len(self._batch) < self._total:
            return
        results, self._total, self._batch = self._batch, 0, []
        if len(results) >= OPTIMIZE_AFTER:
            self.tasks.run(lambda library, _report: library.optimize())
        self.batch_finished.emit(results)

    def _forget(self, url: str) -> None:
        # The refresh stored the podcast again after the listener unsubscribed: remove it.
        def job(library: Library, _report: object) -> None:
            library.remove_podcast(url)

        self.tasks.run(job, None, self.error.emit)
