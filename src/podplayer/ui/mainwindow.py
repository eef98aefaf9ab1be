"""The main window: podcasts | episodes | the selected episode's chapters and links."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QSize,
    Qt,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QDesktopServices, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QListView,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from podplayer import APP_NAME, __version__
from podplayer.core.model import Chapter, ChapterSource, Episode, Podcast
from podplayer.core.timecode import format_ms
from podplayer.ui.loader import SourceLoader
from podplayer.ui.models import (
    ChapterTableModel,
    EpisodeTableModel,
    LinkListModel,
    PodcastListModel,
    Role,
)
from podplayer.ui.widgets import EmptyStateStack, MessageBar, TwoLineDelegate

log = logging.getLogger(__name__)

OPENABLE_SCHEMES = frozenset({"http", "https", "mailto"})
SOURCE_FILTER = "Show notes and podcast pages (*.txt *.html *.htm);;All files (*)"

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
    """The first window. Loading goes through ``loader`` (a worker pool), never the GUI thread.

    Signals: ``podcast_loaded(Podcast)`` after a source was added or replaced,
    ``load_failed(Path, str)`` with the listener-facing message, and
    ``chapter_activated(Episode, Chapter)`` for the player that comes later.
    """

    podcast_loaded = Signal(object)
    load_failed = Signal(object, str)
    chapter_activated = Signal(object, object)

    def __init__(self, loader: SourceLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)
        self.resize(1200, 760)

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
        self._show_episode(None)

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

        self.chapter_view = _table(self.chapter_model)
        _fit_column(self.chapter_view, 0, "0:00:00")
        self.chapter_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        _fit_column(self.chapter_view, 2, "0:00:00")
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
        right_layout.addSpacing(6)
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

        # The transport bar (play, seek, chapter) goes into this slot once playback lands.
        self.transport_slot = QWidget()
        self.transport_slot.setObjectName("transportSlot")
        self.transport_layout = QVBoxLayout(self.transport_slot)
        self.transport_layout.setContentsMargins(0, 0, 0, 0)

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
        file_menu.addSeparator()
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        help_menu = self.menuBar().addMenu("&Help")
        self.about_action = QAction(f"&About {APP_NAME}", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

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

    def add_podcast(self, podcast: Podcast) -> None:
        """Add ``podcast``, replacing one with the same URL, and select it."""
        rows = list(self.podcast_model.items())
        row = self.podcast_model.row_of(podcast.url) if podcast.url else -1
        if row >= 0:
            rows[row] = podcast
        else:
            rows.append(podcast)
            row = len(rows) - 1
        self.podcast_model.set_items(rows)
        self.podcast_stack.set_empty(False)
        self._select_row(self.podcast_view, self.podcast_model.index(row, 0))

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
        self.add_podcast(podcast)
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
        if isinstance(chapter, Chapter) and episode is not None:
            self.statusBar().showMessage(f"{format_ms(chapter.start_ms)}  {chapter.title}", 3000)
            self.chapter_activated.emit(episode, chapter)

    @Slot(QModelIndex)
    def _on_link_activated(self, index: QModelIndex) -> None:
        url = index.data(Role.URL)
        if isinstance(url, str):
            self.open_link(url)

    def _show_episode(self, episode: Episode | None) -> None:
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

    def _select_row(self, view: QAbstractItemView, index: QModelIndex) -> None:
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        view.selectionModel().setCurrentIndex(index, flags)
        view.scrollTo(index)


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
