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
    _send(tmp_path, district, unit)


def _send(tmp_path, district, unit):
    """The unit submits 1–3月 and the district imports the package."""
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


def _town(tmp_path, district, unit_id, carriers):
    """A town's 1–3月 package; `carriers`: month → its breakdown (KEY=VALUE), or none."""
    unit = unit_db(tmp_path, unit_id)
    unit.statuses("2024-01")
    for m in (1, 2, 3):
        unit.month(f"2024-{m:02d}", 1000, 1050, 5000, 4900)
        if carriers.get(m):
            unit.enter(f"2024-{m:02d}", *carriers[m])
    _send(tmp_path, district, unit)


def test_district_carbon_adds_the_towns_that_fill_the_breakdown_and_names_those_left_out(tmp_path, district):
    both = ["industry_electricity_kwh=2000000", "industry_electricity_kwh_last_year=2100000"]
    _town(tmp_path, district, "fengjing", {1: both, 2: both, 3: both})
    _town(tmp_path, district, "zhujing", {})  # no breakdown: no carbon, and no invented number
    _town(tmp_path, district, "tinglin", {2: both, 3: both})  # January missing: 数据不全 for carbon only
    _key_user(tmp_path, district, "phcc", 1_000_000, 1_000_000, "floor_area_m2", 100_000, 100_000)
    view = district_view(district, parse_period("2024-03"))
    # fengjing 6 000 000 kWh × 0.00042 = 2520 tCO₂; phcc 3 000 000 kWh × 0.00042 = 1260; a sum: 3780
    assert view.ytd_co2_t == pytest.approx(3780.0)
    assert view.ytd_co2_t_last_year == pytest.approx(2646.0 + 1260.0)  # 6 300 000 × 0.00042 + 1260
    assert view.co2_change_pct == pytest.approx((3780 / 3906 - 1) * 100)
    assert sorted(view.co2_units) == ["fengjing", "phcc"]
    assert view.annex3_ytd_co2_t == pytest.approx(1260.0)  # the key users' own total is kept apart
    why = {uid: reason for uid, _name, reason in view.co2_left_out}
    assert why["zhujing"] == "未填分品种能耗（选填）"
    assert why["tinglin"] == "碳排放数据不全"
    assert why["caojing"] == "未报送"
    lines = {line.unit_id: line for line in view.annex2}
    assert lines["fengjing"].ytd_co2_t == pytest.approx(2520.0)
    assert lines["tinglin"].ytd_co2_t is None and lines["tinglin"].co2_complete is False
    assert lines["tinglin"].counted  # its energy still counts in ΣE/ΣY
    e = explain_district(view, "ytd_co2_t")
    assert sorted(i.value for i in e.inputs) == pytest.approx([1260.0, 2520.0])
    assert any("亭林镇" in n and "数据不全" in n for n in e.notes)
