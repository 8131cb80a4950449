"""Pages made and rebuilt only when seen: a tab is built when first opened, and an edit on another tab
marks a page stale instead of rebuilding it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget


def out_of_sight(widget: QWidget) -> bool:
    """On a tab that is not shown (the page itself hidden, or the `TabSlot` holding it): shown or not,
    the window does not count, so a window not yet shown still fills its first page."""
    return not widget.isVisibleTo(widget.window())


class RefreshWhenShown:
    """Mix in before the Qt widget class; the page implements `_build()` and sets `stale` at first."""

    stale: bool

    def refresh(self) -> None:
        if out_of_sight(self):  # type: ignore[arg-type]
            self.stale = True
            return
        self._build()

    def showEvent(self, event: QShowEvent) -> None:
        if self.stale:
            self._build()
        super().showEvent(event)  # type: ignore[misc]

    def _build(self) -> None:
        """Fill the page from the session (each page says how)."""


class TabSlot(QWidget):
    """A tab's place until its page is first needed: shown, or asked for. The page (and the modules behind
    it) is made then, so the window opens without building tabs nobody has looked at yet. `make(parent)`
    makes it inside the slot: made without a parent it would be a window of its own for a moment, and
    the main window would lose the keyboard to it."""

    def __init__(self, make: Callable[[QWidget], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._make = make
        self.page: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget:
        if self.page is None:
            self.page = self._make(self)
            self.layout().addWidget(self.page)
            self.setFocusProxy(self.page)
        return self.page

    def showEvent(self, event: QShowEvent) -> None:
        self.ensure()
        super().showEvent(event)


class PageTabs(QTabWidget):
    """A tab widget whose tabs may hold a `TabSlot`: `widget`, `currentWidget`, `indexOf` and
    `setCurrentWidget` speak of the pages themselves (building one when asked for it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(self.widget)  # the page is there before anyone looks for it

    def widget(self, index: int) -> QWidget:
        held = super().widget(index)
        return held.ensure() if isinstance(held, TabSlot) else held

    def currentWidget(self) -> QWidget:
        return self.widget(self.currentIndex())

    def indexOf(self, page: QWidget) -> int:
        for i in range(self.count()):
            held = super().widget(i)
            if held is page or (isinstance(held, TabSlot) and held.page is page and page is not None):
                return i
        return -1

    def setCurrentWidget(self, page: QWidget) -> None:
        index = self.indexOf(page)
        if index >= 0:
            self.setCurrentIndex(index)
