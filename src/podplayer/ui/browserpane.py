"""The browser: the podcast list, and beside it the selected podcast's episodes or the search
results. Widgets only; they are given their models and the window connects their signals."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListView,
    QStackedWidget,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from podplayer.ui.models import EpisodeTableModel, PodcastListModel, SearchHitModel
from podplayer.ui.widgets import EmptyStateStack, TwoLineDelegate, caption, fit_column, table

NO_PODCASTS = (
    "No podcasts yet.\n\nUse File → Add podcast… (or paste a feed address) to subscribe, "
    "or File → Open… to add a podcast page or an episode's show notes."
)
NO_RESULTS = "Nothing matches."
NO_EPISODES = "This podcast has no episodes."


def _column(head: QWidget, body: QWidget) -> QVBoxLayout:
    layout = QVBoxLayout()
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    layout.addWidget(head)
    layout.addWidget(body, 1)
    return layout


class PodcastsPane(QWidget):
    """The podcast list (``view``) over ``model``, with an empty state."""

    def __init__(self, model: PodcastListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = QListView()
        self.view.setModel(model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformItemSizes(True)
        self.view.setItemDelegate(TwoLineDelegate(self.view))
        self.view.setAccessibleName("Podcasts")
        model.failing_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.stack = EmptyStateStack(self.view, NO_PODCASTS)
        self.stack.set_empty(True)
        self.setLayout(_column(caption("Podcasts"), self.stack))


class EpisodesPane(QWidget):
    """The shown podcast's episodes (``episode_view``), or search results (``search_view``)
    while a search is typed; ``caption`` says which and how many."""

    def __init__(
        self,
        episodes: EpisodeTableModel,
        hits: SearchHitModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.episode_view = table(episodes)
        fit_column(self.episode_view, 0, "000")
        self.episode_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # Not ResizeToContents: that asks all rows for their text (400 of them, 40 ms) on show.
        fit_column(self.episode_view, 2, "⤓ 00:00:00 left")
        self.episode_view.setAccessibleName("Episodes")
        episodes.current_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MediaVolume)

        self.search_view: QTableView = table(hits)
        fit_column(self.search_view, 0, "0:00:00")
        self.search_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.search_view.setColumnWidth(2, 160)
        self.search_view.setAccessibleName("Search results")

        self.episode_stack = EmptyStateStack(self.episode_view, NO_EPISODES)
        self.episode_stack.set_empty(True, "")
        self.search_stack = EmptyStateStack(self.search_view, NO_RESULTS)
        self.area = QStackedWidget()
        self.area.addWidget(self.episode_stack)
        self.area.addWidget(self.search_stack)
        self.caption = caption("Episodes")
        self.setLayout(_column(self.caption, self.area))

    def show_search(self, searching: bool) -> None:
        self.area.setCurrentWidget(self.search_stack if searching else self.episode_stack)
