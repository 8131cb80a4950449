"""The calculations of DOMAIN.md as pure functions of numbers: no database, no plan file.

Rates are in percent, negative = decline. Nothing is rounded here; rounding is for display only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

GREEN, YELLOW, RED = "green", "yellow", "red"
_SEVERITY = {GREEN: 0, YELLOW: 1, RED: 2}


def worst(colours: Iterable[str | None]) -> str | None:
    present = [c for c in colours if c]
    return max(present, key=_SEVERITY.__getitem__) if present else None


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def intensity(energy: float | None, output: float | None) -> float | None:
    """Energy per output, e.g. tce per 万元."""
    return _ratio(energy, output)


def change_rate_pct(
    energy: float | None, energy_last: float | None, output: float | None, output_last: float | None
) -> float | None:
    """Unit-output energy change rate, r = (ΣE/ΣE_last)/(ΣY/ΣY_last) − 1, in percent.

    Pass year-to-date sums (sum the months first, never average monthly rates).
    None when a figure is missing or a denominator is zero.
    """
    energy_ratio = _ratio(energy, energy_last)
    output_ratio = _ratio(output, output_last)
    if energy_ratio is None or output_ratio is None or output_ratio == 0:
        return None
    return (energy_ratio / output_ratio - 1.0) * 100.0


@dataclass(frozen=True)
class EnergyOutput:
    """Year-to-date sums of one unit (or a total): energy in tce, output in 万元, this and last year."""

    energy: float
    energy_last: float
    output: float
    output_last: float

    @property
    def change_rate_pct(self) -> float | None:
        return change_rate_pct(self.energy, self.energy_last, self.output, self.output_last)


def total(parts: Iterable[EnergyOutput]) -> EnergyOutput:
    """A group or district total: ΣE and ΣY over the members, never an average of their rates."""
    items = list(parts)
    return EnergyOutput(
        energy=sum(p.energy for p in items),
        energy_last=sum(p.energy_last for p in items),
        output=sum(p.output for p in items),
        output_last=sum(p.output_last for p in items),
    )


def completion_rate_pct(actual_pct: float | None, target_pct: float) -> float | None:
    """Target completion rate: actual decline / target decline × 100 %."""
    if actual_pct is None or target_pct == 0:
        return None
    return actual_pct / target_pct * 100.0


def rate_colour(
    actual_pct: float | None, target_pct: float, rule: str = "ndrc2020", yellow_gap_share: float = 0.10
) -> str | None:
    """Warning colour of a change-rate target (lower is better; target −3.0 means a 3 % decline).

    ndrc2020: green when met; yellow when missed by at most `yellow_gap_share` of the target; red beyond.
    ndrc2021: green when met; yellow when it declined (or held) but less than required; red when it rose.
    """
    if actual_pct is None:
        return None
    if actual_pct <= target_pct:
        return GREEN
    if rule == "ndrc2021":
        return YELLOW if actual_pct <= 0 else RED
    gap = actual_pct - target_pct
    return YELLOW if gap <= abs(target_pct) * yellow_gap_share + 1e-12 else RED


def cap_colour(value: float | None, cap: float, yellow_gap_share: float = 0.10) -> str | None:
    """A figure that must stay at or below a cap (total energy, intensity)."""
    if value is None:
        return None
    if value <= cap:
        return GREEN
    return YELLOW if value - cap <= cap * yellow_gap_share + 1e-12 else RED


def level_colour(value: float | None, target: float, op: str, yellow_gap_share: float = 0.10) -> str | None:
    """A level to reach or hold (≥ 98 %, ≤ a ceiling, = a value)."""
    if value is None:
        return None
    if op == "<=":
        return cap_colour(value, target, yellow_gap_share)
    gap = target - value if op == ">=" else abs(target - value)
    if gap <= 1e-12:
        return GREEN
    return YELLOW if gap <= abs(target) * yellow_gap_share + 1e-12 else RED


@dataclass(frozen=True)
class QuantityProgress:
    value: float
    target: float
    share_of_target_pct: float | None  # actual / annual target
    elapsed_pct: float  # 序时进度, N/12
    colour: str | None


def elapsed_colour(share: float, elapsed: float, yellow_gap_share: float = 0.10) -> str:
    """A share done (0–1) against 序时进度 (the elapsed share of the year, 0–1).

    Green when at least the elapsed share; yellow when short of it by at most `yellow_gap_share` of the
    elapsed share; red beyond.
    """
    if share + 1e-12 >= elapsed:
        return GREEN
    if share + 1e-12 >= elapsed * (1 - yellow_gap_share):
        return YELLOW
    return RED


def quantity_progress(
    value: float | None, target: float, month: int, yellow_gap_share: float = 0.10
) -> QuantityProgress | None:
    """An amount to accumulate over the year (40 ha, 7万㎡) against the annual target and 序时进度 N/12."""
    if value is None:
        return None
    elapsed = month / 12
    share = value / target if target else None
    colour = None if share is None else elapsed_colour(share, elapsed, yellow_gap_share)
    return QuantityProgress(value, target, None if share is None else share * 100, elapsed * 100, colour)


def met(value: float, target: float, op: str) -> bool:
    if op == ">=":
        return value + 1e-12 >= target
    if op == "<=":
        return value <= target + 1e-12
    return abs(value - target) <= 1e-12


def target_colour(
    value: float | None,
    target: float,
    op: str,
    judged: str,
    month: int,
    final: bool = False,
    yellow_gap_share: float = 0.10,
) -> QuantityProgress | None:
    """A task's quantitative target in month N, judged as the plan says.

    judged "elapsed": an amount against 序时进度 N/12; "level": a level held at any time (≥ 98 %);
    "year_end": met or not in December (≥ 5 firms) — before that met is green, not yet met has no
    colour. `final` (the unit says the task is done) judges the value as at the year end.
    """
    if value is None:
        return None
    month = 12 if final else month
    if judged == "elapsed":
        return quantity_progress(value, target, month, yellow_gap_share)
    share = value / target * 100 if target else None
    if judged == "level":
        colour = level_colour(value, target, op, yellow_gap_share)
    elif met(value, target, op):
        colour = GREEN
    else:
        colour = RED if month == 12 else None
    return QuantityProgress(value, target, share, month / 12 * 100, colour)


# Task statuses as the plan spells them: 未开始, 推进中, 已完成, 滞后.
NOT_STARTED, IN_PROGRESS, DONE, LATE = "未开始", "推进中", "已完成", "滞后"


def task_status_colour(
    status: str | None,
    progress_pct: float | None,
    month: int,
    status_colours: Mapping[str, str],
    yellow_gap_share: float = 0.10,
) -> str | None:
    """A task's colour from its status and progress %, before its quantitative targets are looked at.

    The plan's status table gives the colour, with these limits: 滞后 is red; 未开始 is never green once
    the year is under way (it is not compared with 序时进度: not started in January is not yet late);
    推进中 is no better than its progress % against 序时进度 N/12 (when a progress % is given).
    """
    if not status:
        return None
    colour = status_colours.get(status)
    if status == LATE:
        return RED
    if status == NOT_STARTED and month > 0:
        return worst([colour, YELLOW])
    if status == IN_PROGRESS and progress_pct is not None:
        return worst([colour, elapsed_colour(progress_pct / 100, month / 12, yellow_gap_share)])
    return colour


def project_linear(ytd: float, month: int) -> float:
    """Year-end total if the rest of the year runs like the months so far."""
    return ytd * 12 / month


def project_by_profile(ytd: float, last_ytd: float | None, last_full_year: float | None) -> float | None:
    """Year-end total if this year keeps last year's monthly profile: YTD × (last year / last year to date)."""
    if not last_ytd or last_full_year is None:
        return None
    return ytd * last_full_year / last_ytd


PROFILE, LINEAR = "profile", "linear"


@dataclass(frozen=True)
class Projection:
    """A year-end total and how it was obtained (PROFILE or LINEAR), printed beside it everywhere."""

    value: float
    method: str


def project_year_end(ytd: float, month: int, last_year_monthly: Sequence[float | None]) -> Projection:
    """The one projection of a year-end total from the months 1..`month` to date.

    Last year's monthly profile when all 12 of last year's monthly figures are known and last year's
    figure to date is not zero: YTD × (last year's total / last year to date). Otherwise linear:
    YTD × 12 / month. `last_year_monthly` holds last year's 12 monthly figures, None where unknown.
    """
    known = [v for v in last_year_monthly if v is not None]
    if len(last_year_monthly) == 12 and len(known) == 12:
        by_profile = project_by_profile(ytd, sum(known[:month]), sum(known))
        if by_profile is not None:
            return Projection(by_profile, PROFILE)
    return Projection(project_linear(ytd, month), LINEAR)


def pct_change(value: float | None, previous: float | None) -> float | None:
    ratio = _ratio(value, previous)
    return None if ratio is None else (ratio - 1.0) * 100.0
