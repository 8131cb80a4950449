"""Spreadsheet-like grids: a table model over the session's figures and a view that types like Excel.

A grid is rows × columns where a cell is either a stored field at a period (editable) or a derived
figure (read-only). Subclasses say what each cell is; this module does display, colours, editing,
keyboard movement and pasting blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QSplitter,
    QStyledItemDelegate,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui import style
from gui.chart import MonthChart
from gui.session import CellChange, UnitSession, raw_text
from model.calc.checks import ERROR
from model.common.errors import UserError
from model.common.paste import parse_block
from model.common.periods import parse_period
from model.entry.figures import field_history
from model.plan.spec import NUMBER, STATUS, TASK_STATUSES, Field
from model.store.audit import render

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()
# The roles a grid cell answers (subclasses may answer more).
ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
    }
)


@dataclass(frozen=True)
class Derived:
    """A computed cell: its text, an optional warning colour and tooltip."""

    text: str
    colour: str | None = None
    tooltip: str = ""
    numeric: bool = True  # right-aligned like a figure; False for wording


def number_text(value: float) -> str:
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class GridModel(QAbstractTableModel):
    """Subclasses implement the shape: rowCount, columns, headers, address() and derived()."""

    def __init__(self, session: UnitSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        events = session.events
        for whole in (events.plan_changed, events.period_changed, events.state_changed):
            whole.connect(self.refresh)  # the period, the plan or which months are locked
        events.cells_changed.connect(self.cells_changed)
        events.report_changed.connect(self.derived_changed)

    # -- the shape, given by each form --
    def address(self, row: int, column: int) -> tuple[str, Field] | None:
        """(period, field) of a stored cell, or None for a derived cell."""
        return None

    def derived(self, row: int, column: int) -> Derived:
        return Derived("")

    def editable_row(self, row: int) -> bool:
        return True

    def figure_of(self, row: int, column: int) -> str | None:
        """The key (as in `progress --json`) of the derived figure a cell shows, for 计算过程 (F2)."""
        return None

    # -- shared --
    def refresh(self) -> None:
        # The shape never changes while a unit is open, so repaint rather than reset: a reset would close
        # the editor whose commit caused this refresh.
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def cells_changed(self, cells: frozenset[tuple[str, str]]) -> None:
        """Repaint the stored cells whose value, note or refused text changed."""
        for row in range(self.rowCount()):
            for column in range(self.columnCount()):
                where = self.address(row, column)
                if where is not None and (where[0], where[1].key) in cells:
                    index = self.index(row, column)
                    self.dataChanged.emit(index, index)

    def derived_changed(self) -> None:
        """The report was computed again: repaint each column's runs of derived cells, and the colours
        and tooltips of stored cells (a check may flag a cell other than the one edited)."""
        rows, columns = self.rowCount(), self.columnCount()
        marks = [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole]
        for column in range(columns):
            start = None
            for row in range(rows + 1):
                derived = row < rows and self.address(row, column) is None
                if derived and start is None:
                    start = row
                elif not derived and start is not None:
                    self.dataChanged.emit(self.index(start, column), self.index(row - 1, column))
                    start = None
        if rows and columns:
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, columns - 1), marks)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        where = self.address(index.row(), index.column())
        if where and self.editable_row(index.row()) and not self.session.locked(where[0]):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Painting asks each cell for some eight roles; most have no answer here and need no lookups.
        if not index.isValid() or role not in ROLES:
            return None
        row, column = index.row(), index.column()
        where = self.address(row, column)
        if where is None:
            return self._derived_data(self.derived(row, column), role)
        period, f = where
        if role == Qt.ItemDataRole.ForegroundRole:
            return style.LOCKED_TEXT if self.session.locked(period) else None
        figure = self.session.figure(period, f.key)
        invalid = self.session.invalid.get((period, f.key))
        problems = self.session.problems_at(period, f.key)
        if role == Qt.ItemDataRole.DisplayRole:
            if invalid:
                return invalid[0]
            if figure is None:
                return ""
            if figure.text is not None:
                return figure.text
            return number_text(figure.value) if figure.value is not None else ""
        if role == Qt.ItemDataRole.EditRole:
            return invalid[0] if invalid else raw_text(figure)
        if role == Qt.ItemDataRole.BackgroundRole:
            if invalid or any(p.severity == ERROR for p in problems):
                return style.ERROR_CELL
            if any(p.blocking for p in problems):
                return style.WARNING_CELL
            if problems:
                return style.EXPLAINED_CELL
            if not self.editable_row(row) or self.session.locked(period):
                return style.LOCKED_CELL
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            locked = self.session.lock_reason(period)
            lines = [f"🔒 {locked}"] if locked else []
            lines += [invalid[1]] if invalid else []
            lines += [p.message + (f"\n{self.tr('原因')}：{p.reason}" if p.reason else "") for p in problems]
            if figure is not None and figure.note and not problems:
                lines.append(f"{self.tr('说明')}：{figure.note}")
            return "\n".join(lines) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and f.kind == NUMBER:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _derived_data(self, cell: Derived, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.BackgroundRole:
            return style.COLOUR_BACKGROUND.get(cell.colour or "", style.DERIVED_CELL)
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell.tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if cell.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        period, f = self.address(index.row(), index.column())  # type: ignore[misc]
        raw = "" if value is None else str(value)
        if raw == self.data(index, Qt.ItemDataRole.EditRole):
            return False
        self.session.edit([CellChange(period, f.key, raw)], self.tr("修改“{label}”").format(label=f.label))
        return True

    def locate(self, period: str, field: str) -> QModelIndex | None:
        for row in range(self.rowCount()):
            for column in range(self.columnCount()):
                where = self.address(row, column)
                if where and where[0] == period and where[1].key == field:
                    return self.index(row, column)
        return None


class CellHistoryDialog(QDialog):
    def __init__(
        self, session: UnitSession, period: str, field: Field, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("修改记录 — {period} {label}").format(period=period, label=field.label))
        history = field_history(session.store, session.plan, session.unit.id, parse_period(period), field.key)
        entries = [render(e) for e in history]
        headers = [self.tr("时间"), self.tr("修改人"), self.tr("原值"), self.tr("新值")]
        self.table = QTableWidget(len(entries), len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, entry in enumerate(entries):
            for column, text in enumerate([entry.at, entry.who, entry.old, entry.new]):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 300)


class StatusDelegate(QStyledItemDelegate):
    """Status cells are chosen from the plan's list, by keyboard or mouse."""

    def createEditor(self, parent: QWidget, option: Any, index: Index) -> QWidget:
        model = index.model()
        where = model.address(index.row(), index.column()) if isinstance(model, GridModel) else None
        if where is None or where[1].kind != STATUS:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.addItems(["", *TASK_STATUSES])
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class GridView(QTableView):
    """Typing starts editing, Enter moves down, Tab moves right, Ctrl+V pastes a block from Excel."""

    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(StatusDelegate(self))
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setAlternatingRowColors(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.horizontalHeader().setMinimumHeight(self.fontMetrics().height() * 3 + 8)
        self.setWordWrap(True)
        self.ask: Callable[[str, str], bool] = self._ask_with_dialog
        self.tell: Callable[[str, str], None] = lambda title, text: QMessageBox.information(self, title, text)

    def grid(self) -> GridModel:
        model = self.model()
        assert isinstance(model, GridModel)
        return model

    def keyPressEvent(self, event: Any) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste(QGuiApplication.clipboard().text())
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != self.State.EditingState:
            self._move(1, 0)
            return
        if event.key() == Qt.Key.Key_Delete and self.state() != self.State.EditingState:
            self._clear_selection()
            return
        current = self.currentIndex()
        if event.key() == Qt.Key.Key_F2 and current.isValid() and self.explain_cell(current):
            return
        super().keyPressEvent(event)

    def explain_cell(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        """计算过程 of a derived cell; False when the cell is not a derived figure."""
        model = self.grid()
        figure = model.figure_of(index.row(), index.column())
        if figure is None:
            return False
        from gui.explain_dialog import ExplainDialog
        from model.calc.explain import explain

        try:
            explanation = explain(model.session.report, figure)
        except UserError as exc:
            self.message.emit(str(exc))
            return True
        self.explain_dialog = ExplainDialog(explanation, self, self.highlight)
        self.explain_dialog.show()
        return True

    def highlight(self, cells: list[tuple[str, str]]) -> None:
        """Select the input cells of an explanation that this grid shows."""
        model = self.grid()
        selection = QItemSelection()
        for period, field in cells:
            index = model.locate(period, field)
            if index is not None:
                selection.select(index, index)
        self.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def edit(self, index: Any, trigger: Any = None, event: Any = None) -> bool:  # type: ignore[override]
        """Trying to edit a locked month says why in the status bar instead of doing nothing."""
        if trigger is None:
            return super().edit(index)  # type: ignore[call-arg]
        if index.isValid() and trigger & self.editTriggers():
            reason = self._lock_reason(index)
            if reason is not None:
                self.message.emit(reason)
                return False
        return super().edit(index, trigger, event)

    def _lock_reason(self, index: QModelIndex | QPersistentModelIndex) -> str | None:
        model = self.grid()
        where = model.address(index.row(), index.column())
        return None if where is None else model.session.lock_reason(where[0])

    def closeEditor(self, editor: QWidget, hint: Any) -> None:
        # Enter while editing commits and moves down, as in a spreadsheet.
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self._move(1, 0)
            return
        super().closeEditor(editor, hint)

    def contextMenuEvent(self, event: Any) -> None:
        index = self.indexAt(event.pos())
        where = self.grid().address(index.row(), index.column()) if index.isValid() else None
        if where is None:
            if index.isValid() and self.grid().figure_of(index.row(), index.column()) is not None:
                menu = QMenu(self)
                menu.addAction(self.tr("计算过程(&E)…"), lambda: self.explain_cell(index))
                menu.exec(event.globalPos())
            return
        self.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addAction(self.tr("修改记录(&H)…"), lambda: self.show_history(index))
        menu.addAction(self.tr("填写说明(&N)…"), lambda: self.edit_note(index))
        menu.exec(event.globalPos())

    def show_history(self, index: QModelIndex) -> None:
        """Who changed this cell, when, from what to what (the append-only audit)."""
        model = self.grid()
        where = model.address(index.row(), index.column())
        if where is not None:
            CellHistoryDialog(model.session, where[0], where[1], self).exec()

    def edit_note(self, index: QModelIndex) -> None:
        model = self.grid()
        where = model.address(index.row(), index.column())
        if where is None or model.session.figure(where[0], where[1].key) is None:
            return
        figure = model.session.figure(where[0], where[1].key)
        text, ok = QInputDialog.getMultiLineText(
            self, self.tr("填写说明"), where[1].label, figure.note if figure else ""
        )
        if ok:
            model.session.set_note(where[0], where[1].key, text.strip())

    def _move(self, rows: int, columns: int) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        target = self.model().index(
            min(max(current.row() + rows, 0), self.model().rowCount() - 1),
            min(max(current.column() + columns, 0), self.model().columnCount() - 1),
        )
        self.setCurrentIndex(target)

    def _clear_selection(self) -> None:
        model = self.grid()
        changes = []
        for index in self.selectedIndexes():
            where = model.address(index.row(), index.column())
            if where and model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                changes.append(CellChange(where[0], where[1].key, ""))
            elif (reason := self._lock_reason(index)) is not None:
                self.message.emit(reason)
        if changes:
            model.session.edit(changes, self.tr("清除 {n} 个单元格").format(n=len(changes)))

    def paste(self, text: str) -> None:
        """Paste a block at the current cell: good cells go in as one undo step; refused ones are listed."""
        model = self.grid()
        start = self.currentIndex()
        block = parse_block(text)
        if not start.isValid() or not block:
            return
        good: list[CellChange] = []
        bad: list[str] = []
        skipped = 0
        lock_note = ""  # why locked cells are refused and how to correct, said once
        for r, row in enumerate(block):
            for c, raw in enumerate(row):
                index = model.index(start.row() + r, start.column() + c)
                where = model.address(index.row(), index.column()) if index.isValid() else None
                locked = self._lock_reason(index) if where is not None else None
                if locked is not None and where is not None:  # refused cell by cell, with the reason
                    if raw.strip() != str(model.data(index, Qt.ItemDataRole.EditRole)):
                        bad.append(
                            self.tr("{period} {label}：已锁定").format(period=where[0], label=where[1].label)
                        )
                        lock_note = locked
                    continue
                if where is None or not (model.flags(index) & Qt.ItemFlag.ItemIsEditable):
                    skipped += 1 if raw.strip() else 0
                    continue
                change = CellChange(where[0], where[1].key, raw)
                reason = model.session.check(change)
                if reason is None:
                    good.append(change)
                else:
                    bad.append(reason)
        if bad:
            listing = "\n".join(f"• {b}" for b in bad[:12]) + ("\n…" if len(bad) > 12 else "")
            listing += f"\n{lock_note}" if lock_note else ""
            if not good:
                self.tell(
                    self.tr("粘贴"),
                    self.tr("粘贴的 {n} 个单元格都无法接受，未作改动：\n{listing}").format(
                        n=len(bad), listing=listing
                    ),
                )
                return
            question = self.tr(
                "粘贴的内容中有 {n} 个单元格无法接受：\n{listing}\n\n是否只粘贴其余 {good} 个正确的单元格？"
            ).format(n=len(bad), listing=listing, good=len(good))
            if not self.ask(self.tr("粘贴"), question):
                return
        if skipped:
            self.message.emit(self.tr("有 {n} 个单元格超出表格或属于计算列，未粘贴。").format(n=skipped))
        if good:
            model.session.edit(good, self.tr("粘贴 {n} 个单元格").format(n=len(good)))

    def _ask_with_dialog(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(self, title, question)
        return answer == QMessageBox.StandardButton.Yes


def wrap(text: str, width: int = 8) -> str:
    """Break a long header label into lines of at most `width` characters (CJK has no spaces)."""
    lines = []
    for part in text.replace("（", "\n（").strip().split("\n"):
        lines += [part[i : i + width] for i in range(0, len(part), width)] or [""]
    return "\n".join(lines)


class MonthGridModel(GridModel):
    """Months of the plan year as rows (1月…12月); columns are stored fields or derived figures.

    `layout` lists the columns in order: a Field, or the position of a derived column in `derived_titles`.
    Months after the selected period are shown but not editable.
    """

    def __init__(
        self,
        session: UnitSession,
        layout: list[Field | int],
        derived_titles: list[str],
        parent: QWidget | None = None,
    ) -> None:
        self.layout = layout
        self.derived_titles = derived_titles
        super().__init__(session, parent)

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else 12

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.layout)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return self.tr("{m}月").format(m=section + 1)
        column = self.layout[section]
        if isinstance(column, int):
            return self.derived_titles[column]
        return wrap(column.label) + (f"\n（{column.unit}）" if column.unit else "")

    def period_of(self, row: int) -> str:
        return f"{self.session.plan.year:04d}-{row + 1:02d}"

    def address(self, row: int, column: int) -> tuple[str, Field] | None:
        item = self.layout[column]
        return None if isinstance(item, int) else (self.period_of(row), item)

    def derived_index(self, column: int) -> int:
        item = self.layout[column]
        assert isinstance(item, int)
        return item

    def editable_row(self, row: int) -> bool:
        return row + 1 <= self.session.period.month


class MonthForm(QWidget):
    """An annex form of months: title, a one-paragraph summary, the grid and a chart under it."""

    def __init__(
        self,
        session: UnitSession,
        annex: int,
        model: MonthGridModel,
        chart_title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.model = model
        model.setParent(self)
        self.view = GridView(self)
        self.view.setModel(model)
        self.view.resizeColumnsToContents()
        self.chart = MonthChart(chart_title)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.chart)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{session.plan.annexes[annex].title}</b>"))
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        for signal in (session.events.report_changed, session.events.plan_changed):
            signal.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Summary and chart from the session's progress; each annex says what."""
