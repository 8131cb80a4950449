"""A unit's progress for a period: figures to date, targets, rates and warning colours.

Joins the plan, the coefficient table and the stored figures, and hands the numbers to `calc`.
The result is plain data (dataclasses) that the window, the CLI (`--json`) and the reports share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from model.calc import formulas as calc
from model.calc.allowance import Allowance, annex2_allowance, annex3_allowance
from model.calc.carbon import CarbonProgress, carbon_progress
from model.common.i18n import translate
from model.common.periods import Period
from model.plan.coefficients import ELECTRICITY, CoefficientSet, basis_label
from model.plan.emission import EmissionFactorSet, load_shipped_emission_factors
from model.plan.spec import DISTRICT_SCOPE, LAST_YEAR, SUM, Annex3Row, Annex4Row, Plan, Quantity
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


# ---- completeness ------------------------------------------------------------------------------

INCOMPLETE = "数据不全"


@dataclass(frozen=True)
class MissingCell:
    """A figure the period needs that was not entered: its month, field key and label as printed."""

    period: str
    field: str
    label: str


def incomplete_label() -> str:
    return translate("progress", INCOMPLETE)


def months_due(plan: Plan, table: MonthTable, keys: Iterable[str], month: int) -> list[int]:
    """The months 1..`month` whose figures a report needs.

    There is no report before the plan's first cumulative period (1–2月): a month before it that holds
    none of `keys` comes inside that period's figures, so it is not asked for on its own.
    """
    wanted = set(keys)
    first = plan.rules.first_cumulative_month
    return [
        m
        for m in range(1, month + 1)
        if not (m < first <= month and not wanted & table.values.get(m, {}).keys())
    ]


def _period_key(plan: Plan, month: int) -> str:
    return f"{plan.year:04d}-{month:02d}"


def _cell(plan: Plan, month: int, key: str) -> MissingCell:
    return MissingCell(_period_key(plan, month), key, plan.field(key).display_label)


def annex2_missing(plan: Plan, table: MonthTable, month: int) -> list[MissingCell]:
    """Every required annex-2 figure (this year's and last year's) missing in a month the period needs."""
    required = [f.key for f in plan.fields if f.annex == 2 and f.required]
    return [
        _cell(plan, m, key)
        for m in months_due(plan, table, required, month)
        for key in required
        if table.value(m, key) is None
    ]


def annex3_missing(plan: Plan, unit_id: str, table: MonthTable, month: int) -> list[MissingCell]:
    """Missing energy figures (a required carrier, or last year's twin of a carrier entered this year,
    or the reverse) and missing intensity denominators in the months the period needs."""
    row = plan.annex3_row(unit_id)
    if row is None:
        return []
    fields = [f for f in plan.fields_for(unit_id) if f.annex == 3]
    carriers = [f for f in fields if f.carrier and not f.is_last_year]
    den = row.denominator_field
    out: list[MissingCell] = []
    for m in months_due(plan, table, [f.key for f in fields], month):
        for f in carriers:
            pair = (f.key, f.key + LAST_YEAR)
            entered = [table.value(m, k) is not None for k in pair]
            if f.required or any(entered):
                out += [_cell(plan, m, k) for k, there in zip(pair, entered, strict=True) if not there]
        if row.denominator_kind == "flow":
            out += [_cell(plan, m, k) for k in (den, den + LAST_YEAR) if table.value(m, k) is None]
    if row.denominator_kind == "stock" and table.latest(den, month) is None:
        out.append(_cell(plan, month, den))
    return sorted(out, key=lambda c: c.period)


def rows_missing(plan: Plan, unit_id: str, table: MonthTable, month: int) -> list[MissingCell]:
    """Required annex-1/4 figures (statuses, values): each is a level held from the month it was entered."""
    return [
        _cell(plan, month, f.key)
        for f in plan.fields_for(unit_id)
        if f.annex in (1, 4)
        and f.required
        and table.latest(f.key, month) is None
        and table.latest_text(f.key, month) is None
    ]


def missing_cells(plan: Plan, unit_id: str, table: MonthTable, month: int) -> list[MissingCell]:
    """Every required figure of the unit missing in months 1..`month`: annex 2, annex 3, then rows."""
    return [
        *(annex2_missing(plan, table, month) if plan.annex2_row(unit_id) else []),
        *annex3_missing(plan, unit_id, table, month),
        *rows_missing(plan, unit_id, table, month),
    ]


def _first_gap(missing: Iterable[MissingCell]) -> int:
    """The first month with a missing figure (13 when none): cumulative figures stop before it."""
    return min((int(c.period[5:7]) for c in missing), default=13)


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
    colour_label: str


@dataclass(frozen=True)
class Annex2Indicator:
    """A line of the form's main table: this month, this year to date, last year to date, change."""

    role: str
    key: str
    label: str
    unit: str
    month_value: float | None
    ytd: float | None
    ytd_last_year: float | None
    change_pct: float | None


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
    complete: bool
    missing: list[MissingCell]
    indicators: list[Annex2Indicator]
    allowance: Allowance | None = None
    # the optional carrier breakdown's carbon: None when the unit fills no carrier in months 1..N
    carbon: CarbonProgress | None = None
    carbon_missing: list[MissingCell] = field(default_factory=list)  # only the carbon is 数据不全


def _role_keys(plan: Plan) -> dict[str, str]:
    return {f.role: f.key for f in plan.fields if f.annex == 2 and f.role}


def _sums(keys: dict[str, str], table: MonthTable, month: int) -> calc.EnergyOutput:
    """YTD ΣE and ΣY this and last year over months known to be complete (no missing cell up to `month`)."""
    e, el, y, yl = (
        table.ytd_sum(keys[r], month) or 0.0
        for r in ("energy", "energy_last_year", "output", "output_last_year")
    )
    return calc.EnergyOutput(e, el, y, yl)


def annex2_totals(a2: Annex2Progress) -> calc.EnergyOutput | None:
    """A unit's ΣE/ΣY as its report holds them, for a group or district total; None while incomplete."""
    e, el = a2.ytd_energy_tce, a2.ytd_energy_tce_last_year
    y, yl = a2.ytd_output_wan_yuan, a2.ytd_output_wan_yuan_last_year
    if not a2.complete or e is None or el is None or y is None or yl is None:
        return None
    return calc.EnergyOutput(e, el, y, yl)


def _complete_sum(plan: Plan, table: MonthTable, key: str, month: int) -> float | None:
    """The sum over the months the period needs, or None when one of them lacks the figure."""
    months = months_due(plan, table, [key], month)
    if not months or any(table.value(m, key) is None for m in months):
        return None
    return sum(table.value(m, key) or 0.0 for m in months)


def _indicators(plan: Plan, table: MonthTable, month: int, complete: bool) -> list[Annex2Indicator]:
    by_role = {f.role: f for f in plan.fields if f.annex == 2 and f.role}
    out = []
    for role in ("energy", "gross_energy", "output"):
        f, last = by_role.get(role), by_role.get(role + LAST_YEAR)
        if f is None:
            continue
        ytd = _complete_sum(plan, table, f.key, month) if complete else None
        ytd_last = _complete_sum(plan, table, last.key, month) if complete and last else None
        out.append(
            Annex2Indicator(
                role,
                f.key,
                f.label,
                f.unit,
                table.value(month, f.key),
                ytd,
                ytd_last,
                calc.pct_change(ytd, ytd_last),
            )
        )
    return out


def _annex2_month(
    plan: Plan,
    table: MonthTable,
    keys: dict[str, str],
    row_target: float,
    m: int,
    sums: calc.EnergyOutput | None,
    merged: bool,
) -> Annex2Month:
    """Month m's row; `merged`: a month before the first cumulative period whose figures come with it."""
    rules = plan.rules
    rate = sums.change_rate_pct if sums else None
    colour = calc.rate_colour(rate, row_target, rules.warning_rule, rules.yellow_gap_share)
    return Annex2Month(
        month=m,
        energy_tce=table.value(m, keys["energy"]),
        energy_tce_last_year=table.value(m, keys["energy_last_year"]),
        output_wan_yuan=table.value(m, keys["output"]),
        output_wan_yuan_last_year=table.value(m, keys["output_last_year"]),
        ytd_intensity=calc.intensity(sums.energy, sums.output) if sums else None,
        ytd_intensity_last_year=calc.intensity(sums.energy_last, sums.output_last) if sums else None,
        ytd_change_rate_pct=rate,
        colour=colour,
        colour_label=colour_label(colour) if sums else "" if merged else incomplete_label(),
    )


def last_year_monthly(plan: Plan, table: MonthTable, key: str) -> list[float | None]:
    """Last year's 12 monthly figures of a field; a month before the first cumulative period that holds
    nothing comes inside it (0 on its own)."""
    first = plan.rules.first_cumulative_month
    return [
        0.0 if v is None and m < first and not table.values.get(m) else v
        for m in range(1, 13)
        for v in [table.value(m, key)]
    ]


def breakdown_missing(plan: Plan, table: MonthTable, month: int) -> list[MissingCell]:
    """The optional carrier breakdown of annex 2: each carrier entered in a month the period needs (this
    year or last year) must be there in every such month, this year and last year (0 when none was
    used); otherwise the carbon is 数据不全 (the energy figures are not affected)."""
    carriers = [f for f in plan.fields if f.is_carbon_breakdown and not f.is_last_year]
    required = [f.key for f in plan.fields if f.annex == 2 and f.required]
    due = months_due(plan, table, required + [f.key for f in carriers], month)
    pairs = [(f.key, f.key + LAST_YEAR) for f in carriers]
    used = [p for p in pairs if any(table.value(m, k) is not None for m in due for k in p)]
    return [_cell(plan, m, k) for m in due for p in used for k in p if table.value(m, k) is None]


def annex2_carbon(
    plan: Plan, table: MonthTable, period: Period, a2: Annex2Progress, factors: EmissionFactorSet
) -> Annex2Progress:
    """`a2` with the carbon of its carrier breakdown, when the unit fills one (intensity per 万元 output)."""
    n = period.month
    carriers = [
        f
        for f in plan.fields
        if f.is_carbon_breakdown
        and not f.is_last_year
        and any(table.value(m, k) is not None for m in range(1, n + 1) for k in (f.key, f.key + LAST_YEAR))
    ]  # the carriers the unit fills
    if not carriers:
        return a2
    missing = breakdown_missing(plan, table, n)
    short = {(int(c.period[5:7]), c.field.endswith(LAST_YEAR)) for c in missing}
    gap = _first_gap(missing)
    per_output = "/" + plan.field(_role_keys(plan)["output"]).unit  # tCO₂ per 万元, the annex's denominator
    carbon = carbon_progress(
        carriers,
        factors,
        table.values,
        n,
        not missing,
        short,
        a2.ytd_output_wan_yuan,
        per_output,
        [m < gap for m in range(1, n + 1)],
    )
    return replace(a2, carbon=carbon, carbon_missing=missing)


def annex2_progress(
    plan: Plan,
    unit_id: str,
    table: MonthTable,
    period: Period,
    factors: EmissionFactorSet | None = None,
) -> Annex2Progress | None:
    a2 = _annex2_core(plan, unit_id, table, period)
    if a2 is None:
        return None
    a2 = annex2_carbon(plan, table, period, a2, factors or load_shipped_emission_factors())
    if a2.ytd_energy_tce is None or a2.ytd_output_wan_yuan is None:
        return a2
    keys = _role_keys(plan)
    allowance = annex2_allowance(
        a2.target_pct,
        period.month,
        a2.ytd_energy_tce,
        a2.ytd_output_wan_yuan,
        last_year_monthly(plan, table, keys["energy_last_year"]),
        last_year_monthly(plan, table, keys["output_last_year"]),
    )
    return replace(a2, allowance=allowance)


def _annex2_core(plan: Plan, unit_id: str, table: MonthTable, period: Period) -> Annex2Progress | None:
    row = plan.annex2_row(unit_id)
    if row is None:
        return None
    keys = _role_keys(plan)
    rules = plan.rules
    n = period.month
    missing = annex2_missing(plan, table, n)
    gap = _first_gap(missing)
    due = months_due(plan, table, keys.values(), n)
    months = [
        _annex2_month(
            plan,
            table,
            keys,
            row.target_pct,
            m,
            _sums(keys, table, m) if m < gap and m in due else None,
            m not in due,
        )
        for m in range(1, n + 1)
    ]
    sums = _sums(keys, table, n) if not missing else None
    rate = sums.change_rate_pct if sums else None
    colour = calc.rate_colour(rate, row.target_pct, rules.warning_rule, rules.yellow_gap_share)
    return Annex2Progress(
        target_pct=row.target_pct,
        ytd_energy_tce=sums.energy if sums else None,
        ytd_energy_tce_last_year=sums.energy_last if sums else None,
        ytd_output_wan_yuan=sums.output if sums else None,
        ytd_output_wan_yuan_last_year=sums.output_last if sums else None,
        ytd_intensity_tce_per_wan_yuan=calc.intensity(sums.energy, sums.output) if sums else None,
        ytd_intensity_last_year_tce_per_wan_yuan=calc.intensity(sums.energy_last, sums.output_last)
        if sums
        else None,
        ytd_change_rate_pct=rate,
        completion_rate_pct=calc.completion_rate_pct(rate, row.target_pct),
        colour=colour,
        colour_label=colour_label(colour) if sums else incomplete_label(),
        months=months,
        complete=not missing,
        missing=missing,
        indicators=_indicators(plan, table, n, not missing),
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
    complete: bool
    missing: list[MissingCell]
    projection_method: str | None  # formulas.PROFILE or LINEAR; None when there is no projection
    projection_method_label: str
    electricity_kgce_per_kwh: float | None = None
    electricity_basis_assumed: bool = False
    electricity_basis_note: str = ""
    electricity_basis_evidence: str = ""
    carbon: CarbonProgress | None = None
    allowance: Allowance | None = None

    @property
    def electricity_basis_line(self) -> str:
        """The basis and coefficient as the form prints them, with the assumption when there is one."""
        line = translate("progress", "电力折标：{basis}").format(basis=self.electricity_basis_label)
        if self.electricity_kgce_per_kwh is not None:
            line += translate("progress", " {kgce:g} kgce/kWh").format(kgce=self.electricity_kgce_per_kwh)
        remarks = [translate("progress", "假定")] if self.electricity_basis_assumed else []
        remarks += [self.electricity_basis_note] if self.electricity_basis_note else []
        if remarks:
            line += f"（{'，'.join(remarks)}）"
        return line


def month_tce(
    plan: Plan, coefficients: CoefficientSet, table: MonthTable, month: int, last_year: bool = False
) -> float | None:
    """A month's energy in tce, summed over carriers; None when no carrier was entered."""
    total, seen = 0.0, False
    basis = plan.electricity_basis_for(3).basis
    for f in plan.fields:
        if f.annex != 3 or not f.carrier or f.is_last_year != last_year:
            continue
        amount = table.value(month, f.key)
        if amount is not None:
            seen = True
            total += coefficients.to_tce(f.carrier, amount, basis, plan.year)
    return total if seen else None


def _sum_optional(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def projection_method_label(method: str | None) -> str:
    if method == calc.PROFILE:
        return translate("progress", "按上年月度分布")
    if method == calc.LINEAR:
        return translate("progress", "按线性推算")
    return "—"


def _last_year_profile(
    plan: Plan, coefficients: CoefficientSet, table: MonthTable, due: list[int], n: int
) -> list[float | None]:
    """Last year's 12 monthly totals for the profile projection, None where a required carrier is missing.
    Months before the first cumulative period that hold nothing come inside it (0 on their own)."""
    required = [f.key for f in plan.fields if f.annex == 3 and f.carrier and f.required and f.is_last_year]
    first = plan.rules.first_cumulative_month
    out: list[float | None] = []
    for m in range(1, 13):
        if (m not in due and m <= n) or (m > n and m < first and not table.values.get(m)):
            out.append(0.0)
        elif any(table.value(m, k) is None for k in required):
            out.append(None)
        else:
            out.append(month_tce(plan, coefficients, table, m, last_year=True))
    return out


def _annex3_intensity(
    row: Annex3Row,
    table: MonthTable,
    n: int,
    projected: float | None,
    ytd: float | None,
    ytd_last: float | None,
) -> tuple[float | None, float | None, float | None, float | None]:
    """(denominator, last year's, intensity judged against the target, YoY change of the intensity)."""
    den_key = row.denominator_field
    if row.denominator_kind == "stock":
        den, den_last = table.latest(den_key, n), table.latest(den_key + LAST_YEAR, n)
        den_last = den_last if den_last is not None else den
        # intensity = annual total / floor area: judged on the projected year-end total
        inten, inten_this = calc.intensity(projected, den), calc.intensity(ytd, den)
    else:
        den, den_last = table.ytd_sum(den_key, n), table.ytd_sum(den_key + LAST_YEAR, n)
        inten = inten_this = calc.intensity(ytd, den)
    return den, den_last, inten, calc.pct_change(inten_this, calc.intensity(ytd_last, den_last))


def _carrier_totals(
    plan: Plan, coefficients: CoefficientSet, table: MonthTable, n: int, complete: bool
) -> list[CarrierTotal]:
    """Each carrier's year-to-date amount and tce (none while the data are incomplete)."""
    basis = plan.electricity_basis_for(3).basis
    carriers = []
    for f in plan.fields:
        if f.annex == 3 and f.carrier and not f.is_last_year:
            amount = table.ytd_sum(f.key, n) if complete else None
            kgce = coefficients.kgce_per_unit(f.carrier, basis, plan.year)
            carriers.append(
                CarrierTotal(
                    f.key, f.label, f.unit, amount, kgce, None if amount is None else amount * kgce / 1000
                )
            )
    return carriers


def annex3_progress(
    plan: Plan,
    unit_id: str,
    coefficients: CoefficientSet,
    table: MonthTable,
    period: Period,
    factors: EmissionFactorSet | None = None,
) -> Annex3Progress | None:
    """The energy figures, then the carbon (tCO₂ by carrier) and the energy still allowed this year."""
    a3 = _annex3_core(plan, unit_id, coefficients, table, period)
    row = plan.annex3_row(unit_id)
    if a3 is None or row is None:
        return a3
    n = period.month
    short = {
        (int(c.period[5:7]), c.field.endswith(LAST_YEAR)) for c in a3.missing if plan.field(c.field).carrier
    }
    carriers = [f for f in plan.fields if f.annex == 3 and f.carrier and not f.is_last_year]
    carbon = carbon_progress(
        carriers,
        factors or load_shipped_emission_factors(),
        table.values,
        n,
        a3.complete,
        short,
        a3.denominator,
        row.intensity_unit,
        [m.cumulative_tce is not None for m in a3.months],
    )
    allowance = None
    if a3.ytd_tce is not None:
        due = months_due(plan, table, [f.key for f in plan.fields_for(unit_id) if f.annex == 3], n)
        allowance = annex3_allowance(
            a3.cap_tce,
            row.intensity_target,
            n,
            a3.ytd_tce,
            _last_year_profile(plan, coefficients, table, due, n),
            a3.denominator,
            row.denominator_kind == "stock",
            last_year_monthly(plan, table, row.denominator_field + LAST_YEAR),
        )
    return replace(a3, carbon=carbon, allowance=allowance)


def _annex3_core(
    plan: Plan, unit_id: str, coefficients: CoefficientSet, table: MonthTable, period: Period
) -> Annex3Progress | None:
    row = plan.annex3_row(unit_id)
    if row is None:
        return None
    rules = plan.rules
    n = period.month
    missing = annex3_missing(plan, unit_id, table, n)
    complete = not missing
    gap = _first_gap(missing)
    due = months_due(plan, table, [f.key for f in plan.fields_for(unit_id) if f.annex == 3], n)
    # a month's total is shown only when none of its carriers is missing (a missing month is never a zero)
    short = {
        (int(c.period[5:7]), c.field.endswith(LAST_YEAR)) for c in missing if plan.field(c.field).carrier
    }
    monthly = [None if (m, False) in short else month_tce(plan, coefficients, table, m) for m in range(1, 13)]
    monthly_last = [
        None if (m, True) in short else month_tce(plan, coefficients, table, m, last_year=True)
        for m in range(1, 13)
    ]
    ytd = _sum_optional(monthly[:n]) if complete else None
    ytd_last = _sum_optional(monthly_last[:n]) if complete else None
    cap = row.total_cap_wan_tce * 10000
    projection = (
        calc.project_year_end(ytd, n, _last_year_profile(plan, coefficients, table, due, n))
        if ytd is not None
        else None
    )
    projected = projection.value if projection else None
    method = projection.method if projection else None
    den, den_last, inten, yoy = (
        _annex3_intensity(row, table, n, projected, ytd, ytd_last) if complete else (None, None, None, None)
    )

    basis = plan.electricity_basis_for(3)
    carriers = _carrier_totals(plan, coefficients, table, n, complete)
    months, running = [], 0.0
    for m in range(1, n + 1):
        running += monthly[m - 1] or 0.0
        months.append(Annex3Month(m, monthly[m - 1], monthly_last[m - 1], running if m < gap else None))

    total_colour = calc.cap_colour(projected, cap, rules.yellow_gap_share)
    intensity_colour = calc.cap_colour(inten, row.intensity_target, rules.yellow_gap_share)
    yoy_colour = calc.rate_colour(
        yoy, row.intensity_yoy_change_pct, rules.warning_rule, rules.yellow_gap_share
    )
    colour = calc.worst([total_colour, intensity_colour, yoy_colour])
    return Annex3Progress(
        coefficient_version=coefficients.version,
        electricity_basis=basis.basis,
        electricity_basis_label=basis_label(basis.basis),
        cap_tce=cap,
        ytd_tce=ytd,
        ytd_tce_last_year=ytd_last,
        cap_used_pct=None if ytd is None else ytd / cap * 100,
        projected_tce_linear=None if ytd is None else calc.project_linear(ytd, n),
        projected_tce_by_profile=projected if method == calc.PROFILE else None,
        projected_tce=projected,
        total_colour=total_colour,
        denominator_field=row.denominator_field,
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
        colour_label=colour_label(colour) if complete else incomplete_label(),
        carriers=carriers,
        months=months,
        complete=complete,
        missing=missing,
        projection_method=method,
        projection_method_label=projection_method_label(method),
        electricity_kgce_per_kwh=(
            coefficients.kgce_per_unit(ELECTRICITY, basis.basis, plan.year)
            if any(f.annex == 3 and f.carrier == ELECTRICITY for f in plan.fields)
            else None
        ),
        electricity_basis_assumed=basis.assumed,
        electricity_basis_note=basis.note,
        electricity_basis_evidence=basis.evidence,
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
    scope: str = "unit"  # the first quantitative target's: "unit" or "district"
    role: str = "unit"  # "unit", "lead" (reports the district value) or "contribution"
    note: str = ""  # why the colour is not better, e.g. 已完成 without the value


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
            colour = calc.task_status_colour(status, None, n, rules.status_colours, rules.yellow_gap_share)
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


def _task_target(q: Quantity, role: str) -> str:
    shown = _fmt_target(q.op, q.value, q.unit)
    if role == "lead":
        return translate("progress", "全区{target}").format(target=shown)
    if role == "contribution":
        return translate("progress", "贡献·全区{target}").format(target=shown)
    return shown


def _task_row(plan: Plan, task: Annex4Row, unit_id: str, table: MonthTable, n: int) -> RowProgress:
    """One task of one unit: its status against 序时进度, and each quantitative target as the plan says
    (a contribution to a district target is shown, not judged)."""
    rules = plan.rules
    status = table.latest_text(f"{task.id}.status", n)
    progress_pct = table.latest(f"{task.id}.progress_pct", n)
    done = status == calc.DONE
    colours = [calc.task_status_colour(status, progress_pct, n, rules.status_colours, rules.yellow_gap_share)]
    notes: list[str] = []
    value = share = elapsed = None
    target, role, scope = "", "unit", "unit"
    extra: dict[str, Any] = {}
    for suffix, q in task.quantities:
        v = None if q.computed else table.latest(f"{task.id}.{suffix}", n)  # computed by the district
        q_role = task.role_of(unit_id, q)
        shown = _task_target(q, q_role)
        qp = None
        if done and v is None and not q.computed:
            label = q.label or translate("progress", "量化指标")
            if q_role == "contribution":
                notes.append(translate("progress", "未填写本单位{label}贡献值").format(label=label))
            else:
                colours.append(calc.YELLOW)
                notes.append(translate("progress", "已完成但未填写{label}完成值").format(label=label))
        if q_role != "contribution" and not q.computed:
            qp = calc.target_colour(v, q.value, q.op, q.judged, n, done, rules.yellow_gap_share)
            colours.append(qp.colour if qp else None)
        if suffix == "value":
            value, target, role, scope = v, shown, q_role, q.scope
            if qp:
                share, elapsed = qp.share_of_target_pct, qp.elapsed_pct
        else:
            extra = {"value2": v, "target2": shown}
    colour = calc.worst(colours)
    label = colour_label(colour)
    if colour is None and role == "contribution":
        label = translate("progress", "贡献值·不单独预警")
    note = "；".join(notes)
    return RowProgress(
        4,
        task.id,
        task.area,
        task.text,
        "task",
        target,
        value,
        status,
        progress_pct,
        share,
        elapsed,
        colour,
        f"{label}：{note}" if note else label,
        table.latest_text(f"{task.id}.narrative", n),
        extra,
        scope=scope,
        role=role,
        note=note,
    )


def annex4_progress(plan: Plan, unit_id: str, table: MonthTable, period: Period) -> list[RowProgress]:
    return [_task_row(plan, task, unit_id, table, period.month) for task in plan.annex4_rows_for(unit_id)]


@dataclass(frozen=True)
class DistrictTaskTotal:
    """A task's quantitative target for the whole district, from every responsible unit's value."""

    task_id: str
    scope: str
    lead_id: str
    lead_value: float | None
    contributions: dict[str, float]  # co-responsible unit → its value, units that gave one
    not_reported: list[str]  # co-responsible units without a value
    contributions_total: float | None  # None when the target's contributions are not added up
    value: float | None  # the district value judged: the lead's, else the sum of the contributions
    source: str  # "lead", "contributions" or "" (no value)
    target: str
    share_of_target_pct: float | None
    elapsed_pct: float
    colour: str | None
    colour_label: str


def district_task_total(
    plan: Plan,
    task: Annex4Row,
    values_by_unit: Mapping[str, float | None],
    month: int,
    suffix: str = "value",
) -> DistrictTaskTotal:
    """The district's value of a district-scope task target and its colour in month N (1–12).

    `values_by_unit` holds each unit's latest value of the field `<task>.<suffix>` (units outside the
    task are ignored). The lead's value is the district value; without it, the contributions' sum
    stands in when the plan adds them up. A unit-scope target has no district value (each unit is judged
    on its own): value and colour are None.
    """
    q = dict(task.quantities)[suffix]
    holders = plan.expand(task.responsible)
    others = [u for u in holders if u != task.lead]
    contributions = {u: v for u in others if (v := values_by_unit.get(u)) is not None}
    summed = sum(contributions.values()) if contributions and q.contributions == SUM else None
    district = q.scope == DISTRICT_SCOPE
    lead_value = values_by_unit.get(task.lead) if district and task.lead else None
    value = lead_value if lead_value is not None else summed if district else None
    source = "" if value is None else "lead" if lead_value is not None else "contributions"
    qp = calc.target_colour(value, q.value, q.op, q.judged, month, False, plan.rules.yellow_gap_share)
    colour = qp.colour if qp else None
    return DistrictTaskTotal(
        task_id=task.id,
        scope=q.scope,
        lead_id=task.lead,
        lead_value=lead_value,
        contributions=contributions,
        not_reported=[u for u in others if u not in contributions],
        contributions_total=summed,
        value=value,
        source=source,
        target=_task_target(q, "lead" if district else "unit"),
        share_of_target_pct=qp.share_of_target_pct if qp else None,
        elapsed_pct=month / 12 * 100,
        colour=colour,
        colour_label=colour_label(colour),
    )


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
    missing: list[MissingCell]  # every required figure missing in months 1..N, all annexes
    # carbon of the carriers the unit reports (annex 3, or annex 2's optional breakdown); None while
    # incomplete or without carriers
    ytd_co2_t: float | None = None
    ytd_co2_t_last_year: float | None = None
    co2_change_pct: float | None = None
    emission_factor_version: str | None = None
    # the energy the unit may still use this year and meet its target (annex 2, else annex 3)
    remaining_allowance_tce: float | None = None
    remaining_allowance_per_month_tce: float | None = None
    # None: no carbon figures (no carriers); False: carriers entered but a month is missing (数据不全)
    co2_complete: bool | None = None

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def colour(self) -> str | None:
        """The worst colour of the period; none while a figure is missing (数据不全)."""
        if self.missing:
            return None
        parts = [self.annex2.colour if self.annex2 else None, self.annex3.colour if self.annex3 else None]
        return calc.worst(parts + [r.colour for r in self.annex1 + self.annex4])

    @property
    def colour_label(self) -> str:
        return colour_label(self.colour) if self.complete else incomplete_label()

    @property
    def carbon(self) -> CarbonProgress | None:
        """The carbon of the carriers the unit reports: annex 3's, or an annex-2 unit's breakdown."""
        a3, a2 = self.annex3, self.annex2
        return (a3.carbon if a3 else None) or (a2.carbon if a2 else None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["colour"] = self.colour
        data["colour_label"] = self.colour_label
        data["complete"] = self.complete
        return data


def unit_progress(
    plan: Plan,
    coefficients: CoefficientSet,
    figures: Iterable[Figure],
    unit_id: str,
    period: Period,
    factors: EmissionFactorSet | None = None,
) -> UnitProgress:
    table = MonthTable(plan.year, figures)
    annex2 = annex2_progress(plan, unit_id, table, period, factors)
    annex3 = annex3_progress(plan, unit_id, coefficients, table, period, factors)
    missing = missing_cells(plan, unit_id, table, period.month)
    carbon = (annex3.carbon if annex3 else None) or (annex2.carbon if annex2 else None)
    allowance = (annex2.allowance if annex2 else None) or (annex3.allowance if annex3 else None)
    return UnitProgress(
        plan_id=plan.id,
        unit_id=unit_id,
        unit_name=plan.unit(unit_id).name,
        period=str(period),
        period_label=period.label(),
        elapsed_pct=period.elapsed_share * 100,
        annex2=annex2,
        annex3=annex3,
        annex1=annex1_progress(plan, unit_id, table, period),
        annex4=annex4_progress(plan, unit_id, table, period),
        missing=missing,
        ytd_co2_t=carbon.ytd_co2_t if carbon else None,
        ytd_co2_t_last_year=carbon.ytd_co2_t_last_year if carbon else None,
        co2_change_pct=carbon.co2_change_pct if carbon else None,
        emission_factor_version=carbon.factor_version if carbon else None,
        co2_complete=carbon.complete if carbon else None,
        remaining_allowance_tce=allowance.remaining_tce if allowance else None,
        remaining_allowance_per_month_tce=allowance.per_month_tce if allowance else None,
    )
