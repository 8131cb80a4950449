"""Checks of a unit's period before it can be submitted.

Errors block submission (a required figure missing). Warnings (a swing against the same month last year
beyond the plan's threshold) need a written reason, kept as the figure's note. Malformed values never get
this far: `entry` refuses them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from model.calc.progress import MonthTable
from model.common.i18n import translate
from model.common.periods import Period
from model.plan.spec import LAST_YEAR, Plan
from model.store.figures import Figure

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Problem:
    severity: str
    period: str
    field: str
    message: str
    reason: str = ""  # the clerk's written reason, for warnings

    @property
    def blocking(self) -> bool:
        return self.severity == ERROR or not self.reason.strip()


def check_period(plan: Plan, unit_id: str, period: Period, figures: Iterable[Figure]) -> list[Problem]:
    table = MonthTable(plan.year, figures)
    fields = plan.fields_for(unit_id)
    keys = {f.key for f in fields}
    month = period.month
    problems: list[Problem] = []
    for f in fields:
        if not f.required:
            continue
        if f.accumulate == "sum":
            present = f.key in table.values.get(month, {})
        else:
            present = table.latest(f.key, month) is not None or table.latest_text(f.key, month) is not None
        if not present:
            problems.append(
                Problem(
                    ERROR,
                    str(period),
                    f.key,
                    translate("checks", "“{label}”未填写，这是必填项。").format(label=f.display_label),
                )
            )
    threshold = plan.rules.swing_warning_pct
    for f in fields:
        last_key = f.key + LAST_YEAR
        if f.is_last_year or f.accumulate != "sum" or last_key not in keys:
            continue
        value, last = table.value(month, f.key), table.value(month, last_key)
        if value is None or not last:
            continue
        change = (value / last - 1) * 100
        if abs(change) > threshold:
            reason = table.notes.get(month, {}).get(f.key, "") or table.notes.get(month, {}).get(last_key, "")
            problems.append(
                Problem(
                    WARNING,
                    str(period),
                    f.key,
                    translate(
                        "checks",
                        "{month}“{label}”比上年同月变化 {change:+.1f}%，超过 ±{limit:g}%，请填写原因。",
                    ).format(month=period.month_label(), label=f.label, change=change, limit=threshold),
                    reason,
                )
            )
    return problems
