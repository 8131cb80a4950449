"""The figures a unit entered: one row per (plan, unit, period, field), each change audited."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from model.store.audit import FIGURE_SET, AuditRepository
from model.store.connection import Database, has_table, now_iso
from model.store.names import Names
from model.store.received import refuse_if_received
from model.store.submissions import SubmissionsRepository


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
class FigureChange:
    """One stored figure after a write: `figure` is None when the value was cleared."""

    unit_id: str
    period: str
    field: str
    figure: Figure | None


def _audited(value: float | None, text: str | None, note: str) -> dict[str, Any]:
    return {"value": value, "text": text, "note": note}


def figure_count(db: Database) -> int:
    table = "figure_rows" if has_table(db, "figure_rows") else "figures"  # also backups of older schemas
    return int(db.scalar(f"SELECT count(*) FROM {table}"))


_READ = (
    "SELECT t.name AS period, f.name AS field, r.value, r.text, r.note, s.at AS updated_at, "
    "s.who AS updated_by, s.coef_version, s.electricity_basis FROM figure_rows r "
    "JOIN names t ON t.id = r.period JOIN names f ON f.id = r.field JOIN stamps s ON s.id = r.stamp "
    "WHERE r.plan = ? AND r.unit = ?"
)
_KEY = "plan = ? AND unit = ? AND period = ? AND field = ?"
_UPSERT = (
    "INSERT INTO figure_rows (plan, unit, period, field, value, text, note, stamp) VALUES (?,?,?,?,?,?,?,?) "
    "ON CONFLICT (plan, unit, period, field) DO UPDATE SET value = excluded.value, text = excluded.text, "
    "note = excluded.note, stamp = excluded.stamp"
)


class FiguresRepository:
    def __init__(self, db: Database, audit: AuditRepository, submissions: SubmissionsRepository) -> None:
        self.db, self.audit, self.submissions = db, audit, submissions

    def read(self, plan_id: str, unit_id: str, periods: Iterable[str] | None = None) -> list[Figure]:
        return self._read(plan_id, unit_id, periods)

    def _read(
        self, plan_id: str, unit_id: str, periods: Iterable[str] | None, fields: Iterable[str] | None = None
    ) -> list[Figure]:
        names = Names(self.db)
        plan, unit = names.find(plan_id), names.find(unit_id)
        if plan is None or unit is None:
            return []
        sql = _READ
        params: list[Any] = [plan, unit]
        for column, chosen in (("period", periods), ("field", fields)):
            if chosen is not None:
                wanted = list(chosen)
                marks = ", ".join("?" * len(wanted))
                sql += f" AND r.{column} IN (SELECT id FROM names WHERE name IN ({marks}))"
                params += wanted
        rows = self.db.execute(sql + " ORDER BY t.name, f.name", params)
        return [Figure(unit_id, *row) for row in rows]

    def write(self, plan_id: str, unit_id: str, writes: Iterable[FigureWrite], **options: Any) -> int:
        """As `write_changes` (same keyword options), returning only how many figures changed."""
        return len(self.write_changes(plan_id, unit_id, writes, **options))

    def write_changes(
        self,
        plan_id: str,
        unit_id: str,
        writes: Iterable[FigureWrite],
        *,
        who: str,
        coef_version: str,
        electricity_basis: str,
        before_commit: Callable[[], None] | None = None,
    ) -> list[FigureChange]:
        """Upsert figures in one transaction with an audit row each; returns the figures as now stored.

        A write whose value, text and note equal what is stored changes nothing and is not audited.
        A write with neither value nor text deletes the figure.
        """
        writes = list(writes)
        changed: list[FigureChange] = []
        at = now_iso()
        with self.db.transaction():
            stored = self._stored(plan_id, unit_id, {(w.period, w.field) for w in writes})
            final: dict[tuple[str, str], tuple[Any, ...] | None] = {}  # what each cell becomes; None: cleared
            audits: list[tuple[str, str, dict[str, Any]]] = []
            checked: set[str] = set()  # the months found open (neither submitted nor received)
            for w in writes:
                old = stored.get((w.period, w.field))
                note = w.note if w.note is not None else (old[2] if old else "")
                cleared = w.value is None and w.text is None
                if (old is not None and old == (w.value, w.text, note)) or (cleared and old is None):
                    continue
                if w.period not in checked:
                    self.submissions.refuse_if_locked(plan_id, unit_id, w.period)
                    refuse_if_received(self.db, plan_id, unit_id, w.period)
                    checked.add(w.period)
                figure = None
                if cleared:
                    stored.pop((w.period, w.field), None)
                    final[(w.period, w.field)] = None
                else:
                    stored[(w.period, w.field)] = (w.value, w.text, note)
                    final[(w.period, w.field)] = (w.value, w.text, note)
                    figure = Figure(
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
                    )
                changed.append(FigureChange(unit_id, w.period, w.field, figure))
                audits.append(
                    (
                        who,
                        FIGURE_SET,
                        {
                            "plan_id": plan_id,
                            "unit_id": unit_id,
                            "period": w.period,
                            "field": w.field,
                            "old": None if old is None else _audited(*old),
                            "new": None if cleared else _audited(w.value, w.text, note),
                            "at": at,
                        },
                    )
                )
            if final:
                stamp = Names(self.db).stamp(at, who, coef_version, electricity_basis)
                self._apply(plan_id, unit_id, final, stamp)
                self.audit.record_many(audits)  # the audit rows share the write's stamp
            if before_commit is not None:
                before_commit()
        return changed

    def _stored(
        self, plan_id: str, unit_id: str, cells: set[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[Any, ...]]:
        """(value, text, note) of these stored (period, field) cells of the unit."""
        # only the cells' months and fields: a pasted block of 12 months must not read every field of them
        figures = self._read(plan_id, unit_id, sorted({p for p, _f in cells}), sorted({f for _p, f in cells}))
        return {
            (f.period, f.field): (f.value, f.text, f.note) for f in figures if (f.period, f.field) in cells
        }

    def _apply(
        self, plan_id: str, unit_id: str, final: dict[tuple[str, str], tuple[Any, ...] | None], stamp: int
    ) -> None:
        """Each cell's last write, in two statements (cells differ, so their order does not matter)."""
        names = Names(self.db)
        plan, unit = names.id(plan_id), names.id(unit_id)
        keys = {cell: (plan, unit, names.id(cell[0]), names.id(cell[1])) for cell in final}
        self.db.executemany(
            f"DELETE FROM figure_rows WHERE {_KEY}",
            [keys[cell] for cell, row in final.items() if row is None],
        )
        self.db.executemany(
            _UPSERT, [(*keys[cell], *row, stamp) for cell, row in final.items() if row is not None]
        )

    def insert_new(self, plan_id: str, figures: list[Figure]) -> int:
        """Figures where none are stored yet (a data set being built), in bulk, each audited as `write` would."""
        names = Names(self.db)
        stamps: dict[tuple[str, str, str | None, str | None], int] = {}
        ids: dict[str, int | None] = {}

        def row(f: Figure) -> tuple[Any, ...]:
            provenance = (f.updated_at, f.updated_by, f.coef_version, f.electricity_basis)
            if provenance not in stamps:
                stamps[provenance] = names.stamp(*provenance)
            for name in (plan_id, f.unit_id, f.period, f.field):
                if name not in ids:
                    ids[name] = names.id(name)
            key = (ids[plan_id], ids[f.unit_id], ids[f.period], ids[f.field])
            return (*key, f.value, f.text, f.note, stamps[provenance])

        with self.db.transaction():
            self.db.executemany(
                "INSERT INTO figure_rows (plan, unit, period, field, value, text, note, stamp) "
                "VALUES (?,?,?,?,?,?,?,?)",
                [row(f) for f in figures],
            )
            self.audit.record_many(
                (
                    f.updated_by,
                    FIGURE_SET,
                    {
                        "plan_id": plan_id,
                        "unit_id": f.unit_id,
                        "period": f.period,
                        "field": f.field,
                        "new": _audited(f.value, f.text, f.note),
                        "at": f.updated_at,
                    },
                )
                for f in figures
            )
        return len(figures)
