"""Who reported which month: a grid of units × months for the plan year.

Figures for month M are due by the plan's deadline day of month M+1 (December's in January of the next
year); months before the plan's first cumulative period (January: the survey starts with 1–2月) are
not reported on their own and have no column. A month counts as on time when the first version the
district holds was received by the district on or before that day (the day of its import, or an earlier
day the officer set for the batch; what the unit claims in its data does not count — without a receipt
day, as in the pure tests, the freezing time stands in); a corrected month is one for which the
district holds more than one version, or a version later than the first. A pure function of the plan
and the versions held, so it is tested without a database.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from model.common.i18n import translate
from model.common.periods import Period
from model.plan.spec import Plan, Unit
from model.store.database import Store
from model.store.received import held_index

ON_TIME, LATE, CORRECTED, MISSING, NOT_DUE = "on_time", "late", "corrected", "missing", "not_due"
# A unit the plan exempts, and the district office itself (whose figures are typed here), are never
# "missing": with no package they show as such; a package they do send is shown like any other.
EXEMPT, OWN = "exempt", "own"
STATES = (ON_TIME, LATE, CORRECTED, MISSING, NOT_DUE, EXEMPT, OWN)
RECEIVED_STATES = (ON_TIME, LATE, CORRECTED)


def state_label(state: str) -> str:
    return {
        ON_TIME: translate("completeness", "按时"),
        LATE: translate("completeness", "迟报"),
        CORRECTED: translate("completeness", "已更正"),
        MISSING: translate("completeness", "未报"),
        NOT_DUE: translate("completeness", "未到期"),
        EXEMPT: translate("completeness", "免报"),
        OWN: translate("completeness", "本机关"),
    }[state]


@dataclass(frozen=True)
class HeldVersion:
    """A version of a unit's month that the district holds (received, or submitted in this database)."""

    unit_id: str
    period: str
    version: int
    created_at: str  # when the unit froze it, ISO 8601
    in_use: bool
    correction_reason: str = ""  # why the unit corrected it (empty for a first version)
    received_on: str | None = None  # the day the district received it (ISO date)
    signed_at: str | None = None  # the signing time the package's signature carries

    @property
    def arrived(self) -> str:
        return (self.received_on or self.created_at)[:10]


@dataclass(frozen=True)
class Cell:
    period: str
    state: str
    label: str
    deadline: str  # ISO date
    version: int | None = None  # the version in use
    first_submitted_at: str | None = None
    on_time: bool | None = None  # of the first version held; a corrected month keeps it
    correction_reason: str = ""  # of the version in use, when it is a correction
    received_on: str | None = None  # when the district received the first version held
    signed_at: str | None = None  # that version's signing time, shown beside it


@dataclass(frozen=True)
class UnitRow:
    unit_id: str
    unit_name: str
    cells: list[Cell]


@dataclass(frozen=True)
class Completeness:
    plan_id: str
    year: int
    period: str  # the month the summary counts are for; the grid runs from the first reported month to it
    deadline_day: int
    as_of: str
    units: list[UnitRow]
    counts: dict[str, int] = field(default_factory=dict)  # state -> units, for `period`

    def cell(self, unit_id: str, period: str) -> Cell:
        row = next(r for r in self.units if r.unit_id == unit_id)
        return next(c for c in row.cells if c.period == period)

    def missing(self) -> list[str]:
        """Units that have not reported `period` although it is due."""
        return [r.unit_id for r in self.units if self.cell(r.unit_id, self.period).state == MISSING]

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "year": self.year,
            "period": self.period,
            "deadline_day": self.deadline_day,
            "as_of": self.as_of,
            "counts": self.counts,
            "units": [
                {
                    "unit_id": r.unit_id,
                    "unit_name": r.unit_name,
                    "months": {
                        c.period: {
                            "state": c.state,
                            "label": c.label,
                            "deadline": c.deadline,
                            "version": c.version,
                            "first_submitted_at": c.first_submitted_at,
                            "on_time": c.on_time,
                            "correction_reason": c.correction_reason,
                            "received_on": c.received_on,
                            "signed_at": c.signed_at,
                        }
                        for c in r.cells
                    },
                }
                for r in self.units
            ],
        }


def deadline(plan: Plan, period: Period) -> date:
    """The last day on which figures for `period` count as on time."""
    year, month = (period.year + 1, 1) if period.month == 12 else (period.year, period.month + 1)
    day = min(max(plan.rules.deadline_day, 1), calendar.monthrange(year, month)[1])
    return date(year, month, day)


def completeness_grid(plan: Plan, held: Iterable[HeldVersion], as_of: date, upto: Period) -> Completeness:
    by_cell: dict[tuple[str, str], list[HeldVersion]] = {}
    for h in held:
        by_cell.setdefault((h.unit_id, h.period), []).append(h)
    # Months before the first cumulative period (no January-only report) come with it, not on their own.
    first_month = min(max(plan.rules.first_cumulative_month, 1), upto.month)
    months = [
        (str(p), deadline(plan, p))
        for p in (Period(plan.year, m) for m in range(first_month, upto.month + 1))
    ]
    labels = {state: state_label(state) for state in STATES}
    absent: dict[tuple[str, str], Cell] = {}  # a month without a package looks alike for every unit
    rows = []
    for unit in plan.reporting_units():
        cells = []
        for period, due in months:
            versions = by_cell.get((unit.id, period))
            if versions:
                cells.append(_received_cell(period, due, versions, labels))
                continue
            state = _without_package(plan, unit.id, as_of <= due)
            if (period, state) not in absent:
                absent[period, state] = Cell(period, state, labels[state], due.isoformat())
            cells.append(absent[period, state])
        rows.append(UnitRow(unit.id, unit.name, cells))
    counts = {state: 0 for state in STATES}
    for row in rows:
        counts[row.cells[-1].state] += 1
    return Completeness(
        plan.id, plan.year, str(upto), plan.rules.deadline_day, as_of.isoformat(), rows, counts
    )


def _received_cell(period: str, due: date, versions: list[HeldVersion], labels: dict[str, str]) -> Cell:
    """A month the district holds a package of: the version in use, and whether the first came in time."""
    earliest = min(versions, key=lambda v: (v.arrived, v.version))
    used = next((v for v in versions if v.in_use), max(versions, key=lambda v: v.version))
    on_time = date.fromisoformat(earliest.arrived) <= due
    corrected = used.version > 1 or len(versions) > 1
    state = CORRECTED if corrected else ON_TIME if on_time else LATE
    return Cell(
        period,
        state,
        labels[state],
        due.isoformat(),
        used.version,
        earliest.created_at,
        on_time,
        used.correction_reason,
        earliest.arrived,
        earliest.signed_at,
    )


def expected_units(plan: Plan) -> list[Unit]:
    """Units that must send packages: every reporting unit but the exempt ones and the district office."""
    return [u for u in plan.reporting_units() if not u.exempt and u.id != plan.district_unit]


def _without_package(plan: Plan, unit_id: str, not_due: bool) -> str:
    if unit_id == plan.district_unit:
        return OWN
    if plan.unit(unit_id).exempt:
        return EXEMPT
    return NOT_DUE if not_due else MISSING


@dataclass(frozen=True)
class ReportRate:
    """The share of expected monthly reports received on time (A4-23 节能月报上报率)."""

    on_time: int
    expected: int  # cells due (or already received) of units that are neither exempt nor the district office

    @property
    def pct(self) -> float | None:
        return self.on_time / self.expected * 100 if self.expected else None


def report_rate(plan: Plan, grid: Completeness) -> ReportRate:
    expected = {u.id for u in expected_units(plan)}
    cells = [
        c
        for row in grid.units
        if row.unit_id in expected
        for c in row.cells
        if c.state in (*RECEIVED_STATES, MISSING)
    ]
    return ReportRate(sum(1 for c in cells if c.on_time), len(cells))


def held_versions(store: Store, plan: Plan) -> list[HeldVersion]:
    """Packages received from units, and this database's own submitted versions (the district's own)."""
    return [
        HeldVersion(
            h.unit_id,
            h.period,
            h.version,
            h.created_at,
            h.in_use,
            h.correction_reason,
            h.received_on,
            h.signed_at,
        )
        for h in held_index(store.db, plan.id)
    ]


def completeness(
    store: Store, plan: Plan, *, upto: Period | None = None, as_of: date | None = None
) -> Completeness:
    """The grid from January to `upto` (default December) as of a day (default today)."""
    return completeness_grid(
        plan, held_versions(store, plan), as_of or date.today(), upto or Period(plan.year, 12)
    )
