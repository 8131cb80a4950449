"""Display rules shared by the window, the CLI and the reports (stored figures are never rounded)."""

from __future__ import annotations

import math
import re

_ASCII_MINUS = re.compile(r"(?<![\w\-.])-(?=\d)")


def _dash(value: float | None) -> str | None:
    return "—" if value is None else None


def rate(value: float | None) -> str:
    """Change rates: 2 decimals and a percent sign, e.g. −3.34%."""
    return _dash(value) or f"{value:+.2f}%".replace("-", "−")


def pct(value: float | None) -> str:
    """Shares and completion: 2 decimals, the true minus sign (−124.17%)."""
    return _dash(value) or f"{value:.2f}%".replace("-", "−")


def true_minus(text: str) -> str:
    """A message written with an ASCII hyphen before a number ("变化 -12.3%") in the printed style
    (−12.3%); ids, dates and phone numbers (A4-41, 2024-07, 021-5735) keep their hyphen."""
    return _ASCII_MINUS.sub("−", text)


def intensity_decimals(value: float | None) -> int:
    """At least 4 significant digits (0.08000 and 0.08004 read apart), at least 3 decimals; tiny
    intensities (wastewater, tce/m³ ≈ 4×10⁻⁵) keep 6 significant digits."""
    if value is None or value == 0 or not math.isfinite(value):
        return 3
    magnitude = math.floor(math.log10(abs(value)))
    digits = 6 if magnitude < -2 else 4
    return max(3, digits - 1 - magnitude)


def intensity(value: float | None) -> str:
    """Intensities with at least 4 significant digits (6 when tiny), never in exponent form."""
    if value is None:
        return "—"
    return f"{value:.{intensity_decimals(value)}f}"


def coefficient(value: float | None) -> str:
    """A conversion coefficient as published (0.03412, 1.2143, 0.1229): every digit, no padding."""
    if value is None:
        return "—"
    return f"{value:.10f}".rstrip("0").rstrip(".") or "0"


def amount(value: float | None, decimals: int = 2) -> str:
    return _dash(value) or f"{value:,.{decimals}f}"
