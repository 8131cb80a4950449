"""Ids reach file names: a plan whose ids could climb out of a folder is refused when it is loaded."""

import json

import pytest

import main
from model.common.errors import PlanError
from model.exchange.submission import package_stem
from model.plan.spec import parse_plan, shipped_plan_text

TRAVERSAL = "../../../../tmp/x/zj"


@pytest.mark.parametrize(
    "bad", [TRAVERSAL, "..\\..\\Windows\\zj", "C:zj", "zj\n已接收", "zj/..", " zj", "-rf"]
)
def test_a_unit_id_that_is_not_a_plain_name_is_refused_at_plan_load(bad):
    text = shipped_plan_text().replace('"zhujing"', json.dumps(bad))
    with pytest.raises(PlanError, match="只能由英文字母、数字") as refused:
        parse_plan(text, "hostile-plan.json")
    assert "\n" not in refused.value.message and "\x00" not in refused.value.message


def test_init_with_a_traversal_plan_is_refused_and_nothing_is_written_outside(tmp_path, capsys):
    plan = tmp_path / "plan.json"
    plan.write_text(shipped_plan_text().replace('"zhujing"', json.dumps(TRAVERSAL)), encoding="utf-8")
    code = main.main(["--db", str(tmp_path / "t.sqlite"), "init", "--plan", str(plan)])
    _out, err = capsys.readouterr()
    assert code == 2 and "units[1].id" in err and "Traceback" not in err


def test_package_names_are_built_from_validated_parts_only():
    assert package_stem("zhujing", "2024-03", 1) == "2024-03_zhujing_v1"
    for unit, period in ((TRAVERSAL, "2024-03"), ("zhujing", "../2024-03"), ("zhujing", "2024-13")):
        with pytest.raises(ValueError):
            package_stem(unit, period, 1)
