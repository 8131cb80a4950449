"""Chart axes read at a glance: steps of 1, 2 or 5 × 10ⁿ, zero on the axis, every point inside."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.reports.chart import axis_for, nice_step


@pytest.mark.parametrize(
    ("raw", "step"),
    [
        (0.93, 1),
        (1.0, 1),
        (1.01, 2),
        (2.4, 5),
        (3.7, 5),
        (5.01, 10),
        (0.013, 0.02),
        (2906.7, 5000),
        (11626.7, 20000),
    ],
)
def test_steps_are_one_two_or_five_times_a_power_of_ten(raw, step):
    assert nice_step(raw) == pytest.approx(step)


def test_rates_like_the_ones_that_read_badly_get_whole_ticks():
    axis = axis_for([0.9, -1.4, -3.7, -3.0])
    assert [axis.label(t) for t in axis.ticks] == ["−4", "−2", "0", "2"]


def test_large_totals_get_round_thousands():
    axis = axis_for([1850.2, 3900.0, 11626.7, 10381.0], from_zero=True)
    assert axis.low == 0
    assert all(t % axis.step == 0 for t in axis.ticks)
    assert axis.label(axis.ticks[1]) == "5,000"
    assert "." not in "".join(axis.label(t) for t in axis.ticks)


def test_tiny_intensities_keep_their_decimals():
    axis = axis_for([0.0000651, 0.0001697])
    assert axis.step == pytest.approx(0.00005)
    assert axis.label(axis.ticks[1]) == "0.00005"


@given(st.lists(st.floats(-1e7, 1e7, allow_nan=False), min_size=1, max_size=24))
def test_every_value_and_zero_lie_on_the_axis(values):
    axis = axis_for(values)
    slack = axis.step * 1e-6  # a drawing cannot show less
    assert axis.low <= min([*values, 0.0]) + slack and axis.high >= max([*values, 0.0]) - slack
    mantissa = axis.step / 10 ** math.floor(math.log10(axis.step))
    assert round(mantissa, 6) in (1.0, 2.0, 5.0)
    assert 2 <= len(axis.ticks) <= 12


def test_the_pdf_chart_labels_its_axis_with_the_shared_rule():
    from reportlab.graphics.shapes import String

    from model.reports.pdf import _chart
    from model.reports.tables import Chart

    chart = Chart("rate", "变化率", [(1, -1.4), (2, -3.7), (3, 0.9)], -3.0, "目标", "%", "累计变化率")
    labels = {s.text for s in _chart(chart).contents if isinstance(s, String)}
    assert {"−4", "−2", "0", "2"} <= labels
