"""The window plays through the session, against the null player: chapter clicks, highlight,
shortcuts, locating audio (and remembering it), opening files and URLs, drops, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QThreadPool, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from podplayer.app import build_window
from podplayer.core import sources
from podplayer.core.library import FILE_NAME, Library
from podplayer.core.model import Chapter, Episode, Podcast
from podplayer.core.paths import demo_audio, demo_notes, sample_page
from podplayer.playback.base import PlayerState
from podplayer.playback.null import NullPlayer
from podplayer.playback.session import PlaybackSession
from podplayer.ui.loader import DEMO_TITLE, SourceLoader
from podplayer.ui.mainwindow import MainWindow
from podplayer.ui.models import Role

Load = Callable[[Path], Podcast]


class Rig:
    """A window on a NullPlayer, with attachments stored under ``data``."""

    def __init__(self, qtbot: Any, load: Load, data: Path) -> None:
        self.qtbot = qtbot
        self.player = NullPlayer(duration_ms=60_000)
        self.session = PlaybackSession(self.player)
        self.library = Library(data / FILE_NAME)
        self.window = build_window(SourceLoader(load, QThreadPool()), self.session, self.library)
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)

    def load(self, path: Path = Path("show.txt")) -> Podcast:
        with self.qtbot.waitSignal(self.window.podcast_loaded, timeout=5000) as blocker:
            self.window.load_sources([path])
        podcast = blocker.args[0]
        assert isinstance(podcast, Podcast)
        return podcast

    def click_chapter(self, row: int) -> None:
        view = self.window.chapter_view
        rect = view.visualRect(self.window.chapter_model.index(row, 1))
        self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    def wait_playing(self) -> None:
        self.qtbot.waitUntil(lambda: self.player.state is PlayerState.PLAYING, timeout=3000)

    def message(self) -> str:
        bar = self.window.message_bar
        return bar.text() if bar.isVisible() else ""


@pytest.fixture
def audio(tmp_path: Path) -> Path:
    path = tmp_path / "episode.mp3"
    path.write_bytes(b"ID3 stands in for audio")
    return path


def show(audio: Path | None, chapters: int = 6) -> Podcast:
    playable = Episode(
        guid="ep-2",
        number=2,
        title="With audio",
        duration_ms=60_000,
        local_path=str(audio) if audio else None,
        chapters=tuple(Chapter(i * 10_000, f"Part {i + 1}") for i in range(chapters)),
    )
    silent = Episode(
        guid="ep-1",
        number=1,
        title="Notes only",
        chapters=(Chapter(0, "Intro"), Chapter(44_000, "Guest")),
    )
    return Podcast(url="file:///show.txt", title="Show", episodes=(playable, silent))


@pytest.fixture
def rig(qtbot: Any, audio: Path, tmp_path: Path) -> Rig:
    podcast = show(audio)
    return Rig(qtbot, lambda _p: podcast, tmp_path / "data")


def test_clicking_a_chapter_plays_from_its_start(rig: Rig, audio: Path) -> None:
    rig.load()
    with rig.qtbot.waitSignal(rig.window.chapter_activated, timeout=1000) as blocker:
        rig.click_chapter(2)
    assert blocker.args[1].title == "Part 3"
    rig.wait_playing()
    assert rig.player.loaded == [str(audio.resolve())]
    assert rig.player.position() == 20_000
    assert rig.session.current_chapter == 2
    assert rig.window.chapter_model.current_row == 2
    assert rig.window.chapter_model.index(2, 1).data(Role.CURRENT) is True
    assert rig.window.chapter_model.index(2, 1).data(Qt.ItemDataRole.FontRole).bold()
    assert rig.window.transport.chapter_title.text() == "Part 3"
    assert rig.window.episode_model.index(0, 1).data(Role.CURRENT) is True
    assert rig.window.episode_model.index(1, 1).data(Role.CURRENT) is False


def test_enter_on_a_chapter_plays_it_and_a_second_click_seeks(rig: Rig) -> None:
    rig.load()
    view = rig.window.chapter_view
    view.setFocus()
    view.setCurrentIndex(rig.window.chapter_model.index(4, 1))
    rig.qtbot.keyClick(view, Qt.Key.Key_Return)
    rig.wait_playing()
    assert rig.player.position() == 40_000
    rig.click_chapter(1)
    assert rig.player.position() == 10_000
    assert len(rig.player.loaded) == 1  # seeking, not reloading
    assert rig.window.chapter_model.current_row == 1


def test_highlight_follows_playback_and_stays_in_view(
    qtbot: Any, audio: Path, tmp_path: Path
) -> None:
    podcast = show(audio, chapters=60)
    rig = Rig(qtbot, lambda _p: podcast, tmp_path / "data")
    rig.player._default_duration = 600_000
    rig.load()
    rig.click_chapter(0)
    rig.wait_playing()
    for _ in range(55):
        rig.player.advance(10_000)
    assert rig.session.current_chapter == 55
    assert rig.window.chapter_model.current_row == 55
    view = rig.window.chapter_view
    rect = view.visualRect(rig.window.chapter_model.index(55, 1))
    assert view.viewport().rect().contains(rect.center())


def test_highlight_only_on_the_episode_that_plays(rig: Rig) -> None:
    rig.load()
    rig.click_chapter(1)
    rig.wait_playing()
    rig.window.episode_view.setCurrentIndex(rig.window.episode_model.index(1, 1))
    assert rig.window.chapter_model.current_row == -1
    assert rig.window.transport.chapter_title.text() == "Part 2"  # still what plays
    rig.window.episode_view.setCurrentIndex(rig.window.episode_model.index(0, 1))
    assert rig.window.chapter_model.current_row == 1


def test_shortcuts_work_while_the_chapter_list_has_focus(rig: Rig) -> None:
    rig.load()
    rig.click_chapter(2)
    rig.wait_playing()
    view = rig.window.chapter_view
    view.setFocus()
    rig.qtbot.keyClick(view, Qt.Key.Key_Space)
    assert rig.player.state is PlayerState.PAUSED
    rig.qtbot.keyClick(view, Qt.Key.Key_Right)
    assert rig.player.position() == 50_000
    rig.qtbot.keyClick(view, Qt.Key.Key_Left)
    assert rig.player.position() == 35_000
    rig.qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert rig.player.position() == 40_000
    rig.qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert rig.player.rate() == 1.1
    menu = [a.text() for a in rig.window.menuBar().actions()[1].menu().actions() if a.text()]
    assert "Skip &forward 30 s" in menu


def test_play_episode_button(rig: Rig, audio: Path) -> None:
    rig.load()
    assert rig.window.play_episode_button.isVisible()
    assert not rig.window.locate_button.isVisible()
    rig.window.play_episode_button.click()
    rig.wait_playing()
    assert rig.player.position() == 0


def test_an_episode_without_audio_points_at_locate(rig: Rig) -> None:
    rig.load()
    rig.window.episode_view.setCurrentIndex(rig.window.episode_model.index(1, 1))
    assert rig.window.locate_button.isVisible()
    assert not rig.window.play_episode_button.isVisible()
    rig.click_chapter(1)
    assert "Locate audio" in rig.message()
    assert rig.player.loaded == []


def test_locate_audio_file_is_remembered_by_a_new_window(
    qtbot: Any, rig: Rig, audio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig.load()
    rig.window.episode_view.setCurrentIndex(rig.window.episode_model.index(1, 1))
    monkeypatch.setattr(
        "podplayer.ui.dialogs.QFileDialog.getOpenFileName", lambda *_a: (str(audio), "")
    )
    with qtbot.waitSignal(rig.window.playback.audio_attached):
        rig.window.locate_file_action.trigger()
    episode = rig.window.current_episode()
    assert episode is not None
    assert episode.title == "Notes only"
    assert episode.local_path == str(audio.resolve())
    assert rig.window.play_episode_button.isVisible()
    assert not rig.window.locate_button.isVisible()
    assert "episode.mp3" in rig.message()
    rig.click_chapter(1)
    rig.wait_playing()
    assert rig.player.position() == 44_000
    assert (tmp_path / "data" / FILE_NAME).exists()

    rig.window.close()
    podcast = show(audio)
    again = Rig(qtbot, lambda _p: podcast, tmp_path / "data")
    again.load()
    assert again.window.current_podcast().episodes[1].audio == str(audio.resolve())  # type: ignore[union-attr]


def test_locate_audio_url(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    rig.load()
    rig.window.episode_view.setCurrentIndex(rig.window.episode_model.index(1, 1))
    answers = iter([("ftp://example.org/a.mp3", True), ("https://example.org/a.mp3", True)])
    monkeypatch.setattr(
        "podplayer.ui.dialogs.QInputDialog.getText", lambda *_a, **_k: next(answers)
    )
    rig.window.locate_url_action.trigger()
    assert "only http(s)" in rig.message()
    assert rig.window.current_episode().audio is None  # type: ignore[union-attr]
    with rig.qtbot.waitSignal(rig.window.playback.audio_attached):
        rig.window.locate_url_action.trigger()
    assert rig.window.current_episode().audio_url == "https://example.org/a.mp3"  # type: ignore[union-attr]
    assert rig.library.attachment("ep-1", podcast_url="file:///show.txt") == (
        "https://example.org/a.mp3"
    )


def test_a_missing_file_is_not_attached(rig: Rig, tmp_path: Path) -> None:
    rig.load()
    rig.window.episode_view.setCurrentIndex(rig.window.episode_model.index(1, 1))
    assert not rig.window.attach_audio(str(tmp_path / "gone.mp3"))
    assert "does not exist" in rig.message()


def test_a_corrupt_library_is_reported_not_fatal(qtbot: Any, audio: Path, tmp_path: Path) -> None:
    from podplayer.core.library import open_library

    data = tmp_path / "data"
    data.mkdir()
    (data / FILE_NAME).write_bytes(b"this is not a database" * 100)
    library, problem = open_library(data / FILE_NAME)
    assert problem is not None
    window = build_window(SourceLoader(lambda _p: show(audio), QThreadPool()), None, library)
    qtbot.addWidget(window)
    window.show_message(problem)
    assert "kept as library.sqlite.corrupt-" in window.message_bar.text()
    with qtbot.waitSignal(window.podcast_loaded, timeout=5000):
        window.load_sources([Path("show.txt")])
    assert window.current_episode() is not None


def test_a_player_error_shows_in_plain_words(rig: Rig) -> None:
    rig.load()
    rig.click_chapter(0)
    rig.wait_playing()
    rig.player.fail("The server answered 404 (not found) for https://example.org/a.mp3")
    assert rig.message().startswith("The server answered 404")
    assert rig.window.message_bar.kind() == "error"


def test_a_file_deleted_after_locating_gives_a_message(rig: Rig, audio: Path) -> None:
    rig.load()
    audio.unlink()
    rig.click_chapter(0)
    assert "does not exist" in rig.message()
    assert rig.player.state is PlayerState.ERROR


def test_open_url_plays_http_and_refuses_the_rest(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([("file:///etc/passwd", True), ("https://example.org/shows/ep%201.mp3", True)])
    monkeypatch.setattr(
        "podplayer.ui.dialogs.QInputDialog.getText", lambda *_a, **_k: next(answers)
    )
    rig.window.open_url_action.trigger()
    assert "only http(s)" in rig.message()
    assert "not file:" in rig.message()
    assert rig.player.loaded == []
    with rig.qtbot.waitSignal(rig.window.podcast_loaded, timeout=5000):
        rig.window.open_url_action.trigger()
    rig.wait_playing()
    assert rig.player.loaded == ["https://example.org/shows/ep%201.mp3"]
    assert rig.window.current_episode().title == "ep 1.mp3"  # type: ignore[union-attr]


def test_open_audio_file_reads_its_chapters_and_plays(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "podplayer.ui.dialogs.QFileDialog.getOpenFileName",
        lambda *_a: (str(demo_audio()), ""),
    )
    with rig.qtbot.waitSignal(rig.window.podcast_loaded, timeout=5000):
        rig.window.open_audio_action.trigger()
    rig.wait_playing()
    assert rig.player.loaded == [str(demo_audio().resolve())]
    assert rig.window.chapter_model.rowCount() == 6
    assert rig.window.chapter_model.current_row == 0


def _drop(window: MainWindow, urls: list[QUrl]) -> tuple[bool, bool]:
    mime = QMimeData()
    mime.setUrls(urls)
    point = QPointF(window.width() / 2, window.height() / 2)
    action = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(int(point.x()), int(point.y())), action, mime, buttons, mods)
    QApplication.sendEvent(window, enter)
    drop = QDropEvent(point, action, mime, buttons, mods)
    QApplication.sendEvent(window, drop)
    return enter.isAccepted(), drop.isAccepted()


def test_dropping_an_audio_file_plays_it(rig: Rig) -> None:
    with rig.qtbot.waitSignal(rig.window.podcast_loaded, timeout=5000):
        accepted = _drop(rig.window, [QUrl.fromLocalFile(str(demo_audio()))])
    assert accepted == (True, True)
    rig.wait_playing()
    assert rig.player.loaded == [str(demo_audio().resolve())]


def test_dropping_other_files_is_refused(rig: Rig, tmp_path: Path) -> None:
    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ")
    assert _drop(rig.window, [QUrl.fromLocalFile(str(program))]) == (False, False)
    assert _drop(rig.window, [QUrl("ftp://example.org/a.mp3")]) == (False, False)
    assert rig.player.loaded == []


def test_without_libvlc_the_window_browses_and_says_why(rig: Rig) -> None:
    reason = "libVLC is not installed: install the Debian packages libvlc5 vlc-plugin-base"
    rig.window.set_playback_unavailable(reason)
    assert "libvlc5 vlc-plugin-base" in rig.message()
    assert not rig.window.transport.play_button.isEnabled()
    rig.load()
    assert rig.window.chapter_model.rowCount() == 6
    assert not rig.window.play_episode_button.isEnabled()
    rig.click_chapter(1)
    assert rig.player.loaded == []
    assert "not available" in rig.message()


def test_demo_is_selected_whatever_loads_first(qtbot: Any, tmp_path: Path) -> None:
    rig = Rig(qtbot, lambda p: sources.load(str(p)), tmp_path / "data")
    with qtbot.waitSignals([rig.window.podcast_loaded] * 2, timeout=10_000):
        rig.window.load_demo(demo_notes(), demo_audio())
        rig.window.load_sources([sample_page()])
    qtbot.wait(50)
    podcast = rig.window.current_podcast()
    assert podcast is not None
    assert podcast.title == DEMO_TITLE
    episode = rig.window.current_episode()
    assert episode is not None
    assert episode.local_path == str(demo_audio())
    assert [c.title for c in episode.chapters][1] == "Show notes become chapters"
    assert rig.window.podcast_model.rowCount() == 2
    rig.click_chapter(3)
    rig.wait_playing()
    assert rig.player.position() == 30_000


def test_app_falls_back_to_browsing_without_libvlc(monkeypatch: pytest.MonkeyPatch) -> None:
    from podplayer import app

    monkeypatch.setattr(
        "podplayer.playback.vlc.vlc_available",
        lambda: (False, "libVLC is not installed: install libvlc5"),
    )
    player, reason = app.make_player()
    assert isinstance(player, NullPlayer)
    assert reason == "libVLC is not installed: install libvlc5"
