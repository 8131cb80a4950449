"""The window's chart uses the same axis as the PDF's."""

from PySide6.QtGui import QColor

from gui.chart import MonthChart, Reference, Series
from model.reports.chart import axis_for


def test_window_chart_axis_is_the_shared_rule(qtbot):
    chart = MonthChart("累计变化率")
    qtbot.addWidget(chart)
    chart.set_data(
        [Series("累计变化率", [(1, -1.4), (2, -3.7), (3, 0.9)], QColor("blue"))],
        [Reference("目标", -3.0, QColor("red"))],
    )
    assert chart.axis() == axis_for([-1.4, -3.7, 0.9, -3.0])
    assert [chart.axis().label(t) for t in chart.axis().ticks] == ["−4", "−2", "0", "2"]
    chart.resize(600, 300)
    chart.grab()  # paints without error
