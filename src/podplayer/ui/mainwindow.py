"""The main window: podcasts | episodes | the selected episode's chapters and links."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QSize,
    Qt,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QKeySequence,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from podplayer import APP_NAME, __version__
from podplayer.core.attachments import AttachmentStore, attachment_key
from podplayer.core.errors import LibraryError
from podplayer.core.fetch import is_web_url
from podplayer.core.model import Chapter, ChapterSource, Episode, Podcast
from podplayer.core.sources import AUDIO_SUFFIXES
from podplayer.core.timecode import format_ms
from podplayer.playback.base import PlaybackError, PlayerState, display_name
from podplayer.playback.null import NullPlayer
from podplayer.playback.session import PlaybackSession
from podplayer.ui.loader import SourceLoader, load_audio_file
from podplayer.ui.models import (
    ChapterTableModel,
    EpisodeTableModel,
    LinkListModel,
    PodcastListModel,
    Role,
)
from podplayer.ui.transport import TransportBar
from podplayer.ui.widgets import EmptyStateStack, MessageBar, TwoLineDelegate

log = logging.getLogger(__name__)

OPENABLE_SCHEMES = frozenset({"http", "https", "mailto"})
SOURCE_FILTER = "Show notes and podcast pages (*.txt *.html *.htm);;All files (*)"
AUDIO_FILTER = (
    "Audio files ("
    + " ".join(f"*{suffix}" for suffix in sorted(AUDIO_SUFFIXES))
    + ");;All files (*)"
)
NOTES_SUFFIXES = frozenset({".txt", ".html", ".htm", ".json", ".xml", ".rss", ".atom"})

_SOURCE_NAMES: dict[str, str] = {
    ChapterSource.TAGS: "the audio file's tags",
    ChapterSource.JSON: "the feed's chapter file",
    ChapterSource.PSC: "the feed's chapter marks",
    ChapterSource.SHOWNOTES: "the show notes",
    ChapterSource.USER: "your own marks",
}

NO_PODCASTS = (
    "No podcasts yet.\n\nUse File → Open… to add a podcast page or an episode's show notes."
)
NO_EPISODES = "This podcast has no episodes."
NO_EPISODE = "Select an episode to see its chapters and links."
NO_CHAPTERS = "No chapters found in this episode's notes."
NO_LINKS = "No links found in this episode's notes."


def _table(model: EpisodeTableModel | ChapterTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setStretchLastSection(False)
    return view


def _fit_column(view: QTableView, column: int, sample: str) -> None:
    """Fixed width that fits ``sample`` (the widest text the column will hold) and its header."""
    metrics = view.fontMetrics()
    header = view.model().headerData(column, Qt.Orientation.Horizontal)
    width = max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(str(header))) + 24
    view.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
    view.setColumnWidth(column, width)


class MainWindow(QMainWindow):
    """The main window. Loading goes through ``loader`` (a worker pool), never the GUI thread;
    playing goes through ``session`` (a NullPlayer's when none is given); audio the user located
    for episodes is kept in ``attachments`` (in memory when none is given).

    Signals: ``podcast_loaded(Podcast)`` after a source was added or replaced,
    ``load_failed(Path, str)`` with the listener-facing message, and
    ``chapter_activated(Episode, Chapter)`` when a chapter is clicked (it is then played).
    """

    podcast_loaded = Signal(object)
    load_failed = Signal(object, str)
    chapter_activated = Signal(object, object)

    def __init__(
        self,
        loader: SourceLoader,
        session: PlaybackSession | None = None,
        attachments: AttachmentStore | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)
        self.resize(1200, 760)
        self.setAcceptDrops(True)

        self.session = session or PlaybackSession(NullPlayer(parent=self), parent=self)
        self.player = self.session.player
        self.attachments = attachments or AttachmentStore(None)
        self._playback_unavailable: str | None = None
        # Podcasts to select when they arrive, and audio files to play once loaded.
        self._preferred_url: str | None = None
        self._autoplay: set[Path] = set()
        self._clock = clock

        self.loader = loader
        loader.loaded.connect(self._on_loaded)
        loader.failed.connect(self._on_failed)
        loader.busy_changed.connect(self._on_busy_changed)

        self.podcast_model = PodcastListModel(parent=self)
        self.episode_model = EpisodeTableModel(parent=self)
        self.chapter_model = ChapterTableModel(parent=self)
        self.link_model = LinkListModel(parent=self)

        self._build_views()
        self._build_layout()
        self._build_menus()
        self._build_status_bar()
        self._connect_playback()
        self._show_episode(None)
        if self.attachments.problem:
            self.show_message(self.attachments.problem)

    # --- construction -------------------------------------------------------------------

    def _build_views(self) -> None:
        self.podcast_view = QListView()
        self.podcast_view.setModel(self.podcast_model)
        self.podcast_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.podcast_view.setUniformItemSizes(True)
        self.podcast_view.setItemDelegate(TwoLineDelegate(self.podcast_view))
        self.podcast_view.selectionModel().currentChanged.connect(self._on_podcast_changed)

        self.episode_view = _table(self.episode_model)
        _fit_column(self.episode_view, 0, "000")
        self.episode_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.episode_view.selectionModel().currentChanged.connect(self._on_episode_changed)
        self.episode_model.current_icon = self.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaVolume
        )

        self.chapter_view = _table(self.chapter_model)
        _fit_column(self.chapter_view, 0, "0:00:00")
        self.chapter_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        _fit_column(self.chapter_view, 2, "0:00:00")
        self.chapter_model.current_icon = self.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaPlay
        )
        # A click plays (a list of jump points, not documents); Enter and double-click arrive
        # as ``activated`` too, so a repeat of the same row straight after is dropped.
        self._last_chapter_request: tuple[int, float] = (-1, 0.0)
        self.chapter_view.clicked.connect(self._on_chapter_activated)
        self.chapter_view.activated.connect(self._on_chapter_activated)

        self.link_view = QListView()
        self.link_view.setModel(self.link_model)
        self.link_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.link_view.setItemDelegate(TwoLineDelegate(self.link_view))
        self.link_view.setAlternatingRowColors(True)
        self.link_view.activated.connect(self._on_link_activated)

    def _build_layout(self) -> None:
        self.podcast_stack = EmptyStateStack(self.podcast_view, NO_PODCASTS)
        self.episode_stack = EmptyStateStack(self.episode_view, NO_EPISODES)
        self.chapter_stack = EmptyStateStack(self.chapter_view, NO_CHAPTERS)
        self.link_stack = EmptyStateStack(self.link_view, NO_LINKS)
        self.podcast_stack.set_empty(True)
        self.episode_stack.set_empty(True, "")

        self.episode_title = QLabel()
        self.episode_title.setWordWrap(True)
        self.episode_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title_font = QFont(self.episode_title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self.episode_title.setFont(title_font)
        self.episode_info = QLabel()
        self.episode_info.setWordWrap(True)

        self.play_episode_button = QPushButton("Play episode")
        self.play_episode_button.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        )
        self.play_episode_button.setToolTip("Play this episode from the start (Space plays/pauses)")
        self.play_episode_button.clicked.connect(self.play_selected_episode)
        self.locate_button = QPushButton("Locate audio…")
        self.locate_button.setObjectName("locateAudio")
        bold = QFont(self.locate_button.font())
        bold.setBold(True)
        self.locate_button.setFont(bold)
        self.locate_button.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton)
        )
        self.locate_button.setToolTip(
            "This episode came without audio: choose its file or enter its web address"
        )
        locate_menu = QMenu(self.locate_button)
        self.locate_file_action = locate_menu.addAction("Audio &file…", self.locate_audio_file)
        self.locate_url_action = locate_menu.addAction("&Web address…", self.locate_audio_url)
        self.locate_button.setMenu(locate_menu)
        self.audio_label = QLabel()
        self.audio_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.audio_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        actions_row = QHBoxLayout()
        actions_row.setContentsMargins(0, 0, 0, 0)
        actions_row.setSpacing(8)
        actions_row.addWidget(self.play_episode_button)
        actions_row.addWidget(self.locate_button)
        actions_row.addWidget(self.audio_label, 1)
        self.episode_actions = QWidget()
        self.episode_actions.setLayout(actions_row)

        self.chapters_caption = _caption("Chapters")
        self.links_caption = _caption("Links")
        right_split = QSplitter(Qt.Orientation.Vertical)
        right_split.setChildrenCollapsible(False)
        right_split.addWidget(_section(self.chapters_caption, self.chapter_stack))
        right_split.addWidget(_section(self.links_caption, self.link_stack))
        right_split.setStretchFactor(0, 3)
        right_split.setStretchFactor(1, 2)
        self.right_splitter = right_split

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 4, 0, 0)
        right_layout.setSpacing(4)
        right_layout.addWidget(self.episode_title)
        right_layout.addWidget(self.episode_info)
        right_layout.addWidget(self.episode_actions)
        right_layout.addSpacing(4)
        right_layout.addWidget(right_split, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(_section(_caption("Podcasts"), self.podcast_stack))
        self.splitter.addWidget(_section(_caption("Episodes"), self.episode_stack))
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([190, 480, 530])

        self.message_bar = MessageBar()

        self.transport_slot = QWidget()
        self.transport_slot.setObjectName("transportSlot")
        self.transport_layout = QVBoxLayout(self.transport_slot)
        self.transport_layout.setContentsMargins(0, 0, 0, 0)
        self.transport = TransportBar(self.session, clock=self._clock)
        self.transport_layout.addWidget(self.transport)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.setSpacing(6)
        layout.addWidget(self.message_bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.transport_slot)
        self.setCentralWidget(central)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = QAction("&Open…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.setStatusTip("Add a podcast page or an episode's show notes")
        self.open_action.triggered.connect(self.choose_sources)
        file_menu.addAction(self.open_action)
        self.open_audio_action = QAction("Open &audio file…", self)
        self.open_audio_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.open_audio_action.setStatusTip("Play an audio file (or drop one on the window)")
        self.open_audio_action.triggered.connect(self.choose_audio_file)
        file_menu.addAction(self.open_audio_action)
        self.open_url_action = QAction("Open &URL…", self)
        self.open_url_action.setShortcut(QKeySequence("Ctrl+L"))
        self.open_url_action.setStatusTip("Play audio from an http(s) address")
        self.open_url_action.triggered.connect(self.choose_url)
        file_menu.addAction(self.open_url_action)
        file_menu.addSeparator()
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        playback_menu = self.menuBar().addMenu("&Playback")
        for action in self.transport.actions():
            playback_menu.addAction(action)
            if action in (self.transport.play_action, self.transport.forward_action):
                playback_menu.addSeparator()
        playback_menu.addSeparator()
        self.locate_action = QAction("&Locate audio…", self)
        self.locate_action.setStatusTip("Attach an audio file to the selected episode")
        self.locate_action.triggered.connect(self.locate_audio_file)
        playback_menu.addAction(self.locate_action)

        help_menu = self.menuBar().addMenu("&Help")
        self.about_action = QAction(f"&About {APP_NAME}", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def _connect_playback(self) -> None:
        self.player.error_occurred.connect(self._on_player_error)
        self.player.state_changed.connect(self._on_player_state)
        self.session.chapter_changed.connect(self._on_playing_chapter_changed)
        self.session.episode_changed.connect(self._on_playing_episode_changed)
        self.transport.error_occurred.connect(self.show_message)
        self.transport.play_requested.connect(self.play_selected_episode)

    def _build_status_bar(self) -> None:
        self.busy_indicator = QProgressBar()
        self.busy_indicator.setRange(0, 0)  # indeterminate
        self.busy_indicator.setMaximumSize(QSize(120, 14))
        self.busy_indicator.setTextVisible(False)
        self.busy_indicator.hide()
        self.statusBar().addPermanentWidget(self.busy_indicator)

    # --- public API ---------------------------------------------------------------------

    def load_sources(self, paths: Sequence[Path]) -> None:
        """Parse each path on a worker; results arrive as ``podcast_loaded``/``load_failed``."""
        for path in paths:
            self.statusBar().showMessage(f"Loading {path.name}…")
            self.loader.load(path)

    def load_demo(self, notes: Path, audio: Path) -> None:
        """Add the bundled demo episode (``notes`` playing ``audio``) and select it when it
        arrives, whatever else loads meanwhile."""
        from podplayer.ui.loader import load_demo

        self._preferred_url = notes.resolve().as_uri()
        self.statusBar().showMessage("Loading the demo episode…")
        self.loader.load(notes, lambda path: load_demo(path, audio))

    def add_podcast(self, podcast: Podcast, select: bool = True) -> None:
        """Add ``podcast``, replacing one with the same URL, and select it if ``select``.
        Audio located earlier for its episodes is attached."""
        podcast = self._with_attachments(podcast)
        rows = list(self.podcast_model.items())
        row = self.podcast_model.row_of(podcast.url) if podcast.url else -1
        current = self.current_podcast()
        episode_row = self.episode_view.currentIndex().row()
        if row >= 0:
            rows[row] = podcast
        else:
            rows.append(podcast)
            row = len(rows) - 1
        self.podcast_model.set_items(rows)
        self.podcast_stack.set_empty(False)
        if select or current is None:
            self._select_row(self.podcast_view, self.podcast_model.index(row, 0))
        else:
            # A reset model forgets the selection: put it back where the user left it.
            keep = self.podcast_model.row_of(current.url)
            self._select_row(self.podcast_view, self.podcast_model.index(max(keep, 0), 0))
            if episode_row >= 0 and keep == row:
                self._select_row(self.episode_view, self.episode_model.index(episode_row, 1))

    def set_playback_unavailable(self, reason: str) -> None:
        """Browse-only mode: the transport bar is disabled and ``reason`` is shown."""
        self._playback_unavailable = reason
        self.transport.set_unavailable(reason)
        self.play_episode_button.setEnabled(False)
        self.show_message(f"Playback is not available. {reason[:1].upper()}{reason[1:]}.")

    def play_chapter(self, episode: Episode, index: int) -> bool:
        """Play ``episode`` from chapter ``index``, loading it if needed. False (and a message)
        when it can't: no audio, playback unavailable, a refused source."""
        if not self._can_play(episode):
            return False
        try:
            if self.session.episode != episode:
                self.session.set_episode(episode)
            self.session.play_chapter(index)
        except (PlaybackError, IndexError) as exc:
            self.show_message(str(exc))
            return False
        return True

    @Slot()
    def play_selected_episode(self) -> None:
        """Play the selected episode: resume it if it is the one loaded, else from the start."""
        episode = self.current_episode()
        if episode is None or not self._can_play(episode):
            if episode is None:
                self.show_message("Select an episode to play", "info")
            return
        try:
            if self.session.episode == episode and self.player.source is not None:
                if self.player.state is not PlayerState.PLAYING:
                    self.player.play()
            else:
                self.session.open(episode)
        except PlaybackError as exc:
            self.show_message(str(exc))

    def attach_audio(self, source: str) -> bool:
        """Attach ``source`` (a local file or an http(s) URL) to the selected episode, remember
        it across restarts and show it. False, with a message, when it is refused."""
        podcast, episode = self.current_podcast(), self.current_episode()
        if podcast is None or episode is None:
            self.show_message("Select an episode first, then locate its audio")
            return False
        source = source.strip()
        if is_web_url(source):
            updated = replace(episode, audio_url=source, local_path=None)
        else:
            path = Path(source).expanduser()
            if not path.is_file():
                self.show_message(f"Could not use “{path.name}”: the file does not exist")
                return False
            updated = replace(episode, local_path=str(path.resolve()))
        try:
            self.attachments.set(attachment_key(podcast.url, episode.guid), updated.audio or "")
        except LibraryError as exc:
            self.show_message(str(exc))
        self._replace_episode(podcast, episode, updated)
        if self.session.episode is not None and self.session.episode.guid == episode.guid:
            self.session.set_episode(updated)
        self.show_message(
            f"Audio for “{episode.title}”: {display_name(updated.audio or '')}. "
            "Click a chapter to play from there.",
            "info",
        )
        return True

    @Slot()
    def locate_audio_file(self) -> None:
        episode = self.current_episode()
        if episode is None:
            self.show_message("Select an episode first, then locate its audio")
            return
        path, _ = QFileDialog.getOpenFileName(
            self, f"Locate the audio of “{episode.title}”", "", AUDIO_FILTER
        )
        if path:
            self.attach_audio(path)

    @Slot()
    def locate_audio_url(self) -> None:
        episode = self.current_episode()
        if episode is None:
            self.show_message("Select an episode first, then locate its audio")
            return
        url, ok = QInputDialog.getText(
            self, "Locate audio", f"Web address (http or https) of “{episode.title}”:"
        )
        if ok and url.strip():
            if not is_web_url(url.strip()):
                self.show_message(_refused_url_message(url))
                return
            self.attach_audio(url)

    def open_audio_file(self, path: Path) -> None:
        """Add an audio file as an episode (with its tag chapters) and play it once loaded."""
        self._autoplay.add(path)
        self.statusBar().showMessage(f"Opening {path.name}…")
        self.loader.load(path, load_audio_file)

    def open_url(self, url: str) -> bool:
        """Play audio from an http(s) ``url``; anything else is refused with a message."""
        url = url.strip()
        if not is_web_url(url):
            self.show_message(_refused_url_message(url))
            return False
        parts = urlsplit(url)
        name = unquote(Path(parts.path).name) or parts.netloc
        episode = Episode(guid=url, number=None, title=name, audio_url=url)
        podcast = Podcast(url=url, title=parts.netloc, episodes=(episode,))
        self.add_podcast(podcast)
        if self._can_play(episode):
            try:
                self.session.open(episode)
            except PlaybackError as exc:
                self.show_message(str(exc))
                return False
        return True

    @Slot()
    def choose_audio_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open an audio file", "", AUDIO_FILTER)
        if path:
            self.open_audio_file(Path(path))

    @Slot()
    def choose_url(self) -> None:
        url, ok = QInputDialog.getText(self, "Open URL", "Address of the audio (http or https):")
        if ok and url.strip():
            self.open_url(url)

    def current_podcast(self) -> Podcast | None:
        obj = self.podcast_view.currentIndex().data(Role.OBJECT)
        return obj if isinstance(obj, Podcast) else None

    def current_episode(self) -> Episode | None:
        obj = self.episode_view.currentIndex().data(Role.OBJECT)
        return obj if isinstance(obj, Episode) else None

    def show_message(self, text: str, kind: str = "error") -> None:
        """A non-modal message above the lists; ``kind`` is "error" or "info"."""
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

    @Slot()
    def choose_sources(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Open show notes or a podcast page", "", SOURCE_FILTER
        )
        self.load_sources([Path(p) for p in paths])

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>A podcast player built around chapters.</p>"
            "<p>Licensed under the GNU GPL, version 3 or later.</p>",
        )

    # --- reactions ----------------------------------------------------------------------

    @Slot(object, object)
    def _on_loaded(self, path: Path, podcast: Podcast) -> None:
        podcast = self._with_attachments(podcast)
        preferred = self._preferred_url
        present = preferred is not None and self.podcast_model.row_of(preferred) >= 0
        self.add_podcast(podcast, select=not present or podcast.url == preferred)
        if path in self._autoplay:
            self._autoplay.discard(path)
            episode = self.current_episode()
            if episode is not None and self._can_play(episode):
                try:
                    self.session.open(episode)
                except PlaybackError as exc:
                    self.show_message(str(exc))
        count = len(podcast.episodes)
        log.info("Loaded %s: %d episodes", path, count)
        self.statusBar().showMessage(
            f"Loaded {podcast.title or path.name}: {count} episode{'' if count == 1 else 's'}",
            5000,
        )
        self.podcast_loaded.emit(podcast)

    @Slot(object, str)
    def _on_failed(self, path: Path, message: str) -> None:
        log.warning("Could not load %s: %s", path, message)
        self._autoplay.discard(path)
        self.show_message(message)
        self.load_failed.emit(path, message)

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:
        self.busy_indicator.setVisible(busy)
        if not busy and self.statusBar().currentMessage().startswith("Loading "):
            self.statusBar().clearMessage()

    @Slot(QModelIndex, QModelIndex)
    def _on_podcast_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        podcast = current.data(Role.OBJECT)
        episodes = podcast.episodes if isinstance(podcast, Podcast) else ()
        self.episode_model.set_items(episodes)
        playing = self.session.episode
        self.episode_model.set_current_guid(playing.guid if playing is not None else None)
        self.episode_stack.set_empty(not episodes)
        if episodes:
            self._select_row(self.episode_view, self.episode_model.index(0, 1))
        else:
            self._show_episode(None)

    @Slot(QModelIndex, QModelIndex)
    def _on_episode_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        episode = current.data(Role.OBJECT)
        self._show_episode(episode if isinstance(episode, Episode) else None)

    @Slot(QModelIndex)
    def _on_chapter_activated(self, index: QModelIndex) -> None:
        chapter = index.data(Role.OBJECT)
        episode = self.current_episode()
        if not isinstance(chapter, Chapter) or episode is None:
            return
        row, when = self._last_chapter_request
        now = self._clock()
        self._last_chapter_request = (index.row(), now)
        if row == index.row() and now - when < 0.5:
            return
        self.statusBar().showMessage(f"{format_ms(chapter.start_ms)}  {chapter.title}", 3000)
        self.chapter_activated.emit(episode, chapter)
        self.play_chapter(episode, index.row())

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
        self.episode_model.set_current_guid(episode.guid if isinstance(episode, Episode) else None)
        self._show_current_chapter(scroll=False)

    def _show_current_chapter(self, scroll: bool) -> None:
        """Mark the chapter being played when the shown episode is the one playing."""
        shown = self.current_episode()
        playing = self.session.episode
        same = shown is not None and playing is not None and shown.guid == playing.guid
        row = self.session.current_chapter if same else -1
        self.chapter_model.set_current(row)
        if row >= 0 and scroll:
            self.chapter_view.scrollTo(
                self.chapter_model.index(row, 1), QAbstractItemView.ScrollHint.EnsureVisible
            )

    def _can_play(self, episode: Episode) -> bool:
        if self._playback_unavailable is not None:
            self.show_message(f"Playback is not available: {self._playback_unavailable}")
            return False
        if episode.audio is None:
            self.show_message(
                f"“{episode.title}” has no audio yet. Use “Locate audio…” above the chapters "
                "to choose its file or web address.",
                "info",
            )
            self.locate_button.setFocus()
            return False
        return True

    def _with_attachments(self, podcast: Podcast) -> Podcast:
        episodes = []
        changed = False
        for episode in podcast.episodes:
            source = self.attachments.get(attachment_key(podcast.url, episode.guid))
            if source and episode.audio is None:
                changed = True
                if is_web_url(source):
                    episodes.append(replace(episode, audio_url=source))
                else:
                    episodes.append(replace(episode, local_path=source))
            else:
                episodes.append(episode)
        return replace(podcast, episodes=tuple(episodes)) if changed else podcast

    def _replace_episode(self, podcast: Podcast, old: Episode, new: Episode) -> None:
        episodes = tuple(new if e is old or e == old else e for e in podcast.episodes)
        row = self.episode_view.currentIndex().row()
        self.add_podcast(replace(podcast, episodes=episodes))
        if row >= 0:
            self._select_row(self.episode_view, self.episode_model.index(row, 1))

    # --- drag and drop ------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if _dropped_sources(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]  # noqa: N802
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        sources = _dropped_sources(event.mimeData().urls())
        if not sources:
            event.ignore()
            return
        event.acceptProposedAction()
        notes: list[Path] = []
        for source in sources:
            if isinstance(source, str):
                self.open_url(source)
            elif source.suffix.lower() in AUDIO_SUFFIXES:
                self.open_audio_file(source)
            else:
                notes.append(source)
        self.load_sources(notes)

    @Slot(QModelIndex)
    def _on_link_activated(self, index: QModelIndex) -> None:
        url = index.data(Role.URL)
        if isinstance(url, str):
            self.open_link(url)

    def _show_episode(self, episode: Episode | None) -> None:
        self._show_audio(episode)
        if episode is None:
            self.episode_title.setText("")
            self.episode_info.setText("")
            self.chapter_model.set_items(())
            self.link_model.set_items(())
            self.chapter_stack.set_empty(True, NO_EPISODE if self.podcast_model.rowCount() else "")
            self.link_stack.set_empty(True, "")
            self.chapters_caption.setText("Chapters")
            self.links_caption.setText("Links")
            return
        self.episode_title.setText(episode.title)
        self.episode_info.setText(_episode_info(episode))
        self.chapter_model.set_items(episode.chapters, episode.duration_ms)
        self.link_model.set_items(episode.links)
        self.chapter_stack.set_empty(not episode.chapters, NO_CHAPTERS)
        self.link_stack.set_empty(not episode.links, NO_LINKS)
        self.chapters_caption.setText(_chapters_caption(episode.chapters))
        self.links_caption.setText(f"Links ({len(episode.links)})" if episode.links else "Links")
        self._show_current_chapter(scroll=True)

    def _show_audio(self, episode: Episode | None) -> None:
        self.episode_actions.setVisible(episode is not None)
        self.locate_action.setEnabled(episode is not None)
        if episode is None:
            return
        has_audio = episode.audio is not None
        self.play_episode_button.setVisible(has_audio)
        self.play_episode_button.setEnabled(self._playback_unavailable is None)
        self.locate_button.setVisible(not has_audio)
        if has_audio:
            self.audio_label.setText(display_name(episode.audio or ""))
            self.audio_label.setToolTip(episode.audio or "")
        else:
            self.audio_label.setText("No audio yet: choose its file or web address to play it")
            self.audio_label.setToolTip("")

    def _select_row(self, view: QAbstractItemView, index: QModelIndex) -> None:
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        view.selectionModel().setCurrentIndex(index, flags)
        view.scrollTo(index)


def _refused_url_message(url: str) -> str:
    shown = url.strip() if len(url.strip()) <= 60 else url.strip()[:59] + "…"
    scheme = urlsplit(url.strip()).scheme
    why = f"not {scheme}:" if scheme and len(scheme) > 1 else "and this is not one"
    return f"Not opened: only http(s) addresses can be played, {why} ({shown})"


def _dropped_sources(urls: Sequence[QUrl]) -> list[Path | str]:
    """Local files podplayer can open and http(s) addresses, from a drop's URLs."""
    sources: list[Path | str] = []
    for url in urls:
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in AUDIO_SUFFIXES | NOTES_SUFFIXES:
                sources.append(path)
        elif url.scheme().lower() in ("http", "https"):
            sources.append(url.toString())
    return sources


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


def _section(caption: QLabel, body: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    layout.addWidget(caption)
    layout.addWidget(body, 1)
    return box


def _episode_info(episode: Episode) -> str:
    parts = []
    if episode.number is not None:
        parts.append(f"Episode {episode.number}")
    if episode.published is not None:
        parts.append(episode.published.strftime("%-d %B %Y"))
    if episode.duration_ms is not None:
        parts.append(format_ms(episode.duration_ms))
    count = len(episode.chapters)
    parts.append(f"{count} chapter{'' if count == 1 else 's'}" if count else "no chapters")
    text = " · ".join(parts)
    return text[:1].upper() + text[1:]


def _chapters_caption(chapters: tuple[Chapter, ...]) -> str:
    if not chapters:
        return "Chapters"
    source = _SOURCE_NAMES.get(chapters[0].source, chapters[0].source)
    return f"Chapters ({len(chapters)}, from {source})"
