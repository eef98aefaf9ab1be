"""The notes pane: hostile notes render safely and quickly; clicks seek or ask to open."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QThreadPool, QUrl
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from podplayer.core.model import Chapter, Episode, Link
from podplayer.ui.notespane import ASYNC_THRESHOLD, NO_NOTES, NotesPane, chapter_links

HOSTILE = (
    '<p>Intro <b>0:06</b> <a href="javascript:alert(1)">js</a> '
    '<a href="file:///etc/passwd">passwd</a> <a href="https://example.org/x">web</a> '
    '<a href="mailto:a@example.org">mail</a></p>'
    "<script>alert('x')</script><style>p{display:none}</style>"
    '<img src="https://cdn.example/pic.png"><img src="file:///etc/x.png">'
)


def pane(qtbot: QtBot, **kwargs: Any) -> NotesPane:
    widget = NotesPane(**kwargs)
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    widget.show()
    return widget


def test_hostile_notes_render_safely(qtbot: QtBot) -> None:
    notes = pane(qtbot, fetch_image=lambda url: b"")
    notes.set_notes(HOSTILE)
    assert not notes.is_empty()
    text = notes.browser.toPlainText()
    assert "alert" not in text and "display:none" not in text
    assert "js" in text and "passwd" in text and "web" in text
    html = notes.browser.toHtml()
    assert "javascript:" not in html and "file:" not in html and "<img" not in html
    assert notes.result.images_blocked == 2
    assert notes.images_bar.isVisibleTo(notes)


def test_clicks_seek_open_or_are_ignored(qtbot: QtBot) -> None:
    notes = pane(qtbot)
    notes.set_notes(HOSTILE)
    seeks: list[int] = []
    links: list[str] = []
    notes.seek_requested.connect(seeks.append)
    notes.link_requested.connect(links.append)
    for url in (
        "podplayer-seek:6000",
        "https://example.org/x",
        "mailto:a@example.org",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,x",
    ):
        notes.browser.anchorClicked.emit(QUrl(url))
    assert seeks == [6000]
    assert links == ["https://example.org/x", "mailto:a@example.org"]
    # The browser never navigates by itself.
    assert not notes.browser.openLinks() and not notes.browser.openExternalLinks()


def test_browser_loads_no_resources_of_its_own(qtbot: QtBot) -> None:
    notes = pane(qtbot)
    notes.set_notes("<p>x</p>", allow_images=True)
    for url in ("file:///etc/passwd", "https://cdn.example/a.png", "data:image/png;base64,AA"):
        assert notes.browser.loadResource(2, QUrl(url)) is None


def test_allowed_remote_images_load_off_the_gui_thread(qtbot: QtBot) -> None:
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(0)
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    asked: list[str] = []

    def fetch(url: str) -> bytes:
        asked.append(url)
        return bytes(data.data())

    notes = pane(qtbot, fetch_image=fetch, pool=QThreadPool())
    notes.set_notes(HOSTILE, allow_images=True)
    assert "https://cdn.example/pic.png" in notes.html()
    assert "file:" not in notes.html()
    qtbot.waitUntil(lambda: "https://cdn.example/pic.png" in notes.browser.images, timeout=3000)
    assert asked == ["https://cdn.example/pic.png"]


def test_the_load_images_button_asks(qtbot: QtBot) -> None:
    notes = pane(qtbot, fetch_image=lambda url: b"")
    notes.set_notes(HOSTILE)
    with qtbot.waitSignal(notes.images_allowed, timeout=1000) as blocker:
        notes.images_button.click()
    assert blocker.args == [True]


def test_plain_text_and_empty_notes(qtbot: QtBot) -> None:
    notes = pane(qtbot)
    notes.set_notes("First paragraph 0:06\nline two\n\nSecond paragraph")
    assert "Second paragraph" in notes.browser.toPlainText()
    assert notes.html().count("<p>") == 2
    notes.set_notes("")
    assert notes.is_empty() and notes.hint.text() == NO_NOTES


def test_a_megabyte_of_hostile_notes_is_quick(qtbot: QtBot) -> None:
    big = (HOSTILE + "<p>0:06 chapter text https://example.org/y words words</p>\n") * 2800
    assert len(big) > 1_000_000 > ASYNC_THRESHOLD
    notes = pane(qtbot, pool=QThreadPool())
    start = time.perf_counter()
    with qtbot.waitSignal(notes.notes_shown, timeout=10_000):
        notes.set_notes(big)
    elapsed = time.perf_counter() - start
    assert elapsed < 3.0, f"{elapsed:.2f} s"
    assert "alert" not in notes.browser.toPlainText()[:20_000]
    assert "javascript:" not in notes.html()


def test_a_stale_result_is_dropped(qtbot: QtBot) -> None:
    notes = pane(qtbot, pool=QThreadPool())
    notes.set_notes("x " * (ASYNC_THRESHOLD + 10))
    notes.set_notes("Now this")
    qtbot.wait(300)
    assert "Now this" in notes.browser.toPlainText()


def test_chapter_links_follow_the_shown_chapters() -> None:
    episode = Episode(
        "g",
        1,
        "Ep",
        chapters=(Chapter(0, "Intro"), Chapter(60_000, "Topic"), Chapter(120_000, "End")),
        links=(
            Link("a", "https://a.example", 0),
            Link("b", "https://b.example", 1),
            Link("c", "https://c.example", None),
            Link("d", "https://d.example", 2),
        ),
    )
    # Shown chapters from another source: two, the second starting at 60 s.
    shown = (Chapter(0, "Start"), Chapter(60_000, "Rest", url="https://chapter.example"))
    assert [x.url for x in chapter_links(episode, shown, 0)] == ["https://a.example"]
    assert [x.url for x in chapter_links(episode, shown, 1)] == [
        "https://chapter.example",
        "https://b.example",
        "https://d.example",
    ]
    assert chapter_links(episode, shown, 5) == []


def test_ten_megabytes_of_notes_are_read_on_a_worker_and_shown_bounded(qtbot: Any) -> None:
    from podplayer.ui.notespane import MAX_SHOWN_CHARS, NotesPane

    lines = [
        f"<p>{i // 3600}:{i // 60 % 60:02d}:{i % 60:02d} Topic number {i}</p>"
        for i in range(100_000)
    ]
    notes = "".join(lines)
    notes += "<p>" + "filler text " * ((10 * 1024 * 1024 - len(notes)) // 12) + "</p>"
    assert len(notes) >= 10 * 1024 * 1024 - 100
    pane = NotesPane()
    qtbot.addWidget(pane)
    with qtbot.waitSignal(pane.notes_shown, timeout=20_000):
        pane.set_notes(notes, duration_ms=100_000_000)
        # The worker has it: the pane says so meanwhile.
        assert pane.is_empty() and "Reading" in pane.hint.text()
    assert not pane.is_empty()
    assert len(pane.html()) < 4 * MAX_SHOWN_CHARS
    assert "more characters of notes are not shown here" in pane.browser.toPlainText()
    assert "Topic number 0" in pane.browser.toPlainText()
