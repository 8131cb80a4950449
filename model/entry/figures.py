"""Entering figures: what a clerk types (or a CSV holds) checked against the plan, then stored.

All of a call's values are checked first; if any is refused, nothing is stored and every problem is
reported. Otherwise they are written in one transaction, each with an audit row.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from model.common.errors import UserError, ValidationError
from model.common.i18n import how_to, translate
from model.common.numbers import accepted_forms, in_field_unit, parse_number
from model.common.periods import Period, parse_period
from model.common.text import clean_text
from model.common.untrusted import shown
from model.plan.spec import NUMBER, STATUS, TASK_STATUSES, Field, Plan
from model.safety.files import open_bounded
from model.store.audit import AuditEntry
from model.store.changes import Changes
from model.store.database import Store
from model.store.figures import FigureWrite

CSV_COLUMNS = ("unit", "period", "field", "value", "note")
# No figure of any form comes near 10^15 (the district's yearly energy is ~10^6 tce, its output ~10^8
# 万元); a larger number is a slip of the unit or the decimal point, or a crafted package.
MAX_MAGNITUDE = 1e15


@dataclass(frozen=True)
class Entry:
    """One value as typed: unit and period already resolved."""

    unit_id: str
    period: Period
    field: str
    raw: str
    note: str | None = None
    line: int = 0  # line of the CSV file it came from, for messages
    cell: str = ""  # the workbook cell it came from (月度数据!C5), for messages


@dataclass(frozen=True)
class Change:
    """One stored value a file would change: where it came from, and the value before and after."""

    unit_id: str
    period: str
    field: str
    where: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class EntryPreview:
    """What storing a file's entries would do, computed before anything is stored."""

    changes: list[Change]
    problems: list[str]
    unchanged: int


def unit_field(plan: Plan, unit_id: str, key: str) -> Field:
    """One of the fields this unit reports, or a UserError saying where to find them."""
    unit = plan.unit(unit_id)
    allowed = plan.unit_fields(unit_id)
    if key not in allowed:
        where = how_to(
            translate("entry", "用 main.py plan --unit {uid} 查看本单位的填报项。"),
            translate("entry", "请用 报表 → 导出填报模板 重新生成工作簿，其中列出本单位的全部填报项。"),
        )
        if any(f.key == key for f in plan.fields):
            raise UserError(
                translate("entry", "{unit}不填报“{key}”：该项不属于本单位的报表。").format(
                    unit=unit.name, key=key
                )
                + where.format(uid=unit.id)
            )
        raise UserError(
            translate("entry", "没有名为“{key}”的填报项。").format(key=key) + where.format(uid=unit.id)
        )
    return allowed[key]


def convert(plan: Plan, unit_id: str, period: Period, key: str, raw: str) -> tuple[float | None, str | None]:
    """Check one typed value for one field of one unit; return (value, text) or raise UserError."""
    f = unit_field(plan, unit_id, key)
    unit = plan.unit(unit_id)
    plan.check_period(period)
    where = translate("entry", "{unit} {period}“{label}”").format(
        unit=unit.name, period=period, label=f.display_label
    )
    text = raw.strip() if isinstance(raw, str) else raw
    if f.kind == STATUS:
        if text == "":
            return None, None
        if text not in TASK_STATUSES:
            raise UserError(
                translate("entry", "{where}只能填：{choices}（填入的是“{text}”）。").format(
                    where=where, choices="、".join(TASK_STATUSES), text=text
                )
            )
        return None, str(text)
    if f.kind != NUMBER:
        return None, (clean_text(str(text), where) or None)
    try:
        parsed = parse_number(raw)
    except UserError as exc:
        raise UserError(f"{where}：{exc.message}") from None
    if parsed.value is None:
        return None, None
    if parsed.percent and f.unit != "%":
        raise UserError(
            translate("entry", "{where}以“{unit}”计，不能填百分数（填入的是“{raw}”）。").format(
                where=where, unit=f.unit, raw=raw
            )
        )
    value = in_field_unit(parsed, f.unit)
    if value is None:
        raise UserError(
            translate(
                "entry", "{where}的单位是“{unit}”，填入的“{raw}”单位不符。可以这样写：{forms}。"
            ).format(where=where, unit=f.unit, raw=raw, forms=accepted_forms(f.unit))
        )
    if abs(value) > MAX_MAGNITUDE:
        raise UserError(
            translate(
                "entry", "{where}的数值 {raw} 大得不合理（超过 10 的 15 次方）：请核对单位和小数点。"
            ).format(where=where, raw=str(raw).strip())
        )
    if f.minimum is not None and value < f.minimum:
        raise UserError(
            translate(
                "entry", "{where}不能为负数（填入的是 {raw}）：能耗、产值和用量只能是零或正数。"
            ).format(where=where, raw=str(raw).strip())
        )
    if f.maximum is not None and value > f.maximum:
        raise UserError(
            translate("entry", "{where}不能大于 {max:g}（填入的是 {raw}）。").format(
                where=where, max=f.maximum, raw=raw
            )
        )
    return value, None


def store_entries(
    store: Store, plan: Plan, entries: list[Entry], *, who: str, problems_prefix: list[str] | None = None
) -> Changes:
    """Check every entry, then store all of them in one transaction (or none, with every problem listed);
    returns the figures that changed, as now stored."""
    problems = list(problems_prefix or [])
    writes: dict[str, list[FigureWrite]] = {}
    for i, entry in enumerate(entries):
        try:
            value, text = convert(plan, entry.unit_id, entry.period, entry.field, entry.raw)
            note = (
                None
                if entry.note is None
                else clean_text(
                    entry.note,
                    translate("entry", "{period}“{field}”的说明").format(
                        period=entry.period, field=entry.field
                    ),
                )
            )
        except UserError as exc:
            problems.append(_located(entry, exc.message, i if len(entries) > 1 else None))
            continue
        writes.setdefault(entry.unit_id, []).append(
            FigureWrite(str(entry.period), entry.field, value, text, note)
        )
    if problems:
        if len(problems) == 1 and not any(e.line for e in entries):
            raise ValidationError(problems[0], problems)
        raise ValidationError(
            translate("entry", "有 {n} 处数据不符合要求，全部未保存：").format(n=len(problems)), problems
        )
    changed = []
    with store.transaction():
        for unit_id, unit_writes in writes.items():
            changed += store.figures.write_changes(
                plan.id,
                unit_id,
                unit_writes,
                who=who,
                coef_version=plan.coefficients,
                electricity_basis=plan.electricity_basis,
            )
    return Changes(figures=tuple(changed))


def _located(entry: Entry, message: str, index: int | None = None) -> str:
    """A problem with where it came from: the workbook cell, the CSV line, or its place in the call."""
    if entry.cell:
        return translate("entry", "单元格 {cell}：{msg}").format(cell=entry.cell, msg=message)
    if entry.line:
        return translate("entry", "第 {line} 行：{msg}").format(line=entry.line, msg=message)
    return message if index is None else f"[{index + 1}] {message}"


def _shown(value: float | None, text: str | None) -> str | None:
    return text if text is not None else (None if value is None else f"{value:,.10g}")


def preview_entries(
    store: Store, plan: Plan, entries: list[Entry], problems_prefix: list[str] | None = None
) -> EntryPreview:
    """Every change (old → new) and every refusal, with where each came from; nothing is stored."""
    problems = list(problems_prefix or [])
    stored = {
        (unit_id, f.period, f.field): _shown(f.value, f.text)
        for unit_id in {e.unit_id for e in entries}
        for f in store.figures.read(plan.id, unit_id)
    }
    changes: list[Change] = []
    unchanged = 0
    for entry in entries:
        try:
            value, text = convert(plan, entry.unit_id, entry.period, entry.field, entry.raw)
        except UserError as exc:
            problems.append(_located(entry, exc.message))
            continue
        old, new = stored.get((entry.unit_id, str(entry.period), entry.field)), _shown(value, text)
        if old == new:
            unchanged += 1
            continue
        lock = store.submissions.period_lock(plan.id, entry.unit_id, str(entry.period))
        if lock is not None:
            problems.append(
                _located(
                    entry,
                    translate("entry", "{period} 已报送（第 {v} 版），数据已锁定；如需修改请先更正。").format(
                        period=entry.period, v=lock.version
                    ),
                )
            )
            continue
        where = entry.cell or (
            translate("entry", "第 {line} 行").format(line=entry.line) if entry.line else ""
        )
        changes.append(Change(entry.unit_id, str(entry.period), entry.field, where, old, new))
    return EntryPreview(changes, problems, unchanged)


def parse_assignments(
    plan: Plan, unit_text: str, period_text: str, assignments: list[str], note: str | None = None
) -> list[Entry]:
    """KEY=VALUE arguments of `main.py enter`."""
    unit = plan.find_unit(unit_text)
    period = parse_period(period_text)
    if not assignments:
        raise UserError(translate("entry", "没有要保存的数据：请写成 字段=数值，例如 energy_tce=1234.5。"))
    entries = []
    for item in assignments:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise UserError(
                translate("entry", "“{item}”看不懂：请写成 字段=数值，例如 energy_tce=1234.5。").format(
                    item=item
                )
            )
        entries.append(Entry(unit.id, period, key.strip(), raw, note))
    return entries


MAX_CSV_BYTES = 8 * 2**20  # a year of every unit's figures is well under 1 MB
_CHUNK = 256 * 1024


def read_csv_entries(plan: Plan, path: str | Path) -> tuple[list[Entry], list[str]]:
    """Rows of a CSV (columns unit, period, field, value, note); problems carry the line number.

    The file is decoded and parsed as it is read (UTF-8, else GBK as Excel on Chinese Windows saves
    it), never held whole, and refused past `MAX_CSV_BYTES`."""
    path = Path(path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            with open_bounded(path, MAX_CSV_BYTES, translate("entry", "文件")) as stream:
                return _parse_csv(plan, path, _csv_lines(stream, encoding, path))
        except UnicodeDecodeError:
            continue
        except OSError as exc:
            raise UserError(
                translate("entry", "无法读取文件 {path}：{err}").format(
                    path=shown(path), err=exc.strerror or exc
                )
            ) from None
    raise _not_csv(path)


def _not_csv(path: Path) -> UserError:
    return UserError(
        translate("entry", "文件 {path} 不是文本格式的 CSV，请在 Excel 中另存为“CSV（逗号分隔）”。").format(
            path=shown(path)
        )
    )


def _csv_lines(stream: IO[bytes], encoding: str, path: Path) -> Iterator[str]:
    """The file's lines, decoded chunk by chunk; a NUL byte means it is no text file."""
    decoder = codecs.getincrementaldecoder(encoding)()
    rest, seen_text = "", False
    while True:
        chunk = stream.read(_CHUNK)
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            cut = not chunk and exc.reason in ("unexpected end of data", "incomplete multibyte sequence")
            if cut and encoding == "utf-8-sig" and not seen_text:
                raise
            if cut and encoding == "utf-8-sig":  # UTF-8 up to a character cut in two at the very end
                raise UserError(
                    translate(
                        "entry",
                        "文件 {path} 不完整（在末尾被截断），未导入任何数据。请重新保存或复制完整的文件后再导入。",
                    ).format(path=shown(path))
                ) from None
            raise
        if "\x00" in text:
            raise _not_csv(path)
        seen_text = seen_text or not text.isascii()
        *lines, rest = (rest + text).split("\n")  # csv wants lines ending in "\n" only
        yield from (line + "\n" for line in lines)
        if not chunk:
            if rest:
                yield rest
            return


def _parse_csv(plan: Plan, path: Path, lines: Iterator[str]) -> tuple[list[Entry], list[str]]:
    reader = csv.DictReader(lines, strict=True)
    try:
        return _csv_rows(plan, path, reader)
    except csv.Error:  # a quote left open (a file cut short), a cell of over 128 KB
        # the record that failed starts on the line after the last one read
        raise UserError(
            translate(
                "entry",
                "文件 {path} 从第 {line} 行起格式有误（引号不成对、文件不完整或单元格过长），未导入任何数据。请在 Excel 中打开检查，另存为“CSV（逗号分隔）”后再导入。",
            ).format(path=shown(path), line=reader.line_num + 1)
        ) from None


def _csv_rows(plan: Plan, path: Path, reader: csv.DictReader[str]) -> tuple[list[Entry], list[str]]:
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS[:4] if c not in header]
    if missing:
        raise UserError(
            translate(
                "entry", "文件 {path} 的表头缺少列：{cols}。表头应为 unit,period,field,value,note。"
            ).format(path=shown(path), cols="、".join(missing))
        )
    reader.fieldnames = header
    entries: list[Entry] = []
    problems: list[str] = []
    for row in reader:
        line = reader.line_num
        try:
            unit = plan.find_unit(row.get("unit") or "")
            period = parse_period(row.get("period") or "")
        except UserError as exc:
            problems.append(translate("entry", "第 {line} 行：{msg}").format(line=line, msg=exc.message))
            continue
        note = (row.get("note") or "").strip() or None
        entries.append(
            Entry(unit.id, period, (row.get("field") or "").strip(), row.get("value") or "", note, line)
        )
    if not entries and not problems:
        raise UserError(translate("entry", "文件 {path} 没有数据行。").format(path=shown(path)))
    return entries, problems


def store_csv(store: Store, plan: Plan, path: str | Path, *, who: str) -> Changes:
    """The whole file in one transaction, or nothing (every problem listed with its line)."""
    entries, problems = read_csv_entries(plan, path)
    return store_entries(store, plan, entries, who=who, problems_prefix=problems)


def field_history(store: Store, plan: Plan, unit_id: str, period: Period, key: str) -> list[AuditEntry]:
    """Every change of one value, oldest first (the window's 修改记录, `main.py audit`)."""
    unit_field(plan, unit_id, key)
    return store.audit.entries(plan.id, unit_id, str(period), key)
