"""The district's carbon total is a sum of the key users' packages; each unit's remaining allowance is
the one its package computed; `explain_district` names the units counted and those left out."""

from datetime import datetime

import pytest

from model.calc.explain import explain_district
from model.calc.summary import district_view
from model.common.periods import parse_period
from model.exchange.district import import_package, trust_add
from tests.unit_world import unit_db

T_CO2_PER_KWH = 4.2 / 10000  # Shanghai, DOMAIN.md §3


def _key_user(tmp_path, district, unit_id, kwh, kwh_last, den_key, den, den_last):
    unit = unit_db(tmp_path, unit_id)
    unit.statuses("2024-01")
    for m in range(1, 13):
        unit.enter(
            f"2024-{m:02d}", f"electricity_kwh_last_year={kwh_last}", f"{den_key}_last_year={den_last}"
        )
    for m in (1, 2, 3):
        unit.enter(f"2024-{m:02d}", f"electricity_kwh={kwh}", f"{den_key}={den}")
    trust_add(district, district.plans.get(), unit.cert_path, who="officer")
    path = unit.submit(
        "2024-03", tmp_path / "outbox", datetime.fromisoformat("2024-04-10T10:00:00+08:00")
    ).pdf_path
    outcome = import_package(district, path, who="officer")
    assert not outcome.refused, outcome.message
    unit.store.close()


def test_district_carbon_is_a_sum_and_allowance_comes_from_the_package(tmp_path, district):
    _key_user(tmp_path, district, "paihai", 2_000_000, 2_100_000, "treated_volume_m3", 4_000_000, 3_900_000)
    _key_user(tmp_path, district, "phcc", 1_000_000, 1_000_000, "floor_area_m2", 100_000, 100_000)
    view = district_view(district, parse_period("2024-03"))
    paihai_co2, phcc_co2 = 6_000_000 * T_CO2_PER_KWH, 3_000_000 * T_CO2_PER_KWH  # 2520, 1260
    assert view.annex3_ytd_co2_t == pytest.approx(paihai_co2 + phcc_co2)
    assert view.annex3_ytd_co2_t_last_year == pytest.approx((6_300_000 + 3_000_000) * T_CO2_PER_KWH)
    lines = {line.unit_id: line for line in view.annex3}
    # paihai: min(8856 − 1800, 0.0001697 × 48e6 − 1800); phcc: min(10381 − 900, 0.08 × 100000 − 900)
    assert lines["paihai"].remaining_allowance_tce == pytest.approx(0.0001697 * 48_000_000 - 1800)
    assert lines["phcc"].remaining_allowance_tce == pytest.approx(8000 - 900)
    assert lines["phcc"].remaining_allowance_per_month_tce == pytest.approx(7100 / 9)
    e = explain_district(view, "annex3_ytd_co2_t")
    assert sorted(i.value for i in e.inputs) == pytest.approx(sorted([paihai_co2, phcc_co2]))
    assert "计入 2 个单位。" in e.notes
    towns = explain_district(view, "annex2_total.energy_tce")
    assert towns.inputs == []
    assert any("枫泾镇" in n and "未报" in n for n in towns.notes)
