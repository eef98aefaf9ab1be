"""Small reusable widgets: the message bar, empty-state stacks and a two-line item delegate."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
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
