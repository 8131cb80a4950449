"""The unit certificates a district trusts; revoking keeps the row (and the audit says when)."""

from __future__ import annotations

from dataclasses import dataclass

from model.store.audit import TRUST_ADD, TRUST_REPLACE, TRUST_REVOKE, AuditRepository
from model.store.connection import Database, columns_of, now_iso


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


class TrustRepository:
    def __init__(self, db: Database, audit: AuditRepository) -> None:
        self.db, self.audit = db, audit

    def all(self, *, include_revoked: bool = False) -> list[TrustedCert]:
        where = "" if include_revoked else "WHERE revoked_at IS NULL"
        return self.db.all(
            TrustedCert,
            f"SELECT {columns_of(TrustedCert)} FROM trusted_certs {where} ORDER BY added_at, subject",
        )

    def get(self, fingerprint: str) -> TrustedCert | None:
        return self.db.one(
            TrustedCert,
            f"SELECT {columns_of(TrustedCert)} FROM trusted_certs WHERE fingerprint = ?",
            (fingerprint,),
        )

    def add(
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
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO trusted_certs (fingerprint, subject, unit_id, pem, not_after, added_at, added_by) "
                "VALUES (?,?,?,?,?,?,?) ON CONFLICT (fingerprint) DO UPDATE SET subject=excluded.subject, "
                "unit_id=excluded.unit_id, pem=excluded.pem, not_after=excluded.not_after, "
                "added_at=excluded.added_at, added_by=excluded.added_by, revoked_at=NULL, revoked_by=NULL",
                (fingerprint, subject, unit_id, pem, not_after, now_iso(), who),
            )
            self.audit.record(
                who, TRUST_ADD, unit_id=unit_id, new={"fingerprint": fingerprint, "subject": subject}
            )

    def revoke(self, fingerprint: str, *, who: str, replaced_by: str | None = None) -> None:
        """Revoke trust for good; `replaced_by`: the unit's new certificate (audited as a replacement)."""
        with self.db.transaction():
            self.db.execute(
                "UPDATE trusted_certs SET revoked_at=?, revoked_by=? WHERE fingerprint=? AND revoked_at IS NULL",
                (now_iso(), who, fingerprint),
            )
            if replaced_by is None:
                self.audit.record(who, TRUST_REVOKE, old={"fingerprint": fingerprint})
            else:
                self.audit.record(
                    who, TRUST_REPLACE, old={"fingerprint": fingerprint}, new={"fingerprint": replaced_by}
                )
