"""What the district holds, read set-based for its view: the packages of a period, and the index of every
version held. Received figures stay in the received tables (the package's data, `received_sums` and
`received_view`, what the view renders of each package); they are never copied into `figures`, which
holds only what is typed in this database. The view reads `received_view`, never the packages' JSON,
so it takes a few queries whatever the number of units.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from model.common.errors import UserError
from model.common.i18n import how_to, translate
from model.store.schema import VIEW_KEYS, VIEW_PARTS, VIEW_ROW_KEYS, VIEW_ROWS


class Executes(Protocol):
    """The database handle of a store (`store.db`): anything that runs one SQL statement."""

    def execute(self, sql: str, params: Sequence[Any], /) -> sqlite3.Cursor: ...


RECEIVED, OWN_SUBMISSION = "received", "submitted"


@dataclass(frozen=True)
class KeySums:
    """Year-to-date annex-2 sums of a package (None where the package has none)."""

    energy_tce: float | None
    energy_tce_last_year: float | None
    output_wan_yuan: float | None
    output_wan_yuan_last_year: float | None


@dataclass(frozen=True)
class PeriodPackage:
    """A unit's package for a period that the district uses: the newest version received, or, for a unit
    whose versions are submitted in this very database (the district office), its submitted version."""

    unit_id: str
    period: str
    version: int
    created_at: str
    source: str  # RECEIVED or OWN_SUBMISSION
    progress_json: str  # the package's embedded progress (UnitProgress.to_dict)
    correction_reason: str
    replaces_version: int | None
    sums: KeySums
    received_on: str | None = None  # the day the district received it (own submissions: when submitted)
    signed_at: str | None = None  # the signing time the signature carries


@dataclass(frozen=True)
class HeldRow:
    unit_id: str
    period: str
    version: int
    created_at: str
    in_use: bool
    correction_reason: str  # why the unit corrected this version (empty for a first version)
    received_on: str | None = None  # the day the district received it (own submissions: when submitted)
    signed_at: str | None = None


def add_received_sums(db: Executes, received_id: int, sums: KeySums) -> None:
    """Inside the import's transaction."""
    db.execute(
        "INSERT INTO received_sums (received_id, energy_tce, energy_tce_last_year, output_wan_yuan, "
        "output_wan_yuan_last_year) VALUES (?,?,?,?,?) ON CONFLICT (received_id) DO UPDATE SET "
        "energy_tce=excluded.energy_tce, energy_tce_last_year=excluded.energy_tce_last_year, "
        "output_wan_yuan=excluded.output_wan_yuan, output_wan_yuan_last_year=excluded.output_wan_yuan_last_year",
        (
            received_id,
            sums.energy_tce,
            sums.energy_tce_last_year,
            sums.output_wan_yuan,
            sums.output_wan_yuan_last_year,
        ),
    )


def view_progress(progress: dict[str, Any]) -> dict[str, Any]:
    """The parts of a package's progress the district view renders (the same cut as the migration that
    filled `received_view` for packages held before)."""

    def part(value: Any, keys: tuple[str, ...]) -> Any:
        return {k: value.get(k) for k in keys} if isinstance(value, dict) else value

    out = {k: part(progress.get(k), VIEW_PARTS.get(k, ())) for k in VIEW_KEYS}
    for annex in VIEW_ROWS:
        out[annex] = [part(row, VIEW_ROW_KEYS) for row in progress.get(annex) or []]
    return out


def add_received_view(db: Executes, received_id: int, data: dict[str, Any], received_on: str | None) -> None:
    """What the district view reads of a package just kept, inside the transaction that keeps it."""
    replaces = data.get("replaces_version")
    db.execute(
        "INSERT INTO received_view (received_id, received_on, correction_reason, replaces_version, "
        "progress) VALUES (?,?,?,?,?)",
        (
            received_id,
            received_on,
            str(data.get("correction_reason") or ""),
            None if replaces is None else int(replaces),
            json.dumps(view_progress(data.get("progress") or {}), ensure_ascii=False, separators=(",", ":")),
        ),
    )


_PROGRESS_SUMS = ", ".join(
    f"json_extract({{t}}.data, '$.progress.annex2.{key}')"
    for key in (
        "ytd_energy_tce",
        "ytd_energy_tce_last_year",
        "ytd_output_wan_yuan",
        "ytd_output_wan_yuan_last_year",
    )
)

# A package's reason and day from `received_view` (a row the import kept), else from the package itself
# (its JSON data, and the day column that lies behind its PDF): the same values, read slowly.
_REASON = "coalesce(v.correction_reason, json_extract(r.data, '$.correction_reason'), '')"
_RECEIVED_ON = "coalesce(v.received_on, r.received_on, substr(r.imported_at, 1, 10))"

_PERIOD_PACKAGES = f"""
SELECT r.unit_id, r.period, r.version, r.created_at, '{RECEIVED}',
    coalesce(v.progress, json_extract(r.data, '$.progress')),
    {_REASON}, CASE WHEN v.received_id IS NULL THEN json_extract(r.data, '$.replaces_version')
                    ELSE v.replaces_version END,
    s.energy_tce, s.energy_tce_last_year, s.output_wan_yuan, s.output_wan_yuan_last_year,
    {_RECEIVED_ON}, r.signed_at
FROM received r LEFT JOIN received_sums s ON s.received_id = r.id LEFT JOIN received_view v ON v.received_id = r.id
WHERE r.plan_id = ? AND r.period = ? AND r.in_use = 1
UNION ALL
SELECT u.unit_id, u.period, u.version, coalesce(u.submitted_at, u.created_at), '{OWN_SUBMISSION}',
    json_extract(u.data, '$.progress'), u.reason,
    CASE WHEN u.version > 1 THEN u.version - 1 END, {_PROGRESS_SUMS.format(t="u")},
    substr(coalesce(u.submitted_at, u.created_at), 1, 10), u.submitted_at
FROM submissions u
WHERE u.plan_id = ? AND u.period = ? AND u.status = 'submitted'
    AND NOT EXISTS (SELECT 1 FROM received x WHERE x.plan_id = u.plan_id AND x.unit_id = u.unit_id
                    AND x.period = u.period)
"""


def period_packages(db: Executes, plan_id: str, period: str) -> list[PeriodPackage]:
    """Every unit's package in use for `period`, in one set-based query."""
    rows = db.execute(_PERIOD_PACKAGES, (plan_id, period, plan_id, period))
    return [
        PeriodPackage(
            unit,
            p,
            int(version),
            created_at,
            source,
            progress or "{}",
            str(reason or ""),
            None if replaces is None else int(replaces),
            KeySums(*sums[:4]),
            *sums[4:],
        )
        for unit, p, version, created_at, source, progress, reason, replaces, *sums in rows
    ]


def held_index(db: Executes, plan_id: str) -> list[HeldRow]:
    """Every version held of every unit and month (received, or submitted in this database), without
    the packages' bytes."""
    rows = db.execute(
        f"SELECT r.unit_id, r.period, r.version, r.created_at, r.in_use, {_REASON}, {_RECEIVED_ON}, "
        "r.signed_at FROM received r LEFT JOIN received_view v ON v.received_id = r.id WHERE r.plan_id = ? "
        "UNION ALL SELECT u.unit_id, u.period, u.version, coalesce(u.submitted_at, u.created_at), "
        "u.status = 'submitted', u.reason, substr(coalesce(u.submitted_at, u.created_at), 1, 10), "
        "u.submitted_at FROM submissions u WHERE u.plan_id = ? "
        "AND u.status IN ('submitted', 'superseded') AND NOT EXISTS (SELECT 1 FROM received x "
        "WHERE x.plan_id = u.plan_id AND x.unit_id = u.unit_id AND x.period = u.period AND x.version = u.version)",
        (plan_id, plan_id),
    )
    return [HeldRow(u, p, int(v), c, bool(i), str(r or ""), d, s) for u, p, v, c, i, r, d, s in rows]


def refuse_if_received(db: Executes, plan_id: str, unit_id: str, period: str) -> None:
    """A month that a received package covers (every package carries its year to date) is the unit's
    to change, through a correction, not the district's to type over."""
    row = db.execute(
        "SELECT r.period, r.version, u.name FROM received r LEFT JOIN units u ON u.plan_id = r.plan_id "
        "AND u.id = r.unit_id WHERE r.plan_id = ? AND r.unit_id = ? AND r.period >= ? "
        "AND substr(r.period, 1, 4) = substr(?, 1, 4) ORDER BY r.period DESC, r.version DESC LIMIT 1",
        (plan_id, unit_id, period, period),
    ).fetchone()
    if row is None:
        return
    held_period, version, name = row
    raise UserError(
        how_to(
            translate(
                "store",
                "{unit} {period} 的数据来自已接收的报送文件（{held} 第 {v} 版），区里不能改写。"
                "如需改动，请{unit}用 main.py correct 更正后重新报送，再导入更正版。",
            ),
            translate(
                "store",
                "{unit} {period} 的数据来自已接收的报送文件（{held} 第 {v} 版），区里不能改写。"
                "如需改动，请{unit}在其程序中点 报表 → 更正 后重新报送，再导入更正版。",
            ),
        ).format(unit=name or unit_id, period=period, held=held_period, v=version)
    )
