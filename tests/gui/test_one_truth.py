"""One truth: every figure of a period reads the same on screen, in `progress --json`, in the PDF text, in
the workbook and in the data the PDF carries (issue 11, item 1), for a town (annex 2), both key users
(annex 3) and a bureau (annex 1/4), at several periods."""

import io
import json
import shutil
import subprocess

import openpyxl
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from PySide6.QtCore import Qt

import cli
from gui.annex2_form import Annex2Form
from gui.annex3_form import Annex3Form
from gui.home import HomePage
from gui.session import UnitSession
from gui.tasks_form import RowsModel
from model.calc.report import ATTACHMENT_NAME, UnitReport, report_from_store
from model.common import formatting as fmt
from model.common.periods import parse_period
from model.entry.figures import Entry, store_entries
from model.plan.spec import STATUS
from model.reports.pdf import unit_pdf
from model.reports.signing import read_attachment
from model.reports.xlsx import unit_xlsx

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

CASES = [
    ("fengjing", "2024-03"),
    ("fengjing", "2024-07"),
    ("phcc", "2024-06"),
    ("phcc", "2024-03"),
    ("paihai", "2024-05"),
    ("greening", "2024-07"),
]


def enter(store, unit, period, note=None, **values):
    entries = [Entry(unit, parse_period(period), k, str(v), note) for k, v in values.items()]
    store_entries(store, store.plans.get(), entries, who="test")


def statuses(store, unit, period):
    keys = [f.key for f in store.plans.get().fields_for(unit) if f.required and f.kind == STATUS]
    enter(store, unit, period, **dict.fromkeys(keys, "推进中"))


def fill(store):
    for m in range(2, 8):
        enter(
            store,
            "fengjing",
            f"2024-{m:02d}",
            energy_tce=1013.37 + m * 9.1,
            energy_tce_last_year=1031.2 + m * 12,
            output_wan_yuan=20011 + m * 297.3,
            output_wan_yuan_last_year=19803 + m * 251,
            gross_energy_tce=1311.5 + m * 10,
            gross_energy_tce_last_year=1320,
        )
    statuses(store, "fengjing", "2024-02")
    for m in range(1, 13):
        enter(store, "phcc", f"2024-{m:02d}", electricity_kwh_last_year=4.7e6 + (m % 7) * 3.1e5)
        enter(store, "paihai", f"2024-{m:02d}", electricity_kwh_last_year=5.1e6 + m * 1.3e4)
    for m in range(1, 8):
        enter(
            store,
            "phcc",
            f"2024-{m:02d}",
            electricity_kwh=4.9e6 + (m % 5) * 2.7e5,
            natural_gas_m3=151_234 + m,
            natural_gas_m3_last_year=150_000,
            floor_area_m2=152_000,
        )
        enter(
            store,
            "paihai",
            f"2024-{m:02d}",
            electricity_kwh=5.0e6 + m * 1.1e4,
            treated_volume_m3=3.81e6 + m * 997,
            treated_volume_m3_last_year=3.72e6,
        )
    enter(store, "greening", "2024-06", **{"A1-12.value": 18.5, "A1-13.value": 30.25})
    statuses(store, "greening", "2024-02")


def shown_figures(report):
    """(what, the figure as the shared display rounding shows it) for every figure the report holds."""
    p, out = report.progress, []
    if p.annex2:
        a = p.annex2
        out += [
            ("ΣE", fmt.amount(a.ytd_energy_tce)),
            ("ΣE last year", fmt.amount(a.ytd_energy_tce_last_year)),
            ("ΣY", fmt.amount(a.ytd_output_wan_yuan)),
            ("ΣY last year", fmt.amount(a.ytd_output_wan_yuan_last_year)),
            ("intensity", fmt.intensity(a.ytd_intensity_tce_per_wan_yuan)),
            ("intensity last year", fmt.intensity(a.ytd_intensity_last_year_tce_per_wan_yuan)),
            ("rate", fmt.rate(a.ytd_change_rate_pct)),
            ("target", fmt.rate(a.target_pct)),
            ("completion", fmt.pct(a.completion_rate_pct)),
            ("colour", a.colour_label),
        ]
    if p.annex3:
        b = p.annex3
        out += [
            ("YTD tce", fmt.amount(b.ytd_tce)),
            ("cap", fmt.amount(b.cap_tce)),
            ("cap used", fmt.pct(b.cap_used_pct)),
            ("projected", fmt.amount(b.projected_tce)),
            ("projection method", b.projection_method_label),
            ("intensity", fmt.intensity(b.intensity)),
            ("intensity target", fmt.intensity(b.intensity_target)),
            ("yoy", fmt.rate(b.intensity_yoy_change_pct)),
        ]
    for row in p.annex1 + p.annex4:
        out.append((f"{row.id} colour", row.colour_label))
    return out


def pdf_text(pdf, tmp_path):
    f = tmp_path / "r.pdf"
    f.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-raw", str(f), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def workbook_values(xlsx):
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    cells = [
        c for ws in wb if ws.title != "数据" for row in ws.iter_rows() for c in row if c.value is not None
    ]
    return {c.value for c in cells}, cells


def screen_texts(session):
    """Everything the window shows for the period: annex form summaries, derived cells, cards, task rows."""
    texts = []
    if session.progress.annex2:
        form = Annex2Form(session)
        texts.append(form.summary.text())
        texts += _model_texts(form.model)
    if session.progress.annex3:
        form = Annex3Form(session)
        texts.append(form.summary.text())
        texts += _model_texts(form.model)
    home = HomePage(session)
    texts += [
        label.text() for card in home.cards for label in card.findChildren(type(home.cards[0].children()[1]))
    ]
    for annex in (1, 4):
        texts += _model_texts(RowsModel(session, annex))
    return "\n".join(texts)


def _model_texts(model):
    return [
        str(model.index(r, c).data(Qt.ItemDataRole.DisplayRole) or "")
        for r in range(model.rowCount())
        for c in range(model.columnCount())
    ]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from model.store.database import open_database

    path = tmp_path_factory.mktemp("truth") / "t.sqlite"
    with open_database(path, write=True, create=True) as store:
        fill(store)
    return path


@pytest.mark.parametrize(("unit", "period"), CASES)
def test_every_surface_shows_the_same_figures(qtbot, capsys, tmp_path, world, unit, period):
    from model.store.database import open_database

    with open_database(world, write=True, create=True) as store:
        report = report_from_store(store, unit, parse_period(period), created_by="test")
        plan, coefficients = store.plans.get(), store.plans.coefficients(store.plans.get().coefficients)
        pdf, xlsx = unit_pdf(report), unit_xlsx(report)
        session = UnitSession(store, unit, parse_period(period), "test")
        screen = screen_texts(session)
    assert report.complete, report.missing  # the world is complete: every figure has a value to compare
    expected = json.loads(json.dumps(report.progress.to_dict()))

    # progress --json
    assert cli.main(["--db", str(world), "progress", "--unit", unit, "--period", period, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == expected

    # the data inside the PDF, and the district's recomputation of it
    embedded = json.loads(read_attachment(PdfFileReader(io.BytesIO(pdf)), ATTACHMENT_NAME))
    assert embedded["progress"] == expected
    assert UnitReport.from_json(embedded, plan, coefficients).progress.to_dict() == report.progress.to_dict()

    text = pdf_text(pdf, tmp_path)
    numbers, cells = workbook_values(xlsx)
    workbook_text = "\n".join(str(c.value) for c in cells if isinstance(c.value, str))
    for what, shown in shown_figures(report):
        assert shown in text, f"PDF: {what} {shown}"
        assert shown in screen, f"screen: {what} {shown}"
        as_number = any(isinstance(c.value, float | int) and _display(c) == shown for c in cells)
        assert as_number or shown in workbook_text, f"workbook: {what} {shown}"
    assert numbers  # the workbook holds numbers, not their text


def _display(cell):
    """A workbook number as Excel shows it with the cell's number format (the formats the app writes)."""
    f, v = cell.number_format, cell.value
    if f == "#,##0.00":
        return fmt.amount(v)
    if f.startswith("+0.00"):
        return fmt.rate(v)
    if f == '0.00"%"':
        return fmt.pct(v)
    if f.startswith("0."):
        return f"{v:.{len(f) - 2}f}"
    return str(v)
