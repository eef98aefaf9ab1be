"""Export and share: an episode's chapters to a file or the clipboard, and a link to the moment
being heard.

:class:`ShareActions` owns the QActions (for menus and shortcuts). What to export comes from a
``context`` function given to the constructor, called when an action runs; where to save comes
from ``ask_path`` (a save dialog unless a test passes its own).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtGui import QAction, QClipboard, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from podplayer.core.errors import PodplayerError
from podplayer.core.fetch import is_web_url
from podplayer.core.model import Chapter, Episode

log = logging.getLogger(__name__)

FORMAT_NAMES: dict[str, str] = {
    "json": "Podcast 2.0 JSON",
    "psc": "Podlove Simple Chapters (XML)",
    "text": "Plain text",
    "ffmetadata": "FFmetadata (for ffmpeg)",
}
_FILTERS: dict[str, str] = {
    "json": "JSON chapters (*.json)",
    "psc": "Podlove Simple Chapters (*.xml)",
    "text": "Text (*.txt)",
    "ffmetadata": "FFmetadata (*.ffmetadata *.txt)",
}
_UNSAFE_NAME = re.compile(r"[^\w\- .,()]+")

AskPath = Callable[[QWidget | None, str, str, str], str]


@dataclass(frozen=True, slots=True)
class ShareContext:
    """What an export or a share is about: ``position_ms`` (int ms) is where playback is."""

    episode: Episode
    chapters: tuple[Chapter, ...]
    position_ms: int = 0
    web_link: str | None = None
    playing: bool = False


def episode_link(context: ShareContext) -> str | None:
    """The address to share: the episode's web page if known, else its http(s) audio."""
    episode = context.episode
    for candidate in (context.web_link, episode.guid, episode.audio_url):
        if candidate and is_web_url(candidate):
            return candidate
    return None


def share_text(context: ShareContext) -> tuple[str, str | None]:
    """The line ("Title — Chapter (12:34)") and the ``#t=`` link (None without an address)."""
    chapters, position = context.chapters, context.position_ms
    index = max((i for i, c in enumerate(chapters) if c.start_ms <= position), default=-1)
    chapter = chapters[index].title if index >= 0 else None
    from podplayer.core.export import link_at, share_line

    line = share_line(context.episode.title, chapter, position)
    url = episode_link(context)
    return line, (link_at(url, position) if url else None)


def suggested_name(episode: Episode, fmt: str) -> str:
    """A file name for an export: the episode's title made safe, plus the format's suffix."""
    from podplayer.core.export import SUFFIXES

    stem = _UNSAFE_NAME.sub("_", episode.title).strip(" ._") or "chapters"
    return stem[:80] + SUFFIXES[fmt]


def _save_dialog(parent: QWidget | None, title: str, name: str, filters: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, title, name, filters)
    return str(path)


class ShareActions(QObject):
    """Export-to-file, copy-as and "Copy link at current time" actions.

    ``context()`` gives what to export (None: nothing selected, the actions then say so through
    ``message``). ``clipboard``: the application's when None. ``ask_path(parent, title, name,
    filters) -> path`` ("" for cancelled). Signals: ``message(str, str)`` (text, "info"/"error").
    """

    message = Signal(str, str)

    def __init__(
        self,
        context: Callable[[], ShareContext | None],
        parent: QWidget | None = None,
        clipboard: QClipboard | None = None,
        ask_path: AskPath = _save_dialog,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._parent = parent
        self._clipboard = clipboard
        self._ask_path = ask_path
        self.file_actions: dict[str, QAction] = {}
        self.copy_actions: dict[str, QAction] = {}
        for fmt, name in FORMAT_NAMES.items():
            to_file = QAction(f"{name}…", self)
            to_file.setStatusTip(f"Save this episode's chapters as {name}")
            to_file.triggered.connect(lambda _=False, f=fmt: self.export_to_file(f))
            self.file_actions[fmt] = to_file
            copy = QAction(name, self)
            copy.setStatusTip(f"Copy this episode's chapters as {name}")
            copy.triggered.connect(lambda _=False, f=fmt: self.copy_chapters(f))
            self.copy_actions[fmt] = copy
        self.copy_link_action = QAction("Copy &link at current time", self)
        self.copy_link_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_link_action.setStatusTip(
            "Copy the episode's address pointing at this moment, with a line naming the chapter"
        )
        self.copy_link_action.triggered.connect(self.copy_link)

    def menu(self, parent: QWidget | None = None) -> QMenu:
        """ "Export chapters" with a "Save as" and a "Copy as" part, and the link action."""
        menu = QMenu("E&xport chapters", parent)
        save = menu.addMenu("&Save as")
        for action in self.file_actions.values():
            save.addAction(action)
        copy = menu.addMenu("&Copy as")
        for action in self.copy_actions.values():
            copy.addAction(action)
        menu.addSeparator()
        menu.addAction(self.copy_link_action)
        return menu

    def _current(self, need_chapters: bool) -> ShareContext | None:
        context = self._context()
        if context is None:
            self.message.emit("Select an episode first", "info")
            return None
        if need_chapters and not context.chapters:
            self.message.emit(f"“{context.episode.title}” has no chapters to export", "info")
            return None
        return context

    def text_for(self, fmt: str, context: ShareContext) -> str:
        """The chapters of ``context`` in ``fmt``. Raises PodplayerError for an unknown one."""
        # Imported at the first export: the window's first paint needs none of the writers.
        from podplayer.core.export import export

        return export(
            context.chapters,
            fmt,
            title=context.episode.title,
            duration_ms=context.episode.duration_ms,
        )

    def export_to_file(self, fmt: str, path: Path | None = None) -> Path | None:
        """Write the chapters in ``fmt`` to ``path`` (asked for when None); the file or None."""
        context = self._current(need_chapters=True)
        if context is None:
            return None
        if path is None:
            chosen = self._ask_path(
                self._parent,
                f"Export chapters as {FORMAT_NAMES.get(fmt, fmt)}",
                suggested_name(context.episode, fmt),
                _FILTERS.get(fmt, "All files (*)") + ";;All files (*)",
            )
            if not chosen:
                return None
            path = Path(chosen)
        try:
            text = self.text_for(fmt, context)
            path.write_text(text, encoding="utf-8")
        except (OSError, PodplayerError) as exc:
            self.message.emit(f"Chapters not saved: {exc}", "error")
            return None
        count = len(context.chapters)
        self.message.emit(f"Saved {count} chapter{'' if count == 1 else 's'} to {path}", "info")
        return path

    def clipboard(self) -> QClipboard:
        return self._clipboard or QGuiApplication.clipboard()

    def copy_chapters(self, fmt: str) -> str | None:
        """Put the chapters in ``fmt`` on the clipboard; returns the text copied."""
        context = self._current(need_chapters=True)
        if context is None:
            return None
        try:
            text = self.text_for(fmt, context)
        except PodplayerError as exc:
            self.message.emit(str(exc), "error")
            return None
        self.clipboard().setText(text)
        self.message.emit(f"Chapters copied as {FORMAT_NAMES.get(fmt, fmt)}", "info")
        return text

    def copy_link(self) -> str | None:
        """Copy the line and ``#t=`` link of the current moment; returns the plain text."""
        context = self._current(need_chapters=False)
        if context is None:
            return None
        line, url = share_text(context)
        text = f"{line}\n{url}" if url else line
        data = QMimeData()
        data.setText(text)
        if url:
            data.setHtml(f'<a href="{escape(url)}">{escape(line, quote=False)}</a>')
        self.clipboard().setMimeData(data)
        self.message.emit(
            f"Copied: {line}" if url else f"Copied: {line} (this episode has no web address)",
            "info",
        )
        return text
