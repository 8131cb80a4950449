"""A small month-by-month line chart drawn with QPainter (QtCharts is not in PySide6-Essentials)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from model.reports.chart import Axis, axis_for


@dataclass
class Series:
    label: str
    points: list[tuple[int, float | None]]  # (month, value)
    colour: QColor
    point_colours: list[QColor | None] = field(default_factory=list)
    dashed: bool = False
    right: bool = False  # drawn against an axis of its own on the right (tCO₂ beside energy or a rate)


@dataclass
class Reference:
    label: str
    value: float
    colour: QColor


class MonthChart(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.series: list[Series] = []
        self.references: list[Reference] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(self.fontMetrics().height() * 12)

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("0") * 60, self.fontMetrics().height() * 16)

    def set_data(self, series: list[Series], references: list[Reference]) -> None:
        self.series, self.references = series, references
        self.update()

    def axis(self) -> Axis:
        values = [v for s in self.series if not s.right for _, v in s.points] + [
            r.value for r in self.references
        ]
        return axis_for(values)

    def right_axis(self) -> Axis | None:
        """The right axis of the series that have one (amounts such as tCO₂: from zero); None without."""
        values = [v for s in self.series if s.right for _, v in s.points]
        return axis_for(values, from_zero=True) if any(s.right for s in self.series) else None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        line_h = fm.height()
        painter.fillRect(self.rect(), self.palette().base())
        right_axis = self.right_axis()
        label_width = fm.horizontalAdvance("−00000.0") + 12
        plot = QRectF(label_width, line_h * 2, 0, 0)
        plot.setRight(self.width() - (label_width if right_axis else 16))
        plot.setBottom(self.height() - line_h * 3)
        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(0, 0, self.width(), line_h * 1.6), Qt.AlignmentFlag.AlignCenter, self.title)
        axis = self.axis()
        low, high = axis.low, axis.high

        def x_of(month: float) -> float:
            return plot.left() + (month - 0.5) / 12 * plot.width()

        def y_of(value: float) -> float:
            return plot.bottom() - (value - low) / (high - low) * plot.height()

        grid_pen = QPen(QColor("#d0d0d0"))
        for value in axis.ticks:
            painter.setPen(grid_pen)
            painter.drawLine(QPointF(plot.left(), y_of(value)), QPointF(plot.right(), y_of(value)))
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(0, y_of(value) - line_h / 2, plot.left() - 6, line_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                axis.label(value),
            )
        if right_axis is not None:
            self._right_ticks(painter, plot, right_axis)
        for month in range(1, 13):
            painter.drawText(
                QRectF(x_of(month) - 30, plot.bottom() + 4, 60, line_h),
                Qt.AlignmentFlag.AlignCenter,
                self.tr("{m}月").format(m=month),
            )
        if low < 0 < high:
            painter.setPen(QPen(QColor("#909090"), 1))
            painter.drawLine(QPointF(plot.left(), y_of(0)), QPointF(plot.right(), y_of(0)))
        legend_x = plot.left()
        legend_y = self.height() - line_h * 1.3
        for ref in self.references:
            pen = QPen(ref.colour, 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(plot.left(), y_of(ref.value)), QPointF(plot.right(), y_of(ref.value)))
            legend_x = self._legend(painter, legend_x, legend_y, pen, ref.label)
        for s in self.series:
            pen = QPen(s.colour, 2, Qt.PenStyle.DashLine if s.dashed else Qt.PenStyle.SolidLine)
            painter.setPen(pen)
            previous: QPointF | None = None
            on = right_axis if s.right and right_axis is not None else axis
            for i, (month, value) in enumerate(s.points):
                if value is None:
                    previous = None
                    continue
                point = QPointF(x_of(month), _y(plot, on, value))
                if previous is not None:
                    painter.drawLine(previous, point)
                colour = s.point_colours[i] if i < len(s.point_colours) and s.point_colours[i] else s.colour
                painter.setBrush(colour)
                painter.drawEllipse(point, 4, 4)
                previous = point
            legend_x = self._legend(painter, legend_x, legend_y, pen, s.label)
        painter.end()

    def _right_ticks(self, painter: QPainter, plot: QRectF, axis: Axis) -> None:
        """The right axis's tick labels, in the colour of its (first) series, beside the plot."""
        line_h = self.fontMetrics().height()
        colour = next(s.colour for s in self.series if s.right)
        painter.setPen(colour)
        for value in axis.ticks:
            painter.drawText(
                QRectF(
                    plot.right() + 6, _y(plot, axis, value) - line_h / 2, self.width() - plot.right(), line_h
                ),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                axis.label(value),
            )
        painter.setPen(self.palette().text().color())

    def _legend(self, painter: QPainter, x: float, y: float, pen: QPen, label: str) -> float:
        painter.setPen(pen)
        painter.drawLine(QPointF(x, y + 2), QPointF(x + 24, y + 2))
        painter.setPen(self.palette().text().color())
        width = self.fontMetrics().horizontalAdvance(label)
        painter.drawText(QPointF(x + 30, y + self.fontMetrics().ascent() / 2), label)
        return x + 30 + width + 24


def _y(plot: QRectF, axis: Axis, value: float) -> float:
    return plot.bottom() - (value - axis.low) / (axis.high - axis.low) * plot.height()
