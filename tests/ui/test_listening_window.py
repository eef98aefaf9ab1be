"""The window's listening features on the null player: notes pane, chapter ticks and keyword
rules, per-podcast settings, sleep timer, export and share, artwork, accessibility."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThreadPool, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QComboBox, QWidget

from podplayer.app import build_window
from podplayer.core.chapters.jsonchapters import parse_json_chapters
from podplayer.core.chapters.psc import parse_psc
from podplayer.core.library import FILE_NAME, Library
from podplayer.core.model import Chapter, Episode, Link, Podcast
from podplayer.core.notes import find_chapters
from podplayer.core.skiprules import PodcastPrefs
from podplayer.playback.base import PlayerState
from podplayer.playback.null import NullPlayer
from podplayer.playback.session import PlaybackSession
from podplayer.ui.exporting import FORMAT_NAMES
from podplayer.ui.loader import SourceLoader
from podplayer.ui.sleeptimer import SleepMode

URL = "https://example.org/feed.xml"
NOTES = (
    "<p>Welcome <b>0:00</b> Intro, <b>0:20</b> Sponsor: Acme, <b>0:30</b> Topic.</p>"
    '<p><a href="https://example.org/topic">Topic link</a> '
    '<a href="javascript:alert(1)">evil</a> <a href="file:///etc/passwd">local</a>'
    '<img src="https://cdn.example/pic.png"></p><script>alert("x")</script>'
)
CHAPTERS = (
    Chapter(0, "Intro"),
    Chapter(20_000, "Sponsor: Acme"),
    Chapter(30_000, "Topic", url="https://example.org/chapter"),
    Chapter(50_000, "Outtakes"),
)


class Rig:
    def __init__(self, qtbot: Any, data: Path, audio: Path) -> None:
        self.qtbot = qtbot
        self.player = NullPlayer(duration_ms=60_000)
        self.session = PlaybackSession(self.player)
        self.library = Library(data / FILE_NAME)
        episode = Episode(
            "https://example.org/ep1",
            1,
            "Episode one",
            duration_ms=60_000,
            local_path=str(audio),
            description=NOTES,
            chapters=CHAPTERS,
            links=(Link("Topic link", "https://example.org/topic", 2),),
        )
        self.podcast = Podcast(URL, "Show", episodes=(episode,))
        self.window = build_window(
            SourceLoader(lambda _p: self.podcast, QThreadPool()), self.session, self.library
        )
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        with qtbot.waitSignal(self.window.podcast_loaded, timeout=5000):
            self.window.add_podcast(self.podcast)

    def wait_playing(self) -> None:
        self.qtbot.waitUntil(lambda: self.player.state is PlayerState.PLAYING, timeout=3000)


@pytest.fixture
def rig(qtbot: Any, tmp_path: Path) -> Rig:
    audio = tmp_path / "ep.mp3"
    audio.write_bytes(b"ID3 stands in for audio")
    return Rig(qtbot, tmp_path / "data", audio)


def test_notes_pane_shows_sanitised_notes(rig: Rig) -> None:
    pane = rig.window.notes_pane
    assert pane.isVisible()
    text = pane.browser.toPlainText()
    assert "Welcome" in text and "Topic link" in text and "evil" in text
    assert "alert" not in text
    html = pane.html()
    assert "javascript:" not in html and "file:" not in html and "<img" not in html


def test_a_time_in_the_notes_starts_the_episode_there(rig: Rig) -> None:
    rig.window.notes_pane.browser.anchorClicked.emit(QUrl("podplayer-seek:30000"))
    rig.wait_playing()
    assert rig.player.position() == 30_000
    rig.window.notes_pane.browser.anchorClicked.emit(QUrl("podplayer-seek:5000"))
    assert rig.player.position() == 5_000
    assert len(rig.player.loaded) == 1


def test_links_in_the_notes_open_only_when_safe(rig: Rig, url_trap: Any) -> None:
    browser = rig.window.notes_pane.browser
    for url in ("https://example.org/topic", "javascript:alert(1)", "file:///etc/passwd"):
        browser.anchorClicked.emit(QUrl(url))
    assert url_trap.urls == ["https://example.org/topic"]


def test_chapter_menu_lists_the_links_in_the_chapter(rig: Rig, url_trap: Any) -> None:
    menu = rig.window.chapter_menu(2)
    texts = [a.text() for a in menu.actions()]
    assert any("Skip" in t for t in texts)
    links = next(a.menu() for a in menu.actions() if a.menu() and "Links" in a.text())
    assert [a.text() for a in links.actions()] == ["Topic", "Topic link"]
    links.actions()[1].trigger()
    assert url_trap.urls == ["https://example.org/topic"]
    none = rig.window.chapter_menu(0)
    links0 = next(a for a in none.actions() if "Links" in a.text())
    assert not links0.isEnabled()


def test_unticked_chapters_are_skipped_and_remembered(rig: Rig) -> None:
    model = rig.window.chapter_model
    index = model.index(1, 1)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked.value
    assert model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked.value
    assert index.data(Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    assert model.rowCount() == 4  # still listed
    rig.window.play_chapter(rig.window.current_episode(), 0)  # type: ignore[arg-type]
    rig.wait_playing()
    for _ in range(45):
        rig.player.advance(500)
    assert rig.player.position() >= 30_000
    assert rig.session.current_chapter == 2
    prefs = rig.window.podcast_prefs(URL)
    assert prefs.ticks_for("https://example.org/ep1") == {20_000: False}
    stored = rig.library.setting(f"podcast prefs {URL}")
    assert stored["ticks"] == {"https://example.org/ep1": {"20000": False}}


def test_keyword_rules_untick_matching_chapters(rig: Rig) -> None:
    rig.window.set_podcast_prefs(URL, PodcastPrefs(rules=("Sponsor", "Outtakes")))
    model = rig.window.chapter_model
    checks = [model.index(r, 1).data(Qt.ItemDataRole.CheckStateRole) for r in range(4)]
    assert checks == [2, 0, 2, 0]
    assert model.skipped_starts() == {20_000, 50_000}
    # A tick by hand wins over the rule.
    model.setData(model.index(1, 1), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.skipped_starts() == {50_000}


def test_podcast_settings_apply_speed_volume_and_intro(rig: Rig) -> None:
    rig.window.set_podcast_prefs(URL, PodcastPrefs(intro_ms=12_000, speed=1.5, volume=40))
    rig.window.play_selected_episode()
    rig.wait_playing()
    assert rig.player.position() == 12_000
    assert rig.player.rate() == 1.5
    assert rig.player.volume() == 40
    assert rig.window.prefs_action.isEnabled()


def test_sleep_timer_in_the_transport_bar(rig: Rig) -> None:
    button = rig.window.transport.sleep_button
    assert button.isVisible() and button.accessibleName() == "Sleep timer"
    rig.window.play_selected_episode()
    rig.wait_playing()
    button.chapter_action.trigger()
    assert rig.window.sleep_timer.mode is SleepMode.CHAPTER
    assert button.text().startswith("Sleep at chapter end")
    for _ in range(41):
        rig.player.advance(500)
    assert rig.player.state is PlayerState.PAUSED


def test_transport_shows_time_left_in_the_chapter_and_segments(rig: Rig) -> None:
    rig.window.play_selected_episode()
    rig.wait_playing()
    rig.player.advance(5_000)
    assert "0:15 left" in rig.window.transport.chapter_info.text()
    slider = rig.window.transport.slider
    assert len(slider.segments()) == 4


def _read(fmt: str, text: str) -> list[tuple[int, str]]:
    if fmt == "json":
        return [(c.start_ms, c.title) for c in parse_json_chapters(text.encode())]
    if fmt == "psc":
        return [(c.start_ms, c.title) for c in parse_psc(text)]
    if fmt == "text":
        return [(c.start_ms, c.title) for c in find_chapters(text)]
    found = []
    start = 0
    for line in text.splitlines():
        if line.startswith("START="):
            start = int(line[6:])
        elif line.startswith("title=") and start is not None and "END=" in text:
            found.append((start, line[6:]))
    return found[1:]


@pytest.mark.parametrize("fmt", list(FORMAT_NAMES))
def test_export_round_trip_through_the_window(rig: Rig, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"out.{fmt}"
    assert rig.window.share.export_to_file(fmt, target) == target
    expected = [(c.start_ms, c.title) for c in CHAPTERS]
    assert _read(fmt, target.read_text(encoding="utf-8")) == expected
    rig.window.share.copy_actions[fmt].trigger()
    assert _read(fmt, QGuiApplication.clipboard().text()) == expected
    assert rig.window.message_bar.kind() == "info"


def test_copy_link_at_current_time(rig: Rig) -> None:
    rig.window.play_chapter(rig.window.current_episode(), 2)  # type: ignore[arg-type]
    rig.wait_playing()
    rig.player.advance(4_000)
    rig.window.share.copy_link_action.trigger()
    assert QGuiApplication.clipboard().text() == (
        "Episode one — Topic (0:34)\nhttps://example.org/ep1#t=34"
    )


def test_export_actions_are_in_the_menus(rig: Rig) -> None:
    texts = {
        a.text() for m in rig.window.menuBar().actions() if m.menu() for a in m.menu().actions()
    }
    assert "E&xport chapters" in texts
    assert "Copy &link at current time" in texts
    assert "Podcast &settings…" in texts
    assert "Sl&eep timer" in texts


def test_controls_have_accessible_names(rig: Rig) -> None:
    window = rig.window
    unnamed = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, QAbstractButton | QAbstractSlider | QComboBox):
            continue
        if not widget.isVisible() or widget.parent() is None:
            continue
        if not (
            widget.accessibleName() or widget.text()
            if isinstance(widget, QAbstractButton)
            else widget.accessibleName()
        ):
            unnamed.append(widget.objectName() or type(widget).__name__)
    assert unnamed == []
    for view in (window.podcast_view, window.episode_view, window.chapter_view):
        assert view.accessibleName()


def test_first_start_layout_and_remembered_splitters(rig: Rig, tmp_path: Path) -> None:
    window = rig.window
    sizes = window.splitter.sizes()
    assert len(sizes) == 3 and all(s > 120 for s in sizes)
    assert window.notes_pane.isVisible() and window.chapter_view.isVisible()
    window.right_splitter.setSizes([100, 400])
    window.save_settings()
    stored = rig.library.setting("splitters")
    assert isinstance(stored, list) and len(stored) == 2
    json.dumps(stored)
