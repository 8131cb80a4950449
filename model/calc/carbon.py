"""Carbon dioxide from the energy carriers a unit reports: tCO₂ = amount × the carrier's emission factor.

Pure functions over month → field → value mappings; the factors come from a versioned table
(`model.plan.emission`). A month's total is shown only when none of its carriers is missing; year-to-date
figures only when the period is complete (a missing month is never a zero).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from model.calc import formulas as calc
from model.common import formatting as fmt
from model.common.i18n import translate
from model.plan.emission import EmissionFactorSet
from model.plan.spec import LAST_YEAR, Field

Values = Mapping[int, Mapping[str, float]]


@dataclass(frozen=True)
class CarrierCarbon:
    key: str
    label: str
    unit: str
    carrier: str
    t_co2_per_unit: float
    factor_status: str
    factor_derived: bool
    month_amount: float | None
    month_co2_t: float | None
    ytd_amount: float | None
    ytd_co2_t: float | None
    ytd_amount_last_year: float | None
    ytd_co2_t_last_year: float | None


@dataclass(frozen=True)
class CarbonProgress:
    factor_version: str
    month_co2_t: float | None
    month_co2_t_last_year: float | None
    ytd_co2_t: float | None
    ytd_co2_t_last_year: float | None
    co2_change_pct: float | None
    co2_intensity: float | None  # ytd_co2_t / the annex's denominator
    co2_intensity_unit: str
    carriers: list[CarrierCarbon]
    monthly_co2_t: list[float | None]  # months 1..N
    monthly_co2_t_last_year: list[float | None]
    cumulative_co2_t: list[float | None]  # months 1..N, None from the first month without a total
    complete: bool = True  # False: a carrier is missing in a month 1..N (数据不全: no year-to-date figure)


def shown(carbon: CarbonProgress) -> dict[str, str]:
    """The carbon figures as every surface prints them: co2, co2l (last year), co2d (change), i and u
    (intensity and its unit), v (factor table version)."""
    return {
        "co2": fmt.amount(carbon.ytd_co2_t),
        "co2l": fmt.amount(carbon.ytd_co2_t_last_year),
        "co2d": fmt.rate(carbon.co2_change_pct),
        "i": fmt.intensity(carbon.co2_intensity),
        "u": carbon.co2_intensity_unit,
        "v": carbon.factor_version,
    }


def _sum(values: Values, key: str, months: range) -> float | None:
    present = [values[m][key] for m in months if key in values.get(m, {})]
    return sum(present) if present else None


def _times(amount: float | None, factor: float) -> float | None:
    return None if amount is None else amount * factor


def month_co2(
    fields: Sequence[Field], factors: EmissionFactorSet, values: Values, month: int
) -> float | None:
    """A month's tCO₂ over the carrier fields given (this year's or last year's); None when none entered."""
    amounts = [(f, values.get(month, {}).get(f.key)) for f in fields if f.carrier]
    present = [(f, a) for f, a in amounts if a is not None]
    if not present:
        return None
    return sum(a * factors.factor(str(f.carrier)).t_co2_per_unit for f, a in present)


def co2_intensity_unit(energy_intensity_unit: str) -> str:
    """吨标煤/平方米 → 吨二氧化碳/平方米 (the annex's denominator, tCO₂ on top)."""
    per = energy_intensity_unit.split("/", 1)[1] if "/" in energy_intensity_unit else energy_intensity_unit
    return translate("carbon", "吨二氧化碳/{per}").format(per=per)


def carbon_progress(
    carrier_fields: Sequence[Field],
    factors: EmissionFactorSet,
    values: Values,
    n: int,
    complete: bool,
    short_months: set[tuple[int, bool]],
    denominator: float | None,
    intensity_unit: str,
    running: Sequence[bool] = (),
) -> CarbonProgress:
    """`carrier_fields`: this year's carrier fields (last year's are their `_last_year` twins);
    `short_months`: (month, last_year) pairs with a missing carrier; `running`: per month 1..N whether
    the energy total to date is shown (the carbon total to date is shown in the same months)."""
    this = [f for f in carrier_fields if not f.is_last_year]
    last = [_twin(f) for f in this]
    carriers = []
    for f in this:
        factor = factors.factor(str(f.carrier))
        k = factor.t_co2_per_unit
        ytd = _sum(values, f.key, range(1, n + 1)) if complete else None
        ytd_last = _sum(values, f.key + LAST_YEAR, range(1, n + 1)) if complete else None
        month_amount = values.get(n, {}).get(f.key)
        carriers.append(
            CarrierCarbon(
                f.key, f.label, f.unit, str(f.carrier), k, factor.status, factor.derived,
                month_amount, _times(month_amount, k), ytd, _times(ytd, k), ytd_last, _times(ytd_last, k),
            )
        )  # fmt: skip
    monthly = [
        None if (m, False) in short_months else month_co2(this, factors, values, m) for m in range(1, n + 1)
    ]
    monthly_last = [
        None if (m, True) in short_months else month_co2(last, factors, values, m) for m in range(1, n + 1)
    ]
    ytd_total = sum(c.ytd_co2_t or 0.0 for c in carriers) if complete else None
    ytd_total_last = sum(c.ytd_co2_t_last_year or 0.0 for c in carriers) if complete else None
    return CarbonProgress(
        factor_version=factors.version,
        month_co2_t=monthly[n - 1] if n else None,
        month_co2_t_last_year=monthly_last[n - 1] if n else None,
        ytd_co2_t=ytd_total,
        ytd_co2_t_last_year=ytd_total_last,
        co2_change_pct=calc.pct_change(ytd_total, ytd_total_last),
        co2_intensity=calc.intensity(ytd_total, denominator),
        co2_intensity_unit=co2_intensity_unit(intensity_unit),
        carriers=carriers,
        monthly_co2_t=monthly,
        monthly_co2_t_last_year=monthly_last,
        cumulative_co2_t=running_totals(monthly, running),
        complete=complete,
    )


def running_totals(monthly: Sequence[float | None], shown: Sequence[bool]) -> list[float | None]:
    """Month by month the total to date, in the months where `shown` says so."""
    out: list[float | None] = []
    total = 0.0
    for i, value in enumerate(monthly):
        total += value or 0.0
        out.append(total if i < len(shown) and shown[i] else None)
    return out


def _twin(f: Field) -> Field:
    """Last year's field of a carrier: same carrier, key with the `_last_year` suffix."""
    return replace(f, key=f.key + LAST_YEAR)
