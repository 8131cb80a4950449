"""What a reader of the printed form relies on: the footer and signature beside the tables they certify,
a place for the seal, the intensity's denominator, the clerk's reasons, the signer's name and one number
style (checked on the text pdftotext extracts, page by page)."""

import re
import shutil
import subprocess

import pytest

from model.calc.report import report_from_store
from model.common import formatting as fmt
from model.common.periods import parse_period
from model.reports import signing
from model.reports.pdf import summary_pdf, unit_pdf
from model.reports.tables import ReportPeople
from model.store.database import open_database
from tests.model.report_fixtures import BUREAU, KEY_USER, PERIOD, REASON, TOWN, enter, fill, view_of_reports

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
PASS = "correct horse"
PEOPLE = ReportPeople(unit_head="李四", stats_head="王五", preparer="张三", phone="021-57350000")
WASTEWATER = "paihai"


def _fill_wastewater(store):
    for m in range(1, 8):
        enter(
            store,
            WASTEWATER,
            f"2024-{m:02d}",
            electricity_kwh=1_000_000,
            electricity_kwh_last_year=1_010_000,
            treated_volume_m3=5_000_000 + m,
            treated_volume_m3_last_year=5_000_000,
        )
    for m in range(8, 13):
        enter(
            store,
            WASTEWATER,
            f"2024-{m:02d}",
            electricity_kwh_last_year=1_000_000,
            treated_volume_m3_last_year=5_000_000,
        )


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    path = tmp_path_factory.mktemp("layout") / "r.sqlite"
    with open_database(path, write=True, create=True) as store:
        fill(store)
        _fill_wastewater(store)
        plan = store.plans.get()
        units = (TOWN, KEY_USER, WASTEWATER)
        reports = {u: report_from_store(store, u, parse_period(PERIOD), created_by="root") for u in units}
        summary = view_of_reports(store, (TOWN, KEY_USER, BUREAU, WASTEWATER))
    keys = {u: signing.load_key(signing.new_key(u, plan.unit(u).full_name, PASS), PASS) for u in units}
    return {"plan": plan, "reports": reports, "summary": summary, "keys": keys}


def pages_of(pdf: bytes, tmp_path) -> list[str]:
    f = tmp_path / "x.pdf"
    f.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(f), "-"], capture_output=True, text=True, check=True)
    return [p for p in out.stdout.split("\f") if p.strip()]


def _signed(env, unit, people=PEOPLE):
    return unit_pdf(env["reports"][unit], people, key=env["keys"][unit])


@pytest.mark.parametrize("unit", [TOWN, KEY_USER, WASTEWATER])
def test_the_footer_and_signature_share_a_page_with_a_table(env, unit, tmp_path):
    pages = pages_of(_signed(env, unit), tmp_path)
    footer = [p for p in pages if "填表人" in p]
    assert len(footer) == 1
    page = footer[0]
    assert "电子签名" in page and "签名人" in page
    report = env["reports"][unit]
    if report.progress.annex4:  # the last table is the tasks': its last row is on this page
        assert report.progress.annex4[-1].id in page
    else:  # the last table is the monthly one
        assert all(f"{m}月" in page for m in range(1, 8))


def test_a_seal_area_beside_the_signature(env, tmp_path):
    pages = pages_of(_signed(env, KEY_USER), tmp_path)
    page = next(p for p in pages if "填表人" in p)
    assert "填报单位（盖章）" in page


@pytest.mark.parametrize(
    ("unit", "label", "value"),
    [(KEY_USER, "建筑面积", 120_000.0), (WASTEWATER, "处理量", sum(5_000_000 + m for m in range(1, 8)))],
)
def test_the_intensity_denominator_is_printed(env, unit, label, value, tmp_path):
    report = env["reports"][unit]
    assert report.progress.annex3.denominator == pytest.approx(value)
    text = "".join(pages_of(_signed(env, unit), tmp_path))
    assert any(label in line and fmt.amount(value) in line for line in text.splitlines())


def test_the_notes_print_the_clerks_reason_not_the_instruction(env, tmp_path):
    text = "".join(pages_of(_signed(env, TOWN), tmp_path)).replace(" ", "")
    assert REASON in text
    assert "请填写原因" not in text


def test_the_signer_is_the_person_named_in_the_profile_never_the_account(env, tmp_path):
    text = "".join(pages_of(_signed(env, TOWN), tmp_path))
    assert "签名人：张三" in text
    nobody = "".join(pages_of(_signed(env, TOWN, ReportPeople(unit_head="李四")), tmp_path))
    assert "root" not in nobody
    assert "签名人：李四" in nobody


ASCII_NEGATIVE = re.compile(r"(?<![\w-])-\d")


def test_one_number_style_in_the_summary(env, tmp_path):
    text = "".join(pages_of(summary_pdf(env["plan"], env["summary"], PEOPLE), tmp_path))
    assert ASCII_NEGATIVE.findall(text) == []
    a1 = next(r for r in env["plan"].annex1 if r.measure == "rate" and r.target_value and r.target_value < 0)
    assert fmt.rate(a1.target_value) in text
    town = next(line for line in env["summary"].annex2 if line.unit_id == TOWN)
    assert fmt.pct(town.completion_rate_pct).startswith("−")
    assert fmt.pct(town.completion_rate_pct) in text


def test_one_number_style_in_a_units_form(env, tmp_path):
    text = "".join(pages_of(_signed(env, TOWN), tmp_path))
    assert ASCII_NEGATIVE.findall(text) == []


def test_the_summary_never_breaks_a_number_across_lines(env, tmp_path):
    line = next(a for a in env["summary"].annex3 if a.unit_id == WASTEWATER)
    text = "".join(pages_of(summary_pdf(env["plan"], env["summary"], PEOPLE), tmp_path))
    for value in (fmt.intensity(line.intensity), fmt.intensity(line.intensity_target)):
        assert value in text
