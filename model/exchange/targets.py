"""The year's plan travels as files: a target table the district edits in Excel, and the plan itself.

The district exports the targets of the active plan to a workbook, edits the 目标值 column, and imports
it back. Reading the workbook changes nothing: it lists every change and every problem, so the officer
sees them before anything is applied. Applying rewrites the plan's JSON, validates it like any plan file
and stores it under the same id. The plan is handed to units as its JSON file (`init --plan FILE`).

The workbook is read by `model.safety.workbook`, which refuses hostile and broken files; a formula where
a value belongs is refused cell by cell.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.common.errors import PlanError, UserError
from model.common.i18n import translate
from model.common.numbers import parse_number
from model.plan.spec import Plan, parse_plan
from model.safety.workbook import Formula, read_sheet
from model.store.audit import PLAN_TARGET
from model.store.database import Store

SHEET = "目标表"
HEADER_ROW, FIRST_ROW = 3, 4
COLUMNS = ("编号", "附件", "单位/事项", "指标", "计量单位", "目标值")
VALUE_COLUMN = 6


@dataclass(frozen=True)
class Target:
    """One editable target of the plan, addressed by a stable key such as `annex2/fengjing/target_pct`."""

    key: str
    annex: int
    subject: str
    indicator: str
    unit: str
    value: float | str
    check: str  # "rate" (−100…100), "positive" (> 0), "non_negative" (≥ 0), "text"


@dataclass(frozen=True)
class TargetChange:
    key: str
    annex: int
    subject: str
    indicator: str
    unit: str
    old: float | str
    new: float | str
    line: int  # row of the workbook


@dataclass(frozen=True)
class TargetImport:
    """What a target workbook would change; nothing is applied until `apply_target_changes`."""

    plan_id: str
    source: str  # the workbook's path, for messages
    changes: list[TargetChange]
    problems: list[str]
    unchanged: int
    notes: list[str] = field(default_factory=list)
    new_plan_source: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def _q_targets(prefix: str, annex: int, subject: str, q: dict[str, Any]) -> Target:
    return Target(
        prefix,
        annex,
        subject,
        str(q.get("label") or translate("plan_exchange", "量化指标")),
        str(q["unit"]),
        float(q["value"]),
        "rate" if q["unit"] == "%" and q["value"] < 0 else "non_negative",
    )


def _targets_with_setters(plan: Plan, data: dict[str, Any]) -> list[tuple[Target, Callable[[Any], None]]]:
    """Every target and a function that writes a new value for it into the plan's JSON `data`."""
    out: list[tuple[Target, Callable[[Any], None]]] = []

    def setter(obj: dict[str, Any], key: str) -> Callable[[Any], None]:
        def set_value(value: Any) -> None:
            obj[key] = value

        return set_value

    for row in data["annex1"]["rows"]:
        subject = f"{row['id']} {row['text']}"
        target = row["target"]
        if row["measure"] == "qualitative":
            t = Target(
                f"annex1/{row['id']}/target",
                1,
                subject,
                translate("plan_exchange", "目标"),
                "",
                target["text"],
                "text",
            )
        else:
            check = "rate" if row["measure"] == "rate" else "non_negative"
            t = Target(
                f"annex1/{row['id']}/target",
                1,
                subject,
                translate("plan_exchange", "目标"),
                target["unit"],
                float(target["value"]),
                check,
            )
        out.append((t, setter(target, "text" if t.check == "text" else "value")))
        for n, cond in enumerate(row.get("conditions", []), start=1):
            out.append(
                (_q_targets(f"annex1/{row['id']}/condition{n}", 1, subject, cond), setter(cond, "value"))
            )
    for row in data["annex2"]["rows"]:
        t = Target(
            f"annex2/{row['unit']}/target_pct",
            2,
            plan.unit(row["unit"]).name,
            translate("plan_exchange", "规上工业单位产值能耗变化率目标"),
            "%",
            float(row["target_pct"]),
            "rate",
        )
        out.append((t, setter(row, "target_pct")))
    for row in data["annex3"]["rows"]:
        name = plan.unit(row["unit"]).name
        for key, label, unit, check in (
            ("total_cap_wan_tce", translate("plan_exchange", "能耗总量控制目标"), "万吨标准煤", "positive"),
            (
                "intensity_target",
                translate("plan_exchange", "能耗强度目标"),
                row["intensity_unit"],
                "positive",
            ),
            ("intensity_yoy_change_pct", translate("plan_exchange", "能耗强度同比变化目标"), "%", "rate"),
        ):
            out.append(
                (
                    Target(f"annex3/{row['unit']}/{key}", 3, name, label, unit, float(row[key]), check),
                    setter(row, key),
                )
            )
    for row in data["annex4"]["rows"]:
        subject = f"{row['id']} {row['text']}"
        for key in ("quantity", "second_quantity"):
            if key in row:
                out.append(
                    (_q_targets(f"annex4/{row['id']}/{key}", 4, subject, row[key]), setter(row[key], "value"))
                )
    return out


def plan_targets(plan: Plan) -> list[Target]:
    return [t for t, _ in _targets_with_setters(plan, json.loads(plan.source))]


def _text_cell(cell: Any, text: str) -> None:
    """Whatever the text, a text cell, never a formula, also once edited in Excel (as in the reports)."""
    from model.reports.xlsx import put_text

    put_text(cell.parent, cell.row, cell.column, text)


def export_targets(plan: Plan, path: str | Path, *, force: bool = False) -> int:
    """Write the target table; returns the number of targets."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    targets = plan_targets(plan)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _text_cell(ws.cell(1, 1), translate("plan_exchange", "{title} 目标表").format(title=plan.title))
    ws.cell(1, 1).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    _text_cell(ws.cell(2, 1), translate("plan_exchange", "计划编号"))
    _text_cell(ws.cell(2, 2), plan.id)
    _text_cell(ws.cell(2, 3), translate("plan_exchange", "年度"))
    ws.cell(2, 4).value = plan.year
    _text_cell(
        ws.cell(2, 5),
        translate(
            "plan_exchange",
            "只修改“目标值”一列，编号列用于核对，请勿改动。百分数直接填数字，如 -3 表示下降3%。",
        ),
    )
    for col, title in enumerate(COLUMNS, start=1):
        c = ws.cell(HEADER_ROW, col)
        _text_cell(c, translate("plan_exchange", title))
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
    editable = PatternFill("solid", fgColor="FFF2CC")
    for i, t in enumerate(targets):
        r = FIRST_ROW + i
        _text_cell(ws.cell(r, 1), t.key)
        ws.cell(r, 2).value = t.annex
        _text_cell(ws.cell(r, 3), t.subject)
        _text_cell(ws.cell(r, 4), t.indicator)
        _text_cell(ws.cell(r, 5), t.unit)
        value = ws.cell(r, VALUE_COLUMN)
        if isinstance(t.value, str):
            _text_cell(value, t.value)
        else:
            value.value = t.value
            value.number_format = "0.00########"
        value.fill = editable
        ws.cell(r, 3).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEF", (34, 6, 50, 28, 14, 16), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(FIRST_ROW, 1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    from model.safety.files import XLSX, write_output

    buffer = io.BytesIO()
    wb.save(buffer)
    write_output(path, buffer.getvalue(), kind=XLSX, force=force)
    return len(targets)


def _read_rows(path: Path) -> tuple[list[tuple[int, list[Any], str]], dict[str, Any]]:
    """Rows (line, cells, value number format) and the header cells of the target sheet; a formula in the
    value column stays a `Formula`, elsewhere it is its text."""
    remedy = translate("plan_exchange", "请用本程序重新导出目标表，修改后再导入。")
    sheet = read_sheet(path, SHEET, max_col=VALUE_COLUMN, remedy=remedy)
    header: dict[str, Any] = {}
    rows: list[tuple[int, list[Any], str]] = []
    for row in sheet:
        cells = [
            v.text if isinstance(v, Formula) and column != VALUE_COLUMN else v
            for column, v in enumerate(row.values, start=1)
        ]
        if row.line == 2:
            header = {
                "plan_id": cells[1] if len(cells) > 1 else None,
                "year": cells[3] if len(cells) > 3 else None,
            }
        if row.line >= FIRST_ROW:
            fmt = row.formats[VALUE_COLUMN - 1] if len(row.formats) >= VALUE_COLUMN else ""
            rows.append((row.line, cells, fmt))
    return rows, header


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _checked(t: Target, raw: Any, fmt: str) -> float | str:
    """The new value of one target, or UserError saying what is wrong with it."""
    if isinstance(raw, Formula):
        raise UserError(
            translate(
                "plan_exchange",
                "单元格 {cell} 是公式“{formula}”，公式不是{what}：请把它改为直接填写的{what}。",
            ).format(
                cell=raw.cell,
                formula=raw.text,
                what=translate("plan_exchange", "文字")
                if t.check == "text"
                else translate("plan_exchange", "数字"),
            )
        )
    if t.check == "text":
        text = _cell_text(raw)
        if not text:
            raise UserError(translate("plan_exchange", "目标值不能为空"))
        return text
    parsed = parse_number(raw)
    if parsed.value is None:
        raise UserError(translate("plan_exchange", "目标值为空"))
    value = parsed.value
    if isinstance(raw, int | float) and "%" in fmt:  # typed as -3% in Excel: stored as -0.03
        value = round(value * 100, 9)
    if parsed.percent and t.unit != "%":
        raise UserError(translate("plan_exchange", "以“{unit}”计，不能填百分数").format(unit=t.unit))
    if t.check == "rate" and not -100 < value < 100:
        raise UserError(
            translate("plan_exchange", "变化率应在 -100 到 100 之间（填入的是 {v:g}）").format(v=value)
        )
    if t.check == "positive" and value <= 0:
        raise UserError(translate("plan_exchange", "应大于 0（填入的是 {v:g}）").format(v=value))
    if t.check == "non_negative" and value < 0:
        raise UserError(translate("plan_exchange", "不能为负数（填入的是 {v:g}）").format(v=value))
    return value


def read_target_changes(plan: Plan, path: str | Path) -> TargetImport:
    """Compare a target workbook with the plan: every change and every problem, nothing applied."""
    path = Path(path)
    rows, header = _read_rows(path)
    data = json.loads(plan.source)
    targets = _targets_with_setters(plan, data)
    by_key = {t.key: (t, set_value) for t, set_value in targets}
    problems: list[str] = []
    notes: list[str] = []
    if _cell_text(header.get("plan_id")) != plan.id:
        problems.append(
            translate(
                "plan_exchange",
                "这张目标表属于计划“{other}”，当前计划是“{id}”（{year}年）：请导出当前计划的目标表再修改。",
            ).format(other=_cell_text(header.get("plan_id")) or "？", id=plan.id, year=plan.year)
        )
    changes: list[TargetChange] = []
    seen: set[str] = set()
    unchanged = 0
    for line, cells, fmt in rows:
        cells = cells + [None] * (VALUE_COLUMN - len(cells))
        key = _cell_text(cells[0])
        if not key and all(_cell_text(c) == "" for c in cells):
            continue
        where = translate("plan_exchange", "第 {line} 行").format(line=line)
        if key not in by_key:
            problems.append(
                translate("plan_exchange", "{where}：编号“{key}”不是本计划的目标，请勿修改编号列。").format(
                    where=where, key=key
                )
            )
            continue
        if key in seen:
            problems.append(
                translate("plan_exchange", "{where}：编号“{key}”重复出现。").format(where=where, key=key)
            )
            continue
        seen.add(key)
        t, set_value = by_key[key]
        try:
            new = _checked(t, cells[VALUE_COLUMN - 1], fmt)
        except UserError as exc:
            problems.append(f"{where}（{t.subject} {t.indicator}）：{exc.message}")
            continue
        if new == t.value:
            unchanged += 1
            continue
        set_value(new)
        changes.append(TargetChange(t.key, t.annex, t.subject, t.indicator, t.unit, t.value, new, line))
    missing = [k for k in by_key if k not in seen]
    if missing:
        notes.append(
            translate("plan_exchange", "表中缺少 {n} 项目标（{keys}），这些目标保持不变。").format(
                n=len(missing), keys="、".join(missing[:5]) + ("…" if len(missing) > 5 else "")
            )
        )
    new_source = ""
    if not problems and changes:
        new_source = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        try:
            parse_plan(new_source, str(path))
        except PlanError as exc:
            problems.append(exc.message)
            new_source = ""
    return TargetImport(plan.id, str(path), changes, problems, unchanged, notes, new_source)


def apply_target_changes(store: Store, plan: Plan, result: TargetImport, *, who: str) -> Plan:
    """Store the changed plan (same id) with an audit row per change; refused while any problem remains."""
    if not result.ok:
        raise UserError(
            translate("plan_exchange", "目标表有 {n} 处问题，未作任何修改：{first}").format(
                n=len(result.problems), first=result.problems[0]
            )
        )
    if result.plan_id != plan.id:
        raise UserError(translate("plan_exchange", "目标表不属于当前计划，未作任何修改。"))
    if not result.changes:
        return plan
    new_plan = parse_plan(result.new_plan_source, f"{store.path}#{plan.id}")
    with store.transaction():
        store.plans.load(new_plan, who=who)
        for c in result.changes:
            store.audit.record(who, PLAN_TARGET, plan_id=plan.id, field=c.key, old=c.old, new=c.new)
    return new_plan


def _shown(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def install_plan(store: Store, plan: Plan, *, who: str) -> Plan:
    """Store a year's plan (already read and validated with `load_plan`) and make it the active one,
    for `main.py init --plan FILE` and the window's 文件 → 载入计划…. The coefficient table it names
    must be known; the shipped table is added when it is that one."""
    from model.plan.coefficients import load_shipped_coefficients

    try:
        store.plans.coefficients(plan.coefficients)
    except UserError:
        shipped = load_shipped_coefficients()
        if shipped.version != plan.coefficients:
            raise
        store.plans.load_coefficients(shipped, who=who)
    store.plans.load(plan, who=who)
    return store.plans.get()


def export_plan(plan: Plan, path: str | Path, *, force: bool = False) -> None:
    """The plan as a file for units to load with `main.py init --plan FILE`."""
    path = Path(path)
    from model.safety.files import PLAN, write_output

    write_output(path, plan.source.encode("utf-8"), kind=PLAN, force=force)
