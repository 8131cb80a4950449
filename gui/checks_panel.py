"""The side list of everything that blocks submission or needs a reason; activating one jumps to its cell."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui import style
from gui.session import UnitSession
from gui.text_dialog import ask_text
from model.calc.checks import ERROR, NEEDS_REASON, check_items


class ChecksPanel(QWidget):
    locate = Signal(str, str)  # period, field

    def __init__(self, session: UnitSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ask = lambda title, label, text: ask_text(self, title, label, text)  # tests answer it
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.reason_button = QPushButton(self.tr("填写原因…"), self)
        self.reason_button.clicked.connect(self._ask_reason)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.reason_button)
        for signal in (
            session.events.report_changed,
            session.events.cells_changed,
            session.events.plan_changed,
        ):
            signal.connect(self.refresh)
        self.shown: list[tuple[str, str, str, object]] | None = None
        self.refresh()

    def refresh(self) -> None:
        """The list again, when what it says changed (a save that changes no check leaves it, and the
        clerk's place in it, as it was)."""
        entries = self._entries()
        if entries == self.shown:
            return
        self.shown = entries
        self.list.clear()
        for text, period, field, colour in entries:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (period, field))
            item.setBackground(colour)  # type: ignore[arg-type]
            self.list.addItem(item)
        if self.list.count() == 0:
            self.list.addItem(self.tr("检查全部通过。"))
        self.reason_button.setEnabled(any(p.severity != ERROR for p in self.session.problems))

    def _entries(self) -> list[tuple[str, str, str, object]]:
        """(text, period, field, colour) of each line: refused typing, then the report's checks."""
        plan = self.session.plan
        entries: list[tuple[str, str, str, object]] = [
            (self.tr("错误：{reason}").format(reason=reason), period, key, style.ERROR_CELL)
            for (period, key), (_typed, reason) in self.session.invalid.items()
        ]
        # the same list as `main.py check`, from the session's report
        for item in check_items(plan, self.session.problems):
            if item.kind == ERROR:
                text, colour = self.tr("错误：{msg}").format(msg=item.message), style.ERROR_CELL
            elif item.kind == NEEDS_REASON:
                text, colour = self.tr("需说明：{msg}").format(msg=item.message), style.WARNING_CELL
            else:
                text = self.tr("已说明：{msg}（原因：{r}）").format(msg=item.message, r=item.reason)
                colour = style.EXPLAINED_CELL
            entries.append((text, item.period, item.field, colour))
        return entries

    def _activated(self, item: QListWidgetItem) -> None:
        where = item.data(Qt.ItemDataRole.UserRole)
        if where:
            self.locate.emit(*where)

    def _ask_reason(self) -> None:
        item = self.list.currentItem()
        where = item.data(Qt.ItemDataRole.UserRole) if item else None
        warnings = [p for p in self.session.problems if p.severity != ERROR]
        problem = next((p for p in warnings if where and (p.period, p.field) == tuple(where)), None)
        problem = problem or next((p for p in warnings if p.blocking), None)
        if problem is None:
            return
        text = self.ask(self.tr("填写原因"), problem.message, problem.reason)
        if text is not None and text.strip():
            self.session.set_note(problem.period, problem.field, text.strip())
