"""Evidence files a unit attaches to an annex-4 task (or annex-1 row), kept inside the database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from model.common.errors import UserError
from model.common.i18n import translate
from model.store.audit import EVIDENCE_ADD, EVIDENCE_REMOVE, AuditRepository
from model.store.connection import Database, columns_of, now_iso
from model.store.submissions import SubmissionsRepository


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


class EvidenceRepository:
    def __init__(self, db: Database, audit: AuditRepository, submissions: SubmissionsRepository) -> None:
        self.db, self.audit, self.submissions = db, audit, submissions

    def add(
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
        with self.db.transaction():
            self.submissions.refuse_if_locked(plan_id, unit_id, period)
            digest = hashlib.sha256(content).hexdigest()
            cursor = self.db.execute(
                "INSERT INTO evidence (plan_id, unit_id, period, row_id, file_name, size, sha256, content, added_at, "
                "added_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (plan_id, unit_id, period, row_id, file_name, len(content), digest, content, now_iso(), who),
            )
            self.audit.record(
                who,
                EVIDENCE_ADD,
                plan_id=plan_id,
                unit_id=unit_id,
                period=period,
                field=row_id,
                new={"file_name": file_name, "sha256": digest},
            )
        return int(cursor.lastrowid or 0)

    def list(self, plan_id: str, unit_id: str, row_id: str | None = None) -> list[Evidence]:
        sql = f"SELECT {columns_of(Evidence)} FROM evidence WHERE plan_id = ? AND unit_id = ?"
        params: list[Any] = [plan_id, unit_id]
        if row_id is not None:
            sql += " AND row_id = ?"
            params.append(row_id)
        return self.db.all(Evidence, sql + " ORDER BY id", params)

    def content(self, evidence_id: int) -> bytes:
        row = self.db.execute("SELECT content FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
        if row is None:
            raise UserError(translate("store", "找不到该证明材料，可能已被删除。"))
        return bytes(row[0])

    def remove(self, evidence_id: int, *, who: str) -> None:
        with self.db.transaction():
            row = self.db.execute(
                "SELECT plan_id, unit_id, period, row_id, file_name, sha256 FROM evidence WHERE id = ?",
                (evidence_id,),
            ).fetchone()
            if row is None:
                return
            self.submissions.refuse_if_locked(row["plan_id"], row["unit_id"], row["period"])
            self.db.execute("DELETE FROM evidence WHERE id = ?", (evidence_id,))
            self.audit.record(
                who,
                EVIDENCE_REMOVE,
                plan_id=row["plan_id"],
                unit_id=row["unit_id"],
                period=row["period"],
                field=row["row_id"],
                old={"file_name": row["file_name"], "sha256": row["sha256"]},
            )
