"""A unit's progress for a period: figures to date, targets, rates and warning colours.

Joins the plan, the coefficient table and the stored figures, and hands the numbers to `calc`.
The result is plain data (dataclasses) that the window, the CLI (`--json`) and the reports share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from model.calc import formulas as calc
from model.common.i18n import translate
from model.common.periods import Period
from model.plan.coefficients import CoefficientSet, basis_label
from model.plan.spec import LAST_YEAR, Plan
from model.store.figures import Figure

COLOUR_WORDS = {
    "green": ("绿", "达标"),
    "yellow": ("黄", "预警"),
    "red": ("红", "未达标"),
}


def colour_label(colour: str | None) -> str:
    """Colour and a word, so the meaning survives black-and-white printing."""
    if colour is None:
        return translate("progress", "无数据")
    short, word = COLOUR_WORDS[colour]
    return f"{translate('progress', short)}·{translate('progress', word)}"


class MonthTable:
    """Figures of one unit for one plan year, by month and field."""

    def __init__(self, year: int, figures: Iterable[Figure]) -> None:
        self.year = year
        self.values: dict[int, dict[str, float]] = defaultdict(dict)
        self.texts: dict[int, dict[str, str]] = defaultdict(dict)
        self.notes: dict[int, dict[str, str]] = defaultdict(dict)
        for f in figures:
            y, m = int(f.period[:4]), int(f.period[5:7])
            if y != year:
                continue
            if f.value is not None:
                self.values[m][f.field] = f.value
            if f.text is not None:
                self.texts[m][f.field] = f.text
            if f.note:
                self.notes[m][f.field] = f.note

    def value(self, month: int, key: str) -> float | None:
        return self.values.get(month, {}).get(key)

    def ytd_sum(self, key: str, month: int) -> float | None:
        present = [self.values[m][key] for m in range(1, month + 1) if key in self.values.get(m, {})]
        return sum(present) if present else None

    def latest(self, key: str, month: int) -> float | None:
        for m in range(month, 0, -1):
            if key in self.values.get(m, {}):
                return self.values[m][key]
        return None

    def latest_text(self, key: str, month: int) -> str | None:
        for m in range(month, 0, -1):
            if key in self.texts.get(m, {}):
                return self.texts[m][key]
        return None

    def months_with(self, keys: Iterable[str]) -> list[int]:
        wanted = set(keys)
        return sorted(m for m, vals in self.values.items() if wanted & vals.keys())


# ---- annex 2 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Annex2Month:
    month: int
    energy_tce: float | None
    energy_tce_last_year: float | None
    output_wan_yuan: float | None
    output_wan_yuan_last_year: float | None
    ytd_intensity: float | None
    ytd_intensity_last_year: float | None
    ytd_change_rate_pct: float | None
    colour: str | None


@dataclass(frozen=True)
class Annex2Progress:
    target_pct: float
    ytd_energy_tce: float | None
    ytd_energy_tce_last_year: float | None
    ytd_output_wan_yuan: float | None
    ytd_output_wan_yuan_last_year: float | None
    ytd_intensity_tce_per_wan_yuan: float | None
    ytd_intensity_last_year_tce_per_wan_yuan: float | None
    ytd_change_rate_pct: float | None
    completion_rate_pct: float | None
    colour: str | None
    colour_label: str
    months: list[Annex2Month]


def _role_keys(plan: Plan) -> dict[str, str]:
    return {f.role: f.key for f in plan.fields if f.annex == 2 and f.role}


def annex2_sums(plan: Plan, table: MonthTable, month: int) -> calc.EnergyOutput | None:
    """YTD ΣE and ΣY this and last year, or None when any of the four is missing."""
    keys = _role_keys(plan)
    sums = [
        table.ytd_sum(keys[r], month) for r in ("energy", "energy_last_year", "output", "output_last_year")
    ]
    if any(s is None for s in sums):
        return None
    e, el, y, yl = (float(s) for s in sums if s is not None)
    return calc.EnergyOutput(e, el, y, yl)


def annex2_progress(plan: Plan, unit_id: str, table: MonthTable, period: Period) -> Annex2Progress | None:
    row = plan.annex2_row(unit_id)
    if row is None:
        return None
    keys = _role_keys(plan)
    rules = plan.rules

    def ytd(role: str, month: int) -> float | None:
        return table.ytd_sum(keys[role], month)

    months = []
    for m in range(1, period.month + 1):
        e, el, y, yl = (
            ytd("energy", m),
            ytd("energy_last_year", m),
            ytd("output", m),
            ytd("output_last_year", m),
        )
        rate = calc.change_rate_pct(e, el, y, yl)
        months.append(
            Annex2Month(
                month=m,
                energy_tce=table.value(m, keys["energy"]),
                energy_tce_last_year=table.value(m, keys["energy_last_year"]),
                output_wan_yuan=table.value(m, keys["output"]),
                output_wan_yuan_last_year=table.value(m, keys["output_last_year"]),
                ytd_intensity=calc.intensity(e, y),
                ytd_intensity_last_year=calc.intensity(el, yl),
                ytd_change_rate_pct=rate,
                colour=calc.rate_colour(rate, row.target_pct, rules.warning_rule, rules.yellow_gap_share),
            )
        )
    m = period.month
    e, el, y, yl = ytd("energy", m), ytd("energy_last_year", m), ytd("output", m), ytd("output_last_year", m)
    rate = calc.change_rate_pct(e, el, y, yl)
    colour = calc.rate_colour(rate, row.target_pct, rules.warning_rule, rules.yellow_gap_share)
    return Annex2Progress(
        target_pct=row.target_pct,
        ytd_energy_tce=e,
        ytd_energy_tce_last_year=el,
        ytd_output_wan_yuan=y,
        ytd_output_wan_yuan_last_year=yl,
        ytd_intensity_tce_per_wan_yuan=calc.intensity(e, y),
        ytd_intensity_last_year_tce_per_wan_yuan=calc.intensity(el, yl),
        ytd_change_rate_pct=rate,
        completion_rate_pct=calc.completion_rate_pct(rate, row.target_pct),
        colour=colour,
        colour_label=colour_label(colour),
        months=months,
    )


# ---- annex 3 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CarrierTotal:
    key: str
    label: str
    unit: str
    ytd_amount: float | None
    kgce_per_unit: float
    ytd_tce: float | None


@dataclass(frozen=True)
class Annex3Month:
    month: int
    tce: float | None
    tce_last_year: float | None
    cumulative_tce: float | None


@dataclass(frozen=True)
class Annex3Progress:
    coefficient_version: str
    electricity_basis: str
    electricity_basis_label: str
    cap_tce: float
    ytd_tce: float | None
    ytd_tce_last_year: float | None
    cap_used_pct: float | None
    projected_tce_linear: float | None
    projected_tce_by_profile: float | None
    projected_tce: float | None
    total_colour: str | None
    denominator_field: str
    denominator: float | None
    denominator_last_year: float | None
    intensity: float | None
    intensity_target: float
    intensity_unit: str
    intensity_colour: str | None
    intensity_yoy_change_pct: float | None
    intensity_yoy_target_pct: float
    intensity_yoy_colour: str | None
    colour: str | None
    colour_label: str
    carriers: list[CarrierTotal]
    months: list[Annex3Month]


def month_tce(
    plan: Plan, coefficients: CoefficientSet, table: MonthTable, month: int, last_year: bool = False
) -> float | None:
    """A month's energy in tce, summed over carriers; None when no carrier was entered."""
    total, seen = 0.0, False
    for f in plan.fields:
        if f.annex != 3 or not f.carrier or f.is_last_year != last_year:
            continue
        amount = table.value(month, f.key)
        if amount is not None:
            seen = True
            total += coefficients.to_tce(f.carrier, amount, plan.electricity_basis, plan.year)
    return total if seen else None


def _sum_optional(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def annex3_progress(
    plan: Plan, unit_id: str, coefficients: CoefficientSet, table: MonthTable, period: Period
) -> Annex3Progress | None:
    row = plan.annex3_row(unit_id)
    if row is None:
        return None
    rules = plan.rules
    n = period.month
    monthly = [month_tce(plan, coefficients, table, m) for m in range(1, 13)]
    monthly_last = [month_tce(plan, coefficients, table, m, last_year=True) for m in range(1, 13)]
    ytd = _sum_optional(monthly[:n])
    ytd_last = _sum_optional(monthly_last[:n])
    last_full = _sum_optional(monthly_last) if all(v is not None for v in monthly_last) else None
    cap = row.total_cap_wan_tce * 10000
    linear = None if ytd is None else calc.project_linear(ytd, n)
    by_profile = None if ytd is None else calc.project_by_profile(ytd, ytd_last, last_full)
    projected = by_profile if by_profile is not None else linear

    den_key = row.denominator_field
    if row.denominator_kind == "stock":
        den, den_last = table.latest(den_key, n), table.latest(den_key + LAST_YEAR, n)
        den_last = den_last if den_last is not None else den
        # intensity = annual total / floor area: judged on the projected year-end total
        inten = calc.intensity(projected, den)
        inten_this = calc.intensity(ytd, den)
        inten_last = calc.intensity(ytd_last, den_last)
    else:
        den, den_last = table.ytd_sum(den_key, n), table.ytd_sum(den_key + LAST_YEAR, n)
        inten = inten_this = calc.intensity(ytd, den)
        inten_last = calc.intensity(ytd_last, den_last)
    yoy = calc.pct_change(inten_this, inten_last)

    carriers = []
    for f in plan.fields:
        if f.annex == 3 and f.carrier and not f.is_last_year:
            amount = table.ytd_sum(f.key, n)
            kgce = coefficients.kgce_per_unit(f.carrier, plan.electricity_basis, plan.year)
            carriers.append(
                CarrierTotal(
                    f.key, f.label, f.unit, amount, kgce, None if amount is None else amount * kgce / 1000
                )
            )
    months, running = [], 0.0
    for m in range(1, n + 1):
        if monthly[m - 1] is not None:
            running += monthly[m - 1] or 0.0
        months.append(
            Annex3Month(m, monthly[m - 1], monthly_last[m - 1], running if ytd is not None else None)
        )

    total_colour = calc.cap_colour(projected, cap, rules.yellow_gap_share)
    intensity_colour = calc.cap_colour(inten, row.intensity_target, rules.yellow_gap_share)
    yoy_colour = calc.rate_colour(
        yoy, row.intensity_yoy_change_pct, rules.warning_rule, rules.yellow_gap_share
    )
    colour = calc.worst([total_colour, intensity_colour, yoy_colour])
    return Annex3Progress(
        coefficient_version=coefficients.version,
        electricity_basis=plan.electricity_basis,
        electricity_basis_label=basis_label(plan.electricity_basis),
        cap_tce=cap,
        ytd_tce=ytd,
        ytd_tce_last_year=ytd_last,
        cap_used_pct=None if ytd is None else ytd / cap * 100,
        projected_tce_linear=linear,
        projected_tce_by_profile=by_profile,
        projected_tce=projected,
        total_colour=total_colour,
        denominator_field=den_key,
        denominator=den,
        denominator_last_year=den_last,
        intensity=inten,
        intensity_target=row.intensity_target,
        intensity_unit=row.intensity_unit,
        intensity_colour=intensity_colour,
        intensity_yoy_change_pct=yoy,
        intensity_yoy_target_pct=row.intensity_yoy_change_pct,
        intensity_yoy_colour=yoy_colour,
        colour=colour,
        colour_label=colour_label(colour),
        carriers=carriers,
        months=months,
    )


# ---- annex 1 and 4 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProgress:
    annex: int
    id: str
    area: str
    text: str
    measure: str  # rate / quantity / level / qualitative / task
    target: str
    value: float | None
    status: str | None
    progress_pct: float | None
    share_of_target_pct: float | None
    elapsed_pct: float | None
    colour: str | None
    colour_label: str
    narrative: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _fmt_target(op: str, value: float, unit: str) -> str:
    sign = {">=": "≥", "<=": "≤", "=": ""}[op]
    return f"{sign}{value:g}{unit}"


def annex1_progress(plan: Plan, unit_id: str, table: MonthTable, period: Period) -> list[RowProgress]:
    rules, n = plan.rules, period.month
    out = []
    for row in plan.annex1_rows_led_by(unit_id):
        status = table.latest_text(f"{row.id}.status", n)
        value = table.latest(f"{row.id}.value", n)
        share = elapsed = None
        if row.measure == "rate" and row.target_value is not None:
            colour = calc.rate_colour(value, row.target_value, rules.warning_rule, rules.yellow_gap_share)
            target = f"{row.target_value:g}%"
        elif row.measure == "quantity" and row.target_value is not None:
            q = calc.quantity_progress(value, row.target_value, n, rules.yellow_gap_share)
            colour = q.colour if q else None
            share, elapsed = (q.share_of_target_pct, q.elapsed_pct) if q else (None, n / 12 * 100)
            target = f"{row.target_value:g}{row.target_unit}"
        else:
            colour = rules.status_colours.get(status or "")
            target = row.target_text
        for i, cond in enumerate(row.conditions, start=1):
            colour = calc.worst(
                [
                    colour,
                    calc.level_colour(
                        table.latest(f"{row.id}.condition{i}", n), cond.value, cond.op, rules.yellow_gap_share
                    ),
                ]
            )
        out.append(
            RowProgress(
                1,
                row.id,
                row.area,
                row.text,
                row.measure,
                target,
                value,
                status,
                None,
                share,
                elapsed,
                colour,
                colour_label(colour),
            )
        )
    return out


def annex4_progress(plan: Plan, unit_id: str, table: MonthTable, period: Period) -> list[RowProgress]:
    rules, n = plan.rules, period.month
    out = []
    for task in plan.annex4_rows_for(unit_id):
        status = table.latest_text(f"{task.id}.status", n)
        colours = [rules.status_colours.get(status or "")]
        value = share = elapsed = None
        target = ""
        extra: dict[str, Any] = {}
        for suffix, q in (("value", task.quantity), ("value2", task.second_quantity)):
            if q is None:
                continue
            v = table.latest(f"{task.id}.{suffix}", n)
            if q.level:
                colours.append(calc.level_colour(v, q.value, q.op, rules.yellow_gap_share))
            else:
                qp = calc.quantity_progress(v, q.value, n, rules.yellow_gap_share)
                colours.append(qp.colour if qp else None)
                if suffix == "value" and qp:
                    share, elapsed = qp.share_of_target_pct, qp.elapsed_pct
            if suffix == "value":
                value, target = v, _fmt_target(q.op, q.value, q.unit)
            else:
                extra = {"value2": v, "target2": _fmt_target(q.op, q.value, q.unit)}
        colour = calc.worst(colours)
        out.append(
            RowProgress(
                4,
                task.id,
                task.area,
                task.text,
                "task",
                target,
                value,
                status,
                table.latest(f"{task.id}.progress_pct", n),
                share,
                elapsed,
                colour,
                colour_label(colour),
                table.latest_text(f"{task.id}.narrative", n),
                extra,
            )
        )
    return out


# ---- all of it -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitProgress:
    plan_id: str
    unit_id: str
    unit_name: str
    period: str
    period_label: str
    elapsed_pct: float
    annex2: Annex2Progress | None
    annex3: Annex3Progress | None
    annex1: list[RowProgress]
    annex4: list[RowProgress]

    @property
    def colour(self) -> str | None:
        parts = [self.annex2.colour if self.annex2 else None, self.annex3.colour if self.annex3 else None]
        return calc.worst(parts + [r.colour for r in self.annex1 + self.annex4])

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["colour"] = self.colour
        data["colour_label"] = colour_label(self.colour)
        return data


def unit_progress(
    plan: Plan, coefficients: CoefficientSet, figures: Iterable[Figure], unit_id: str, period: Period
) -> UnitProgress:
    table = MonthTable(plan.year, figures)
    return UnitProgress(
        plan_id=plan.id,
        unit_id=unit_id,
        unit_name=plan.unit(unit_id).name,
        period=str(period),
        period_label=period.label(),
        elapsed_pct=period.elapsed_share * 100,
        annex2=annex2_progress(plan, unit_id, table, period),
        annex3=annex3_progress(plan, unit_id, coefficients, table, period),
        annex1=annex1_progress(plan, unit_id, table, period),
        annex4=annex4_progress(plan, unit_id, table, period),
    )
