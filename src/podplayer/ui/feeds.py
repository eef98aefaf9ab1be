"""The window's feed actions: subscribe (typed, pasted or handed over), refresh with a
progress bar and one summary, unsubscribe, mark seen, OPML in and out. The work itself runs in
:class:`~podplayer.ui.subscriptions.Subscriptions`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QTimer, Slot
from PySide6.QtGui import QGuiApplication

from podplayer.core.fetch import is_web_url
from podplayer.ui.entry import EntryKind, classify_entry, refused_url_message
from podplayer.ui.subscriptions import summary

if TYPE_CHECKING:
    from podplayer.core.feeds import FeedLink
    from podplayer.core.refresh import RefreshResult
    from podplayer.ui.mainwindow import MainWindow


class FeedActions(QObject):
    """What ``window`` does with feeds, over ``window.subscriptions``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        subscriptions = window.subscriptions
        subscriptions.status_changed.connect(window.podcast_model.set_status)
        subscriptions.progress.connect(self._on_refresh_progress)
        subscriptions.batch_finished.connect(self._on_batch_finished)
        subscriptions.removed.connect(self._on_unsubscribed)
        subscriptions.seen.connect(window.browse.reload_episodes)
        subscriptions.seen.connect(lambda _url: window.browser.load_new_counts())
        subscriptions.error.connect(window.show_message)
        # Asked once the batch that found the page has ended (no dialog inside its results).
        subscriptions.choices_offered.connect(
            lambda page, choices: QTimer.singleShot(0, partial(self._on_choices, page, choices))
        )
        subscriptions.opml_read.connect(self._on_opml_read)

    def subscribe(self, url: str) -> bool:
        """Subscribe to the feed at ``url`` in the background; False (and a message) for an
        address that is not http(s). The podcast is selected when it arrives."""
        url = url.strip()
        if not is_web_url(url):
            self.w.show_message(refused_url_message(url))
            return False
        if self.w.podcast_model.row_of(url) >= 0:
            self.w.select_podcast(url)
            self.refresh_feeds([url])
            return True
        self.w.opener.preferred_url = url
        self.w.subscriptions.subscribe([url])
        return True

    @Slot()
    def paste(self) -> None:
        """Ctrl+V outside a text field: subscribe to a pasted feed address (or play audio)."""
        text = QGuiApplication.clipboard().text().strip()
        if not text:
            return
        if len(text.split()) == 1 and classify_entry(text).kind in (
            EntryKind.FEED,
            EntryKind.AUDIO_URL,
        ):
            self.w.open_sources([text])
        else:
            self.w.show_message("Paste a feed address (http or https) to subscribe to it", "info")

    @Slot()
    def refresh_all(self) -> None:
        urls = self.w.feed_urls()
        if not urls:
            self.w.statusBar().showMessage("No podcast feeds to refresh", 5000)
            return
        self.refresh_feeds(urls)

    @Slot()
    def refresh_selected(self) -> None:
        podcast = self.w.current_podcast()
        if podcast is None or not is_web_url(podcast.url):
            self.w.show_message(
                "Only podcasts subscribed by their feed address can be refreshed", "info"
            )
            return
        self.refresh_feeds([podcast.url])

    def refresh_feeds(self, urls: Sequence[str]) -> None:
        """Fetch and store each feed on the worker pool (several at once); a progress bar counts
        them and one summary message lists the failures at the end (``refresh_finished``)."""
        self.w.subscriptions.refresh(urls)

    @Slot(int, int)
    def _on_refresh_progress(self, done: int, total: int) -> None:
        self.w.refresh_bar.setRange(0, total)
        self.w.refresh_bar.setValue(done)
        self.w.refresh_bar.setVisible(done < total)
        self.w.refresh_all_action.setEnabled(done >= total)

    @Slot(object)
    def _on_batch_finished(self, results: list[RefreshResult]) -> None:
        preferred = self.w.opener.preferred_url
        select = preferred if any(r.url == preferred and r.ok for r in results) else None
        if select is not None:
            self.w.opener.preferred_url = None
        self.w.reload_podcasts(select=select)
        text, kind = summary(results, self.w.browse.podcast_title)
        if kind == "error":
            self.w.show_message(text)
        elif text:
            self.w.statusBar().showMessage(text, 8000)
        self.w.after_shown(lambda: self.w.refresh_finished.emit(results))

    @Slot(str)
    def _on_unsubscribed(self, url: str) -> None:
        self.w.podcast_model.set_status(url, None)
        if self.w.browse.shown_url == url:
            self.w.podcast_view.setCurrentIndex(QModelIndex())
        self.w.reload_podcasts(
            select=None if self.w.browse.shown_url == url else self.w.browse.shown_url
        )

    @Slot()
    def mark_selected_seen(self) -> None:
        podcast = self.w.current_podcast()
        if podcast is not None:
            self.w.subscriptions.mark_seen(podcast.url)

    def import_opml(self, path: Path) -> None:
        """Subscribe to every feed listed in the OPML file at ``path`` not yet subscribed (the
        file is read on a worker; a message says how many are being added)."""
        self.w.subscriptions.import_opml(path, lambda: set(self.w.feed_urls()))

    @Slot(str, object)
    def _on_opml_read(self, name: str, urls: list[str]) -> None:
        if not urls:
            self.w.show_message(f"“{name}” lists no new subscriptions", "info")
        else:
            self.w.show_message(f"Subscribing to {len(urls)} podcasts from {name}…", "info")

    @Slot(str, object)
    def _on_choices(self, page: str, choices: tuple[FeedLink, ...]) -> None:
        """A page offers several feeds: the listener picks one (or none)."""
        from podplayer.ui import dialogs

        choice = dialogs.choose_feed(self.w, page, choices)
        if choice is not None:
            self.w.opener.preferred_url = choice.url
            self.w.subscriptions.subscribe([choice.url])
        else:
            self.w.statusBar().showMessage("No feed chosen: nothing was added", 8000)

    def export_opml(self, path: Path) -> bool:
        """Write the web subscriptions to ``path`` as OPML 2.0."""
        feeds = [(p.title, p.url) for p in self.w.podcast_model.items() if is_web_url(p.url)]
        try:
            self.w.subscriptions.export_opml(path, feeds)
        except OSError as exc:
            self.w.show_message(f"Could not write “{path.name}”: {exc.strerror or exc}")
            return False
        self.w.statusBar().showMessage(f"Exported {len(feeds)} subscriptions to {path}", 8000)
        return True
