"""Export to file and clipboard, and "Copy link at current time"; round trips per format."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from podplayer.core.chapters.jsonchapters import parse_json_chapters
from podplayer.core.chapters.psc import parse_psc
from podplayer.core.model import Chapter, Episode
from podplayer.core.notes import find_chapters
from podplayer.ui.exporting import (
    FORMAT_NAMES,
    ShareActions,
    ShareContext,
    episode_link,
    share_text,
    suggested_name,
)

CHAPTERS = (
    Chapter(0, "Intro"),
    Chapter(6_500, "Q&A <live> “quoted”"),
    Chapter(754_000, "Displays"),
)
EPISODE = Episode(
    "https://example.org/ep68",
    68,
    "How to Build a Headset: part 1/2",
    duration_ms=3_600_000,
    audio_url="https://cdn.example.org/ep68.mp3",
    chapters=CHAPTERS,
)


def _ffmetadata(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    start, in_chapter = 0, False
    for line in text.splitlines():
        if line == "[CHAPTER]":
            in_chapter = True
        elif line.startswith("START="):
            start = int(line[6:])
        elif in_chapter and line.startswith("title="):
            found.append((start, re.sub(r"\\(.)", r"\1", line[6:])))
    return found


READERS: dict[str, Callable[[str], list[tuple[int, str]]]] = {
    "json": lambda t: [(c.start_ms, c.title) for c in parse_json_chapters(t.encode())],
    "psc": lambda t: [(c.start_ms, c.title) for c in parse_psc(t)],
    "text": lambda t: [(c.start_ms, c.title) for c in find_chapters(t)],
    "ffmetadata": _ffmetadata,
}


def actions(
    qtbot: QtBot, context: ShareContext | None, answer: str = ""
) -> tuple[ShareActions, list[tuple[str, str]]]:
    share = ShareActions(lambda: context, ask_path=lambda *args: answer)
    messages: list[tuple[str, str]] = []
    share.message.connect(lambda text, kind: messages.append((text, kind)))
    return share, messages


@pytest.mark.parametrize("fmt", list(FORMAT_NAMES))
def test_export_to_file_round_trips(qtbot: QtBot, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / suggested_name(EPISODE, fmt)
    share, messages = actions(qtbot, ShareContext(EPISODE, CHAPTERS), str(target))
    share.file_actions[fmt].trigger()
    assert target.is_file()
    assert "/" not in target.name[:-10]
    expected = [(c.start_ms, c.title) for c in CHAPTERS]
    assert READERS[fmt](target.read_text(encoding="utf-8")) == expected
    assert messages[-1][1] == "info" and "3 chapters" in messages[-1][0]


@pytest.mark.parametrize("fmt", list(FORMAT_NAMES))
def test_copy_as_round_trips(qtbot: QtBot, fmt: str) -> None:
    share, _ = actions(qtbot, ShareContext(EPISODE, CHAPTERS))
    share.copy_actions[fmt].trigger()
    text = QGuiApplication.clipboard().text()
    assert READERS[fmt](text) == [(c.start_ms, c.title) for c in CHAPTERS]


def test_cancelled_dialog_and_nothing_selected(qtbot: QtBot, tmp_path: Path) -> None:
    share, messages = actions(qtbot, ShareContext(EPISODE, CHAPTERS), "")
    assert share.export_to_file("json") is None
    share, messages = actions(qtbot, None)
    assert share.copy_chapters("text") is None
    assert share.copy_link() is None
    assert messages == [("Select an episode first", "info")] * 2
    share, messages = actions(qtbot, ShareContext(EPISODE, ()))
    assert share.export_to_file("json", tmp_path / "x.json") is None
    assert "no chapters" in messages[-1][0]


def test_unwritable_target_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    share, messages = actions(qtbot, ShareContext(EPISODE, CHAPTERS))
    assert share.export_to_file("json", tmp_path / "missing" / "x.json") is None
    assert messages[-1][1] == "error"


def test_copy_link_at_current_time(qtbot: QtBot) -> None:
    share, messages = actions(qtbot, ShareContext(EPISODE, CHAPTERS, position_ms=754_500))
    assert share.copy_link_action.shortcut().toString() == "Ctrl+Shift+C"
    share.copy_link_action.trigger()
    clipboard = QGuiApplication.clipboard()
    assert clipboard.text() == (
        "How to Build a Headset: part 1/2 — Displays (12:34)\nhttps://example.org/ep68#t=754"
    )
    assert 'href="https://example.org/ep68#t=754"' in (clipboard.mimeData().html() or "")
    assert messages[-1][1] == "info"


def test_link_falls_back_to_the_audio_then_to_none() -> None:
    audio_only = Episode("guid-123", 1, "Ep", audio_url="https://cdn.example.org/1.mp3")
    assert episode_link(ShareContext(audio_only, ())) == "https://cdn.example.org/1.mp3"
    local = Episode("guid-1", 1, "Local", local_path="/tmp/x.mp3")
    line, url = share_text(ShareContext(local, (), position_ms=5_000))
    assert (line, url) == ("Local (0:05)", None)
    web = ShareContext(audio_only, (), web_link="https://example.org/page")
    assert episode_link(web) == "https://example.org/page"
