"""Exports as the window and `main.py export` write them: a unit's report and the district summary."""

import io
import json

import pytest
from openpyxl import load_workbook

from model.calc.report import report_from_store
from model.common.errors import UserError
from model.common.periods import parse_period
from model.reports import signing
from model.reports.export import PDF, XLSX, district_summary_file, unit_report
from model.reports.tables import ReportPeople
from model.store.database import open_database
from tests.model.report_fixtures import BUREAU, KEY_USER, PERIOD, TOWN, fill, view_of_reports

PASS = "correct horse"
PEOPLE = ReportPeople(unit_head="李四", stats_head="王五", preparer="张三", phone="021-57350000")
JULY = parse_period(PERIOD)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with open_database(tmp_path_factory.mktemp("export") / "e.sqlite", write=True, create=True) as s:
        fill(s)
        yield s


def test_a_signed_unit_pdf_carries_the_periods_one_report(store):
    p12 = signing.new_key(TOWN, store.plans.get().unit(TOWN).full_name, PASS)
    pdf = unit_report(store, TOWN, JULY, PDF, PEOPLE, who="张三", key=signing.load_key(p12, PASS))
    result = signing.verify_pdf(pdf, [signing.key_certificate(p12, PASS)[0]])
    assert result.ok, result.reasons
    expected = report_from_store(store, TOWN, JULY, created_by="张三").to_json()
    assert result.data["figures"] == json.loads(json.dumps(expected["figures"]))
    assert result.data["progress"] == json.loads(json.dumps(expected["progress"]))


def test_the_unit_workbook_names_the_unit_and_is_never_signed(store):
    workbook = load_workbook(io.BytesIO(unit_report(store, KEY_USER, JULY, XLSX, PEOPLE, who="张三")))
    texts = {str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert any(store.plans.get().unit(KEY_USER).name in t for t in texts)
    key = signing.load_key(signing.new_key(KEY_USER, "x", PASS), PASS)
    with pytest.raises(UserError, match="不签名"):
        unit_report(store, KEY_USER, JULY, XLSX, PEOPLE, who="张三", key=key)


def test_a_period_outside_the_plan_year_is_refused(store):
    with pytest.raises(UserError, match="不在本计划年度"):
        unit_report(store, TOWN, parse_period("2023-07"), PDF, PEOPLE, who="张三")


def test_the_summary_renders_the_view_it_is_given(store):
    view = view_of_reports(store, (TOWN, KEY_USER, BUREAU))
    pdf, shown = district_summary_file(store, JULY, PDF, PEOPLE, view=view)
    xlsx, _ = district_summary_file(store, JULY, XLSX, PEOPLE, view=view)
    assert shown is view and pdf.startswith(b"%PDF")
    sheets = load_workbook(io.BytesIO(xlsx)).worksheets
    texts = {str(c.value) for ws in sheets for row in ws.iter_rows() for c in row if c.value}
    assert any(store.plans.get().unit(TOWN).name in t for t in texts)
