"""The spreadsheet round trip: a fill-in template out, the clerk's workbook back in, every change listed
before anything is stored, all of it stored or none."""

import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from model.common.errors import UserError
from model.common.periods import parse_period
from model.entry.figures import store_entries
from model.entry.workbook import preview_file, read_entries_file
from model.reports.template import export_template
from tests.model.report_fixtures import enter
from tests.unit_world import snapshot

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def template(store, tmp_path):
    enter(store, "fengjing", "2024-02", energy_tce=700, energy_tce_last_year=750)
    enter(store, "fengjing", "2024-03", energy_tce=708)
    return export_template(store, "fengjing", parse_period("2024-06"), tmp_path / "模板.xlsx")


def _edit(path, edits, sheet="月度数据"):
    wb = load_workbook(path)
    for cell, value in edits.items():
        wb[sheet][cell] = value
    wb.save(path)


def test_the_template_holds_the_stored_figures_laid_out_by_month(template):
    ws = load_workbook(template)["月度数据"]
    assert ws["A5"].value == "1月" and ws["A16"].value == "12月"
    assert ws["B4"].value == "energy_tce" and ws["C4"].value == "energy_tce_last_year"
    assert (ws["B6"].value, ws["C6"].value, ws["B7"].value) == (700, 750, 708)
    tasks = load_workbook(template)["任务与指标"]
    assert tasks["F4"].value.endswith(".status") and tasks["E3"].value == "本期填报"


def test_an_untouched_template_changes_nothing(store, template):
    _, preview = preview_file(store, store.plans.get(), template)
    assert preview.changes == [] and preview.problems == [] and preview.unchanged == 3


def test_every_change_is_listed_old_to_new_with_its_cell_then_stored_at_once(store, template):
    _edit(template, {"B7": "410万", "D11": 12345.5, "B8": "1,234.5 吨"})
    _edit(template, {"E4": "推进中"}, sheet="任务与指标")
    before = snapshot(store)
    entries, preview = preview_file(store, store.plans.get(), template)
    assert snapshot(store) == before  # reading stores nothing
    changes = {(c.where, c.period, c.field): (c.old, c.new) for c in preview.changes}
    assert changes[("月度数据!B7", "2024-03", "energy_tce")] == ("708", "4,100,000")
    assert changes[("月度数据!D11", "2024-07", "output_wan_yuan")] == (None, "12,345.5")
    assert changes[("月度数据!B8", "2024-04", "energy_tce")] == (None, "1,234.5")
    task_status = next(k for k in changes if k[0] == "任务与指标!E4")
    assert task_status[1] == "2024-06" and changes[task_status] == (None, "推进中")
    store_entries(store, store.plans.get(), entries, who="clerk")
    stored = {(f.period, f.field): f.value for f in store.figures.read("jinshan-2024", "fengjing")}
    assert (
        stored[("2024-03", "energy_tce")] == 4_100_000 and stored[("2024-07", "output_wan_yuan")] == 12345.5
    )


def test_refusals_name_their_cell_and_nothing_is_stored(store, template):
    _edit(template, {"B9": "abc", "C9": "=B9*2", "B10": -5, "B11": 800})
    _, preview = preview_file(store, store.plans.get(), template)
    assert len(preview.problems) == 3
    assert any(p.startswith("单元格 月度数据!B9：") and "不是数字" in p for p in preview.problems)
    assert any("单元格 月度数据!C9 是公式“=B9*2”" in p for p in preview.problems)
    assert any(p.startswith("单元格 月度数据!B10：") and "负数" in p for p in preview.problems)
    assert [c.where for c in preview.changes] == ["月度数据!B11"]


def test_a_template_of_another_plan_or_an_old_format_is_refused(store, template, tmp_path):
    _edit(template, {"B2": "jinshan-2023"})
    with pytest.raises(UserError, match="是计划“jinshan-2023”的填报模板"):
        read_entries_file(store.plans.get(), template)
    et = tmp_path / "报表.et"
    et.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(UserError, match=r"另存为 \.xlsx"):
        read_entries_file(store.plans.get(), et)


def test_a_template_saved_by_libreoffice_reads_back(store, tmp_path):
    """tests/fixtures/template-libreoffice.xlsx: a template of fengjing 2024-06 opened in LibreOffice Calc,
    B8 (2024-04 energy) set to 720 and E4 of the task sheet to 推进中, saved as .xlsx."""
    saved = shutil.copy(FIXTURES / "template-libreoffice.xlsx", tmp_path / "lo.xlsx")
    with zipfile.ZipFile(saved) as z:
        assert b"<Application>LibreOffice" in z.read("docProps/app.xml")
    _, preview = preview_file(store, store.plans.get(), saved)
    assert preview.problems == []
    changes = {(c.where, c.field): c.new for c in preview.changes}
    assert changes[("月度数据!B8", "energy_tce")] == "720"
    assert any(where == "任务与指标!E4" and new == "推进中" for (where, _f), new in changes.items())
