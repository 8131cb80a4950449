"""The year's plan travels as files: a target table the district edits in Excel, and the plan itself.

The district exports the targets of the active plan to a workbook, edits the 目标值 column, and imports
it back. Reading the workbook changes nothing: it lists every change and every problem, so the officer
sees them before anything is applied. Applying rewrites the plan's JSON, validates it like any plan file
and stores it under the same id. The plan is handed to units as its JSON file (`init --plan FILE`).

A workbook someone hands the program may be hostile or broken. openpyxl parses its XML through
defusedxml (it does so by itself when defusedxml is installed; `workbook_reader_is_safe` checks it), so a
crafted file cannot expand entities; a part that declares a DTD at all is refused before that. Before
openpyxl opens the file, the zip's directory is checked against the limits below (a zip bomb is refused
without decompressing anything): Python's zipfile never returns more than a member's declared size, and
a member holding more fails its CRC check, so the declared sizes bound the work. Only the first columns
of at most `MAX_ROWS` rows are read, whatever size the sheet claims.
A formula where a value belongs is refused cell by cell: the file is read with its formulas, not with
the results Excel last cached.
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
from model.store.database import Store

SHEET = "目标表"
HEADER_ROW, FIRST_ROW = 3, 4
COLUMNS = ("编号", "附件", "单位/事项", "指标", "计量单位", "目标值")
VALUE_COLUMN = 6

# What a workbook handed to the program may hold (an exported target table is some tens of kilobytes).
MAX_FILE_BYTES = 32 * 2**20  # the target table is tens of KB
MAX_ZIP_MEMBERS = 1_000
MAX_UNPACKED_BYTES = 64 * 2**20  # all members together, decompressed
MAX_RATIO = 200  # decompressed : compressed, for a member larger than RATIO_FROM_BYTES
RATIO_FROM_BYTES = 2**20
MAX_ROWS = 100_000


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


def workbook_reader_is_safe() -> bool:
    """True when openpyxl reads XML through defusedxml (or lxml without entity resolution)."""
    import openpyxl.xml
    import openpyxl.xml.functions as functions

    return bool(openpyxl.xml.DEFUSEDXML) and functions.iterparse.__module__.startswith("defusedxml")


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


@dataclass(frozen=True)
class _Formula:
    """A cell holding a formula where a value belongs; `cell` is its address, such as F12."""

    cell: str
    text: str


def _not_a_workbook(path: Path) -> UserError:
    return UserError(
        translate(
            "plan_exchange",
            "无法读取 {path}：不是有效的 Excel 文件（.xlsx），可能已损坏、不完整，或是改了扩展名的其他文件。请用本程序重新导出目标表，修改后再导入。",
        ).format(path=path)
    )


def _unsafe(path: Path) -> UserError:
    return UserError(
        translate(
            "plan_exchange", "文件 {path} 含有不安全的 XML 内容，已拒绝读取。请用本程序重新导出目标表。"
        ).format(path=path)
    )


def _check_zip(path: Path) -> None:
    """Refuse a file that is no zip, whose parts would decompress to too much (a zip bomb, refused from
    the zip's directory before anything is decompressed), or whose parts declare a DTD."""
    from zipfile import ZipFile

    from model.safety.files import open_bounded

    try:
        with open_bounded(path, MAX_FILE_BYTES, translate("plan_exchange", "文件")) as f:
            if f.read(8).startswith(
                b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            ):  # OLE: an .xls, or an encrypted .xlsx
                raise UserError(
                    translate(
                        "plan_exchange",
                        "无法读取 {path}：这是旧版 Excel（.xls）或设了密码的文件。请在 Excel 中取消密码，另存为“Excel 工作簿（.xlsx）”后再导入。",
                    ).format(path=path)
                )
            f.seek(0)
            with ZipFile(f) as archive:
                members = archive.infolist()
                total = sum(m.file_size for m in members)
                if (
                    len(members) > MAX_ZIP_MEMBERS
                    or total > MAX_UNPACKED_BYTES
                    or any(
                        m.file_size > RATIO_FROM_BYTES and m.file_size > MAX_RATIO * m.compress_size
                        for m in members
                    )
                ):
                    raise UserError(
                        translate(
                            "plan_exchange",
                            "文件 {path} 解压后过大（{n} 个部件，共 {mb:.0f} MB），不是目标表，可能是恶意构造的文件，已拒绝读取。请用本程序重新导出目标表。",
                        ).format(path=path, n=len(members), mb=total / 2**20)
                    )
                for member in members:
                    if _declares_a_dtd(archive, member):
                        raise _unsafe(path)
    except UserError:
        raise
    except FileNotFoundError:
        raise UserError(translate("plan_exchange", "找不到文件 {path}。").format(path=path)) from None
    except OSError as exc:
        raise UserError(
            translate("plan_exchange", "无法读取文件 {path}：{err}").format(
                path=path, err=exc.strerror or exc
            )
        ) from None
    except Exception:  # no zip, a damaged one, a part that fails its CRC or does not inflate
        raise _not_a_workbook(path) from None


_DTD = tuple(b"<!DOCTYPE".decode().encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be"))


def _declares_a_dtd(archive: Any, member: Any) -> bool:
    """True when a part declares a DTD, where entities live. A package never has one (OPC forbids it), so
    the file is refused whichever XML parser openpyxl uses (defusedxml, or lxml leaving entities alone)."""
    tail = b""
    with archive.open(member) as data:
        while chunk := data.read(2**20):
            window = tail + chunk
            if any(d in window for d in _DTD):
                return True
            tail = window[-32:]
    return False


def _read_rows(path: Path) -> tuple[list[tuple[int, list[Any], str]], dict[str, Any]]:
    """Rows (line, cells, value number format) and the header cells of the target sheet.

    A formula in the value column comes back as `_Formula`; only the first `VALUE_COLUMN` columns are read."""
    if not workbook_reader_is_safe():
        raise UserError(
            translate(
                "plan_exchange", "缺少 defusedxml 组件，出于安全考虑不读取 Excel 文件，请重新安装程序。"
            )
        )
    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook

    _check_zip(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except DefusedXmlException:
        raise _unsafe(path) from None
    except Exception as exc:  # whatever a damaged file makes openpyxl or the XML parser raise
        if _caused_by(exc, DefusedXmlException):  # openpyxl wraps a worksheet's parse error
            raise _unsafe(path) from None
        raise _not_a_workbook(path) from None
    try:
        if SHEET not in wb.sheetnames:
            raise UserError(
                translate(
                    "plan_exchange",
                    "文件 {path} 中没有“{sheet}”工作表：请使用 main.py targets export 导出的目标表。",
                ).format(path=path, sheet=SHEET)
            )
        ws = wb[SHEET]
        ws.reset_dimensions()  # the rows actually there, not the size the sheet claims
        header: dict[str, Any] = {}
        rows: list[tuple[int, list[Any], str]] = []
        try:
            for line, row in enumerate(ws.iter_rows(max_col=VALUE_COLUMN), start=1):
                if line > MAX_ROWS:
                    raise UserError(
                        translate(
                            "plan_exchange",
                            "文件 {path} 的目标表超过 {n} 行，不是本程序导出的目标表，已拒绝读取。请用本程序重新导出目标表。",
                        ).format(path=path, n=MAX_ROWS)
                    )
                cells = [c.value for c in row]
                if line == 2:
                    header = {
                        "plan_id": cells[1] if len(cells) > 1 else None,
                        "year": cells[3] if len(cells) > 3 else None,
                    }
                if line < FIRST_ROW:
                    continue
                fmt = ""
                if len(row) >= VALUE_COLUMN:
                    value = row[VALUE_COLUMN - 1]
                    fmt = str(getattr(value, "number_format", "") or "")
                    if getattr(value, "data_type", None) == "f":
                        formula = value.value
                        text = str(getattr(formula, "text", formula) or "")
                        cells[VALUE_COLUMN - 1] = _Formula(f"{_column_letter(VALUE_COLUMN)}{line}", text)
                rows.append((line, cells, fmt))
        except UserError:
            raise
        except DefusedXmlException:
            raise _unsafe(path) from None
        except Exception as exc:  # a part cut short, XML that does not parse, a cell openpyxl cannot read
            if _caused_by(exc, DefusedXmlException):
                raise _unsafe(path) from None
            raise _not_a_workbook(path) from None
        return rows, header
    finally:
        wb.close()


def _column_letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _checked(t: Target, raw: Any, fmt: str) -> float | str:
    """The new value of one target, or UserError saying what is wrong with it."""
    if isinstance(raw, _Formula):
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
        store.load_plan(new_plan, who=who)
        for c in result.changes:
            store.note_change(who, "plan.target", plan.id, c.key, _shown(c.old), _shown(c.new))
    return new_plan


def _shown(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def export_plan(plan: Plan, path: str | Path, *, force: bool = False) -> None:
    """The plan as a file for units to load with `main.py init --plan FILE`."""
    path = Path(path)
    from model.safety.files import PLAN, write_output

    write_output(path, plan.source.encode("utf-8"), kind=PLAN, force=force)
