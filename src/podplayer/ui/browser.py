"""The browser's behaviour: the podcast list and a podcast's episodes read on workers and
shown with the selection kept, search as you type, and what to run once the lists are shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QModelIndex, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QLineEdit

from podplayer.core.fetch import is_web_url
from podplayer.core.library import PlayState, SearchHit
from podplayer.core.model import Episode, Podcast
from podplayer.ui.browserpane import NO_RESULTS, EpisodesPane, PodcastsPane
from podplayer.ui.browsing import SEARCH_LIMIT, EpisodeList, LibraryBrowser, PodcastListing
from podplayer.ui.models import EpisodeTableModel, PodcastListModel, Role, SearchHitModel
from podplayer.ui.widgets import select_row

#: Typing in the search box waits this long (ms) for the next key before searching.
SEARCH_DELAY_MS = 150


class Browser(QObject):
    """Drives the podcast and episode panes over ``reader``.

    Signals: ``episode_shown(object)`` (the selected Episode or None), ``hit_activated(object)``
    (a SearchHit chosen), ``prefs_read(str, object)`` (a podcast's PodcastPrefs read with its
    episodes), ``error(str)``. ``playing_guid()`` names the episode marked as playing.
    """

    episode_shown = Signal(object)
    hit_activated = Signal(object)
    prefs_read = Signal(str, object)
    error = Signal(str)

    def __init__(  # noqa: PLR0917
        self,
        reader: LibraryBrowser,
        podcasts: PodcastsPane,
        episodes: EpisodesPane,
        models: tuple[PodcastListModel, EpisodeTableModel, SearchHitModel],
        search_box: QLineEdit,
        playing_guid: Callable[[], str | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.reader = reader
        self.podcast_model, self.episode_model, self.search_model = models
        self.podcast_view, self.podcast_stack = podcasts.view, podcasts.stack
        self.episode_view, self.search_view = episodes.episode_view, episodes.search_view
        self.episode_stack, self.search_stack = episodes.episode_stack, episodes.search_stack
        self.episode_area, self.episodes_caption = episodes.area, episodes.caption
        self.search_box = search_box
        self._playing_guid = playing_guid
        # What to select once the lists arrive, and what to do once they are shown.
        self._want_url: str | None = None
        self._want_guid: str | None = None
        self._shown_url: str | None = None
        self._focus_first_hit = False
        self._when_shown: list[Callable[[], None]] = []
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        reader.podcasts_loaded.connect(self._on_podcasts_loaded)
        reader.episodes_loaded.connect(self._on_episodes_loaded)
        reader.new_counts_loaded.connect(self.podcast_model.set_new_counts)
        reader.search_done.connect(self._on_search_done)
        reader.error.connect(self.error)
        reader.idle.connect(self._on_browser_idle)
        self.podcast_view.selectionModel().currentChanged.connect(self._on_podcast_changed)
        self.episode_view.selectionModel().currentChanged.connect(self._on_episode_changed)
        self.search_view.activated.connect(self._on_search_activated)
        self.search_view.doubleClicked.connect(self._on_search_activated)
        search_box.textChanged.connect(self.on_search_text)
        search_box.returnPressed.connect(self.on_search_return)

    @property
    def shown_url(self) -> str | None:
        """The podcast whose episodes are listed."""
        return self._shown_url

    def pending_selection(self) -> str | None:
        """The podcast a reload on its way will select."""
        return self._want_url

    def reload_podcasts(self, select: str | None = None, keep: str | None = None) -> None:
        """Read the podcast list from the library again (on a worker), then select ``select``
        (default: the selected podcast) and its episode ``keep`` (default: the selected one)."""
        current, episode = self.current_podcast(), self.current_episode()
        if select is None and current is not None:
            select, keep = current.url, keep or (episode.guid if episode else None)
        if select is not None:
            self._want_url, self._want_guid = select, keep
        # else: a selection asked for by a reload still on its way stays wanted
        self.reader.load_podcasts()

    def after_shown(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the lists being read are shown (at once when none is)."""
        if self.reader.busy:
            self._when_shown.append(callback)
        else:
            callback()

    @Slot()
    def _on_browser_idle(self) -> None:
        callbacks, self._when_shown = self._when_shown, []
        for callback in callbacks:
            callback()

    @Slot(object)
    def _on_podcasts_loaded(self, listing: PodcastListing) -> None:
        podcasts, statuses = listing.podcasts, listing.statuses
        want, keep = self._want_url, self._want_guid
        self._want_url = None
        # The reset must not pass for a change of podcast (the shown list stays until the
        # new one arrives).
        selection = self.podcast_view.selectionModel()
        selection.blockSignals(True)
        self.podcast_model.set_items(podcasts)
        selection.blockSignals(False)
        for podcast in podcasts:
            if self.podcast_model.status(podcast.url) is None:
                self.podcast_model.set_status(podcast.url, statuses.get(podcast.url))
        self.podcast_model.set_failing(listing.failing)
        self.podcast_model.set_new_counts(listing.new_counts)
        self.podcast_stack.set_empty(not podcasts)
        if want is not None and self.podcast_model.row_of(want) >= 0:
            self._want_guid = keep
            self.select_podcast(want)
        elif podcasts:
            self.select_podcast(podcasts[0].url)
        else:
            self._on_podcast_changed(QModelIndex(), QModelIndex())

    def select_podcast(self, url: str) -> bool:
        """Select the podcast at ``url`` (its episodes are shown); False when not listed."""
        row = self.podcast_model.row_of(url)
        if row < 0:
            return False
        index = self.podcast_model.index(row, 0)
        if self.podcast_view.currentIndex() == index:
            self._on_podcast_changed(index, index)
        else:
            select_row(self.podcast_view, index)
        return True

    def select_episode(self, guid: str) -> bool:
        """Select the shown podcast's episode ``guid`` (once its episodes are read); False
        when it is not listed."""
        if self.reader.busy:
            self._want_guid = guid
            return True
        row = self.episode_model.row_of(guid)
        if row < 0:
            return False
        select_row(self.episode_view, self.episode_model.index(row, 1))
        return True

    def current_podcast(self) -> Podcast | None:
        """The selected podcast with the episodes listed for it."""
        obj = self.podcast_view.currentIndex().data(Role.OBJECT)
        if not isinstance(obj, Podcast):
            return None
        return replace(obj, episodes=self.episode_model.items())

    def current_episode(self) -> Episode | None:
        obj = self.episode_view.currentIndex().data(Role.OBJECT)
        return obj if isinstance(obj, Episode) else None

    @Slot(QModelIndex, QModelIndex)
    def _on_podcast_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        podcast = current.data(Role.OBJECT)
        url = podcast.url if isinstance(podcast, Podcast) else None
        shown = self.episode_model.items()
        if url is None or not shown or self._shown_url != url:
            # Another podcast: its rows must not pass for this one's while they are read.
            self.episode_model.set_items(())
            self.episode_shown.emit(None)
        self.reader.load_episodes(url)

    @Slot(object)
    def _on_episodes_loaded(self, listing: EpisodeList) -> None:
        podcast = self.podcast_view.currentIndex().data(Role.OBJECT)
        url = podcast.url if isinstance(podcast, Podcast) else ""
        if listing.url != url:
            return
        if not listing.url:
            self.episode_model.set_items(())
            self.episodes_caption.setText("Episodes")
            self.episode_stack.set_empty(True)
            self.episode_shown.emit(None)
            return
        keep, self._want_guid = self._want_guid, None
        if listing.prefs is not None:
            self.prefs_read.emit(url, listing.prefs)
        shown = self.current_episode()
        keep = keep or (shown.guid if shown is not None and self._shown_url == url else None)
        self._shown_url = url
        episodes, new = listing.episodes, listing.new
        self.episode_model.set_items(episodes, listing.states, new, listing.downloads)
        count = len(episodes)
        self.episodes_caption.setText(
            f"Episodes ({count}, {len(new)} new)"
            if new
            else f"Episodes ({count})"
            if count
            else "Episodes"
        )
        self.episode_model.set_current_guid(self._playing_guid())
        self.episode_stack.set_empty(not episodes)
        row = self.episode_model.row_of(keep) if keep is not None else -1
        if episodes:
            select_row(self.episode_view, self.episode_model.index(max(row, 0), 1))
        else:
            self.episode_shown.emit(None)

    @Slot(QModelIndex, QModelIndex)
    def _on_episode_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        episode = current.data(Role.OBJECT)
        self.episode_shown.emit(episode if isinstance(episode, Episode) else None)

    @Slot(str)
    def on_search_text(self, text: str) -> None:
        if not text.strip():
            self._search_timer.stop()
            self.search_model.set_items(())
            self.episode_area.setCurrentWidget(self.episode_stack)
            self._on_podcast_caption()
            return
        self._search_timer.start()

    def _on_podcast_caption(self) -> None:
        count = self.episode_model.rowCount()
        self.episodes_caption.setText(f"Episodes ({count})" if count else "Episodes")

    @Slot()
    def _run_search(self) -> None:
        self.reader.search(self.search_box.text())

    @Slot(str, object)
    def _on_search_done(self, text: str, hits: list[SearchHit]) -> None:
        if text != self.search_box.text() or not text.strip():
            return
        self.search_model.set_items(hits)
        self.search_stack.set_empty(not hits, NO_RESULTS)
        self.episode_area.setCurrentWidget(self.search_stack)
        count = len(hits)
        self.episodes_caption.setText(
            f"Search: the best {count} results"
            if count >= SEARCH_LIMIT
            else f"Search: {count} result{'' if count == 1 else 's'}"
        )
        if self._focus_first_hit and hits:
            self._focus_first_hit = False
            self.search_view.setFocus()
            select_row(self.search_view, self.search_model.index(0, 1))

    @Slot()
    def on_search_return(self) -> None:
        self._search_timer.stop()
        self._focus_first_hit = True
        self._run_search()

    @Slot(QModelIndex)
    def _on_search_activated(self, index: QModelIndex) -> None:
        hit = index.data(Role.OBJECT)
        if isinstance(hit, SearchHit):
            self.hit_activated.emit(hit)

    def on_state_saved(self, url: str, guid: str, state: PlayState) -> None:
        """An episode's play state was stored: show it; a played episode is no longer new, so
        the podcast's new count is read again."""
        shown = self.current_podcast()
        was_new = self.podcast_model.new_count(url) > 0
        if shown is not None and shown.url == url:
            was_new = self.episode_model.is_new(guid)
            self.episode_model.set_state(guid, state)
        if was_new and (state.played or state.last_played is not None):
            self.reader.load_new_counts()

    def reload_episodes(self, url: str, keep: str | None = None) -> None:
        """Read the shown podcast's episodes again (after a change), keeping the selection."""
        podcast = self.current_podcast()
        if podcast is None or podcast.url != url:
            return
        shown = self.current_episode()
        keep = keep or (shown.guid if shown is not None else None)
        self.select_podcast(url)
        if keep is not None:
            self.select_episode(keep)

    def feed_urls(self) -> list[str]:
        """The subscribed podcasts that come from the web (they can be refreshed)."""
        return [p.url for p in self.podcast_model.items() if is_web_url(p.url)]

    def podcast_title(self, url: str) -> str:
        row = self.podcast_model.row_of(url)
        podcast = self.podcast_model.item(row) if row >= 0 else None
        return podcast.title if podcast is not None else ""
