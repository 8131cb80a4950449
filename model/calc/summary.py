"""The district summary: every unit's standing for a period and the district totals, from held figures.

Pure: it takes the plan, the coefficient table and each unit's figures and returns plain data that the
summary PDF and workbook (and the window) show. District annex-2 figures are ΣE/ΣY over the units whose
four year-to-date sums are complete, never an average of their rates, with the count of units behind them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from model.calc import formulas as calc
from model.calc.progress import annex2_totals, colour_label, unit_progress
from model.common.periods import Period
from model.plan.coefficients import CoefficientSet
from model.plan.spec import LAST_YEAR, TASK_STATUSES, Plan
from model.store.database import Figure, Store

NOT_REPORTED = "未填报"


@dataclass(frozen=True)
class Annex2Line:
    unit_id: str
    unit_name: str
    reported: bool
    target_pct: float
    ytd_energy_tce: float | None
    ytd_energy_tce_last_year: float | None
    ytd_output_wan_yuan: float | None
    ytd_output_wan_yuan_last_year: float | None
    ytd_intensity: float | None
    ytd_change_rate_pct: float | None
    completion_rate_pct: float | None
    colour: str | None
    colour_label: str
    counted: bool  # inside the district ΣE/ΣY


@dataclass(frozen=True)
class Annex2Total:
    units_counted: int
    units_expected: int
    energy_tce: float | None
    energy_tce_last_year: float | None
    output_wan_yuan: float | None
    output_wan_yuan_last_year: float | None
    intensity: float | None
    change_rate_pct: float | None
    colour_counts: dict[str, int]


@dataclass(frozen=True)
class Annex3Line:
    unit_id: str
    unit_name: str
    reported: bool
    cap_tce: float
    ytd_tce: float | None
    cap_used_pct: float | None
    projected_tce: float | None
    intensity: float | None
    intensity_target: float
    intensity_unit: str
    intensity_yoy_change_pct: float | None
    intensity_yoy_target_pct: float
    colour: str | None
    colour_label: str


@dataclass(frozen=True)
class UnitStatus:
    unit_id: str
    unit_name: str
    reported: bool
    status: str | None
    value: float | None
    colour: str | None


@dataclass(frozen=True)
class RowLine:
    """An annex-1 indicator or annex-4 task: the lead unit's figure and every responsible unit's status."""

    annex: int
    id: str
    area: str
    text: str
    target: str
    lead_id: str
    lead_name: str
    value: float | None
    status: str | None
    share_of_target_pct: float | None
    colour: str | None
    colour_label: str
    units: list[UnitStatus]
    status_counts: dict[str, int]


@dataclass(frozen=True)
class DistrictSummary:
    plan_id: str
    plan_year: int
    district_unit_id: str
    district_unit_name: str
    period: str
    period_label: str
    annex2: list[Annex2Line]
    annex2_total: Annex2Total
    annex3: list[Annex3Line]
    annex3_ytd_tce: float | None
    annex3_units_counted: int
    annex1: list[RowLine]
    annex4: list[RowLine]
    reported: list[str]
    not_reported: list[tuple[str, str]]  # (unit id, name) of units with something to report

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def has_reported(figures: Iterable[Figure], period: Period) -> bool:
    """A unit has reported a month when it holds any of this year's figures of that month (a package
    carries last year's figures of the later months too, for the projection)."""
    month = str(period)
    return any(f.period == month and not f.field.endswith(LAST_YEAR) for f in figures)


def district_summary(
    plan: Plan,
    coefficients: CoefficientSet,
    figures_by_unit: Mapping[str, Iterable[Figure]],
    period: Period,
    reported: Collection[str] | None = None,
) -> DistrictSummary:
    """`reported`: the units that count as having reported the period (default: `has_reported`)."""
    units = plan.reporting_units()
    figures = {u.id: list(figures_by_unit.get(u.id, ())) for u in units}
    if reported is None:
        reported = {uid for uid, figs in figures.items() if has_reported(figs, period)}
    progress = {
        u.id: unit_progress(plan, coefficients, figures[u.id], u.id, period)
        for u in units
        if u.id in reported
    }

    annex2: list[Annex2Line] = []
    parts: list[calc.EnergyOutput] = []
    for row in plan.annex2:
        unit = plan.unit(row.unit)
        p = progress.get(unit.id)
        a2 = p.annex2 if p else None
        sums = annex2_totals(a2) if a2 else None
        if sums is not None:
            parts.append(sums)
        annex2.append(
            Annex2Line(
                unit_id=unit.id,
                unit_name=unit.name,
                reported=unit.id in reported,
                target_pct=row.target_pct,
                ytd_energy_tce=a2.ytd_energy_tce if a2 else None,
                ytd_energy_tce_last_year=a2.ytd_energy_tce_last_year if a2 else None,
                ytd_output_wan_yuan=a2.ytd_output_wan_yuan if a2 else None,
                ytd_output_wan_yuan_last_year=a2.ytd_output_wan_yuan_last_year if a2 else None,
                ytd_intensity=a2.ytd_intensity_tce_per_wan_yuan if a2 else None,
                ytd_change_rate_pct=a2.ytd_change_rate_pct if a2 else None,
                completion_rate_pct=a2.completion_rate_pct if a2 else None,
                colour=a2.colour if a2 else None,
                colour_label=a2.colour_label if a2 else colour_label(None),
                counted=sums is not None,
            )
        )
    total = calc.total(parts) if parts else None
    annex2_total = Annex2Total(
        units_counted=len(parts),
        units_expected=len(plan.annex2),
        energy_tce=total.energy if total else None,
        energy_tce_last_year=total.energy_last if total else None,
        output_wan_yuan=total.output if total else None,
        output_wan_yuan_last_year=total.output_last if total else None,
        intensity=calc.intensity(total.energy, total.output) if total else None,
        change_rate_pct=total.change_rate_pct if total else None,
        colour_counts=dict(Counter(line.colour or "none" for line in annex2)),
    )

    annex3: list[Annex3Line] = []
    for row3 in plan.annex3:
        unit = plan.unit(row3.unit)
        p = progress.get(unit.id)
        a3 = p.annex3 if p else None
        annex3.append(
            Annex3Line(
                unit_id=unit.id,
                unit_name=unit.name,
                reported=unit.id in reported,
                cap_tce=row3.total_cap_wan_tce * 10000,
                ytd_tce=a3.ytd_tce if a3 else None,
                cap_used_pct=a3.cap_used_pct if a3 else None,
                projected_tce=a3.projected_tce if a3 else None,
                intensity=a3.intensity if a3 else None,
                intensity_target=row3.intensity_target,
                intensity_unit=row3.intensity_unit,
                intensity_yoy_change_pct=a3.intensity_yoy_change_pct if a3 else None,
                intensity_yoy_target_pct=row3.intensity_yoy_change_pct,
                colour=a3.colour if a3 else None,
                colour_label=a3.colour_label if a3 else colour_label(None),
            )
        )
    held = [line.ytd_tce for line in annex3 if line.ytd_tce is not None]

    annex1 = []
    for r1 in plan.annex1:
        lead = plan.unit(r1.lead)
        p = progress.get(lead.id)
        mine = next((r for r in p.annex1 if r.id == r1.id), None) if p else None
        status = UnitStatus(
            lead.id,
            lead.name,
            lead.id in reported,
            mine.status if mine else None,
            mine.value if mine else None,
            mine.colour if mine else None,
        )
        annex1.append(
            RowLine(
                annex=1,
                id=r1.id,
                area=r1.area,
                text=r1.text,
                target=mine.target
                if mine
                else _annex1_target(r1.measure, r1.target_value, r1.target_unit, r1.target_text),
                lead_id=lead.id,
                lead_name=lead.name,
                value=mine.value if mine else None,
                status=mine.status if mine else None,
                share_of_target_pct=mine.share_of_target_pct if mine else None,
                colour=mine.colour if mine else None,
                colour_label=mine.colour_label if mine else colour_label(None),
                units=[status],
                status_counts=_counts([status]),
            )
        )

    annex4 = []
    for task in plan.annex4:
        statuses: list[UnitStatus] = []
        lead_row = None
        for uid in plan.expand(task.responsible):
            unit = plan.unit(uid)
            p = progress.get(uid)
            mine = next((r for r in p.annex4 if r.id == task.id), None) if p else None
            if lead_row is None:
                lead_row = mine
            statuses.append(
                UnitStatus(
                    uid,
                    unit.name,
                    uid in reported,
                    mine.status if mine else None,
                    mine.value if mine else None,
                    mine.colour if mine else None,
                )
            )
        first = statuses[0]
        colour = calc.worst(s.colour for s in statuses)
        annex4.append(
            RowLine(
                annex=4,
                id=task.id,
                area=task.area,
                text=task.text,
                target=lead_row.target if lead_row else "",
                lead_id=first.unit_id,
                lead_name=first.unit_name,
                value=first.value,
                status=first.status,
                share_of_target_pct=lead_row.share_of_target_pct if lead_row else None,
                colour=colour,
                colour_label=colour_label(colour),
                units=statuses,
                status_counts=_counts(statuses),
            )
        )

    return DistrictSummary(
        plan_id=plan.id,
        plan_year=plan.year,
        district_unit_id=plan.district_unit,
        district_unit_name=plan.unit(plan.district_unit).full_name,
        period=str(period),
        period_label=period.label(),
        annex2=annex2,
        annex2_total=annex2_total,
        annex3=annex3,
        annex3_ytd_tce=sum(held) if held else None,
        annex3_units_counted=len(held),
        annex1=annex1,
        annex4=annex4,
        reported=[u.id for u in units if u.id in reported],
        not_reported=[(u.id, u.name) for u in units if u.id not in reported],
    )


def _annex1_target(measure: str, value: float | None, unit: str, text: str) -> str:
    if measure == "qualitative" or value is None:
        return text
    return f"{value:g}{unit}"


def _counts(statuses: list[UnitStatus]) -> dict[str, int]:
    counts = Counter(s.status if s.status in TASK_STATUSES else NOT_REPORTED for s in statuses)
    return {k: counts[k] for k in (*TASK_STATUSES, NOT_REPORTED) if counts[k]}


def summary_from_store(
    store: Store, period: Period, reported: Collection[str] | None = None
) -> DistrictSummary:
    plan = store.plan()
    figures = {u.id: store.figures(plan.id, u.id) for u in plan.reporting_units()}
    return district_summary(plan, store.coefficients(plan.coefficients), figures, period, reported)
