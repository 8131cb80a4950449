"""No verdict from incomplete data: a missing month or cell is 数据不全, never a zero (issue 11, item 3)."""

import pytest

from model.calc.checks import ERROR, check_period
from model.calc.report import report_from_store
from model.common.periods import parse_period
from model.entry.figures import Entry, store_entries
from model.exchange.submission import blocking_problems
from model.reports.tables import unit_notes, unit_sections


def enter(store, unit, period, **values):
    entries = [Entry(unit, parse_period(period), k, str(v)) for k, v in values.items()]
    store_entries(store, store.plans.get(), entries, who="test")


def town_month(store, period, e=1000, el=1050, y=20000, yl=19500, unit="fengjing"):
    enter(
        store,
        unit,
        period,
        energy_tce=e,
        energy_tce_last_year=el,
        output_wan_yuan=y,
        output_wan_yuan_last_year=yl,
    )


def report(store, unit, period):
    return report_from_store(store, unit, parse_period(period), created_by="test")


def missing_cells(a):
    return {(m.period, m.field) for m in a.missing}


def test_a_missing_april_gives_no_rate_no_colour_and_names_the_cells(store):
    for m in (2, 3, 5, 6):
        town_month(store, f"2024-{m:02d}")
    r = report(store, "fengjing", "2024-06")
    a2 = r.progress.annex2
    assert a2.ytd_change_rate_pct is None and a2.colour is None and a2.completion_rate_pct is None
    assert a2.ytd_energy_tce is None and a2.ytd_intensity_tce_per_wan_yuan is None
    assert a2.colour_label == "数据不全"
    assert ("2024-04", "energy_tce") in missing_cells(a2)
    assert ("2024-04", "output_wan_yuan_last_year") in missing_cells(a2)
    # the months before the gap still have their own cumulative figures; those after it do not
    assert a2.months[2].ytd_change_rate_pct is not None and a2.months[4].ytd_change_rate_pct is None
    errors = [p for p in check_period(store.plans.get(), "fengjing", parse_period("2024-06"), r.figures)]
    april = [p for p in errors if p.severity == ERROR and p.period == "2024-04"]
    assert {p.field for p in april} >= {"energy_tce", "energy_tce_last_year"}
    assert "4月" in april[0].message
    blocking = blocking_problems(store, store.plans.get(), "fengjing", parse_period("2024-06"))
    assert any(p.period == "2024-04" and p.field == "energy_tce" for p in blocking)


def test_the_printed_form_says_incomplete_and_names_the_missing_cells(store):
    for m in (2, 3, 5, 6):
        town_month(store, f"2024-{m:02d}")
    r = report(store, "fengjing", "2024-06")
    section = next(s for s in unit_sections(r) if s.annex == 2)
    result = section.tables[1]
    assert result.rows[0][-1].text == "数据不全"
    assert result.rows[0][0].text == "—"
    notes = "\n".join(unit_notes(r))
    assert "4月" in notes and "综合能耗（考核口径）" in notes


def test_a_blank_last_year_cell_is_not_green(store):
    town_month(store, "2024-02")
    enter(
        store, "fengjing", "2024-03", energy_tce=900, output_wan_yuan=20000, output_wan_yuan_last_year=19000
    )
    a2 = report(store, "fengjing", "2024-03").progress.annex2
    assert a2.colour is None and a2.ytd_change_rate_pct is None
    assert missing_cells(a2) == {("2024-03", "energy_tce_last_year")}


def test_an_empty_month_is_not_green(store):
    town_month(store, "2024-02", e=900)
    a2 = report(store, "fengjing", "2024-03").progress.annex2
    assert a2.colour is None
    assert ("2024-03", "energy_tce") in missing_cells(a2)


def test_energy_without_output_gives_no_intensity(store):
    town_month(store, "2024-02", e=100, y=1000)
    town_month(store, "2024-03", e=100, y=1000)
    enter(store, "fengjing", "2024-04", energy_tce=100, energy_tce_last_year=100)
    a2 = report(store, "fengjing", "2024-04").progress.annex2
    assert a2.ytd_intensity_tce_per_wan_yuan is None  # was 300 / 2000 = 0.150
    assert a2.months[2].ytd_intensity == pytest.approx(200 / 2000)  # 1–3月 is complete


def test_complete_months_still_give_a_verdict(store):
    town_month(store, "2024-02", 1000, 1050, 20000, 19500)
    town_month(store, "2024-03", 600, 620, 12000, 11000)
    a2 = report(store, "fengjing", "2024-03").progress.annex2
    assert a2.missing == []
    expected = ((1600 / 1670) / (32000 / 30500) - 1) * 100
    assert a2.ytd_change_rate_pct == pytest.approx(expected)
    assert a2.colour == "green"


def test_annex3_with_two_empty_months_projects_nothing(store):
    for m in range(1, 5):
        enter(
            store,
            "phcc",
            f"2024-{m:02d}",
            electricity_kwh=7_000_000,
            electricity_kwh_last_year=7_100_000,
            floor_area_m2=150_000,
        )
    a3 = report(store, "phcc", "2024-06").progress.annex3
    assert a3.projected_tce is None and a3.projection_method is None
    assert a3.total_colour is None and a3.colour is None and a3.intensity is None
    assert a3.colour_label == "数据不全"
    assert {("2024-05", "electricity_kwh"), ("2024-06", "electricity_kwh_last_year")} <= missing_cells(a3)


def test_annex3_wastewater_needs_the_volume_treated_of_every_month(store):
    enter(
        store,
        "paihai",
        "2024-01",
        electricity_kwh=5e6,
        electricity_kwh_last_year=5.1e6,
        treated_volume_m3=3.8e6,
        treated_volume_m3_last_year=3.7e6,
    )
    enter(
        store,
        "paihai",
        "2024-02",
        electricity_kwh=5e6,
        electricity_kwh_last_year=5.1e6,
        treated_volume_m3_last_year=3.7e6,
    )
    a3 = report(store, "paihai", "2024-02").progress.annex3
    assert a3.intensity is None and a3.intensity_colour is None
    assert missing_cells(a3) == {("2024-02", "treated_volume_m3")}


def test_gross_energy_below_assessment_energy_is_an_error_with_the_plans_severity(store):
    town_month(store, "2024-02")
    enter(store, "fengjing", "2024-02", gross_energy_tce=900)  # 02 < 01
    problems = check_period(
        store.plans.get(), "fengjing", parse_period("2024-02"), store.figures.read("jinshan-2024", "fengjing")
    )
    (audit,) = [p for p in problems if p.field == "gross_energy_tce"]
    assert audit.severity == store.plans.get().rules.audit_rules[0].severity == ERROR
    assert "900" in audit.message and "1,000" in audit.message
    enter(store, "fengjing", "2024-02", gross_energy_tce=1300)
    problems = check_period(
        store.plans.get(), "fengjing", parse_period("2024-02"), store.figures.read("jinshan-2024", "fengjing")
    )
    assert not [p for p in problems if p.field == "gross_energy_tce"]
