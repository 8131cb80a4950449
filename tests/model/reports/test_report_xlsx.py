"""The workbook read back: same numbers as the report data, formats with the PDF's decimals, text stays text."""

import io
import zipfile

import openpyxl
import pytest

from model.calc.report import report_from_store
from model.common.periods import parse_period
from model.reports.xlsx import put_text, summary_xlsx, unit_xlsx
from tests.model.report_fixtures import INJECTION, KEY_USER, PERIOD, TOWN, fill, view_of_reports


@pytest.fixture
def filled(store):
    fill(store)
    return store


class Numbers:
    """The numeric cells of a sheet, found by value. openpyxl writes 16 significant digits (Excel keeps 15),
    so a value matches when it agrees to 15 digits: far beyond any decimal the forms show."""

    def __init__(self, ws):
        self.cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, float | int)]

    def __getitem__(self, value):
        for c in self.cells:
            if c.value == pytest.approx(value, rel=1e-15, abs=1e-300):
                return c
        raise KeyError(value)

    def __contains__(self, value):
        try:
            self[value]
        except KeyError:
            return False
        return True


def numbers(ws):
    return Numbers(ws)


def test_sheets_numbers_and_formats(filled):
    report = report_from_store(filled, TOWN, parse_period(PERIOD), created_by="t")
    wb = openpyxl.load_workbook(io.BytesIO(unit_xlsx(report)))
    assert wb.sheetnames == ["附件2", "附件4", "数据"]
    ws = wb["附件2"]
    a2 = report.progress.annex2
    cells = numbers(ws)
    rate = cells[a2.ytd_change_rate_pct]
    assert "0.00" in rate.number_format and "%" in rate.number_format
    assert cells[a2.ytd_energy_tce].number_format == "#,##0.00"
    assert cells[a2.ytd_intensity_tce_per_wan_yuan].number_format == "0.00000"  # 0.05…: 4 significant
    assert a2.target_pct in cells and a2.completion_rate_pct in cells
    assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)
    assert ws.freeze_panes is not None
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    data = wb["数据"]
    assert data.max_row - 1 == len(report.figures)
    values = {(r[0].value, r[1].value): r[4].value for r in data.iter_rows(min_row=2)}
    assert all(values[(f.period, f.field)] == f.value for f in report.figures if f.value is not None)


def test_typed_text_is_never_a_formula(filled):
    report = report_from_store(filled, TOWN, parse_period(PERIOD), created_by="t")
    raw = unit_xlsx(report)
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    found = [
        c
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and INJECTION in c.value
    ]
    assert len(found) >= 2  # the task's progress note in the annex-4 sheet and the data sheet
    assert all(c.data_type == "s" for c in found)
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        assert not any(
            b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")
        )


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\nx", "普通文字"])
def test_put_text_keeps_any_start_as_text(text):
    wb = openpyxl.Workbook()
    put_text(wb.active, 1, 1, text)
    out = io.BytesIO()
    wb.save(out)
    cell = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active["A1"]
    assert cell.value == text and cell.data_type == "s"


@pytest.mark.parametrize("value", [0.0532, 0.0001697, 4.12345e-05])
def test_intensity_format_has_the_decimals_the_pdf_shows(value):
    from model.common import formatting as fmt
    from model.reports.tables import INTENSITY, Cell
    from model.reports.xlsx import number_format

    shown = fmt.intensity(value)
    assert "e" not in shown
    assert number_format(Cell(value, INTENSITY)) == "0." + "0" * len(shown.split(".")[1])


def test_key_user_workbook_has_annex3_only(filled):
    report = report_from_store(filled, KEY_USER, parse_period(PERIOD), created_by="t")
    wb = openpyxl.load_workbook(io.BytesIO(unit_xlsx(report)))
    assert wb.sheetnames == ["附件3", "数据"]
    cells = numbers(wb["附件3"])
    a3 = report.progress.annex3
    assert a3.ytd_tce in cells and a3.cap_tce in cells


def test_summary_workbook(filled):
    plan = filled.plans.get()
    summary = view_of_reports(filled, (TOWN, KEY_USER))
    wb = openpyxl.load_workbook(io.BytesIO(summary_xlsx(plan, summary)))
    assert wb.sheetnames == ["附件2", "附件3", "附件1", "附件4", "报送情况"]
    assert summary.annex2_total.change_rate_pct in numbers(wb["附件2"])
    status = {r[0].value: r[2].value for r in wb["报送情况"].iter_rows(min_row=2)}
    assert status[TOWN] == "是" and status["zhujing"] == "否" and status["shihua"] == "免报"
    assert plan.district_unit not in status  # the district office reports to itself
    assert len(status) == len(plan.reporting_units()) - 1


def test_the_data_sheet_shows_field_names_not_keys(filled):
    report = report_from_store(filled, TOWN, parse_period(PERIOD), created_by="t")
    data = openpyxl.load_workbook(io.BytesIO(unit_xlsx(report)))["数据"]
    hidden = {letter for letter, d in data.column_dimensions.items() if d.hidden}
    shown = [
        str(c.value) for row in data.iter_rows() for c in row if c.column_letter not in hidden and c.value
    ]
    assert "energy_tce" not in shown and any("综合能源消费量" in s or "能耗" in s for s in shown)
