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


# ---- evidence: listed in the form, carried inside the package within the plan's limit -------------


def _with_evidence(tmp_path, limit_mb=None):
    import dataclasses
    import hashlib

    from model.entry.evidence import attach
    from model.reports.export import report_evidence

    store = open_database(tmp_path / "e.sqlite", write=True, create=True)
    task = fill(store)
    plan = store.plans.get()
    if limit_mb is not None:
        plan = dataclasses.replace(
            plan, rules=dataclasses.replace(plan.rules, evidence_in_package_max_mb=limit_mb)
        )
    photo, scan = tmp_path / "现场照片.jpg", tmp_path / "验收单.pdf"
    photo.write_bytes(b"\xff\xd8photo" * 1000)
    scan.write_bytes(b"%PDF-scan" * 30000)
    for path in (photo, scan):
        attach(store, plan.id, TOWN, PERIOD, task, path, who="clerk")
    report = report_from_store(store, TOWN, parse_period(PERIOD), created_by="clerk")
    items, files = report_evidence(store, plan, TOWN, parse_period(PERIOD))
    store.close()
    digests = {p.name: (p.read_bytes(), hashlib.sha256(p.read_bytes()).hexdigest()) for p in (photo, scan)}
    return report, items, files, digests


def test_evidence_is_listed_with_size_and_sha256_and_travels_in_the_signed_package(env, tmp_path):
    report, items, files, digests = _with_evidence(tmp_path)
    pdf = unit_pdf(report, PEOPLE, key=env["keys"][TOWN], evidence=items, files=files)
    text = "".join(pages_of(pdf, tmp_path))
    for name, (_content, digest) in digests.items():
        assert name in text and digest in text
    carried = {f.name.split("-", 3)[-1]: f.data for f in signing.attached_files(pdf)}
    assert carried["现场照片.jpg"] == digests["现场照片.jpg"][0]
    assert carried["验收单.pdf"] == digests["验收单.pdf"][0]
    assert signing.verify_pdf(pdf, [signing_cert(env, TOWN)]).ok  # the signature covers them


def signing_cert(env, unit):
    from cryptography.hazmat.primitives import serialization

    return env["keys"][unit].certificate.public_bytes(serialization.Encoding.PEM)


def test_evidence_over_the_plans_limit_is_listed_but_not_carried(tmp_path):
    report, items, files, digests = _with_evidence(tmp_path, limit_mb=0.1)  # the photo fits, the scan not
    assert [(i.file_name, i.carried) for i in items] == [("现场照片.jpg", True), ("验收单.pdf", False)]
    pdf = unit_pdf(report, PEOPLE, evidence=items, files=files)
    text = "".join(pages_of(pdf, tmp_path))
    assert digests["验收单.pdf"][1] in text and "未随附" in text
    assert [f.name.split("-", 3)[-1] for f in signing.attached_files(pdf)][1:] == ["现场照片.jpg"]


@pytest.mark.parametrize("limit", [-1, 1000, "20"])
def test_the_evidence_limit_in_the_plan_is_validated(limit):
    import json

    from model.common.errors import UserError
    from model.plan.spec import parse_plan, shipped_plan_text

    data = json.loads(shipped_plan_text())
    data["rules"]["evidence_in_package_max_mb"] = limit
    with pytest.raises(UserError, match="evidence_in_package_max_mb"):
        parse_plan(json.dumps(data), "plan.json")
