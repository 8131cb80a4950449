"""Reporting periods: a year and a month, written YYYY-MM. Figures for a month are stored under it;
year-to-date figures for YYYY-MM cover months 1..MM of that year."""

from __future__ import annotations

import re
from dataclasses import dataclass

from model.common.errors import UserError
from model.common.i18n import translate

_PERIOD = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def elapsed_share(self) -> float:
        """序时进度: the share of the year elapsed at the end of this month."""
        return self.month / 12

    def months_to_date(self) -> list[Period]:
        return [Period(self.year, m) for m in range(1, self.month + 1)]

    def label(self) -> str:
        """The report-period label printed on forms, e.g. 2024年1–7月."""
        if self.month == 1:
            return translate("period", "{year}年1月").format(year=self.year)
        return translate("period", "{year}年1–{month}月").format(year=self.year, month=self.month)

    def month_label(self) -> str:
        return translate("period", "{month}月").format(month=self.month)


def parse_period(text: str) -> Period:
    match = _PERIOD.match(text or "")
    if not match:
        raise UserError(
            translate("period", "报告期“{text}”格式不对：请写成 年-月，例如 2024-07。").format(text=text)
        )
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise UserError(translate("period", "报告期“{text}”的月份应在 1 到 12 之间。").format(text=text))
    if not 2000 <= year <= 2100:
        raise UserError(translate("period", "报告期“{text}”的年份不合理，请检查。").format(text=text))
    return Period(year, month)


def due_period(plan_year: int, today_year: int, today_month: int) -> Period:
    """The month whose figures are being reported now: last month while the plan year runs (and
    December in the January after); before the plan year its first month; long after it, December."""
    if today_year == plan_year:
        return Period(plan_year, max(1, today_month - 1))
    if today_year == plan_year + 1 and today_month == 1:
        return Period(plan_year, 12)
    return Period(plan_year, 1 if today_year < plan_year else 12)
