"""What a listener met in the window (issue 11), driven the way they did it: Locate audio then
Space, a file opened on a first start, desktop arguments, a restart, labels and the title."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThreadPool

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from httpserver import Loopback, Resource, loopback_server

from podplayer.app import build_window
from podplayer.core import sources
from podplayer.core.library import FILE_NAME, Library
from podplayer.core.model import Chapter, Episode, Podcast
from podplayer.core.paths import demo_audio, demo_notes
from podplayer.playback.base import PlayerState
from podplayer.playback.null import NullPlayer
from podplayer.playback.session import PlaybackSession
from podplayer.ui.entry import EntryKind, classify_entry
from podplayer.ui.loader import DEMO_TITLE, SourceLoader

SHOW_URL = "file:///show.txt"


def show(audio: Path) -> Podcast:
    chapters = tuple(Chapter(i * 10_000, f"Part {i + 1}") for i in range(6))
    return Podcast(
        url=SHOW_URL,
        title="Show",
        episodes=(
            Episode("ep-2", 2, "With audio", duration_ms=60_000, local_path=str(audio),
                    chapters=chapters),
            Episode("ep-1", 1, "Other", duration_ms=60_000, local_path=str(audio),
                    chapters=chapters),
        ),
    )  # fmt: skip


class Rig:
    def __init__(self, qtbot: Any, data: Path, load: Any, durations: dict[str, int]) -> None:
        self.qtbot = qtbot
        self.player = NullPlayer(duration_ms=60_000, durations=durations)
        self.session = PlaybackSession(self.player)
        self.library = Library(data / FILE_NAME)
        self.window = build_window(SourceLoader(load, QThreadPool()), self.session, self.library)
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.window.activateWindow()

    def load(self, path: Path = Path("show.txt")) -> None:
        with self.qtbot.waitSignal(self.window.podcast_loaded, timeout=5000):
            self.window.load_sources([path])

    def space(self) -> None:
        self.qtbot.keyClick(self.window, Qt.Key.Key_Space)

    def wait(self, state: PlayerState) -> None:
        self.qtbot.waitUntil(lambda: self.player.state is state, timeout=3000)

    def close(self) -> None:
        self.window.close()
        self.window.tasks.wait(5000)
        self.library.close()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.mp3", tmp_path / "new.mp3"
    old.write_bytes(b"ID3 old")
    new.write_bytes(b"ID3 new")
    return old, new


@pytest.fixture
def rig(qtbot: Any, tmp_path: Path, files: tuple[Path, Path]) -> Iterator[Rig]:
    old, new = files
    durations = {str(old.resolve()): 60_000, str(new.resolve()): 90_000}
    r = Rig(qtbot, tmp_path / "data", lambda _p: show(old), durations)
    yield r
    r.window.tasks.wait(5000)


def test_locate_audio_on_a_paused_episode_then_space_plays_the_new_file(
    rig: Rig, files: tuple[Path, Path]
) -> None:
    _old, new = files
    rig.load()
    rig.window.play_chapter(rig.window.current_episode(), 2)  # type: ignore[arg-type]
    rig.wait(PlayerState.PLAYING)
    rig.player.advance(3_000)
    rig.space()
    rig.wait(PlayerState.PAUSED)
    assert rig.window.attach_audio(str(new))
    rig.space()
    rig.wait(PlayerState.PLAYING)
    assert rig.player.source == str(new.resolve())
    assert rig.player.duration() == 90_000
    assert rig.window.transport.remaining_label.text().startswith("-1:")
    assert abs(rig.player.position() - 23_000) < 1000
    # One chapter marked as playing: the one at the position, in the new file.
    assert rig.window.chapter_model.current_row == 2


def test_on_a_first_start_an_opened_file_plays_not_the_selected_demo(rig: Rig) -> None:
    tagged = Path(__file__).resolve().parents[1] / "data" / "tags" / "id3-chap-ctoc.mp3"
    with rig.qtbot.waitSignal(rig.window.podcast_loaded, timeout=5000):
        rig.window.load_demo(demo_notes(), demo_audio())
    assert rig.window.current_podcast().title == DEMO_TITLE  # type: ignore[union-attr]
    with rig.qtbot.waitSignal(rig.window.podcast_loaded, timeout=5000):
        rig.window.open_sources([tagged.as_uri()])
    rig.wait(PlayerState.PLAYING)
    assert rig.player.loaded == [str(tagged)]
    assert rig.window.current_episode().local_path == str(tagged)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("given", "kind", "target"),
    [
        ("file:///tmp/x.mp3", EntryKind.AUDIO_FILE, "/tmp/x.mp3"),
        ("file:///tmp/My%20Show.opml", EntryKind.OPML, "/tmp/My Show.opml"),
        ("/tmp/notes.txt", EntryKind.DOCUMENT, "/tmp/notes.txt"),
        ("feed://host/feed.xml", EntryKind.FEED, "http://host/feed.xml"),
        ("feed:https://host/feed.xml", EntryKind.FEED, "https://host/feed.xml"),
        ("podcast://host/feed.xml", EntryKind.FEED, "http://host/feed.xml"),
        ("itpc://host/show.mp3", EntryKind.FEED, "http://host/show.mp3"),
        ("https://host/ep.mp3", EntryKind.AUDIO_URL, "https://host/ep.mp3"),
        ("https://host/rss", EntryKind.FEED, "https://host/rss"),
        ("javascript:alert(1)", EntryKind.REFUSED, "javascript:alert(1)"),
    ],
)
def test_desktop_arguments_are_read_as_a_file_manager_and_browser_mean_them(
    given: str, kind: EntryKind, target: str
) -> None:
    entry = classify_entry(given)
    assert (entry.kind, entry.target) == (kind, target)


def test_a_feed_scheme_argument_subscribes(rig: Rig) -> None:
    with loopback_server() as server:
        url = server.add("/a.xml", Resource(_feed(server)))
        rig.window.loader.load_function = lambda p: sources.load(str(p))
        with rig.qtbot.waitSignal(rig.window.refresh_finished, timeout=15_000) as blocker:
            rig.window.open_sources(["feed://" + url.removeprefix("http://")])
        assert [r.ok for r in blocker.args[0]] == [True]
        assert rig.window.current_podcast().url == url  # type: ignore[union-attr]


def _feed(server: Loopback) -> bytes:
    base = server.url("")
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Alpha</title>'
        f'<item><title>One</title><guid>a-1</guid><enclosure url="{base}/1.mp3" '
        'type="audio/mpeg" length="1"/></item></channel></rss>'
    ).encode()


def test_open_uri_of_a_local_document_is_refused(rig: Rig, tmp_path: Path) -> None:
    from podplayer.ui.entry import OPEN_URI_KINDS

    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    rig.window.open_sources([secret.as_uri()], OPEN_URI_KINDS)
    assert "only web addresses and audio files" in rig.window.message_bar.text()
    assert not rig.window.loader.busy
    assert rig.library.podcasts() == []


def test_after_a_restart_space_continues_the_last_episode_where_it_stopped(
    qtbot: Any, rig: Rig, tmp_path: Path, files: tuple[Path, Path]
) -> None:
    old, _new = files
    rig.load()
    rig.window.select_episode("ep-1")
    rig.window.play_selected_episode()
    rig.wait(PlayerState.PLAYING)
    rig.player.advance(17_000)
    rig.close()

    again = Rig(qtbot, tmp_path / "data", lambda _p: show(old), {})
    with qtbot.waitSignal(again.window.playback.restored, timeout=5000):
        again.window.playback.restore()
    assert again.window.transport.chapter_title.text() != "Nothing playing"
    assert again.window.transport.elapsed_label.text() == "0:17"
    again.space()
    again.wait(PlayerState.PLAYING)
    assert again.player.source == str(old.resolve())
    assert abs(again.player.position() - 17_000) < 1000
    assert again.session.episode.guid == "ep-1"  # type: ignore[union-attr]
    assert "Other" in again.window.windowTitle()
    again.close()


def test_skip_buttons_read_the_same_before_and_after_settings(rig: Rig) -> None:
    bar = rig.window.transport
    first = (bar.back_button.text(), bar.forward_button.text())
    bar.set_skip_intervals(10_000, 30_000)
    assert first == ("−15", "+30")
    assert (bar.back_button.text(), bar.forward_button.text()) == ("−10", "+30")


def test_the_title_says_what_plays(rig: Rig) -> None:
    rig.load()
    assert rig.window.windowTitle() == "podplayer"
    rig.window.play_selected_episode()
    rig.wait(PlayerState.PLAYING)
    assert rig.window.windowTitle().startswith("With audio")


def _menu_action(menu: Any, text: str) -> Any:
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def test_the_episode_menu_queues_marks_copies_and_opens(rig: Rig, url_trap: Any) -> None:
    from PySide6.QtGui import QGuiApplication

    rig.load()
    first, second = rig.window.current_podcast().episodes  # type: ignore[union-attr]
    texts = [a.text().replace("&", "") for a in rig.window.episode_menu(first).actions()]
    for wanted in ("Play next", "Add to Up next", "Mark as played", "Copy link", "Open web page"):
        assert wanted in texts
    rig.window.play_selected_episode()
    rig.wait(PlayerState.PLAYING)
    _menu_action(rig.window.episode_menu(second), "Add to Up next").trigger()
    assert rig.window.playback.queue() == [second]
    assert "Remove from Up next" in [
        a.text().replace("&", "") for a in rig.window.episode_menu(second).actions()
    ]
    for _ in range(12):  # listened through to the end
        rig.player.advance(5_000)
    rig.qtbot.waitUntil(lambda: rig.session.episode == second, timeout=3000)
    rig.wait(PlayerState.PLAYING)
    assert rig.window.playback.queue() == []
    with rig.qtbot.waitSignal(rig.window.playback.state_saved):
        _menu_action(rig.window.episode_menu(first), "Mark as unplayed").trigger()
    assert not rig.library.play_state("ep-2", podcast_url=SHOW_URL).played

    web = Episode(
        "https://example.org/ep/7", 7, "On the web", audio_url="https://example.org/7.mp3"
    )
    menu = rig.window.episode_menu(web)
    _menu_action(menu, "Copy link").trigger()
    assert QGuiApplication.clipboard().text() == "https://example.org/ep/7"
    _menu_action(menu, "Open web page").trigger()
    assert url_trap.urls == ["https://example.org/ep/7"]


def test_chapter_selection_follows_the_playing_chapter(rig: Rig) -> None:
    rig.load()
    view = rig.window.chapter_view
    rig.window.chapter_view.scrollToBottom()
    rig.window.play_chapter(rig.window.current_episode(), 1)  # type: ignore[arg-type]
    rig.wait(PlayerState.PLAYING)
    assert view.currentIndex().row() == 1
    rig.player.advance(25_000)  # into chapter 4 (30 s)
    rig.qtbot.waitUntil(lambda: rig.window.chapter_model.current_row == 3)
    assert [i.row() for i in view.selectionModel().selectedRows()] == [3]
    assert view.currentIndex().row() == 3


def test_a_new_episode_s_chapters_start_at_the_top(rig: Rig, files: tuple[Path, Path]) -> None:
    many = tuple(Chapter(i * 10_000, f"Part {i + 1}") for i in range(40))
    episodes = tuple(
        Episode(f"ep-{n}", n, f"Long {n}", local_path=str(files[0]), chapters=many) for n in (1, 2)
    )
    rig.window.loader.load_function = lambda _p: Podcast(SHOW_URL, "Show", episodes=episodes)
    rig.load()
    bar = rig.window.chapter_view.verticalScrollBar()
    rig.window.chapter_view.scrollToBottom()
    assert bar.value() > 0
    rig.window.select_episode("ep-2")
    assert rig.window.current_episode().guid == "ep-2"  # type: ignore[union-attr]
    assert bar.value() == 0


def test_the_message_banner_does_not_move_the_lists(rig: Rig) -> None:
    rig.load()
    before = rig.window.episode_view.mapTo(rig.window, rig.window.episode_view.rect().topLeft())
    rig.window.show_message("Something to say, in a banner that comes and goes")
    assert rig.window.message_bar.isVisible()
    after = rig.window.episode_view.mapTo(rig.window, rig.window.episode_view.rect().topLeft())
    assert before == after


def test_the_last_chapter_s_length_comes_from_the_playing_file(
    rig: Rig, files: tuple[Path, Path]
) -> None:
    old, _new = files
    podcast = Podcast(
        SHOW_URL,
        "Show",
        episodes=(
            Episode("ep-9", 9, "No length", local_path=str(old),
                    chapters=(Chapter(0, "One"), Chapter(40_000, "Two"))),
        ),
    )  # fmt: skip
    rig.window.loader.load_function = lambda _p: podcast
    rig.load()
    assert rig.window.chapter_model.index(1, 2).data() in ("", None)
    rig.window.play_selected_episode()
    rig.wait(PlayerState.PLAYING)
    rig.qtbot.waitUntil(lambda: rig.window.chapter_model.index(1, 2).data() == "0:20")


def test_the_window_fits_a_small_screen_and_keeps_a_minimum(qtbot: Any, tmp_path: Path) -> None:
    import json
    import os
    import subprocess

    code = (
        "import json, sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from PySide6.QtCore import QThreadPool\n"
        "from pathlib import Path\n"
        "app = QApplication(sys.argv)\n"
        "from podplayer.core.library import Library\n"
        "from podplayer.core.model import Podcast\n"
        "from podplayer.ui.loader import SourceLoader\n"
        "from podplayer.app import build_window\n"
        "w = build_window(SourceLoader(lambda p: Podcast('', ''), QThreadPool()), None,\n"
        "               Library(Path(sys.argv[1])))\n"
        "w.show()\n"
        "free = w.screen().availableGeometry()\n"
        "m = w.minimumSize()\n"
        "print(json.dumps([w.width(), w.height(), free.width(), free.height(),\n"
        "                  m.width(), m.height(), w.devicePixelRatioF()]))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "lib.sqlite")],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    width, height, free_w, free_h, min_w, min_h, ratio = json.loads(out.stdout.splitlines()[-1])
    assert ratio == 2
    assert width <= free_w and height <= free_h
    assert min_w <= free_w and min_h <= free_h
    # On a roomy screen the minimum keeps every pane usable.
    from podplayer.ui.mainwindow import MINIMUM_SIZE

    assert MINIMUM_SIZE.width() >= 700 and MINIMUM_SIZE.height() >= 500
