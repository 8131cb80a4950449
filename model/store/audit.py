"""The append-only audit: who changed what, when, from which value to which.

Rows keep codes and values — an action code and the old and new values as JSON — never display text;
`render` turns a row into words when it is shown (the window's 修改记录, `main.py audit`). Rows written
before schema v6 hold text (`encoding = 'text'`) and are shown as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from model.common.i18n import translate
from model.store.connection import Database, has_table, now_iso
from model.store.names import Names
from model.store.schema import FIGURE_VALUES, JSON_ROW, TEXT_ROW, figure_values

JSON, TEXT = "json", "text"

# Action codes.
FIGURE_SET = "figure.set"
PLAN_LOAD, PLAN_TARGET, COEFFICIENTS_LOAD = "plan.load", "plan.target", "coefficients.load"
SUBMISSION_SUBMIT, SUBMISSION_REOPEN, PACKAGE_IMPORT = (
    "submission.submit",
    "submission.reopen",
    "package.import",
)
TRUST_ADD, TRUST_REVOKE, TRUST_REPLACE = "trust.add", "trust.revoke", "trust.replace"
EVIDENCE_ADD, EVIDENCE_REMOVE = "evidence.add", "evidence.remove"
BACKUP_RESTORE, PROFILE_SET = "backup.restore", "profile.set"
EMISSION_FACTORS_LOAD = "emission_factors.load"


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    who: str
    action: str
    plan_id: str | None
    unit_id: str | None
    period: str | None
    field: str | None
    old: str | None  # JSON of the old value (encoding 'json'), or text written before v6
    new: str | None
    encoding: str

    def value(self, which: str) -> Any:
        """The old or new value ('old'/'new'): decoded JSON, or the text of an old row."""
        raw = self.old if which == "old" else self.new
        if raw is None or self.encoding != JSON:
            return raw
        return json.loads(raw)


@dataclass(frozen=True)
class AuditLine:
    """One audit row in words."""

    at: str  # YYYY-MM-DD HH:MM:SS
    who: str
    action: str
    old: str
    new: str


class AuditRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(
        self,
        who: str,
        action: str,
        *,
        plan_id: str | None = None,
        unit_id: str | None = None,
        period: str | None = None,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
        at: str | None = None,
        stamp: int | None = None,
        names: Names | None = None,
    ) -> None:
        """A row for a change; call it inside the transaction that makes the change. `stamp`: the id of
        the write's stamp (when and who) when the caller made one already; `names`: the caller's ids of
        this transaction."""
        names = names or Names(self.db)
        row = _row(names, who, action, (plan_id, unit_id, period, field), old, new, at or now_iso(), stamp)
        self.db.execute(_INSERT, row)

    def record_many(self, rows: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        """Rows of (who, action, {plan_id, unit_id, period, field, old, new, at}) in one statement."""
        names = Names(self.db)
        stamps: dict[tuple[str, str], int] = {}

        def one(who: str, action: str, where: dict[str, Any]) -> tuple[Any, ...]:
            at = where.get("at") or now_iso()
            if (at, who) not in stamps:
                stamps[(at, who)] = names.audit_stamp(at, who)
            keys = tuple(where.get(k) for k in ("plan_id", "unit_id", "period", "field"))
            return _row(names, who, action, keys, where.get("old"), where.get("new"), at, stamps[(at, who)])

        self.db.executemany(_INSERT, (one(*row) for row in rows))

    def entries(
        self,
        plan_id: str | None = None,
        unit_id: str | None = None,
        period: str | None = None,
        field: str | None = None,
    ) -> list[AuditEntry]:
        clauses, params = [], []
        names = Names(self.db)
        for column, value in (("plan", plan_id), ("unit", unit_id), ("period", period), ("field", field)):
            if value is not None:
                clauses.append(f"a.{column} IS ?")
                params.append(names.find(value))
                if params[-1] is None:
                    return []
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return [_entry(row) for row in self.db.execute(f"{_SELECT} {where} ORDER BY a.id", params)]

    def last_change(self) -> str | None:
        """When the newest row was written."""
        if has_table(self.db, "audit_rows"):
            value = self.db.scalar("SELECT max(s.at) FROM audit_rows a JOIN stamps s ON s.id = a.stamp")
        else:  # a file of an older schema (a backup)
            value = self.db.scalar("SELECT max(at) FROM audit")
        return None if value is None else str(value)


_INSERT = (
    "INSERT INTO audit_rows (stamp, action, plan, unit, period, field, encoding, old_value, old_text, "
    "old_note, new_value, new_text, new_note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_SELECT = (
    "SELECT a.id, s.at, s.who, n.name, p.name, u.name, t.name, f.name, a.encoding, a.old_value, a.old_text, "
    "a.old_note, a.new_value, a.new_text, a.new_note FROM audit_rows a JOIN stamps s ON s.id = a.stamp "
    "JOIN names n ON n.id = a.action LEFT JOIN names p ON p.id = a.plan LEFT JOIN names u ON u.id = a.unit "
    "LEFT JOIN names t ON t.id = a.period LEFT JOIN names f ON f.id = a.field"
)


def _row(
    names: Names,
    who: str,
    action: str,
    keys: tuple[str | None, ...],
    old: Any,
    new: Any,
    at: str,
    stamp: int | None,
) -> tuple[Any, ...]:
    head = (
        names.audit_stamp(at, who) if stamp is None else stamp,
        names.id(action),
        *(names.id(k) for k in keys),
    )
    if action == FIGURE_SET:
        before, after = figure_values(old), figure_values(new)
        if before is not None and after is not None:
            return (*head, FIGURE_VALUES, *before, *after)
    return (*head, JSON_ROW, None, _encode(old), None, None, _encode(new), None)


def _encode(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _figure_json(value: float | None, text: str | None, note: str | None) -> str | None:
    return None if note is None else _encode({"note": note, "text": text, "value": value})


def _entry(row: tuple[Any, ...]) -> AuditEntry:
    head, encoding, (old_value, old_text, old_note, new_value, new_text, new_note) = row[:8], row[8], row[9:]
    if encoding == FIGURE_VALUES:
        old, new = _figure_json(old_value, old_text, old_note), _figure_json(new_value, new_text, new_note)
    else:
        old, new = old_text, new_text
    row_id, at, who, action, plan_id, unit_id, period, field = head
    encoded = TEXT if encoding == TEXT_ROW else JSON
    return AuditEntry(row_id, at, who, action, plan_id, unit_id, period, field, old, new, encoded)


# ---- in words -------------------------------------------------------------------------------------
def action_label(action: str) -> str:
    return {
        FIGURE_SET: translate("audit", "修改数值"),
        PLAN_LOAD: translate("audit", "载入计划"),
        PLAN_TARGET: translate("audit", "修改目标"),
        COEFFICIENTS_LOAD: translate("audit", "载入系数表"),
        EMISSION_FACTORS_LOAD: translate("audit", "载入排放因子表"),
        SUBMISSION_SUBMIT: translate("audit", "报送"),
        SUBMISSION_REOPEN: translate("audit", "更正（重新打开）"),
        PACKAGE_IMPORT: translate("audit", "导入报送包"),
        TRUST_ADD: translate("audit", "信任证书"),
        TRUST_REVOKE: translate("audit", "撤销信任"),
        TRUST_REPLACE: translate("audit", "替换证书（旧证书撤销）"),
        EVIDENCE_ADD: translate("audit", "添加证明材料"),
        EVIDENCE_REMOVE: translate("audit", "删除证明材料"),
        BACKUP_RESTORE: translate("audit", "恢复备份"),
        PROFILE_SET: translate("audit", "修改单位信息"),
    }.get(action, action)


def _number(value: Any) -> str:
    return f"{value:.15g}" if isinstance(value, float | int) and not isinstance(value, bool) else str(value)


def _figure(value: Mapping[str, Any]) -> str:
    shown = value.get("text")
    if shown is None:
        shown = "" if value.get("value") is None else _number(value["value"])
    note = value.get("note") or ""
    return f"{shown}（{translate('audit', '说明')}：{note}）" if note else str(shown)


def _version(value: Mapping[str, Any]) -> str:
    parts = [translate("audit", "第 {v} 版").format(v=value["version"])] if "version" in value else []
    if value.get("outcome"):
        parts.append(str(value["outcome"]))
    if value.get("reason"):
        parts.append(translate("audit", "原因：{reason}").format(reason=value["reason"]))
    if value.get("sha256"):
        parts.append(f"SHA-256 {str(value['sha256'])[:12]}")
    return "，".join(parts)


def _file(value: Mapping[str, Any]) -> str:
    digest = str(value.get("sha256") or "")[:12]
    return f"{value.get('file_name', '')}（{digest}）" if digest else str(value.get("file_name", ""))


def _words(action: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, Mapping):
        return _number(value)
    if action == FIGURE_SET:
        return _figure(value)
    if action in (SUBMISSION_SUBMIT, SUBMISSION_REOPEN, PACKAGE_IMPORT):
        return _version(value)
    if action in (EVIDENCE_ADD, EVIDENCE_REMOVE):
        return _file(value)
    return "，".join(_number(v) for v in value.values() if v not in (None, ""))


def render(entry: AuditEntry) -> AuditLine:
    """An audit row in the reader's words; a value cleared reads as such."""
    cleared = translate("audit", "（清除）") if entry.action == FIGURE_SET and entry.old is not None else ""
    old = entry.value("old")
    new = entry.value("new")
    if entry.encoding == JSON:
        old_words, new_words = _words(entry.action, old), _words(entry.action, new)
    else:
        old_words, new_words = old or "", new or ""
    return AuditLine(
        at=entry.at[:19].replace("T", " "),
        who=entry.who,
        action=action_label(entry.action),
        old=old_words,
        new=new_words or cleared,
    )
