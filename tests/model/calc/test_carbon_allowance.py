"""Carbon and the energy a unit may still use, recomputed by hand for a town and both key users.

Factors by hand: Shanghai electricity 4.2 tCO₂/万kWh and heat 0.06 tCO₂/GJ (DOMAIN.md §3); a fuel's
factor from the national guideline's defaults: low heating value × carbon content × oxidation × 44/12.
Annex-3 tce uses the 2024 等价值 0.30 kgce/kWh and GB/T 2589-2020 (natural gas 1.2143, diesel 1.4571).
"""

import pytest

from model.calc.progress import unit_progress
from model.common.errors import PlanError
from model.common.periods import parse_period
from model.entry.figures import Entry, store_entries
from model.plan.emission import load_shipped_emission_factors, parse_emission_factors

ELECTRICITY_T_PER_KWH = 4.2 / 10000
GAS_T_PER_M3 = 389.31 / 10000 * 15.3 / 1000 * 0.99 * 44 / 12  # 389.31 GJ/万m³, 15.3 tC/TJ, 99 %
DIESEL_T_PER_KG = 42.652 / 1000 * 20.2 / 1000 * 0.98 * 44 / 12  # 42.652 GJ/t, 20.2 tC/TJ, 98 %


def enter(store, unit, period, **values):
    plan = store.plans.get()
    store_entries(
        store, plan, [Entry(unit, parse_period(period), k, str(v)) for k, v in values.items()], who="t"
    )


def progress(store, unit, period):
    plan = store.plans.get()
    return unit_progress(
        plan,
        store.plans.coefficients(plan.coefficients),
        store.figures.read(plan.id, unit),
        unit,
        parse_period(period),
    )


def test_shipped_factors_name_their_source_and_derive_fuels_from_the_guideline():
    factors = load_shipped_emission_factors()
    assert factors.factor("electricity").t_co2_per_unit == pytest.approx(ELECTRICITY_T_PER_KWH)
    assert factors.factor("electricity").status == "confirmed"
    assert factors.factor("heat").t_co2_per_unit == pytest.approx(0.06 / 1000)  # per MJ
    diesel = factors.factor("diesel")
    assert diesel.derived and diesel.t_co2_per_unit == pytest.approx(DIESEL_T_PER_KG)
    assert factors.factor("natural_gas").t_co2_per_unit == pytest.approx(GAS_T_PER_M3)
    assert all(f.source for f in factors.factors.values())


def test_a_factor_without_source_is_refused():
    text = (
        '{"format": "tanbao-emission-factors", "version": "x", "year": 2024,'
        ' "factors": {"electricity": {"t_co2_per_unit": 0.00042, "status": "confirmed"}}}'
    )
    with pytest.raises(PlanError, match="来源"):
        parse_emission_factors(text, "x.json")


def _town(store, unit, energy, output):
    """Last year: 1000 tce and 20000 万元 every month; this year months 1–4 as given."""
    for m in range(1, 13):
        enter(store, unit, f"2024-{m:02d}", energy_tce_last_year=1000, output_wan_yuan_last_year=20000)
    for m in range(1, 5):
        enter(store, unit, f"2024-{m:02d}", energy_tce=energy, output_wan_yuan=output)


def test_town_allowance_by_hand(store):
    _town(store, "fengjing", 950, 21000)  # target −1.0 %
    p = progress(store, "fengjing", "2024-04")
    # output to date 84000 vs 80000 last year: the year projected at 84000 × 240000 / 80000 = 252000 万元
    allowed = (1 - 0.01) * 12000 * 252000 / 240000  # = 12474 tce for the year
    a = p.annex2.allowance
    assert a.projected_output_wan_yuan == pytest.approx(252000)
    assert a.allowed_year_tce == pytest.approx(12474)
    assert p.remaining_allowance_tce == pytest.approx(allowed - 3800)  # 8674
    assert p.remaining_allowance_per_month_tce == pytest.approx(8674 / 8)
    assert a.last_year_same_months_tce == pytest.approx(8000)
    assert a.out_of_reach_by_tce is None


def test_town_out_of_reach_says_by_how_much(store):
    _town(store, "fengjing", 1600, 10000)  # output halved, energy up
    p = progress(store, "fengjing", "2024-04")
    allowed = 0.99 * 12000 * (40000 * 240000 / 80000) / 240000  # 5940
    assert p.annex2.allowance.out_of_reach_by_tce == pytest.approx(6400 - allowed)  # 460
    assert p.remaining_allowance_tce == pytest.approx(allowed - 6400)
    assert p.remaining_allowance_per_month_tce is None


def test_hospital_carbon_and_allowance_by_hand(store):
    for m in (1, 2, 3):
        enter(
            store,
            "phcc",
            f"2024-{m:02d}",
            electricity_kwh=1_000_000,
            electricity_kwh_last_year=1_100_000,
            natural_gas_m3=20_000,
            natural_gas_m3_last_year=22_000,
            diesel_kg=500,
            diesel_kg_last_year=400,
            floor_area_m2=100_000,
        )
    for m in range(4, 13):
        enter(store, "phcc", f"2024-{m:02d}", electricity_kwh_last_year=1_100_000)
    p = progress(store, "phcc", "2024-03")
    co2 = 3_000_000 * ELECTRICITY_T_PER_KWH + 60_000 * GAS_T_PER_M3 + 1_500 * DIESEL_T_PER_KG
    co2_last = 3_300_000 * ELECTRICITY_T_PER_KWH + 66_000 * GAS_T_PER_M3 + 1_200 * DIESEL_T_PER_KG
    assert p.ytd_co2_t == pytest.approx(co2)  # 1260 + 129.73 + 4.64
    assert p.ytd_co2_t_last_year == pytest.approx(co2_last)
    # the same by hand, as literal numbers: gas 0.002162188809 t/m³, diesel 0.0030959096373 t/kg
    # this year 1260 + 60000 × 0.002162188809 + 1500 × 0.0030959096373 = 1260 + 129.7313285 + 4.6438645
    assert p.ytd_co2_t == pytest.approx(1394.375193, rel=1e-9)
    # last year 1386 + 66000 × 0.002162188809 + 1200 × 0.0030959096373 = 1386 + 142.7044614 + 3.7150916
    assert p.ytd_co2_t_last_year == pytest.approx(1532.419553, rel=1e-9)
    assert p.co2_change_pct == pytest.approx(-9.008261458, rel=1e-9)  # 1394.375193 / 1532.419553 − 1
    assert p.annex3.carbon.co2_intensity == pytest.approx(0.01394375193, rel=1e-9)  # / 100000 m²
    assert p.co2_change_pct == pytest.approx((co2 / co2_last - 1) * 100)
    carbon = p.annex3.carbon
    assert [c.key for c in carbon.carriers][:3] == ["electricity_kwh", "natural_gas_m3", "diesel_kg"]
    assert carbon.carriers[0].ytd_co2_t == pytest.approx(1260)
    assert carbon.month_co2_t == pytest.approx(co2 / 3)
    assert carbon.co2_intensity == pytest.approx(co2 / 100_000)
    assert carbon.co2_intensity_unit == "吨二氧化碳/平方米"
    ytd_tce = 3_000_000 * 0.30 / 1000 + 60_000 * 1.2143 / 1000 + 1_500 * 1.4571 / 1000  # 975.04
    a = p.annex3.allowance
    assert a.cap_left_tce == pytest.approx(10381 - ytd_tce)
    assert a.intensity_left_tce == pytest.approx(0.08 * 100_000 - ytd_tce)  # the smaller: 7024.96
    assert a.binding == "intensity"
    assert p.remaining_allowance_tce == pytest.approx(8000 - ytd_tce)
    assert p.remaining_allowance_per_month_tce == pytest.approx((8000 - ytd_tce) / 9)
    assert a.last_year_same_months_tce == pytest.approx(9 * 1_100_000 * 0.30 / 1000)  # 2970


def test_wastewater_plant_carbon_and_allowance_by_hand(store):
    for m in range(1, 13):
        enter(
            store,
            "paihai",
            f"2024-{m:02d}",
            electricity_kwh_last_year=2_100_000,
            treated_volume_m3_last_year=3_900_000,
        )
    for m in (1, 2, 3):
        enter(store, "paihai", f"2024-{m:02d}", electricity_kwh=2_000_000, treated_volume_m3=4_000_000)
    p = progress(store, "paihai", "2024-03")
    assert p.ytd_co2_t == pytest.approx(6_000_000 * 4.2 / 10000)  # 2520
    assert p.ytd_co2_t == pytest.approx(2520.0, rel=1e-12)  # 600 万kWh × 4.2 tCO₂/万kWh
    assert p.ytd_co2_t_last_year == pytest.approx(6_300_000 * 4.2 / 10000)  # 2646
    assert p.co2_change_pct == pytest.approx((2520 / 2646 - 1) * 100)  # −4.76 %
    assert p.annex3.carbon.co2_intensity == pytest.approx(2520 / 12_000_000)
    # volume projected with last year's profile: 12e6 × 46.8e6 / 11.7e6 = 48e6 m³
    a = p.annex3.allowance
    assert a.year_denominator == pytest.approx(48_000_000)
    assert a.cap_left_tce == pytest.approx(8856 - 1800)
    assert a.intensity_left_tce == pytest.approx(0.0001697 * 48_000_000 - 1800)  # 6345.6
    assert p.remaining_allowance_tce == pytest.approx(6345.6)
    assert p.remaining_allowance_per_month_tce == pytest.approx(6345.6 / 9)
    assert a.last_year_same_months_tce == pytest.approx(9 * 2_100_000 * 0.30 / 1000)


def test_incomplete_period_has_no_carbon_total_and_no_allowance(store):
    enter(store, "paihai", "2024-02", electricity_kwh=2_000_000, treated_volume_m3=4_000_000)
    p = progress(store, "paihai", "2024-02")
    assert p.ytd_co2_t is None
    assert p.remaining_allowance_tce is None


# ---- a town that fills the optional carrier breakdown of annex 2 -----------------------------------


def _town_carriers(store, months=range(1, 5), skip=()):
    """Months 1–4: this year 1 500 000 kWh, 80 000 m³ gas, 2 000 kg diesel a month; last year
    1 600 000 kWh, 70 000 m³, 2 500 kg. `skip`: (month, field) cells left empty."""
    values = {
        "industry_electricity_kwh": 1_500_000,
        "industry_electricity_kwh_last_year": 1_600_000,
        "industry_natural_gas_m3": 80_000,
        "industry_natural_gas_m3_last_year": 70_000,
        "industry_diesel_kg": 2_000,
        "industry_diesel_kg_last_year": 2_500,
    }
    for m in months:
        enter(store, "fengjing", f"2024-{m:02d}", **{k: v for k, v in values.items() if (m, k) not in skip})


def test_town_carbon_by_hand(store):
    _town(store, "fengjing", 950, 21000)
    _town_carriers(store)
    p = progress(store, "fengjing", "2024-04")
    # a month this year: 1 500 000 × 0.00042 = 630; 80 000 × 0.002162188809 = 172.97510472;
    # 2 000 × 0.0030959096373 = 6.19181927; total 809.16692399 tCO₂; four months 3236.66769598
    carbon = p.annex2.carbon
    assert [c.ytd_co2_t for c in carbon.carriers] == pytest.approx([2520.0, 691.90041888, 24.76727710])
    assert carbon.month_co2_t == pytest.approx(809.16692399, rel=1e-9)
    assert p.ytd_co2_t == pytest.approx(3236.66769598, rel=1e-9)
    # last year: 672 + 151.35321663 + 7.73977409 = 831.09299072 a month; 3324.37196289
    assert p.ytd_co2_t_last_year == pytest.approx(3324.37196289, rel=1e-9)
    assert p.co2_change_pct == pytest.approx(-2.638220629, rel=1e-8)  # 3236.66769598 / 3324.37196289 − 1
    # per the annex's denominator, output to date 4 × 21000 = 84000 万元: 3236.66769598 / 84000
    assert carbon.co2_intensity == pytest.approx(0.03853175829, rel=1e-9)
    assert carbon.co2_intensity_unit == "吨二氧化碳/万元"
    assert carbon.cumulative_co2_t == pytest.approx(
        [809.16692399, 1618.33384799, 2427.50077198, 3236.66769598]
    )
    assert p.co2_complete is True and p.emission_factor_version == "SH-2024+NDRC-2015"
    # the breakdown changes nothing of the energy figures or the allowance (12474 − 3800 as above)
    assert p.remaining_allowance_tce == pytest.approx(8674)
    assert p.annex2.ytd_energy_tce == pytest.approx(3800)


def test_town_with_a_month_missing_in_its_breakdown_has_no_carbon_figure_only(store):
    _town(store, "fengjing", 950, 21000)
    _town_carriers(store, skip={(3, "industry_diesel_kg_last_year")})
    p = progress(store, "fengjing", "2024-04")
    assert p.co2_complete is False
    assert (p.ytd_co2_t, p.ytd_co2_t_last_year, p.co2_change_pct) == (None, None, None)
    assert p.annex2.carbon.co2_intensity is None
    assert [(c.period, c.field) for c in p.annex2.carbon_missing] == [
        ("2024-03", "industry_diesel_kg_last_year")
    ]
    # the months before the gap still show their running total; none from the gap on
    assert p.annex2.carbon.cumulative_co2_t[:2] == pytest.approx([809.16692399, 1618.33384799])
    assert p.annex2.carbon.cumulative_co2_t[2:] == [None, None]
    # the energy verdict is untouched: the period's colour and rate are there
    assert p.annex2.complete and p.annex2.colour is not None
    assert p.annex2.ytd_change_rate_pct is not None


def test_town_without_breakdown_shows_no_carbon_and_is_not_incomplete(store):
    _town(store, "fengjing", 950, 21000)
    p = progress(store, "fengjing", "2024-04")
    assert p.annex2.carbon is None and p.co2_complete is None and p.ytd_co2_t is None
    assert p.annex2.carbon_missing == [] and p.annex2.complete


def test_breakdown_never_blocks_submission_and_has_no_swing_warnings(store):
    from model.calc.checks import check_period

    _town(store, "fengjing", 950, 21000)
    # diesel this year four times last year's, and a month left empty: neither is a check
    _town_carriers(store, skip={(2, "industry_natural_gas_m3")})
    enter(store, "fengjing", "2024-04", industry_diesel_kg=10_000)
    plan = store.plans.get()
    problems = check_period(
        plan, "fengjing", parse_period("2024-04"), store.figures.read(plan.id, "fengjing")
    )
    assert [p for p in problems if p.field.startswith("industry_")] == []


def test_a_required_carrier_in_annex_2_is_refused():
    import json

    from model.plan.spec import parse_plan, shipped_plan_text

    data = json.loads(shipped_plan_text())
    carrier = next(f for f in data["fields"]["annex2"] if f.get("carrier"))
    carrier["required"] = True
    with pytest.raises(PlanError, match="选填"):
        parse_plan(json.dumps(data, ensure_ascii=False), "x.json")


def test_a_package_carries_the_town_carbon_and_names_its_factor_table(store):
    from dataclasses import replace

    from model.calc.report import UnitReport, report_from_store
    from model.common.errors import UserError

    _town(store, "fengjing", 950, 21000)
    _town_carriers(store)
    report = report_from_store(store, "fengjing", parse_period("2024-04"), created_by="t", strict=False)
    data = report.to_json()
    assert data["progress"]["ytd_co2_t"] == pytest.approx(3236.66769598, rel=1e-9)
    plan = store.plans.get()
    coefficients = store.plans.coefficients(plan.coefficients)
    factors = store.plans.emission_factors(plan.emission_factors)
    again = UnitReport.from_json(data, plan, coefficients, factors)
    assert again.progress.ytd_co2_t == report.progress.ytd_co2_t
    with pytest.raises(UserError, match="排放因子表"):
        UnitReport.from_json(data, plan, coefficients, replace(factors, version="OTHER"))
    data["progress"]["ytd_co2_t"] = 1.0  # a figure the package shows that its own figures do not give
    with pytest.raises(UserError, match="ytd_co2_t"):
        UnitReport.from_json(data, plan, coefficients, factors)
