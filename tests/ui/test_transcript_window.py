"""Transcripts in the window, from a feed served on loopback with a VTT, an SRT and a JSON
transcript (real files, tests/data/transcripts): each is read on a worker and shown in the
Transcript tab, follows the playing episode, a click on a line plays from there, chapter starts
are marked, "Chapters from the transcript" makes a list for an episode without one, and a search
finds the words said."""

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
from podplayer.core.model import ChapterSource
from podplayer.playback.base import PlayerState
from podplayer.playback.null import NullPlayer
from podplayer.playback.session import PlaybackSession
from podplayer.ui.episodepane import TRANSCRIPT_TAB
from podplayer.ui.loader import SourceLoader

pytestmark = pytest.mark.timeout(120)

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "data" / "transcripts"
FILES = {
    # guid: (path on the server, golden file, MIME type)
    "vtt": ("/t/10-things.vtt", "namespace-buzzsprout-10-things.vtt", "text/vtt"),
    "srt": ("/t/124.srt", "podcasting20-episode-124-excerpt.srt", "application/x-subrip"),
    "json": ("/t/weekly.json", "podnews-weekly-2023-05-05.json", "application/json"),
}


# The SRT episode names a Spanish transcript too (after the English one: shown on request).
SPANISH = '<podcast:transcript url="{base}/t/es.vtt" type="text/vtt" language="es"/>'


def _guid(fmt: str) -> str:
    return f"urn:transcribed:{fmt}"


def _feed(base: str) -> bytes:
    items = []
    for n, (guid, (path, _name, mime)) in enumerate(FILES.items()):
        chapters = "<description>0:00 Welcome\n5:00 The middle\n9:00 Goodbye</description>"
        items.append(
            f"<item><title>Episode {guid}</title><guid>{_guid(guid)}</guid>"
            f'<enclosure url="{base}/{guid}.mp3" type="audio/mpeg" length="100"/>'
            f'<podcast:transcript url="{base}{path}" type="{mime}" language="en"/>'
            f"{SPANISH.format(base=base) if guid == 'srt' else ''}"
            f"{chapters if n == 0 else '<description>No times in here.</description>'}</item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>'
        f"<title>Transcribed</title>{''.join(items)}</channel></rss>"
    ).encode()


class Rig:
    def __init__(self, qtbot: Any, data: Path, server: Loopback) -> None:
        self.qtbot = qtbot
        self.server = server
        self.player = NullPlayer(duration_ms=3_600_000)
        self.session = PlaybackSession(self.player)
        self.library = Library(data / FILE_NAME)
        self.window = build_window(
            SourceLoader(lambda p: sources.load(str(p)), QThreadPool()),
            self.session,
            self.library,
        )
        qtbot.addWidget(self.window)
        self.window.resize(1200, 800)
        self.window.show()
        self.pane = self.window.episode_pane.transcript_pane
        base = server.url("")
        for path, name, mime in FILES.values():
            server.add(path, Resource((TRANSCRIPTS / name).read_bytes(), content_type=mime))
        spanish = (TRANSCRIPTS / "kde-express-16-telegram.vtt").read_bytes()
        server.add("/t/es.vtt", Resource(spanish, content_type="text/vtt"))
        self.url = server.add("/feed.xml", Resource(_feed(base)))
        with qtbot.waitSignal(self.window.refresh_finished, timeout=15_000):
            self.window.subscribe(self.url)
        qtbot.waitUntil(lambda: self.window.episode_model.rowCount() == len(FILES), timeout=10_000)

    def show(self, fmt: str) -> None:
        """Select the episode and wait for its transcript to be in the pane."""
        window = self.window
        guid = _guid(fmt)
        if window.current_episode() is not None and window.current_episode().guid == guid:
            window.select_episode(next(_guid(f) for f in FILES if f != fmt))
        with self.qtbot.waitSignal(window.transcripts.loaded, timeout=15_000) as blocker:
            assert window.select_episode(guid), [e.guid for e in window.episode_model.items()]
        assert blocker.args == [self.url, guid]
        window.episode_pane.notes_tabs.setCurrentIndex(TRANSCRIPT_TAB)

    def click_line(self, row: int) -> None:
        view = self.pane.view
        index = self.pane.model.index(row, 0)
        view.scrollTo(index)
        rect = view.visualRect(index)
        assert rect.isValid()
        self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    def requests(self, path: str) -> int:
        return sum(1 for seen, _headers in self.server.requests if seen == path)


@pytest.fixture
def rig(qtbot: Any, tmp_path: Path) -> Iterator[Rig]:
    with loopback_server() as server:
        r = Rig(qtbot, tmp_path / "data", server)
        yield r
        r.window.tasks.wait(5000)


@pytest.mark.parametrize("guid", list(FILES))
def test_each_format_is_shown_timed_and_cached(rig: Rig, guid: str) -> None:
    rig.show(guid)
    transcript = rig.window.transcripts.transcript
    assert transcript is not None and transcript.timed
    assert transcript.format == guid
    assert rig.pane.model.rowCount() == len(transcript.cues) > 10
    assert rig.pane.view.isVisible()
    assert rig.window.episode_pane.notes_tabs.isTabEnabled(TRANSCRIPT_TAB)
    # Shown again: read from the library, not fetched again.
    rig.show(guid)
    assert rig.requests(FILES[guid][0]) == 1
    assert rig.library.transcript(_guid(guid), podcast_url=rig.url) is not None


def test_the_pane_follows_the_playing_episode_only(rig: Rig) -> None:
    rig.show("srt")
    model = rig.pane.model
    assert rig.window.playback.play(rig.window.current_podcast(), rig.window.current_episode())
    rig.qtbot.waitUntil(lambda: rig.player.state is PlayerState.PLAYING)
    rig.player.seek(13_000)  # "podcasting 2.0 preserving," is said from 0:12.990
    rig.qtbot.waitUntil(lambda: model.current_row == 2)
    # Another episode shown while this one plays: its transcript does not follow.
    rig.show("json")
    rig.player.seek(20_000)
    assert rig.pane.model.current_row == -1


def test_a_click_on_a_line_plays_from_it(rig: Rig) -> None:
    rig.show("vtt")
    model = rig.pane.model
    cue = model.cue(40)
    assert cue is not None and cue.start_ms is not None
    # Not playing yet: the click plays the shown episode from that line.
    rig.click_line(40)
    rig.qtbot.waitUntil(lambda: rig.player.state is PlayerState.PLAYING)
    assert rig.window.playback.is_current(rig.url, _guid("vtt"))
    assert rig.player.position() == cue.start_ms
    rig.qtbot.waitUntil(lambda: model.current_row == 40)
    # Playing: a click on another line seeks there.
    later = model.cue(120)
    assert later is not None and later.start_ms is not None
    rig.click_line(120)
    rig.qtbot.waitUntil(lambda: rig.player.position() == later.start_ms)
    rig.qtbot.waitUntil(lambda: model.current_row == 120)


def test_chapter_starts_are_marked(rig: Rig) -> None:
    rig.show("vtt")
    rig.qtbot.waitUntil(lambda: len(rig.window.chapter_model.items()) == 3, timeout=10_000)
    rig.qtbot.waitUntil(lambda: len(rig.pane.model.chapter_rows()) == 3)
    assert not rig.window.episode_pane.derive_chapters_button.isVisible()


def test_chapters_from_the_transcript_for_an_episode_without_any(rig: Rig) -> None:
    rig.show("json")
    window = rig.window
    rig.qtbot.waitUntil(lambda: not window.tasks.busy)
    assert window.chapter_model.items() == ()
    button = window.episode_pane.derive_chapters_button
    assert button.isVisible()
    with rig.qtbot.waitSignal(window.chapters_gathered, timeout=10_000):
        rig.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    chapters = window.chapter_model.items()
    assert len(chapters) >= 2
    assert {c.source for c in chapters} == {ChapterSource.TRANSCRIPT}
    assert not button.isVisible()
    assert window.chapter_sources() == [ChapterSource.TRANSCRIPT]
    stored = rig.library.chapter_lists(_guid("json"), podcast_url=rig.url)
    assert list(stored) == [ChapterSource.TRANSCRIPT]


def test_search_finds_the_words_said_and_plays_from_them(rig: Rig) -> None:
    rig.show("srt")
    window = rig.window
    window.search_box.setText("delayed board meeting")
    rig.qtbot.waitUntil(lambda: window.search_model.rowCount() > 0, timeout=5000)
    hit = window.search_model.items()[0]
    assert hit.episode_guid == _guid("srt") and hit.line is not None
    assert hit.start_ms == 6_210  # "to a delayed board meeting of" at 00:00:06,210
    assert window.open_search_hit(hit)
    rig.qtbot.waitUntil(lambda: rig.player.state is PlayerState.PLAYING)
    assert rig.player.position() == 6_210


def test_another_language_on_request(rig: Rig) -> None:
    rig.show("srt")
    box = rig.pane.language_box
    assert box.isVisible()
    assert [box.itemText(i) for i in range(box.count())] == ["en", "es"]
    assert box.currentText() == "en"
    with rig.qtbot.waitSignal(rig.window.transcripts.loaded, timeout=15_000):
        box.setCurrentIndex(1)
        box.activated.emit(1)
    transcript = rig.window.transcripts.transcript
    assert transcript is not None and transcript.format == "vtt"
    assert "Telegram" in " ".join(c.text for c in transcript.cues)
    assert box.currentText() == "es"
    hits = [h for h in rig.library.search("canal oficial") if h.line]
    assert hits and hits[0].episode_guid == _guid("srt") and hits[0].start_ms == 42_640
