"""The target table round trip through Excel, the plan handed to units as a file, and next year's plan."""

import json
import zipfile

import pytest
from openpyxl import load_workbook

from model.common.errors import UserError
from model.entry.figures import parse_assignments, store_entries
from model.exchange.targets import (
    apply_target_changes,
    export_plan,
    export_targets,
    plan_targets,
    read_target_changes,
)
from model.plan.spec import load_plan
from model.safety.workbook import workbook_reader_is_safe
from model.store.database import open_database
from tests.conftest import ROOT

PLAN_2025 = ROOT / "tests" / "fixtures" / "plan-2025.json"


def _edit(path, out, edits):
    """Set 目标值 cells by key, like an officer typing in Excel."""
    wb = load_workbook(path)
    ws = wb["目标表"]
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    for key, value in edits.items():
        cell = ws.cell(rows[key], 6)
        if isinstance(value, tuple):  # (number, number format)
            cell.value, cell.number_format = value
        else:
            cell.value = value
    wb.save(out)
    return rows


def test_exported_table_reads_back_without_changes(store, tmp_path):
    plan = store.plans.get()
    path = tmp_path / "targets.xlsx"
    n = export_targets(plan, path)
    assert n == len(plan_targets(plan)) >= 13 + 6
    result = read_target_changes(plan, path)
    assert result.ok and result.changes == [] and result.unchanged == n


def test_changes_are_listed_before_and_applied_only_on_request(store, tmp_path):
    plan = store.plans.get()
    path, edited = tmp_path / "targets.xlsx", tmp_path / "edited.xlsx"
    export_targets(plan, path)
    rows = _edit(
        path,
        edited,
        {
            "annex2/fengjing/target_pct": "-1.5",
            "annex2/zhujing/target_pct": (-0.045, "0.0%"),  # typed as -4.5% in Excel
            "annex3/phcc/total_cap_wan_tce": 1.1,
            "annex1/A1-05/target": "明显下降",
            "annex4/A4-02/quantity": 6,
        },
    )
    result = read_target_changes(plan, edited)
    assert result.ok
    listed = {(c.key, c.old, c.new, c.line) for c in result.changes}
    assert listed == {
        ("annex2/fengjing/target_pct", -1.0, -1.5, rows["annex2/fengjing/target_pct"]),
        ("annex2/zhujing/target_pct", -5.0, -4.5, rows["annex2/zhujing/target_pct"]),
        ("annex3/phcc/total_cap_wan_tce", 1.0381, 1.1, rows["annex3/phcc/total_cap_wan_tce"]),
        ("annex1/A1-05/target", "有所下降", "明显下降", rows["annex1/A1-05/target"]),
        ("annex4/A4-02/quantity", 5.0, 6.0, rows["annex4/A4-02/quantity"]),
    }
    assert store.plans.get().annex2_row("fengjing").target_pct == -1.0  # reading applied nothing

    new = apply_target_changes(store, plan, result, who="officer")
    assert new.id == plan.id
    with open_database(store.path, write=False) as again:
        stored = again.plans.get()
        assert stored.annex2_row("fengjing").target_pct == -1.5
        assert stored.annex3_row("phcc").total_cap_wan_tce == 1.1
        assert next(r for r in stored.annex1 if r.id == "A1-05").target_text == "明显下降"
        assert next(r for r in stored.annex4 if r.id == "A4-02").quantity.value == 6
        audit = [
            (a.action, a.field, a.value("old"), a.value("new"))
            for a in again.audit.entries()
            if a.action == "plan.target"
        ]
        assert ("plan.target", "annex2/fengjing/target_pct", -1, -1.5) in audit and len(audit) == 5


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        ({"annex2/fengjing/target_pct": "abc"}, "不是数字"),
        ({"annex2/fengjing/target_pct": 150}, "-100 到 100"),
        ({"annex3/phcc/total_cap_wan_tce": 0}, "应大于 0"),
        ({"annex4/A4-02/quantity": -1}, "不能为负数"),
        ({"annex1/A1-05/target": None}, "为空"),
        ({"annex2/fengjing/target_pct": "=-1-0.5"}, "公式“=-1-0.5”，公式不是数字"),
    ],
)
def test_every_problem_is_listed_and_nothing_is_applied(store, tmp_path, edits, message):
    plan = store.plans.get()
    path, edited = tmp_path / "targets.xlsx", tmp_path / "edited.xlsx"
    export_targets(plan, path)
    rows = _edit(path, edited, {**edits, "annex2/zhujing/target_pct": -4})
    result = read_target_changes(plan, edited)
    assert not result.ok and len(result.problems) == 1
    key = next(iter(edits))
    assert f"第 {rows[key]} 行" in result.problems[0] and message in result.problems[0]
    with pytest.raises(UserError, match="未作任何修改"):
        apply_target_changes(store, plan, result, who="officer")
    assert store.plans.get().annex2_row("zhujing").target_pct == -5.0


def test_a_changed_key_or_another_plans_table_is_refused(store, tmp_path):
    plan = store.plans.get()
    path = tmp_path / "targets.xlsx"
    export_targets(plan, path)
    wb = load_workbook(path)
    ws = wb["目标表"]
    ws.cell(2, 2).value = "jinshan-2023"
    ws.cell(4, 1).value = "annex2/nowhere/target_pct"
    ws.cell(5, 1).value = ws.cell(6, 1).value
    wb.save(path)
    problems = read_target_changes(plan, path).problems
    assert any("jinshan-2023" in p for p in problems)
    assert any("第 4 行" in p and "nowhere" in p for p in problems)
    assert any("第 6 行" in p and "重复" in p for p in problems)


def test_text_that_looks_like_a_formula_stays_text(store, tmp_path):
    plan = store.plans.get()
    data = json.loads(plan.source)
    data["annex1"]["rows"][4]["target"]["text"] = "=HYPERLINK(1)"
    from model.plan.spec import parse_plan

    odd = parse_plan(json.dumps(data, ensure_ascii=False), "odd.json")
    path = tmp_path / "targets.xlsx"
    export_targets(odd, path)
    ws = load_workbook(path)["目标表"]
    cell = next(
        ws.cell(r, 6) for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "annex1/A1-05/target"
    )
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(1)"
    assert read_target_changes(odd, path).changes == []


def test_workbook_xml_is_parsed_safely(store, tmp_path):
    assert workbook_reader_is_safe()
    plan = store.plans.get()
    path, evil = tmp_path / "targets.xlsx", tmp_path / "evil.xlsx"
    export_targets(plan, path)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(evil, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "xl/worksheets/sheet1.xml":
                bomb = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                data = (bomb + data.decode().replace("jinshan-2024", "&b;", 1)).encode()
            zout.writestr(name, data)
    with pytest.raises(UserError, match="不安全的 XML"):
        read_target_changes(plan, evil)


def test_not_a_workbook_is_a_clear_error(store, tmp_path):
    path = tmp_path / "targets.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(UserError, match="不是有效的 Excel 文件"):
        read_target_changes(store.plans.get(), path)


def test_plan_handed_to_a_unit_as_a_file_carries_the_edited_targets(store, tmp_path):
    plan = store.plans.get()
    path, edited = tmp_path / "targets.xlsx", tmp_path / "edited.xlsx"
    export_targets(plan, path)
    _edit(path, edited, {"annex2/fengjing/target_pct": -2})
    apply_target_changes(store, plan, read_target_changes(plan, edited), who="officer")
    handed = tmp_path / "plan.json"
    export_plan(store.plans.get(), handed)
    with open_database(tmp_path / "unit.sqlite", write=True, create=True) as unit:
        unit.plans.load(load_plan(handed), who="clerk")
        assert unit.plans.get().annex2_row("fengjing").target_pct == -2.0


def test_next_years_plan_loads_without_a_program_change(store):
    entries = parse_assignments(store.plans.get(), "碳谷绿湾", "2024-05", ["energy_tce=10"])
    store_entries(store, store.plans.get(), entries, who="clerk")
    plan25 = load_plan(PLAN_2025)
    store.plans.load(plan25, who="clerk")
    active = store.plans.get()
    assert (active.id, active.year) == ("jinshan-2025", 2025)
    assert active.find_unit("碳谷绿湾园区").id == active.find_unit("碳谷绿湾").id == "tangu"  # renamed
    new_task = [f.key for f in active.fields_for("tangu") if f.row_id == "A4-56"]
    assert "A4-56.value" in new_task
    entries = parse_assignments(
        active, "碳谷绿湾园区", "2025-03", ["A4-56.value=12.5", "A4-56.status=推进中"]
    )
    assert store_entries(store, active, entries, who="clerk").count == 2
    with pytest.raises(UserError, match="不在本计划年度"):
        store_entries(store, active, parse_assignments(active, "tangu", "2024-03", ["energy_tce=1"]), who="c")
    assert store.figures.read("jinshan-2024", "tangu")[0].value == 10.0  # last year's figures stay
    assert store.figures.read("jinshan-2025", "tangu")[0].field == "A4-56.status"
