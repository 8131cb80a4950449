"""The district view of a period: who reported, every unit's standing and the district totals.

Built from packages only. For a unit and a period the figures are those of the unit's newest package for
that period (its embedded progress and the key sums kept per package); a unit without one is 未报 in the
grid, the counts, ΣE/ΣY, the page, `status` and both summary exports alike, since they all render this
one object. Exempt units and the district office itself are never missing; the district office's own
figures are those typed in this database. District annex-2 figures are ΣE/ΣY over the units whose four
year-to-date sums are complete and comparable (同口径: last year's ΣE and ΣY present and non-zero),
never an average of their rates; a unit left out is named in a note. A1-02 (the annex-2 district rate)
and A4-23 (the share of monthly reports received on time) are computed here, not typed.

`build_district_view` is pure (tested without a database); `district_view` is its thin store wrapper.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from typing import Any

from model.calc import formulas as calc
from model.calc.completeness import (
    Completeness,
    HeldVersion,
    completeness_grid,
    expected_units,
    held_versions,
    report_rate,
)
from model.calc.progress import DistrictTaskTotal, colour_label, district_task_total, unit_progress
from model.common.i18n import translate
from model.common.periods import Period
from model.plan.spec import ANNEX2_DISTRICT_RATE, DISTRICT_SCOPE, REPORT_RATE, TASK_STATUSES, Annex4Row, Plan
from model.store.database import Store
from model.store.received import KeySums, PeriodPackage, period_packages

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
    comparable: bool = True  # last year's ΣE and ΣY present and non-zero (同口径)
    remaining_allowance_tce: float | None = None  # as the unit's package computed it
    remaining_allowance_per_month_tce: float | None = None
    # the carbon of the optional carrier breakdown, as the package computed it (None: none filled)
    ytd_co2_t: float | None = None
    ytd_co2_t_last_year: float | None = None
    co2_change_pct: float | None = None
    co2_complete: bool | None = None


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
    remaining_allowance_tce: float | None = None
    remaining_allowance_per_month_tce: float | None = None
    ytd_co2_t: float | None = None
    ytd_co2_t_last_year: float | None = None
    co2_change_pct: float | None = None
    co2_complete: bool | None = None


@dataclass(frozen=True)
class UnitStatus:
    unit_id: str
    unit_name: str
    reported: bool
    status: str | None
    value: float | None
    colour: str | None


DISTRICT_TOTAL = "district_total"  # a district-scope task target: the lead's value, else Σ contributions


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
    source: str = ""  # for a value the district computes: where it comes from
    computed: str = ""  # how: the plan's COMPUTED kind, DISTRICT_TOTAL, or "" (the lead's own figure)


@dataclass(frozen=True)
class PackageLine:
    """The package a unit's figures for the period come from."""

    unit_id: str
    unit_name: str
    version: int
    created_at: str
    source: str  # received, or submitted in this database
    correction_reason: str
    replaces_version: int | None
    received_on: str | None = None  # the day the district received it
    signed_at: str | None = None  # the signing time, shown beside it
    missing_note: str = ""  # earlier versions the district never received ("第 2 版未收到")


@dataclass(frozen=True)
class DistrictView:
    plan_id: str
    plan_year: int
    district_unit_id: str
    district_unit_name: str
    period: str
    period_label: str
    grid: Completeness
    packages: list[PackageLine]
    annex2: list[Annex2Line]
    annex2_total: Annex2Total
    annex3: list[Annex3Line]
    annex3_ytd_tce: float | None
    annex3_units_counted: int
    annex1: list[RowLine]
    annex4: list[RowLine]
    reported: list[str]  # units whose package for the period the district holds
    not_reported: list[tuple[str, str]]  # (unit id, name) of units that must report and have not
    exempt: list[tuple[str, str]]  # units the plan exempts that sent nothing
    not_comparable: list[tuple[str, str]]  # reported, but without comparable last-year figures (同口径)
    report_rate_on_time: int
    report_rate_expected: int
    report_rate_pct: float | None
    notes: list[str]
    # the district's carbon: a sum over the key users whose packages hold a complete year to date
    annex3_ytd_co2_t: float | None = None
    annex3_ytd_co2_t_last_year: float | None = None
    annex3_co2_change_pct: float | None = None
    annex3_co2_units: list[str] = field(default_factory=list)  # unit ids counted
    # the district's carbon over every unit that reports carriers (annex 3, and annex-2 units that fill
    # the optional breakdown): a sum, never an average; the units left out are named with why
    ytd_co2_t: float | None = None
    ytd_co2_t_last_year: float | None = None
    co2_change_pct: float | None = None
    co2_units: list[str] = field(default_factory=list)  # unit ids counted
    co2_left_out: list[tuple[str, str, str]] = field(default_factory=list)  # (unit id, name, why)
    # A4-23: (unit id, name, reports on time, reports expected) of each unit the report rate counts
    report_rate_units: list[tuple[str, str, int, int]] = field(default_factory=list)

    @property
    def corrections(self) -> list[PackageLine]:
        return [p for p in self.packages if p.version > 1]

    def to_dict(self) -> dict[str, Any]:
        """As `dataclasses.asdict` gives it (with the grid's own form), without its deep copies."""
        data = {name: _plain(getattr(self, name)) for name in _field_names(type(self)) if name != "grid"}
        data["grid"] = self.grid.to_dict()
        data["corrections"] = [_plain(p) for p in self.corrections]
        return data


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    if cls not in _FIELD_NAMES:
        _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return _FIELD_NAMES[cls]


_SCALARS = (str, int, float, type(None))


def _plain(value: Any) -> Any:
    """`dataclasses.asdict` of the view's parts: dataclasses, lists, tuples, dicts and plain values (the
    most of them, so tested first: the summary PDF digests this form of 300 units' lines)."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if is_dataclass(value):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    return value


# The district summary is the district view (the name the exports and older callers use).
DistrictSummary = DistrictView


def _sums_of(progress: dict[str, Any]) -> KeySums:
    a2 = progress.get("annex2") or {}
    return KeySums(
        a2.get("ytd_energy_tce"),
        a2.get("ytd_energy_tce_last_year"),
        a2.get("ytd_output_wan_yuan"),
        a2.get("ytd_output_wan_yuan_last_year"),
    )


def _part(sums: KeySums) -> tuple[calc.EnergyOutput | None, bool]:
    """(the unit's share of ΣE/ΣY, whether its last-year figures are comparable). Without this year's
    sums (数据不全) a unit is not counted, but that is not a question of 同口径."""
    e, el, y, yl = (
        sums.energy_tce,
        sums.energy_tce_last_year,
        sums.output_wan_yuan,
        sums.output_wan_yuan_last_year,
    )
    if e is None or y is None:
        return None, True
    comparable = bool(el) and bool(yl)  # present and non-zero
    if not comparable:
        return None, False
    assert el is not None and yl is not None
    return calc.EnergyOutput(e, el, y, yl), True


@dataclass(frozen=True)
class _Held:
    """What the view knows of one unit for the period: its progress (from its package, or typed here for
    the district office) and its annex-2 key sums."""

    progress: dict[str, Any]
    sums: KeySums
    package: PeriodPackage | None
    rows: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)  # (annex, row id) -> row

    @classmethod
    def of(cls, progress: dict[str, Any], sums: KeySums, package: PeriodPackage | None) -> _Held:
        rows: dict[tuple[int, str], dict[str, Any]] = {}
        for annex in (1, 4):
            for row in reversed(progress.get(f"annex{annex}") or []):  # the first of a repeated id wins
                rows[annex, row.get("id")] = row
        return cls(progress, sums, package, rows)


def _carbon_of(h: _Held | None) -> dict[str, Any]:
    """A unit's carbon as its package computed it (the keys of `progress --json`)."""
    keys = ("ytd_co2_t", "ytd_co2_t_last_year", "co2_change_pct", "co2_complete")
    return {k: h.progress.get(k) if h else None for k in keys}


def _annex2(plan: Plan, held: Mapping[str, _Held]) -> tuple[list[Annex2Line], Annex2Total, list[str]]:
    lines, parts, left_out = [], [], []
    for row in plan.annex2:
        unit = plan.unit(row.unit)
        h = held.get(unit.id)
        a2 = (h.progress.get("annex2") or {}) if h else {}
        part, comparable = _part(h.sums) if h else (None, True)
        if part is not None:
            parts.append(part)
        elif h is not None and not comparable:
            left_out.append(unit.id)
        lines.append(
            Annex2Line(
                unit_id=unit.id,
                unit_name=unit.name,
                reported=h is not None,
                target_pct=row.target_pct,
                ytd_energy_tce=h.sums.energy_tce if h else None,
                ytd_energy_tce_last_year=h.sums.energy_tce_last_year if h else None,
                ytd_output_wan_yuan=h.sums.output_wan_yuan if h else None,
                ytd_output_wan_yuan_last_year=h.sums.output_wan_yuan_last_year if h else None,
                ytd_intensity=a2.get("ytd_intensity_tce_per_wan_yuan"),
                ytd_change_rate_pct=a2.get("ytd_change_rate_pct") if comparable else None,
                completion_rate_pct=a2.get("completion_rate_pct") if comparable else None,
                colour=a2.get("colour") if comparable else None,
                colour_label=str(a2.get("colour_label")) if comparable and a2 else colour_label(None),
                counted=part is not None,
                comparable=comparable,
                remaining_allowance_tce=h.progress.get("remaining_allowance_tce") if h else None,
                remaining_allowance_per_month_tce=h.progress.get("remaining_allowance_per_month_tce")
                if h
                else None,
                **_carbon_of(h),
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
        colour_counts=dict(Counter(line.colour or "none" for line in lines)),
    )
    return lines, annex2_total, left_out


def _annex3(plan: Plan, held: Mapping[str, _Held]) -> list[Annex3Line]:
    lines = []
    for row in plan.annex3:
        unit = plan.unit(row.unit)
        h = held.get(unit.id)
        a3 = (h.progress.get("annex3") or {}) if h else {}
        lines.append(
            Annex3Line(
                unit_id=unit.id,
                unit_name=unit.name,
                reported=h is not None,
                cap_tce=row.total_cap_wan_tce * 10000,
                ytd_tce=a3.get("ytd_tce"),
                cap_used_pct=a3.get("cap_used_pct"),
                projected_tce=a3.get("projected_tce"),
                intensity=a3.get("intensity"),
                intensity_target=row.intensity_target,
                intensity_unit=row.intensity_unit,
                intensity_yoy_change_pct=a3.get("intensity_yoy_change_pct"),
                intensity_yoy_target_pct=row.intensity_yoy_change_pct,
                colour=a3.get("colour"),
                colour_label=a3.get("colour_label") or colour_label(None),
                remaining_allowance_tce=h.progress.get("remaining_allowance_tce") if h else None,
                remaining_allowance_per_month_tce=h.progress.get("remaining_allowance_per_month_tce")
                if h
                else None,
                **_carbon_of(h),
            )
        )
    return lines


def _row_of(held: Mapping[str, _Held], unit_id: str, annex: int, row_id: str) -> dict[str, Any] | None:
    h = held.get(unit_id)
    return h.rows.get((annex, row_id)) if h else None


def _status(plan: Plan, held: Mapping[str, _Held], unit_id: str, mine: dict[str, Any] | None) -> UnitStatus:
    return UnitStatus(
        unit_id,
        plan.unit(unit_id).name,
        unit_id in held,
        mine.get("status") if mine else None,
        mine.get("value") if mine else None,
        mine.get("colour") if mine else None,
    )


def _annex1(plan: Plan, held: Mapping[str, _Held], total: Annex2Total, n_counted: int) -> list[RowLine]:
    out = []
    for r1 in plan.annex1:
        lead = plan.unit(r1.lead)
        mine = _row_of(held, lead.id, 1, r1.id)
        status = _status(plan, held, lead.id, mine)
        value, colour = status.value, status.colour
        source, computed = "", ""
        if r1.computed == ANNEX2_DISTRICT_RATE and r1.target_value is not None:
            computed = r1.computed
            value = total.change_rate_pct
            rules = plan.rules
            colour = calc.rate_colour(value, r1.target_value, rules.warning_rule, rules.yellow_gap_share)
            source = translate("summary", "由附件2各单位 ΣE/ΣY 计算（{n} 个单位），非填报").format(
                n=n_counted
            )
        out.append(
            RowLine(
                annex=1,
                id=r1.id,
                area=r1.area,
                text=r1.text,
                target=_annex1_target(r1.measure, r1.target_value, r1.target_unit, r1.target_text),
                lead_id=lead.id,
                lead_name=lead.name,
                value=value,
                status=status.status,
                share_of_target_pct=mine.get("share_of_target_pct") if mine else None,
                colour=colour,
                colour_label=colour_label(colour),
                units=[status],
                status_counts=_counts([status]),
                source=source,
                computed=computed,
            )
        )
    return out


def _district_total(
    plan: Plan, task: Annex4Row, held: Mapping[str, _Held], month: int
) -> DistrictTaskTotal | None:
    """A district-scope task's district value from each responsible unit's value in its package (the
    lead's value, else the contributions' sum when the target adds them up); None for other tasks."""
    q = task.quantity
    if q is None or q.computed or q.scope != DISTRICT_SCOPE:
        return None
    values = {}
    for uid in plan.expand(task.responsible):
        mine = _row_of(held, uid, 4, task.id)
        values[uid] = mine.get("value") if mine else None
    return district_task_total(plan, task, values, month)


def _total_source(plan: Plan, total: DistrictTaskTotal) -> str:
    names = "、".join(plan.unit(u).name for u in total.contributions)
    if total.source == "lead":
        return translate("summary", "全区值：牵头单位{lead}填报").format(lead=plan.unit(total.lead_id).name)
    if total.source == "contributions":
        return translate("summary", "全区值：牵头单位未填报，按各单位贡献值合计（{names}）").format(
            names=names
        )
    return translate("summary", "全区值：尚无单位填报")


def _annex4(
    plan: Plan, held: Mapping[str, _Held], rate: tuple[int, int, float | None], month: int
) -> list[RowLine]:
    out = []
    for task in plan.annex4:
        statuses = []
        lead_row = None
        for uid in plan.expand(task.responsible):
            mine = _row_of(held, uid, 4, task.id)
            lead_row = lead_row or mine
            statuses.append(_status(plan, held, uid, mine))
        first = statuses[0]
        value, colour, source = first.value, calc.worst(s.colour for s in statuses), ""
        q = task.quantity
        computed = q.computed if q is not None else ""
        if q is not None and q.computed == REPORT_RATE:
            on_time, expected, value = rate
            colour = calc.worst(
                [calc.level_colour(value, q.value, q.op, plan.rules.yellow_gap_share)]
                + [s.colour for s in statuses]
            )
            source = translate("summary", "由报送完整性表计算：按时收到 {a} 份，应报 {b} 份，非填报").format(
                a=on_time, b=expected
            )
        total = _district_total(plan, task, held, month)
        lead = (
            first
            if total is None
            else _status(plan, held, total.lead_id, _row_of(held, total.lead_id, 4, task.id))
        )
        share = lead_row.get("share_of_target_pct") if lead_row else None
        if total is not None:  # the district's value, judged against the whole target
            computed = DISTRICT_TOTAL
            value, colour, share, source = (
                total.value,
                total.colour,
                total.share_of_target_pct,
                _total_source(plan, total),
            )
        out.append(
            RowLine(
                annex=4,
                id=task.id,
                area=task.area,
                text=task.text,
                target=total.target
                if total
                else lead_row.get("target", "")
                if lead_row
                else _task_target(task.quantity),
                lead_id=lead.unit_id,
                lead_name=lead.unit_name,
                value=value,
                status=lead.status,
                share_of_target_pct=share,
                colour=colour,
                colour_label=colour_label(colour),
                units=statuses,
                status_counts=_counts(statuses),
                source=source,
                computed=computed,
            )
        )
    return out


def _task_target(q: Any) -> str:
    if q is None:
        return ""
    return f"{ {'>=': '≥', '<=': '≤', '=': ''}[q.op] }{q.value:g}{q.unit}"


def _notes(not_comparable: list[str], corrections: list[PackageLine], exempt: list[str]) -> list[str]:
    """What a reader of the totals must know: who is left out of ΣE/ΣY, corrections, exempt units."""
    notes = []
    if not_comparable:
        notes.append(
            translate(
                "summary",
                "同口径：{names}上年同期能耗或产值为零或缺失，无可比的变化率，未计入全区 ΣE/ΣY 合计。",
            ).format(names="、".join(not_comparable))
        )
    for p in corrections:
        notes.append(
            translate("summary", "{unit}报送第 {v} 版（更正第 {old} 版）：{reason}").format(
                unit=p.unit_name,
                v=p.version,
                old=p.replaces_version or p.version - 1,
                reason=p.correction_reason or translate("summary", "报送文件未载明更正原因"),
            )
        )
        if p.missing_note:
            notes.append(
                translate("summary", "{unit}：{note}。").format(unit=p.unit_name, note=p.missing_note)
            )
    if exempt:
        notes.append(
            translate("summary", "免报单位（计划暂免下达指标）：{names}，不计入未报。").format(
                names="、".join(exempt)
            )
        )
    return notes


def build_district_view(
    plan: Plan,
    period: Period,
    grid: Completeness,
    packages: Mapping[str, PeriodPackage],
    own_progress: dict[str, Any] | None = None,
    missing_versions: Mapping[str, str] | None = None,
) -> DistrictView:
    """`packages`: unit id -> its package in use for `period`; `own_progress`: the district office's
    progress from the figures typed here (used when it has no submitted version of the period);
    `missing_versions`: unit id -> a note on earlier versions never received ("第 2 版未收到")."""
    missing_versions = missing_versions or {}
    held: dict[str, _Held] = {
        uid: _Held.of(json.loads(p.progress_json), p.sums, p) for uid, p in packages.items()
    }
    if own_progress is not None and plan.district_unit not in held:
        held[plan.district_unit] = _Held.of(own_progress, _sums_of(own_progress), None)
    annex2, annex2_total, left_out = _annex2(plan, held)
    annex3 = _annex3(plan, held)
    ytd3 = [line.ytd_tce for line in annex3 if line.ytd_tce is not None]
    rate = report_rate(plan, grid)
    lines = [
        PackageLine(
            uid,
            plan.unit(uid).name,
            p.version,
            p.created_at,
            p.source,
            p.correction_reason,
            p.replaces_version,
            p.received_on,
            p.signed_at,
            missing_versions.get(uid, ""),
        )
        for uid, p in sorted(packages.items(), key=lambda item: _order(plan, item[0]))
    ]
    expected = expected_units(plan)
    exempt = [(u.id, u.name) for u in plan.reporting_units() if u.exempt and u.id not in packages]
    not_comparable = [(uid, plan.unit(uid).name) for uid in left_out]
    notes = _notes(
        [name for _uid, name in not_comparable],
        [p for p in lines if p.version > 1],
        [name for _uid, name in exempt],
    )
    return DistrictView(
        plan_id=plan.id,
        plan_year=plan.year,
        district_unit_id=plan.district_unit,
        district_unit_name=plan.unit(plan.district_unit).full_name,
        period=str(period),
        period_label=period.label(),
        grid=grid,
        packages=lines,
        annex2=annex2,
        annex2_total=annex2_total,
        annex3=annex3,
        annex3_ytd_tce=sum(ytd3) if ytd3 else None,
        annex3_units_counted=len(ytd3),
        annex1=_annex1(plan, held, annex2_total, annex2_total.units_counted),
        annex4=_annex4(plan, held, (rate.on_time, rate.expected, rate.pct), period.month),
        reported=[u.id for u in plan.reporting_units() if u.id in packages],
        not_reported=[(u.id, u.name) for u in expected if u.id not in packages],
        exempt=exempt,
        not_comparable=not_comparable,
        report_rate_on_time=rate.on_time,
        report_rate_expected=rate.expected,
        report_rate_pct=rate.pct,
        report_rate_units=[(uid, plan.unit(uid).name, a, b) for uid, a, b in rate.by_unit],
        notes=notes,
        **_carbon_total(annex3, "annex3_"),
        **_carbon_total([*annex2, *annex3], ""),
    )


def _carbon_total(lines: Sequence[Annex2Line | Annex3Line], prefix: str) -> dict[str, Any]:
    """ΣtCO₂ over the units with this year's and last year's figures: a sum, never an average. With no
    prefix, also the units left out and why (annex-3 totals keep their own keys)."""
    counted = [x for x in lines if x.ytd_co2_t is not None and x.ytd_co2_t_last_year is not None]
    total = sum(x.ytd_co2_t or 0.0 for x in counted) if counted else None
    last = sum(x.ytd_co2_t_last_year or 0.0 for x in counted) if counted else None
    data: dict[str, Any] = {
        f"{prefix}ytd_co2_t": total,
        f"{prefix}ytd_co2_t_last_year": last,
        f"{prefix}co2_change_pct": calc.pct_change(total, last),
        f"{prefix}co2_units": [x.unit_id for x in counted],
    }
    if not prefix:
        data["co2_left_out"] = [
            (x.unit_id, x.unit_name, _why_no_carbon(x)) for x in lines if x not in counted
        ]
    return data


def _why_no_carbon(line: Annex2Line | Annex3Line) -> str:
    if not line.reported:
        return translate("summary", "未报送")
    if line.co2_complete is None and isinstance(line, Annex2Line):
        return translate("summary", "未填分品种能耗（选填）")
    return translate("summary", "碳排放数据不全")


def _order(plan: Plan, unit_id: str) -> int:
    return plan.unit_index(unit_id)


def _annex1_target(measure: str, value: float | None, unit: str, text: str) -> str:
    if measure == "qualitative" or value is None:
        return text
    return f"{value:g}{unit}"


def _counts(statuses: list[UnitStatus]) -> dict[str, int]:
    counts = Counter(s.status if s.status in TASK_STATUSES else NOT_REPORTED for s in statuses)
    return {k: counts[k] for k in (*TASK_STATUSES, NOT_REPORTED) if counts[k]}


def district_view(
    store: Store, period: Period, *, as_of: date | None = None, plan: Plan | None = None
) -> DistrictView:
    """The one district view of `period` that the page, `status` and both summary exports render: a
    few set-based queries (every version held, the period's packages), whatever the number of units.
    `plan`: the database's plan already parsed (the window's, for a job on a connection of its own)."""
    plan = plan or store.plans.get()
    held = held_versions(store, plan)
    grid = completeness_grid(plan, held, as_of or date.today(), period)
    packages = {p.unit_id: p for p in period_packages(store.db, plan.id, str(period))}
    missing = _missing_versions(held, period, packages)
    own = None
    if plan.district_unit not in packages and plan.fields_for(plan.district_unit):
        figures = store.figures.read(plan.id, plan.district_unit)
        coefficients = store.plans.coefficients(plan.coefficients)
        factors = store.plans.emission_factors(plan.emission_factors)
        own = unit_progress(plan, coefficients, figures, plan.district_unit, period, factors).to_dict()
    return build_district_view(plan, period, grid, packages, own, missing)


def _missing_versions(
    held: Iterable[HeldVersion], period: Period, packages: Mapping[str, PeriodPackage]
) -> dict[str, str]:
    """unit id -> "第 2 版未收到" for packages in use whose earlier versions the district never received."""
    versions: dict[str, set[int]] = {}
    for h in held:
        if h.period == str(period):
            versions.setdefault(h.unit_id, set()).add(h.version)
    notes = {}
    for uid, p in packages.items():
        missing = [v for v in range(1, p.version) if v not in versions.get(uid, set())]
        if missing:
            notes[uid] = translate("summary", "第 {v} 版未收到").format(v="、".join(map(str, missing)))
    return notes


def summary_from_store(store: Store, period: Period) -> DistrictView:
    """The district view as of today (the name the exports used)."""
    return district_view(store, period)
