"""The electricity basis is stated per annex in the plan, used by the computation and printed."""

import json

import pytest

from model.common.errors import PlanError
from model.plan.spec import parse_plan, shipped_plan_text
from tests.conftest import ROOT
from tests.model.calc.test_progress import EQUIVALENT_2024, enter, progress


def test_the_shipped_plan_states_annex_3_on_the_equivalent_basis_as_an_assumption(plan):
    basis = plan.electricity_basis_for(3)
    assert basis.basis == "equivalent" and basis.assumed
    assert "确认" in basis.note and "1.38" in basis.evidence and "0.57" in basis.evidence
    assert "electricity_basis" not in json.loads(shipped_plan_text())  # no plan-wide key any more


def test_an_older_plan_file_with_one_plan_wide_basis_still_loads():
    text = (ROOT / "tests" / "fixtures" / "plan-2025.json").read_text(encoding="utf-8")
    assert json.loads(text)["electricity_basis"] == "calorific"
    plan = parse_plan(text, "plan-2025.json")
    assert plan.electricity_basis_for(3).basis == "calorific" and not plan.electricity_basis_for(3).assumed


def test_an_annex_basis_overrides_the_plan_wide_one():
    data = json.loads(shipped_plan_text())
    data["electricity_basis"] = "equivalent"
    data["annex3"]["electricity_basis"] = "calorific"
    assert parse_plan(json.dumps(data), "p.json").electricity_basis_for(3).basis == "calorific"


@pytest.mark.parametrize("value", [None, "coal", {"basis": "x"}, {"basis": "equivalent", "assumed": "yes"}])
def test_a_missing_or_wrong_basis_is_refused_naming_the_place(value):
    data = json.loads(shipped_plan_text())
    if value is None:
        del data["annex3"]["electricity_basis"]
    else:
        data["annex3"]["electricity_basis"] = value
    with pytest.raises(PlanError) as caught:
        parse_plan(json.dumps(data), "p.json")
    assert "annex3.electricity_basis" in caught.value.message


def test_annex_3_converts_electricity_on_the_annexs_basis_and_says_so(store):
    enter(
        store,
        "paihai",
        "2024-01",
        electricity_kwh=1_000_000,
        electricity_kwh_last_year=1_000_000,
        treated_volume_m3=1_800_000,
        treated_volume_m3_last_year=1_800_000,
    )
    a3 = progress(store, "paihai", "2024-01").annex3
    assert a3.ytd_tce == pytest.approx(1_000_000 * EQUIVALENT_2024 / 1000)
    assert a3.electricity_kgce_per_kwh == EQUIVALENT_2024
    assert a3.electricity_basis_line == "电力折标：等价值 0.3 kgce/kWh（假定，待区发改委确认）"
