"""The district view as a pure function of the packages held: ΣE/ΣY over units, counts, who has not
reported, corrections with their reasons, and the figures the district computes itself."""

import json
from datetime import date

import pytest

from model.calc import formulas as calc
from model.calc.completeness import HeldVersion, completeness_grid, expected_units, report_rate
from model.calc.summary import build_district_view
from model.common.periods import Period
from model.plan.spec import ANNEX2_DISTRICT_RATE, REPORT_RATE
from model.store.received import RECEIVED, KeySums, PeriodPackage
from tests.model.report_fixtures import enter, view_of_reports


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
    enter(store, "caojing", "2024-02", energy_tce=50, output_wan_yuan=900)  # nothing to compare with
    s = view_of_reports(store, ("zhujing", "tinglin", "caojing"), "2024-02")
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
    plan = store.plans.get()
    assert len(s.reported) + len(s.not_reported) == len(expected_units(plan))
    assert [uid for uid, _name in s.not_comparable] == ["caojing"]


def test_tasks_count_every_responsible_units_status(store):
    plan = store.plans.get()
    task = next(t for t in plan.annex4 if len(plan.expand(t.responsible)) > 3 and t.quantity is None)
    units = plan.expand(task.responsible)
    enter(store, units[0], "2024-03", **{f"{task.id}.status": "已完成"})
    enter(store, units[1], "2024-03", **{f"{task.id}.status": "滞后"})
    view = view_of_reports(store, units[:2], "2024-03")
    row = next(r for r in view.annex4 if r.id == task.id)
    assert row.status_counts["已完成"] == 1 and row.status_counts["滞后"] == 1
    assert row.status_counts["未填报"] == len(units) - 2
    assert row.colour == "red" and row.lead_id == units[0] and row.source == ""


def _package(unit_id, period, version=1, reason="", sums=(100.0, 110.0, 1000.0, 1000.0)):
    return PeriodPackage(
        unit_id,
        period,
        version,
        f"{period}-10T10:00:00+08:00",
        RECEIVED,
        "{}",
        reason,
        version - 1 or None,
        KeySums(*sums),
    )


def test_a_correction_shows_the_version_it_replaces_and_its_reason(plan):
    period = Period(2024, 3)
    packages = {
        "fengjing": _package("fengjing", "2024-03", 2, "能耗漏报一户"),
        "tangu": _package("tangu", "2024-03"),
    }
    held = [
        HeldVersion(p.unit_id, p.period, p.version, "2024-04-10T10:00:00+08:00", True)
        for p in packages.values()
    ]
    view = build_district_view(
        plan, period, completeness_grid(plan, held, date(2024, 5, 1), period), packages
    )
    (correction,) = view.corrections
    assert (correction.unit_id, correction.version, correction.replaces_version) == ("fengjing", 2, 1)
    assert any("枫泾镇" in n and "第 2 版" in n and "能耗漏报一户" in n for n in view.notes)
    assert json.loads(json.dumps(view.to_dict()))["corrections"][0]["correction_reason"] == "能耗漏报一户"


def test_a1_02_and_a4_23_are_computed_by_the_district_not_typed(plan):
    a1 = next(r for r in plan.annex1 if r.computed == ANNEX2_DISTRICT_RATE)
    a4 = next(t for t in plan.annex4 if t.quantity and t.quantity.computed == REPORT_RATE)
    assert (a1.id, a4.id) == ("A1-02", "A4-23")
    offered = {f.key for u in plan.units for f in plan.fields_for(u.id)}
    assert "A1-02.value" not in offered and "A4-23.value" not in offered and "A4-23.status" in offered

    period = Period(2024, 3)
    packages = {
        "fengjing": _package("fengjing", "2024-03", sums=(600.0, 620.0, 12000.0, 11000.0)),
        "zhujing": _package("zhujing", "2024-03", sums=(450.0, 470.0, 7000.0, 6800.0)),
    }
    held = [
        HeldVersion("fengjing", "2024-02", 1, "2024-03-10T10:00:00+08:00", True),
        HeldVersion("fengjing", "2024-03", 1, "2024-04-20T10:00:00+08:00", True),  # late
        HeldVersion("zhujing", "2024-03", 1, "2024-04-10T10:00:00+08:00", True),
    ]
    grid = completeness_grid(plan, held, date(2024, 5, 1), period)
    view = build_district_view(plan, period, grid, packages)
    row1 = next(r for r in view.annex1 if r.id == "A1-02")
    expected_rate = calc.change_rate_pct(1050, 1090, 19000, 17800)
    assert row1.value == pytest.approx(expected_rate) == view.annex2_total.change_rate_pct
    assert row1.colour == calc.rate_colour(expected_rate, a1.target_value) and "ΣE/ΣY" in row1.source
    rate = report_rate(plan, grid)
    assert (rate.on_time, rate.expected) == (2, 2 * len(expected_units(plan)))  # February and March
    row4 = next(r for r in view.annex4 if r.id == "A4-23")
    assert row4.value == pytest.approx(200 / rate.expected) and row4.colour == "red"
    assert "完整性" in row4.source and view.report_rate_pct == row4.value


def test_a_district_scope_task_row_is_the_district_value_of_its_contributions(store):
    """A4-13 (1.7亿度 green certificates, contributions add up): the lead (drc) has not reported, two towns
    contributed 0.5 and 0.6; the district row shows their sum judged against the whole target, not the
    first unit's value and the worst town colour."""
    plan = store.plans.get()
    task = next(t for t in plan.annex4 if t.id == "A4-13")
    assert task.lead == "drc" and task.quantity is not None and task.quantity.scope == "district"
    enter(store, "fengjing", "2024-06", **{"A4-13.value": 0.5, "A4-13.status": "推进中"})
    enter(store, "zhujing", "2024-06", **{"A4-13.value": 0.6, "A4-13.status": "滞后"})
    view = view_of_reports(store, ("fengjing", "zhujing"), "2024-06")
    row = next(r for r in view.annex4 if r.id == "A4-13")
    assert row.value == pytest.approx(1.1)
    assert row.lead_id == "drc"
    assert row.share_of_target_pct == pytest.approx(1.1 / 1.7 * 100)
    # half the year gone, 65 % of the target reached: ahead of 序时进度, so not red
    assert row.colour == "green"
    assert "贡献" in row.source and "枫泾镇" in row.source
    assert {u.unit_id: u.value for u in row.units if u.value is not None} == {"fengjing": 0.5, "zhujing": 0.6}
