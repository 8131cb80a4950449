"""Checks of a unit's period (months 1..N) before it can be submitted.

Errors block submission: a required figure missing in any month of the period (the same list that makes
the progress 数据不全), and the form's audit rules the plan marks as errors (e.g. 02 ≥ 01). Warnings (a
swing against the same month last year beyond the plan's threshold, audit rules marked as warnings) need
a written reason, kept as the figure's note. Malformed values never get this far: `entry` refuses them.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass

from model.calc.progress import MissingCell, MonthTable, missing_cells
from model.common import formatting as fmt
from model.common.i18n import translate
from model.common.periods import Period
from model.plan.spec import LAST_YEAR, AuditRule, Field, Plan
from model.store.figures import Figure

ERROR, WARNING = "error", "warning"
_OPS = {">=": operator.ge, "<=": operator.le, "=": operator.eq}
_SIGNS = {">=": "≥", "<=": "≤", "=": "="}


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


def _month_label(month: int) -> str:
    return translate("period", "{month}月").format(month=month)


def missing_problem(cell: MissingCell) -> Problem:
    return Problem(
        ERROR,
        cell.period,
        cell.field,
        translate(
            "checks", "{month}“{label}”未填写（必填）：缺少它本期数据不全，不作计算，不能报送。"
        ).format(month=_month_label(int(cell.period[5:7])), label=cell.label),
    )


def _reason(table: MonthTable, month: int, *keys: str) -> str:
    notes = table.notes.get(month, {})
    return next((notes[k] for k in keys if notes.get(k)), "")


def _audit_problems(plan: Plan, rule: AuditRule, table: MonthTable, month: int) -> list[Problem]:
    left, right = table.value(month, rule.left), table.value(month, rule.right)
    if left is None or right is None or _OPS[rule.op](left + 1e-9 if rule.op == ">=" else left, right):
        return []
    lf, rf = plan.field(rule.left), plan.field(rule.right)
    message = translate("checks", "{month}“{left}”{lv} 应{op}“{right}”{rv}，请核实。").format(
        month=_month_label(month),
        left=lf.label,
        lv=fmt.amount(left),
        op=_SIGNS[rule.op],
        right=rf.label,
        rv=fmt.amount(right),
    )
    reason = _reason(table, month, rule.left) if rule.severity == WARNING else ""
    return [Problem(rule.severity, f"{plan.year:04d}-{month:02d}", rule.left, message, reason)]


def _swing_problems(plan: Plan, fields: list[Field], table: MonthTable, month: int) -> list[Problem]:
    keys = {f.key for f in fields}
    threshold = plan.rules.swing_warning_pct
    out = []
    for f in fields:
        last_key = f.key + LAST_YEAR
        if f.is_last_year or f.is_carbon_breakdown or f.accumulate != "sum" or last_key not in keys:
            continue
        value, last = table.value(month, f.key), table.value(month, last_key)
        if value is None or not last:
            continue
        change = (value / last - 1) * 100
        if abs(change) > threshold:
            out.append(
                Problem(
                    WARNING,
                    f"{plan.year:04d}-{month:02d}",
                    f.key,
                    translate(
                        "checks",
                        "{month}“{label}”比上年同月变化 {change:+.1f}%，超过 ±{limit:g}%，请填写原因。",
                    ).format(month=_month_label(month), label=f.label, change=change, limit=threshold),
                    _reason(table, month, f.key, last_key),
                )
            )
    return out


def check_period(plan: Plan, unit_id: str, period: Period, figures: Iterable[Figure]) -> list[Problem]:
    """Every problem of the months 1..N: missing figures, audit rules, swings, in month order."""
    table = MonthTable(plan.year, figures)
    n = period.month
    problems = [missing_problem(cell) for cell in missing_cells(plan, unit_id, table, n)]
    fields = plan.fields_for(unit_id)
    own = {f.key for f in fields}
    for month in range(1, n + 1):
        for rule in plan.rules.audit_rules:
            if rule.left in own and rule.right in own:
                problems += _audit_problems(plan, rule, table, month)
        problems += _swing_problems(plan, fields, table, month)
    return sorted(problems, key=lambda p: (p.period, p.severity != ERROR))


NEEDS_REASON, EXPLAINED = "needs_reason", "explained"


@dataclass(frozen=True)
class CheckItem:
    """A line of the checks list (the window's panel and `main.py check`)."""

    kind: str  # ERROR (blocks), NEEDS_REASON (a warning without a reason: blocks), EXPLAINED
    period: str
    field: str
    label: str  # the field as the form prints it
    message: str
    reason: str
    blocking: bool


def check_items(plan: Plan, problems: Iterable[Problem]) -> list[CheckItem]:
    """Errors first, then warnings that still need a reason, then the explained ones; each in month order."""
    items = []
    for p in problems:
        kind = ERROR if p.severity == ERROR else NEEDS_REASON if p.blocking else EXPLAINED
        try:
            label = plan.field(p.field).display_label
        except KeyError:
            label = p.field
        items.append(CheckItem(kind, p.period, p.field, label, p.message, p.reason, p.blocking))
    order = {ERROR: 0, NEEDS_REASON: 1, EXPLAINED: 2}
    return sorted(items, key=lambda i: (order[i.kind], i.period))
