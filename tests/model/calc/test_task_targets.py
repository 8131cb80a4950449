"""Annex-4 task targets judged as the notice means them: whose target it is, 序时进度, counts at the year end."""

import json

import pytest

from model.calc import formulas as calc
from model.calc.progress import district_task_total
from model.calc.summary import summary_from_store
from model.common.errors import PlanError
from model.common.periods import parse_period
from model.plan.spec import parse_plan, shipped_plan_text
from tests.model.calc.test_progress import enter, progress


def task(store, unit, period, task_id):
    return next(r for r in progress(store, unit, period).annex4 if r.id == task_id)


# ---- district-wide targets ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task_id", "value"),
    [("A4-13", "0.05"), ("A4-12", "8"), ("A4-21", "2")],
)
def test_a_towns_contribution_to_a_district_target_is_not_judged_against_the_whole(store, task_id, value):
    enter(store, "fengjing", "2024-06", **{f"{task_id}.status": "推进中", f"{task_id}.value": value})
    row = task(store, "fengjing", "2024-06", task_id)
    assert row.scope == "district" and row.role == "contribution"
    assert row.value == float(value)
    assert row.colour == "green"  # 推进中 per the plan's status table; the 0.05亿度 is no verdict
    assert row.share_of_target_pct is None
    assert "全区" in row.target


def test_a_contribution_without_status_has_no_colour(store):
    enter(store, "fengjing", "2024-06", **{"A4-13.value": "0.05"})
    row = task(store, "fengjing", "2024-06", "A4-13")
    assert row.colour is None and "贡献" in row.colour_label


def test_the_lead_reports_the_district_value_and_is_judged_against_the_target(store):
    enter(store, "drc", "2024-06", **{"A4-13.status": "推进中", "A4-13.value": "0.5"})
    row = task(store, "drc", "2024-06", "A4-13")
    assert row.scope == "district" and row.role == "lead"
    assert row.share_of_target_pct == pytest.approx(0.5 / 1.7 * 100)
    assert row.colour == "red"  # 29 % of 1.7亿度 with half the year gone


def test_the_district_row_is_not_red_because_towns_contributed_little(store):
    enter(store, "drc", "2024-06", **{"A4-13.status": "推进中", "A4-13.value": "0.9"})
    for town in ("fengjing", "zhujing"):
        enter(store, town, "2024-06", **{"A4-13.status": "推进中", "A4-13.value": "0.05"})
    row = next(r for r in summary_from_store(store, parse_period("2024-06")).annex4 if r.id == "A4-13")
    assert row.colour == "green"  # 0.9 of 1.7亿度 is 53 % with 50 % of the year gone


def test_district_task_total_sums_the_contributions_of_a_summable_target(plan):
    a413 = next(t for t in plan.annex4 if t.id == "A4-13")
    values = {"drc": 0.9, "fengjing": 0.05, "zhujing": 0.1, "tinglin": None, "nowhere": 7.0}
    total = district_task_total(plan, a413, values, month=6)
    assert total.lead_id == "drc" and total.lead_value == 0.9
    assert total.contributions_total == pytest.approx(0.15)
    assert total.contributions == {"fengjing": 0.05, "zhujing": 0.1}
    assert "tinglin" in total.not_reported and "nowhere" not in total.contributions
    assert total.value == 0.9 and total.source == "lead"
    assert total.colour == calc.quantity_progress(0.9, 1.7, 6).colour


def test_district_task_total_falls_back_to_the_sum_when_the_lead_has_not_reported(plan):
    a413 = next(t for t in plan.annex4 if t.id == "A4-13")
    total = district_task_total(plan, a413, {"fengjing": 0.5, "zhujing": 0.5}, month=6)
    assert total.value == pytest.approx(1.0) and total.source == "contributions"
    assert total.colour == "green"


def test_shares_are_not_summed(plan):
    a412 = next(t for t in plan.annex4 if t.id == "A4-12")
    total = district_task_total(plan, a412, {"fengjing": 8.0, "zhujing": 9.0}, month=6)
    assert total.contributions_total is None and total.value is None and total.colour is None


def test_shipped_plan_marks_the_district_wide_targets(plan):
    scopes = {t.id: t.quantity.scope for t in plan.annex4 if t.quantity}
    assert {k for k, v in scopes.items() if v == "district"} >= {"A4-12", "A4-13", "A4-21"}
    assert scopes["A4-02"] == "unit" and scopes["A4-20"] == "unit"


# ---- progress against 序时进度 -----------------------------------------------------------------------


@pytest.mark.parametrize(("pct", "colour"), [("10", "red"), ("23", "yellow"), ("25", "green")])
def test_in_progress_is_judged_against_the_elapsed_share_of_the_year(store, pct, colour):
    enter(store, "fengjing", "2024-03", **{"A4-18.status": "推进中", "A4-18.progress_pct": pct})
    assert task(store, "fengjing", "2024-03", "A4-18").colour == colour  # 25 % of the year gone


def test_done_without_the_value_of_a_quantitative_target_is_not_green(store):
    enter(store, "ecology", "2024-06", **{"A4-02.status": "已完成"})
    row = task(store, "ecology", "2024-06", "A4-02")
    assert row.colour == "yellow"
    assert "未填写" in row.note and "未填写" in row.colour_label


def test_done_with_the_value_met_is_green(store):
    enter(store, "ecology", "2024-06", **{"A4-02.status": "已完成", "A4-02.value": "6"})
    assert task(store, "ecology", "2024-06", "A4-02").colour == "green"


def test_late_is_red_and_not_started_is_never_green(store):
    enter(store, "fengjing", "2024-03", **{"A4-18.status": "滞后"})
    assert task(store, "fengjing", "2024-03", "A4-18").colour == "red"
    enter(store, "fengjing", "2024-04", **{"A4-18.status": "未开始"})
    assert task(store, "fengjing", "2024-04", "A4-18").colour == "yellow"


# ---- counts at the year end -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task_id", "unit", "value"),
    [("A4-02", "ecology", "1"), ("A4-20", "data", "0")],
)
def test_a_count_below_its_share_of_the_year_is_not_red_before_december(store, task_id, unit, value):
    enter(store, unit, "2024-07", **{f"{task_id}.status": "推进中", f"{task_id}.value": value})
    row = task(store, unit, "2024-07", task_id)
    assert row.colour == "green"  # 推进中, the count is judged in December


def test_second_count_target_is_judged_at_the_year_end_too(store):
    enter(store, "market", "2024-07", **{"A4-46.status": "推进中", "A4-46.value": "75", "A4-46.value2": "1"})
    assert task(store, "market", "2024-07", "A4-46").colour == "green"


@pytest.mark.parametrize(("value", "colour"), [("4", "red"), ("5", "green")])
def test_a_count_is_met_or_not_in_december(store, value, colour):
    enter(store, "ecology", "2024-12", **{"A4-02.status": "推进中", "A4-02.value": value})
    assert task(store, "ecology", "2024-12", "A4-02").colour == colour


# ---- the plan says it, and the loader checks it --------------------------------------------------------


def _plan_with(change):
    data = json.loads(shipped_plan_text())
    row = next(r for r in data["annex4"]["rows"] if r["id"] == "A4-13")
    change(row)
    return parse_plan(json.dumps(data, ensure_ascii=False), "p.json")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda row: row["quantity"].update(scope="town"), "annex4.rows[12].quantity.scope"),
        (lambda row: row["quantity"].update(judged="monthly"), "annex4.rows[12].quantity.judged"),
        (lambda row: row["quantity"].update(contributions="avg"), "annex4.rows[12].quantity.contributions"),
        (lambda row: row.update(responsible=["@towns", "drc"]), "牵头单位"),
        (lambda row: row.update(lead="ecology"), "不在责任单位之中"),
    ],
)
def test_a_wrong_target_scope_is_refused_naming_the_place(change, says):
    with pytest.raises(PlanError) as caught:
        _plan_with(change)
    assert says in caught.value.message and "p.json" in caught.value.message


def test_a_lead_can_be_named_inside_a_set():
    plan = _plan_with(lambda row: row.update(responsible=["@towns"], lead="fengjing"))
    a413 = next(t for t in plan.annex4 if t.id == "A4-13")
    assert a413.lead == "fengjing" and a413.role_of("zhujing", a413.quantity) == "contribution"


def test_a_plan_without_scopes_judges_every_unit_on_its_own():
    plan = _plan_with(lambda row: row["quantity"].pop("scope"))
    a413 = next(t for t in plan.annex4 if t.id == "A4-13")
    assert a413.quantity.scope == "unit" and a413.role_of("fengjing", a413.quantity) == "unit"


def test_done_is_not_held_back_for_a_value_the_district_computes(store):
    enter(store, "econ", "2024-06", **{"A4-23.status": "已完成"})  # 月报上报率 comes from the grid
    row = task(store, "econ", "2024-06", "A4-23")
    assert row.colour == "green" and row.note == ""
