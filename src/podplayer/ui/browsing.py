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

from podplayer.core.fetch import is_web_url
from podplayer.core.library import FeedStatus, Library, PlayState, SearchHit
from podplayer.core.model import Episode, Podcast
from podplayer.core.skiprules import PodcastPrefs, prefs_key
from podplayer.ui.workers import LibraryTasks

log = logging.getLogger(__name__)

#: Search results shown at most.
SEARCH_LIMIT = 100


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
    #: The guids of the episodes downloaded, with their files.
    downloads: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PodcastListing:
    """The podcast list as the browser shows it: podcasts by title, the line under each feed's
    title, the failing feeds ((why, since when) by URL) and the new-episode counts."""

    podcasts: list[Podcast]
    statuses: dict[str, str | None] = field(default_factory=dict)
    failing: dict[str, tuple[str, float | None]] = field(default_factory=dict)
    new_counts: dict[str, int] = field(default_factory=dict)


def when_text(seconds: float) -> str:
    """A moment as the lists show it ("2 Dec 18:04")."""
    return time.strftime("%-d %b %H:%M", time.localtime(seconds))


def status_text(status: FeedStatus | None) -> str | None:
    """ "Updated …" or "Failing since …" for a feed's status, None when it has none."""
    if status is None:
        return None
    if status.failing:
        since = status.failing_since or status.last_refresh
        return f"Failing since {when_text(since)}" if since else "Failing"
    if status.last_success:
        return f"Updated {when_text(status.last_success)}"
    return None


def read_listing(library: Library) -> PodcastListing:
    """The podcast list with each feed's status and new counts (worker thread)."""
    podcasts = library.podcasts()
    statuses = library.feed_statuses()
    return PodcastListing(
        podcasts,
        {p.url: status_text(statuses.get(p.url)) for p in podcasts if is_web_url(p.url)},
        {
            url: (status.last_error or "", status.failing_since)
            for url, status in statuses.items()
            if status.failing
        },
        library.new_counts(),
    )


class LibraryBrowser(QObject):
    """Signals: ``podcasts_loaded(PodcastListing)``; ``new_counts_loaded(dict)``;
    ``episodes_loaded(EpisodeList)``; ``search_done(str, list)`` (the text, SearchHits);
    ``idle()`` once no read is pending; ``error(str)``."""

    podcasts_loaded = Signal(object)
    new_counts_loaded = Signal(object)
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
        self._run("podcasts", lambda library, _r: read_listing(library), self.podcasts_loaded.emit)

    def load_new_counts(self) -> None:
        """The new-episode counts per podcast (after an episode was played)."""
        self._run("counts", lambda library, _r: library.new_counts(), self.new_counts_loaded.emit)

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
            new = library.new_guids(url)
            prefs = PodcastPrefs.from_json(library.setting(prefs_key(url)))
            downloads = library.downloads(url)
            return EpisodeList(url, episodes, states, tuple(new), prefs, downloads)

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
