"""Display rules shared by the window, the CLI and the reports (stored figures are never rounded)."""

from __future__ import annotations

import math


def _dash(value: float | None) -> str | None:
    return "—" if value is None else None


def rate(value: float | None) -> str:
    """Change rates: 2 decimals and a percent sign, e.g. −3.34%."""
    return _dash(value) or f"{value:+.2f}%".replace("-", "−")


def pct(value: float | None) -> str:
    return _dash(value) or f"{value:.2f}%"


def intensity_decimals(value: float | None) -> int:
    """3 decimals; tiny intensities (wastewater, tce/m³ ≈ 4×10⁻⁵) as many as 6 significant digits need."""
    if value is None or value == 0 or not math.isfinite(value) or abs(value) >= 0.01:
        return 3
    return 5 - math.floor(math.log10(abs(value)))


def intensity(value: float | None) -> str:
    """tce/万元 with 3 decimals; tiny intensities keep 6 significant digits, never in exponent form."""
    if value is None:
        return "—"
    return f"{value:.{intensity_decimals(value)}f}"


def amount(value: float | None, decimals: int = 2) -> str:
    return _dash(value) or f"{value:,.{decimals}f}"
