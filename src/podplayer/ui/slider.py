"""The position slider of the transport bar: chapter ticks, skipped stretches shaded, a
chapter's title as the tooltip, and a click that seeks where it lands."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect, Qt, Signal, Slot
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import QSlider, QStyle, QStyleOptionSlider, QToolTip, QWidget

from podplayer.core.model import Chapter
from podplayer.core.timecode import format_ms

#: Ticks closer than this (in pixels) to the previous drawn one are left out.
MIN_TICK_SPACING_PX = 4


def thin_ticks(xs: Sequence[int], min_spacing: int = MIN_TICK_SPACING_PX) -> list[int]:
    """The pixel positions to draw: each at least ``min_spacing`` right of the last one kept.

    >>> thin_ticks([0, 2, 4, 5, 9, 30])
    [0, 4, 9, 30]
    """
    kept: list[int] = []
    for x in xs:
        if not kept or x - kept[-1] >= min_spacing:
            kept.append(x)
    return kept


class ChapterSlider(QSlider):
    """A position slider in ms with a tick at each chapter start, and the chapters drawn as
    segments of alternating shades under the groove (skipped ones hatched).

    A click on the groove jumps there; dragging moves the handle and seeks on release. Either
    way ``seek_requested(ms)`` is emitted once. While the handle is held, position updates from
    the player are ignored.
    """

    seek_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("positionSlider")
        self.setRange(0, 0)
        self.setSingleStep(5_000)
        self.setPageStep(30_000)
        self.setTracking(True)
        self.setMouseTracking(True)
        self.setMinimumHeight(26)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the window's arrow keys skip
        self._starts: tuple[int, ...] = ()
        self._titles: tuple[str, ...] = ()
        self._skipped: frozenset[int] = frozenset()
        self.sliderReleased.connect(self._on_released)

    def set_chapters(self, chapters: Sequence[Chapter]) -> None:
        self._starts = tuple(c.start_ms for c in chapters)
        self._titles = tuple(c.title for c in chapters)
        self.update()

    def set_skipped(self, starts: frozenset[int]) -> None:
        """Chapters (by start, int ms) drawn as skipped."""
        self._skipped = frozenset(starts)
        self.update()

    def segments(self) -> list[tuple[int, int, bool]]:
        """Each chapter's (left x, right x, skipped) in widget pixels, in order."""
        if self.maximum() <= 0 or not self._starts:
            return []
        groove = self._groove()
        edges = [min(max(0, s), self.maximum()) for s in self._starts] + [self.maximum()]
        return [
            (
                groove.left() + self._pixel_of(edges[i], groove),
                groove.left() + self._pixel_of(edges[i + 1], groove),
                self._starts[i] in self._skipped,
            )
            for i in range(len(self._starts))
        ]

    def set_duration(self, ms: int) -> None:
        self.setRange(0, max(0, ms))
        self.update()

    def set_position(self, ms: int) -> None:
        """Show ``ms`` unless the user is holding the handle."""
        if not self.isSliderDown():
            self.blockSignals(True)
            self.setValue(ms)
            self.blockSignals(False)

    def tick_positions(self) -> list[int]:
        """The x of each tick that is drawn, in widget pixels, after thinning."""
        if self.maximum() <= 0:
            return []
        groove = self._groove()
        xs = []
        for start in self._starts:
            if 0 <= start <= self.maximum():
                xs.append(groove.left() + self._pixel_of(start, groove))
        return thin_ticks(sorted(xs))

    # -- geometry ----------------------------------------------------------------------------

    def _option(self) -> QStyleOptionSlider:
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        return opt

    def _groove(self) -> QRect:
        opt = self._option()
        style = self.style()
        groove = style.subControlRect(
            QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderGroove, self
        )
        handle = style.subControlRect(
            QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, self
        )
        # The handle's centre travels from half a handle in to half a handle before the end.
        half = handle.width() // 2
        return QRect(groove.left() + half, groove.top(), groove.width() - 2 * half, groove.height())

    def _pixel_of(self, ms: int, groove: QRect) -> int:
        return QStyle.sliderPositionFromValue(
            self.minimum(), self.maximum(), ms, max(1, groove.width())
        )

    def _value_at(self, x: int) -> int:
        groove = self._groove()
        return QStyle.sliderValueFromPosition(
            self.minimum(), self.maximum(), x - groove.left(), max(1, groove.width())
        )

    # -- events ------------------------------------------------------------------------------

    def paintEvent(self, event: object) -> None:  # noqa: N802
        super().paintEvent(event)  # type: ignore[arg-type]
        ticks = self.tick_positions()
        if not ticks:
            return
        painter = QPainter(self)
        palette = self.palette()
        groove = self._groove()
        # A band under the groove: chapters in alternating shades of the palette's highlight
        # and text colours, so it reads on light and dark themes alike.
        band_top = groove.center().y() + 5
        band = max(3, self.height() // 8)
        shades = (
            palette.color(QPalette.ColorRole.Highlight),
            palette.color(QPalette.ColorRole.Text),
        )
        for i, (left, right, skipped) in enumerate(self.segments()):
            shade = QColor(shades[i % 2])
            shade.setAlpha(40 if skipped else (140 if self.isEnabled() else 50))
            if right > left:
                painter.fillRect(left, band_top, right - left, band, shade)
            if skipped:
                painter.fillRect(left, band_top, right - left, band, Qt.BrushStyle.BDiagPattern)
        color = palette.color(QPalette.ColorRole.WindowText)
        color.setAlpha(150 if self.isEnabled() else 60)
        painter.setPen(color)
        for x in ticks:
            painter.drawLine(x, band_top, x, band_top + band + 2)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > 0:
            opt = self._option()
            hit = self.style().hitTestComplexControl(
                QStyle.ComplexControl.CC_Slider, opt, event.position().toPoint(), self
            )
            if hit != QStyle.SubControl.SC_SliderHandle:
                # Jump where clicked (Qt's default pages towards it), then let a drag follow.
                self.setSliderPosition(self._value_at(event.position().toPoint().x()))
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseMoveEvent(event)
        if self.maximum() > 0:
            ms = self._value_at(event.position().toPoint().x())
            text = format_ms(ms)
            index = bisect.bisect_right(self._starts, ms) - 1
            if index >= 0:
                text += f"  {self._titles[index]}"
            QToolTip.showText(event.globalPosition().toPoint() + QPoint(0, -40), text, self)

    @Slot()
    def _on_released(self) -> None:
        self.seek_requested.emit(self.value())
