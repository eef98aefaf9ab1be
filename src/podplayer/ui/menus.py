"""The window's menus, toolbar (with the search box) and status bar widgets, and the context
menus of a podcast, an episode and a chapter. The actions call the window's slots."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLineEdit,
    QMenu,
    QProgressBar,
    QSizePolicy,
    QStyle,
    QToolBar,
    QWidget,
)

from podplayer import APP_NAME
from podplayer.core.fetch import is_web_url
from podplayer.core.model import Episode

if TYPE_CHECKING:
    from podplayer.ui.mainwindow import MainWindow


class WindowMenus(QObject):
    """Builds ``window``'s menu bar, toolbar and status bar widgets; the actions are
    attributes (``open_action``, ``refresh_all_action``…)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._build_menus(window)
        self._build_toolbar(window)
        self._build_status_bar(window)

    def _refresh_selected(self) -> None:
        # The feed actions are made after the menus.
        self.window.feeds.refresh_selected()

    def _build_menus(self, w: MainWindow) -> None:
        file_menu = w.menuBar().addMenu("&File")
        self.subscribe_action = QAction("&Add podcast…", w)
        self.subscribe_action.setShortcut(QKeySequence.StandardKey.New)
        self.subscribe_action.setStatusTip("Subscribe to a podcast by its feed address")
        self.subscribe_action.triggered.connect(w.dialogs.choose_feed_url)
        file_menu.addAction(self.subscribe_action)
        self.open_action = QAction("&Open…", w)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.setStatusTip("Add a podcast page or an episode's show notes")
        self.open_action.triggered.connect(w.dialogs.choose_sources)
        file_menu.addAction(self.open_action)
        self.open_audio_action = QAction("Open &audio file…", w)
        self.open_audio_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.open_audio_action.setStatusTip("Play an audio file (or drop one on the window)")
        self.open_audio_action.triggered.connect(w.dialogs.choose_audio_file)
        file_menu.addAction(self.open_audio_action)
        self.open_url_action = QAction("Open &URL…", w)
        self.open_url_action.setShortcut(QKeySequence("Ctrl+L"))
        self.open_url_action.setStatusTip("Play audio from an http(s) address")
        self.open_url_action.triggered.connect(w.dialogs.choose_url)
        file_menu.addAction(self.open_url_action)
        self.add_audio_action = QAction("Add audio &files…", w)
        self.add_audio_action.setStatusTip("Add local audio files to the library")
        self.add_audio_action.triggered.connect(w.dialogs.choose_audio_files)
        file_menu.addAction(self.add_audio_action)
        file_menu.addSeparator()
        self.import_opml_action = QAction("&Import subscriptions (OPML)…", w)
        self.import_opml_action.triggered.connect(w.dialogs.choose_opml_import)
        file_menu.addAction(self.import_opml_action)
        self.export_opml_action = QAction("&Export subscriptions (OPML)…", w)
        self.export_opml_action.triggered.connect(w.dialogs.choose_opml_export)
        file_menu.addAction(self.export_opml_action)
        file_menu.addSeparator()
        self.quit_action = QAction("&Quit", w)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(w.close)
        file_menu.addAction(self.quit_action)

        playback_menu = w.menuBar().addMenu("&Playback")
        for action in w.transport.actions():
            playback_menu.addAction(action)
            if action in (w.transport.play_action, w.transport.forward_action):
                playback_menu.addSeparator()
        playback_menu.addSeparator()
        self.locate_action = QAction("&Locate audio…", w)
        self.locate_action.setStatusTip("Attach an audio file to the selected episode")
        self.locate_action.triggered.connect(w.dialogs.locate_audio_file)
        playback_menu.addAction(self.locate_action)
        playback_menu.addSeparator()
        sleep_menu = playback_menu.addMenu("Sl&eep timer")
        button = w.transport.sleep_button
        if button is not None and button.menu() is not None:
            for action in button.menu().actions():
                sleep_menu.addAction(action)
        playback_menu.addSeparator()
        self.export_menu = w.share.menu(w)
        playback_menu.addMenu(self.export_menu)
        playback_menu.addAction(w.share.copy_link_action)

        podcast_menu = w.menuBar().addMenu("P&odcasts")
        self.prefs_action = QAction("Podcast &settings…", w)
        self.prefs_action.setStatusTip(
            "Skip keywords, skip intro/outro, speed, volume and pictures for this podcast"
        )
        self.prefs_action.triggered.connect(w.dialogs.edit_podcast_prefs)
        self.refresh_all_action = QAction("&Refresh all", w)
        self.refresh_all_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_all_action.setIcon(
            w.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload)
        )
        self.refresh_all_action.triggered.connect(w.refresh_all)
        podcast_menu.addAction(self.refresh_all_action)
        self.refresh_one_action = QAction("Refresh &this podcast", w)
        self.refresh_one_action.setShortcut(QKeySequence("Ctrl+R"))
        self.refresh_one_action.triggered.connect(self._refresh_selected)
        podcast_menu.addAction(self.refresh_one_action)
        self.seen_action = QAction("Mark episodes as &seen", w)
        self.seen_action.triggered.connect(w.mark_selected_seen)
        podcast_menu.addAction(self.seen_action)
        self.unsubscribe_action = QAction("&Unsubscribe…", w)
        self.unsubscribe_action.triggered.connect(w.dialogs.unsubscribe_selected)
        podcast_menu.addAction(self.unsubscribe_action)
        podcast_menu.addAction(self.prefs_action)
        podcast_menu.addSeparator()
        self.refresh_on_start_action = QAction("Refresh all at &start", w)
        self.refresh_on_start_action.setCheckable(True)
        self.refresh_on_start_action.toggled.connect(
            lambda on: w.set_setting("refresh_on_start", bool(on))
        )
        podcast_menu.addAction(self.refresh_on_start_action)
        self.downloads_folder_action = QAction("&Downloads folder…", w)
        self.downloads_folder_action.triggered.connect(w.dialogs.choose_downloads_folder)
        podcast_menu.addAction(self.downloads_folder_action)

        help_menu = w.menuBar().addMenu("&Help")
        self.about_action = QAction(f"&About {APP_NAME}", w)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(w.dialogs.show_about)
        help_menu.addAction(self.about_action)

    def _build_toolbar(self, w: MainWindow) -> None:
        bar = QToolBar("Search")
        bar.setObjectName("mainToolBar")
        bar.setMovable(False)
        # Both actions named: an icon alone beside a word reads as an accident.
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addAction(self.subscribe_action)
        bar.addAction(self.refresh_all_action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText("Search episodes and chapters  (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(320)
        bar.addWidget(self.search_box)
        find = QShortcut(QKeySequence.StandardKey.Find, w)
        find.activated.connect(self.search_box.setFocus)
        # Delete in the episode list deletes the selected episode's download.
        self.delete_shortcut = QShortcut(QKeySequence.StandardKey.Delete, w.episode_view)
        self.delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_shortcut.activated.connect(w.download_actions.delete_selected_download)
        w.addToolBar(bar)
        self.toolbar = bar

    def _build_status_bar(self, w: MainWindow) -> None:
        self.refresh_bar = QProgressBar()
        self.refresh_bar.setMaximumSize(QSize(160, 14))
        self.refresh_bar.setFormat("%v/%m feeds")
        self.refresh_bar.hide()
        w.statusBar().addPermanentWidget(self.refresh_bar)
        self.busy_indicator = QProgressBar()
        self.busy_indicator.setRange(0, 0)  # indeterminate
        self.busy_indicator.setMaximumSize(QSize(120, 14))
        self.busy_indicator.setTextVisible(False)
        self.busy_indicator.hide()
        w.statusBar().addPermanentWidget(self.busy_indicator)


def chapter_menu(w: MainWindow, row: int) -> QMenu:
    """The context menu of the shown chapter ``row``: play, skip, its links, export."""
    from podplayer.ui.notespane import chapter_links

    menu = QMenu(w)
    episode = w.current_episode()
    chapter = w.chapter_model.item(row)
    if episode is None or chapter is None:
        return menu
    menu.addAction("&Play from here", partial(w.play_chapter, episode, row))
    index = w.chapter_model.index(row, 1)
    skipped = chapter.start_ms in w.chapter_model.skipped_starts()
    state = Qt.CheckState.Checked if skipped else Qt.CheckState.Unchecked
    menu.addAction(
        "Play this chapter &again" if skipped else "&Skip this chapter",
        partial(w.chapter_model.setData, index, state.value, Qt.ItemDataRole.CheckStateRole),
    )
    links = chapter_links(episode, w.chapter_model.items(), row)
    sub = menu.addMenu("&Links in this chapter")
    sub.setEnabled(bool(links))
    for link in links:
        action = sub.addAction((link.label or link.url).replace("&", "&&"))
        action.setToolTip(link.url)
        action.triggered.connect(partial(w.open_link, link.url))
    menu.addSeparator()
    menu.addMenu(w.export_menu)
    menu.addAction(w.share.copy_link_action)
    menu.addAction(w.prefs_action)
    return menu


def web_page(episode: Episode) -> str | None:
    """The episode's web page: its guid when that is a web address (feeds use the permalink)."""
    return episode.guid if is_web_url(episode.guid) else None


def episode_menu(w: MainWindow, episode: Episode) -> QMenu:
    """The context menu of an episode of the shown podcast: play next / up next, download or
    delete the download, mark played or unplayed, copy the link, open the web page."""
    menu = QMenu(w)
    podcast = w.current_podcast()
    playback = w.playback
    if podcast is not None:
        menu.addAction("Play &next", partial(playback.play_next, podcast, episode))
        if playback.queued(podcast.url, episode.guid):
            menu.addAction(
                "&Remove from Up next", partial(playback.dequeue, podcast.url, episode.guid)
            )
        else:
            menu.addAction("Add to &Up next", partial(playback.enqueue, podcast, episode))
        menu.addSeparator()
    if w.downloads.active(episode.guid):
        menu.addAction("&Cancel download", partial(w.cancel_download, episode.guid))
    elif w.downloads.can_download(episode) and podcast is not None:
        menu.addAction("&Download", partial(w.download, podcast, episode))
    elif w.episode_model.is_downloaded(episode.guid):
        menu.addAction("&Delete download", partial(w.delete_download, episode))
    if w.episode_model.state(episode.guid).played:
        menu.addAction("Mark as &unplayed", partial(w.mark_played, episode, False))
    else:
        menu.addAction("Mark as &played", partial(w.mark_played, episode, True))
    menu.addSeparator()
    link = web_page(episode) or (episode.audio_url if is_web_url(episode.audio_url or "") else None)
    copy = menu.addAction("Copy &link")
    copy.setEnabled(link is not None)
    if link is not None:
        copy.triggered.connect(partial(QGuiApplication.clipboard().setText, link))
    page = web_page(episode)
    open_page = menu.addAction("Open &web page")
    open_page.setEnabled(page is not None)
    if page is not None:
        open_page.triggered.connect(partial(w.open_link, page))
    return menu
