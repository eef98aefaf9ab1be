"""Item models: thin read-only adapters over tuples of frozen core objects.

No I/O and no parsing here: a model is handed its rows and only answers Qt's questions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import IntEnum
from typing import Any, ClassVar, Generic, TypeVar, cast
from urllib.parse import urlsplit

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from podplayer.core.library import PlayState, SearchHit
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
    NEW = Qt.ItemDataRole.UserRole + 6  # bool: an episode that arrived since the last look
    PLAYED = Qt.ItemDataRole.UserRole + 7  # bool: an episode marked played
    SKIPPED = Qt.ItemDataRole.UserRole + 8  # bool: a chapter playback jumps over
    FAILING = Qt.ItemDataRole.UserRole + 9  # (why, since or None) of a failing feed, else None
    NEW_COUNT = Qt.ItemDataRole.UserRole + 10  # int: a podcast's new episodes
    DOWNLOADED = Qt.ItemDataRole.UserRole + 11  # bool: an episode with a downloaded file


def _dim() -> object:
    """The palette's colour for secondary text (light and dark themes alike)."""
    return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)


def _episode_number(episode: Episode) -> str:
    return "" if episode.number is None else str(episode.number)


class _RowsMixin(Generic[T]):
    """Row storage shared by the list and table adapters."""

    _rows: tuple[T, ...] = ()

    def __init__(self, rows: Sequence[T] = (), parent: Any = None) -> None:
        super().__init__(parent)  # type: ignore[call-arg]  # the Qt model base after the mixin
        self._rows = tuple(rows)

    def set_items(self, rows: Sequence[T]) -> None:
        model = cast(QAbstractItemModel, self)
        model.beginResetModel()
        self._rows = tuple(rows)
        model.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def item(self, row: int) -> T | None:
        """The object at ``row``, or None when out of range."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def items(self) -> tuple[T, ...]:
        return self._rows


class _ListModel(_RowsMixin[T], QAbstractListModel):
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
    """Podcasts by title; the subtitle is the new-episode count and the feed's status (see
    ``set_status``) or the episode count, the description the tooltip. A failing feed (see
    ``set_failing``) carries ``failing_icon`` and says why and since when in its tooltip."""

    def __init__(self, rows: Sequence[Podcast] = (), parent: Any = None) -> None:
        super().__init__(rows, parent)
        self._status: dict[str, str] = {}
        self._failing: dict[str, tuple[str, float | None]] = {}
        self._new: dict[str, int] = {}
        #: Shown beside a failing feed's title (a QIcon; the view sets it).
        self.failing_icon: Any = None

    def set_failing(self, failing: Mapping[str, tuple[str, float | None]]) -> None:
        """The failing feeds: (why, since when in Unix s or None) by URL."""
        self._failing = dict(failing)
        self._changed_all()

    def set_new_counts(self, counts: Mapping[str, int]) -> None:
        """The number of new episodes by podcast URL."""
        self._new = dict(counts)
        self._changed_all()

    def new_count(self, url: str) -> int:
        return self._new.get(url, 0)

    def _changed_all(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    def set_status(self, url: str, text: str | None) -> None:
        """Show ``text`` (e.g. "Updating…", "Failed: 404") under the podcast at ``url``."""
        if text:
            self._status[url] = text
        else:
            self._status.pop(url, None)
        row = self.row_of(url)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, 0))

    def status(self, url: str) -> str | None:
        return self._status.get(url)

    def _data(self, obj: Podcast, role: int) -> Any:
        failing = self._failing.get(obj.url)
        if role == Qt.ItemDataRole.DisplayRole:
            return obj.title or "Untitled podcast"
        if role == Role.FAILING:
            return failing
        if role == Role.NEW_COUNT:
            return self._new.get(obj.url, 0)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.failing_icon if failing is not None else None
        subtitle = self._subtitle(obj)
        if role == Role.SUBTITLE:
            return subtitle
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = [subtitle]
            if failing is not None:
                tip = [_failing_text(*failing)]
            if obj.description:
                tip.append(_shorten(obj.description, 400))
            return "\n\n".join(part for part in tip if part)
        return None

    def _subtitle(self, obj: Podcast) -> str:
        count = len(obj.episodes)
        status = self._status.get(obj.url) or (
            f"{count} episode" + ("" if count == 1 else "s") if count else ""
        )
        new = self._new.get(obj.url, 0)
        return f"{new} new · {status}" if new and status else f"{new} new" if new else status

    def row_of(self, url: str) -> int:
        """The row of the podcast with this ``url``, or -1."""
        return next((i for i, p in enumerate(self._rows) if p.url == url), -1)


def _failing_text(why: str, since: float | None) -> str:
    when = time.strftime("%-d %b %Y %H:%M", time.localtime(since)) if since else ""
    head = f"The feed has been failing since {when}." if when else "The feed is failing."
    return f"{head}\n{why}\npodplayer keeps the subscription and tries again at every refresh."


class EpisodeTableModel(_TableModel[Episode]):
    """Columns: episode number, title, progress. The episode being played (by guid) is marked;
    new episodes are bold with a dot, played ones dimmed with a tick."""

    COLUMNS: ClassVar[Sequence[tuple[str, int]]] = (
        ("#", _RIGHT),
        ("Title", _LEFT),
        ("", _RIGHT),
    )

    def __init__(self, rows: Sequence[Episode] = (), parent: Any = None) -> None:
        super().__init__(rows, parent)
        self._current_guid: str | None = None
        self._states: Mapping[str, PlayState] = {}
        self._new: frozenset[str] = frozenset()
        self._downloads: dict[str, str] = {}
        #: Shown beside the playing episode's title (a QIcon; the view sets it).
        self.current_icon: Any = None

    def set_items(
        self,
        rows: Sequence[Episode],
        states: Mapping[str, PlayState] | None = None,
        new: Iterable[str] = (),
        downloads: Mapping[str, str] | None = None,
    ) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self._states = dict(states or {})
        self._new = frozenset(new)
        self._downloads = dict(downloads or {})
        self.endResetModel()

    def is_downloaded(self, guid: str) -> bool:
        return guid in self._downloads

    def downloads(self) -> dict[str, str]:
        """The shown episodes' downloaded files by guid."""
        return dict(self._downloads)

    def set_state(self, guid: str, state: PlayState) -> None:
        """Update one episode's play state (it is no longer new once played)."""
        self._states = {**self._states, guid: state}
        if state.played or state.last_played is not None:
            self._new = self._new - {guid}
        row = self.row_of(guid)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def replace_episode(self, episode: Episode) -> None:
        """Show ``episode`` in place of the row with its guid (e.g. audio located for it)."""
        row = self.row_of(episode.guid)
        if row < 0:
            return
        self._rows = (*self._rows[:row], episode, *self._rows[row + 1 :])
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def state(self, guid: str) -> PlayState:
        return self._states.get(guid, PlayState())

    def is_new(self, guid: str) -> bool:
        return guid in self._new

    def row_of(self, guid: str) -> int:
        """The row of the episode with this ``guid``, or -1."""
        return next((i for i, e in enumerate(self._rows) if e.guid == guid), -1)

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
        state = self._states.get(obj.guid)
        new = obj.guid in self._new
        if role == Role.NEW:
            return new
        if role == Role.PLAYED:
            return state is not None and state.played
        downloaded = self._downloads.get(obj.guid)
        if role == Role.DOWNLOADED:
            return downloaded is not None
        playing = obj.guid == self._current_guid and self._current_guid is not None
        if role == Qt.ItemDataRole.FontRole and (playing or new):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and column == 1 and playing:
            return self.current_icon
        if role == Qt.ItemDataRole.ForegroundRole and state is not None and state.played:
            return _dim()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                number = _episode_number(obj)
                return f"● {number}" if new else number
            if column == 1:
                return obj.title
            progress = _progress_text(obj, state)
            return f"⤓ {progress}" if downloaded is not None else progress
        if role == Qt.ItemDataRole.ToolTipRole:
            notes = [obj.title]
            if new:
                notes.append("New episode")
            if state is not None and state.played:
                notes.append("Played")
            elif state is not None and state.position_ms > 0:
                notes.append(f"Stopped at {format_ms(state.position_ms)}")
            if downloaded is not None:
                notes.append(f"Downloaded: {downloaded}")
            elif obj.local_path:
                notes.append(f"Local copy: {obj.local_path}")
            return "\n".join(notes)
        return None


def _progress_text(episode: Episode, state: PlayState | None) -> str:
    if state is not None and state.played:
        return "✓"
    if state is not None and state.position_ms > 0:
        if episode.duration_ms:
            return f"{format_ms(max(0, episode.duration_ms - state.position_ms))} left"
        return f"at {format_ms(state.position_ms)}"
    return format_ms(episode.duration_ms) if episode.duration_ms else ""


class ChapterTableModel(_TableModel[Chapter]):
    """Columns: start ("0:06"), title, length until the next chapter ("1:34").

    The last chapter's length comes from the episode's duration; empty when that is unknown.
    The title carries a check box: unticked chapters are skipped (``set_skipped``) and shown
    dimmed. Ticking by the listener emits ``tick_changed(start_ms, play)``; the owner decides
    and calls ``set_skipped`` again.
    """

    tick_changed = Signal(int, bool)

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
        self._skipped: frozenset[int] = frozenset()
        #: Shown beside the current chapter's title (a QIcon; the view sets it).
        self.current_icon: Any = None

    def set_items(self, rows: Sequence[Chapter], duration_ms: int | None = None) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self._lengths = chapter_lengths(self._rows, duration_ms)
        self._current = -1
        self.endResetModel()

    def set_duration(self, duration_ms: int | None) -> None:
        """The episode's length (ms) became known: the last chapter's length follows."""
        lengths = chapter_lengths(self._rows, duration_ms)
        if lengths != self._lengths and self._rows:
            self._lengths = lengths
            last = len(self._rows) - 1
            self.dataChanged.emit(self.index(0, 2), self.index(last, 2))

    def skipped_starts(self) -> frozenset[int]:
        """Starts (int ms) of the chapters shown unticked."""
        return self._skipped

    def set_skipped(self, starts: Iterable[int]) -> None:
        """Show the chapters starting at ``starts`` (int ms) unticked and dimmed."""
        starts = frozenset(starts)
        if starts == self._skipped:
            return
        self._skipped = starts
        if self._rows:
            last = self.index(len(self._rows) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 1:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(  # noqa: N802
        self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        chapter = self.item(index.row()) if index.isValid() else None
        if chapter is None or role != Qt.ItemDataRole.CheckStateRole or index.column() != 1:
            return False
        play = Qt.CheckState(value) == Qt.CheckState.Checked
        if play:
            self.set_skipped(self._skipped - {chapter.start_ms})
        else:
            self.set_skipped(self._skipped | {chapter.start_ms})
        self.tick_changed.emit(chapter.start_ms, play)
        return True

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
        skipped = obj.start_ms in self._skipped
        if role == Role.SKIPPED:
            return skipped
        if role == Qt.ItemDataRole.CheckStateRole and column == 1:
            return (Qt.CheckState.Unchecked if skipped else Qt.CheckState.Checked).value
        if role == Qt.ItemDataRole.ForegroundRole and skipped:
            return _dim()
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and column == 1:
            return "skipped" if skipped else "played"
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
            tip = f"{format_ms(obj.start_ms)}  {obj.title}\nClick or press Enter to play from here"
            if skipped:
                tip += "\nSkipped while playing on (tick it to hear it)"
            return tip
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


class SearchHitModel(_TableModel[SearchHit]):
    """Search results, best first. Columns: time (chapters only), what matched, where."""

    COLUMNS: ClassVar[Sequence[tuple[str, int]]] = (
        ("Time", _RIGHT),
        ("Match", _LEFT),
        ("Podcast", _LEFT),
    )

    def _data(self, obj: SearchHit, row: int, column: int, role: int) -> Any:
        if role == Role.START_MS:
            return obj.start_ms
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return "" if obj.start_ms is None else format_ms(obj.start_ms)
            if column == 1:
                return obj.episode if obj.chapter is None else f"{obj.chapter} — {obj.episode}"
            return obj.podcast
        if role == Qt.ItemDataRole.ToolTipRole:
            if obj.chapter is None:
                return f"{obj.episode}\n{obj.podcast}\nEnter: show this episode"
            return (
                f"{format_ms(obj.start_ms or 0)}  {obj.chapter}\n{obj.episode}\n{obj.podcast}\n"
                "Enter: play from this chapter"
            )
        return None
