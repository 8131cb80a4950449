"""What a submission locks: every month the signed year-to-date report covers, in the store and its
triggers; a correction reopens the latest submitted period only, and earlier packages stay as signed."""

import hashlib
import io
import sqlite3
import subprocess

import pytest

from model.calc.report import ATTACHMENT_NAME
from model.common.errors import UserError
from model.common.periods import parse_period
from model.exchange.submission import correct, history, period_state
from model.reports import signing
from tests.unit_world import unit_db

JAN, FEB, MAR = "2024-01", "2024-02", "2024-03"


@pytest.fixture
def fengjing(tmp_path):
    """Figures for January to March; the months carry last year's figures too."""
    unit = unit_db(tmp_path, "fengjing")
    unit.statuses(JAN)
    unit.month(JAN, 500, 520, 10000, 9800)
    unit.month(FEB, 1000, 1050, 20000, 19500)
    unit.month(MAR, 600, 620, 12000, 11000)
    yield unit
    unit.store.close()


def rate(unit, period):
    from model.calc.progress import unit_progress

    plan = unit.plan
    figures = unit.store.figures.read(plan.id, unit.unit_id)
    coefficients = unit.store.plans.coefficients(plan.coefficients)
    return unit_progress(plan, coefficients, figures, unit.unit_id, parse_period(period)).annex2


def value(unit, period, field):
    return next(
        f.value for f in unit.store.figures.read(unit.plan.id, unit.unit_id, [period]) if f.field == field
    )


def test_january_is_locked_once_january_to_february_is_submitted(fengjing, tmp_path):
    fengjing.submit(FEB, tmp_path / "out")
    before = rate(fengjing, FEB).ytd_change_rate_pct
    with pytest.raises(UserError) as caught:
        fengjing.enter(JAN, "energy_tce=7000")
    message = caught.value.message
    assert "2024年1–2月" in message and "第 1 版" in message and "锁定" in message
    assert "报表 → 更正" in message and "main.py correct --unit fengjing --period 2024-02" in message
    assert value(fengjing, JAN, "energy_tce") == 500.0
    assert rate(fengjing, FEB).ytd_change_rate_pct == before


def test_every_month_of_a_submitted_half_year_is_locked_and_later_months_stay_open(tmp_path):
    unit = unit_db(tmp_path, "fengjing")
    unit.statuses(JAN)
    for month in range(1, 7):
        unit.month(f"2024-{month:02d}", 500 + month, 520 + month, 10000, 9800)
    unit.submit("2024-06", tmp_path / "out")
    for month in range(1, 7):
        with pytest.raises(UserError, match="2024年1–6月"):
            unit.enter(f"2024-{month:02d}", "energy_tce=7000")
    assert unit.enter("2024-07", "energy_tce=1") == 1
    state = period_state(unit.store, unit.plan, "fengjing", parse_period(MAR))
    assert state.locked and state.status == "open" and "2024年1–6月" in state.message
    unit.store.close()


def test_the_database_itself_refuses_a_change_to_a_covered_month(fengjing, tmp_path):
    fengjing.submit(FEB, tmp_path / "out")
    conn = fengjing.store.db
    for statement in (
        "UPDATE figures SET value = 7000 WHERE unit_id = 'fengjing' AND period = '2024-01' "
        "AND field = 'energy_tce'",
        "DELETE FROM figures WHERE unit_id = 'fengjing' AND period = '2024-01'",
        "INSERT INTO figures (plan_id, unit_id, period, field, text, note, updated_at, updated_by) "
        "SELECT plan_id, unit_id, '2024-02', field, text, note, updated_at, updated_by FROM figures "
        "WHERE unit_id = 'fengjing' AND period = '2024-01' AND text IS NOT NULL LIMIT 1",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="locked"):
            conn.execute(statement)
    conn.execute(
        "UPDATE figures SET value = 601 WHERE unit_id = 'fengjing' AND period = '2024-03' AND field = 'energy_tce'"
    )
    assert value(fengjing, MAR, "energy_tce") == 601.0


def test_a_correction_reopens_every_month_of_the_latest_period_and_keeps_earlier_packages(fengjing, tmp_path):
    first = fengjing.submit(FEB, tmp_path / "out")
    fengjing.submit(MAR, tmp_path / "out")
    with pytest.raises(UserError) as caught:
        correct(fengjing.store, fengjing.plan, "fengjing", parse_period(FEB), "1月能耗填错", who="clerk")
    assert "2024年1–3月" in caught.value.message and "2024-03" in caught.value.message
    correct(fengjing.store, fengjing.plan, "fengjing", parse_period(MAR), "1月能耗填错", who="clerk")
    assert fengjing.enter(JAN, "energy_tce=510") == 1
    (feb,) = history(fengjing.store, fengjing.plan, "fengjing", parse_period(FEB))
    assert (feb.version, feb.status) == (1, "submitted")
    assert fengjing.store.submissions.package(feb.id)[0] == first.pdf_path.read_bytes()
    assert {f.field: f.value for f in feb.figures}["energy_tce"] == 1000.0
    v2 = fengjing.submit(MAR, tmp_path / "out")
    assert v2.version == 2
    with pytest.raises(UserError, match="第 2 版"):
        fengjing.enter(JAN, "energy_tce=520")


def test_no_other_period_is_submitted_while_a_correction_is_open(fengjing, tmp_path):
    fengjing.submit(FEB, tmp_path / "out")
    correct(fengjing.store, fengjing.plan, "fengjing", parse_period(FEB), "2月产值填错", who="clerk")
    with pytest.raises(UserError) as caught:
        fengjing.submit(MAR, tmp_path / "out")
    assert "2024年1–2月" in caught.value.message and "更正" in caught.value.message
    assert history(fengjing.store, fengjing.plan, "fengjing", parse_period(MAR)) == []


def test_a_correction_names_the_version_it_replaces_and_the_reason(fengjing, tmp_path):
    v1 = fengjing.submit(FEB, tmp_path / "out")
    correct(
        fengjing.store, fengjing.plan, "fengjing", parse_period(FEB), "1月能耗填错，应为 510", who="clerk"
    )
    fengjing.enter(JAN, "energy_tce=510")
    v2 = fengjing.submit(FEB, tmp_path / "out")
    certs = [fengjing.cert_path.read_text()]
    old = signing.verify_pdf(v1.pdf_path, certs).data
    new = signing.verify_pdf(v2.pdf_path, certs).data
    assert "replaces_version" not in old and "correction_reason" not in old
    assert new["replaces_version"] == 1
    assert new["replaces_data_sha256"] == hashlib.sha256(attachment(v1.pdf_path)).hexdigest()
    assert new["correction_reason"] == "1月能耗填错，应为 510"
    text = subprocess.run(["pdftotext", str(v2.pdf_path), "-"], capture_output=True, text=True, check=True)
    assert "本报表为第2版，更正第1版，原因：1月能耗填错，应为510" in "".join(text.stdout.split())


def attachment(pdf_path):
    from pyhanko.pdf_utils.reader import PdfFileReader

    with open(pdf_path, "rb") as f:
        return signing.read_attachment(PdfFileReader(io.BytesIO(f.read())), ATTACHMENT_NAME)


def test_an_older_database_gets_the_new_locks_when_it_is_upgraded(tmp_path):
    import shutil

    from model.store.database import open_database
    from model.store.figures import FigureWrite
    from tests.conftest import ROOT

    path = tmp_path / "old.sqlite"
    shutil.copy(ROOT / "tests" / "fixtures" / "tanbao-v2.sqlite", path)
    with open_database(path, write=True) as store:
        store.submissions.record(
            "jinshan-2024", "fengjing", "2024-06", 1, who="t", at="2024-07-01T09:00:00+08:00", data="{}",
            package_name="x", pdf=b"%PDF", xlsx=b"",
        )  # fmt: skip
        assert store.submissions.period_lock("jinshan-2024", "fengjing", "2024-01").period == "2024-06"
        with pytest.raises(sqlite3.IntegrityError, match="locked"):
            store.db.execute("DELETE FROM figures WHERE unit_id = 'fengjing'")
        with pytest.raises(UserError, match="2024年1–6月"):
            store.figures.write(
                "jinshan-2024", "fengjing", [FigureWrite("2024-02", "energy_tce", 1.0)],
                who="t", coef_version="v", electricity_basis="calorific",
            )  # fmt: skip


# ---- the plan's first cumulative period ---------------------------------------------------------


def _plan_with(**rules):
    import json

    from model.plan.spec import parse_plan, shipped_plan_text

    data = json.loads(shipped_plan_text())
    data["rules"].update(rules)
    for key, value in rules.items():
        if value is None:
            del data["rules"][key]
    return parse_plan(json.dumps(data, ensure_ascii=False), "test.json")


def test_the_plan_states_its_first_cumulative_period():
    from model.common.errors import PlanError

    assert [str(p) for p in _plan_with().report_periods()][:2] == ["2024-02", "2024-03"]
    assert _plan_with(first_cumulative_month=None).rules.first_cumulative_month == 1
    _plan_with(first_cumulative_month=None).check_report_period(parse_period(JAN))
    for wrong in (0, 13, 1.5, "2"):
        with pytest.raises(PlanError, match=r"rules\.first_cumulative_month"):
            _plan_with(first_cumulative_month=wrong)
    with pytest.raises(UserError, match="没有单独的 2024年1月 报表"):
        _plan_with().check_report_period(parse_period(JAN))
