"""The district's door, after the signature: a trusted unit's package is re-validated like entry, its
versions must follow each other, its receipt date is the district's, and its printed tables must say what
its data says (issue 13 items 3–6). Packages are crafted by signing a PDF with data that lies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from model.calc.completeness import LATE, ON_TIME, completeness
from model.calc.report import (
    ATTACHMENT_NAME,
    Correction,
    UnitReport,
    build_report,
    encode_report_data,
    report_data_sha256,
)
from model.common.periods import parse_period
from model.exchange.district import (
    ACCEPTED,
    NEWER,
    held_packages,
    import_package,
    import_packages,
    trust_add,
)
from model.reports import signing
from model.reports.pdf import render_unit_pdf
from model.reports.tables import ReportPeople
from model.store.database import Store
from model.store.figures import Figure
from tests.unit_world import UnitDb, snapshot, unit_db


@pytest.fixture
def fengjing(tmp_path: Path, district: Store) -> Iterator[UnitDb]:
    (tmp_path / "unit").mkdir()
    unit = unit_db(tmp_path / "unit", "fengjing")
    unit.statuses("2024-02")
    unit.month("2024-02", 1000, 1050, 20000, 19500)
    unit.month("2024-03", 600, 620, 12000, 11000)
    trust_add(district, district.plans.get(), unit.cert_path, who="officer")
    yield unit
    unit.store.close()


def _figures(unit: UnitDb, changes: dict[tuple[str, str], tuple[float | None, str | None]]) -> list[Figure]:
    """The unit's stored figures with some replaced (or added) as a dishonest program would."""
    figures = {(f.period, f.field): f for f in unit.store.figures.read(unit.plan.id, unit.unit_id)}
    for (period, key), (value, text) in changes.items():
        figures[(period, key)] = Figure(unit.unit_id, period, key, value, text, "", "", "")
    return list(figures.values())


def _report(unit: UnitDb, period: str, figures: list[Figure] | None = None, **kw: Any) -> UnitReport:
    plan = unit.plan
    return build_report(
        plan,
        unit.store.plans.coefficients(plan.coefficients),
        figures if figures is not None else unit.store.figures.read(plan.id, unit.unit_id),
        unit.unit_id,
        parse_period(period),
        created_by="clerk",
        created_at=kw.pop("created_at", datetime.fromisoformat("2024-04-08T10:00:00+08:00")),
        strict=False,
        version=kw.pop("version", 1),
        **kw,
    )


def _package(
    tmp_path: Path,
    unit: UnitDb,
    shown: UnitReport,
    data: dict[str, Any] | None = None,
    name: str = "package.pdf",
) -> Path:
    """A PDF that prints `shown`, carries `data` (default: shown's own) and is signed with the unit's key."""
    rendered = render_unit_pdf(shown, ReportPeople(), signed=True)
    raw = signing.sign_pdf(
        rendered.data,
        unit.key,
        data=encode_report_data(data if data is not None else shown.to_json()),
        data_name=ATTACHMENT_NAME,
        box=rendered.signature_box,
        signer_name="clerk",
        unit_name=shown.unit.full_name,
        unit_id=unit.unit_id,
    )
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def _refused(district: Store, path: Path, *fragments: str) -> str:
    before = snapshot(district)
    outcome = import_package(district, path, who="officer")
    assert outcome.refused, outcome
    for fragment in fragments:
        assert fragment in outcome.message, outcome.message
    assert snapshot(district) == before
    return outcome.message


# ---- item 3: the same field rules and hard checks as entry --------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "text", "says"),
    [
        ("energy_tce", -5000.0, None, "不能为负数"),
        ("energy_tce", 1.7e308, None, "大得不合理"),
        ("output_wan_yuan", None, "很多", "不是数字"),
    ],
)
def test_a_figure_entry_would_refuse_is_refused_with_the_field_and_the_reason(
    district, fengjing, tmp_path, key, value, text, says
):
    label = next(f.display_label for f in fengjing.plan.fields if f.key == key)
    if value and value > 1e100:  # cannot be computed or drawn: the figure alone lies in honest data
        shown = _report(fengjing, "2024-03")
        data = shown.to_json()
        for figure in data["figures"]:
            if (figure["period"], figure["field"]) == ("2024-03", key):
                figure["value"] = value
    else:
        shown = _report(fengjing, "2024-03", _figures(fengjing, {("2024-03", key): (value, text)}))
        data = shown.to_json()
    _refused(district, _package(tmp_path, fengjing, shown, data), says, label, "2024-03")


def test_a_status_outside_the_four_is_refused(district, fengjing, tmp_path):
    key = next(f.key for f in fengjing.plan.fields_for("fengjing") if f.kind == "status")
    lying = _report(fengjing, "2024-03", _figures(fengjing, {("2024-02", key): (None, "全部完成")}))
    _refused(district, _package(tmp_path, fengjing, lying), "全部完成", "只能填")


def test_a_number_where_a_status_belongs_is_refused(district, fengjing, tmp_path):
    key = next(f.key for f in fengjing.plan.fields_for("fengjing") if f.kind == "status")
    lying = _report(fengjing, "2024-03", _figures(fengjing, {("2024-02", key): (2000.0, None)}))
    _refused(district, _package(tmp_path, fengjing, lying), "2024-02")


def test_a_package_with_a_hard_error_is_refused(district, fengjing, tmp_path):
    """March's energy missing: the unit could not have submitted it (数据不全 blocks submission)."""
    figures = [f for f in _figures(fengjing, {}) if (f.period, f.field) != ("2024-03", "energy_tce")]
    lying = _report(fengjing, "2024-03", figures)
    assert lying.blocking
    _refused(district, _package(tmp_path, fengjing, lying), "无法报送")


def test_embedded_figures_that_differ_from_the_recomputation_are_refused(district, fengjing, tmp_path):
    honest = _report(fengjing, "2024-03")
    data = honest.to_json()
    data["progress"]["annex2"]["completion_rate_pct"] = 2000.0
    data["progress"]["annex2"]["colour"] = "green"
    _refused(district, _package(tmp_path, fengjing, honest, data), "重新计算")


# ---- item 4: versions follow each other ----------------------------------------------------------


def _version(unit: UnitDb, period: str, version: int, replaces: UnitReport | None, **edit: Any) -> UnitReport:
    figures = _figures(unit, edit.pop("changes", {}))
    correction = None
    if version > 1:
        sha = report_data_sha256(replaces.to_json()) if replaces is not None else "0" * 64
        correction = Correction(version - 1, sha, "能耗漏报一户")
    return _report(unit, period, figures, version=version, correction=correction)


def test_a_version_far_beyond_the_one_held_is_refused(district, fengjing, tmp_path):
    v1 = _report(fengjing, "2024-03")
    assert (
        import_package(district, _package(tmp_path, fengjing, v1, name="v1.pdf"), who="o").outcome == ACCEPTED
    )
    v99 = _version(fengjing, "2024-03", 99, None)
    _refused(district, _package(tmp_path, fengjing, v99, name="v99.pdf"), "第 99 版", "第 1 版")


@pytest.mark.parametrize("version", [2**63 - 1, 2**63, 10**30])
def test_an_absurd_version_number_is_refused_and_the_batch_goes_on(district, fengjing, tmp_path, version):
    honest = _report(fengjing, "2024-03")
    data = honest.to_json()
    data.update(version=version, replaces_version=1, replaces_data_sha256="0" * 64, correction_reason="x")
    absurd = _package(tmp_path, fengjing, honest, data, name="absurd.pdf")
    good = _package(tmp_path, fengjing, honest, name="good.pdf")
    outcomes = import_packages(district, [absurd, good], who="officer")
    assert [o.outcome for o in outcomes] == ["refused", ACCEPTED]
    assert "版本号" in outcomes[0].message and str(version) in outcomes[0].message


def test_a_correction_must_name_the_data_of_the_version_held(district, fengjing, tmp_path):
    v1 = _report(fengjing, "2024-03")
    import_package(district, _package(tmp_path, fengjing, v1, name="v1.pdf"), who="officer")
    other_v1 = _report(fengjing, "2024-03", _figures(fengjing, {("2024-03", "energy_tce"): (650.0, None)}))
    v2 = _version(fengjing, "2024-03", 2, other_v1, changes={("2024-03", "energy_tce"): (640.0, None)})
    _refused(district, _package(tmp_path, fengjing, v2, name="v2.pdf"), "第 1 版", "不同")
    honest_v2 = _version(fengjing, "2024-03", 2, v1, changes={("2024-03", "energy_tce"): (640.0, None)})
    outcome = import_package(district, _package(tmp_path, fengjing, honest_v2, name="v2b.pdf"), who="o")
    assert outcome.outcome == NEWER


def test_a_small_gap_is_accepted_with_a_visible_note(district, fengjing, tmp_path):
    from model.calc.summary import district_view

    v1 = _report(fengjing, "2024-03")
    import_package(district, _package(tmp_path, fengjing, v1, name="v1.pdf"), who="officer")
    v3 = _version(fengjing, "2024-03", 3, None, changes={("2024-03", "energy_tce"): (640.0, None)})
    outcome = import_package(district, _package(tmp_path, fengjing, v3, name="v3.pdf"), who="officer")
    assert outcome.outcome == NEWER and "第 2 版未收到" in outcome.message
    view = district_view(district, parse_period("2024-03"), as_of=date(2024, 4, 20))
    assert any("第 2 版未收到" in note for note in view.notes)


def test_a_first_version_must_not_claim_to_replace_one(district, fengjing, tmp_path):
    honest = _report(fengjing, "2024-03")
    data = honest.to_json()
    data.update(version=1)
    data.update(replaces_version=0, replaces_data_sha256="0" * 64, correction_reason="x")
    _refused(district, _package(tmp_path, fengjing, honest, data))


def test_a_duplicated_figure_is_refused(district, fengjing, tmp_path):
    honest = _report(fengjing, "2024-03")
    data = honest.to_json()
    first = next(f for f in data["figures"] if f["field"] == "energy_tce" and f["period"] == "2024-03")
    data["figures"].append({**first, "value": 5.0})
    _refused(district, _package(tmp_path, fengjing, honest, data), "重复", "2024-03")


# ---- item 5: on time is when the district received it --------------------------------------------


def test_on_time_is_judged_by_the_receipt_date_not_the_units_claim(district, fengjing, tmp_path):
    plan = district.plans.get()
    claims_early = _report(
        fengjing, "2024-03", created_at=datetime.fromisoformat("2024-04-01T09:00:00+08:00")
    )
    path = _package(tmp_path, fengjing, claims_early)
    import_package(district, path, who="officer", received_on=date(2024, 6, 3))
    cell = completeness(district, plan, upto=parse_period("2024-03"), as_of=date(2024, 6, 3)).cell(
        "fengjing", "2024-03"
    )
    assert (cell.state, cell.received_on) == (LATE, "2024-06-03")
    assert cell.signed_at is not None and cell.signed_at[:4] == str(date.today().year)
    (held,) = held_packages(district, plan, "fengjing", "2024-03")
    assert held.received_on == "2024-06-03" and held.signed_at
    audit = [e for e in district.audit.entries(plan.id, "fengjing", "2024-03") if "2024-06-03" in str(e.new)]
    assert audit


def test_an_earlier_receipt_date_set_by_the_officer_counts(district, fengjing, tmp_path):
    plan = district.plans.get()
    path = _package(tmp_path, fengjing, _report(fengjing, "2024-03"))
    (outcome,) = import_packages(district, [path], who="officer", received_on=date(2024, 4, 10))
    assert outcome.received_on == "2024-04-10"
    cell = completeness(district, plan, upto=parse_period("2024-03"), as_of=date(2024, 6, 3)).cell(
        "fengjing", "2024-03"
    )
    assert cell.state == ON_TIME


def test_without_a_receipt_date_the_import_day_counts(district, fengjing, tmp_path):
    plan = district.plans.get()
    import_package(district, _package(tmp_path, fengjing, _report(fengjing, "2024-03")), who="officer")
    cell = completeness(district, plan, upto=parse_period("2024-03"), as_of=date.today()).cell(
        "fengjing", "2024-03"
    )
    assert (cell.state, cell.received_on) == (LATE, date.today().isoformat())


def test_a_receipt_date_in_the_future_is_refused(district, fengjing, tmp_path):
    from model.common.errors import UserError

    path = _package(tmp_path, fengjing, _report(fengjing, "2024-03"))
    with pytest.raises(UserError, match="收到日期"):
        import_packages(district, [path], who="officer", received_on=date(2999, 1, 1))


# ---- item 6: the printed table says what the data says ------------------------------------------


def _lie(unit: UnitDb, tmp_path: Path, shown: UnitReport, carried: UnitReport) -> Path:
    return _package(tmp_path, unit, shown, carried.to_json())


def test_a_table_that_shows_other_figures_than_the_data_is_refused(district, fengjing, tmp_path):
    shown = _report(fengjing, "2024-03", _figures(fengjing, {("2024-03", "energy_tce"): (1000.0, None)}))
    carried = _report(fengjing, "2024-03", _figures(fengjing, {("2024-03", "energy_tce"): (640.0, None)}))
    _refused(district, _lie(fengjing, tmp_path, shown, carried), "打印", "640.00", "1,000.00")


def test_a_form_titled_for_another_period_is_refused(district, fengjing, tmp_path):
    fengjing.statuses("2024-05")
    for month in ("2024-04", "2024-05"):
        fengjing.month(month, 600, 620, 12000, 11000)
    shown = _report(fengjing, "2024-03")
    carried = _report(fengjing, "2024-05")
    _refused(district, _lie(fengjing, tmp_path, shown, carried), "1–5月")


def test_an_honest_package_passes_every_check(district, fengjing, tmp_path):
    outcome = import_package(district, fengjing.submit("2024-03", tmp_path / "out").pdf_path, who="o")
    assert outcome.outcome == ACCEPTED, outcome.message


def test_an_earlier_version_arriving_late_must_be_the_one_the_correction_names(district, fengjing, tmp_path):
    v1 = _report(fengjing, "2024-03")
    v2 = _version(fengjing, "2024-03", 2, v1, changes={("2024-03", "energy_tce"): (640.0, None)})
    assert (
        import_package(district, _package(tmp_path, fengjing, v2, name="v2.pdf"), who="o").outcome == ACCEPTED
    )
    other_v1 = _report(fengjing, "2024-03", _figures(fengjing, {("2024-03", "energy_tce"): (650.0, None)}))
    _refused(district, _package(tmp_path, fengjing, other_v1, name="other.pdf"), "第 2 版", "不同")
    late = import_package(district, _package(tmp_path, fengjing, v1, name="v1.pdf"), who="officer")
    assert late.outcome == "older" and "未收到" not in late.message
