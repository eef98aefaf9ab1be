"""The window's download actions: the Download, Cancel and Delete buttons and menu items, the
progress shown for the selected episode, and the messages when a download ends. The work runs
in :class:`~podplayer.ui.downloading.Downloads`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from podplayer.core.library import Library
from podplayer.core.model import Episode, Podcast

if TYPE_CHECKING:
    from podplayer.ui.mainwindow import MainWindow


class DownloadActions(QObject):
    """What ``window`` shows and does about downloads."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window

    def downloads_dir(self, library: Library | None = None) -> Path:
        """The folder the listener chose, else the data folder's downloads folder (read from
        ``library``: a worker's connection; the window's own when None)."""
        from podplayer.core.downloads import downloads_folder
        from podplayer.core.paths import app_paths

        chosen = (library or self.w.library).setting("downloads_dir")
        return downloads_folder(chosen if isinstance(chosen, str) else None, app_paths())

    @Slot()
    def download_selected(self) -> None:
        podcast, episode = self.w.current_podcast(), self.w.current_episode()
        if podcast is not None and episode is not None:
            self.download(podcast, episode)

    def download(self, podcast: Podcast, episode: Episode) -> bool:
        """Download the episode's audio in the background (resuming a part left earlier);
        when done the library plays the local copy. False when there is nothing to fetch."""
        if not self.w.downloads.start(podcast, episode):
            return False
        self.show_download(episode)
        return True

    def cancel_download(self, guid: str) -> None:
        self.w.downloads.cancel(guid)

    def delete_download(self, episode: Episode) -> None:
        podcast = self.w._podcast_of(episode)
        if podcast is not None:
            self.w.downloads.delete(podcast.url, episode)

    @Slot()
    def delete_selected_download(self) -> None:
        """The Delete key in the episode list: delete the selected episode's download."""
        episode = self.w.current_episode()
        if episode is None:
            return
        if not self.w.episode_model.is_downloaded(episode.guid):
            self.w.statusBar().showMessage("This episode has no downloaded file", 5000)
            return
        self.delete_download(episode)

    @Slot()
    def cancel_selected_download(self) -> None:
        episode = self.w.current_episode()
        if episode is not None:
            self.cancel_download(episode.guid)

    @Slot(str, object)
    def on_progress(self, guid: str, _value: object) -> None:
        shown = self.w.current_episode()
        if shown is not None and shown.guid == guid:
            self.show_download(shown)

    @Slot(str, str, str, str)
    def on_finished(self, url: str, guid: str, path: str, error: str) -> None:
        if path:
            self.w.statusBar().showMessage(f"Downloaded {Path(path).name}", 8000)
            self.w.browse.reload_episodes(url, keep=guid)
        elif not error:
            self.w.statusBar().showMessage("Download cancelled; it resumes where it stopped", 8000)
        else:
            self.w.show_message(f"The download failed. {error}")
        shown = self.w.current_episode()
        if shown is not None and shown.guid == guid:
            self.show_download(shown)
        self.w.download_finished.emit(guid, path)

    @Slot(str, str)
    def on_deleted(self, url: str, guid: str) -> None:
        self.w.statusBar().showMessage("Download deleted; the episode plays from the web", 8000)
        self.w.browse.reload_episodes(url, keep=guid)

    def show_download(self, episode: Episode | None) -> None:
        active = episode is not None and self.w.downloads.active(episode.guid)
        progress = self.w.downloads.progress_of(episode.guid) if episode else (0, None)
        self.w.episode_pane.show_download(episode, active, progress)
