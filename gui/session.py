"""The unit being worked on: its figures for the plan year, computed progress, checks and undo history.

Forms read from here and send edits here; this object calls the named operations in `model`, keeps
its figures up to date from what each operation returns (`Changes`, no re-reading of the database),
computes the period's report once per change and says what changed through `events` (gui/events.py),
so each form redraws only that. Typed text that `model` refuses is kept (not saved) so the cell can
show it in red with the reason until the clerk fixes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from gui.events import SessionEvents
from model.calc.checks import Problem
from model.calc.progress import UnitProgress
from model.calc.report import UnitReport, build_report
from model.common.errors import UserError
from model.common.periods import Period, parse_period
from model.entry.figures import Entry, convert, store_entries
from model.exchange.submission import PeriodState, locked_through, period_state
from model.plan.spec import Plan
from model.store.changes import Changes
from model.store.database import Store
from model.store.figures import Figure
from model.store.submissions import Submission


@dataclass(frozen=True)
class CellChange:
    period: str
    field: str
    raw: str
    note: str | None = None


def raw_text(figure: Figure | None) -> str:
    """A stored figure as the clerk would type it again."""
    if figure is None:
        return ""
    if figure.text is not None:
        return figure.text
    if figure.value is None:
        return ""
    return f"{figure.value:.15g}"


class _EditCommand(QUndoCommand):
    def __init__(self, session: UnitSession, new: list[CellChange], old: list[CellChange], text: str) -> None:
        super().__init__(text)
        self.session, self.new, self.old = session, new, old
        self._applied = True  # the edit was stored before it was pushed

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)

    def _apply(self, changes: list[CellChange]) -> None:
        # An exception must not escape into Qt (the stack would move on without the change): a step the
        # store refuses, e.g. a month another program has just submitted, is dropped with the reason.
        try:
            self.session.apply(changes)
        except UserError as exc:
            self.setObsolete(True)
            self.session.refused.emit(exc.message)

    def touches(self, locked: Callable[[str], bool]) -> bool:
        return any(locked(c.period) for c in self.new)


class UnitSession(QObject):
    refused = Signal(
        str
    )  # a change the store refused (e.g. an undo step into a locked month), with the reason

    def __init__(
        self, store: Store, unit_id: str, period: Period, who: str, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.events = SessionEvents(self)
        self.plan: Plan = store.plans.get()
        self.coefficients = store.plans.coefficients(self.plan.coefficients)
        self.factors = store.plans.emission_factors(self.plan.emission_factors)
        self.unit = self.plan.unit(unit_id)
        self.period = period
        self.who = who
        self.undo_stack = QUndoStack(self)
        self.invalid: dict[tuple[str, str], tuple[str, str]] = {}  # (period, field) -> (typed, reason)
        self._figures: dict[tuple[str, str], Figure] = {}
        self.report: UnitReport
        self.progress: UnitProgress
        self.problems: list[Problem] = []
        self.state: PeriodState
        self.lock: Submission | None = None  # the submitted report that locks months 1..P of the year
        self.reload()

    # ---- reading -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read everything again (the plan or its targets changed under the session): every form redraws."""
        self.coefficients = self.store.plans.coefficients(self.plan.coefficients)
        self.factors = self.store.plans.emission_factors(self.plan.emission_factors)
        figures = self.store.figures.read(self.plan.id, self.unit.id)
        self._figures = {(f.period, f.field): f for f in figures}
        self._compute()
        self._read_state()
        self.events.plan_changed.emit()

    def absorb(self, changes: Changes) -> None:
        """Bring the session up to date with what an operation changed, and say so to the forms."""
        if changes.plan:
            self.reload()
            return
        mine = [c for c in changes.figures if c.unit_id == self.unit.id]
        for c in mine:
            if c.figure is None:
                self._figures.pop((c.period, c.field), None)
            else:
                self._figures[(c.period, c.field)] = c.figure
        state = any(unit == self.unit.id for unit, _ in changes.submissions)
        if state:
            self._read_state()
        if mine:
            self._compute()
        self.events.announce(self.unit.id, changes, report=bool(mine), state=state)

    def _compute(self) -> None:
        # the one computation of the period: every derived cell, summary, card and check reads it
        figures = sorted(self._figures.values(), key=lambda f: (f.period, f.field))
        self.report = build_report(
            self.plan,
            self.coefficients,
            figures,
            self.unit.id,
            self.period,
            version=None,
            created_by=self.who,
            strict=False,
            factors=self.factors,
        )
        self.progress, self.problems = self.report.progress, self.report.problems

    def _read_state(self) -> None:
        """The period's submission state and the months a submitted report locks (from the store)."""
        self.state = period_state(self.store, self.plan, self.unit.id, self.period)
        lock = locked_through(self.store, self.plan, self.unit.id)
        if lock != self.lock:
            self.lock = lock
            self._drop_locked_steps()

    def figure(self, period: str, field: str) -> Figure | None:
        return self._figures.get((period, field))

    def set_period(self, period: Period) -> None:
        """Another report period: the figures held are the whole year's, so only the report and the
        period's state are computed again."""
        if period != self.period:
            self.period = period
            self.invalid.clear()
            self._compute()
            self._read_state()
            self.events.period_changed.emit()
            self.events.state_changed.emit()
            self.events.report_changed.emit()

    def locked(self, period: str) -> bool:
        """Every month a submitted report covers (1..P) is locked until P is reopened for correction."""
        lock = self.lock
        return lock is not None and period[:4] == lock.period[:4] and period <= lock.period

    def lock_reason(self, period: str) -> str | None:
        """Why a month cannot be changed and how to correct it, or None when it can."""
        if self.lock is None or not self.locked(period):
            return None
        p = parse_period(period)
        covering = parse_period(self.lock.period).label()
        return self.tr(
            "{month}的数据已包含在已报送的 {label} 报表（第 {v} 版）中，已锁定。"
            "如需修改，请选择报告期 {label}，点 报表 → 更正（将生成第 {next} 版）。"
        ).format(
            month=f"{p.year}年{p.month_label()}",
            label=covering,
            v=self.lock.version,
            next=self.lock.version + 1,
        )

    def _drop_locked_steps(self) -> None:
        """Undo never reaches into a locked month: steps that touch one are dropped, and so is what was
        undone (as after a new edit); the other steps stay, in order."""
        stack = self.undo_stack
        kept = [
            (command.new, command.old, command.text())
            for command in (stack.command(i) for i in range(stack.index()))
            if isinstance(command, _EditCommand) and not command.touches(self.locked)
        ]
        if len(kept) == stack.count():
            return
        stack.clear()
        for new, old, text in kept:
            stack.push(_EditCommand(self, new, old, text))

    def problems_at(self, period: str, field: str) -> list[Problem]:
        return [p for p in self.problems if p.period == period and p.field == field]

    # ---- editing -------------------------------------------------------------------------------
    def check(self, change: CellChange) -> str | None:
        """The reason `model` refuses this typed value, or None when it would be accepted."""
        locked = self.lock_reason(change.period)
        if locked is not None:
            return locked
        try:
            convert(self.plan, self.unit.id, parse_period(change.period), change.field, change.raw)
        except UserError as exc:
            return exc.message
        return None

    def edit(self, changes: list[CellChange], description: str) -> list[tuple[CellChange, str]]:
        """Save accepted changes as one undoable step; refused ones are kept as invalid and returned."""
        refused, accepted = [], []
        for change in changes:
            reason = self.check(change)
            if reason is None:
                accepted.append(change)
            else:
                refused.append((change, reason))
                self.invalid[(change.period, change.field)] = (change.raw, reason)
        if accepted:
            old = [CellChange(c.period, c.field, raw_text(self.figure(c.period, c.field))) for c in accepted]
            self.apply(accepted)  # raises UserError (e.g. a locked period) before anything is pushed
            self.undo_stack.push(_EditCommand(self, accepted, old, description))
        if refused:
            self.events.cells_changed.emit(frozenset((c.period, c.field) for c, _ in refused))
        return refused

    def apply(self, changes: list[CellChange]) -> None:
        """Store changes in one transaction (an undo step, forwards or back)."""
        entries = [Entry(self.unit.id, parse_period(c.period), c.field, c.raw, c.note) for c in changes]
        stored = store_entries(self.store, self.plan, entries, who=self.who)
        cleared = {(c.period, c.field) for c in changes if self.invalid.pop((c.period, c.field), None)}
        self.absorb(stored)
        unsaid = cleared - {(c.period, c.field) for c in stored.figures}
        if unsaid:  # red text typed over with the value already stored: the cell shows that value again
            self.events.cells_changed.emit(frozenset(unsaid))

    def set_note(self, period: str, field: str, note: str) -> None:
        figure = self.figure(period, field)
        change = CellChange(period, field, raw_text(figure), note)
        old = CellChange(period, field, raw_text(figure), figure.note if figure else "")
        self.apply([change])
        self.undo_stack.push(_EditCommand(self, [change], [old], self.tr("填写说明")))
