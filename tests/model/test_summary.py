"""District aggregation: ΣE/ΣY over reporting units, counts, who has not reported."""

import pytest

from model.calc import formulas as calc
from model.calc.summary import summary_from_store
from model.common.periods import parse_period
from tests.model.report_fixtures import enter


def test_total_is_sum_of_energy_over_sum_of_output_not_an_average_of_rates(store):
    enter(
        store,
        "zhujing",
        "2024-02",
        energy_tce=2000,
        energy_tce_last_year=2150,
        output_wan_yuan=40000,
        output_wan_yuan_last_year=40500,
    )
    enter(
        store,
        "tinglin",
        "2024-02",
        energy_tce=100,
        energy_tce_last_year=80,
        output_wan_yuan=1000,
        output_wan_yuan_last_year=1000,
    )
    enter(store, "caojing", "2024-02", energy_tce=50)  # reported, but incomplete: not in the total
    s = summary_from_store(store, parse_period("2024-02"))
    t = s.annex2_total
    e, el, y, yl = 2100, 2230, 41000, 41500
    assert t.units_counted == 2 and t.units_expected == 13
    assert (t.energy_tce, t.output_wan_yuan) == (e, y)
    assert t.change_rate_pct == pytest.approx(((e / el) / (y / yl) - 1) * 100)
    line = {x.unit_id: x for x in s.annex2}
    assert line["zhujing"].colour == calc.rate_colour(line["zhujing"].ytd_change_rate_pct, -5.0)
    assert line["tinglin"].colour == "red" and line["caojing"].reported and not line["caojing"].counted
    assert t.colour_counts["green"] == 1 and t.colour_counts["red"] == 1
    assert {"zhujing", "tinglin", "caojing"} == set(s.reported)
    not_reported = {uid for uid, _ in s.not_reported}
    assert "fengjing" in not_reported and "phcc" in not_reported and "zhujing" not in not_reported
    assert len(s.reported) + len(s.not_reported) == len(store.plan().reporting_units())


def test_tasks_count_every_responsible_units_status(store):
    plan = store.plan()
    task = next(t for t in plan.annex4 if len(plan.expand(t.responsible)) > 3)
    units = plan.expand(task.responsible)
    enter(store, units[0], "2024-03", **{f"{task.id}.status": "已完成"})
    enter(store, units[1], "2024-03", **{f"{task.id}.status": "滞后"})
    row = next(r for r in summary_from_store(store, parse_period("2024-03")).annex4 if r.id == task.id)
    assert row.status_counts["已完成"] == 1 and row.status_counts["滞后"] == 1
    assert row.status_counts["未填报"] == len(units) - 2
    assert row.colour == "red" and row.lead_id == units[0]


def test_reported_set_can_come_from_the_caller(store):
    enter(
        store,
        "zhujing",
        "2024-02",
        energy_tce=2000,
        energy_tce_last_year=2150,
        output_wan_yuan=40000,
        output_wan_yuan_last_year=40500,
    )
    s = summary_from_store(store, parse_period("2024-02"), reported=set())
    assert s.reported == [] and s.annex2_total.units_counted == 0 and s.annex2_total.change_rate_pct is None
