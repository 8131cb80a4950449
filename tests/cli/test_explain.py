"""`main.py explain`: the formula, every input with month, field and value, versions and rounding,
checked for three figures of each annex against the same figures `progress --json` prints."""

import json

import pytest

import main


def run(capsys, db, *args):
    code = main.main(["--db", db, *args])
    out, err = capsys.readouterr()
    return code, out, err


def enter(capsys, db, unit, period, **values):
    assert (
        run(
            capsys, db, "enter", "--unit", unit, "--period", period, *[f"{k}={v}" for k, v in values.items()]
        )[0]
        == 0
    )


@pytest.fixture
def town(capsys, tmp_path):
    db = str(tmp_path / "town.sqlite")
    run(capsys, db, "init")
    # the first cumulative period is 1–2月: January's figures come inside February's, last year's too
    enter(capsys, db, "fengjing", "2024-02", energy_tce_last_year=2000, output_wan_yuan_last_year=40000)
    for m in range(3, 13):
        enter(
            capsys,
            db,
            "fengjing",
            f"2024-{m:02d}",
            energy_tce_last_year=1000,
            output_wan_yuan_last_year=20000,
        )
    enter(capsys, db, "fengjing", "2024-02", energy_tce=1900, output_wan_yuan=42000)
    enter(capsys, db, "fengjing", "2024-03", energy_tce=950, output_wan_yuan=21000)
    return db


@pytest.fixture
def plant(capsys, tmp_path):
    db = str(tmp_path / "plant.sqlite")
    run(capsys, db, "init")
    for m in range(1, 13):
        enter(
            capsys,
            db,
            "paihai",
            f"2024-{m:02d}",
            electricity_kwh_last_year=2_100_000,
            treated_volume_m3_last_year=3_900_000,
        )
    for m in (1, 2, 3):
        enter(capsys, db, "paihai", f"2024-{m:02d}", electricity_kwh=2_000_000, treated_volume_m3=4_000_000)
    return db


def explain(capsys, db, unit, figure):
    code, out, err = run(capsys, db, "explain", "--unit", unit, "--period", "2024-03", figure, "--json")
    assert code == 0, err
    return json.loads(out)


def inputs_of(e, field):
    return {i["period"]: i["value"] for i in e["inputs"] if i["field"] == field}


def test_town_change_rate_lists_every_month_of_the_four_sums(capsys, town):
    e = explain(capsys, town, "fengjing", "annex2.ytd_change_rate_pct")
    # months 1–3 (January empty: it comes inside 1–2月), this year 2850 / 63000, last year 3000 / 60000
    assert e["value"] == pytest.approx(((2850 / 3000) / (63000 / 60000) - 1) * 100)
    assert e["shown"] == "−9.52%"
    assert e["formula"] == "r = (ΣE / ΣE上年) ÷ (ΣY / ΣY上年) − 1"
    assert inputs_of(e, "energy_tce") == {"2024-02": 1900, "2024-03": 950}
    assert inputs_of(e, "output_wan_yuan_last_year") == {"2024-02": 40000, "2024-03": 20000}
    assert "2 位小数" in e["rounding"]
    assert e["coefficient_version"] == "GB/T 2589-2020"


def test_town_intensity_and_allowance(capsys, town):
    e = explain(capsys, town, "fengjing", "annex2.ytd_intensity_tce_per_wan_yuan")
    assert e["value"] == pytest.approx(2850 / 63000)
    assert e["shown"] == "0.04524"  # ≥ 4 significant digits
    assert set(inputs_of(e, "output_wan_yuan")) == {"2024-02", "2024-03"}
    a = explain(capsys, town, "fengjing", "remaining_allowance_tce")
    # target −1 %: 0.99 × 12000 × (63000 × 240000 / 60000) / 240000 − 2850
    assert a["value"] == pytest.approx(0.99 * 12000 * 252000 / 240000 - 2850)
    assert inputs_of(a, "energy_tce_last_year")["2024-12"] == 1000  # last year's full year
    assert "Ŷ" in a["formula"]
    code, out, _ = run(
        capsys, town, "explain", "--unit", "fengjing", "--period", "2024-03", "annex2.ytd_energy_tce"
    )
    assert code == 0 and "2024-02  综合能耗（考核口径）  1900 吨标准煤" in out
    assert "2,850.00" in out and "数据不全" not in out


def test_plant_projection_intensity_and_carbon(capsys, plant):
    p = explain(capsys, plant, "paihai", "annex3.projected_tce")
    assert p["value"] == pytest.approx(1800 * 12 * 2_100_000 / (3 * 2_100_000))
    assert len(inputs_of(p, "electricity_kwh_last_year")) == 12
    assert any(i["label"] == "电力折标系数" and i["value"] == 0.30 for i in p["inputs"])
    assert p["electricity_basis"].startswith("电力折标：等价值 0.3")
    assert "按上年月度分布" in "".join(p["notes"])
    i = explain(capsys, plant, "paihai", "annex3.intensity")
    assert i["value"] == pytest.approx(1800 / 12_000_000)
    assert i["shown"] == "0.000150000"
    assert inputs_of(i, "treated_volume_m3") == {"2024-01": 4e6, "2024-02": 4e6, "2024-03": 4e6}
    c = explain(capsys, plant, "paihai", "ytd_co2_t")
    assert c["value"] == pytest.approx(6_000_000 * 4.2 / 10000)
    assert c["emission_factor_version"] == "SH-2024+NDRC-2015"
    assert any(x["label"] == "电力排放因子" and x["value"] == pytest.approx(0.00042) for x in c["inputs"])
    assert inputs_of(c, "electricity_kwh") == {"2024-01": 2e6, "2024-02": 2e6, "2024-03": 2e6}


def test_unknown_figure_is_a_clear_message(capsys, plant):
    code, _, err = run(capsys, plant, "explain", "--unit", "paihai", "--period", "2024-03", "annex3.nothing")
    assert code != 0 and "没有名为" in err and "annex3.projected_tce" in err and "Traceback" not in err
