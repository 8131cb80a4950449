"""The unit's side: submit only a clean period, freeze it as version N, lock it, correct it as N+1."""

from datetime import datetime

import pytest

from model.common.errors import UserError, ValidationError
from model.common.periods import parse_period
from model.exchange.submission import correct, history, package_stem, period_state, write_package
from model.reports import signing
from tests.unit_world import snapshot, unit_db


@pytest.fixture
def fengjing(tmp_path):
    unit = unit_db(tmp_path, "fengjing")
    unit.statuses("2024-02")
    unit.month("2024-02", 1000, 1050, 20000, 19500)
    unit.month("2024-03", 600, 620, 12000, 11000)
    yield unit
    unit.store.close()


def test_a_period_with_problems_is_not_submitted_and_every_problem_is_listed(tmp_path):
    unit = unit_db(tmp_path, "zhujing")
    unit.enter("2024-03", "energy_tce=900", "energy_tce_last_year=600")  # a swing, output missing
    before = snapshot(unit.store)
    with pytest.raises(ValidationError) as caught:
        unit.submit("2024-03", tmp_path / "out")
    problems = caught.value.problems
    assert "不能报送" in caught.value.message
    assert any("工业总产值" in p and "必填" in p for p in problems)
    assert any("比上年同月变化" in p and "请填写原因" in p for p in problems)
    assert snapshot(unit.store) == before and not (tmp_path / "out").exists()


def test_a_warning_with_a_reason_does_not_block(fengjing, tmp_path):
    fengjing.enter("2024-03", "energy_tce=900")  # +45 % against last year
    with pytest.raises(ValidationError, match="1 个问题"):
        fengjing.submit("2024-03", tmp_path / "out")
    fengjing.enter("2024-03", "energy_tce=900", note="新生产线3月投产")
    assert fengjing.submit("2024-03", tmp_path / "out").version == 1


def test_submit_freezes_version_1_and_writes_a_signed_package_named_to_sort(fengjing, tmp_path):
    out = tmp_path / "out"
    result = fengjing.submit("2024-03", out, at=datetime(2024, 4, 10, 9, 30))
    assert result.version == 1 and not result.written_again
    assert (
        result.pdf_path.name == "2024-03_fengjing_v1.pdf" == package_stem("fengjing", "2024-03", 1) + ".pdf"
    )
    assert result.xlsx_path.name == "2024-03_fengjing_v1.xlsx"
    assert sorted(p.name for p in out.iterdir()) == ["2024-03_fengjing_v1.pdf", "2024-03_fengjing_v1.xlsx"]
    verified = signing.verify_pdf(result.pdf_path, [fengjing.cert_path.read_text()])
    assert verified.ok, verified.reasons
    assert verified.data["version"] == 1 and verified.data["period"] == "2024-03"
    assert verified.data["created_at"].startswith("2024-04-10T09:30")
    from openpyxl import load_workbook

    assert "数据" in load_workbook(result.xlsx_path).sheetnames

    (v1,) = history(fengjing.store, fengjing.plan, "fengjing", parse_period("2024-03"))
    assert (v1.version, v1.status, v1.submitted_by) == (1, "submitted", "clerk")
    assert {(f.field, f.value) for f in v1.figures} == {
        ("energy_tce", 600.0),
        ("energy_tce_last_year", 620.0),
        ("output_wan_yuan", 12000.0),
        ("output_wan_yuan_last_year", 11000.0),
    }
    pdf, _xlsx = fengjing.store.submissions.package(v1.id)
    assert pdf == result.pdf_path.read_bytes()


def test_a_submitted_period_is_locked_with_the_version_and_how_to_correct(fengjing, tmp_path):
    fengjing.submit("2024-03", tmp_path / "out")
    with pytest.raises(UserError) as caught:
        fengjing.enter("2024-03", "energy_tce=601")
    message = caught.value.message
    assert "第 1 版" in message and "锁定" in message
    assert "main.py correct --unit fengjing --period 2024-03 --reason" in message
    state = period_state(fengjing.store, fengjing.plan, "fengjing", parse_period("2024-03"))
    assert state.locked and state.version == 1 and "第 1 版" in state.message and "更正" in state.message
    assert fengjing.enter("2024-04", "energy_tce=1") == 1  # other months stay open
    assert fengjing.store.figures.read("jinshan-2024", "fengjing", ["2024-03"])[0].value == 600.0


def test_submitting_again_writes_the_same_package_and_changes_nothing(fengjing, tmp_path):
    first = fengjing.submit("2024-03", tmp_path / "out")
    before = snapshot(fengjing.store)
    again = fengjing.submit("2024-03", tmp_path / "usb")
    assert again.written_again and again.version == 1
    assert again.pdf_path.read_bytes() == first.pdf_path.read_bytes()
    assert snapshot(fengjing.store) == before


def test_correct_needs_a_reason_and_a_submitted_period(fengjing, tmp_path):
    march = parse_period("2024-03")
    with pytest.raises(UserError, match="还没有报送过"):
        correct(fengjing.store, fengjing.plan, "fengjing", march, "产值填错", who="clerk")
    fengjing.submit("2024-03", tmp_path / "out")
    with pytest.raises(UserError, match="原因"):
        correct(fengjing.store, fengjing.plan, "fengjing", march, "  ", who="clerk")
    state = correct(fengjing.store, fengjing.plan, "fengjing", march, "产值填错", who="clerk")
    assert (state.status, state.locked, state.version) == ("correcting", False, 2)
    with pytest.raises(UserError, match="已在更正中"):
        correct(fengjing.store, fengjing.plan, "fengjing", march, "再改", who="clerk")


def test_a_correction_becomes_version_2_and_version_1_stays_readable(fengjing, tmp_path):
    out = tmp_path / "out"
    march = parse_period("2024-03")
    v1 = fengjing.submit("2024-03", out)
    correct(fengjing.store, fengjing.plan, "fengjing", march, "产值填错，应为 12,500 万元", who="clerk")
    fengjing.enter("2024-03", "output_wan_yuan=12500")
    v2 = fengjing.submit("2024-03", out)
    assert v2.version == 2 and v2.pdf_path.name == "2024-03_fengjing_v2.pdf"
    assert sorted(p.name for p in out.glob("*.pdf")) == ["2024-03_fengjing_v1.pdf", "2024-03_fengjing_v2.pdf"]

    versions = history(fengjing.store, fengjing.plan, "fengjing", march)
    assert [(v.version, v.status) for v in versions] == [(1, "superseded"), (2, "submitted")]
    assert versions[1].reason == "产值填错，应为 12,500 万元"
    old = {f.field: f.value for f in versions[0].figures}
    new = {f.field: f.value for f in versions[1].figures}
    assert old["output_wan_yuan"] == 12000.0 and new["output_wan_yuan"] == 12500.0
    assert fengjing.store.submissions.package(versions[0].id)[0] == v1.pdf_path.read_bytes()
    again = write_package(fengjing.store, fengjing.plan, "fengjing", march, 1, tmp_path / "history")
    assert again[0].read_bytes() == v1.pdf_path.read_bytes()
    data = signing.verify_pdf(v2.pdf_path, [fengjing.cert_path.read_text()]).data
    assert data["version"] == 2
    with pytest.raises(UserError, match="第 2 版"):
        fengjing.enter("2024-03", "output_wan_yuan=1")


def test_a_key_of_another_unit_cannot_sign(fengjing, tmp_path):
    other = unit_db(tmp_path, "zhujing")
    from model.exchange.submission import submit

    with pytest.raises(UserError, match="不能为"):
        submit(
            fengjing.store,
            fengjing.plan,
            "fengjing",
            parse_period("2024-03"),
            other.key,
            tmp_path,
            who="clerk",
        )
    assert history(fengjing.store, fengjing.plan, "fengjing", parse_period("2024-03")) == []


def test_files_that_cannot_be_written_leave_the_version_in_the_database(fengjing, tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x", encoding="utf-8")
    with pytest.raises(UserError, match="数据库中"):
        fengjing.submit("2024-03", blocked)
    (v1,) = history(fengjing.store, fengjing.plan, "fengjing", parse_period("2024-03"))
    pdf, _ = write_package(
        fengjing.store, fengjing.plan, "fengjing", parse_period("2024-03"), 1, tmp_path / "ok"
    )
    assert pdf.read_bytes() == fengjing.store.submissions.package(v1.id)[0]
