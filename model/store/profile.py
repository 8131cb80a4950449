"""The profile: the unit this copy reports for and the names printed in the report footer.

Kept in the database so the window and the command line print the same footer on the same export.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from model.store.audit import PROFILE_SET, AuditRepository
from model.store.connection import Database, now_iso


@dataclass(frozen=True)
class Profile:
    unit: str = ""  # the unit's id in the plan
    unit_head: str = ""  # 单位负责人
    stats_head: str = ""  # 统计负责人
    preparer: str = ""  # 填表人
    phone: str = ""  # 联系电话


PROFILE_KEYS = tuple(f.name for f in fields(Profile))


class ProfileRepository:
    def __init__(self, db: Database, audit: AuditRepository) -> None:
        self.db, self.audit = db, audit

    def get(self) -> Profile:
        stored = {row["key"]: row["value"] for row in self.db.execute("SELECT key, value FROM profile")}
        return Profile(**{k: v for k, v in stored.items() if k in PROFILE_KEYS})

    def is_empty(self) -> bool:
        return not self.db.scalar("SELECT count(*) FROM profile")

    def set(self, changes: dict[str, str], *, who: str) -> Profile:
        """Store the given keys (others stay as they are); each change audited. Returns the new profile."""
        unknown = set(changes) - set(PROFILE_KEYS)
        if unknown:
            raise ValueError(f"not profile keys: {sorted(unknown)}")
        at = now_iso()
        with self.db.transaction():
            before = self.get()
            for key, value in changes.items():
                old = getattr(before, key)
                if old == value:
                    continue
                self.db.execute(
                    "INSERT INTO profile (key, value, updated_at, updated_by) VALUES (?,?,?,?) "
                    "ON CONFLICT (key) DO UPDATE SET value=excluded.value, updated_at=excluded.updated_at, "
                    "updated_by=excluded.updated_by",
                    (key, value, at, who),
                )
                self.audit.record(who, PROFILE_SET, field=key, old=old, new=value, at=at)
        return replace(before, **changes)
