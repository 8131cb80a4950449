"""The one rule for chart axes, shared by the window's charts and the PDF's: a person reads the ticks at a
glance, so steps are 1, 2 or 5 times a power of ten and the axis always shows zero."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

_MULTIPLES = (1, 2, 5, 10)


def nice_step(raw: float) -> float:
    """The smallest step of 1, 2 or 5 × 10ⁿ that is at least `raw`."""
    if not raw > 0 or not math.isfinite(raw):
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in _MULTIPLES if m * power >= raw * (1 - 1e-12))


@dataclass(frozen=True)
class Axis:
    low: float
    high: float
    step: float

    @property
    def ticks(self) -> list[float]:
        count = round((self.high - self.low) / self.step)
        return [self._clean(self.low + i * self.step) for i in range(count + 1)]

    @property
    def decimals(self) -> int:
        return max(0, -math.floor(math.log10(self.step) + 1e-9))

    def label(self, value: float) -> str:
        """A tick label: as many decimals as the step needs, thousands grouped, a true minus sign."""
        return f"{self._clean(value):,.{self.decimals}f}".replace("-", "−")

    def _clean(self, value: float) -> float:
        cleaned = round(value, self.decimals + 2)
        return 0.0 if cleaned == 0 else cleaned


def axis_for(values: Iterable[float | None], *, ticks: int = 4, from_zero: bool = False) -> Axis:
    """An axis over `values` (and zero) with about `ticks` intervals of a nice step.

    `from_zero`: amounts that cannot be negative (a cap, a total) start at zero."""
    shown = [v for v in values if v is not None and math.isfinite(v)] + [0.0]
    low, high = min(shown), max(shown)
    if from_zero:
        low = min(low, 0.0)
    span = high - low
    if span < 1e-300 or span <= 1e-9 * max(abs(low), abs(high)):  # one value, or noise around it
        scale = max(abs(low), abs(high))
        high = low + (scale if scale > 1e-300 else 1.0)
    step = nice_step((high - low) / ticks)
    lo = math.floor(low / step + 1e-9) * step
    hi = math.ceil(high / step - 1e-9) * step
    if hi <= high:  # leave room above the highest point for its label
        hi += step
    if lo < 0 and lo >= low:
        lo -= step
    return Axis(0.0 if lo == 0 else lo, hi, step)
