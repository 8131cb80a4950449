"""Pages that rebuild only when seen: an edit on another tab marks them stale instead of rebuilding."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent


class RefreshWhenShown:
    """Mix in before the Qt widget class; the page implements `_build()` and sets `stale` at first."""

    stale: bool

    def refresh(self) -> None:
        if self.isHidden():  # type: ignore[attr-defined]
            self.stale = True
            return
        self._build()

    def showEvent(self, event: QShowEvent) -> None:
        if self.stale:
            self._build()
        super().showEvent(event)  # type: ignore[misc]

    def _build(self) -> None:
        """Fill the page from the session (each page says how)."""
