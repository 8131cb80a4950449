"""Display rules shared by the window, the CLI and the reports (stored figures are never rounded)."""

from __future__ import annotations


def _dash(value: float | None) -> str | None:
    return "—" if value is None else None


def rate(value: float | None) -> str:
    """Change rates: 2 decimals and a percent sign, e.g. −3.34%."""
    return _dash(value) or f"{value:+.2f}%".replace("-", "−")


def pct(value: float | None) -> str:
    return _dash(value) or f"{value:.2f}%"


def intensity(value: float | None) -> str:
    """tce/万元 with 3 decimals; tiny intensities (wastewater, tce/m³) keep 6 significant digits."""
    if value is None:
        return "—"
    if value != 0 and abs(value) < 0.01:
        return f"{value:.6g}"
    return f"{value:.3f}"


def amount(value: float | None, decimals: int = 2) -> str:
    return _dash(value) or f"{value:,.{decimals}f}"
