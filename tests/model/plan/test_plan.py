"""The shipped 2024 Jinshan plan, read as data, and the plan loader's refusals."""

import copy
import json
import re

import pytest

from model.common.errors import PlanError, UserError
from model.plan.spec import parse_plan, shipped_plan_text
from tests.conftest import ROOT


def test_every_row_of_every_annex_is_in_the_plan(plan):
    assert len(plan.annex1) == 13
    assert len(plan.annex2) == 13
    assert len(plan.annex3) == 2
    assert len(plan.annex4) == 55
    assert [r.id for r in plan.annex4] == [f"A4-{i:02d}" for i in range(1, 56)]


def test_header_of_the_notice(plan):
    assert plan.doc_number == "金发改〔2024〕55号"
    assert plan.issued_on == "2024-06-26"
    assert plan.issuer == "上海市金山区发展和改革委员会"
    assert plan.year == 2024


def test_units_by_kind(plan):
    kinds = {}
    for u in plan.units:
        kinds.setdefault(u.kind, []).append(u.name)
    assert len(kinds["town"]) == 9
    assert sorted(kinds["park"]) == sorted(["碳谷绿湾", "高新区"])
    assert len(kinds["group"]) == 2
    assert kinds["subdistrict"] == ["石化街道"]
    assert {"上海市公共卫生临床中心", "上海金山排海工程有限公司"} <= set(kinds["key_user"])


def test_groups_name_members_and_stopped_firms(plan):
    sinopec = plan.find_unit("上海石化")
    assert len(sinopec.members) == 3 and len(sinopec.stopped_members) == 3
    assert "上海金森石油树脂有限公司" in sinopec.stopped_members
    assert len(plan.find_unit("商业集团").members) == 5


def test_shihua_subdistrict_is_exempt_with_its_reason(plan):
    shihua = plan.find_unit("石化街道")
    assert shihua.exempt and "暂免于下达能耗控制指标" in shihua.exempt_reason
    assert plan.annex2_row(shihua.id) is None


def test_annex2_targets_in_notice_order(plan):
    got = [(plan.unit(r.unit).name, r.target_pct) for r in plan.annex2]
    assert got == [
        ("枫泾镇", -1.0),
        ("朱泾镇", -5.0),
        ("亭林镇", -1.0),
        ("漕泾镇", -1.0),
        ("山阳镇", -5.0),
        ("金山卫镇", -1.0),
        ("张堰镇", -1.5),
        ("廊下镇", -2.0),
        ("吕巷镇", -1.5),
        ("碳谷绿湾", -2.0),
        ("上海石化下属能耗落地企业", -5.0),
        ("商业集团", -5.0),
        ("高新区", -2.0),
    ]


def test_annex3_caps_and_intensities(plan):
    phcc = plan.annex3_row(plan.find_unit("公卫中心").id)
    paihai = plan.annex3_row(plan.find_unit("排海公司").id)
    assert (phcc.total_cap_wan_tce, phcc.intensity_target, phcc.denominator_field) == (
        1.0381,
        0.08,
        "floor_area_m2",
    )
    assert (paihai.total_cap_wan_tce, paihai.intensity_target) == (0.8856, 0.0001697)
    assert paihai.denominator_field == "treated_volume_m3"
    assert phcc.intensity_yoy_change_pct == paihai.intensity_yoy_change_pct == -1.0


def test_annex1_numeric_targets_and_leads(plan):
    by_text = {r.text: r for r in plan.annex1}
    assert by_text["万元生产总值综合能耗比上年下降3%"].target_value == -3.0
    retrofit = next(r for r in plan.annex1 if r.target_unit == "万平方米")
    assert retrofit.target_value == 7 and retrofit.conditions[0].value == 15
    assert [r.target_value for r in plan.annex1 if r.target_unit == "公顷"] == [40, 46.67]
    industry = next(r for r in plan.annex1 if r.area == "工业")
    assert plan.unit(industry.lead).name == "区经委"
    assert "fengjing" in plan.expand(industry.responsible)  # 各镇


def test_annex4_quantitative_targets(plan):
    quantities = {(q.value, q.unit) for r in plan.annex4 for q in (r.quantity, r.second_quantity) if q}
    for expected in [
        (5, "家"),
        (1.7, "亿度"),
        (98, "%"),
        (90, "%"),
        (70, "%"),
        (5, "%"),
        (1, "家"),
        (1, "%"),
    ]:
        assert expected in quantities


def test_tasks_for_towns_and_parks_reach_every_town_and_park(plan):
    task = next(r for r in plan.annex4 if "百一行动" in r.text)
    units = plan.expand(task.responsible)
    assert units[0] == plan.find_unit("区经委").id
    towns_parks = [u.id for u in plan.units if u.kind in ("town", "park")]
    assert set(towns_parks) <= set(units)
    assert "shihua" not in units  # 各镇、园区 has no 街道


def test_every_bureau_named_in_the_notice_is_a_unit(plan):
    notice = (ROOT / "tests" / "fixtures" / "jinshan-2024-notice.txt").read_text(encoding="utf-8")
    flat = re.sub(r"\s+", "", notice)
    # 区X局/委/办, but not 金山区… (the issuer's full name), 园区管委会 or 区级机关办公建筑
    named = set(re.findall(r"(?<![山园])区(?!级)[\u4e00-\u9fff]{1,5}?(?:局|委|办)", flat))
    assert len(named) >= 19
    known = {n for u in plan.units for n in (u.name, *u.aliases)}
    # a bureau name must be known either directly or as the start of a longer match
    unknown = {n for n in named if not any(k.startswith(n) or n.startswith(k) for k in known)}
    assert not unknown


def test_fields_per_kind_of_unit(plan):
    town = [f.key for f in plan.fields_for("fengjing")]
    assert town[:4] == ["energy_tce", "energy_tce_last_year", "output_wan_yuan", "output_wan_yuan_last_year"]
    assert "electricity_kwh" not in town
    phcc = [f.key for f in plan.fields_for("phcc")]
    assert {"electricity_kwh", "electricity_kwh_last_year", "floor_area_m2"} <= set(phcc)
    assert "treated_volume_m3" not in phcc and "energy_tce" not in phcc
    assert "treated_volume_m3" in [f.key for f in plan.fields_for("paihai")]
    greening = [f.key for f in plan.fields_for("greening")]
    assert "A1-12.value" in greening and "A1-13.value" in greening


def test_find_unit_by_alias_and_suggestions(plan):
    assert plan.find_unit("区农委").id == plan.find_unit("区农业农村委").id
    assert plan.find_unit("枫泾").name == "枫泾镇"
    with pytest.raises(UserError, match="枫泾镇"):
        plan.find_unit("风泾镇")


def test_no_unit_name_or_target_appears_in_code(plan):
    code = "\n".join(
        p.read_text(encoding="utf-8") for d in ("model", "gui") for p in (ROOT / d).rglob("*.py")
    )
    code += (ROOT / "main.py").read_text(encoding="utf-8")
    for unit in plan.units:
        assert unit.name not in code, unit.name
    assert "金发改" not in code


# ---- malformed plans --------------------------------------------------------------------------


def _mutated(mutate):
    data = json.loads(shipped_plan_text())
    mutate(data)
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize(
    ("mutate", "path", "problem"),
    [
        (
            lambda d: d["annex2"]["rows"][3].__setitem__("target_pct", "-1.0"),
            "annex2.rows[3].target_pct",
            "应为数字",
        ),
        (lambda d: d["annex2"]["rows"][0].__setitem__("unit", "nowhere"), "annex2.rows[0].unit", "nowhere"),
        (lambda d: d["units"][0].pop("name"), "units[0].name", "缺少此项"),
        (lambda d: d["units"][1].__setitem__("kind", "village"), "units[1].kind", "village"),
        (
            lambda d: d["annex4"]["rows"][5].__setitem__("responsible", ["@villages"]),
            "annex4.rows[5].responsible[0]",
            "@villages",
        ),
        (lambda d: d["annex1"]["rows"][0].__setitem__("measure", "vibes"), "annex1.rows[0].measure", "vibes"),
        (
            lambda d: d["annex3"]["rows"][0].__setitem__("denominator_field", "area"),
            "annex3.rows[0].denominator_field",
            "area",
        ),
        (lambda d: d.__setitem__("year", "2024"), "year", "应为数字"),
        (lambda d: d.pop("annex4"), "annex4", "缺少此项"),
    ],
)
def test_malformed_plan_names_file_path_and_problem(mutate, path, problem):
    with pytest.raises(PlanError) as info:
        parse_plan(_mutated(mutate), "next-year.json")
    message = str(info.value)
    assert "next-year.json" in message and path in message and problem in message


def test_plan_that_is_not_json_names_the_line():
    with pytest.raises(PlanError, match=r"broken.json.*第 2 行"):
        parse_plan('{\n  "format": tanbao\n}', "broken.json")


def test_plan_load_errors_keep_the_shipped_plan_valid(plan):
    assert parse_plan(shipped_plan_text(), "x").annex2 == plan.annex2
    copy.deepcopy(plan)  # a plan is plain data
