"""Opening sources: what the desktop hands over (arguments, drops, pastes, MPRIS), files and
pages parsed and stored on workers, audio added and played, the demo on a first start."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import QObject, QUrl, Slot

from podplayer.core.fetch import is_web_url
from podplayer.core.library import Library
from podplayer.core.model import Episode, Podcast
from podplayer.ui.browsing import shorten
from podplayer.ui.entry import Entry, EntryKind, classify_entry, refused_url_message
from podplayer.ui.loader import SourceLoader, load_audio_file
from podplayer.ui.workers import thread_library

if TYPE_CHECKING:
    from podplayer.ui.mainwindow import MainWindow

log = logging.getLogger(__name__)

#: Local files named so are subscription lists (imported), not documents.
OPML_SUFFIXES = frozenset({".opml"})
#: Local files a drop hands over besides audio (what they hold is read before opening them).
DOCUMENT_SUFFIXES = frozenset({".txt", ".html", ".htm", ".json", ".xml", ".rss", ".atom"})


def dropped_sources(urls: Sequence[QUrl]) -> list[Path | str]:
    """Local files podplayer can open and http(s) addresses, from a drop's URLs."""
    from podplayer.ui.dialogs import audio_suffixes

    openable = audio_suffixes() | DOCUMENT_SUFFIXES | OPML_SUFFIXES
    sources: list[Path | str] = []
    for url in urls:
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in openable:
                sources.append(path)
        elif url.scheme().lower() in ("http", "https"):
            sources.append(url.toString())
    return sources


def _is_opml(path: Path, _library: Library, _report: object) -> bool:
    from podplayer.core.errors import PodplayerError
    from podplayer.core.sources import Kind, classify_path

    try:
        return classify_path(path) is Kind.OPML
    except PodplayerError:
        return False  # the loader tells why it can't be read


class SourceOpener(QObject):
    """Opens sources for ``window`` through ``loader`` (a worker pool)."""

    def __init__(self, window: MainWindow, loader: SourceLoader) -> None:
        super().__init__(window)
        self.w = window
        self.loader = loader
        # The podcast to select when it arrives, and audio files to play once loaded.
        self.preferred_url: str | None = None
        self._autoplay: set[Path] = set()
        loader.loaded.connect(self._on_loaded)
        loader.failed.connect(self._on_failed)
        loader.busy_changed.connect(self._on_busy_changed)

    def open_sources(
        self, sources: Sequence[str], kinds: frozenset[EntryKind] | None = None
    ) -> None:
        """Open what the desktop hands over (arguments, a drop, a paste, MPRIS): subscribe to
        feeds, play audio (files and URLs), add documents, import OPML. ``kinds`` limits what
        is opened; anything else is refused with a message."""
        documents: list[Path] = []
        for source in sources:
            entry = classify_entry(source)
            if kinds is not None and entry.kind not in kinds | {EntryKind.REFUSED}:
                shown = shorten(entry.target, 60)
                entry = Entry(
                    EntryKind.REFUSED,
                    entry.target,
                    f"Not opened: only web addresses and audio files are opened this way ({shown})",
                )
            if entry.kind is EntryKind.FEED:
                self.w.subscribe(entry.target)
            elif entry.kind is EntryKind.AUDIO_URL:
                self.open_url(entry.target)
            elif entry.kind is EntryKind.AUDIO_FILE:
                self.open_audio_file(entry.path)
            elif entry.kind is EntryKind.OPML:
                self.w.import_opml(entry.path)
            elif entry.kind is EntryKind.DOCUMENT:
                documents.append(entry.path)
            else:
                self.w.show_message(entry.message)
        self.load_sources(documents)

    def load_sources(self, paths: Sequence[Path]) -> None:
        """Parse each path and store it in the library on a worker; results arrive as
        ``podcast_loaded``/``load_failed``. OPML files subscribe to what they list."""
        for path in paths:
            if path.suffix.lower() in OPML_SUFFIXES:
                self.w.import_opml(path)
                continue
            self.w.statusBar().showMessage(f"Loading {path.name}…")
            self.w.busy_indicator.show()
            # What the file holds decides (an OPML list named subs.xml is imported).
            self.w.tasks.run(
                partial(_is_opml, path),
                partial(self._open_document, path),
                partial(self._open_unclassified, path),
            )

    def _open_unclassified(self, path: Path, _message: str) -> None:
        self._open_document(path, False)

    def _open_document(self, path: Path, opml: bool) -> None:
        if opml:
            self._on_busy_changed(self.loader.busy)
            self.w.import_opml(path)
        else:
            self.loader.load(path, self._storing(self.loader.load_function))

    def _storing(self, function: Callable[[Path], Podcast]) -> Callable[[Path], Podcast]:
        """``function`` followed by storing its podcast, both on the worker."""
        library_path = self.w.library.path

        def load_and_store(path: Path) -> Podcast:
            podcast = function(path)
            library = thread_library(library_path)
            library.add_podcast(podcast)
            return podcast

        return load_and_store

    def load_demo(self, notes: Path, audio: Path) -> None:
        """Add the bundled demo episode (``notes`` playing ``audio``) and select it when it
        arrives, whatever else loads meanwhile."""
        from podplayer.ui.loader import load_demo

        self.preferred_url = notes.resolve().as_uri()
        self.w.statusBar().showMessage("Loading the demo episode…")
        self.loader.load(notes, self._storing(lambda path: load_demo(path, audio)))

    def add_podcast(self, podcast: Podcast, select: bool = True) -> None:
        """Store ``podcast`` (replacing one with the same URL) on a worker and select it if
        ``select``; ``podcast_loaded`` follows once it is shown. Play state and audio located
        earlier for its episodes are kept."""

        def store(library: Library, _report: object) -> Podcast:
            library.add_podcast(podcast)
            return podcast

        def stored(_result: object) -> None:
            self._show_stored(podcast.url, select)
            self.w.after_shown(lambda: self.w.podcast_loaded.emit(podcast))

        self.w.tasks.run(store, stored, self.w.show_message)

    def _show_stored(self, url: str, select: bool) -> None:
        current = self.w.current_podcast()
        episode = self.w.current_episode()
        if select or (current is None and self.w.browse.pending_selection() is None):
            self.w.reload_podcasts(select=url)
        elif current is not None and current.url == url and episode is not None:
            self.w.reload_podcasts(select=url, keep=episode.guid)
        else:
            self.w.reload_podcasts()

    def open_audio_file(self, path: Path) -> None:
        """Add an audio file as an episode (with its tag chapters) and play it once loaded."""
        self._autoplay.add(path)
        self.w.statusBar().showMessage(f"Opening {path.name}…")
        self.loader.load(path, self._storing(load_audio_file))

    def open_url(self, url: str) -> bool:
        """Play audio from an http(s) ``url``; anything else is refused with a message."""
        url = url.strip()
        if not is_web_url(url):
            self.w.show_message(refused_url_message(url))
            return False
        parts = urlsplit(url)
        name = unquote(Path(parts.path).name) or parts.netloc
        episode = Episode(guid=url, number=None, title=name, audio_url=url)
        podcast = Podcast(url=url, title=parts.netloc, episodes=(episode,))
        self.add_podcast(podcast)
        return self.w.playback.play(podcast, episode, at_ms=0)

    def add_audio_files(self, paths: Sequence[Path]) -> None:
        """Add local audio files to the library (each with its tag chapters), not playing."""
        for path in paths:
            self.w.statusBar().showMessage(f"Adding {path.name}…")
            self.loader.load(path, self._storing(load_audio_file))

    @Slot(object, object)
    def _on_loaded(self, path: Path, podcast: Podcast) -> None:
        preferred = self.preferred_url
        # Listed, or stored and on its way to the list.
        present = preferred is not None and (
            self.w.podcast_model.row_of(preferred) >= 0
            or preferred == self.w.browse.pending_selection()
        )
        autoplay = path in self._autoplay
        self._autoplay.discard(path)
        # A file the listener opened is shown and played, whatever else was selected.
        self._show_stored(podcast.url, select=autoplay or not present or podcast.url == preferred)
        if autoplay and podcast.episodes:
            if preferred is not None and podcast.url != preferred:
                self.preferred_url = None
            self.w.playback.play(podcast, podcast.episodes[0], at_ms=0)
        count = len(podcast.episodes)
        log.info("Loaded %s: %d episodes", path, count)
        self.w.statusBar().showMessage(
            f"Loaded {podcast.title or path.name}: {count} episode{'' if count == 1 else 's'}",
            5000,
        )
        self.w.after_shown(lambda: self.w.podcast_loaded.emit(podcast))

    @Slot(object, str)
    def _on_failed(self, path: Path, message: str) -> None:
        log.warning("Could not load %s: %s", path, message)
        self._autoplay.discard(path)
        self.w.show_message(message)
        self.w.load_failed.emit(path, message)

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:
        self.w.busy_indicator.setVisible(busy)
        if not busy and self.w.statusBar().currentMessage().startswith("Loading "):
            self.w.statusBar().clearMessage()
