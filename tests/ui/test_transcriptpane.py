"""The transcript pane on a real transcript: follows playback, pauses while the listener
scrolls, seeks on a click, marks chapters, finds and steps through matches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSlider, QApplication
from pytestqt.qtbot import QtBot

from podplayer.core.transcripts import (
    Transcript,
    chapters_from_transcript,
    parse_transcript,
)
from podplayer.ui.transcriptmodel import TranscriptModel, TranscriptRole
from podplayer.ui.transcriptpane import NO_TRANSCRIPT, UNTIMED, TranscriptPane

DATA = Path(__file__).resolve().parents[1] / "data" / "transcripts"


def load(name: str) -> Transcript:
    return parse_transcript((DATA / name).read_bytes(), name=name)


@pytest.fixture
def srt() -> Transcript:
    return load("namespace-buzzsprout-10-things.srt")


def make_pane(qtbot: QtBot, transcript: Transcript | None, **kwargs: Any) -> TranscriptPane:
    pane = TranscriptPane(**kwargs)
    qtbot.addWidget(pane)
    pane.resize(420, 360)
    pane.show()
    qtbot.waitExposed(pane)
    pane.set_transcript(transcript)
    settle(pane)
    return pane


def settle(pane: TranscriptPane) -> None:
    """Let the view apply its pending layout and scrolling."""
    QApplication.processEvents()


def visible(pane: TranscriptPane, row: int) -> bool:
    rect = pane.view.visualRect(pane.model.index(row))
    return rect.isValid() and pane.view.viewport().rect().intersects(rect)


@pytest.mark.parametrize(
    "name",
    [None, "namespace-buzzsprout-10-things.srt", "namespace-buzzsprout-10-things.html"],
)
def test_model_passes_the_model_tester(qtmodeltester: Any, name: str | None) -> None:
    model = TranscriptModel()
    transcript = load(name) if name else None
    model.set_transcript(transcript)
    if transcript is not None:
        model.set_chapters(chapters_from_transcript(transcript))
        model.set_current(3)
        model.set_matches(model.find("podcast"))
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)


def test_lines_show_time_and_the_speaker_where_the_voice_changes(srt: Transcript) -> None:
    model = TranscriptModel()
    model.set_transcript(srt)
    first = model.index(0)
    assert model.data(first) == "Travis\n0:00  When you first get started in podcasting, it's"
    assert (
        model.data(model.index(1))
        == "0:02  almost guaranteed that you're going to make a handful of rookie"
    )
    sarah = next(i for i, c in enumerate(srt.cues) if c.speaker == "Sarah")
    assert model.data(model.index(sarah)).startswith("Sarah\n0:53  Creating good audio")
    assert model.data(model.index(sarah), TranscriptRole.TURN) is True
    assert model.data(model.index(sarah + 1), TranscriptRole.TURN) is False


def test_position_highlights_the_line_being_said(qtbot: QtBot, srt: Transcript) -> None:
    pane = make_pane(qtbot, srt)
    model = pane.model
    pane.set_position(0)
    assert model.current_row == -1  # before the first line (0.179 s)
    pane.set_position(53_030)
    row = model.current_row
    assert srt.cues[row].start_ms == 53_030 and srt.cues[row].speaker == "Sarah"
    assert model.data(model.index(row), TranscriptRole.CURRENT) is True
    assert model.data(model.index(row), Qt.ItemDataRole.BackgroundRole) is not None
    pane.set_position(53_031)
    assert model.current_row == row
    assert visible(pane, row)
    last = len(srt.cues) - 1
    pane.set_position(10**9)
    settle(pane)
    assert model.current_row == last and visible(pane, last)


def test_a_scroll_pauses_the_follow_until_the_delay_ends(qtbot: QtBot, srt: Transcript) -> None:
    pane = make_pane(qtbot, srt, resume_after_ms=300)
    pane.set_position(0)
    pane.set_position(200)
    assert pane.following and visible(pane, 0)
    with qtbot.waitSignal(pane.following_changed) as paused:
        pane.view.verticalScrollBar().triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd)
    assert paused.args == [False]
    assert pane.follow_button.isVisible()
    scrolled_to = pane.view.verticalScrollBar().value()
    far = srt.cues[150].start_ms or 0
    pane.set_position(far)
    assert pane.model.current_row == 150
    assert pane.view.verticalScrollBar().value() == scrolled_to  # the listener's view stays
    with qtbot.waitSignal(pane.following_changed, timeout=5000) as resumed:
        pass
    assert resumed.args == [True]
    settle(pane)
    assert visible(pane, 150) and not pane.follow_button.isVisible()


def test_a_wheel_pauses_and_the_button_resumes(qtbot: QtBot, srt: Transcript) -> None:
    pane = make_pane(qtbot, srt, resume_after_ms=60_000)
    pane.set_position(200)
    viewport = pane.view.viewport()
    center = QPointF(viewport.rect().center())
    wheel = QWheelEvent(
        center,
        QPointF(viewport.mapToGlobal(center.toPoint())),
        QPoint(0, 0),
        QPoint(0, -360),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, wheel)
    assert not pane.following
    pane.set_position(srt.cues[120].start_ms or 0)
    assert not visible(pane, 120)
    with qtbot.waitSignal(pane.following_changed):
        qtbot.mouseClick(pane.follow_button, Qt.MouseButton.LeftButton)
    settle(pane)
    assert pane.following and visible(pane, 120)


def test_a_click_on_a_line_asks_for_a_seek_there(qtbot: QtBot, srt: Transcript) -> None:
    pane = make_pane(qtbot, srt)
    rect = pane.view.visualRect(pane.model.index(2))
    with qtbot.waitSignal(pane.seek_requested) as seek:
        qtbot.mouseClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert seek.args == [srt.cues[2].start_ms] == [4801]


def test_untimed_transcripts_are_shown_not_synced(qtbot: QtBot) -> None:
    html = load("namespace-buzzsprout-10-things.html")
    pane = make_pane(qtbot, html)
    assert pane.notice.isVisible() and pane.notice.text() == UNTIMED
    assert pane.model.data(pane.model.index(0)).startswith("Travis\nWhen you first get started")
    pane.set_position(60_000)
    assert pane.model.current_row == -1
    seeks: list[int] = []
    pane.seek_requested.connect(seeks.append)
    rect = pane.view.visualRect(pane.model.index(0))
    qtbot.mouseClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    pane.view.verticalScrollBar().triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd)
    assert seeks == [] and pane.following and not pane.follow_button.isVisible()


def test_no_transcript(qtbot: QtBot, srt: Transcript) -> None:
    pane = make_pane(qtbot, srt)
    pane.set_transcript(None)
    assert pane.notice.isVisible() and pane.notice.text() == NO_TRANSCRIPT
    assert not pane.view.isVisible()
    pane.set_position(5000)  # nothing to follow, nothing breaks
    assert pane.model.current_row == -1


def test_chapter_starts_are_marked(qtbot: QtBot, srt: Transcript) -> None:
    chapters = chapters_from_transcript(srt)
    pane = make_pane(qtbot, srt)
    pane.set_chapters(chapters)
    rows = pane.model.chapter_rows()
    assert len(rows) == len(chapters) == 10
    assert [srt.cues[r].start_ms for r in rows[1:]] == [c.start_ms for c in chapters[1:]]
    first = pane.model.index(rows[1])
    assert pane.model.data(first, TranscriptRole.CHAPTER) == chapters[1].title
    assert pane.model.data(first).startswith(f"▸ {chapters[1].title}\nSarah\n0:53")
    assert pane.model.data(first, Qt.ItemDataRole.ToolTipRole) == f"Chapter: {chapters[1].title}"


def test_ctrl_f_finds_and_steps_through_matches(qtbot: QtBot, srt: Transcript) -> None:
    pane = make_pane(qtbot, srt, resume_after_ms=60_000)
    pane.view.setFocus()
    qtbot.keyClick(pane.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert pane.find_bar.isVisible() and pane.find_edit.hasFocus()
    qtbot.keyClicks(pane.find_edit, "templates")
    expected = [i for i, c in enumerate(srt.cues) if "templates" in c.text.lower()]
    assert len(expected) >= 2 and pane.matches == expected
    assert pane.match_row == expected[0] and pane.find_count.text() == f"1 of {len(expected)}"
    assert pane.model.data(pane.model.index(expected[0]), TranscriptRole.MATCH) is True
    assert not pane.following  # reading a match: playback doesn't pull the view away
    settle(pane)
    assert visible(pane, expected[0])
    qtbot.keyClick(pane.find_edit, Qt.Key.Key_Return)
    assert pane.match_row == expected[1]
    qtbot.keyClick(pane.find_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert pane.match_row == expected[0]
    qtbot.keyClick(pane.find_edit, Qt.Key.Key_F3)
    assert pane.match_row == expected[1]
    qtbot.keyClick(pane.find_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(pane.find_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert pane.match_row == expected[-1]  # wraps around
    pane.find_edit.setText("no such words anywhere")
    assert pane.matches == [] and pane.find_count.text() == "No match"
    qtbot.keyClick(pane.find_edit, Qt.Key.Key_Escape)
    assert not pane.find_bar.isVisible()
    assert not any(pane.model.data(pane.model.index(r), TranscriptRole.MATCH) for r in expected)


def test_speakers_are_found_too(qtbot: QtBot, srt: Transcript) -> None:
    pane = make_pane(qtbot, srt)
    pane.open_find()
    pane.find_edit.setText("gilon")
    assert pane.matches == [i for i, c in enumerate(srt.cues) if c.speaker == "Gilon"]


def test_long_lines_wrap_and_wrap_again_when_the_pane_narrows(qtbot: QtBot) -> None:
    html = load("namespace-buzzsprout-10-things.html")  # paragraph-long lines
    pane = make_pane(qtbot, html)
    first = pane.model.index(0)
    line = pane.view.fontMetrics().height()
    tall = pane.view.visualRect(first).height()
    assert tall > 5 * line  # a monologue of a minute, wrapped at 420 pixels
    pane.resize(260, 360)
    qtbot.waitUntil(lambda: pane.view.visualRect(first).height() > tall)


def test_keyboard_reading_pauses_the_follow(qtbot: QtBot, srt: Transcript) -> None:
    pane = make_pane(qtbot, srt, resume_after_ms=60_000)
    pane.set_position(200)
    pane.view.setFocus()
    qtbot.keyClick(pane.view, Qt.Key.Key_PageDown)
    assert not pane.following and pane.follow_button.isVisible()


def test_languages_offer_a_choice_from_two_on(qtbot: QtBot, srt: Transcript) -> None:
    pane = make_pane(qtbot, srt)
    pane.set_languages(["en"], "en")
    assert not pane.language_box.isVisible()
    pane.set_languages(["en", "es", "pt-BR"], "es")
    assert pane.language_box.isVisible() and pane.language_box.currentText() == "es"
    with qtbot.waitSignal(pane.language_requested) as chosen:
        pane.language_box.activated.emit(2)
    assert chosen.args == ["pt-BR"]
