"""Chapter sources of the shown episode, gathered on a worker (tags of the file, the feed's
chapter file and marks, the notes), and the list to show from each. QtCore only."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from podplayer.core.chapters.merge import merge, order
from podplayer.core.library import Library
from podplayer.core.model import Chapter, Episode, with_source
from podplayer.ui.workers import LibraryTasks

log = logging.getLogger(__name__)

Lists = dict[str, tuple[Chapter, ...]]


class ChapterLists(QObject):
    """``gathered(str, str, list)`` (podcast URL, guid, sources best first) once the sources
    of the latest episode asked for are known; an older episode's answer is dropped."""

    gathered = Signal(str, str, object)

    def __init__(
        self, tasks: LibraryTasks, network: bool = True, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        #: False keeps gathering off the network (JSON files, Range reads of tags).
        self.network = network
        self._key: tuple[str, str] | None = None
        self._lists: Lists = {}

    def gather(self, podcast_url: str, episode: Episode) -> None:
        key = self._key = (podcast_url, episode.guid)
        self._lists = {}
        network = self.network

        def job(library: Library, _report: object) -> tuple[Lists, list[str]]:
            from podplayer.core.chaptersources import gather

            return gather(library, podcast_url, episode, network=network)

        def done(result: tuple[Lists, list[str]]) -> None:
            lists, problems = result
            for problem in problems:
                log.info("Chapter sources of %s: %s", episode.guid, problem)
            if key != self._key:
                return
            self._lists = lists
            self.gathered.emit(podcast_url, episode.guid, order(lists))

        self._tasks.run(
            job, done, lambda message: log.info("Chapter sources of %s: %s", episode.guid, message)
        )

    def forget(self) -> None:
        self._key, self._lists = None, {}

    def sources(self) -> list[str]:
        """The sources the shown episode's chapters can come from, best first."""
        return order(self._lists)

    def count(self, source: str) -> int:
        return len(self._lists.get(source, ()))

    def chapters(self, source: str) -> tuple[Chapter, ...] | None:
        """The list from ``source``: the best one merged with the others (titles, links and
        images filled in), any other as it is. None for a source the episode lacks."""
        if source not in self._lists:
            return None
        sources = order(self._lists)
        if sources and source == sources[0]:
            return merge(self._lists)[1]
        ordered = tuple(sorted(self._lists[source], key=lambda c: c.start_ms))
        return with_source(ordered, source)
