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
from model.store.connection import Database, columns_of, now_iso

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
    ) -> None:
        """A row for a change; call it inside the transaction that makes the change."""
        self.db.execute(_INSERT, _row(who, action, plan_id, unit_id, period, field, old, new, at))

    def record_many(self, rows: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        """Rows of (who, action, {plan_id, unit_id, period, field, old, new, at}) in one statement."""
        self.db.executemany(
            _INSERT,
            (
                _row(
                    who,
                    action,
                    *(where.get(k) for k in ("plan_id", "unit_id", "period", "field", "old", "new", "at")),
                )
                for who, action, where in rows
            ),
        )

    def entries(
        self,
        plan_id: str | None = None,
        unit_id: str | None = None,
        period: str | None = None,
        field: str | None = None,
    ) -> list[AuditEntry]:
        clauses, params = [], []
        for column, value in (
            ("plan_id", plan_id),
            ("unit_id", unit_id),
            ("period", period),
            ("field", field),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return self.db.all(
            AuditEntry, f"SELECT {columns_of(AuditEntry)} FROM audit {where} ORDER BY id", params
        )

    def last_change(self) -> str | None:
        """When the newest row was written."""
        value = self.db.scalar("SELECT max(at) FROM audit")
        return None if value is None else str(value)


_INSERT = (
    "INSERT INTO audit (at, who, action, plan_id, unit_id, period, field, old, new, encoding) "
    "VALUES (?,?,?,?,?,?,?,?,?,?)"
)


def _row(
    who: str,
    action: str,
    plan_id: str | None,
    unit_id: str | None,
    period: str | None,
    field: str | None,
    old: Any,
    new: Any,
    at: str | None,
) -> tuple[Any, ...]:
    return (at or now_iso(), who, action, plan_id, unit_id, period, field, _encode(old), _encode(new), JSON)


def _encode(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


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
