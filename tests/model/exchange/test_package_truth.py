"""Screen, signed package and district agree: phcc 2024-06 projected 7,805.62 on screen and in the district
summary but 7,985.31 ("按线性推算") in the PDF, since the package lacked last year's later months."""

import json

from model.calc import formulas
from model.calc.report import UnitReport, report_from_store
from model.calc.summary import summary_from_store
from model.common.periods import parse_period
from model.exchange.district import import_package, trust_add
from model.store.database import open_database
from tests.unit_world import unit_db

LAST_YEAR_KWH = [5.0e6, 4.6e6, 4.8e6, 5.2e6, 5.9e6, 6.8e6, 7.6e6, 7.8e6, 6.6e6, 5.4e6, 4.9e6, 5.3e6]


def test_the_district_projects_what_the_unit_signed(tmp_path):
    unit = unit_db(tmp_path, "phcc")
    for m in range(1, 13):
        unit.enter(f"2024-{m:02d}", f"electricity_kwh_last_year={LAST_YEAR_KWH[m - 1]}")
    for m in range(1, 7):
        unit.enter(f"2024-{m:02d}", f"electricity_kwh={LAST_YEAR_KWH[m - 1] * 0.98}", "floor_area_m2=150000")
    unit.statuses("2024-01")
    screen = report_from_store(unit.store, "phcc", parse_period("2024-06"), created_by="clerk")
    assert screen.complete and screen.progress.annex3.projection_method == formulas.PROFILE
    result = unit.submit("2024-06", tmp_path / "out")

    with open_database(tmp_path / "district.sqlite", write=True, create=True) as district:
        plan = district.plans.get()
        trust_add(district, plan, unit.cert_path, who="officer")
        import_package(district, result.pdf_path, who="officer")
        (held,) = district.received.all(plan.id, "phcc")
        signed = UnitReport.from_json(
            json.loads(held.data), plan, district.plans.coefficients(plan.coefficients)
        )
        summary = summary_from_store(district, parse_period("2024-06"))
        july = summary_from_store(district, parse_period("2024-07"))
    projected = screen.progress.annex3.projected_tce
    assert signed.progress.annex3.projected_tce == projected
    assert signed.progress.annex3.projection_method_label == "按上年月度分布"
    line = next(line for line in summary.annex3 if line.unit_id == "phcc")
    assert line.projected_tce == projected
    assert "phcc" not in july.reported  # last year's July carried in the June package is not a July report
    unit.store.close()
