"""Reading back a filled-in template workbook (model/reports/template.py) as entries.

The file is read by `model.safety.workbook` (hostile and broken files refused, formulas refused cell by
cell). Columns are found by the field keys under the headers, so a clerk who hides or widens columns
loses nothing. A blank cell changes nothing: clearing a stored value is done in the window.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from model.common.errors import UserError
from model.common.i18n import translate
from model.common.periods import Period, parse_period
from model.common.untrusted import shown
from model.entry.figures import Entry, EntryPreview, preview_entries, read_csv_entries
from model.plan.spec import Plan
from model.reports.template import FIRST_ROW, KEY_ROW, META_ROW, MONTH_SHEET, ROW_COLUMNS, ROW_SHEET
from model.safety.workbook import Formula, column_letter, read_sheet
from model.store.database import Store

MAX_FIELDS = 200


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _remedy() -> str:
    return translate("template", "请用本程序导出填报模板（报表 → 导出填报模板），填好后再导入。")


def read_template(plan: Plan, path: str | Path) -> tuple[list[Entry], list[str]]:
    """The entries a filled-in template holds, and the problems found reading it (with cell addresses)."""
    path = Path(path)
    months = read_sheet(path, MONTH_SHEET, max_col=MAX_FIELDS, remedy=_remedy())
    unit_id, period = _meta(plan, path, months[META_ROW - 1].values if len(months) >= META_ROW else [])
    entries: list[Entry] = []
    problems: list[str] = []
    keys = months[KEY_ROW - 1].values if len(months) >= KEY_ROW else []
    for row in months[FIRST_ROW - 1 : FIRST_ROW - 1 + 12]:
        month = row.line - FIRST_ROW + 1
        for column, raw in enumerate(row.values[1:], start=2):
            key = _text(keys[column - 1]) if column - 1 < len(keys) else ""
            cell = f"{MONTH_SHEET}!{column_letter(column)}{row.line}"
            _add(entries, problems, unit_id, Period(plan.year, month), key, raw, cell)
    try:
        tasks = read_sheet(path, ROW_SHEET, max_col=ROW_COLUMNS, remedy=_remedy())
    except UserError:
        tasks = []  # a unit without annex-1/4 rows has no such sheet
    for row in tasks[FIRST_ROW - 2 :]:
        values = row.values + [None] * (ROW_COLUMNS - len(row.values))
        cell = f"{ROW_SHEET}!E{row.line}"
        _add(entries, problems, unit_id, period, _text(values[5]), values[4], cell)
    return entries, problems


def _meta(plan: Plan, path: Path, meta: list[Any]) -> tuple[str, Period]:
    """The unit and period the template was made for, checked against the loaded plan."""
    meta = [_text(v) for v in meta] + [""] * 6
    if meta[1] != plan.id:
        raise UserError(
            translate(
                "template", "{path} 是计划“{other}”的填报模板，当前计划是“{id}”（{year}年）。{remedy}"
            ).format(path=shown(path), other=meta[1] or "？", id=plan.id, year=plan.year, remedy=_remedy())
        )
    unit = plan.find_unit(meta[3])
    return unit.id, plan.check_period(parse_period(meta[5]))


def _add(
    entries: list[Entry], problems: list[str], unit_id: str, period: Period, key: str, raw: Any, cell: str
) -> None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return
    if isinstance(raw, Formula):
        problems.append(
            translate("template", "单元格 {cell} 是公式“{formula}”：请改为直接填写的数值。").format(
                cell=cell, formula=raw.text
            )
        )
        return
    if not key:
        problems.append(
            translate("template", "单元格 {cell} 所在列没有字段名（第 {row} 行被改动了）。{remedy}").format(
                cell=cell, row=KEY_ROW, remedy=_remedy()
            )
        )
        return
    entries.append(Entry(unit_id, period, key, raw if isinstance(raw, str) else repr(raw), None, 0, cell))


def read_entries_file(plan: Plan, path: str | Path) -> tuple[list[Entry], list[str]]:
    """A CSV of figures or a filled-in template, by what its name says (an old .xls/.et is refused)."""
    if Path(path).suffix.lower() in (".xlsx", ".xlsm", ".xls", ".et"):
        return read_template(plan, path)
    return read_csv_entries(plan, path)


def preview_file(store: Store, plan: Plan, path: str | Path) -> tuple[list[Entry], EntryPreview]:
    """Every change a file would make and every refusal, with its cell or line; nothing is stored."""
    entries, problems = read_entries_file(plan, path)
    if not entries and not problems:
        raise UserError(translate("template", "{path} 中没有填写任何数据。").format(path=shown(path)))
    return entries, preview_entries(store, plan, entries, problems)
