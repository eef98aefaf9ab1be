"""The transcript pane: an episode's transcript, read along as it plays.

Lines show their start time and, where the voice changes, the speaker; chapter starts are
marked. Fed the playback position (``set_position``), the pane highlights the line being said
and keeps it in view, unless the listener is scrolling: a scroll pauses the follow, which resumes
after ``resume_after_ms`` without scrolling or at once with the Follow button. A click on a line
asks for a seek there (``seek_requested``, int ms). Ctrl+F opens a find bar that steps through
the lines holding the text (Enter / F3 next, Shift+Enter / Shift+F3 previous, Escape closes).

The pane gets a parsed Transcript: parsing and fetching happen on workers, never here. A
position update is a bisection and at most two repainted rows (see TranscriptModel).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from podplayer.core.model import Chapter
from podplayer.core.transcripts import Transcript
from podplayer.ui.transcriptmodel import TranscriptModel

NO_TRANSCRIPT = "This episode has no transcript."
UNTIMED = "This transcript has no times: it is shown, not synced."
RESUME_AFTER_MS = 4000
_MARGIN = 3  # pixels above and below a line's text
_NAVIGATION_KEYS = frozenset(
    {
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
        Qt.Key.Key_Home,
        Qt.Key.Key_End,
    }
)
_RELAYOUT_MS = 120  # after the last resize, lines are wrapped again to the new width


class _LineDelegate(QStyledItemDelegate):
    """Sizes each line to its text wrapped at the view's width (QTreeView doesn't by itself)."""

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        width = max(80, self._view.viewport().width() - 4 * _MARGIN)
        bounds = opt.fontMetrics.boundingRect(
            QRect(0, 0, width, 1_000_000), int(Qt.TextFlag.TextWordWrap), opt.text
        )
        return QSize(width, bounds.height() + 2 * _MARGIN)


class _FindEdit(QLineEdit):
    """The find field: Enter steps forward, Shift+Enter back, Escape closes the bar."""

    step = Signal(int)
    closed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            back = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.step.emit(-1 if back else 1)
            return
        if event.key() == Qt.Key.Key_Escape:
            self.closed.emit()
            return
        super().keyPressEvent(event)


def _tool_button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    return button


class TranscriptPane(QWidget):
    """Shows one transcript and follows playback through it.

    Signals: ``seek_requested(int)`` (ms) for a click on a timed line; ``following_changed(bool)``
    when the follow pauses or resumes; ``language_requested(str)`` when the listener picks
    another of the languages given to ``set_languages`` (the window fetches that transcript).
    """

    seek_requested = Signal(int)
    following_changed = Signal(bool)
    language_requested = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        model: TranscriptModel | None = None,
        resume_after_ms: int = RESUME_AFTER_MS,
    ) -> None:
        super().__init__(parent)
        self.model = model if model is not None else TranscriptModel(self)
        self._following = True
        self._matches: list[int] = []
        self._match = -1  # index into _matches of the match shown

        self.notice = QLabel(NO_TRANSCRIPT)
        self.notice.setWordWrap(True)
        self.follow_button = QPushButton("Follow playback")
        self.follow_button.setToolTip("Keep the line being played in view")
        self.follow_button.clicked.connect(self.resume_following)
        self.follow_button.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        self.language_box = QComboBox()
        self.language_box.setToolTip("The transcript's language")
        self.language_box.activated.connect(self._language_chosen)
        self.language_box.hide()
        top.addWidget(self.notice, 1)
        top.addWidget(self.language_box)
        top.addWidget(self.follow_button)

        # A tree view used as a list: unlike QListView, a changed row (the highlight moving)
        # costs that row's height only, not a layout of the whole list; heights are measured
        # lazily, for the rows scrolled past, when scrolling goes by rows.
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setHeaderHidden(True)
        self.view.setRootIsDecorated(False)
        self.view.setItemsExpandable(False)
        self.view.setUniformRowHeights(False)
        self.view.setWordWrap(True)
        self.view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.view.setItemDelegate(_LineDelegate(self.view))
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.clicked.connect(self._clicked)
        # actionTriggered comes from the listener (wheel, drag, arrows, page clicks) only, never
        # from scrollTo(): it is what tells a listener's scroll from the pane's own.
        self.view.verticalScrollBar().actionTriggered.connect(self._user_scrolled)
        self.view.viewport().installEventFilter(self)
        self.view.installEventFilter(self)

        self.find_edit = _FindEdit()
        self.find_edit.setPlaceholderText("Find in transcript")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.textChanged.connect(self._find)
        self.find_edit.step.connect(self.step_match)
        self.find_edit.closed.connect(self.close_find)
        self.find_count = QLabel("")
        previous = _tool_button("▲", "Previous match (Shift+F3)")
        previous.clicked.connect(lambda: self.step_match(-1))
        following = _tool_button("▼", "Next match (F3)")
        following.clicked.connect(lambda: self.step_match(1))
        close = _tool_button("✕", "Close (Escape)")
        close.clicked.connect(self.close_find)
        self.find_bar = QWidget()
        bar = QHBoxLayout(self.find_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        for widget in (self.find_edit, self.find_count, previous, following, close):
            bar.addWidget(widget)
        self.find_bar.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.find_bar)

        self._resume = QTimer(self)
        self._resume.setSingleShot(True)
        self._resume.setInterval(resume_after_ms)
        self._resume.timeout.connect(self.resume_following)
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(_RELAYOUT_MS)
        self._relayout.timeout.connect(self._wrap_again)

        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            (QKeySequence.StandardKey.Find, self.open_find),
            (QKeySequence.StandardKey.FindNext, lambda: self.step_match(1)),
            (QKeySequence.StandardKey.FindPrevious, lambda: self.step_match(-1)),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)
        self._show_state()

    # -- contents ----------------------------------------------------------------------------

    def set_transcript(
        self, transcript: Transcript | None, chapters: Sequence[Chapter] = ()
    ) -> None:
        """Shows ``transcript`` (None: the episode has none), chapter starts marked."""
        self.model.set_transcript(transcript)
        if chapters:
            self.model.set_chapters(chapters)
        self._matches, self._match = [], -1
        if self.find_bar.isVisible():
            self._find(self.find_edit.text())
        self._set_following(True)
        self._show_state()

    def set_chapters(self, chapters: Sequence[Chapter]) -> None:
        self.model.set_chapters(chapters)

    def set_languages(self, languages: Sequence[str], current: str | None = None) -> None:
        """The languages the episode's transcripts come in; a choice shows from two on."""
        self.language_box.clear()
        self.language_box.addItems(list(languages))
        if current is not None and current in languages:
            self.language_box.setCurrentIndex(list(languages).index(current))
        self.language_box.setVisible(len(languages) > 1)

    def _language_chosen(self, index: int) -> None:
        self.language_requested.emit(self.language_box.itemText(index))

    def _show_state(self) -> None:
        rows = self.model.rowCount()
        self.view.setVisible(rows > 0)
        if not rows:
            self.notice.setText(NO_TRANSCRIPT)
        self.notice.setVisible(rows == 0 or not self.model.timed)
        if rows and not self.model.timed:
            self.notice.setText(UNTIMED)

    # -- following playback ------------------------------------------------------------------

    @property
    def following(self) -> bool:
        return self._following

    def set_position(self, position_ms: int) -> None:
        """The player is at ``position_ms``: highlight the line said then, keep it in view.

        GUI thread; a bisection, and scrolling only when the line changes.
        """
        row = self.model.row_at(position_ms)
        if row == self.model.current_row:
            return
        self.model.set_current(row)
        if self._following and row >= 0:
            self._scroll_to(row)

    def _scroll_to(self, row: int) -> None:
        self.view.scrollTo(self.model.index(row), QAbstractItemView.ScrollHint.PositionAtCenter)

    def _set_following(self, following: bool) -> None:
        if not following:
            self._resume.start()  # restarted by every scroll: the pause lasts while they scroll
        else:
            self._resume.stop()
        self.follow_button.setVisible(not following and self.model.timed)
        if following != self._following:
            self._following = following
            self.following_changed.emit(following)

    def pause_following(self) -> None:
        """Stops keeping the current line in view until resumed (or the resume delay ends)."""
        self._set_following(False)

    def resume_following(self) -> None:
        self._set_following(True)
        if self.model.current_row >= 0:
            self._scroll_to(self.model.current_row)

    def _user_scrolled(self, _action: int) -> None:
        if self.model.timed:
            self.pause_following()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.view:
            # Moving through the lines with the keyboard is reading too.
            if isinstance(event, QKeyEvent) and event.key() in _NAVIGATION_KEYS:
                self._user_scrolled(0)
        elif watched is self.view.viewport():
            # A wheel over the list is a listener's scroll even when it can't move (at an end).
            if event.type() == QEvent.Type.Wheel:
                self._user_scrolled(0)
            elif event.type() == QEvent.Type.Resize:
                self._relayout.start()
        return super().eventFilter(watched, event)

    def _wrap_again(self) -> None:
        """The width changed: measure the lines again (once, after the resizing stops)."""
        self.view.doItemsLayout()
        if self._following and self.model.current_row >= 0:
            self._scroll_to(self.model.current_row)

    def _clicked(self, index: QModelIndex) -> None:
        cue = self.model.cue(index.row())
        if cue is None or cue.start_ms is None:
            return
        self.seek_requested.emit(cue.start_ms)
        self.resume_following()

    # -- find --------------------------------------------------------------------------------

    def open_find(self) -> None:
        self.find_bar.show()
        self.find_edit.setFocus()
        self.find_edit.selectAll()
        if self.find_edit.text():
            self._find(self.find_edit.text())

    def close_find(self) -> None:
        self.find_bar.hide()
        self.model.set_matches(())
        self._matches, self._match = [], -1
        self.view.setFocus()

    @property
    def matches(self) -> list[int]:
        """The rows holding the text being found, in order."""
        return list(self._matches)

    @property
    def match_row(self) -> int:
        """The row of the match shown, -1 when none."""
        return self._matches[self._match] if 0 <= self._match < len(self._matches) else -1

    def _find(self, text: str) -> None:
        self._matches = self.model.find(text)
        self.model.set_matches(self._matches)
        self._match = -1
        if self._matches:
            # The first match at or after the line being played.
            after = bisect_left(self._matches, max(0, self.model.current_row))
            self._show_match(after if after < len(self._matches) else 0)
        else:
            self._update_count()

    def step_match(self, step: int) -> None:
        """Shows the next (``step`` 1) or previous (-1) match, wrapping around."""
        if not self.find_bar.isVisible():
            self.open_find()
            return
        if self._matches:
            self._show_match((self._match + step) % len(self._matches))

    def _show_match(self, i: int) -> None:
        self._match = i
        index = self.model.index(self._matches[i])
        self.pause_following()
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self._update_count()

    def _update_count(self) -> None:
        if not self.find_edit.text().strip():
            self.find_count.setText("")
        elif not self._matches:
            self.find_count.setText("No match")
        else:
            self.find_count.setText(f"{self._match + 1} of {len(self._matches)}")
