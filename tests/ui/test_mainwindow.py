from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QDesktopServices

from podplayer import __version__
from podplayer.app import build_window
from podplayer.core.errors import ParseError
from podplayer.core.model import Podcast
from podplayer.ui.browserpane import NO_PODCASTS
from podplayer.ui.episodepane import NO_CHAPTERS, NO_LINKS
from podplayer.ui.loader import SourceLoader
from podplayer.ui.mainwindow import MainWindow

WindowFactory = Callable[[Callable[[Path], Podcast]], MainWindow]


@pytest.fixture
def make_window(qtbot: Any) -> WindowFactory:
    def make(load: Callable[[Path], Podcast]) -> MainWindow:
        pool = QThreadPool()
        window = build_window(SourceLoader(load, pool))
        qtbot.addWidget(window)
        window.show()
        return window

    return make


def load_into(qtbot: Any, window: MainWindow, path: Path) -> Podcast:
    with qtbot.waitSignal(window.podcast_loaded, timeout=5000) as blocker:
        window.load_sources([path])
    podcast = blocker.args[0]
    assert isinstance(podcast, Podcast)
    return podcast


def activate(qtbot: Any, view: Any, row: int) -> None:
    """Select a row and press Enter on it, as a keyboard user would."""
    view.setFocus()
    view.setCurrentIndex(view.model().index(row, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)


def test_starts_with_a_hint_what_to_do(make_window: WindowFactory, podcast: Podcast) -> None:
    window = make_window(lambda _p: podcast)
    assert window.windowTitle() == "podplayer"
    assert window.podcast_stack.is_empty()
    assert window.podcast_stack.hint.text() == NO_PODCASTS
    # 1200x760, or what the screen has room for.
    free = window.screen().availableGeometry().size()
    assert window.size().width() == min(1200, free.width())
    assert window.size().height() == min(760, free.height())


def test_loaded_podcast_is_listed_with_first_episode_selected(
    qtbot: Any, make_window: WindowFactory, podcast: Podcast
) -> None:
    window = make_window(lambda _p: podcast)
    load_into(qtbot, window, Path("show.txt"))

    assert window.podcast_model.rowCount() == 1
    assert window.current_podcast() == podcast
    assert window.current_episode() == podcast.episodes[0]
    assert window.episode_title.text() == "How to Build a Mixed Reality Headset"
    assert window.episode_info.text() == "Episode 2 · 35:00 · 3 chapters"
    assert window.chapter_model.rowCount() == 3
    assert window.chapter_model.index(0, 0).data() == "0:06"
    assert window.chapters_caption.text() == "Chapters (3, from the show notes)"
    assert window.link_model.rowCount() == 4
    assert not window.chapter_stack.is_empty()
    assert not window.busy_indicator.isVisible()


def test_parsing_runs_off_the_gui_thread(
    qtbot: Any, make_window: WindowFactory, podcast: Podcast
) -> None:
    threads: list[threading.Thread] = []

    def load(_path: Path) -> Podcast:
        threads.append(threading.current_thread())
        return podcast

    window = make_window(load)
    load_into(qtbot, window, Path("show.txt"))
    assert threads
    assert threads[0] is not threading.main_thread()


def test_busy_indicator_shows_while_loading(
    qtbot: Any, make_window: WindowFactory, podcast: Podcast
) -> None:
    release = threading.Event()

    def slow(_path: Path) -> Podcast:
        release.wait(5)
        return podcast

    window = make_window(slow)
    window.load_sources([Path("slow.txt")])
    assert window.busy_indicator.isVisible()
    assert window.statusBar().currentMessage() == "Loading slow.txt…"
    with qtbot.waitSignal(window.podcast_loaded, timeout=5000):
        release.set()
    assert not window.busy_indicator.isVisible()


def test_selecting_episodes_shows_their_chapters_and_links(
    qtbot: Any, make_window: WindowFactory, podcast: Podcast
) -> None:
    window = make_window(lambda _p: podcast)
    load_into(qtbot, window, Path("show.txt"))

    window.episode_view.setCurrentIndex(window.episode_model.index(1, 1))
    assert window.episode_title.text() == "Pilot"
    assert window.chapter_stack.is_empty()
    assert window.chapter_stack.hint.text() == NO_CHAPTERS
    assert window.link_stack.hint.text() == NO_LINKS

    window.episode_view.setCurrentIndex(window.episode_model.index(2, 1))
    assert window.chapter_model.rowCount() == 2
    assert window.chapter_model.index(1, 2).data() == ""  # no duration: last length unknown
    assert not window.chapter_stack.is_empty()
    assert window.link_stack.is_empty()


def test_web_and_mail_links_open_in_the_desktop_handler(
    qtbot: Any, make_window: WindowFactory, podcast: Podcast, url_trap: Any
) -> None:
    window = make_window(lambda _p: podcast)
    load_into(qtbot, window, Path("show.txt"))

    activate(qtbot, window.link_view, 0)
    activate(qtbot, window.link_view, 1)
    assert url_trap.urls == ["https://engineering.fb.com/caddy", "mailto:podcast@example.org"]
    assert not window.message_bar.isVisible()


@pytest.mark.parametrize("case", [(2, "javascript:alert(1)"), (3, "file:///etc/passwd")])
def test_other_links_are_not_opened(
    qtbot: Any, make_window: WindowFactory, podcast: Podcast, url_trap: Any, case: tuple[int, str]
) -> None:
    row, url = case
    window = make_window(lambda _p: podcast)
    load_into(qtbot, window, Path("show.txt"))

    activate(qtbot, window.link_view, row)
    assert url_trap.urls == []
    assert window.message_bar.isVisible()
    assert window.message_bar.text() == (
        f"Not opened: only web and e-mail links are opened ({url})"
    )


def test_open_link_rejects_odd_urls(make_window: WindowFactory, url_trap: Any) -> None:
    window = make_window(lambda _p: Podcast("u", "t"))
    assert not window.open_link("")
    assert not window.open_link("vlc://quit")
    assert window.open_link("HTTPS://example.org/x")
    assert url_trap.urls == ["https://example.org/x"]


def test_chapter_activation_is_reported(
    qtbot: Any, make_window: WindowFactory, podcast: Podcast
) -> None:
    window = make_window(lambda _p: podcast)
    load_into(qtbot, window, Path("show.txt"))
    with qtbot.waitSignal(window.chapter_activated, timeout=1000) as blocker:
        activate(qtbot, window.chapter_view, 1)
    assert blocker.args == [podcast.episodes[0], podcast.episodes[0].chapters[1]]


def test_a_broken_file_gives_a_message_and_the_window_keeps_working(
    qtbot: Any, make_window: WindowFactory, podcast: Podcast
) -> None:
    def load(path: Path) -> Podcast:
        if path.name == "broken.txt":
            raise ParseError("“broken.txt” is not a text file")
        if path.name == "crash.txt":
            raise RuntimeError("a bug in a parser")
        return podcast

    window = make_window(load)
    with qtbot.waitSignal(window.load_failed, timeout=5000) as blocker:
        window.load_sources([Path("broken.txt")])
    assert blocker.args == [Path("broken.txt"), "“broken.txt” is not a text file"]
    assert window.message_bar.isVisible()
    assert window.message_bar.text() == "“broken.txt” is not a text file"
    assert window.message_bar.kind() == "error"

    with qtbot.waitSignal(window.load_failed, timeout=5000) as blocker:
        window.load_sources([Path("crash.txt")])
    assert "unexpected error" in blocker.args[1]

    load_into(qtbot, window, Path("good.txt"))
    assert window.isVisible()
    assert window.podcast_model.rowCount() == 1
    assert not window.busy_indicator.isVisible()


def test_loading_the_same_podcast_again_replaces_it(
    qtbot: Any, make_window: WindowFactory, podcast: Podcast, settle: Any
) -> None:
    other = Podcast(url="file:///other.txt", title="Other")
    window = make_window(lambda p: other if p.name == "other.txt" else podcast)
    load_into(qtbot, window, Path("show.txt"))
    load_into(qtbot, window, Path("other.txt"))
    load_into(qtbot, window, Path("show.txt"))
    # Listed from the library, by title; loading again replaced it.
    assert [p.url for p in window.podcast_model.items()] == [other.url, podcast.url]
    assert window.current_podcast() == podcast

    window.podcast_view.setCurrentIndex(window.podcast_model.index(0, 0))
    settle(window)
    assert window.episode_stack.is_empty()
    assert window.episode_title.text() == ""


def test_menus_offer_open_quit_and_about(make_window: WindowFactory) -> None:
    window = make_window(lambda _p: Podcast("u", "t"))
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Playback", "P&odcasts", "&Help"]
    assert window.open_action.text() == "&Open…"
    window.quit_action.trigger()
    assert not window.isVisible()


def test_open_loads_the_chosen_files(
    qtbot: Any, make_window: WindowFactory, podcast: Podcast, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = ["/notes/a.txt"]
    monkeypatch.setattr(
        "podplayer.ui.dialogs.QFileDialog.getOpenFileNames",
        lambda *_args: (chosen, ""),
    )
    loaded: list[Path] = []

    def load(path: Path) -> Podcast:
        loaded.append(path)
        return podcast

    window = make_window(load)
    with qtbot.waitSignal(window.podcast_loaded, timeout=5000):
        window.open_action.trigger()
    assert loaded == [Path("/notes/a.txt")]

    chosen.clear()  # a cancelled dialog loads nothing
    window.open_action.trigger()
    assert not window.loader.busy


def test_about_names_the_version(
    make_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        "podplayer.ui.dialogs.QMessageBox.about",
        lambda _parent, _title, text: shown.append(text),
    )
    window = make_window(lambda _p: Podcast("u", "t"))
    window.about_action.trigger()
    assert shown
    assert __version__ in shown[0]


def test_the_bundled_sample_loads(qtbot: Any, make_window: WindowFactory, url_trap: Any) -> None:
    from podplayer.core import sources
    from podplayer.core.paths import sample_page

    window = make_window(lambda path: sources.load(str(path)))
    podcast = load_into(qtbot, window, sample_page())
    assert window.podcast_model.rowCount() == 1
    episode = window.current_episode()
    assert episode is not None
    assert episode == podcast.episodes[0]
    assert episode.number == 68
    assert window.chapter_model.index(0, 0).data() == "0:06"
    assert window.chapter_model.index(0, 1).data() == "Intro"
    labels = [window.link_model.index(r, 0).data() for r in range(window.link_model.rowCount())]
    assert "Caddy" in labels
    activate(qtbot, window.link_view, labels.index("Caddy"))
    assert url_trap.urls[-1].startswith("https://engineering.fb.com/")


def test_url_trap_catches_desktop_services(url_trap: Any) -> None:
    from PySide6.QtCore import QUrl

    assert QDesktopServices.openUrl(QUrl("https://example.org"))
    assert url_trap.urls == ["https://example.org"]
