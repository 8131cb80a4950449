"""The numbers that `figure_rows` and `audit_rows` keep instead of repeated text (since `COMPACT_SINCE`).

`names` holds each plan id, unit id, period, field key and audit action once; `stamps` each (when, who,
coefficient table, electricity basis) of a write once. Both are append-only. Ids are looked up or made
inside the caller's transaction; a `Names` lives for one call (one transaction) and no longer, since a
rolled-back transaction takes the ids it made with it.
"""

from __future__ import annotations

from model.store.connection import Database


class Names:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._names: dict[str, int] = {}

    def find(self, name: str | None) -> int | None:
        """The id of a name already stored; None when it is not (nothing is stored under it)."""
        if name is None:
            return None
        if name in self._names:
            return self._names[name]
        found = self.db.scalar("SELECT id FROM names WHERE name = ?", (name,))
        if found is None:
            return None
        self._names[name] = int(found)
        return self._names[name]

    def id(self, name: str | None) -> int | None:
        """The id of a name, made when it is new (inside a transaction)."""
        if name is None:
            return None
        found = self.find(name)
        if found is None:
            found = int(self.db.execute("INSERT INTO names (name) VALUES (?)", (name,)).lastrowid or 0)
        self._names[name] = found
        return found

    def stamp(self, at: str, who: str, coef_version: str | None = None, basis: str | None = None) -> int:
        """The id of a write's (when, who, coefficient table, electricity basis), made when it is new."""
        key = (at, who, coef_version, basis)
        found = self.db.scalar(
            "SELECT id FROM stamps WHERE at = ? AND who = ? AND coef_version IS ? AND electricity_basis IS ?",
            key,
        )
        if found is None:
            found = self.db.execute(
                "INSERT INTO stamps (at, who, coef_version, electricity_basis) VALUES (?, ?, ?, ?)", key
            ).lastrowid
        return int(found or 0)

    def audit_stamp(self, at: str, who: str) -> int:
        """A stamp for an audit row alone: any stamp of this (when, who) serves."""
        found = self.db.scalar("SELECT min(id) FROM stamps WHERE at = ? AND who = ?", (at, who))
        return self.stamp(at, who) if found is None else int(found)
