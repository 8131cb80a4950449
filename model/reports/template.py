"""A fill-in workbook of a unit's fields × months, laid out like the form, for clerks who keep their own
spreadsheets: the values already stored (last year's included) are in it, the clerk fills the rest in
Excel or WPS, and `model.entry.workbook` reads it back.

Sheet 月度数据: a row per month, a column per monthly field (annexes 2 and 3). Sheet 任务与指标: a row per
field of the annex-1 indicators and annex-4 tasks the unit reports, for the template's month. Row 2 of
each sheet names the plan, the unit and the period, and a row of field keys sits under the headers, so the
file is read back by what it says, not by the position of its columns. Months already submitted are grey.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from model.common.i18n import translate
from model.common.periods import Period
from model.plan.spec import NUMBER, Field, Plan
from model.safety.files import XLSX, write_output
from model.store.database import Store
from model.store.figures import Figure

MONTH_SHEET = "月度数据"
ROW_SHEET = "任务与指标"
META_ROW, HEADER_ROW, KEY_ROW, FIRST_ROW = 2, 3, 4, 5
ROW_COLUMNS = 6  # 编号, 事项, 填报项, 计量单位, 本期填报, 字段


def month_fields(plan: Plan, unit_id: str) -> list[Field]:
    return [f for f in plan.fields_for(unit_id) if not f.row_id]


def row_fields(plan: Plan, unit_id: str) -> list[Field]:
    return [f for f in plan.fields_for(unit_id) if f.row_id]


def export_template(
    store: Store, unit_id: str, period: Period, path: str | Path, *, force: bool = False
) -> Path:
    """The unit's fill-in workbook with what is stored; the window's 导出填报模板 and `main.py template`."""
    plan = store.plans.get()
    plan.check_period(period)
    locked = {
        m for m in range(1, 13) if store.submissions.period_lock(plan.id, unit_id, str(Period(plan.year, m)))
    }
    return write_template(
        plan, unit_id, period, store.figures.read(plan.id, unit_id), locked, path, force=force
    )


def write_template(
    plan: Plan,
    unit_id: str,
    period: Period,
    figures: Iterable[Figure],
    locked_months: set[int],
    path: str | Path,
    *,
    force: bool = False,
) -> Path:
    """Write the fill-in workbook of `unit_id` for `period`'s year; months in `locked_months` are grey."""
    from openpyxl import Workbook

    from model.reports.xlsx import BORDER, HEAD_FILL, put_text

    held = {(f.period, f.field): f for f in figures}
    wb = Workbook()
    ws = wb.active
    ws.title = MONTH_SHEET
    _header(ws, plan, unit_id, period, translate("template", "月度数据填报模板"))
    fields = month_fields(plan, unit_id)
    put_text(ws, HEADER_ROW, 1, translate("template", "月份"))
    put_text(ws, KEY_ROW, 1, translate("template", "字段（勿改）"))
    for column, f in enumerate(fields, start=2):
        put_text(ws, HEADER_ROW, column, f"{f.display_label}（{f.unit}）" if f.unit else f.display_label)
        put_text(ws, KEY_ROW, column, f.key)
        ws.column_dimensions[_letter(column)].width = 16
    ws.column_dimensions["A"].width = 14
    grey = HEAD_FILL
    for month in range(1, 13):
        row = FIRST_ROW + month - 1
        put_text(ws, row, 1, translate("template", "{m}月").format(m=month))
        for column, f in enumerate(fields, start=2):
            figure = held.get((str(Period(plan.year, month)), f.key))
            _put_value(ws, row, column, f, figure)
            if month in locked_months:
                ws.cell(row=row, column=column).fill = grey
    for row in ws.iter_rows(min_row=HEADER_ROW, max_row=FIRST_ROW + 11, max_col=len(fields) + 1):
        for cell in row:
            cell.border = BORDER
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=2)
    tasks = row_fields(plan, unit_id)
    if tasks:
        _row_sheet(wb.create_sheet(ROW_SHEET), plan, unit_id, period, tasks, held)
    return write_output(path, lambda tmp: wb.save(tmp), kind=XLSX, force=force)


def _row_sheet(
    ws: Any,
    plan: Plan,
    unit_id: str,
    period: Period,
    fields: list[Field],
    held: dict[tuple[str, str], Figure],
) -> None:
    from model.reports.xlsx import BORDER, put_text

    _header(
        ws,
        plan,
        unit_id,
        period,
        translate("template", "任务与指标填报模板（{month}月）").format(month=period.month),
    )
    heads = ["编号", "事项", "填报项", "计量单位", "本期填报", "字段（勿改）"]
    widths = [8, 50, 14, 10, 24, 22]
    for column, (head, width) in enumerate(zip(heads, widths, strict=True), start=1):
        put_text(ws, HEADER_ROW, column, translate("template", head))
        ws.column_dimensions[_letter(column)].width = width
    texts = {r.id: r.text for r in plan.annex1} | {r.id: r.text for r in plan.annex4}
    for row, f in enumerate(fields, start=FIRST_ROW - 1):
        put_text(ws, row, 1, f.row_id)
        put_text(ws, row, 2, texts.get(f.row_id, ""))
        put_text(ws, row, 3, f.label)
        put_text(ws, row, 4, f.unit)
        _put_value(ws, row, 5, f, held.get((str(period), f.key)))
        put_text(ws, row, 6, f.key)
        for column in range(1, ROW_COLUMNS + 1):
            ws.cell(row=row, column=column).border = BORDER
    ws.freeze_panes = ws.cell(row=FIRST_ROW - 1, column=1)


def _header(ws: Any, plan: Plan, unit_id: str, period: Period, title: str) -> None:
    from openpyxl.styles import Font

    from model.reports.xlsx import put_text

    unit = plan.unit(unit_id)
    put_text(ws, 1, 1, f"{unit.full_name}  {plan.year}年  {title}").font = Font(bold=True, size=13)
    meta = [translate("template", "计划"), plan.id, translate("template", "单位"), unit.id]
    meta += [translate("template", "报告期"), str(period)]
    for column, text in enumerate(meta, start=1):
        put_text(ws, META_ROW, column, text)


def _put_value(ws: Any, row: int, column: int, f: Field, figure: Figure | None) -> None:
    from model.reports.xlsx import put_text

    if figure is None:
        return
    if f.kind == NUMBER and figure.value is not None:
        ws.cell(row=row, column=column, value=figure.value).number_format = "#,##0.######"
    elif figure.text is not None:
        put_text(ws, row, column, figure.text)


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))
