"""The PDF's 计算说明 page: every derived figure the report shows, for every annex the unit reports, stated
from the recipes `main.py explain` uses, with the coefficient / emission-factor versions and the
electricity basis; a formula that many rows share is stated once with the rows it applies to."""

import shutil
import subprocess

import pytest

from model.calc.explain import calculation_groups
from model.calc.report import report_from_store
from model.common import formatting as fmt
from model.common.periods import parse_period
from model.reports.pdf import unit_pdf
from model.reports.tables import COLOUR, unit_sections
from model.store.database import open_database
from tests.model.report_fixtures import BUREAU, KEY_USER, PERIOD, TOWN, enter, fill

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
DISTRICT_BUREAU = "econ"  # leads A1-02 (the district's annex-2 rate) and A4-23 (the report rate)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    path = tmp_path_factory.mktemp("calc") / "r.sqlite"
    with open_database(path, write=True, create=True) as store:
        fill(store)
        # the town fills the optional carrier breakdown (its carbon) and two contributions to district targets
        breakdown = {"industry_electricity_kwh": 1_000_000, "industry_electricity_kwh_last_year": 1_100_000}
        for m in range(2, 8):
            enter(store, TOWN, f"2024-{m:02d}", **breakdown)
        enter(store, TOWN, PERIOD, **{"A4-13.value": 0.1, "A4-12.value": 12})
        enter(store, DISTRICT_BUREAU, PERIOD, **{"A4-23.status": "推进中"})
        return {
            u: report_from_store(store, u, parse_period(PERIOD), created_by="t")
            for u in (TOWN, KEY_USER, BUREAU, DISTRICT_BUREAU)
        }


def page(report) -> list[str]:
    """The lines of text (a line of a cell or paragraph each) from the 计算说明 title to the end."""
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=unit_pdf(report), capture_output=True, check=True
    ).stdout.decode()
    lines = [line.strip() for line in text.splitlines()]
    return lines[len(lines) - lines[::-1].index("计算说明") :]


def gap(report) -> str:
    return fmt.pct(report.plan.rules.yellow_gap_share * 100)


def test_a_towns_page_states_annex2_its_carbon_and_its_annex4_rows_with_the_versions(reports):
    report = reports[TOWN]
    runs = page(report)
    for formula in (
        "r = (ΣE / ΣE上年) ÷ (ΣY / ΣY上年) − 1",  # the change rate
        f"r ≤ t → 绿；r − t ≤ |t| × {gap(report)} → 黄；否则红",  # annex 2's warning, the plan's band
        "e = N / 12 × 100%",  # 序时进度 beside the rate
        "ΣC = Σ月 Σ品种 实物量 × 排放因子",  # carbon of the carrier breakdown
        "ΔC = ΣC / ΣC上年 − 1",
        "全区值 = 牵头单位值；牵头单位未填时 = Σ贡献值",  # A4-13: the contributions are added up
        "全区值 = 牵头单位值",  # A4-12: shares are only listed
        "上报率 = Σ按时 / Σ应报 × 100%",  # A4-23: the district computes it
    ):
        assert formula in runs, formula
    assert any(f"p ≥ N/12 × (1 − {gap(report)})" in r for r in runs)  # a task's warning
    assert f"折标系数表：{report.coefficient_version}" in runs
    assert f"排放因子表：{report.progress.emission_factor_version}" in runs
    assert "附件2按吨标准煤填报，不涉及电力折标" in runs
    assert any("电力（分品种）排放因子" in r for r in runs)  # the factor used, with its version
    assert any(r.startswith(report.progress.emission_factor_version) for r in runs)


def test_a_bureaus_page_states_share_of_target_elapsed_and_the_warning_of_its_rows(reports):
    report = reports[BUREAU]
    runs = page(report)
    for formula in (
        "s = 完成值 / 全年目标 × 100%",
        "e = N / 12 × 100%",
        f"s ≥ e → 绿；s ≥ e × (1 − {gap(report)}) → 黄；否则红",
    ):
        assert formula in runs, formula
    assert f"折标系数表：{report.coefficient_version}" in runs
    assert "适用于 A1-12、A1-13" in runs  # one formula for both rows, not one copy per row
    assert not any("电力折标" in r for r in runs)  # a bureau converts no energy


def test_the_values_the_district_computes_are_explained_on_the_leading_bureaus_page(reports):
    runs = page(reports[DISTRICT_BUREAU])
    assert "r = (ΣE / ΣE上年) ÷ (ΣY / ΣY上年) − 1" in runs  # A1-02 = the district's annex-2 rate
    assert "上报率 = Σ按时 / Σ应报 × 100%" in runs  # A4-23
    assert "适用于 A1-02" in runs and "适用于 A4-23" in runs


def test_a_key_users_page_states_the_electricity_basis_and_each_coefficient(reports):
    report = reports[KEY_USER]
    runs = page(report)
    a3 = report.progress.annex3
    assert a3.electricity_basis_line in runs
    assert "已用 = ΣE / 总量目标 × 100%" in runs
    assert "x ≤ T → 绿；x − T ≤ T × " + gap(report) + " → 黄；否则红" in runs  # the cap's warning
    assert "天然气折标系数" in runs and "电力排放因子" in runs


def test_a_row_formula_is_stated_once_for_all_the_rows_it_applies_to(reports):
    report = reports[TOWN]
    annex4 = next(g for g in calculation_groups(report) if g.annex == 4)
    warnings = [e for e in annex4.entries if "colour" in e.figures[0]]
    assert len(report.progress.annex4) > 10
    assert len(warnings) <= 3  # plain tasks, contributions, the one the district computes
    assert sorted(r for e in warnings for r in e.rows) == sorted(r.id for r in report.progress.annex4)


@pytest.mark.parametrize("unit", [TOWN, KEY_USER, BUREAU, DISTRICT_BUREAU])
def test_every_figure_the_report_shows_has_an_entry_on_the_page(reports, unit):
    report = reports[unit]
    cells = [
        cell
        for section in unit_sections(report)
        for table in section.tables
        for row in table.rows
        for cell in row
    ]
    shown = {c.figure for c in cells if c.figure}
    explained = {key for g in calculation_groups(report) for e in g.entries for key in e.figures}
    assert shown and shown <= explained, shown - explained
    assert all(c.figure for c in cells if c.kind == COLOUR)  # a warning is never typed: always derived
    if unit == TOWN:
        assert {"annex2.carbon.ytd_co2_t", "annex2.colour", "annex4.A4-13.value"} <= shown
