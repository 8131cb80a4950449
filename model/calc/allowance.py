"""The energy a unit may still use this year and meet its targets (剩余用能空间): pure functions of numbers.

Annex 2 (a change-rate target t %): the full year meets the target when
    E_year ≤ (1 + t/100) × E_last_year_full × Y_year / Y_last_year_full,
with the year's output Y_year projected from this year's output to date and last year's monthly profile
(`formulas.project_year_end`). What is left = that allowed total − the energy used to date.

Annex 3 (a cap and an intensity target): the smaller of what the cap leaves (cap − YTD) and what the
intensity target leaves (target intensity × the year's denominator − YTD).

A negative remainder means the target is out of reach by that much; no per-month figure is given then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from model.calc import formulas as calc
from model.common import formatting as fmt
from model.common.i18n import translate

CAP, INTENSITY = "cap", "intensity"


@dataclass(frozen=True)
class Allowance:
    remaining_tce: float  # negative: out of reach by −remaining_tce
    remaining_months: int
    per_month_tce: float | None  # None when out of reach or no month is left
    last_year_same_months_tce: float | None  # what the unit used in the same months last year
    out_of_reach_by_tce: float | None
    allowed_year_tce: float  # the year's total that just meets the target
    used_tce: float  # the energy used to date
    # annex 2
    target_pct: float | None = None
    last_year_energy_tce: float | None = None
    last_year_output_wan_yuan: float | None = None
    projected_output_wan_yuan: float | None = None
    projection_method: str | None = None
    # annex 3
    cap_left_tce: float | None = None
    intensity_left_tce: float | None = None
    year_denominator: float | None = None
    denominator_projection_method: str | None = None
    binding: str | None = None  # CAP or INTENSITY: which target leaves less


def _full(monthly: Sequence[float | None]) -> float | None:
    return None if len(monthly) != 12 or any(v is None for v in monthly) else sum(v or 0.0 for v in monthly)


def _finish(allowed: float, used: float, n: int, last_monthly: Sequence[float | None]) -> dict[str, object]:
    remaining = allowed - used
    months = 12 - n
    rest = last_monthly[n:] if len(last_monthly) == 12 else []
    return {
        "remaining_tce": remaining,
        "remaining_months": months,
        "per_month_tce": remaining / months if months and remaining >= 0 else None,
        "last_year_same_months_tce": None if any(v is None for v in rest) else sum(v or 0.0 for v in rest),
        "out_of_reach_by_tce": -remaining if remaining < 0 else None,
        "allowed_year_tce": allowed,
        "used_tce": used,
    }


def annex2_allowance(
    target_pct: float,
    n: int,
    ytd_energy: float,
    ytd_output: float,
    energy_last_monthly: Sequence[float | None],
    output_last_monthly: Sequence[float | None],
) -> Allowance | None:
    """None without last year's 12 months of energy and output (or with a zero last-year output)."""
    e_last, y_last = _full(energy_last_monthly), _full(output_last_monthly)
    if e_last is None or not y_last:
        return None
    projection = calc.project_year_end(ytd_output, n, output_last_monthly)
    allowed = (1 + target_pct / 100) * e_last * projection.value / y_last
    return Allowance(
        **_finish(allowed, ytd_energy, n, energy_last_monthly),  # type: ignore[arg-type]
        target_pct=target_pct,
        last_year_energy_tce=e_last,
        last_year_output_wan_yuan=y_last,
        projected_output_wan_yuan=projection.value,
        projection_method=projection.method,
    )


def annex3_allowance(
    cap_tce: float,
    intensity_target: float,
    n: int,
    ytd_tce: float,
    last_monthly_tce: Sequence[float | None],
    denominator: float | None,
    stock: bool,
    denominator_last_monthly: Sequence[float | None],
) -> Allowance:
    """`denominator`: a stock (floor area) as it stands, or a flow (volume treated) to date, projected to
    the year end like the energy (last year's monthly profile, else linear)."""
    cap_left = cap_tce - ytd_tce
    year_den, method = denominator, None
    if denominator is not None and not stock:
        projection = calc.project_year_end(denominator, n, denominator_last_monthly)
        year_den, method = projection.value, projection.method
    allowed_by_intensity = None if year_den is None else intensity_target * year_den
    intensity_left = None if allowed_by_intensity is None else allowed_by_intensity - ytd_tce
    binding = INTENSITY if intensity_left is not None and intensity_left < cap_left else CAP
    allowed = allowed_by_intensity if binding == INTENSITY and allowed_by_intensity is not None else cap_tce
    return Allowance(
        **_finish(allowed, ytd_tce, n, last_monthly_tce),  # type: ignore[arg-type]
        cap_left_tce=cap_left,
        intensity_left_tce=intensity_left,
        year_denominator=year_den,
        denominator_projection_method=method,
        binding=binding,
    )


def describe(a: Allowance | None) -> str:
    """The allowance in one sentence, as the home card, the form header, the CLI and the PDF print it."""
    if a is None:
        return translate("allowance", "剩余用能空间：—（需本期数据齐全及上年全年数据）")
    if a.out_of_reach_by_tce is not None:
        return translate(
            "allowance", "目标已无法完成：本年已用 {used} 吨标准煤，超出全年可用量 {over} 吨标准煤"
        ).format(used=fmt.amount(a.used_tce), over=fmt.amount(a.out_of_reach_by_tce))
    text = translate("allowance", "剩余用能空间 {rest} 吨标准煤").format(rest=fmt.amount(a.remaining_tce))
    if a.per_month_tce is not None:
        text += translate("allowance", "，余 {n} 个月，月均 {per} 吨标准煤").format(
            n=a.remaining_months, per=fmt.amount(a.per_month_tce)
        )
    if a.last_year_same_months_tce is not None and a.remaining_months:
        text += translate("allowance", "（上年同期这几个月用 {last} 吨标准煤）").format(
            last=fmt.amount(a.last_year_same_months_tce)
        )
    return text
