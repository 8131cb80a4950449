"""The SQLite store: one file per installation, WAL, foreign keys, versioned schema, append-only audit.

All SQL lives here. Every change runs in one transaction; a failure leaves the file as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from model.coefficients import CoefficientSet, load_shipped_coefficients, parse_coefficients
from model.errors import UserError
from model.i18n import tr
from model.plan import Plan, load_shipped_plan, parse_plan


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


# ---- schema ------------------------------------------------------------------------------------

_V1 = """
CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE units (
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (plan_id, id)
);
CREATE TABLE fields (
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    annex INTEGER NOT NULL,
    label TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (plan_id, key)
);
CREATE TABLE figures (
    plan_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    period TEXT NOT NULL,
    field TEXT NOT NULL,
    value REAL,
    text TEXT,
    note TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (plan_id, unit_id, period, field),
    FOREIGN KEY (plan_id, unit_id) REFERENCES units(plan_id, id),
    FOREIGN KEY (plan_id, field) REFERENCES fields(plan_id, key)
);
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    period TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{}',
    UNIQUE (plan_id, unit_id, period, version),
    FOREIGN KEY (plan_id, unit_id) REFERENCES units(plan_id, id)
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    plan_id TEXT,
    unit_id TEXT,
    period TEXT,
    field TEXT,
    old TEXT,
    new TEXT
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
"""

# v2: coefficient tables as versioned data, and every figure records the table version and the
# electricity basis it was entered under (totals differ by more than 2× between bases).
_V2 = """
CREATE TABLE coefficient_sets (
    version TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);
ALTER TABLE figures ADD COLUMN coef_version TEXT;
ALTER TABLE figures ADD COLUMN electricity_basis TEXT;
UPDATE figures SET
    coef_version = (SELECT json_extract(p.source, '$.coefficients') FROM plans p WHERE p.id = figures.plan_id),
    electricity_basis = (SELECT json_extract(p.source, '$.electricity_basis') FROM plans p WHERE p.id = figures.plan_id);
CREATE INDEX figures_by_unit_period ON figures (plan_id, unit_id, period);
"""

MIGRATIONS: list[str] = [_V1, _V2]
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class Figure:
    unit_id: str
    period: str
    field: str
    value: float | None
    text: str | None
    note: str
    updated_at: str
    updated_by: str
    coef_version: str | None = None
    electricity_basis: str | None = None


@dataclass(frozen=True)
class FigureWrite:
    period: str
    field: str
    value: float | None
    text: str | None = None
    note: str | None = None  # None keeps the stored note


@dataclass(frozen=True)
class AuditEntry:
    at: str
    who: str
    action: str
    unit_id: str | None
    period: str | None
    field: str | None
    old: str | None
    new: str | None


def _show(value: float | None, text: str | None) -> str | None:
    if text is not None:
        return text
    return None if value is None else repr(value)


class Store:
    """One TanBao database file."""

    def __init__(self, path: str | Path, *, seed: bool = True, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise UserError(tr("store", "找不到数据库文件 {path}。").format(path=self.path))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except (sqlite3.DatabaseError, OSError) as exc:
            raise UserError(
                tr("store", "无法打开数据库 {path}：{err}。请确认文件是 TanBao 数据库且有读写权限。").format(
                    path=self.path, err=exc
                )
            ) from None
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._plans: dict[str, Plan] = {}
        self._coefficients: dict[str, CoefficientSet] = {}
        self.migrate()
        if seed and self.active_plan_id() is None:
            self.load_coefficients(load_shipped_coefficients(), who="system")
            self.load_plan(load_shipped_plan(), who="system")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error; nests as one outer transaction."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ---- schema ---------------------------------------------------------------------------------
    @property
    def user_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, upto: int = SCHEMA_VERSION) -> None:
        current = self.user_version
        if current > SCHEMA_VERSION:
            raise UserError(
                tr(
                    "store", "数据库 {path} 由更新版本的 TanBao 创建（结构版本 {v}），请升级程序后再打开。"
                ).format(path=self.path, v=current)
            )
        for version in range(current + 1, upto + 1):
            with self.transaction():
                for statement in _split_sql(MIGRATIONS[version - 1]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {version}")

    # ---- plans and coefficients ---------------------------------------------------------------
    def load_plan(self, plan: Plan, *, who: str, activate: bool = True) -> None:
        """Store a plan (replacing a stored plan of the same id) and make it the active one."""
        with self.transaction():
            exists = self.conn.execute("SELECT 1 FROM plans WHERE id = ?", (plan.id,)).fetchone()
            if exists:
                self.db.table("plans").update(
                    plan.id,
                    {"source": plan.source, "title": plan.title, "year": plan.year, "loaded_at": now_iso()},
                )
            else:
                self.db.table("plans").insert(
                    {
                        "id": plan.id,
                        "year": plan.year,
                        "title": plan.title,
                        "source": plan.source,
                        "loaded_at": now_iso(),
                        "active": 0,
                    }
                )
            self.db.table("units").upsert_all(
                [{"plan_id": plan.id, "id": u.id, "name": u.name, "kind": u.kind} for u in plan.units],
                pk=("plan_id", "id"),
            )
            self.db.table("fields").upsert_all(
                [
                    {
                        "plan_id": plan.id,
                        "key": f.key,
                        "annex": f.annex,
                        "label": f.label,
                        "unit": f.unit,
                        "kind": f.kind,
                    }
                    for f in plan.fields
                ],
                pk=("plan_id", "key"),
            )
            if activate:
                self.conn.execute("UPDATE plans SET active = (id = ?)", (plan.id,))
            self._audit(who, "plan.load", plan.id, None, None, None, None, plan.title)
        self._plans.pop(plan.id, None)

    def active_plan_id(self) -> str | None:
        row = self.conn.execute("SELECT id FROM plans WHERE active = 1").fetchone()
        return None if row is None else str(row[0])

    def plan(self, plan_id: str | None = None) -> Plan:
        plan_id = plan_id or self.active_plan_id()
        if plan_id is None:
            raise UserError(tr("store", "数据库中还没有计划，请先运行 main.py init。"))
        if plan_id not in self._plans:
            row = self.conn.execute("SELECT source FROM plans WHERE id = ?", (plan_id,)).fetchone()
            if row is None:
                raise UserError(tr("store", "数据库中没有计划“{id}”。").format(id=plan_id))
            self._plans[plan_id] = parse_plan(row[0], f"{self.path}#{plan_id}")
        return self._plans[plan_id]

    def plans(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT id, year, title, loaded_at, active FROM plans ORDER BY year, id"))

    def load_coefficients(self, coefficients: CoefficientSet, *, who: str) -> None:
        with self.transaction():
            self.db.table("coefficient_sets").upsert(
                {"version": coefficients.version, "source": coefficients.source, "loaded_at": now_iso()},
                pk="version",
            )
            self._audit(who, "coefficients.load", None, None, None, None, None, coefficients.version)
        self._coefficients.pop(coefficients.version, None)

    def coefficients(self, version: str) -> CoefficientSet:
        if version not in self._coefficients:
            row = self.conn.execute(
                "SELECT source FROM coefficient_sets WHERE version = ?", (version,)
            ).fetchone()
            if row is None:
                raise UserError(
                    tr("store", "数据库中没有系数表“{version}”，请用 main.py init 重新载入。").format(
                        version=version
                    )
                )
            self._coefficients[version] = parse_coefficients(row[0], f"{self.path}#{version}")
        return self._coefficients[version]

    # ---- figures -------------------------------------------------------------------------------
    def figures(self, plan_id: str, unit_id: str, periods: Iterable[str] | None = None) -> list[Figure]:
        sql = (
            "SELECT unit_id, period, field, value, text, note, updated_at, updated_by, coef_version, "
            "electricity_basis FROM figures WHERE plan_id = ? AND unit_id = ?"
        )
        params: list[Any] = [plan_id, unit_id]
        if periods is not None:
            wanted = list(periods)
            sql += f" AND period IN ({', '.join('?' * len(wanted))})"
            params += wanted
        return [Figure(*row) for row in self.conn.execute(sql + " ORDER BY period, field", params)]

    def write_figures(
        self,
        plan_id: str,
        unit_id: str,
        writes: Iterable[FigureWrite],
        *,
        who: str,
        coef_version: str,
        electricity_basis: str,
        before_commit: Callable[[], None] | None = None,
    ) -> int:
        """Upsert figures in one transaction with an audit row each; returns how many changed.

        A write whose value, text and note equal what is stored changes nothing and is not audited.
        A write with neither value nor text deletes the figure.
        """
        changed = 0
        at = now_iso()
        with self.transaction():
            for w in writes:
                old = self.conn.execute(
                    "SELECT value, text, note FROM figures WHERE plan_id=? AND unit_id=? AND period=? AND field=?",
                    (plan_id, unit_id, w.period, w.field),
                ).fetchone()
                note = w.note if w.note is not None else (old[2] if old else "")
                if old is not None and (old[0], old[1], old[2]) == (w.value, w.text, note):
                    continue
                if w.value is None and w.text is None:
                    if old is None:
                        continue
                    self.conn.execute(
                        "DELETE FROM figures WHERE plan_id=? AND unit_id=? AND period=? AND field=?",
                        (plan_id, unit_id, w.period, w.field),
                    )
                else:
                    self.conn.execute(
                        "INSERT INTO figures (plan_id, unit_id, period, field, value, text, note, updated_at, "
                        "updated_by, coef_version, electricity_basis) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                        "ON CONFLICT (plan_id, unit_id, period, field) DO UPDATE SET value=excluded.value, "
                        "text=excluded.text, note=excluded.note, updated_at=excluded.updated_at, "
                        "updated_by=excluded.updated_by, coef_version=excluded.coef_version, "
                        "electricity_basis=excluded.electricity_basis",
                        (
                            plan_id,
                            unit_id,
                            w.period,
                            w.field,
                            w.value,
                            w.text,
                            note,
                            at,
                            who,
                            coef_version,
                            electricity_basis,
                        ),
                    )
                old_shown = None if old is None else _show(old[0], old[1])
                new_shown = _show(w.value, w.text)
                if old is not None and old[2] != note:
                    new_shown = f"{new_shown} ({tr('store', '说明')}: {note})"
                self._audit(who, "figure.set", plan_id, unit_id, w.period, w.field, old_shown, new_shown, at)
                changed += 1
            if before_commit is not None:
                before_commit()
        return changed

    # ---- audit ---------------------------------------------------------------------------------
    def _audit(
        self,
        who: str,
        action: str,
        plan_id: str | None,
        unit_id: str | None,
        period: str | None,
        field: str | None,
        old: str | None,
        new: str | None,
        at: str | None = None,
    ) -> None:
        self.conn.execute(
            "INSERT INTO audit (at, who, action, plan_id, unit_id, period, field, old, new) VALUES (?,?,?,?,?,?,?,?,?)",
            (at or now_iso(), who, action, plan_id, unit_id, period, field, old, new),
        )

    def audit(
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
        rows = self.conn.execute(
            f"SELECT at, who, action, unit_id, period, field, old, new FROM audit {where} ORDER BY id", params
        )
        return [AuditEntry(*row) for row in rows]


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (triggers contain ';' inside BEGIN … END)."""
    statements, buffer = [], ""
    for line in script.strip().splitlines():
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
