"""Subscriptions and refresh, on workers: subscribe, refresh in batches (one summary at the
end), unsubscribe, mark a podcast's episodes seen, OPML in and out. QtCore only."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from podplayer.core.library import Library
from podplayer.ui.workers import LibraryTasks

if TYPE_CHECKING:
    from podplayer.core.refresh import RefreshResult

#: A batch at least this big is followed by a tidy-up of the library's indexes.
OPTIMIZE_AFTER = 10


def _refresh_job(url: str, listed: str | None, library: Library, _report: object) -> RefreshResult:
    """Refresh (or subscribe to) ``url``; ``listed`` is its title in an imported list (the
    subscription is then kept even when the feed fails today)."""
    # Imported on the worker: the parsers are not needed for the window's first paint.
    from podplayer.core.chaptersources import refresh_with_sources
    from podplayer.core.refresh import refresh_feed

    if listed is None:
        return refresh_with_sources(library, url)
    return refresh_feed(library, url, title=listed, keep_failing=True)


def _read_opml(path: Path, _library: Library, _report: object) -> list[tuple[str, str]]:
    from podplayer.core import opml

    try:
        data = path.read_bytes()
    except OSError as exc:
        from podplayer.core.errors import ParseError

        raise ParseError(f"Could not read “{path.name}”: {exc.strerror or exc}") from None
    return [(s.url, s.title) for s in opml.read_opml(data)]


def summary(results: Sequence[RefreshResult], title_of: Callable[[str], str]) -> tuple[str, str]:
    """The one message after a batch, and its kind ("error" when a feed failed, else "info");
    empty when there is nothing to say (a page whose feeds were offered to choose from)."""
    results = [r for r in results if r.subscribed or not r.choices]
    if not results:
        return "", "info"
    failed = [r for r in results if not r.ok]
    if len(results) == 1 and failed and not failed[0].subscribed:
        return failed[0].error or "Nothing was added.", "error"
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
    were marked seen; ``choices_offered(str, tuple)`` when a page offers several feeds (its
    URL, the FeedLinks); ``opml_read(str, list)`` (the file's name, the URLs subscribed from
    it); ``error(str)``."""

    status_changed = Signal(str, object)
    choices_offered = Signal(str, object)
    opml_read = Signal(str, object)
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

    def subscribe(self, urls: Sequence[str], listed: Mapping[str, str] | None = None) -> None:
        """Fetch and store new feeds. Those ``listed`` (URL: title, from an imported list)
        are subscribed even when they fail today."""
        self._subscribing.update(urls)
        self._removed.difference_update(urls)
        self.refresh(urls, listed)

    def refresh(self, urls: Sequence[str], listed: Mapping[str, str] | None = None) -> None:
        """Fetch and store each feed on the worker pool (several at once)."""
        if not self._total:
            self._batch = []
        for url in urls:
            self._total += 1
            self.status_changed.emit(url, "Updating…")
            self.tasks.run(
                partial(_refresh_job, url, None if listed is None else listed.get(url, "")),
                partial(self._on_refreshed, url),
                partial(self._on_failed, url),
            )
        self.progress.emit(len(self._batch), self._total)

    def unsubscribe(self, url: str, delete_downloads: bool = False) -> None:
        """Forget the podcast; its downloaded files too when ``delete_downloads``."""
        self._removed.add(url)

        def job(library: Library, _report: object) -> None:
            library.remove_podcast(url, delete_downloads=delete_downloads)

        self.tasks.run(job, lambda _r: self.removed.emit(url), self.error.emit)

    def mark_seen(self, url: str) -> None:
        """No episode of the podcast is new any more."""

        def job(library: Library, _report: object) -> None:
            library.clear_new(url)

        self.tasks.run(job, lambda _r: self.seen.emit(url), self.error.emit)

    def import_opml(self, path: Path, known: Callable[[], set[str]]) -> None:
        """Read the OPML file ``path`` on a worker and subscribe to the feeds it lists that
        are not ``known()`` (``opml_read`` follows; ``error`` for a file that can't be read)."""

        def read(listed: list[tuple[str, str]]) -> None:
            subscribed = known()
            titles = {url: title for url, title in listed if url not in subscribed}
            if titles:
                self.subscribe(list(titles), titles)
            self.opml_read.emit(path.name, list(titles))

        self.tasks.run(partial(_read_opml, path), read, self.error.emit)

    @staticmethod
    def export_opml(path: Path, feeds: Sequence[tuple[str, str]]) -> None:
        """Write ``feeds`` ((title, URL) pairs) to ``path`` as OPML 2.0. Raises OSError."""
        from podplayer.core import opml

        path.write_bytes(opml.write_opml([opml.Subscription(t, u) for t, u in feeds]))

    def _on_failed(self, url: str, message: str) -> None:
        from podplayer.core.refresh import RefreshResult

        self._on_refreshed(url, RefreshResult(url, False, error=message))

    def _on_refreshed(self, requested: str, result: RefreshResult) -> None:
        """``result`` of refreshing ``requested`` (a page's feed may have another URL)."""
        self._batch.append(result)
        subscribing = requested in self._subscribing
        self._subscribing.discard(requested)
        # The line under the title comes from the library again (the list is read after).
        self.status_changed.emit(requested, None)
        if requested in self._removed or result.url in self._removed:
            self._forget(result.url)
        elif result.choices and not result.subscribed and subscribing:
            self.choices_offered.emit(requested, result.choices)
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
