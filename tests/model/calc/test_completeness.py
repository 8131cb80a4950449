"""The units × months grid as a pure function: deadlines from the plan, on time, late, corrected, missing."""

import json
from datetime import date

import pytest

from model.calc.completeness import (
    CORRECTED,
    EXEMPT,
    LATE,
    MISSING,
    NOT_DUE,
    ON_TIME,
    OWN,
    HeldVersion,
    completeness_grid,
    deadline,
    expected_units,
)
from model.common.periods import Period
from model.plan.spec import parse_plan, shipped_plan_text


def _plan(**rules):
    data = json.loads(shipped_plan_text())
    data["rules"].update(rules)
    return parse_plan(json.dumps(data, ensure_ascii=False), "test.json")


@pytest.mark.parametrize(
    ("day", "period", "due"),
    [
        (15, Period(2024, 7), date(2024, 8, 15)),
        (15, Period(2024, 12), date(2025, 1, 15)),  # December's figures are due in January
        (31, Period(2024, 1), date(2024, 2, 29)),  # a deadline day past the month's end is its last day
        (10, Period(2024, 3), date(2024, 4, 10)),
    ],
)
def test_deadline_is_the_plans_day_of_the_next_month(day, period, due):
    assert deadline(_plan(deadline_day=day), period) == due


def test_each_cell_says_on_time_late_corrected_missing_or_not_due():
    plan = _plan(deadline_day=15)
    held = [
        HeldVersion("fengjing", "2024-02", 1, "2024-03-15T23:59:00+08:00", True),  # the deadline day itself
        HeldVersion("fengjing", "2024-03", 1, "2024-04-16T08:00:00+08:00", True),
        HeldVersion("zhujing", "2024-02", 1, "2024-03-01T10:00:00+08:00", False),
        HeldVersion("zhujing", "2024-02", 2, "2024-03-20T10:00:00+08:00", True),
        HeldVersion("tangu", "2024-03", 2, "2024-04-02T10:00:00+08:00", True),  # only the correction came
    ]
    grid = completeness_grid(plan, held, date(2024, 4, 20), Period(2024, 4))
    assert [c.period for c in grid.units[0].cells] == ["2024-02", "2024-03", "2024-04"]  # no January column
    assert grid.cell("fengjing", "2024-02").state == ON_TIME
    assert grid.cell("fengjing", "2024-03").state == LATE
    assert grid.cell("fengjing", "2024-04").state == NOT_DUE
    feb = grid.cell("zhujing", "2024-02")
    assert (feb.state, feb.version, feb.on_time) == (CORRECTED, 2, True)
    assert grid.cell("zhujing", "2024-03").state == MISSING
    assert grid.cell("tangu", "2024-03").state == CORRECTED
    assert grid.counts[NOT_DUE] == len(expected_units(plan))
    assert grid.cell("shihua", "2024-04").state == EXEMPT and grid.cell("drc", "2024-04").state == OWN
    assert "fengjing" not in grid.missing()  # April is not due yet
    march = completeness_grid(plan, held, date(2024, 4, 20), Period(2024, 3))
    assert set(march.missing()) == {u.id for u in expected_units(plan)} - {"fengjing", "tangu"}
    assert march.to_dict()["units"][0]["months"]["2024-03"]["label"] == "迟报"
