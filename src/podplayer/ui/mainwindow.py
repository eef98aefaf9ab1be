"""The main window: podcasts | episodes | the selected episode's chapters and links."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QModelIndex,
    QPoint,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QMainWindow,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from podplayer import APP_NAME
from podplayer.core.errors import LibraryError
from podplayer.core.library import Library, SearchHit
from podplayer.core.model import Chapter, Episode, Podcast
from podplayer.core.skiprules import PodcastPrefs, skipped_starts
from podplayer.core.timecode import format_ms
from podplayer.playback.base import PlayerState, display_name
from podplayer.playback.session import PlaybackSession
from podplayer.playback.skipping import ChapterSkipper
from podplayer.ui.artwork import ArtworkLoader
from podplayer.ui.browser import Browser
from podplayer.ui.browserpane import EpisodesPane, PodcastsPane
from podplayer.ui.browsing import (
    LibraryBrowser,
)
from podplayer.ui.chapterlists import ChapterLists
from podplayer.ui.dialogs import WindowDialogs
from podplayer.ui.downloadactions import DownloadActions
from podplayer.ui.downloading import Downloads
from podplayer.ui.entry import EntryKind
from podplayer.ui.episodepane import EpisodePane
from podplayer.ui.exporting import ShareActions, ShareContext
from podplayer.ui.feeds import FeedActions
from podplayer.ui.loader import SourceLoader
from podplayer.ui.menus import WindowMenus, chapter_menu, episode_menu
from podplayer.ui.models import (
    ChapterTableModel,
    EpisodeTableModel,
    LinkListModel,
    PodcastListModel,
    Role,
    SearchHitModel,
)
from podplayer.ui.opening import SourceOpener, dropped_sources
from podplayer.ui.playing import PlaybackController
from podplayer.ui.preferences import (
    ListeningRules,
    PodcastPreferences,
    restore_window_settings,
    save_window_settings,
)
from podplayer.ui.sleeptimer import SleepTimer
from podplayer.ui.storage import StorageNotice
from podplayer.ui.subscriptions import Subscriptions
from podplayer.ui.transcripting import TranscriptLoader
from podplayer.ui.transport import TransportBar
from podplayer.ui.widgets import MessageBar, fit_to_screen, select_row
from podplayer.ui.workers import LibraryTasks

# Parsers, fetching, OPML and downloads are imported where they are used (mostly on workers):
# the first paint needs none of them, and they cost a third of the start-up.
if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

OPENABLE_SCHEMES = frozenset({"http", "https", "mailto"})


#: Below this the lists and the transport bar no longer have room (logical pixels).
MINIMUM_SIZE = QSize(760, 520)


class MainWindow(QMainWindow):
    """The main window over ``library``. Parsing goes through ``loader`` (a worker pool) and
    library work that could be slow (storing, refreshing, chapter sources, downloads) through
    ``tasks``, never the GUI thread; small reads (a podcast's episodes, search) run here.
    Playing goes through ``session``. Everything it uses is given (``podplayer.app`` wires it).

    Signals: ``podcast_loaded(Podcast)`` after a source was added or replaced,
    ``load_failed(Path, str)`` with the listener-facing message,
    ``chapter_activated(Episode, Chapter)`` when a chapter is clicked (it is then played),
    ``refresh_finished(list)`` with the RefreshResults of a refresh batch, and
    ``chapters_gathered(str)`` with the guid whose chapter sources were collected.
    """

    podcast_loaded = Signal(object)
    load_failed = Signal(object, str)
    chapter_activated = Signal(object, object)
    refresh_finished = Signal(object)
    chapters_gathered = Signal(str)
    download_finished = Signal(str, str)

    def __init__(  # noqa: PLR0917
        self,
        loader: SourceLoader,
        session: PlaybackSession,
        library: Library,
        tasks: LibraryTasks,
        reads: LibraryTasks,
        artwork: ArtworkLoader,
        *,
        clock: Callable[[], float] = time.monotonic,
        network: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)
        fit_to_screen(self, QSize(1200, 760), MINIMUM_SIZE)
        self.setAcceptDrops(True)
        self.dialogs = WindowDialogs(self)

        self.session = session
        self.player = session.player
        self.library = library
        self.tasks = tasks
        # Reads for the browser have threads of their own: a refresh must not hold them up.
        self.reads = reads
        self.browser = LibraryBrowser(self.reads, parent=self)
        self.chapter_lists = ChapterLists(tasks, network=network, parent=self)
        self.chapter_lists.gathered.connect(self._on_gathered)
        #: False keeps chapter gathering off the network (JSON files, Range reads of tags).
        self.network = network
        self._playback_unavailable: str | None = None
        self._clock = clock
        self._artwork_url: str | None = None
        # Set while a check box click is handled: that click must not also play the chapter.
        self._chapter_ticked = False
        self.artwork = artwork
        self.artwork.loaded.connect(self._on_artwork)
        self.skipper = ChapterSkipper(self.session, parent=self)
        self.prefs = PodcastPreferences(library, tasks, parent=self)
        self.prefs.changed.connect(self._on_prefs_changed)
        self.sleep_timer = SleepTimer(self.session, clock=clock, parent=self)
        self.share = ShareActions(self._share_context, parent=self)
        self.playback = PlaybackController(self.session, self.tasks, parent=self)
        self.share.message.connect(self.show_message)

        self.loader = loader
        self.opener = SourceOpener(self, loader)

        self.podcast_model = PodcastListModel(parent=self)
        self.episode_model = EpisodeTableModel(parent=self)
        self.chapter_model = ChapterTableModel(parent=self)
        self.link_model = LinkListModel(parent=self)
        self.search_model = SearchHitModel(parent=self)
        self.download_actions = actions = DownloadActions(self)
        self.downloads = Downloads(self.tasks, actions.downloads_dir, parent=self)
        self.downloads.progress.connect(actions.on_progress)
        self.downloads.finished.connect(actions.on_finished)
        self.downloads.deleted.connect(actions.on_deleted)
        self.downloads.error.connect(self.show_message)
        self.subscriptions = Subscriptions(self.tasks, parent=self)

        self._build_panes()
        self._connect_panes()
        self._build_layout()
        self.storage = StorageNotice(library, (tasks, reads), self.message_bar.show_message, self)
        self.menus = menus = WindowMenus(self)
        # The actions and bars the window drives, by name (tests reach them here too).
        self.open_action, self.open_audio_action = menus.open_action, menus.open_audio_action
        self.open_url_action, self.quit_action = menus.open_url_action, menus.quit_action
        self.locate_action, self.export_menu = menus.locate_action, menus.export_menu
        self.prefs_action, self.about_action = menus.prefs_action, menus.about_action
        self.refresh_all_action = menus.refresh_all_action
        self.refresh_one_action = menus.refresh_one_action
        self.seen_action, self.unsubscribe_action = menus.seen_action, menus.unsubscribe_action
        self.refresh_on_start_action = menus.refresh_on_start_action
        self.search_box, self.toolbar = menus.search_box, menus.toolbar
        self.refresh_bar, self.busy_indicator = menus.refresh_bar, menus.busy_indicator
        self.browse: Browser = Browser(
            self.browser,
            self.podcasts_pane,
            self.episodes_pane,
            (self.podcast_model, self.episode_model, self.search_model),
            self.search_box,
            playing_guid=lambda: self.session.episode.guid if self.session.episode else None,
            parent=self,
        )
        self.browse.episode_shown.connect(self._show_episode)
        self.browse.hit_activated.connect(self.open_search_hit)
        self.browse.prefs_read.connect(self.prefs.remember)
        self.browse.error.connect(self.show_message)
        self.feeds: FeedActions = FeedActions(self)
        self.transcripts = TranscriptLoader(
            self.tasks,
            self.episode_pane,
            self.chapter_lists,
            self.playback,
            self._chapters_for,
            parent=self,
        )
        self._connect_playback()
        self._show_episode(None)

        self.paste_shortcut = QShortcut(QKeySequence.StandardKey.Paste, self)
        self.paste_shortcut.activated.connect(self.feeds.paste)

        self.reload_podcasts()
        self.restore_settings()

    # --- construction -------------------------------------------------------------------

    def _build_panes(self) -> None:
        self.podcasts_pane = PodcastsPane(self.podcast_model)
        self.episodes_pane = EpisodesPane(self.episode_model, self.search_model)
        self.episode_pane = EpisodePane(self.chapter_model, self.link_model, _fetch_image)
        # The parts the window drives, by name (menus and tests reach them here).
        self.podcast_view = self.podcasts_pane.view
        self.podcast_stack = self.podcasts_pane.stack
        browser = self.episodes_pane
        self.episode_view, self.search_view = browser.episode_view, browser.search_view
        self.episode_stack, self.search_stack = browser.episode_stack, browser.search_stack
        self.episode_area, self.episodes_caption = browser.area, browser.caption
        pane = self.episode_pane
        self.episode_title, self.episode_info = pane.episode_title, pane.episode_info
        self.play_episode_button, self.locate_button = pane.play_episode_button, pane.locate_button
        self.download_button, self.download_bar = pane.download_button, pane.download_bar
        self.cancel_download_button = pane.cancel_download_button
        self.chapter_view, self.chapter_stack = pane.chapter_view, pane.chapter_stack
        self.link_view, self.link_stack = pane.link_view, pane.link_stack
        self.notes_pane, self.notes_tabs = pane.notes_pane, pane.notes_tabs
        self.chapters_caption, self.source_combo = pane.chapters_caption, pane.source_combo
        self.prefs_button, self.right_splitter = pane.prefs_button, pane.right_splitter
        self.locate_file_action = pane.locate_menu.addAction(
            "Audio &file…", self.dialogs.locate_audio_file
        )
        self.locate_url_action = pane.locate_menu.addAction(
            "&Web address…", self.dialogs.locate_audio_url
        )

    def _connect_panes(self) -> None:
        menu = Qt.ContextMenuPolicy.CustomContextMenu
        self.podcast_view.setContextMenuPolicy(menu)
        self.podcast_view.customContextMenuRequested.connect(self._podcast_menu)
        self.episode_view.setContextMenuPolicy(menu)
        self.episode_view.customContextMenuRequested.connect(self._episode_menu)
        # A click plays (a list of jump points, not documents); Enter and double-click arrive
        # as ``activated`` too, so a repeat of the same row straight after is dropped.
        self._last_chapter_request: tuple[int, float] = (-1, 0.0)
        self.chapter_view.clicked.connect(self._on_chapter_activated)
        self.chapter_view.activated.connect(self._on_chapter_activated)
        self.chapter_view.customContextMenuRequested.connect(self._chapter_context_menu)
        self.chapter_model.tick_changed.connect(self._on_tick)
        self.notes_pane.seek_requested.connect(self.seek_to)
        self.notes_pane.link_requested.connect(self.open_link)
        self.notes_pane.images_allowed.connect(self._allow_images)
        self.link_view.activated.connect(self._on_link_activated)
        self.play_episode_button.clicked.connect(self.play_selected_episode)
        self.download_button.clicked.connect(self.download_actions.download_selected)
        self.cancel_download_button.clicked.connect(self.download_actions.cancel_selected_download)
        self.source_combo.activated.connect(self._on_source_chosen)
        self.prefs_button.clicked.connect(self.dialogs.edit_podcast_prefs)

    def _build_layout(self) -> None:
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.podcasts_pane)
        self.splitter.addWidget(self.episodes_pane)
        self.splitter.addWidget(self.episode_pane)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([190, 480, 530])

        self.message_bar = MessageBar()

        self.transport_slot = QWidget()
        self.transport_slot.setObjectName("transportSlot")
        self.transport_layout = QVBoxLayout(self.transport_slot)
        self.transport_layout.setContentsMargins(0, 0, 0, 0)
        self.transport = TransportBar(self.session, clock=self._clock, sleep_timer=self.sleep_timer)
        self.transport_layout.addWidget(self.transport)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.setSpacing(6)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.transport_slot)
        self.setCentralWidget(central)
        self.message_bar.float_over(central)

    def _connect_playback(self) -> None:
        self.player.error_occurred.connect(self._on_player_error)
        self.player.state_changed.connect(self._on_player_state)
        self.player.duration_changed.connect(self._on_duration)
        self.session.chapter_changed.connect(self._on_playing_chapter_changed)
        self.session.episode_changed.connect(self._on_playing_episode_changed)
        self.playback.error.connect(self.show_message)
        self.playback.no_audio.connect(self._on_no_audio)
        self.playback.state_saved.connect(self.browse.on_state_saved)
        self.playback.restored.connect(self.transport.show_position)
        self.transport.error_occurred.connect(self.show_message)
        self.transport.play_requested.connect(self._on_play_requested)
        self.skipper.skipped.connect(self._on_skipped)
        transport = self.transport
        self.rules = ListeningRules(
            self.session,
            self.playback,
            self.prefs,
            self.skipper,
            show_skipped=transport.slider.set_skipped,
            speed_volume=lambda: (self.player.rate(), transport.volume_slider.value()),
            set_speed=transport.set_speed,
            set_volume=transport.set_volume,
            parent=self,
        )
        self.sleep_timer.fired.connect(
            lambda: self.statusBar().showMessage("Sleep timer: paused", 10_000)
        )

    # --- public API ---------------------------------------------------------------------

    def reload_podcasts(self, select: str | None = None, keep: str | None = None) -> None:
        """Read the podcast list again (on a worker), then select ``select`` (default: the
        selected podcast) and its episode ``keep`` (default: the selected one)."""
        self.browse.reload_podcasts(select, keep)

    def after_shown(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the lists being read are shown (at once when none is)."""
        self.browse.after_shown(callback)

    def select_podcast(self, url: str) -> bool:
        """Select the podcast at ``url`` (its episodes are shown); False when not listed."""
        return self.browse.select_podcast(url)

    def select_episode(self, guid: str) -> bool:
        """Select the shown podcast's episode ``guid``; False when it is not listed."""
        return self.browse.select_episode(guid)

    def current_podcast(self) -> Podcast | None:
        """The selected podcast with the episodes listed for it."""
        return self.browse.current_podcast()

    def current_episode(self) -> Episode | None:
        return self.browse.current_episode()

    def feed_urls(self) -> list[str]:
        """The subscribed podcasts that come from the web (they can be refreshed)."""
        return self.browse.feed_urls()

    def _reload_episodes(self, url: str, keep: str | None = None) -> None:
        self.browse.reload_episodes(url, keep)

    def _podcast_title(self, url: str) -> str:
        return self.browse.podcast_title(url)

    def open_sources(
        self, sources: Sequence[str], kinds: frozenset[EntryKind] | None = None
    ) -> None:
        """Open what the desktop hands over (see ``SourceOpener.open_sources``)."""
        self.opener.open_sources(sources, kinds)

    def load_sources(self, paths: Sequence[Path]) -> None:
        """Parse each path and store it on a worker (``podcast_loaded``/``load_failed``)."""
        self.opener.load_sources(paths)

    def load_demo(self, notes: Path, audio: Path) -> None:
        self.opener.load_demo(notes, audio)

    def add_podcast(self, podcast: Podcast, select: bool = True) -> None:
        """Store ``podcast`` on a worker and show it (``podcast_loaded`` follows)."""
        self.opener.add_podcast(podcast, select)

    def open_audio_file(self, path: Path) -> None:
        self.opener.open_audio_file(path)

    def open_url(self, url: str) -> bool:
        return self.opener.open_url(url)

    def add_audio_files(self, paths: Sequence[Path]) -> None:
        self.opener.add_audio_files(paths)

    def subscribe(self, url: str) -> bool:
        """Subscribe to the feed at ``url`` in the background (see ``FeedActions``)."""
        return self.feeds.subscribe(url)

    def refresh_all(self) -> None:
        self.feeds.refresh_all()

    def refresh_feeds(self, urls: Sequence[str]) -> None:
        """Fetch and store each feed on the worker pool; ``refresh_finished`` at the end."""
        self.feeds.refresh_feeds(urls)

    def import_opml(self, path: Path) -> None:
        self.feeds.import_opml(path)

    def export_opml(self, path: Path) -> bool:
        return self.feeds.export_opml(path)

    def mark_selected_seen(self) -> None:
        self.feeds.mark_selected_seen()

    def downloads_dir(self) -> Path:
        return self.download_actions.downloads_dir()

    def download(self, podcast: Podcast, episode: Episode) -> bool:
        """Download the episode's audio in the background (``download_finished`` follows)."""
        return self.download_actions.download(podcast, episode)

    def download_selected(self) -> None:
        self.download_actions.download_selected()

    def cancel_download(self, guid: str) -> None:
        self.downloads.cancel(guid)

    def delete_download(self, episode: Episode) -> None:
        self.download_actions.delete_download(episode)

    def _show_download(self, episode: Episode | None) -> None:
        self.download_actions.show_download(episode)

    def set_playback_unavailable(self, reason: str) -> None:
        """Browse-only mode: the transport bar is disabled and ``reason`` is shown."""
        self._playback_unavailable = reason
        self.playback.unavailable = reason
        self.transport.set_unavailable(reason)
        self.play_episode_button.setEnabled(False)
        self.show_message(f"Playback is not available. {reason[:1].upper()}{reason[1:]}.")

    def play_chapter(self, episode: Episode, index: int) -> bool:
        """Play ``episode`` from chapter ``index``, loading it if needed. False (and a message)
        when it can't: no audio, playback unavailable, a refused source."""
        podcast = self._podcast_of(episode)
        if podcast is None:
            return False
        return self.playback.play(
            podcast, episode, chapter=index, chapters=self._chapters_for(episode)
        )

    @Slot()
    def play_selected_episode(self) -> None:
        """Play the selected episode: go on if it is the one loaded, else resume it where the
        listener stopped (the start when never played or played to the end)."""
        podcast, episode = self.current_podcast(), self.current_episode()
        if podcast is None or episode is None:
            self.show_message("Select an episode to play", "info")
            return
        self.playback.play(
            podcast,
            episode,
            chapters=self._chapters_for(episode),
            saved=self.episode_model.state(episode.guid),
        )

    @Slot()
    def _on_play_requested(self) -> None:
        # Nothing loaded: continue the current episode (after a restart, the last one), else
        # play the selected one.
        if not self.playback.toggle():
            self.play_selected_episode()

    def _podcast_of(self, episode: Episode) -> Podcast | None:
        """The podcast ``episode`` is listed in: the shown one, else the playing one's."""
        podcast = self.current_podcast()
        if podcast is not None and self.episode_model.row_of(episode.guid) >= 0:
            return podcast
        playing = self.playback.podcast
        if playing is not None and self.playback.is_current(None, episode.guid):
            return playing
        return podcast

    def _chapters_for(self, episode: Episode) -> tuple[Chapter, ...]:
        shown = self.current_episode()
        if shown is not None and shown.guid == episode.guid and self.chapter_model.items():
            return self.chapter_model.items()
        return episode.chapters

    def attach_audio(self, source: str) -> bool:
        """Attach ``source`` (a local file or an http(s) URL) to the selected episode, remember
        it across restarts and show it. False, with a message, when it is refused."""
        podcast, episode = self.current_podcast(), self.current_episode()
        if podcast is None or episode is None:
            self.show_message("Select an episode first, then locate its audio")
            return False
        updated = self.playback.attach_audio(podcast, episode, source)
        if updated is None:
            return False
        self.episode_model.replace_episode(updated)
        self._show_audio(updated)
        self.show_message(
            f"Audio for “{episode.title}”: {display_name(updated.audio or '')}. "
            "Click a chapter to play from there.",
            "info",
        )
        return True

    def show_message(self, text: str, kind: str = "error") -> None:
        """A non-modal message above the lists; ``kind`` is "error" or "info". A storage
        problem already told is not repeated."""
        if self.storage.already_told(text):
            return
        self.message_bar.show_message(text, kind)
        self.statusBar().showMessage(text, 10_000)

    def open_link(self, url: str) -> bool:
        """Open ``url`` in the desktop's handler if it is http(s) or mailto; True if handed on."""
        qurl = QUrl(url)
        if not qurl.isValid() or qurl.scheme().lower() not in OPENABLE_SCHEMES:
            shown = url if len(url) <= 60 else url[:59] + "…"
            self.show_message(f"Not opened: only web and e-mail links are opened ({shown})")
            return False
        if not QDesktopServices.openUrl(qurl):
            self.show_message(f"Could not open {url}: no application for this kind of link")
            return False
        self.statusBar().showMessage(f"Opened {url}", 5000)
        return True

    # --- subscriptions ------------------------------------------------------------------

    # --- OPML ---------------------------------------------------------------------------

    # --- search -------------------------------------------------------------------------

    def open_search_hit(self, hit: SearchHit) -> bool:
        """Show the hit's episode; for a chapter hit, play from that chapter."""
        if not self.select_podcast(hit.podcast_url) or not self.select_episode(hit.episode_guid):
            self.show_message(f"“{hit.episode}” is no longer in the library")
            return False
        if hit.start_ms is None:
            return True
        podcast, episode = self.current_podcast(), self.current_episode()
        if podcast is None or episode is None:
            return False
        return self.playback.play(
            podcast, episode, at_ms=hit.start_ms, chapters=self._chapters_for(episode)
        )

    # --- chapter sources ----------------------------------------------------------------

    def _gather_chapters(self, episode: Episode) -> None:
        podcast = self.current_podcast()
        if podcast is not None:
            self.chapter_lists.gather(podcast.url, episode)

    @Slot(str, str, object)
    def _on_gathered(self, url: str, guid: str, sources: list[str]) -> None:
        shown, podcast = self.current_episode(), self.current_podcast()
        if shown is None or podcast is None or shown.guid != guid or podcast.url != url:
            return
        lists = self.chapter_lists
        self.episode_pane.show_sources(sources, {source: lists.count(source) for source in sources})
        if sources:
            self._show_chapter_source(sources[0])
        self.chapters_gathered.emit(guid)

    def chapter_sources(self) -> list[str]:
        """The sources the shown episode's chapters can come from, best first."""
        return self.chapter_lists.sources()

    def show_chapter_source(self, source: str) -> bool:
        """Show the chapter list from ``source`` (the best one is merged with the others)."""
        index = self.source_combo.findData(source)
        if index < 0:
            return False
        self.source_combo.setCurrentIndex(index)
        self._show_chapter_source(source)
        return True

    @Slot(int)
    def _on_source_chosen(self, index: int) -> None:
        source = self.source_combo.itemData(index)
        if isinstance(source, str):
            self._show_chapter_source(source)

    def _show_chapter_source(self, source: str) -> None:
        episode = self.current_episode()
        chapters = self.chapter_lists.chapters(source)
        if episode is None or chapters is None:
            return
        index = self.source_combo.findData(source)
        if index >= 0 and self.source_combo.currentIndex() != index:
            self.source_combo.setCurrentIndex(index)
        if chapters == self.chapter_model.items():
            return
        self.episode_pane.show_chapters(episode, chapters)
        self._show_skipped()
        podcast = self.current_podcast()
        self.playback.set_chapters(podcast.url if podcast else "", episode.guid, chapters)
        self._show_current_chapter(scroll=False)

    # --- downloads ----------------------------------------------------------------------

    # --- play state and settings ----------------------------------------------------------

    @Slot()
    def save_position(self) -> None:
        """Save where the playing episode is (the controller also does it every few seconds)."""
        self.playback.save_position()

    def mark_played(self, episode: Episode, played: bool = True) -> None:
        """Mark ``episode`` of the shown podcast played (position back to 0) or unplayed."""
        podcast = self._podcast_of(episode)
        if podcast is not None:
            self.playback.mark_played(podcast.url, episode.guid, played)

    def set_setting(self, key: str, value: object) -> None:
        try:
            self.library.set_setting(key, value)
        except LibraryError as exc:
            log.warning("Setting %s not saved: %s", key, exc)

    def restore_settings(self) -> None:
        """Speed, volume, skip intervals, window geometry and splitters as last left."""
        restore_window_settings(self)

    def save_settings(self) -> None:
        """Remember speed, volume, skip intervals, window geometry and splitters."""
        save_window_settings(self)

    def start(self) -> None:
        """After the first paint: refresh every feed when the listener asked for it."""
        if self.refresh_on_start_action.isChecked():
            self.refresh_all()

    def cancel_work(self) -> None:
        """Stop downloads (they resume later where they stopped)."""
        self.downloads.cancel_all()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_position()
        self.save_settings()
        self.cancel_work()
        super().closeEvent(event)

    # --- listening: notes, skipping, podcast settings, sharing ----------------------------

    def podcast_prefs(self, url: str) -> PodcastPrefs:
        """The settings of the podcast at ``url`` (defaults when it has none)."""
        return self.prefs.get(url)

    def set_podcast_prefs(self, url: str, prefs: PodcastPrefs) -> None:
        """Store ``prefs`` for the podcast at ``url`` and apply them to what is shown and
        playing."""
        self.prefs.set(url, prefs)

    @Slot(str, object, object)
    def _on_prefs_changed(self, url: str, old: PodcastPrefs, prefs: PodcastPrefs) -> None:
        podcast, episode = self.current_podcast(), self.current_episode()
        if podcast is None or podcast.url != url:
            return
        self._show_skipped()
        if episode is not None and prefs.allow_images != old.allow_images:
            self.notes_pane.set_notes(
                episode.description,
                allow_images=prefs.allow_images,
                duration_ms=episode.duration_ms,
            )

    def _show_skipped(self) -> None:
        podcast, episode = self.current_podcast(), self.current_episode()
        if podcast is None or episode is None:
            self.chapter_model.set_skipped(())
            return
        prefs = self.podcast_prefs(podcast.url)
        self.chapter_model.set_skipped(
            skipped_starts(self.chapter_model.items(), prefs.rules, prefs.ticks_for(episode.guid))
        )

    @Slot(int, bool)
    def _on_tick(self, start_ms: int, play: bool) -> None:
        self._chapter_ticked = True
        QTimer.singleShot(0, partial(setattr, self, "_chapter_ticked", False))
        podcast, episode = self.current_podcast(), self.current_episode()
        if podcast is None or episode is None:
            return
        prefs = self.podcast_prefs(podcast.url)
        ticks = {**prefs.ticks, episode.guid: {**prefs.ticks_for(episode.guid), start_ms: play}}
        self.set_podcast_prefs(podcast.url, replace(prefs, ticks=ticks))
        self.statusBar().showMessage(
            "This chapter plays" if play else "This chapter is skipped when playing on", 4000
        )

    @Slot(int, int)
    def _on_skipped(self, from_ms: int, to_ms: int) -> None:
        self.statusBar().showMessage(
            f"Skipped {format_ms(from_ms)} to {format_ms(to_ms)} (untick settings: Skip…)", 5000
        )

    @Slot(int)
    def seek_to(self, position_ms: int) -> None:
        """Play the shown episode from ``position_ms`` (int ms), loading it if needed."""
        podcast, episode = self.current_podcast(), self.current_episode()
        if podcast is None or episode is None:
            return
        if not self.playback.play(
            podcast, episode, at_ms=position_ms, chapters=self._chapters_for(episode)
        ):
            return
        self.statusBar().showMessage(f"Playing from {format_ms(position_ms)}", 3000)

    @Slot(bool)
    def _allow_images(self, allow: bool) -> None:
        podcast = self.current_podcast()
        if podcast is not None:
            prefs = self.podcast_prefs(podcast.url)
            self.set_podcast_prefs(podcast.url, replace(prefs, allow_images=allow))

    def _share_context(self) -> ShareContext | None:
        # The episode being played (its position is the moment to share), else the shown one.
        playing = self.session.episode
        if playing is not None and self.player.source is not None:
            return ShareContext(
                playing, self.session.chapters, self.player.position(), playing=True
            )
        episode = self.current_episode()
        if episode is None:
            return None
        return ShareContext(episode, self.chapter_model.items())

    def _show_artwork(self, url: str | None) -> None:
        self._artwork_url = url
        self.episode_pane.show_artwork(self.artwork.image(url))

    @Slot(str, QImage)
    def _on_artwork(self, url: str, image: QImage) -> None:
        if url == self._artwork_url:
            self.episode_pane.show_artwork(image)

    @Slot(QPoint)
    def _chapter_context_menu(self, point: QPoint) -> None:
        index = self.chapter_view.indexAt(point)
        if not index.isValid():
            index = self.chapter_view.currentIndex()
        if not index.isValid():
            return
        self.chapter_menu(index.row()).exec(self.chapter_view.viewport().mapToGlobal(point))

    def chapter_menu(self, row: int) -> QMenu:
        """The context menu of the shown chapter ``row``: play, skip, its links, export."""
        return chapter_menu(self, row)

    # --- context menus --------------------------------------------------------------------

    @Slot(QPoint)
    def _episode_menu(self, point: QPoint) -> None:
        index = self.episode_view.indexAt(point)
        episode = index.data(Role.OBJECT)
        if not isinstance(episode, Episode):
            return
        menu = self.episode_menu(episode)
        menu.exec(self.episode_view.viewport().mapToGlobal(point))

    def episode_menu(self, episode: Episode) -> QMenu:
        """The context menu of an episode of the shown podcast."""
        return episode_menu(self, episode)

    @Slot(QPoint)
    def _podcast_menu(self, point: QPoint) -> None:
        if not self.podcast_view.indexAt(point).isValid():
            return
        menu = QMenu(self)
        menu.addAction(self.refresh_one_action)
        menu.addAction(self.seen_action)
        menu.addAction(self.unsubscribe_action)
        menu.addAction(self.prefs_action)
        menu.exec(self.podcast_view.viewport().mapToGlobal(point))

    # --- reactions ----------------------------------------------------------------------

    @Slot(QModelIndex)
    def _on_chapter_activated(self, index: QModelIndex) -> None:
        chapter = index.data(Role.OBJECT)
        episode = self.current_episode()
        if not isinstance(chapter, Chapter) or episode is None or self._chapter_ticked:
            return
        row, when = self._last_chapter_request
        now = self._clock()
        self._last_chapter_request = (index.row(), now)
        if row == index.row() and now - when < 0.5:
            return
        self.statusBar().showMessage(f"{format_ms(chapter.start_ms)}  {chapter.title}", 3000)
        self.chapter_activated.emit(episode, chapter)
        self.play_chapter(episode, index.row())

    @Slot(object)
    def _on_no_audio(self, episode: Episode) -> None:
        self.show_message(
            f"“{episode.title}” has no audio yet. Use “Locate audio…” above the chapters "
            "to choose its file or web address.",
            "info",
        )
        self.locate_button.setFocus()

    @Slot(str)
    def _on_player_error(self, message: str) -> None:
        log.warning("Playback error: %s", message)
        self.show_message(message)

    @Slot(object)
    def _on_player_state(self, state: PlayerState) -> None:
        episode = self.session.episode
        log.info("Player %s: %s", state.value, episode.title if episode else self.player.source)
        if state is PlayerState.PLAYING and self.message_bar.kind() == "error":
            # An error about an earlier attempt is stale once something plays.
            self.message_bar.hide()
        self._show_current_chapter(scroll=state is PlayerState.PLAYING)

    @Slot(int)
    def _on_playing_chapter_changed(self, _index: int) -> None:
        self._show_current_chapter(scroll=True)

    @Slot(object)
    def _on_playing_episode_changed(self, episode: object) -> None:
        if isinstance(episode, Episode):
            self.episode_model.set_current_guid(episode.guid)
            self.setWindowTitle(f"{episode.title} – {APP_NAME}")
        else:
            self.episode_model.set_current_guid(None)
            self.setWindowTitle(APP_NAME)
        self._show_current_chapter(scroll=False)

    def _show_current_chapter(self, scroll: bool) -> None:
        """Mark the chapter being played when the shown episode is the one playing."""
        shown = self.current_episode()
        playing = self.session.episode
        same = shown is not None and playing is not None and shown.guid == playing.guid
        row = self.session.current_chapter if same else -1
        self.chapter_model.set_current(row)
        if row < 0:
            return
        # One highlight: the selection is the chapter that plays, not the row last clicked.
        index = self.chapter_model.index(row, 1)
        if self.chapter_view.currentIndex().row() != row:
            select_row(self.chapter_view, index, scroll=False)
        if scroll:
            self.chapter_view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    @Slot(int)
    def _on_duration(self, duration_ms: int) -> None:
        shown, playing = self.current_episode(), self.session.episode
        if shown is not None and playing is not None and shown.guid == playing.guid:
            self.chapter_model.set_duration(duration_ms if duration_ms > 0 else None)

    # --- drag and drop ------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if dropped_sources(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]  # noqa: N802
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        sources = dropped_sources(event.mimeData().urls())
        if not sources:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_sources([str(source) for source in sources])

    @Slot(QModelIndex)
    def _on_link_activated(self, index: QModelIndex) -> None:
        url = index.data(Role.URL)
        if isinstance(url, str):
            self.open_link(url)

    def _show_episode(self, episode: Episode | None) -> None:
        self._show_audio(episode)
        self.chapter_lists.forget()
        podcast = self.current_podcast()
        prefs = self.podcast_prefs(podcast.url) if podcast is not None else PodcastPrefs()
        self.episode_pane.show_episode(
            episode, listed=self.podcast_model.rowCount() > 0, allow_images=prefs.allow_images
        )
        self.transcripts.show(podcast if episode is not None else None, episode)
        if episode is None:
            return
        self._show_skipped()
        self._show_artwork(podcast.image if podcast is not None else None)
        self._show_current_chapter(scroll=True)
        self._gather_chapters(episode)

    def _show_audio(self, episode: Episode | None) -> None:
        self.locate_action.setEnabled(episode is not None)
        self.episode_pane.show_audio(episode, playable=self._playback_unavailable is None)
        self._show_download(episode)


def _fetch_image(url: str) -> bytes:
    """A picture from the notes (worker thread); at most 5 MB."""
    from podplayer.core.fetch import fetch

    return fetch(url, max_bytes=5 * 1024 * 1024, timeout_s=15).body
