"""Item models: thin read-only adapters over tuples of frozen core objects.

No I/O and no parsing here: a model is handed its rows and only answers Qt's questions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any, ClassVar, Generic, TypeVar
from urllib.parse import urlsplit

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from podplayer.core.model import Chapter, Episode, Link, Podcast, chapter_lengths
from podplayer.core.timecode import format_ms

T = TypeVar("T")
AnyIndex = QModelIndex | QPersistentModelIndex

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class Role(IntEnum):
    """Custom data roles shared by every model here."""

    OBJECT = Qt.ItemDataRole.UserRole + 1  # the core object behind the row
    URL = Qt.ItemDataRole.UserRole + 2  # a link's address (LinkListModel)
    START_MS = Qt.ItemDataRole.UserRole + 3  # a chapter's start, int ms (ChapterTableModel)
    SUBTITLE = Qt.ItemDataRole.UserRole + 4  # a second, dimmer line under the display text
    CURRENT = Qt.ItemDataRole.UserRole + 5  # bool: the chapter being played (ChapterTableModel)


def _episode_number(episode: Episode) -> str:
    return "" if episode.number is None else str(episode.number)


class _RowsMixin(Generic[T]):
    """Row storage shared by the list and table adapters."""

    _rows: tuple[T, ...] = ()

    def item(self, row: int) -> T | None:
        """The object at ``row``, or None when out of range."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def items(self) -> tuple[T, ...]:
        return self._rows


class _ListModel(_RowsMixin[T], QAbstractListModel):
    def __init__(self, rows: Sequence[T] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._rows = tuple(rows)

    def set_items(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        obj = self.item(index.row()) if index.isValid() else None
        if obj is None:
            return None
        if role == Role.OBJECT:
            return obj
        return self._data(obj, role)

    def _data(self, obj: T, role: int) -> Any:
        raise NotImplementedError


class _TableModel(_RowsMixin[T], QAbstractTableModel):
    COLUMNS: ClassVar[Sequence[tuple[str, int]]] = ()  # (header, alignment) per column

    def __init__(self, rows: Sequence[T] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._rows = tuple(rows)

    def set_items(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        header, alignment = self.COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        obj = self.item(index.row()) if index.isValid() else None
        if obj is None or not 0 <= index.column() < len(self.COLUMNS):
            return None
        if role == Role.OBJECT:
            return obj
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.COLUMNS[index.column()][1]
        return self._data(obj, index.row(), index.column(), role)

    def _data(self, obj: T, row: int, column: int, role: int) -> Any:
        raise NotImplementedError


class PodcastListModel(_ListModel[Podcast]):
    """Podcasts by title; the episode count is the subtitle, the description the tooltip."""

    def _data(self, obj: Podcast, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return obj.title or "Untitled podcast"
        count = len(obj.episodes)
        subtitle = f"{count} episode" + ("" if count == 1 else "s")
        if role == Role.SUBTITLE:
            return subtitle
        if role == Qt.ItemDataRole.ToolTipRole:
            if obj.description:
                return f"{subtitle}\n\n{_shorten(obj.description, 400)}"
            return subtitle
        return None

    def row_of(self, url: str) -> int:
        """The row of the podcast with this ``url``, or -1."""
        return next((i for i, p in enumerate(self._rows) if p.url == url), -1)


class EpisodeTableModel(_TableModel[Episode]):
    """Columns: episode number, title. The episode being played (by guid) is marked."""

    COLUMNS: ClassVar[Sequence[tuple[str, int]]] = (("#", _RIGHT), ("Title", _LEFT))

    def __init__(self, rows: Sequence[Episode] = (), parent: Any = None) -> None:
        super().__init__(rows, parent)
        self._current_guid: str | None = None
        #: Shown beside the playing episode's title (a QIcon; the view sets it).
        self.current_icon: Any = None

    def set_current_guid(self, guid: str | None) -> None:
        """Mark the episode with this guid as the one being played (None: none)."""
        if guid == self._current_guid:
            return
        self._current_guid = guid
        if self._rows:
            last = self.index(len(self._rows) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def _data(self, obj: Episode, row: int, column: int, role: int) -> Any:
        if role == Role.CURRENT:
            return obj.guid == self._current_guid
        if obj.guid == self._current_guid and self._current_guid is not None:
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.DecorationRole and column == 1:
                return self.current_icon
        if role == Qt.ItemDataRole.DisplayRole:
            return _episode_number(obj) if column == 0 else obj.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return obj.title
        return None


class ChapterTableModel(_TableModel[Chapter]):
    """Columns: start ("0:06"), title, length until the next chapter ("1:34").

    The last chapter's length comes from the episode's duration; empty when that is unknown.
    """

    COLUMNS: ClassVar[Sequence[tuple[str, int]]] = (
        ("Start", _RIGHT),
        ("Title", _LEFT),
        ("Length", _RIGHT),
    )

    def __init__(
        self, rows: Sequence[Chapter] = (), duration_ms: int | None = None, parent: Any = None
    ) -> None:
        super().__init__(rows, parent)
        self._lengths = chapter_lengths(self._rows, duration_ms)
        self._current = -1
        #: Shown beside the current chapter's title (a QIcon; the view sets it).
        self.current_icon: Any = None

    def set_items(self, rows: Sequence[Chapter], duration_ms: int | None = None) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self._lengths = chapter_lengths(self._rows, duration_ms)
        self._current = -1
        self.endResetModel()

    @property
    def current_row(self) -> int:
        """The row of the chapter being played, or -1."""
        return self._current

    def set_current(self, row: int) -> None:
        """Mark ``row`` as the chapter being played (-1: none)."""
        row = row if 0 <= row < len(self._rows) else -1
        if row == self._current:
            return
        changed = [r for r in (self._current, row) if r >= 0]
        self._current = row
        last = self.columnCount() - 1
        for r in changed:
            self.dataChanged.emit(self.index(r, 0), self.index(r, last))

    def _data(self, obj: Chapter, row: int, column: int, role: int) -> Any:
        if role == Role.START_MS:
            return obj.start_ms
        if role == Role.CURRENT:
            return row == self._current
        if row == self._current:
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.DecorationRole and column == 1:
                return self.current_icon
        if role == Qt.ItemDataRole.DisplayRole:
            return _CHAPTER_TEXT[column](obj, self._lengths[row])
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{format_ms(obj.start_ms)}  {obj.title}\nClick or press Enter to play from here"
        return None


def _length_text(length: int | None) -> str:
    return "" if length is None else format_ms(length)


_CHAPTER_TEXT: tuple[Callable[[Chapter, int | None], str], ...] = (
    lambda c, _length: format_ms(c.start_ms),
    lambda c, _length: c.title,
    lambda _c, length: _length_text(length),
)


class LinkListModel(_ListModel[Link]):
    """Links by label; the address is the tooltip, ``Role.URL`` and the subtitle."""

    def _data(self, obj: Link, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return _link_label(obj)
        if role in (Qt.ItemDataRole.ToolTipRole, Role.URL, Role.SUBTITLE):
            return obj.url
        return None


def _link_label(link: Link) -> str:
    """The label, or the host name when the notes gave only the address."""
    if link.label and link.label.strip() != link.url:
        return link.label
    host = urlsplit(link.url).hostname or ""
    return host.removeprefix("www.") or link.url


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
