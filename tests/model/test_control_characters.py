"""Control characters: Word's Shift+Enter becomes a line break, anything else invisible is refused with
its name at every entry point, and a workbook or package never breaks on text stored before."""

import io
import re

import pytest
from openpyxl import load_workbook

from model.common.errors import PlanError, ValidationError
from model.common.periods import parse_period
from model.entry.figures import Entry, store_csv, store_entries
from model.exchange.district import import_package, trust_add
from model.plan.spec import parse_plan, shipped_plan_text
from model.reports.export import unit_report
from model.store.database import open_database
from model.store.figures import FigureWrite
from tests.unit_world import unit_db

MARCH = parse_period("2024-03")


def note_of(store, field="energy_tce"):
    return {f.field: f.note for f in store.figures.read("jinshan-2024", "fengjing") if f.period == "2024-03"}[
        field
    ]


def test_word_shift_enter_in_a_note_is_stored_as_a_line_break_and_exports(store, plan):
    store_entries(
        store, plan, [Entry("fengjing", MARCH, "energy_tce", "1000", "第一行\x0b第二行\t甲")], who="王芳"
    )
    assert note_of(store) == "第一行\n第二行\t甲"
    data = unit_report(store, "fengjing", MARCH, "xlsx", None, who="王芳")
    assert load_workbook(io.BytesIO(data))  # openpyxl wrote it and reads it back


@pytest.mark.parametrize(
    ("char", "name"), [("\x01", "SOH（U+0001）"), ("\x1b", "ESC（U+001B）"), ("\x00", "NUL")]
)
def test_other_control_characters_are_refused_with_their_name(store, plan, char, name):
    with pytest.raises(ValidationError, match=re.escape(name)):
        store_entries(
            store, plan, [Entry("fengjing", MARCH, "energy_tce", "1000", f"说明{char}")], who="王芳"
        )
    assert store.figures.read("jinshan-2024", "fengjing") == []


def test_a_csv_with_a_control_character_names_the_line(store, plan, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(
        "unit,period,field,value,note\nfengjing,2024-03,energy_tce,1000,一\x0b二\nfengjing,2024-03,output_wan_yuan,5,\x1b[31m红\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as refused:
        store_csv(store, plan, path, who="王芳")
    assert any(p.startswith("第 3 行") and "ESC" in p for p in refused.value.problems)
    assert store.figures.read("jinshan-2024", "fengjing") == []


def test_a_plan_with_a_control_character_is_refused_naming_it():
    text = shipped_plan_text().replace('"枫泾镇"', '"枫泾\\u0001镇"', 1)
    with pytest.raises(PlanError, match="SOH"):
        parse_plan(text, "plan.json")


def test_text_stored_before_the_check_never_breaks_the_workbook(store, plan):
    store.figures.write(
        plan.id,
        "fengjing",
        [FigureWrite("2024-03", "energy_tce", 1000.0, None, "旧\x01数据\x1b")],
        who="王芳",
        coef_version=plan.coefficients,
        electricity_basis=plan.electricity_basis,
    )
    data = unit_report(store, "fengjing", MARCH, "xlsx", None, who="王芳")
    assert load_workbook(io.BytesIO(data))


def test_a_package_carrying_a_control_character_is_refused_at_import(tmp_path):
    unit = unit_db(tmp_path, "fengjing")
    unit.statuses("2024-02")
    unit.month("2024-02", 1000, 1050, 20000, 19500)
    unit.month("2024-03", 600, 620, 12000, 11000)
    unit.store.figures.write(  # an older program let it through
        unit.plan.id,
        "fengjing",
        [FigureWrite("2024-03", "energy_tce", 600.0, None, "说明\x07")],
        who="clerk",
        coef_version=unit.plan.coefficients,
        electricity_basis=unit.plan.electricity_basis,
    )
    result = unit.submit("2024-03", tmp_path / "out")
    with open_database(tmp_path / "district.sqlite", write=True, create=True) as district:
        trust_add(district, district.plans.get(), unit.cert_path, who="officer")
        outcome = import_package(district, result.pdf_path, who="officer")
        assert outcome.refused and "BEL（U+0007）" in outcome.message
        assert district.received.all(district.plans.get().id, "fengjing") == []
    unit.store.close()
