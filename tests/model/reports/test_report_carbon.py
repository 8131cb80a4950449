"""The PDF and the workbook print the carbon and the allowance the report holds; the PDF ends with 计算说明."""

import io
import subprocess

from openpyxl import load_workbook

from model.calc.report import report_from_store
from model.common import formatting as fmt
from model.common.periods import parse_period
from model.entry.figures import store_entries
from model.reports.pdf import unit_pdf
from model.reports.xlsx import unit_xlsx
from tests.unit_world import plant_entries


def _report(store):
    plan = store.plans.get()
    entries = plant_entries()
    store_entries(store, plan, entries, who="t")
    return report_from_store(store, "paihai", parse_period("2024-03"), created_by="t")


def test_pdf_shows_carbon_allowance_and_ends_with_the_calculation_page(store, tmp_path):
    report = _report(store)
    path = tmp_path / "r.pdf"
    path.write_bytes(unit_pdf(report))
    pages = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    last = pages.stdout[pages.stdout.rindex("计算说明") :]  # the 计算说明 pages, to the end
    text = " ".join(pages.stdout.split())
    assert "2,520.00" in text and "2,646.00" in text  # tCO₂ this year and last year, 4.2 t/万kWh
    assert fmt.amount(0.0001697 * 48_000_000 - 1800) in text  # 6,345.60 tce still allowed
    assert "计算说明" in last and "GB/T 2589-2020" in last and "SH-2024+NDRC-2015" in last
    assert "预计全年综合能耗" in last and "剩余用能空间" in last


def test_workbook_holds_the_same_carbon_and_allowance(store):
    report = _report(store)
    wb = load_workbook(io.BytesIO(unit_xlsx(report)), data_only=True)
    values = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert report.progress.ytd_co2_t in values and report.progress.remaining_allowance_tce in values
