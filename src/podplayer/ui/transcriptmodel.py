"""The transcript's item model: a thin adapter over a parsed Transcript's cues.

No parsing and no I/O here. The cue starts are kept in one sorted list so that the line at a
playback position is a bisection, and a position update touches only the rows that change.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

from podplayer.core.model import Chapter
from podplayer.core.timecode import format_ms
from podplayer.core.transcripts import Cue, Transcript
from podplayer.ui.models import Role

AnyIndex = QModelIndex | QPersistentModelIndex


class TranscriptRole(IntEnum):
    """Data roles of TranscriptModel (the shared ones keep their numbers from ui.models)."""

    OBJECT = Role.OBJECT  # the Cue
    START_MS = Role.START_MS  # int ms, None in an untimed transcript
    CURRENT = Role.CURRENT  # bool: the line being played
    SPEAKER = Qt.ItemDataRole.UserRole + 40  # str | None
    CHAPTER = Qt.ItemDataRole.UserRole + 41  # the title of a chapter starting at this line
    MATCH = Qt.ItemDataRole.UserRole + 42  # bool: the line holds the text being found
    TURN = Qt.ItemDataRole.UserRole + 43  # bool: the speaker changes at this line


def _tinted(role: QPalette.ColorRole, alpha: int) -> QColor:
    color = QColor(QGuiApplication.palette().color(role))
    color.setAlpha(alpha)
    return color


class TranscriptModel(QAbstractListModel):
    """One row per cue; the current line, chapter starts and find matches as roles."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._cues: tuple[Cue, ...] = ()
        self._starts: list[int] = []  # sorted cue starts (empty when untimed)
        self._folded: list[str] | None = None  # casefolded texts, made at the first find
        self._chapters: dict[int, str] = {}
        self._matches: frozenset[int] = frozenset()
        self._current = -1

    # -- contents ----------------------------------------------------------------------------

    def set_transcript(self, transcript: Transcript | None) -> None:
        self.beginResetModel()
        self._cues = transcript.cues if transcript is not None else ()
        timed = transcript is not None and transcript.timed
        self._starts = [c.start_ms or 0 for c in self._cues] if timed else []
        self._folded = None
        self._chapters = {}
        self._matches = frozenset()
        self._current = -1
        self.endResetModel()

    @property
    def timed(self) -> bool:
        return bool(self._starts)

    def cue(self, row: int) -> Cue | None:
        return self._cues[row] if 0 <= row < len(self._cues) else None

    def set_chapters(self, chapters: Sequence[Chapter]) -> None:
        """Marks the line where each chapter starts (the line playing at its start)."""
        marks: dict[int, str] = {}
        if self._starts:
            for chapter in chapters:
                row = max(0, self.row_at(chapter.start_ms))
                marks[row] = f"{marks[row]} / {chapter.title}" if row in marks else chapter.title
        # A mark adds a line to its row: the rows' heights change, so the view lays them out again
        # (chapters are set once per episode, not per position update).
        self.layoutAboutToBeChanged.emit()
        self._chapters = marks
        self.layoutChanged.emit()

    def chapter_rows(self) -> list[int]:
        return sorted(self._chapters)

    # -- playback ----------------------------------------------------------------------------

    def row_at(self, position_ms: int) -> int:
        """The line playing at ``position_ms``: the last one started by then, -1 before the first
        (and in an untimed transcript). A bisection: O(log n)."""
        return bisect_right(self._starts, position_ms) - 1

    @property
    def current_row(self) -> int:
        return self._current

    def set_current(self, row: int) -> None:
        """Moves the highlight; only the two rows that change are repainted."""
        if row == self._current:
            return
        old, self._current = self._current, row
        self._rows_changed((old, row))

    # -- find --------------------------------------------------------------------------------

    def find(self, text: str) -> list[int]:
        """The rows whose text or speaker holds ``text`` (case-insensitive), in order."""
        needle = text.casefold().strip()
        if not needle:
            return []
        if self._folded is None:
            self._folded = [f"{c.speaker or ''}\n{c.text}".casefold() for c in self._cues]
        return [row for row, folded in enumerate(self._folded) if needle in folded]

    def set_matches(self, rows: Sequence[int]) -> None:
        changed = self._matches.symmetric_difference(rows)
        self._matches = frozenset(rows)
        self._rows_changed(changed)

    # -- Qt ----------------------------------------------------------------------------------

    def _rows_changed(self, rows: Any) -> None:
        valid = [r for r in rows if 0 <= r < len(self._cues)]
        if not valid:
            return
        # One signal over the span when many rows change (a find), else one per row.
        if len(valid) > 8:
            self.dataChanged.emit(self.index(min(valid)), self.index(max(valid)))
            return
        for row in valid:
            self.dataChanged.emit(self.index(row), self.index(row))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._cues)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def _turn(self, row: int) -> bool:
        cue = self._cues[row]
        return cue.speaker is not None and (row == 0 or self._cues[row - 1].speaker != cue.speaker)

    def _display(self, row: int) -> str:
        cue = self._cues[row]
        lines = []
        if row in self._chapters:
            lines.append(f"▸ {self._chapters[row]}")
        if self._turn(row):
            lines.append(str(cue.speaker))
        lines.append(cue.text if cue.start_ms is None else f"{format_ms(cue.start_ms)}  {cue.text}")
        return "\n".join(lines)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._cues):
            return None
        cue = self._cues[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            chapter = self._chapters.get(row)
            return f"Chapter: {chapter}" if chapter else None
        if role == Qt.ItemDataRole.BackgroundRole:
            if row == self._current:
                return _tinted(QPalette.ColorRole.Highlight, 90)
            if row in self._matches:
                return _tinted(QPalette.ColorRole.Link, 45)
            return None
        if role == Qt.ItemDataRole.FontRole:
            # Only chapter starts are bold: a bold current line would change its height as
            # playback moves, and every move would lay the list out again.
            if row in self._chapters:
                font = QFont()
                font.setBold(True)
                return font
            return None
        return self._role(row, cue, role)

    def _role(self, row: int, cue: Cue, role: int) -> Any:
        if role == TranscriptRole.OBJECT:
            return cue
        if role == TranscriptRole.START_MS:
            return cue.start_ms
        if role == TranscriptRole.CURRENT:
            return row == self._current
        if role == TranscriptRole.SPEAKER:
            return cue.speaker
        if role == TranscriptRole.CHAPTER:
            return self._chapters.get(row)
        if role == TranscriptRole.MATCH:
            return row in self._matches
        if role == TranscriptRole.TURN:
            return self._turn(row)
        return None
