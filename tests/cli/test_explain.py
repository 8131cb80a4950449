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


@pytest.fixture
def bureaus(capsys, tmp_path):
    """区绿化市容局 (A1-12 40 公顷, A1-13 46.67 公顷), 区建管委 (A1-03 −1 %), 区发改委 (A4-13 绿证 1.7亿度)."""
    db = str(tmp_path / "bureaus.sqlite")
    run(capsys, db, "init")
    enter(capsys, db, "greening", "2024-06", **{"A1-12.value": 18})
    enter(capsys, db, "greening", "2024-07", **{"A1-13.value": 50})
    enter(capsys, db, "construction", "2024-07", **{"A1-03.value": -0.95})
    enter(
        capsys,
        db,
        "drc",
        "2024-06",
        **{"A4-13.status": "推进中", "A4-13.progress_pct": 40, "A4-13.value": 0.6},
    )
    return db


def explain_july(capsys, db, unit, figure):
    code, out, err = run(capsys, db, "explain", "--unit", unit, "--period", "2024-07", figure, "--json")
    assert code == 0, err
    return json.loads(out)


def plan_inputs(e):
    return [(i["field"], i["label"], i["value"], i["unit"]) for i in e["inputs"] if not i["period"]]


def test_annex1_share_of_target_takes_the_newest_value_up_to_the_period(capsys, bureaus):
    e = explain_july(capsys, bureaus, "greening", "annex1.A1-12.share_of_target_pct")
    assert e["value"] == pytest.approx(18 / 40 * 100)  # June's 18 公顷 carries into July
    assert e["shown"] == "45.00%"
    assert e["formula"] == "s = 完成值 / 全年目标 × 100%"
    assert inputs_of(e, "A1-12.value") == {"2024-06": 18}
    assert plan_inputs(e) == [("计划附件1", "全年目标（≥）", 40, "公顷")]
    assert "2 位小数" in e["rounding"] and e["coefficient_version"] == ""


def test_annex1_elapsed_and_warnings_against_it(capsys, bureaus):
    e = explain_july(capsys, bureaus, "greening", "annex1.A1-12.elapsed_pct")
    assert e["value"] == pytest.approx(7 / 12 * 100) and e["shown"] == "58.33%"
    assert e["formula"] == "e = N / 12 × 100%"
    assert [(i["label"], i["value"], i["field"]) for i in e["inputs"]] == [("月份 N", 7, "报告期 2024-07")]
    assert e["input_cells"] == []  # nothing stored to select
    # 45 % of the target against 58.33 % of the year: below 58.33 × 0.9 = 52.5 % → red
    red = explain_july(capsys, bureaus, "greening", "annex1.A1-12.colour")
    assert (red["value"], red["shown"]) == ("red", "红·未达标")
    assert red["formula"] == "s ≥ e → 绿；s ≥ e × (1 − 10.00%) → 黄；否则红"
    green = explain_july(capsys, bureaus, "greening", "annex1.A1-13.colour")  # 50 of 46.67 公顷
    assert (green["value"], green["shown"]) == ("green", "绿·达标")
    assert inputs_of(green, "A1-13.value") == {"2024-07": 50}
    # −0.95 % against −1.0 %: missed by 0.05, within 10 % of the target → yellow
    rate = explain_july(capsys, bureaus, "construction", "annex1.A1-03.colour")
    assert (rate["value"], rate["shown"]) == ("yellow", "黄·预警")
    assert rate["formula"] == "r ≤ t → 绿；r − t ≤ |t| × 10.00% → 黄；否则红"
    assert inputs_of(rate, "A1-03.value") == {"2024-07": -0.95}
    assert plan_inputs(rate) == [("计划附件1", "全年目标（≤）", -1.0, "%")]


def test_annex4_task_share_elapsed_and_warning(capsys, bureaus):
    share = explain_july(capsys, bureaus, "drc", "annex4.A4-13.share_of_target_pct")
    assert share["value"] == pytest.approx(0.6 / 1.7 * 100) and share["shown"] == "35.29%"
    assert inputs_of(share, "A4-13.value") == {"2024-06": 0.6}
    assert plan_inputs(share) == [("计划附件4", "全年目标（≥）", 1.7, "亿度")]
    elapsed = explain_july(capsys, bureaus, "drc", "annex4.A4-13.elapsed_pct")
    assert elapsed["value"] == pytest.approx(7 / 12 * 100) and elapsed["shown"] == "58.33%"
    assert inputs_of(elapsed, "A4-13.status") == {"2024-06": "推进中"}
    # 推进中 at 40 % and 0.6 of 1.7亿度 (35.29 %), both below 58.33 % × 0.9 = 52.5 % → red
    colour = explain_july(capsys, bureaus, "drc", "annex4.A4-13.colour")
    assert (colour["value"], colour["shown"]) == ("red", "红·未达标")
    assert inputs_of(colour, "A4-13.progress_pct") == {"2024-06": 40}
    assert inputs_of(colour, "A4-13.value") == {"2024-06": 0.6}
    assert "推进中：p ≥ N/12 → 绿" in colour["formula"] and "s ≥ e → 绿" in colour["formula"]
    code, out, _ = run(
        capsys, bureaus, "explain", "--unit", "drc", "--period", "2024-07", "annex4.A4-13.colour"
    )
    assert code == 0 and out.startswith("A4-13 预警（annex4.A4-13.colour）\n结果：红·未达标\n")


def test_a_district_task_total_names_the_lead_and_the_units_without_a_value(capsys, bureaus):
    code, out, err = run(capsys, bureaus, "explain", "--period", "2024-06", "annex4.A4-13.value", "--json")
    assert code == 0, err
    e = json.loads(out)
    assert e["value"] == 0.6  # the lead's district value (区发改委 typed it in this database)
    assert [(i["label"], i["value"]) for i in e["inputs"]] == [
        ("区发改委", 0.6),
        ("全区目标", "全区≥1.7亿度"),
    ]
    assert "全区值：牵头单位区发改委填报" in e["notes"] and "没有数值：枫泾镇：未报" in e["notes"]
    code, out, err = run(capsys, bureaus, "explain", "--period", "2024-06", "annex4.A4-23.value", "--json")
    assert code == 0, err
    rate = json.loads(out)
    assert rate["formula"] == "上报率 = Σ按时 / Σ应报 × 100%"
    assert "未计入：石化街道：免报" in rate["notes"]
