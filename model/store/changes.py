"""What an operation changed in the store, so that a window redraws only that (Anki's `OpChanges`).

Model operations return a `Changes`; the window's bridge (`gui/events.py`) turns it into Qt signals.
The figures a change carries are the stored rows as they are now, so a reader holding a unit's figures
can bring them up to date without reading the database again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from model.store.figures import FigureChange

UnitPeriod = tuple[str, str]  # (unit_id, "YYYY-MM")


@dataclass(frozen=True)
class Changes:
    figures: tuple[FigureChange, ...] = ()
    submissions: frozenset[UnitPeriod] = field(default_factory=frozenset)  # a version frozen or reopened
    received: frozenset[UnitPeriod] = field(default_factory=frozenset)  # packages the district imported
    evidence: frozenset[UnitPeriod] = field(default_factory=frozenset)
    plan: bool = False  # the plan or its targets: everything derived from it
    profile: bool = False

    @property
    def count(self) -> int:
        """How many stored figures changed."""
        return len(self.figures)

    def __bool__(self) -> bool:
        return bool(
            self.figures or self.submissions or self.received or self.evidence or self.plan or self.profile
        )

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.figures + other.figures,
            self.submissions | other.submissions,
            self.received | other.received,
            self.evidence | other.evidence,
            self.plan or other.plan,
            self.profile or other.profile,
        )
