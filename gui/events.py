"""The bridge from what a model operation changed (`model.store.changes.Changes`) to Qt signals.

Like Electrum's `QtEventListener`: the model says what changed without Qt; this object says it to the
widgets, one signal per kind of change, so each redraws only what it shows of that.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from model.store.changes import Changes


class SessionEvents(QObject):
    cells_changed = Signal(object)  # frozenset of (period, field) whose stored or typed value changed
    report_changed = Signal()  # the period's report was computed again: derived cells, summaries, checks
    state_changed = Signal()  # the period's submission state or the months it locks
    evidence_changed = Signal()
    received_changed = Signal()  # packages the district imported
    profile_changed = Signal()
    period_changed = Signal()
    plan_changed = Signal()  # everything: the plan, its targets or the whole session was read again

    def announce(self, unit_id: str, changes: Changes, *, report: bool, state: bool) -> None:
        """Signals for what `changes` did to this unit; `report`/`state`: whether the session recomputed
        the report or re-read the period's state because of them."""
        if changes.plan:
            self.plan_changed.emit()
            return
        cells = frozenset((c.period, c.field) for c in changes.figures if c.unit_id == unit_id)
        if cells:
            self.cells_changed.emit(cells)
        if state:
            self.state_changed.emit()
        if report:
            self.report_changed.emit()
        if any(u == unit_id for u, _ in changes.evidence):
            self.evidence_changed.emit()
        if changes.received:
            self.received_changed.emit()
        if changes.profile:
            self.profile_changed.emit()
