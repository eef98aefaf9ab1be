"""The window's dialogs: choosing files, folders and addresses, confirming an unsubscribe,
a podcast's settings, About. Each asks, then hands the answer to the window."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from podplayer import APP_NAME, __version__
from podplayer.core.fetch import is_web_url
from podplayer.ui.entry import refused_url_message

if TYPE_CHECKING:
    from podplayer.core.feeds import FeedLink
    from podplayer.ui.mainwindow import MainWindow

SOURCE_FILTER = "Show notes and podcast pages (*.txt *.html *.htm);;All files (*)"
OPML_FILTER = "OPML subscription lists (*.opml *.xml);;All files (*)"


@cache
def audio_suffixes() -> frozenset[str]:
    from podplayer.core.sources import AUDIO_SUFFIXES

    return AUDIO_SUFFIXES


def _audio_filter() -> str:
    suffixes = " ".join(f"*{suffix}" for suffix in sorted(audio_suffixes()))
    return f"Audio files ({suffixes});;All files (*)"


def choose_feed(parent: QWidget, page: str, choices: Sequence[FeedLink]) -> FeedLink | None:
    """Which of the feeds a web page offers to subscribe to; None when the listener declines."""
    labels = [
        f"{link.title or link.url}  ({'Atom' if 'atom' in link.type else 'RSS'})"
        for link in choices
    ]
    label, ok = QInputDialog.getItem(
        parent,
        "Choose a feed",
        f"{page} offers {len(choices)} podcast feeds. Subscribe to:",
        labels,
        0,
        False,
    )
    if not ok or label not in labels:
        return None
    return choices[labels.index(label)]


def ask_delete_downloads(parent: QWidget, title: str, count: int) -> bool | None:
    """Unsubscribing from a podcast with ``count`` downloaded episodes: True deletes the
    files, False keeps them, None cancels."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Unsubscribe")
    box.setText(
        f"Unsubscribe from “{title}”? Its episodes, play positions and chapter lists are "
        f"removed from the library. {count} downloaded episode{'' if count == 1 else 's'} "
        "can be deleted too, or kept on disk."
    )
    delete = box.addButton("Unsubscribe and &delete files", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("Unsubscribe, &keep files", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    return True if clicked is delete else False if clicked is keep else None


class WindowDialogs(QObject):
    """The dialogs of ``window`` (its parent)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window

    @Slot()
    def locate_audio_file(self) -> None:
        episode = self.w.current_episode()
        if episode is None:
            self.w.show_message("Select an episode first, then locate its audio")
            return
        path, _ = QFileDialog.getOpenFileName(
            self.w, f"Locate the audio of “{episode.title}”", "", _audio_filter()
        )
        if path:
            self.w.attach_audio(path)

    @Slot()
    def locate_audio_url(self) -> None:
        episode = self.w.current_episode()
        if episode is None:
            self.w.show_message("Select an episode first, then locate its audio")
            return
        url, ok = QInputDialog.getText(
            self.w, "Locate audio", f"Web address (http or https) of “{episode.title}”:"
        )
        if ok and url.strip():
            if not is_web_url(url.strip()):
                self.w.show_message(refused_url_message(url))
                return
            self.w.attach_audio(url)

    @Slot()
    def choose_audio_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Open an audio file", "", _audio_filter())
        if path:
            self.w.open_audio_file(Path(path))

    @Slot()
    def choose_url(self) -> None:
        url, ok = QInputDialog.getText(self.w, "Open URL", "Address of the audio (http or https):")
        if ok and url.strip():
            self.w.open_url(url)

    @Slot()
    def choose_sources(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.w, "Open show notes or a podcast page", "", SOURCE_FILTER
        )
        self.w.load_sources([Path(p) for p in paths])

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(
            self.w,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>A podcast player built around chapters.</p>"
            "<p>Licensed under the GNU GPL, version 3 or later.</p>",
        )

    @Slot()
    def choose_feed_url(self) -> None:
        url, ok = QInputDialog.getText(
            self.w, "Add podcast", "Feed address (http or https) of the podcast:"
        )
        if ok and url.strip():
            self.w.subscribe(url)

    @Slot()
    def unsubscribe_selected(self) -> None:
        """Forget the selected podcast after asking; when it has downloads, whether to delete
        the files too."""
        podcast = self.w.current_podcast()
        if podcast is None:
            return
        shown = self.w.browse.shown_url == podcast.url
        count = len(self.w.episode_model.downloads()) if shown else 0
        if count:
            delete = ask_delete_downloads(self.w, podcast.title or podcast.url, count)
            if delete is None:
                return
            self.w.subscriptions.unsubscribe(podcast.url, delete_downloads=delete)
            self.w.statusBar().showMessage(f"Unsubscribed from {podcast.title}", 5000)
            return
        answer = QMessageBox.question(
            self.w,
            "Unsubscribe",
            f"Unsubscribe from “{podcast.title or podcast.url}”? Its episodes, play positions "
            "and chapter lists are removed from the library.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.w.subscriptions.unsubscribe(podcast.url)
        self.w.statusBar().showMessage(f"Unsubscribed from {podcast.title}", 5000)

    @Slot()
    def choose_audio_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.w, "Add audio files", "", _audio_filter())
        self.w.add_audio_files([Path(p) for p in paths])

    @Slot()
    def choose_opml_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Import subscriptions", "", OPML_FILTER)
        if path:
            self.w.import_opml(Path(path))

    @Slot()
    def choose_opml_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.w, "Export subscriptions", f"{APP_NAME}-subscriptions.opml", OPML_FILTER
        )
        if path:
            self.w.export_opml(Path(path))

    @Slot()
    def choose_downloads_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.w, "Folder for downloaded episodes", str(self.w.downloads_dir())
        )
        if folder:
            self.w.set_setting("downloads_dir", folder)

    @Slot()
    def edit_podcast_prefs(self) -> None:
        """The settings dialog of the selected podcast."""
        from podplayer.ui.podcastprefs import PodcastPrefsDialog

        podcast = self.w.current_podcast()
        if podcast is None:
            self.w.show_message("Select a podcast first", "info")
            return
        dialog = PodcastPrefsDialog(podcast.title, self.w.podcast_prefs(podcast.url), self.w)
        if dialog.exec():
            self.w.set_podcast_prefs(podcast.url, dialog.prefs())
