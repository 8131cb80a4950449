"""DOMAIN.md's formulas and worked examples."""

import pytest

from model.calc import formulas as calc


def test_jiading_2016_published_change_rate():
    # energy grew to 1.0315 of last year while output grew to 1.0671: −3.34 %
    assert round(calc.change_rate_pct(1.0315, 1.0, 1.0671, 1.0), 2) == -3.34


@pytest.mark.parametrize(
    ("actual", "colour"), [(-3.2, "green"), (-3.0, "green"), (-2.8, "yellow"), (-2.5, "red"), (0.4, "red")]
)
def test_ndrc2020_colours_for_target_minus_3(actual, colour):
    assert calc.rate_colour(actual, -3.0, "ndrc2020", 0.10) == colour


@pytest.mark.parametrize(
    ("actual", "colour"), [(-3.1, "green"), (-2.8, "yellow"), (-2.5, "yellow"), (0.4, "red")]
)
def test_ndrc2021_colours_for_target_minus_3(actual, colour):
    assert calc.rate_colour(actual, -3.0, "ndrc2021") == colour


def test_no_figure_no_colour():
    assert calc.rate_colour(None, -3.0) is None
    assert calc.change_rate_pct(100, 0, 10, 10) is None
    assert calc.change_rate_pct(100, 90, 10, None) is None


def test_sums_first_not_average_of_monthly_rates():
    months = [(100, 80, 1000, 1000), (300, 330, 1000, 1000)]  # +25 % then −9.09 %
    e, el, y, yl = (sum(m[i] for m in months) for i in range(4))
    ytd = calc.change_rate_pct(e, el, y, yl)
    assert ytd == pytest.approx(
        -2.4390244
    )  # (400 / 410) / (2000 / 2000) − 1; the monthly rates average +7.95 %


def test_group_total_is_sum_of_energy_over_sum_of_output():
    a = calc.EnergyOutput(100, 110, 1000, 1000)  # −9.09 %
    b = calc.EnergyOutput(1000, 900, 2000, 2000)  # +11.1 %
    group = calc.total([a, b])
    assert group.change_rate_pct == pytest.approx((1100 / 1010 - 1) * 100)
    assert group.change_rate_pct != pytest.approx((a.change_rate_pct + b.change_rate_pct) / 2)


def test_completion_rate_is_actual_over_target_decline():
    assert calc.completion_rate_pct(-2.4, -3.0) == pytest.approx(80.0)
    assert calc.completion_rate_pct(0.6, -3.0) == pytest.approx(-20.0)
    assert calc.completion_rate_pct(-1.0, 0.0) is None


def test_quantity_against_elapsed_share_of_year():
    # 40 ha a year; by June (50 % elapsed)
    assert calc.quantity_progress(20, 40, 6).colour == "green"
    assert calc.quantity_progress(18.5, 40, 6).colour == "yellow"  # 46.25 % ≥ 45 %
    assert calc.quantity_progress(10, 40, 6).colour == "red"
    q = calc.quantity_progress(10, 40, 6)
    assert (q.share_of_target_pct, q.elapsed_pct) == (25.0, 50.0)


def test_levels_and_caps():
    assert calc.level_colour(98.0, 98, ">=") == "green"
    assert calc.level_colour(90.0, 98, ">=") == "yellow"
    assert calc.level_colour(80.0, 98, ">=") == "red"
    assert calc.cap_colour(10381, 10381) == "green"
    assert calc.cap_colour(11000, 10381) == "yellow"
    assert calc.cap_colour(12000, 10381) == "red"


def test_projections():
    assert calc.project_linear(300, 3) == 1200
    # last year: 200 by March, 1000 in all -> this year's 300 by March projects to 1500
    assert calc.project_by_profile(300, 200, 1000) == 1500
    assert calc.project_by_profile(300, None, 1000) is None


def test_worst_colour():
    assert calc.worst(["green", None, "yellow"]) == "yellow"
    assert calc.worst([None]) is None
