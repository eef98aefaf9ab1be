"""The window over the library: subscribe and refresh from a loopback server, resume after a
restart, played state, search, chapter sources, downloads, OPML, remembered settings."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QMessageBox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from httpserver import Loopback, Resource, loopback_server

from podplayer.app import build_window
from podplayer.core import sources
from podplayer.core.library import FILE_NAME, Library
from podplayer.core.model import Chapter, Episode, Podcast
from podplayer.playback.base import PlayerState
from podplayer.playback.null import NullPlayer
from podplayer.playback.session import PlaybackSession
from podplayer.ui.loader import SourceLoader
from podplayer.ui.models import Role


def feed(title: str, base: str, count: int = 3, chapters_json: bool = False) -> bytes:
    items = []
    for i in range(count, 0, -1):
        extra = (
            f'<podcast:chapters url="{base}/ch{i}.json" type="application/json+chapters"/>'
            if chapters_json
            else ""
        )
        items.append(
            f"<item><title>{title} {i}: Episode about cxx modules</title><guid>{title}-{i}</guid>"
            f'<enclosure url="{base}/ep{i}.mp3" type="audio/mpeg" length="100"/>'
            f"<description>0:00 Intro\n1:00 Deep dive into linkers\n2:00 Outro</description>"
            f"{extra}</item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>'
        f"<title>{title}</title><description>About {title}</description>{''.join(items)}"
        "</channel></rss>"
    ).encode()


class Rig:
    def __init__(self, qtbot: Any, data: Path) -> None:
        self.qtbot = qtbot
        self.player = NullPlayer(duration_ms=600_000)
        self.session = PlaybackSession(self.player)
        self.library = Library(data / FILE_NAME)
        self.window = build_window(
            SourceLoader(lambda p: sources.load(str(p)), QThreadPool()),
            self.session,
            self.library,
        )
        qtbot.addWidget(self.window)
        self.window.show()

    def refresh(self, urls: list[str] | None = None, subscribe: bool = False) -> list[Any]:
        with self.qtbot.waitSignal(self.window.refresh_finished, timeout=15_000) as blocker:
            if subscribe:
                for url in urls or []:
                    self.window.subscribe(url)
            elif urls is None:
                self.window.refresh_all()
            else:
                self.window.refresh_feeds(urls)
        results: list[Any] = blocker.args[0]
        return results

    def message(self) -> str:
        bar = self.window.message_bar
        return bar.text() if bar.isVisible() else ""

    def close(self) -> None:
        self.window.close()
        self.window.tasks.wait(5000)
        self.library.close()


@pytest.fixture
def server() -> Iterator[Loopback]:
    with loopback_server() as loop:
        yield loop


@pytest.fixture
def rig(qtbot: Any, tmp_path: Path) -> Iterator[Rig]:
    r = Rig(qtbot, tmp_path / "data")
    yield r
    r.window.tasks.wait(5000)


def test_subscribe_lists_the_podcast_and_selects_it(rig: Rig, server: Loopback) -> None:
    url = server.add("/a.xml", Resource(feed("Alpha", server.url(""))))
    results = rig.refresh([url], subscribe=True)
    assert [r.ok for r in results] == [True]
    podcast = rig.window.current_podcast()
    assert podcast is not None and podcast.title == "Alpha"
    assert len(podcast.episodes) == 3
    assert rig.library.podcast(url) is not None
    # Nothing is "new" right after subscribing.
    assert not any(rig.window.episode_model.is_new(e.guid) for e in podcast.episodes)


def test_refresh_of_several_feeds_with_one_404_gives_one_summary(
    rig: Rig, server: Loopback
) -> None:
    urls = [server.add(f"/f{i}.xml", Resource(feed(f"Show{i}", server.url("")))) for i in range(4)]
    rig.refresh(urls, subscribe=True)
    assert rig.window.podcast_model.rowCount() == 4
    server.add("/f2.xml", Resource(b"gone", status=404, content_type="text/plain"))
    messages: list[str] = []
    rig.window.message_bar.show_message = (  # type: ignore[method-assign]
        lambda text, kind="error": messages.append(text)
    )
    results = rig.refresh()
    assert len(results) == 4
    assert [r.ok for r in results].count(False) == 1
    assert len(messages) == 1
    assert "1 of 4 feeds could not be updated" in messages[0]
    assert "Show2" in messages[0] and "404" in messages[0]
    row = rig.window.podcast_model.row_of(urls[2])
    subtitle = rig.window.podcast_model.index(row, 0).data(Role.SUBTITLE)
    assert subtitle.startswith("Failing since")
    assert not rig.window.refresh_bar.isVisible()


def test_new_episodes_after_a_refresh_are_marked(rig: Rig, server: Loopback, settle: Any) -> None:
    url = server.add("/a.xml", Resource(feed("Alpha", server.url(""), count=2)))
    rig.refresh([url], subscribe=True)
    server.add("/a.xml", Resource(feed("Alpha", server.url(""), count=3)))
    rig.refresh([url])
    rig.window.select_podcast(url)
    settle(rig.window)
    model = rig.window.episode_model
    assert [model.is_new(e.guid) for e in model.items()] == [True, False, False]
    assert model.index(0, 0).data().startswith("●")
    rig.window.mark_selected_seen()
    settle(rig.window)
    assert not any(model.is_new(e.guid) for e in model.items())


def test_resume_after_a_restart(qtbot: Any, tmp_path: Path, server: Loopback, settle: Any) -> None:
    url = server.add("/a.xml", Resource(feed("Alpha", server.url(""))))
    first = Rig(qtbot, tmp_path / "data")
    first.refresh([url], subscribe=True)
    first.window.play_selected_episode()
    qtbot.waitUntil(lambda: first.player.state is PlayerState.PLAYING)
    first.player.seek(123_000)
    first.window.save_position()
    guid = first.window.current_episode().guid  # type: ignore[union-attr]
    first.close()

    second = Rig(qtbot, tmp_path / "data")
    settle(second.window)
    second.window.select_podcast(url)
    second.window.select_episode(guid)
    settle(second.window)
    assert "2:03" in second.window.episode_model.index(0, 2).data()
    second.window.play_selected_episode()
    qtbot.waitUntil(lambda: second.player.state is PlayerState.PLAYING)
    assert second.player.position() == 123_000
    second.close()


def test_played_at_the_end_and_toggled_in_the_menu(rig: Rig, server: Loopback) -> None:
    url = server.add("/a.xml", Resource(feed("Alpha", server.url(""))))
    rig.refresh([url], subscribe=True)
    episode = rig.window.current_episode()
    assert episode is not None
    rig.window.play_selected_episode()
    rig.qtbot.waitUntil(lambda: rig.player.state is PlayerState.PLAYING)
    # Listened through: the position passes the last 30 s on its way to the end.
    for _ in range(120):
        rig.player.advance(5_000)
    rig.qtbot.waitUntil(lambda: rig.player.state is PlayerState.ENDED, timeout=3000)
    rig.qtbot.waitUntil(lambda: rig.window.episode_model.index(0, 2).data() == "✓")
    assert rig.library.play_state(episode.guid, podcast_url=url).played
    menu = rig.window.episode_menu(episode)
    [unplay] = [a for a in menu.actions() if "unplayed" in a.text()]
    with rig.qtbot.waitSignal(rig.window.playback.state_saved):
        unplay.trigger()
    assert not rig.library.play_state(episode.guid, podcast_url=url).played


def test_search_lists_chapters_and_plays_from_one(rig: Rig, server: Loopback) -> None:
    url = server.add("/a.xml", Resource(feed("Alpha", server.url(""))))
    rig.refresh([url], subscribe=True)
    rig.window.search_box.setText("linker")
    rig.qtbot.waitUntil(lambda: rig.window.search_model.rowCount() > 0, timeout=2000)
    hits = rig.window.search_model.items()
    chapter_hits = [h for h in hits if h.chapter is not None]
    assert chapter_hits and chapter_hits[0].start_ms == 60_000
    assert rig.window.episode_area.currentWidget() is rig.window.search_stack
    row = hits.index(chapter_hits[0])
    index = rig.window.search_model.index(row, 1)
    assert index.data(Role.START_MS) == 60_000
    rig.window.search_view.activated.emit(index)
    rig.qtbot.waitUntil(lambda: rig.player.state is PlayerState.PLAYING)
    assert rig.player.position() == 60_000
    assert rig.window.current_episode().guid == chapter_hits[0].episode_guid  # type: ignore[union-attr]
    rig.window.search_box.clear()
    assert rig.window.episode_area.currentWidget() is rig.window.episode_stack


def test_json_chapters_are_fetched_cached_and_switchable(rig: Rig, server: Loopback) -> None:
    base = server.url("")
    url = server.add("/a.xml", Resource(feed("Alpha", base, count=1, chapters_json=True)))
    doc = {
        "version": "1.2.0",
        "chapters": [
            {"startTime": 0, "title": "JSON intro"},
            {"startTime": 90.5, "title": "JSON middle"},
        ],
    }
    server.add("/ch1.json", Resource(json.dumps(doc).encode(), content_type="application/json"))
    server.add("/ep1.mp3", Resource(b"\x00" * 2048, content_type="audio/mpeg"))
    with rig.qtbot.waitSignal(rig.window.chapters_gathered, timeout=10_000):
        rig.refresh([url], subscribe=True)
    window = rig.window
    assert window.chapter_sources() == ["json", "shownotes"]
    assert [c.title for c in window.chapter_model.items()] == ["JSON intro", "JSON middle"]
    assert window.source_combo.isVisible()
    assert "chapter file" in window.chapters_caption.text()
    assert window.show_chapter_source("shownotes")
    assert [c.start_ms for c in window.chapter_model.items()] == [0, 60_000, 120_000]
    assert "show notes" in window.chapters_caption.text()
    guid = window.current_episode().guid  # type: ignore[union-attr]
    assert "json" in rig.library.chapter_lists(guid, podcast_url=url)


def test_download_then_play_the_local_copy(rig: Rig, server: Loopback, settle: Any) -> None:
    url = server.add("/a.xml", Resource(feed("Alpha", server.url(""), count=1)))
    server.add("/ep1.mp3", Resource(b"ID3" + b"\x00" * 300_000, content_type="audio/mpeg"))
    rig.library.set_setting("downloads_dir", str(rig.library.path.parent / "dl"))
    rig.refresh([url], subscribe=True)
    assert rig.window.download_button.isVisible()
    with rig.qtbot.waitSignal(rig.window.download_finished, timeout=10_000) as blocker:
        rig.window.download_selected()
    settle(rig.window)
    path = Path(blocker.args[1])
    assert path.is_file() and path.is_relative_to(rig.library.path.parent / "dl")
    episode = rig.window.current_episode()
    assert episode is not None and episode.local_path == str(path)
    assert not rig.window.download_button.isVisible()
    rig.window.play_selected_episode()
    assert rig.player.loaded[-1] == str(path.resolve())


def test_opml_export_and_import(rig: Rig, server: Loopback, tmp_path: Path, qtbot: Any) -> None:
    urls = [server.add(f"/f{i}.xml", Resource(feed(f"Show{i}", server.url("")))) for i in range(2)]
    rig.refresh(urls, subscribe=True)
    out = tmp_path / "subs.opml"
    assert rig.window.export_opml(out)
    other = Rig(qtbot, tmp_path / "other")
    with qtbot.waitSignal(other.window.refresh_finished, timeout=15_000):
        other.window.import_opml(out)
    assert sorted(p.url for p in other.window.podcast_model.items()) == sorted(urls)
    other.close()


def test_unsubscribe_asks_first(
    rig: Rig, server: Loopback, monkeypatch: pytest.MonkeyPatch, settle: Any
) -> None:
    url = server.add("/a.xml", Resource(feed("Alpha", server.url(""))))
    rig.refresh([url], subscribe=True)
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(
        "podplayer.ui.dialogs.QMessageBox.question", lambda *_a, **_k: next(answers)
    )
    rig.window.dialogs.unsubscribe_selected()
    assert rig.library.podcast(url) is not None
    rig.window.dialogs.unsubscribe_selected()
    settle(rig.window)
    assert rig.library.podcast(url) is None
    assert rig.window.podcast_model.rowCount() == 0


def test_paste_and_bad_addresses(rig: Rig, server: Loopback) -> None:
    from PySide6.QtGui import QGuiApplication

    url = server.add("/a.xml", Resource(feed("Alpha", server.url(""))))
    QGuiApplication.clipboard().setText(url)
    with rig.qtbot.waitSignal(rig.window.refresh_finished, timeout=15_000):
        rig.window.paste_shortcut.activated.emit()
    assert rig.window.current_podcast().url == url  # type: ignore[union-attr]
    assert not rig.window.subscribe("file:///etc/passwd")
    assert "only http(s)" in rig.message()


def test_settings_are_remembered(qtbot: Any, tmp_path: Path) -> None:
    first = Rig(qtbot, tmp_path / "data")
    first.window.transport.set_speed(1.5)
    first.window.transport.volume_slider.setValue(40)
    first.window.transport.set_skip_intervals(10_000, 45_000)
    first.window.splitter.setSizes([300, 400, 500])
    first.close()
    second = Rig(qtbot, tmp_path / "data")
    assert second.player.rate() == 1.5
    assert second.window.transport.volume_slider.value() == 40
    assert second.window.transport.skip_forward_ms == 45_000
    assert "45 s" in second.window.transport.forward_action.text()
    assert second.window.splitter.sizes()[0] == 300
    second.close()


def test_local_podcast_added_to_the_library(rig: Rig, tmp_path: Path) -> None:
    episode = Episode("e1", 1, "One", chapters=(Chapter(0, "a"), Chapter(5000, "b")))
    with rig.qtbot.waitSignal(rig.window.podcast_loaded, timeout=5000):
        rig.window.add_podcast(Podcast("file:///x.txt", "Local", episodes=(episode,)))
    assert rig.library.podcast("file:///x.txt") is not None
    assert rig.window.current_episode().guid == "e1"  # type: ignore[union-attr]
