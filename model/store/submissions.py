"""Versions of a period: the unit's own (`submissions`) and the packages the district received (`received`).

Both keep the signed PDF inside the database, written in the same transaction as the version row, so a
version never points at a missing file. A submitted version locks its period (also by triggers).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, TypeVar

from model.common.errors import UserError
from model.common.i18n import how_to, translate
from model.common.periods import Period
from model.store.audit import PACKAGE_IMPORT, SUBMISSION_REOPEN, SUBMISSION_SUBMIT, AuditRepository
from model.store.connection import Database, columns_of, now_iso
from model.store.received import add_received_view

T = TypeVar("T")

# Status of a version on the unit's side: the open correction, the version in force, an earlier one.
CORRECTING, SUBMITTED, SUPERSEDED = "correcting", "submitted", "superseded"

# Outcome of a kept package on the district's side.
ACCEPTED, NEWER, OLDER = "accepted", "newer", "older"


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
    received_on: str | None = None  # the day the district received it (ISO date; None: before v8)

    def __post_init__(self) -> None:
        object.__setattr__(self, "in_use", bool(self.in_use))  # SQLite keeps it as 0/1


def _versions(
    db: Database, cls: type[T], table: str, plan_id: str, unit_id: str | None, period: str | None
) -> list[T]:
    """Rows of a versioned table of a plan, optionally of a unit and a period; by unit, period, version."""
    sql = f"SELECT {columns_of(cls)} FROM {table} WHERE plan_id = ?"
    params: list[Any] = [plan_id]
    for column, value in (("unit_id", unit_id), ("period", period)):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(value)
    return db.all(cls, sql + " ORDER BY unit_id, period, version", params)


class SubmissionsRepository:
    """The unit's side."""

    def __init__(self, db: Database, audit: AuditRepository) -> None:
        self.db, self.audit = db, audit

    def all(self, plan_id: str, unit_id: str | None = None, period: str | None = None) -> list[Submission]:
        """Every version, oldest first (by unit, period, version)."""
        return _versions(self.db, Submission, "submissions", plan_id, unit_id, period)

    def latest(self, plan_id: str, unit_id: str, period: str) -> Submission | None:
        return self.db.one(
            Submission,
            f"SELECT {columns_of(Submission)} FROM submissions WHERE plan_id = ? AND unit_id = ? AND period = ? "
            "ORDER BY version DESC LIMIT 1",
            (plan_id, unit_id, period),
        )

    def latest_of_year(self, plan_id: str, unit_id: str, year: int) -> Submission | None:
        """The newest version of the unit's latest submitted (or reopened) period of the year."""
        return self.db.one(
            Submission,
            f"SELECT {columns_of(Submission)} FROM submissions WHERE plan_id = ? AND unit_id = ? "
            "AND substr(period, 1, 4) = ? ORDER BY period DESC, version DESC LIMIT 1",
            (plan_id, unit_id, f"{year:04d}"),
        )

    def period_lock(self, plan_id: str, unit_id: str, period: str) -> Submission | None:
        """The submitted version whose year-to-date report covers this month, or None when its figures may
        be changed. Months 1..P are locked while P, the latest period submitted, is not being corrected."""
        return self.db.one(
            Submission,
            f"SELECT {columns_of(Submission)} FROM submissions WHERE (plan_id, unit_id, period, version) IN "
            "(SELECT plan_id, unit_id, period, version FROM locked_through "
            "WHERE plan_id = ? AND unit_id = ? AND year = ? AND period >= ?)",
            (plan_id, unit_id, period[:4], period),
        )

    def refuse_if_locked(self, plan_id: str, unit_id: str, period: str) -> None:
        lock = self.period_lock(plan_id, unit_id, period)
        if lock is None:
            return
        name = self.db.scalar("SELECT name FROM units WHERE plan_id = ? AND id = ?", (plan_id, unit_id))
        covered = Period(int(lock.period[:4]), int(lock.period[5:7])).label()
        raise UserError(
            (
                translate(
                    "store",
                    "{unit} {period} 的数据已包含在 {at} 报送的 {covered} 报表（第 {v} 版）中，已锁定，不能修改。"
                    "如需更正，请在窗口中选择报告期 {covered}，点 报表 → 更正",
                )
                + how_to(
                    translate(
                        "store",
                        "；或运行 main.py correct --unit {uid} --period {lock_period} --reason 原因（将生成第 {next} 版）。",
                    ),
                    translate("store", "（将生成第 {next} 版）。"),
                )
            ).format(
                unit=name or unit_id,
                period=period,
                covered=covered,
                at=(lock.submitted_at or lock.created_at)[:16].replace("T", " "),
                v=lock.version,
                uid=unit_id,
                lock_period=lock.period,
                next=lock.version + 1,
            )
        )

    def open_correction(
        self, plan_id: str, unit_id: str, period: str, version: int, reason: str, *, who: str
    ) -> None:
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO submissions (plan_id, unit_id, period, version, status, created_at, created_by, "
                "reason) VALUES (?,?,?,?,?,?,?,?)",
                (plan_id, unit_id, period, version, CORRECTING, now_iso(), who, reason),
            )
            self.audit.record(
                who,
                SUBMISSION_REOPEN,
                plan_id=plan_id,
                unit_id=unit_id,
                period=period,
                old={"version": version - 1},
                new={"version": version, "reason": reason},
            )

    def record(
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
        with self.db.transaction():
            opened = self.db.scalar(
                "SELECT id FROM submissions WHERE plan_id=? AND unit_id=? AND period=? AND version=? AND status=?",
                (plan_id, unit_id, period, version, CORRECTING),
            )
            values = (SUBMITTED, at, who, data, package_name, pdf, sha, xlsx)
            if opened:
                self.db.execute(
                    "UPDATE submissions SET status=?, submitted_at=?, submitted_by=?, data=?, package_name=?, "
                    "pdf=?, pdf_sha256=?, xlsx=? WHERE id=?",
                    (*values, opened),
                )
            else:
                self.db.execute(
                    "INSERT INTO submissions (plan_id, unit_id, period, version, created_at, created_by, status, "
                    "submitted_at, submitted_by, data, package_name, pdf, pdf_sha256, xlsx) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (plan_id, unit_id, period, version, at, who, *values),
                )
            self.db.execute(
                "UPDATE submissions SET status=? WHERE plan_id=? AND unit_id=? AND period=? AND version<? "
                "AND status=?",
                (SUPERSEDED, plan_id, unit_id, period, version, SUBMITTED),
            )
            self.audit.record(
                who,
                SUBMISSION_SUBMIT,
                plan_id=plan_id,
                unit_id=unit_id,
                period=period,
                new={"version": version, "sha256": sha},
                at=at,
            )

    def package(self, submission_id: int) -> tuple[bytes, bytes]:
        """The signed PDF and the workbook of a submitted version."""
        row = self.db.execute("SELECT pdf, xlsx FROM submissions WHERE id = ?", (submission_id,)).fetchone()
        if row is None or row[0] is None:
            raise UserError(translate("store", "这一版还没有报送，没有报送文件。"))
        return bytes(row[0]), bytes(row[1] or b"")


class ReceivedRepository:
    """The district's side: every package it kept."""

    def __init__(self, db: Database, audit: AuditRepository) -> None:
        self.db, self.audit = db, audit

    def all(
        self, plan_id: str, unit_id: str | None = None, period: str | None = None
    ) -> list[ReceivedPackage]:
        return _versions(self.db, ReceivedPackage, "received", plan_id, unit_id, period)

    def by_sha256(self, sha256: str) -> ReceivedPackage | None:
        return self.db.one(
            ReceivedPackage, f"SELECT {columns_of(ReceivedPackage)} FROM received WHERE sha256 = ?", (sha256,)
        )

    def add(self, package: ReceivedPackage, pdf: bytes, *, who: str) -> int:
        """Keep a package; when it is to be used, the one used before for its unit and period is not."""
        columns = columns_of(ReceivedPackage, without=("id",))
        values = [getattr(package, name) for name in columns.split(", ")]
        with self.db.transaction():
            if package.in_use:
                self.db.execute(
                    "UPDATE received SET in_use = 0 WHERE plan_id=? AND unit_id=? AND period=? AND in_use=1",
                    (package.plan_id, package.unit_id, package.period),
                )
            cursor = self.db.execute(
                f"INSERT INTO received ({columns}, pdf) VALUES ({', '.join('?' * (len(values) + 1))})",
                (*values, pdf),
            )
            add_received_view(
                self.db,
                int(cursor.lastrowid or 0),
                json.loads(package.data),
                package.received_on or package.imported_at[:10],
            )
            self.audit.record(
                who,
                PACKAGE_IMPORT,
                plan_id=package.plan_id,
                unit_id=package.unit_id,
                period=package.period,
                new={
                    "version": package.version,
                    "outcome": package.outcome,
                    "sha256": package.sha256,
                    "received_on": package.received_on,
                    "signed_at": package.signed_at,
                },
                at=package.imported_at,
            )
        return int(cursor.lastrowid or 0)

    def pdf(self, received_id: int) -> bytes:
        row = self.db.execute("SELECT pdf FROM received WHERE id = ?", (received_id,)).fetchone()
        if row is None:
            raise UserError(translate("store", "没有这份报送文件。"))
        return bytes(row[0])
