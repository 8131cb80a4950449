"""The SQLite store: one file per installation, WAL, foreign keys, versioned schema, append-only audit.

All SQL lives here. Every change runs in one transaction; a failure leaves the file as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from model.common.errors import UserError
from model.common.failures import OPEN, SAVE, environment_error
from model.common.i18n import translate
from model.common.periods import Period
from model.plan.coefficients import CoefficientSet, load_shipped_coefficients, parse_coefficients
from model.plan.spec import Plan, load_shipped_plan, parse_plan
from model.store.lock import LockInfo, WriterLock
from model.store.received import refuse_if_received


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

# v3: submissions that go upward. The unit side keeps every version of a period (the v1 table, now with
# the signed package's bytes); the district side keeps every package it accepted (`received`) and the unit
# certificates it trusts. Packages live inside the database, not beside it: one file to back up and move,
# written in the same transaction as the version row, so a version never points at a missing file.
_V3 = """
ALTER TABLE submissions ADD COLUMN submitted_at TEXT;
ALTER TABLE submissions ADD COLUMN submitted_by TEXT;
ALTER TABLE submissions ADD COLUMN package_name TEXT;
ALTER TABLE submissions ADD COLUMN pdf BLOB;
ALTER TABLE submissions ADD COLUMN pdf_sha256 TEXT;
ALTER TABLE submissions ADD COLUMN xlsx BLOB;
CREATE INDEX submissions_by_period ON submissions (plan_id, unit_id, period, version);
CREATE TRIGGER submissions_frozen BEFORE UPDATE OF plan_id, unit_id, period, version, data, pdf, xlsx, submitted_at
ON submissions WHEN OLD.status IN ('submitted', 'superseded')
BEGIN SELECT RAISE(ABORT, 'a submitted version is frozen'); END;
CREATE TRIGGER submissions_kept BEFORE DELETE ON submissions WHEN OLD.status IN ('submitted', 'superseded')
BEGIN SELECT RAISE(ABORT, 'a submitted version is kept'); END;
CREATE TRIGGER figures_locked_insert BEFORE INSERT ON figures
WHEN (SELECT status FROM submissions s WHERE s.plan_id = NEW.plan_id AND s.unit_id = NEW.unit_id
      AND s.period = NEW.period ORDER BY s.version DESC LIMIT 1) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'period locked by a submitted version'); END;
CREATE TRIGGER figures_locked_update BEFORE UPDATE ON figures
WHEN (SELECT status FROM submissions s WHERE s.plan_id = OLD.plan_id AND s.unit_id = OLD.unit_id
      AND s.period = OLD.period ORDER BY s.version DESC LIMIT 1) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'period locked by a submitted version'); END;
CREATE TRIGGER figures_locked_delete BEFORE DELETE ON figures
WHEN (SELECT status FROM submissions s WHERE s.plan_id = OLD.plan_id AND s.unit_id = OLD.unit_id
      AND s.period = OLD.period ORDER BY s.version DESC LIMIT 1) = 'submitted'
BEGIN SELECT RAISE(ABORT, 'period locked by a submitted version'); END;
CREATE TABLE received (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    period TEXT NOT NULL,
    version INTEGER NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    outcome TEXT NOT NULL,
    in_use INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    signed_at TEXT,
    signer TEXT NOT NULL DEFAULT '',
    signer_fingerprint TEXT NOT NULL,
    file_name TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    data TEXT NOT NULL,
    pdf BLOB NOT NULL,
    UNIQUE (plan_id, unit_id, period, version),
    FOREIGN KEY (plan_id, unit_id) REFERENCES units(plan_id, id)
);
CREATE UNIQUE INDEX received_in_use ON received (plan_id, unit_id, period) WHERE in_use = 1;
CREATE INDEX received_by_period ON received (plan_id, period);
CREATE TRIGGER received_kept BEFORE DELETE ON received
BEGIN SELECT RAISE(ABORT, 'a received package is kept'); END;
CREATE TABLE trusted_certs (
    fingerprint TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    unit_id TEXT,
    pem TEXT NOT NULL,
    not_after TEXT,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
);
"""

# v4: evidence files a unit attaches to an annex-4 task (or annex-1 row), kept inside the database so they
# are backed up, moved and restored with the figures they support.
_V4 = """
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    period TEXT NOT NULL,
    row_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL,
    FOREIGN KEY (plan_id, unit_id) REFERENCES units(plan_id, id)
);
CREATE INDEX evidence_by_row ON evidence (plan_id, unit_id, row_id);
"""

# v5: a submitted report is year to date, so submitting period P locks every month 1..P, not month P
# alone. `locked_through` holds, per unit and year, the latest period submitted while its newest version
# is submitted (a correction being made reopens all its months). The triggers and the store's own
# refusal read the same view.
_V5_LOCKS = """
CREATE VIEW locked_through AS
SELECT s.plan_id, s.unit_id, substr(s.period, 1, 4) AS year, s.period, s.version
FROM submissions s
WHERE s.status = 'submitted' AND NOT EXISTS (
    SELECT 1 FROM submissions t WHERE t.plan_id = s.plan_id AND t.unit_id = s.unit_id
    AND substr(t.period, 1, 4) = substr(s.period, 1, 4)
    AND (t.period > s.period OR (t.period = s.period AND t.version > s.version)));
DROP TRIGGER figures_locked_insert;
DROP TRIGGER figures_locked_update;
DROP TRIGGER figures_locked_delete;
CREATE TRIGGER figures_locked_insert BEFORE INSERT ON figures
WHEN EXISTS (SELECT 1 FROM locked_through l WHERE l.plan_id = NEW.plan_id AND l.unit_id = NEW.unit_id
             AND l.year = substr(NEW.period, 1, 4) AND NEW.period <= l.period)
BEGIN SELECT RAISE(ABORT, 'month locked by a submitted report that covers it'); END;
CREATE TRIGGER figures_locked_update BEFORE UPDATE ON figures
WHEN EXISTS (SELECT 1 FROM locked_through l WHERE l.plan_id = OLD.plan_id AND l.unit_id = OLD.unit_id
             AND l.year = substr(OLD.period, 1, 4) AND OLD.period <= l.period)
  OR EXISTS (SELECT 1 FROM locked_through l WHERE l.plan_id = NEW.plan_id AND l.unit_id = NEW.unit_id
             AND l.year = substr(NEW.period, 1, 4) AND NEW.period <= l.period)
BEGIN SELECT RAISE(ABORT, 'month locked by a submitted report that covers it'); END;
CREATE TRIGGER figures_locked_delete BEFORE DELETE ON figures
WHEN EXISTS (SELECT 1 FROM locked_through l WHERE l.plan_id = OLD.plan_id AND l.unit_id = OLD.unit_id
             AND l.year = substr(OLD.period, 1, 4) AND OLD.period <= l.period)
BEGIN SELECT RAISE(ABORT, 'month locked by a submitted report that covers it'); END;
"""


# v7 (district): what the district received stays in the received tables, apart from figures typed here.
# Per package, the year-to-date key sums of annex 2 (NULL where the package has none), so the district
# view is a few set-based queries; existing packages are filled in from the progress each one carries.
# A figure of a unit and month that a received package covers cannot be typed over at the district.
_V7_DISTRICT = """
CREATE TABLE received_sums (
    received_id INTEGER PRIMARY KEY REFERENCES received(id),
    energy_tce REAL,
    energy_tce_last_year REAL,
    output_wan_yuan REAL,
    output_wan_yuan_last_year REAL
);
INSERT INTO received_sums (received_id, energy_tce, energy_tce_last_year, output_wan_yuan,
    output_wan_yuan_last_year)
SELECT id, json_extract(data, '$.progress.annex2.ytd_energy_tce'),
    json_extract(data, '$.progress.annex2.ytd_energy_tce_last_year'),
    json_extract(data, '$.progress.annex2.ytd_output_wan_yuan'),
    json_extract(data, '$.progress.annex2.ytd_output_wan_yuan_last_year')
FROM received;
CREATE INDEX received_by_unit ON received (plan_id, unit_id, period);
CREATE TRIGGER figures_received_insert BEFORE INSERT ON figures
WHEN EXISTS (SELECT 1 FROM received r WHERE r.plan_id = NEW.plan_id AND r.unit_id = NEW.unit_id
             AND r.period >= NEW.period AND substr(r.period, 1, 4) = substr(NEW.period, 1, 4))
BEGIN SELECT RAISE(ABORT, 'figure received in a package'); END;
CREATE TRIGGER figures_received_update BEFORE UPDATE ON figures
WHEN EXISTS (SELECT 1 FROM received r WHERE r.plan_id = OLD.plan_id AND r.unit_id = OLD.unit_id
             AND r.period >= OLD.period AND substr(r.period, 1, 4) = substr(OLD.period, 1, 4))
BEGIN SELECT RAISE(ABORT, 'figure received in a package'); END;
"""

MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5_LOCKS, _V7_DISTRICT]
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
class Evidence:
    id: int
    period: str
    row_id: str
    file_name: str
    size: int
    sha256: str
    added_at: str
    added_by: str


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


# Status of a version on the unit's side: the open correction, the version in force, an earlier one.
CORRECTING, SUBMITTED, SUPERSEDED = "correcting", "submitted", "superseded"

_SUBMISSION_COLUMNS = (
    "id, plan_id, unit_id, period, version, status, created_at, created_by, reason, submitted_at, "
    "submitted_by, package_name, pdf_sha256, data"
)


@dataclass(frozen=True)
class Submission:
    """One version of a unit's period. `data` is the frozen report data (JSON) once submitted."""

    id: int
    plan_id: str
    unit_id: str
    period: str
    version: int
    status: str
    created_at: str  # when this version was opened (for version 1: when it was submitted)
    created_by: str
    reason: str  # why the period was reopened; empty for version 1
    submitted_at: str | None
    submitted_by: str | None
    package_name: str | None
    pdf_sha256: str | None
    data: str


# Outcome of a kept package on the district's side.
ACCEPTED, NEWER, OLDER = "accepted", "newer", "older"

_RECEIVED_COLUMNS = (
    "id, plan_id, unit_id, period, version, sha256, outcome, in_use, created_at, created_by, signed_at, "
    "signer, signer_fingerprint, file_name, imported_at, imported_by, data"
)


@dataclass(frozen=True)
class ReceivedPackage:
    id: int
    plan_id: str
    unit_id: str
    period: str
    version: int
    sha256: str  # of the whole file
    outcome: str
    in_use: bool  # its figures are the district's figures for the unit and period
    created_at: str  # when the unit froze the version (from the signed data)
    created_by: str
    signed_at: str | None
    signer: str
    signer_fingerprint: str
    file_name: str
    imported_at: str
    imported_by: str
    data: str  # the embedded report data (JSON)


_TRUST_COLUMNS = "fingerprint, subject, unit_id, pem, not_after, added_at, added_by, revoked_at, revoked_by"


@dataclass(frozen=True)
class TrustedCert:
    fingerprint: str  # SHA-256 of the certificate (DER)
    subject: str
    unit_id: str | None
    pem: str
    not_after: str | None
    added_at: str
    added_by: str
    revoked_at: str | None
    revoked_by: str | None


def _show(value: float | None, text: str | None) -> str | None:
    if text is not None:
        return text
    return None if value is None else repr(value)


def _refuse_an_empty_file(path: Path) -> None:
    """A 0-byte file where the database should be is damage (a full disk, a copy cut short), never a
    new database: SQLite would silently start an empty one over it."""
    try:
        empty = path.stat().st_size == 0
    except OSError:
        return  # missing: a new database is made; unreadable: opening says why
    if empty:
        from model.store.recovery import DamagedDatabase, check_database

        raise DamagedDatabase(check_database(path))


class Store:
    """One TanBao database file."""

    def __init__(
        self,
        path: str | Path,
        *,
        seed: bool = True,
        create: bool = True,
        exclusive: bool = False,
        lock: WriterLock | None = None,
    ) -> None:
        """`exclusive` (or an already taken `lock`): this program writes; another copy is refused with
        `DatabaseInUse`, and after an unclean shutdown a damaged file raises `DamagedDatabase`."""
        self.path = Path(path)
        if not create and not self.path.exists():
            raise UserError(translate("store", "找不到数据库文件 {path}。").format(path=self.path))
        _refuse_an_empty_file(self.path)
        self.lock: WriterLock | None = None
        self.unclean_previous: LockInfo | None = None  # the writer before us did not exit cleanly
        if exclusive or lock is not None:
            from model.store.recovery import take_writer_lock

            self.lock, check = take_writer_lock(self.path, lock)
            self.unclean_previous = check.previous
        try:
            self._open(seed)
        except BaseException:
            if hasattr(self, "conn"):
                self.conn.close()
            if self.lock is not None:
                self.lock.release()
            raise

    def _open(self, seed: bool) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")  # a commit is on disk before it is acknowledged
        except (sqlite3.DatabaseError, OSError) as exc:
            not_a_database = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF == 26  # SQLITE_NOTADB
            known = None if not_a_database else environment_error(exc, self.path, OPEN)
            if known is not None:  # a full disk, a read-only folder: say so
                raise known from None
            raise UserError(
                translate(
                    "store", "无法打开数据库 {path}：{err}。请确认文件是 TanBao 数据库且有读写权限。"
                ).format(path=self.path, err=exc)
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
        if self.lock is not None:
            self.lock.release()  # clears the "program running" marker: a clean exit

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
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:  # SQLite may have rolled back already (disk full, I/O error)
                    with contextlib.suppress(sqlite3.Error):
                        self.conn.execute("ROLLBACK")
                raise
        except (sqlite3.Error, OSError) as exc:  # disk full, locked, read-only: tell the clerk plainly
            known = environment_error(exc, self.path, SAVE)
            if known is None:
                raise
            raise known from exc

    # ---- schema ---------------------------------------------------------------------------------
    @property
    def user_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, upto: int = SCHEMA_VERSION) -> None:
        current = self.user_version
        if current > SCHEMA_VERSION:
            raise UserError(
                translate(
                    "store", "数据库 {path} 由更新版本的 TanBao 创建（结构版本 {v}），请升级程序后再打开。"
                ).format(path=self.path, v=current)
            )
        if 0 < current < upto:  # an existing file about to change shape: keep a copy first
            from model.store.backup import MIGRATION, backup_now

            backup_now(self, MIGRATION)
        for version in range(current + 1, upto + 1):
            with self.transaction():
                if self.user_version >= version:  # another copy of the program upgraded it meanwhile
                    continue
                for statement in _split_sql(MIGRATIONS[version - 1]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {version}")
                if version == 1:  # a new file: its first audit row names this installation for good
                    self._audit("system", "store.create", None, None, None, None, None, uuid.uuid4().hex)

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
            raise UserError(translate("store", "数据库中还没有计划，请先运行 main.py init。"))
        if plan_id not in self._plans:
            row = self.conn.execute("SELECT source FROM plans WHERE id = ?", (plan_id,)).fetchone()
            if row is None:
                raise UserError(translate("store", "数据库中没有计划“{id}”。").format(id=plan_id))
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
                    translate("store", "数据库中没有系数表“{version}”，请用 main.py init 重新载入。").format(
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
                if w.value is None and w.text is None and old is None:
                    continue
                self._refuse_if_locked(plan_id, unit_id, w.period)
                refuse_if_received(self.db, plan_id, unit_id, w.period)
                if w.value is None and w.text is None:
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
                    new_shown = f"{new_shown} ({translate('store', '说明')}: {note})"
                self._audit(who, "figure.set", plan_id, unit_id, w.period, w.field, old_shown, new_shown, at)
                changed += 1
            if before_commit is not None:
                before_commit()
        return changed

    def _refuse_if_locked(self, plan_id: str, unit_id: str, period: str) -> None:
        lock = self.period_lock(plan_id, unit_id, period)
        if lock is None:
            return
        name = self.conn.execute(
            "SELECT name FROM units WHERE plan_id = ? AND id = ?", (plan_id, unit_id)
        ).fetchone()
        covered = Period(int(lock.period[:4]), int(lock.period[5:7])).label()
        raise UserError(
            translate(
                "store",
                "{unit} {period} 的数据已包含在 {at} 报送的 {covered} 报表（第 {v} 版）中，已锁定，不能修改。"
                "如需更正，请在窗口中选择报告期 {covered}，点 报表 → 更正；"
                "或运行 main.py correct --unit {uid} --period {lock_period} --reason 原因（将生成第 {next} 版）。",
            ).format(
                unit=name[0] if name else unit_id,
                period=period,
                covered=covered,
                at=(lock.submitted_at or lock.created_at)[:16].replace("T", " "),
                v=lock.version,
                uid=unit_id,
                lock_period=lock.period,
                next=lock.version + 1,
            )
        )

    # ---- submissions (the unit's side) --------------------------------------------------------
    def submissions(
        self, plan_id: str, unit_id: str | None = None, period: str | None = None
    ) -> list[Submission]:
        """Every version, oldest first (by unit, period, version)."""
        return [
            Submission(*row)
            for row in self._versions(_SUBMISSION_COLUMNS, "submissions", plan_id, unit_id, period)
        ]

    def latest_submission(self, plan_id: str, unit_id: str, period: str) -> Submission | None:
        row = self.conn.execute(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE plan_id = ? AND unit_id = ? AND period = ? "
            "ORDER BY version DESC LIMIT 1",
            (plan_id, unit_id, period),
        ).fetchone()
        return None if row is None else Submission(*row)

    def latest_of_year(self, plan_id: str, unit_id: str, year: int) -> Submission | None:
        """The newest version of the unit's latest submitted (or reopened) period of the year."""
        row = self.conn.execute(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE plan_id = ? AND unit_id = ? "
            "AND substr(period, 1, 4) = ? ORDER BY period DESC, version DESC LIMIT 1",
            (plan_id, unit_id, f"{year:04d}"),
        ).fetchone()
        return None if row is None else Submission(*row)

    def period_lock(self, plan_id: str, unit_id: str, period: str) -> Submission | None:
        """The submitted version whose year-to-date report covers this month, or None when its figures may
        be changed. Months 1..P are locked while P, the latest period submitted, is not being corrected."""
        row = self.conn.execute(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE (plan_id, unit_id, period, version) IN "
            "(SELECT plan_id, unit_id, period, version FROM locked_through "
            "WHERE plan_id = ? AND unit_id = ? AND year = ? AND period >= ?)",
            (plan_id, unit_id, period[:4], period),
        ).fetchone()
        return None if row is None else Submission(*row)

    def open_correction(
        self, plan_id: str, unit_id: str, period: str, version: int, reason: str, *, who: str
    ) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO submissions (plan_id, unit_id, period, version, status, created_at, created_by, "
                "reason) VALUES (?,?,?,?,?,?,?,?)",
                (plan_id, unit_id, period, version, CORRECTING, now_iso(), who, reason),
            )
            self._audit(who, "submission.reopen", plan_id, unit_id, period, None, str(version - 1), reason)

    def record_submission(
        self,
        plan_id: str,
        unit_id: str,
        period: str,
        version: int,
        *,
        who: str,
        at: str,
        data: str,
        package_name: str,
        pdf: bytes,
        xlsx: bytes,
    ) -> None:
        """Freeze a version: a correction opened for it becomes submitted; earlier versions superseded."""
        sha = hashlib.sha256(pdf).hexdigest()
        with self.transaction():
            opened = self.conn.execute(
                "SELECT id FROM submissions WHERE plan_id=? AND unit_id=? AND period=? AND version=? AND status=?",
                (plan_id, unit_id, period, version, CORRECTING),
            ).fetchone()
            values = (SUBMITTED, at, who, data, package_name, pdf, sha, xlsx)
            if opened:
                self.conn.execute(
                    "UPDATE submissions SET status=?, submitted_at=?, submitted_by=?, data=?, package_name=?, "
                    "pdf=?, pdf_sha256=?, xlsx=? WHERE id=?",
                    (*values, opened[0]),
                )
            else:
                self.conn.execute(
                    "INSERT INTO submissions (plan_id, unit_id, period, version, created_at, created_by, status, "
                    "submitted_at, submitted_by, data, package_name, pdf, pdf_sha256, xlsx) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (plan_id, unit_id, period, version, at, who, *values),
                )
            self.conn.execute(
                "UPDATE submissions SET status=? WHERE plan_id=? AND unit_id=? AND period=? AND version<? "
                "AND status=?",
                (SUPERSEDED, plan_id, unit_id, period, version, SUBMITTED),
            )
            self._audit(
                who, "submission.submit", plan_id, unit_id, period, None, None, f"v{version} {sha}", at
            )

    def submission_package(self, submission_id: int) -> tuple[bytes, bytes]:
        """The signed PDF and the workbook of a submitted version."""
        row = self.conn.execute("SELECT pdf, xlsx FROM submissions WHERE id = ?", (submission_id,)).fetchone()
        if row is None or row[0] is None:
            raise UserError(translate("store", "这一版还没有报送，没有报送文件。"))
        return bytes(row[0]), bytes(row[1] or b"")

    # ---- received packages (the district's side) ----------------------------------------------
    def received(
        self, plan_id: str, unit_id: str | None = None, period: str | None = None
    ) -> list[ReceivedPackage]:
        rows = self._versions(_RECEIVED_COLUMNS, "received", plan_id, unit_id, period)
        return [ReceivedPackage(*row) for row in rows]

    def _versions(
        self, columns: str, table: str, plan_id: str, unit_id: str | None, period: str | None
    ) -> list[tuple[Any, ...]]:
        """Rows of a versioned table (submissions, received) of a plan, optionally of a unit and a period."""
        sql = f"SELECT {columns} FROM {table} WHERE plan_id = ?"
        params: list[Any] = [plan_id]
        for column, value in (("unit_id", unit_id), ("period", period)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        return list(self.conn.execute(sql + " ORDER BY unit_id, period, version", params))

    def received_by_sha256(self, sha256: str) -> ReceivedPackage | None:
        row = self.conn.execute(
            f"SELECT {_RECEIVED_COLUMNS} FROM received WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return None if row is None else ReceivedPackage(*row)

    def add_received(self, package: ReceivedPackage, pdf: bytes, *, who: str) -> int:
        """Keep a package; when it is to be used, the one used before for its unit and period is not."""
        with self.transaction():
            if package.in_use:
                self.conn.execute(
                    "UPDATE received SET in_use = 0 WHERE plan_id=? AND unit_id=? AND period=? AND in_use=1",
                    (package.plan_id, package.unit_id, package.period),
                )
            cursor = self.conn.execute(
                f"INSERT INTO received ({_RECEIVED_COLUMNS.replace('id, ', '', 1)}, pdf) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (*astuple(package)[1:], pdf),
            )
            self._audit(
                who,
                "package.import",
                package.plan_id,
                package.unit_id,
                package.period,
                None,
                None,
                f"v{package.version} {package.outcome} {package.sha256}",
                package.imported_at,
            )
        return int(cursor.lastrowid or 0)

    def received_pdf(self, received_id: int) -> bytes:
        row = self.conn.execute("SELECT pdf FROM received WHERE id = ?", (received_id,)).fetchone()
        if row is None:
            raise UserError(translate("store", "没有这份报送文件。"))
        return bytes(row[0])

    # ---- trusted certificates -----------------------------------------------------------------
    def trusted_certs(self, *, include_revoked: bool = False) -> list[TrustedCert]:
        where = "" if include_revoked else "WHERE revoked_at IS NULL"
        rows = self.conn.execute(
            f"SELECT {_TRUST_COLUMNS} FROM trusted_certs {where} ORDER BY added_at, subject"
        )
        return [TrustedCert(*row) for row in rows]

    def trusted_cert(self, fingerprint: str) -> TrustedCert | None:
        row = self.conn.execute(
            f"SELECT {_TRUST_COLUMNS} FROM trusted_certs WHERE fingerprint = ?", (fingerprint,)
        ).fetchone()
        return None if row is None else TrustedCert(*row)

    def add_trusted_cert(
        self,
        fingerprint: str,
        subject: str,
        pem: str,
        unit_id: str | None,
        not_after: str | None,
        *,
        who: str,
    ) -> None:
        """Trust a certificate (again, if it was revoked)."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO trusted_certs (fingerprint, subject, unit_id, pem, not_after, added_at, added_by) "
                "VALUES (?,?,?,?,?,?,?) ON CONFLICT (fingerprint) DO UPDATE SET subject=excluded.subject, "
                "unit_id=excluded.unit_id, pem=excluded.pem, not_after=excluded.not_after, "
                "added_at=excluded.added_at, added_by=excluded.added_by, revoked_at=NULL, revoked_by=NULL",
                (fingerprint, subject, unit_id, pem, not_after, now_iso(), who),
            )
            self._audit(who, "trust.add", None, unit_id, None, None, None, f"{fingerprint} {subject}")

    def revoke_trusted_cert(self, fingerprint: str, *, who: str) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE trusted_certs SET revoked_at=?, revoked_by=? WHERE fingerprint=? AND revoked_at IS NULL",
                (now_iso(), who, fingerprint),
            )
            self._audit(who, "trust.revoke", None, None, None, None, fingerprint, None)

    # ---- audit ---------------------------------------------------------------------------------
    def note_change(
        self, who: str, action: str, plan_id: str | None, field: str | None, old: str | None, new: str | None
    ) -> None:
        """An audit row for a change made through another store method (e.g. one target of a plan)."""
        with self.transaction():
            self._audit(who, action, plan_id, None, None, field, old, new)

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

    # ---- evidence files ------------------------------------------------------------------------
    def add_evidence(
        self,
        plan_id: str,
        unit_id: str,
        period: str,
        row_id: str,
        file_name: str,
        content: bytes,
        *,
        who: str,
    ) -> int:
        with self.transaction():
            self._refuse_if_locked(plan_id, unit_id, period)
            digest = hashlib.sha256(content).hexdigest()
            cursor = self.conn.execute(
                "INSERT INTO evidence (plan_id, unit_id, period, row_id, file_name, size, sha256, content, added_at, "
                "added_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (plan_id, unit_id, period, row_id, file_name, len(content), digest, content, now_iso(), who),
            )
            self._audit(
                who, "evidence.add", plan_id, unit_id, period, row_id, None, f"{file_name} ({digest[:12]})"
            )
        return int(cursor.lastrowid or 0)

    def evidence(self, plan_id: str, unit_id: str, row_id: str | None = None) -> list[Evidence]:
        sql = (
            "SELECT id, period, row_id, file_name, size, sha256, added_at, added_by FROM evidence "
            "WHERE plan_id = ? AND unit_id = ?"
        )
        params: list[Any] = [plan_id, unit_id]
        if row_id is not None:
            sql += " AND row_id = ?"
            params.append(row_id)
        return [Evidence(*row) for row in self.conn.execute(sql + " ORDER BY id", params)]

    def evidence_content(self, evidence_id: int) -> bytes:
        row = self.conn.execute("SELECT content FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
        if row is None:
            raise UserError(translate("store", "找不到该证明材料，可能已被删除。"))
        return bytes(row[0])

    def remove_evidence(self, evidence_id: int, *, who: str) -> None:
        with self.transaction():
            row = self.conn.execute(
                "SELECT plan_id, unit_id, period, row_id, file_name, sha256 FROM evidence WHERE id = ?",
                (evidence_id,),
            ).fetchone()
            if row is None:
                return
            self._refuse_if_locked(row[0], row[1], row[2])
            self.conn.execute("DELETE FROM evidence WHERE id = ?", (evidence_id,))
            self._audit(
                who, "evidence.remove", row[0], row[1], row[2], row[3], f"{row[4]} ({row[5][:12]})", None
            )


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
