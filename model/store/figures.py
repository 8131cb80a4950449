"""The figures a unit entered: one row per (plan, unit, period, field), each change audited."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import astuple, dataclass, fields
from typing import Any

from model.store.audit import FIGURE_SET, AuditRepository
from model.store.connection import Database, columns_of, now_iso
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
    return int(db.scalar("SELECT count(*) FROM figures"))


class FiguresRepository:
    def __init__(self, db: Database, audit: AuditRepository, submissions: SubmissionsRepository) -> None:
        self.db, self.audit, self.submissions = db, audit, submissions

    def read(self, plan_id: str, unit_id: str, periods: Iterable[str] | None = None) -> list[Figure]:
        sql = f"SELECT {columns_of(Figure)} FROM figures WHERE plan_id = ? AND unit_id = ?"
        params: list[Any] = [plan_id, unit_id]
        if periods is not None:
            wanted = list(periods)
            sql += f" AND period IN ({', '.join('?' * len(wanted))})"
            params += wanted
        return self.db.all(Figure, sql + " ORDER BY period, field", params)

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
                    row = (
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
                    final[(w.period, w.field)] = row
                    figure = Figure(*row)
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
            self._apply(plan_id, unit_id, final)
            self.audit.record_many(audits)
            if before_commit is not None:
                before_commit()
        return changed

    def _stored(
        self, plan_id: str, unit_id: str, cells: set[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[Any, ...]]:
        """(value, text, note) of these stored (period, field) cells of the unit."""
        periods, keys = sorted({p for p, _f in cells}), sorted({f for _p, f in cells})
        rows = self.db.execute(
            "SELECT period, field, value, text, note FROM figures WHERE plan_id = ? AND unit_id = ? "
            f"AND period IN ({', '.join('?' * len(periods))}) AND field IN ({', '.join('?' * len(keys))})",
            (plan_id, unit_id, *periods, *keys),
        )
        return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows if (r[0], r[1]) in cells}

    def _apply(
        self, plan_id: str, unit_id: str, final: dict[tuple[str, str], tuple[Any, ...] | None]
    ) -> None:
        """Each cell's last write, in two statements (cells differ, so their order does not matter)."""
        self.db.executemany(
            "DELETE FROM figures WHERE plan_id=? AND unit_id=? AND period=? AND field=?",
            [(plan_id, unit_id, *cell) for cell, row in final.items() if row is None],
        )
        self.db.executemany(
            f"INSERT INTO figures (plan_id, {columns_of(Figure)}) VALUES (?{', ?' * len(fields(Figure))}) "
            "ON CONFLICT (plan_id, unit_id, period, field) DO UPDATE SET value=excluded.value, "
            "text=excluded.text, note=excluded.note, updated_at=excluded.updated_at, "
            "updated_by=excluded.updated_by, coef_version=excluded.coef_version, "
            "electricity_basis=excluded.electricity_basis",
            [(plan_id, *row) for row in final.values() if row is not None],
        )

    def insert_new(self, plan_id: str, figures: list[Figure]) -> int:
        """Figures where none are stored yet (a data set being built), in bulk, each audited as `write` would."""
        with self.db.transaction():
            self.db.executemany(
                f"INSERT INTO figures (plan_id, {columns_of(Figure)}) VALUES (?{', ?' * len(fields(Figure))})",
                [(plan_id, *astuple(f)) for f in figures],
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
