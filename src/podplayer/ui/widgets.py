"""Small reusable widgets: the message bar, empty-state stacks, a two-line item delegate, and
the helpers that build captions, sections and tables the same way everywhere."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QFont, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from podplayer.ui.models import Role

_MESSAGE_STYLES = {
    "error": "background: #fbe3e4; border: 1px solid #e0a3a7; color: #5c1a1f;",
    "info": "background: #e3eefb; border: 1px solid #a3bfe0; color: #1a345c;",
}


class MessageBar(QFrame):
    """A non-modal, dismissible message above the content (in the manner of KMessageWidget)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self._label = QLabel(self)
        self._label.setWordWrap(True)
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self._label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def text(self) -> str:
        return self._label.text()

    def kind(self) -> str:
        return str(self.property("kind") or "")

    def show_message(self, text: str, kind: str = "error") -> None:
        self.setProperty("kind", kind)
        self.setStyleSheet(
            f"QFrame#messageBar {{ {_MESSAGE_STYLES[kind]} border-radius: 4px; }}"
            "QFrame#messageBar QLabel { background: transparent; border: none; }"
        )
        self._label.setText(text)
        self.show()
        self.raise_()
        self._place()

    def float_over(self, host: QWidget, margin: int = 8) -> None:
        """Float over the top of ``host`` instead of taking room in a layout: a message that
        comes and goes must not move the rows under the pointer."""
        self.setParent(host)
        self._margin = margin
        host.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        host = self.parentWidget()
        margin = getattr(self, "_margin", None)
        if host is None or margin is None:
            return
        width = max(0, host.width() - 2 * margin)
        height = self.heightForWidth(width) if self.hasHeightForWidth() else -1
        self.setGeometry(margin, margin, width, max(height, self.sizeHint().height()))


class EmptyStateStack(QStackedWidget):
    """A view, or a centred hint saying what to do when the view has nothing to show."""

    def __init__(self, view: QWidget, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.hint = QLabel(hint, self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setMargin(16)
        self.hint.setFrameShape(QFrame.Shape.StyledPanel)  # same outline as the view it stands for
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.hint.setAutoFillBackground(True)
        self.hint.setBackgroundRole(QPalette.ColorRole.Base)
        self.addWidget(view)
        self.addWidget(self.hint)

    def set_empty(self, empty: bool, hint: str | None = None) -> None:
        if hint is not None:
            self.hint.setText(hint)
        self.setCurrentWidget(self.hint if empty else self.view)

    def is_empty(self) -> bool:
        return self.currentWidget() is self.hint


class TwoLineDelegate(QStyledItemDelegate):
    """Draws the display text with ``Role.SUBTITLE`` below it in smaller, dimmer text."""

    _PAD = 4

    def sizeHint(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        metrics = option.fontMetrics
        return QSize(1, metrics.height() * 2 + self._PAD * 2 + 1)  # width: elided to fit

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title, subtitle = opt.text, str(index.data(Role.SUBTITLE) or "")
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        rect: QRect = opt.rect.adjusted(8, self._PAD, -8, -self._PAD)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = opt.palette
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        line = opt.fontMetrics.height()
        painter.save()
        painter.setPen(palette.color(text_role))
        painter.setFont(opt.font)
        if not subtitle:
            # A title alone sits in the middle of its row, not above an empty line.
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter, _elide(opt, title, rect.width()))
            painter.restore()
            return
        top = QRect(rect.left(), rect.top(), rect.width(), line)
        painter.drawText(top, Qt.AlignmentFlag.AlignVCenter, _elide(opt, title, rect.width()))
        small = opt.font
        small.setPointSizeF(small.pointSizeF() * 0.9)
        painter.setFont(small)
        dim = palette.color(text_role)
        if not selected:
            dim = palette.color(QPalette.ColorRole.PlaceholderText)
        painter.setPen(dim)
        bottom = QRect(rect.left(), rect.top() + line, rect.width(), line)
        elided = painter.fontMetrics().elidedText(
            subtitle, Qt.TextElideMode.ElideMiddle, rect.width()
        )
        painter.drawText(bottom, Qt.AlignmentFlag.AlignVCenter, elided)
        painter.restore()


def _elide(opt: QStyleOptionViewItem, text: str, width: int) -> str:
    metrics = opt.fontMetrics
    return str(metrics.elidedText(text, Qt.TextElideMode.ElideRight, width))


def caption(text: str) -> QLabel:
    """A bold label over a list."""
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


def section(head: QWidget, body: QWidget) -> QWidget:
    """``head`` above ``body``, no margins."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    layout.addWidget(head)
    layout.addWidget(body, 1)
    return box


def table(model: QAbstractItemModel) -> QTableView:
    """A read-only, row-selecting table over ``model`` with fixed-height rows."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setStretchLastSection(False)
    return view


def fit_column(view: QTableView, column: int, sample: str) -> None:
    """Fixed width that fits ``sample`` (the widest text the column will hold) and its header."""
    metrics = view.fontMetrics()
    header = view.model().headerData(column, Qt.Orientation.Horizontal)
    width = max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(str(header))) + 24
    view.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
    view.setColumnWidth(column, width)


def select_row(view: QAbstractItemView, index: QModelIndex, scroll: bool = True) -> None:
    """Make ``index`` current and selected (its whole row), and scroll to it if ``scroll``."""
    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    view.selectionModel().setCurrentIndex(index, flags)
    if scroll:
        view.scrollTo(index)


def fit_to_screen(window: QWidget, wanted: QSize, minimum: QSize) -> None:
    """Size ``window`` at ``wanted`` but within its screen's free area (a 1400x900 screen at
    2x scale has 700x450 logical pixels), never below ``minimum`` unless the screen is."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    free = screen.availableGeometry().size() if screen is not None else wanted
    window.setMinimumSize(minimum.boundedTo(free))
    window.resize(wanted.boundedTo(free))
