"""One projection everywhere: last year's monthly profile when last year's 12 months are known, else linear."""

import pytest

from model.calc import formulas
from model.calc.report import UnitReport, build_report
from model.common.periods import parse_period
from model.entry.figures import Entry, store_entries
from model.reports.tables import unit_sections

LAST_YEAR_KWH = [5.0e6, 4.6e6, 4.8e6, 5.2e6, 5.9e6, 6.8e6, 7.6e6, 7.8e6, 6.6e6, 5.4e6, 4.9e6, 5.3e6]


def enter(store, unit, period, **values):
    entries = [Entry(unit, parse_period(period), k, str(v)) for k, v in values.items()]
    store_entries(store, store.plans.get(), entries, who="test")


def phcc_june(store):
    for m in range(1, 13):
        enter(store, "phcc", f"2024-{m:02d}", electricity_kwh_last_year=LAST_YEAR_KWH[m - 1])
    for m in range(1, 7):
        enter(
            store, "phcc", f"2024-{m:02d}", electricity_kwh=LAST_YEAR_KWH[m - 1] * 1.03, floor_area_m2=150_000
        )
    plan = store.plans.get()
    return build_report(
        plan,
        store.plans.coefficients(plan.coefficients),
        store.figures.read(plan.id, "phcc"),
        "phcc",
        parse_period("2024-06"),
        version=None,
        created_by="test",
    )


def test_profile_projection_by_hand():
    last = [1.0] * 6 + [3.0] * 6
    p = formulas.project_year_end(3.3, 3, last)
    assert p.method == formulas.PROFILE and p.value == pytest.approx(3.3 * 24 / 3)
    p = formulas.project_year_end(3.3, 3, [*last[:11], None])
    assert p.method == formulas.LINEAR and p.value == pytest.approx(3.3 * 4)


def test_screen_report_and_package_project_the_same_year_end(store):
    report = phcc_june(store)
    a3 = report.progress.annex3
    kgce = store.plans.coefficients(store.plans.get().coefficients).kgce_per_unit(
        "electricity", store.plans.get().electricity_basis, 2024
    )
    expected = sum(LAST_YEAR_KWH) * 1.03 * kgce / 1000  # this year runs 3 % above last year's profile
    assert a3.projection_method == formulas.PROFILE
    assert a3.projected_tce == pytest.approx(expected)
    section = next(s for s in unit_sections(report) if s.annex == 3)
    row = section.tables[1].rows[1]
    assert row[2].number == a3.projected_tce
    assert row[5].text == "按上年月度分布"
    # the package carries last year's later months, so the district recomputes the same projection
    carried = {f["period"] for f in report.to_json()["figures"] if f["field"] == "electricity_kwh_last_year"}
    assert len(carried) == 12
    plan = store.plans.get()
    again = UnitReport.from_json(report.to_json(), plan, store.plans.coefficients(plan.coefficients))
    assert again.progress.annex3.projected_tce == a3.projected_tce
    assert again.progress.annex3.projection_method == formulas.PROFILE
