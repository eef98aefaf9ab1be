"""Reading the library for the browser, on workers: the podcast list with each feed's status,
one podcast's episodes with their play states and which are new, and search. QtCore only.

Every read answers the latest request of its kind: a result that arrives after a newer request
(the listener typed another letter, clicked another podcast) is dropped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from podplayer.core.errors import LibraryError
from podplayer.core.fetch import is_web_url
from podplayer.core.library import Library, PlayState, SearchHit
from podplayer.core.model import Episode, Podcast
from podplayer.core.skiprules import PodcastPrefs, prefs_key
from podplayer.ui.workers import LibraryTasks

log = logging.getLogger(__name__)

#: Search results shown at most.
SEARCH_LIMIT = 100


def seen_key(url: str) -> str:
    """The setting holding when the listener last caught up with a podcast (Unix s)."""
    return f"seen {url}"


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class EpisodeList:
    """One podcast's episodes as the browser shows them."""

    url: str
    episodes: tuple[Episode, ...] = ()
    states: dict[str, PlayState] = field(default_factory=dict)
    new: tuple[str, ...] = ()
    prefs: PodcastPrefs | None = None


def status_text(library: Library, url: str) -> str | None:
    """ "Updated …" or "Failed: …" for a feed, None for a local source (worker thread)."""
    if not is_web_url(url):
        return None
    try:
        status = library.feed_status(url)
    except LibraryError:
        return None
    if status.last_error and (status.last_success or 0) <= (status.last_refresh or 0):
        return f"Failed: {shorten(status.last_error, 60)}"
    if status.last_success:
        return f"Updated {time.strftime('%-d %b %H:%M', time.localtime(status.last_success))}"
    return None


class LibraryBrowser(QObject):
    """Signals: ``podcasts_loaded(list, dict)`` (Podcasts by title, status text by URL);
    ``episodes_loaded(EpisodeList)``; ``search_done(str, list)`` (the text, SearchHits);
    ``idle()`` once no read is pending; ``error(str)``."""

    podcasts_loaded = Signal(object, object)
    episodes_loaded = Signal(object)
    search_done = Signal(str, object)
    idle = Signal()
    error = Signal(str)

    def __init__(self, tasks: LibraryTasks, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self._latest: dict[str, int] = {}
        self._pending: set[str] = set()

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def load_podcasts(self) -> None:
        def job(library: Library, _report: object) -> tuple[list[Podcast], dict[str, str | None]]:
            podcasts = library.podcasts()
            return podcasts, {p.url: status_text(library, p.url) for p in podcasts}

        self._run("podcasts", job, lambda result: self.podcasts_loaded.emit(*result))

    def load_episodes(self, url: str | None) -> None:
        """The episodes of the podcast at ``url`` (None: an empty list, at once)."""
        if url is None:
            self._latest["episodes"] = self._latest.get("episodes", 0) + 1
            self._pending.discard("episodes")
            self.episodes_loaded.emit(EpisodeList(""))
            self._check_idle()
            return

        def job(library: Library, _report: object) -> EpisodeList:
            episodes = tuple(library.episodes(url))
            states = library.play_states(url)
            seen = library.setting(seen_key(url))
            try:
                new = library.new_episodes(url, float(seen)) if seen is not None else []
            except (TypeError, ValueError):
                new = []
            prefs = PodcastPrefs.from_json(library.setting(prefs_key(url)))
            return EpisodeList(url, episodes, states, tuple(new), prefs)

        self._run("episodes", job, self.episodes_loaded.emit)

    def search(self, text: str) -> None:
        def job(library: Library, _report: object) -> list[SearchHit]:
            return library.search(text, limit=SEARCH_LIMIT)

        self._run("search", job, lambda hits: self.search_done.emit(text, hits))

    def _run(self, kind: str, job: Callable[[Library, object], object], done: Callable) -> None:  # type: ignore[type-arg]
        token = self._latest[kind] = self._latest.get(kind, 0) + 1
        self._pending.add(kind)

        def finished(result: object) -> None:
            if self._latest.get(kind) != token:
                return  # a newer request of this kind is on its way
            self._pending.discard(kind)
            done(result)
            self._check_idle()

        def failed(message: str) -> None:
            if self._latest.get(kind) != token:
                return
            self._pending.discard(kind)
            self.error.emit(message)
            self._check_idle()

        self.tasks.run(job, finished, failed)

    def _check_idle(self) -> None:
        if not self._pending:
            self.idle.emit()
