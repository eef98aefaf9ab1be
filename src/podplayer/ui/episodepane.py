"""The episode pane: the selected episode's title, artwork and actions (play, locate audio,
download), its chapters (with the source they come from) and its notes, links and transcript.
Widgets only: models and the notes' image fetcher come through the constructor, the window
connects signals (the transcript's: ui/transcripting.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QImage, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from podplayer.core.fetch import is_web_url
from podplayer.core.model import Chapter, ChapterSource, Episode
from podplayer.core.timecode import format_ms
from podplayer.core.transcripts import Transcript
from podplayer.playback.base import display_name
from podplayer.ui.models import ChapterTableModel, LinkListModel
from podplayer.ui.notespane import NotesPane
from podplayer.ui.transcriptpane import TranscriptPane
from podplayer.ui.widgets import (
    EmptyStateStack,
    TwoLineDelegate,
    caption,
    fit_column,
    section,
    table,
)

NO_EPISODE = "Select an episode to see its chapters and links."
NO_CHAPTERS = "No chapters found in this episode's notes."
NO_LINKS = "No links found in this episode's notes."
DERIVE_CHAPTERS = "Chapters from the transcript"
TRANSCRIPT_TAB = 2

SOURCE_SHORT: dict[str, str] = {
    ChapterSource.TAGS: "Audio file tags",
    ChapterSource.JSON: "Chapter file (JSON)",
    ChapterSource.PSC: "Feed chapter marks",
    ChapterSource.SHOWNOTES: "Show notes",
    ChapterSource.USER: "Your marks",
    ChapterSource.TRANSCRIPT: "From the transcript",
}

_SOURCE_NAMES: dict[str, str] = {
    ChapterSource.TAGS: "the audio file's tags",
    ChapterSource.JSON: "the feed's chapter file",
    ChapterSource.PSC: "the feed's chapter marks",
    ChapterSource.SHOWNOTES: "the show notes",
    ChapterSource.USER: "your own marks",
    ChapterSource.TRANSCRIPT: "the transcript",
}


def episode_info(episode: Episode) -> str:
    """ "Episode 2 · 3 May 2024 · 35:00 · 3 chapters"."""
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


def chapters_caption(chapters: tuple[Chapter, ...]) -> str:
    if not chapters:
        return "Chapters"
    source = _SOURCE_NAMES.get(chapters[0].source, chapters[0].source)
    return f"Chapters ({len(chapters)}, from {source})"


class EpisodePane(QWidget):
    """Shows one episode (``show_episode``); its buttons, views and notes pane are attributes
    the window connects to."""

    def __init__(
        self,
        chapters: ChapterTableModel,
        links: LinkListModel,
        fetch_image: Callable[[str], bytes],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.chapter_model = chapters
        self.link_model = links
        self._build_heading()
        self._build_actions()
        self._build_lists(fetch_image)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 0, 0)
        layout.setSpacing(4)
        title_row = QHBoxLayout()
        title_row.setSpacing(10)
        title_row.addWidget(self.artwork_label, 0, Qt.AlignmentFlag.AlignTop)
        heading = QVBoxLayout()
        heading.setSpacing(2)
        heading.addWidget(self.episode_title)
        heading.addWidget(self.episode_info)
        heading.addStretch(1)
        title_row.addLayout(heading, 1)
        layout.addLayout(title_row)
        layout.addWidget(self.episode_actions)
        layout.addSpacing(4)
        layout.addWidget(self.right_splitter, 1)

    def _build_heading(self) -> None:
        self.episode_title = QLabel()
        self.episode_title.setWordWrap(True)
        self.episode_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title_font = QFont(self.episode_title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self.episode_title.setFont(title_font)
        self.episode_info = QLabel()
        self.episode_info.setWordWrap(True)
        self.artwork_label = QLabel()
        self.artwork_label.setObjectName("episodeArtwork")
        side = self.fontMetrics().height() * 4
        self.artwork_label.setFixedSize(side, side)
        self.artwork_label.setScaledContents(True)
        self.artwork_label.setAccessibleName("Podcast artwork")
        self.artwork_label.hide()

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.play_episode_button = QPushButton("Play episode")
        self.play_episode_button.setIcon(self.style().standardIcon(sp.SP_MediaPlay))
        self.play_episode_button.setToolTip("Play this episode from the start (Space plays/pauses)")
        self.locate_button = QPushButton("Locate audio…")
        self.locate_button.setObjectName("locateAudio")
        bold = QFont(self.locate_button.font())
        bold.setBold(True)
        self.locate_button.setFont(bold)
        self.locate_button.setIcon(self.style().standardIcon(sp.SP_DialogOpenButton))
        self.locate_button.setToolTip(
            "This episode came without audio: choose its file or enter its web address"
        )
        self.locate_menu = QMenu(self.locate_button)
        self.locate_button.setMenu(self.locate_menu)
        self.audio_label = QLabel()
        self.audio_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.audio_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.download_button = QPushButton("Download")
        self.download_button.setIcon(self.style().standardIcon(sp.SP_ArrowDown))
        self.download_button.setToolTip("Keep a copy of this episode for listening offline")
        self.download_bar = QProgressBar()
        self.download_bar.setMaximumWidth(160)
        self.download_bar.setMaximumHeight(18)
        self.download_bar.hide()
        self.cancel_download_button = QPushButton("Cancel")
        self.cancel_download_button.setToolTip("Stop the download (it resumes where it stopped)")
        self.cancel_download_button.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        for widget in (
            self.play_episode_button,
            self.locate_button,
            self.download_button,
            self.download_bar,
            self.cancel_download_button,
        ):
            row.addWidget(widget)
        row.addWidget(self.audio_label, 1)
        self.episode_actions = QWidget()
        self.episode_actions.setLayout(row)

    def _build_lists(self, fetch_image: Callable[[str], bytes]) -> None:
        self.chapter_view = table(self.chapter_model)
        fit_column(self.chapter_view, 0, "0:00:00")
        self.chapter_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        fit_column(self.chapter_view, 2, "0:00:00")
        self.chapter_view.setAccessibleName("Chapters")
        self.chapter_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.chapter_model.current_icon = self.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaPlay
        )
        self.chapter_stack = EmptyStateStack(self.chapter_view, NO_CHAPTERS)

        self.notes_pane = NotesPane(fetch_image=fetch_image)
        self.notes_pane.setObjectName("notesPane")
        self.link_view = QListView()
        self.link_view.setModel(self.link_model)
        self.link_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.link_view.setItemDelegate(TwoLineDelegate(self.link_view))
        self.link_view.setAlternatingRowColors(True)
        self.link_view.setAccessibleName("Links")
        self.link_stack = EmptyStateStack(self.link_view, NO_LINKS)

        self.chapters_caption = caption("Chapters")
        self.links_caption = caption("Links")
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("chapterSource")
        self.source_combo.setToolTip("Where this chapter list comes from; choose another source")
        self.source_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.source_combo.hide()
        self.prefs_button = QPushButton("Skip rules…")
        self.prefs_button.setObjectName("podcastPrefsButton")
        self.prefs_button.setAccessibleName("Podcast settings: skip keywords, intro, speed")
        self.prefs_button.setToolTip(
            "Untick a chapter to skip it; here: words that skip chapters in every episode, "
            "skip intro/outro, speed and volume for this podcast"
        )
        head = QWidget()
        head_row = QHBoxLayout(head)
        head_row.setContentsMargins(0, 0, 0, 0)
        self.derive_chapters_button = QPushButton(DERIVE_CHAPTERS)
        self.derive_chapters_button.setObjectName("deriveChapters")
        self.derive_chapters_button.setToolTip(
            "This episode has no chapters: make them from its transcript's speaker turns and "
            "pauses (kept as a list of their own)"
        )
        self.derive_chapters_button.hide()
        head_row.addWidget(self.chapters_caption, 1)
        head_row.addWidget(self.derive_chapters_button)
        head_row.addWidget(self.source_combo)
        head_row.addWidget(self.prefs_button)

        self.notes_tabs = QTabWidget()
        self.notes_tabs.setObjectName("notesTabs")
        self.notes_tabs.setDocumentMode(True)
        self.notes_tabs.addTab(self.notes_pane, "Show notes")
        self.notes_tabs.addTab(self.link_stack, "Links")
        self.transcript_pane = TranscriptPane()
        self.transcript_pane.setObjectName("transcriptPane")
        self.notes_tabs.addTab(self.transcript_pane, "Transcript")
        self.notes_tabs.setTabEnabled(TRANSCRIPT_TAB, False)
        self.notes_tabs.setAccessibleName("Show notes, links and transcript")
        self.right_splitter = QSplitter(Qt.Orientation.Vertical)
        self.right_splitter.setChildrenCollapsible(False)
        self.right_splitter.addWidget(section(head, self.chapter_stack))
        self.right_splitter.addWidget(self.notes_tabs)
        self.right_splitter.setStretchFactor(0, 1)
        self.right_splitter.setStretchFactor(1, 1)
        # First start: the notes get a little more room than a short chapter list needs.
        self.right_splitter.setSizes([280, 340])

    # -- showing -----------------------------------------------------------------------------

    def show_episode(self, episode: Episode | None, listed: bool, allow_images: bool) -> None:
        """Show ``episode`` (None: nothing selected; ``listed`` tells whether there are
        podcasts to select from)."""
        self.source_combo.clear()
        self.source_combo.hide()
        if episode is None:
            self.episode_title.setText("")
            self.episode_info.setText("")
            self.chapter_model.set_items(())
            self.link_model.set_items(())
            self.chapter_stack.set_empty(True, NO_EPISODE if listed else "")
            self.link_stack.set_empty(True, "")
            self.chapters_caption.setText("Chapters")
            self.links_caption.setText("Links")
            self.notes_tabs.setTabText(1, "Links")
            self.notes_pane.set_notes(None)
            self.artwork_label.hide()
            self.prefs_button.setEnabled(False)
            return
        self.episode_title.setText(episode.title)
        self.episode_info.setText(episode_info(episode))
        self.chapter_model.set_items(episode.chapters, episode.duration_ms)
        # A new episode's list starts at its top, not at the last one's scroll offset.
        self.chapter_view.scrollToTop()
        self.link_model.set_items(episode.links)
        self.chapter_stack.set_empty(not episode.chapters, NO_CHAPTERS)
        self.link_stack.set_empty(not episode.links, NO_LINKS)
        self.chapters_caption.setText(chapters_caption(episode.chapters))
        links = f"Links ({len(episode.links)})" if episode.links else "Links"
        self.links_caption.setText(links)
        self.notes_tabs.setTabText(1, links)
        self.prefs_button.setEnabled(True)
        self.notes_pane.set_notes(
            episode.description, allow_images=allow_images, duration_ms=episode.duration_ms
        )

    def show_transcript_state(self, named: bool, transcript: Transcript | None) -> None:
        """The Transcript tab (enabled when the episode names a transcript) and "Chapters from
        the transcript", offered for a timed ``transcript`` while the list shown is empty."""
        self.notes_tabs.setTabEnabled(TRANSCRIPT_TAB, named)
        if not named and self.notes_tabs.currentIndex() == TRANSCRIPT_TAB:
            self.notes_tabs.setCurrentIndex(0)
        offer = transcript is not None and transcript.timed and not self.chapter_model.items()
        if offer and not self.derive_chapters_button.isVisible():
            self.derive_chapters_button.setText(DERIVE_CHAPTERS)
            self.derive_chapters_button.setEnabled(True)
        self.derive_chapters_button.setVisible(offer)

    def show_chapters(self, episode: Episode, chapters: tuple[Chapter, ...]) -> None:
        """Another chapter list (another source) for the shown ``episode``."""
        self.chapter_model.set_items(chapters, episode.duration_ms)
        self.chapter_stack.set_empty(not chapters, NO_CHAPTERS)
        self.chapters_caption.setText(chapters_caption(chapters))
        self.episode_info.setText(episode_info(replace(episode, chapters=chapters)))

    def show_sources(self, sources: list[str], counts: dict[str, int]) -> None:
        """The chapter sources to choose from, best first (the chooser hides for one)."""
        self.source_combo.blockSignals(True)
        self.source_combo.clear()
        for source in sources:
            self.source_combo.addItem(
                f"{SOURCE_SHORT.get(source, source)} ({counts[source]})", source
            )
        self.source_combo.blockSignals(False)
        self.source_combo.setVisible(len(sources) > 1)

    def show_audio(self, episode: Episode | None, playable: bool) -> None:
        """Play or Locate, and where the audio comes from; ``playable``: playback works."""
        self.episode_actions.setVisible(episode is not None)
        if episode is None:
            return
        has_audio = episode.audio is not None
        self.play_episode_button.setVisible(has_audio)
        self.play_episode_button.setEnabled(playable)
        self.locate_button.setVisible(not has_audio)
        if has_audio:
            self.audio_label.setText(display_name(episode.audio or ""))
            self.audio_label.setToolTip(episode.audio or "")
        else:
            self.audio_label.setText("No audio yet: choose its file or web address to play it")
            self.audio_label.setToolTip("")

    def show_download(
        self, episode: Episode | None, active: bool, progress: tuple[int, int | None]
    ) -> None:
        """The Download button, or the progress of a download running for ``episode``."""
        can = (
            episode is not None
            and not active
            and not episode.local_path
            and episode.audio_url is not None
            and is_web_url(episode.audio_url)
        )
        self.download_button.setVisible(can)
        self.download_bar.setVisible(active)
        self.cancel_download_button.setVisible(active)
        if active:
            done, total = progress
            if total:
                self.download_bar.setRange(0, 1000)
                self.download_bar.setValue(int(1000 * done / total))
            else:
                self.download_bar.setRange(0, 0)

    def show_artwork(self, image: QImage | None) -> None:
        if image is None:
            self.artwork_label.hide()
            return
        self.artwork_label.setPixmap(QPixmap.fromImage(image))
        self.artwork_label.show()
