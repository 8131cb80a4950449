"""The report as the package carries it: `to_json` / `from_json`, and the display rules every surface uses."""

import copy

import pytest

from model.calc.report import UnitReport, report_from_store
from model.common import formatting as fmt
from model.common.errors import PlanError, UserError
from model.common.periods import parse_period
from model.plan.spec import parse_plan, shipped_plan_text
from model.reports.tables import unit_sections
from tests.model.report_fixtures import KEY_USER, PERIOD, TOWN, fill


@pytest.fixture
def filled(store):
    fill(store)
    return store


def both(store, unit):
    plan = store.plans.get()
    report = report_from_store(store, unit, parse_period(PERIOD), version=2, created_by="张三")
    return report, plan, store.plans.coefficients(plan.coefficients)


@pytest.mark.parametrize("unit", [TOWN, KEY_USER])
def test_from_json_recomputes_the_same_report(filled, unit):
    report, plan, coefficients = both(filled, unit)
    again = UnitReport.from_json(report.to_json(), plan, coefficients)
    assert again.progress == report.progress and again.problems == report.problems
    assert (again.version, again.created_at, again.created_by) == (2, report.created_at, "张三")


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("progress", "annex2", "colour"), "green"),
        (("progress", "annex2", "ytd_energy_tce"), 1.0),
        (("progress", "annex2", "months", 3, "ytd_change_rate_pct"), -50.0),
        (("problems",), []),
    ],
)
def test_from_json_refuses_computed_figures_that_the_figures_do_not_give(filled, path, value):
    report, plan, coefficients = both(filled, TOWN)
    data = copy.deepcopy(report.to_json())
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(UserError, match="重新计算的结果不一致"):
        UnitReport.from_json(data, plan, coefficients)


def test_from_json_refuses_changed_figures_and_another_plan(filled):
    report, plan, coefficients = both(filled, TOWN)
    data = copy.deepcopy(report.to_json())
    next(f for f in data["figures"] if f["field"] == "energy_tce")["value"] += 500
    with pytest.raises(UserError, match="不一致"):
        UnitReport.from_json(data, plan, coefficients)
    data = copy.deepcopy(report.to_json())
    data["plan_id"] = "another-2024"
    with pytest.raises(UserError, match="another-2024"):
        UnitReport.from_json(data, plan, coefficients)


def test_intensities_keep_four_significant_digits_and_tiny_ones_six():
    assert fmt.intensity(0.0800) != fmt.intensity(0.08004)
    assert fmt.intensity(0.0800) == "0.08000"
    assert fmt.intensity(0.0001697) == "0.000169700"
    assert fmt.intensity(4.1234567e-5) == "0.0000412346"
    assert fmt.intensity(1.23456) == "1.235"


def test_coefficients_print_as_published(filled):
    assert [fmt.coefficient(v) for v in (0.03412, 1.2143, 0.1229, 0.288)] == [
        "0.03412",
        "1.2143",
        "0.1229",
        "0.288",
    ]
    report, _plan, _c = both(filled, KEY_USER)
    carriers = next(s for s in unit_sections(report) if s.annex == 3).tables[0]
    assert "0.03412" in {row[4].text for row in carriers.rows}  # heat, kgce per MJ


def test_audit_rules_are_plan_data_and_checked_on_load():
    plan = parse_plan(shipped_plan_text(), "jinshan-2024.json")
    (rule, _last_year) = plan.rules.audit_rules
    assert (rule.left, rule.op, rule.right, rule.severity) == (
        "gross_energy_tce",
        ">=",
        "energy_tce",
        "error",
    )
    broken = shipped_plan_text().replace('"right": "energy_tce",', '"right": "no_such_field",')
    with pytest.raises(PlanError, match=r"rules\.audit_rules\[0\]\.right"):
        parse_plan(broken, "x.json")
    broken = shipped_plan_text().replace('"severity": "error"', '"severity": "fatal"', 1)
    with pytest.raises(PlanError, match="severity"):
        parse_plan(broken, "x.json")
