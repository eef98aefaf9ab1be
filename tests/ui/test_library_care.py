"""The window over a library that lasts: failing feeds kept and shown, feed discovery on a web
page, downloaded episodes marked and deleted, new counts, OPML known by its content, a busy
library told once. Real window (offscreen), loopback HTTP server with real sockets."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from httpserver import Loopback, Resource, loopback_server
from test_library_window import Rig, feed

from podplayer.core.model import Episode, Podcast
from podplayer.ui.models import Role

PAGE = """<!doctype html><html><head><title>The Show</title>
<link rel="alternate" type="application/rss+xml" title="The Show (MP3)" href="{base}/mp3.xml">
<link rel="alternate" type="application/atom+xml" title="The Show (Opus)" href="{base}/opus.xml">
</head><body>Listen!</body></html>"""


@pytest.fixture
def server() -> Iterator[Loopback]:
    with loopback_server() as loop:
        yield loop


@pytest.fixture
def rig(qtbot: Any, tmp_path: Path) -> Iterator[Rig]:
    r = Rig(qtbot, tmp_path / "data")
    yield r
    r.window.tasks.wait(5000)


def _podcast_data(rig: Rig, url: str, role: int) -> Any:
    model = rig.window.podcast_model
    return model.index(model.row_of(url), 0).data(role)


def test_a_failing_feed_is_kept_marked_and_retried(rig: Rig, server: Loopback, settle: Any) -> None:
    url = server.add("/a.xml", Resource(feed("Alpha", server.url(""))))
    rig.refresh([url], subscribe=True)
    server.add("/a.xml", Resource(b"gone", status=404, content_type="text/plain"))
    rig.refresh()
    settle(rig.window)
    failing = _podcast_data(rig, url, Role.FAILING)
    assert failing is not None and failing[1] is not None
    assert _podcast_data(rig, url, Qt.ItemDataRole.DecorationRole) is not None
    tip = _podcast_data(rig, url, Qt.ItemDataRole.ToolTipRole)
    assert "failing since" in tip and "404" in tip and "every refresh" in tip
    assert _podcast_data(rig, url, Role.SUBTITLE).startswith("Failing since")
    asked = sum(1 for path, _h in server.requests if path == "/a.xml")
    rig.refresh()
    assert sum(1 for path, _h in server.requests if path == "/a.xml") == asked + 1
    assert rig.window.podcast_model.row_of(url) >= 0
    # It works again: the mark goes.
    server.add("/a.xml", Resource(feed("Alpha", server.url(""))))
    rig.refresh()
    settle(rig.window)
    assert _podcast_data(rig, url, Role.FAILING) is None
    assert _podcast_data(rig, url, Qt.ItemDataRole.DecorationRole) is None


def test_a_page_with_several_feeds_lets_the_listener_choose(
    rig: Rig, server: Loopback, monkeypatch: pytest.MonkeyPatch, settle: Any
) -> None:
    base = server.url("")
    page = server.add("/show", Resource(PAGE.format(base=base).encode(), content_type="text/html"))
    opus = server.add("/opus.xml", Resource(feed("Opus Show", base)))
    server.add("/mp3.xml", Resource(feed("MP3 Show", base)))
    offered: list[tuple[str, list[str]]] = []

    def choose(_parent: object, url: str, choices: Any) -> Any:
        offered.append((url, [c.title for c in choices]))
        return choices[1]

    monkeypatch.setattr("podplayer.ui.dialogs.choose_feed", choose)
    messages: list[str] = []
    rig.window.message_bar.show_message = (  # type: ignore[method-assign]
        lambda text, kind="error": messages.append(text)
    )
    batches: list[list[Any]] = []
    rig.window.refresh_finished.connect(batches.append)
    rig.window.subscribe(page)
    rig.qtbot.waitUntil(lambda: len(batches) == 2, timeout=15_000)
    # The page's batch subscribed nothing and said nothing; the listener was asked after it,
    # and the chosen feed is subscribed in a batch of its own.
    assert [[(r.url, r.ok, r.subscribed) for r in b] for b in batches] == [
        [(page, False, False)],
        [(opus, True, True)],
    ]
    assert offered == [(page, ["The Show (MP3)", "The Show (Opus)"])]
    settle(rig.window)
    assert messages == []
    assert [p.url for p in rig.window.podcast_model.items()] == [opus]
    assert rig.window.current_podcast().url == opus  # type: ignore[union-attr]
    assert rig.library.podcast(page) is None


def test_declining_the_choice_or_a_page_without_feeds_adds_nothing(
    rig: Rig, server: Loopback, monkeypatch: pytest.MonkeyPatch, settle: Any
) -> None:
    base = server.url("")
    page = server.add("/show", Resource(PAGE.format(base=base).encode(), content_type="text/html"))
    monkeypatch.setattr("podplayer.ui.dialogs.choose_feed", lambda *_a: None)
    rig.refresh([page], subscribe=True)
    bare = server.add("/bare", Resource(b"<html><body>Hi</body></html>", content_type="text/html"))
    rig.refresh([bare], subscribe=True)
    settle(rig.window)
    assert "names no podcast feed" in rig.message()
    assert rig.window.podcast_model.rowCount() == 0
    assert rig.library.podcasts() == []


def _download(rig: Rig, server: Loopback, settle: Any) -> tuple[str, Episode, Path]:
    url = server.add("/a.xml", Resource(feed("Alpha", server.url(""))))
    server.add("/ep3.mp3", Resource(b"ID3" + b"\x00" * 50_000, content_type="audio/mpeg"))
    rig.refresh([url], subscribe=True)
    with rig.qtbot.waitSignal(rig.window.download_finished, timeout=10_000) as blocker:
        rig.window.download_selected()
    settle(rig.window)
    episode = rig.window.current_episode()
    assert episode is not None
    return url, episode, Path(blocker.args[1])


def _mark(rig: Rig, guid: str) -> tuple[bool, str]:
    model = rig.window.episode_model
    index = model.index(model.row_of(guid), 2)
    return index.data(Role.DOWNLOADED), index.data(Qt.ItemDataRole.DisplayRole)


def test_a_download_is_marked_and_the_delete_key_deletes_it(
    rig: Rig, server: Loopback, settle: Any
) -> None:
    url, episode, path = _download(rig, server, settle)
    assert path.is_file()
    # In the user's data folder, never the cache.
    assert "cache" not in path.parts
    downloaded, text = _mark(rig, episode.guid)
    assert downloaded and text.startswith("⤓")
    assert rig.library.downloads(url) == {episode.guid: str(path)}
    rig.window.episode_view.setFocus()
    with rig.qtbot.waitSignal(rig.window.downloads.deleted, timeout=10_000):
        QTest.keyClick(rig.window.episode_view, Qt.Key.Key_Delete)
    settle(rig.window)
    assert not path.exists()
    assert rig.library.downloads(url) == {}
    assert _mark(rig, episode.guid)[0] is False


def test_the_menu_deletes_a_download(rig: Rig, server: Loopback, settle: Any) -> None:
    url, episode, path = _download(rig, server, settle)
    menu = rig.window.episode_menu(episode)
    (delete,) = [a for a in menu.actions() if a.text() == "&Delete download"]
    with rig.qtbot.waitSignal(rig.window.downloads.deleted, timeout=10_000):
        delete.trigger()
    settle(rig.window)
    assert not path.exists() and rig.library.downloads(url) == {}
    menu = rig.window.episode_menu(rig.window.current_episode())  # type: ignore[arg-type]
    assert "&Download" in [a.text() for a in menu.actions()]


def test_a_failed_download_is_told_in_words(rig: Rig, server: Loopback, settle: Any) -> None:
    url = server.add("/a.xml", Resource(feed("Alpha", server.url(""))))
    server.add("/ep3.mp3", Resource(b"missing", status=404, content_type="text/plain"))
    rig.refresh([url], subscribe=True)
    with rig.qtbot.waitSignal(rig.window.download_finished, timeout=10_000) as blocker:
        rig.window.download_selected()
    settle(rig.window)
    assert blocker.args[1] == ""
    message = rig.message()
    assert message.startswith("The download failed. The server says there is nothing")
    assert "downloading again goes on from there" in message
    assert "http://" not in message and "answered" not in message
    assert rig.library.downloads(url) == {}


@pytest.mark.parametrize("delete", [True, False])
def test_unsubscribing_asks_whether_to_delete_the_downloads(
    rig: Rig, server: Loopback, monkeypatch: pytest.MonkeyPatch, settle: Any, delete: bool
) -> None:
    url, _episode, path = _download(rig, server, settle)
    asked: list[int] = []

    def ask(_parent: object, _title: str, count: int) -> bool:
        asked.append(count)
        return delete

    monkeypatch.setattr("podplayer.ui.dialogs.ask_delete_downloads", ask)
    rig.window.dialogs.unsubscribe_selected()
    rig.qtbot.waitUntil(lambda: rig.window.podcast_model.rowCount() == 0, timeout=10_000)
    settle(rig.window)
    assert asked == [1]
    assert rig.library.podcast(url) is None
    assert path.exists() is not delete


def test_new_counts_come_from_the_library_and_drop_when_played(
    rig: Rig, server: Loopback, qtbot: Any, tmp_path: Path, settle: Any
) -> None:
    url = server.add("/a.xml", Resource(feed("Alpha", server.url(""), count=1)))
    rig.refresh([url], subscribe=True)
    settle(rig.window)
    assert _podcast_data(rig, url, Role.NEW_COUNT) == 0
    server.add("/a.xml", Resource(feed("Alpha", server.url(""), count=3)))
    rig.refresh([url])
    settle(rig.window)
    assert _podcast_data(rig, url, Role.NEW_COUNT) == 2
    assert _podcast_data(rig, url, Role.SUBTITLE).startswith("2 new")
    rig.close()
    # Stored: the count is there after a restart.
    again = Rig(qtbot, rig.library.path.parent)
    settle(again.window)
    assert _podcast_data(again, url, Role.NEW_COUNT) == 2
    (newest,) = [g for g in again.library.new_guids(url) if g.endswith("Alpha-3")]
    assert again.window.episode_model.is_new(newest)
    assert again.window.select_episode(newest)
    again.window.play_selected_episode()
    again.window.save_position()
    qtbot.waitUntil(lambda: _podcast_data(again, url, Role.NEW_COUNT) == 1, timeout=10_000)
    assert not again.window.episode_model.is_new(newest)
    assert again.library.new_counts() == {url: 1}
    again.window.mark_selected_seen()
    qtbot.waitUntil(lambda: _podcast_data(again, url, Role.NEW_COUNT) == 0, timeout=10_000)
    assert again.library.new_counts() == {}
    again.close()


def _opml(path: Path, urls: list[str]) -> Path:
    outlines = "".join(
        f'<outline type="rss" text="S{i}" xmlUrl="{u}"/>' for i, u in enumerate(urls)
    )
    path.write_text(
        f'<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head>'
        f"<body>{outlines}</body></opml>"
    )
    return path


def test_an_opml_file_named_xml_is_imported_when_opened(
    rig: Rig, server: Loopback, tmp_path: Path, settle: Any
) -> None:
    urls = [server.add(f"/f{i}.xml", Resource(feed(f"Show{i}", server.url("")))) for i in range(2)]
    subs = _opml(tmp_path / "subs.xml", urls)
    with rig.qtbot.waitSignal(rig.window.refresh_finished, timeout=15_000):
        rig.window.load_sources([subs])
    settle(rig.window)
    assert sorted(p.url for p in rig.window.podcast_model.items()) == sorted(urls)


def test_an_imported_feed_that_fails_today_stays_subscribed_and_exported(
    rig: Rig, server: Loopback, tmp_path: Path, settle: Any
) -> None:
    good = server.add("/good.xml", Resource(feed("Good", server.url(""))))
    bad = server.add("/bad.xml", Resource(b"gone", status=404, content_type="text/plain"))
    with rig.qtbot.waitSignal(rig.window.refresh_finished, timeout=15_000):
        rig.window.import_opml(_opml(tmp_path / "subs.opml", [good, bad]))
    settle(rig.window)
    assert sorted(p.url for p in rig.window.podcast_model.items()) == sorted([good, bad])
    assert _podcast_data(rig, bad, Role.FAILING) is not None
    assert _podcast_data(rig, good, Role.FAILING) is None
    out = tmp_path / "out.opml"
    assert rig.window.export_opml(out)
    assert bad in out.read_text() and good in out.read_text()
    # Retried at the next refresh: it works now.
    server.add("/bad.xml", Resource(feed("Back", server.url(""))))
    rig.refresh()
    settle(rig.window)
    assert _podcast_data(rig, bad, Role.FAILING) is None
    assert _podcast_data(rig, bad, Qt.ItemDataRole.DisplayRole) == "Back"


def test_an_opml_file_dropped_on_the_window_is_imported(
    rig: Rig, server: Loopback, tmp_path: Path, settle: Any
) -> None:
    url = server.add("/f.xml", Resource(feed("Dropped", server.url(""))))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(_opml(tmp_path / "list.opml", [url])))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with rig.qtbot.waitSignal(rig.window.refresh_finished, timeout=15_000):
        rig.window.dropEvent(event)
    assert event.isAccepted()
    settle(rig.window)
    assert [p.url for p in rig.window.podcast_model.items()] == [url]


def test_a_busy_library_is_told_once_in_words(rig: Rig, server: Loopback, settle: Any) -> None:
    url = server.add("/a.xml", Resource(feed("Alpha", server.url(""))))
    rig.refresh([url], subscribe=True)
    settle(rig.window)
    episodes = rig.window.current_podcast().episodes  # type: ignore[union-attr]
    told: list[str] = []
    rig.window.storage.told.connect(told.append)
    # Another program holds the library locked.
    other = sqlite3.connect(rig.library.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        for episode in episodes[:2]:
            rig.window.mark_played(episode)
        rig.qtbot.waitUntil(lambda: not rig.window.tasks.busy, timeout=30_000)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(told) == 1
    assert "in use by another program" in told[0]
    assert "sqlite" not in told[0].lower() and "locked" not in told[0].lower()
    assert rig.message() == told[0]


_READ_ONLY_WINDOW = """
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication
from podplayer.ui.widgets import MessageBar

app = QApplication([])
shown = []
original = MessageBar.show_message


def record(self, text, kind="error"):
    shown.append(text)
    original(self, text, kind)


MessageBar.show_message = record

from podplayer.app import build_window
from podplayer.core import sources
from podplayer.core.library import Library
from podplayer.ui.loader import SourceLoader

def wait_for(condition):
    deadline = time.monotonic() + 30
    while not condition() and time.monotonic() < deadline:
        app.processEvents()
    assert condition()

library = Library(Path(sys.argv[1]))
window = build_window(SourceLoader(lambda p: sources.load(str(p)), QThreadPool()), library=library)
window.show()
wait_for(lambda: window.current_episode() is not None and not window.tasks.busy)
for episode in window.current_podcast().episodes[:2]:
    window.mark_played(episode)
window.set_podcast_prefs(window.current_podcast().url, window.podcast_prefs("x"))
wait_for(lambda: not window.tasks.busy and not window.browser.busy)
print(json.dumps({"read_only": library.read_only, "shown": shown}))
"""


def test_a_read_only_library_is_told_once_and_the_window_goes_on(tmp_path: Path) -> None:
    import json
    import os
    import subprocess

    from podplayer.core.library import FILE_NAME, Library

    folder = tmp_path / "ro"
    with Library(folder / FILE_NAME) as library:
        library.add_podcast(
            Podcast(
                "https://example.org/feed.xml",
                "Test Show",
                episodes=(Episode("ep-1", 1, "One"), Episode("ep-2", 2, "Two")),
            )
        )
    check = [sys.executable, "-c", _READ_ONLY_WINDOW, str(folder / FILE_NAME)]
    if os.geteuid() == 0:
        # Root writes any file whatever its mode: a read-only mount of the folder instead, in
        # a mount namespace of the child's own.
        mount = f'mount --bind -o ro {folder} {folder} && exec "$@"'
        command = ["unshare", "--mount", "sh", "-c", mount, "sh", *check]
    else:
        (folder / FILE_NAME).chmod(0o444)
        folder.chmod(0o555)
        command = check
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
    finally:
        folder.chmod(0o755)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["read_only"]
    (told,) = answer["shown"]
    assert "read-only" in told and "not saved" in told
    assert "sqlite" not in told.lower() and "readonly" not in told.lower()
