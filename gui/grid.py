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
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence, QPainter, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QSizePolicy,
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
from gui.lazy import out_of_sight
from gui.session import CellChange, UnitSession, raw_text
from gui.text_dialog import ask_text
from model.calc.checks import ERROR, Problem
from model.common.errors import UserError
from model.common.paste import format_block, parse_block
from model.common.periods import parse_period
from model.entry.figures import field_history
from model.plan.spec import NUMBER, STATUS, TASK_STATUSES, Field
from model.store.audit import render

Index = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()
NOTE_ROLE = Qt.ItemDataRole.UserRole + 1  # the cell's note (comment), drawn as a corner mark
NOTE_MARK = QColor("#d32f2f")  # WPS marks a comment with a small red corner
# Flags and alignments worked out once: a paint asks for them cell by cell, and combining Qt's enums
# in Python is slow.
SHOWN = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
TYPED = SHOWN | Qt.ItemFlag.ItemIsEditable
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
# The roles a grid cell answers (subclasses may answer more).
ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        NOTE_ROLE,
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
        self._cells: dict[tuple[str, str], tuple[int, int]] | None = None
        self._seen: tuple[dict[tuple[int, int], Derived], dict[tuple[str, str], list[Problem]]] = ({}, {})
        events = session.events
        self._drawn: tuple[Any, ...] = ()  # what the last whole repaint showed (see whole_changed)
        for whole in (events.plan_changed, events.period_changed, events.state_changed):
            whole.connect(self.whole_changed)  # the period, the plan or which months are locked
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
    def whole_changed(self) -> None:
        """The period, the plan or the locked months changed: repaint everything, once (a period switch
        says that the period, its state and its report changed, one after the other)."""
        s = self.session
        drawn = (s.period, s.lock, s.state, s.report)
        if len(self._drawn) == len(drawn) and all(a is b for a, b in zip(drawn, self._drawn, strict=True)):
            return
        self.refresh()

    def refresh(self) -> None:
        # The shape never changes while a unit is open, so repaint rather than reset: a reset would close
        # the editor whose commit caused this refresh.
        self._cells = None  # the period may move a form's cells (tasks show the period's month)
        s = self.session
        self._drawn = (s.period, s.lock, s.state, s.report)
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
        self._seen = self._snapshot()

    def _where(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(row, column) of each stored cell by (period, field key)."""
        if self._cells is None:
            self._cells = {}
            for row in range(self.rowCount()):
                for column in range(self.columnCount()):
                    where = self.address(row, column)
                    if where is not None:
                        self._cells[(where[0], where[1].key)] = (row, column)
        return self._cells

    def _snapshot(self) -> tuple[dict[tuple[int, int], Derived], dict[tuple[str, str], list[Problem]]]:
        """What the report puts on screen: each derived cell, and the checks that mark stored cells."""
        derived = {
            (row, column): self.derived(row, column)
            for row in range(self.rowCount())
            for column in range(self.columnCount())
            if self.address(row, column) is None
        }
        return derived, dict(self.session.flagged())

    def cells_changed(self, cells: frozenset[tuple[str, str]]) -> None:
        """Repaint the stored cells whose value, note or refused text changed."""
        where = self._where()
        self._repaint([where[cell] for cell in cells if cell in where])

    def derived_changed(self) -> None:
        """The report was computed again: repaint the derived cells whose text, colour or tooltip changed,
        and the colours and tooltips of stored cells a check marks or no longer marks (a check may flag
        a cell other than the one edited)."""
        derived, flagged = self._snapshot()
        seen_derived, seen_flagged = self._seen
        self._seen = derived, flagged
        self._repaint([cell for cell, shown in derived.items() if seen_derived.get(cell) != shown])
        where = self._where()
        marks = [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole]
        changed = flagged.keys() | seen_flagged.keys()
        self._repaint(
            [where[c] for c in changed if c in where and flagged.get(c) != seen_flagged.get(c)], marks
        )

    def _repaint(self, cells: list[tuple[int, int]], roles: list[Qt.ItemDataRole] | None = None) -> None:
        """dataChanged for these (row, column) cells: one signal per run of rows in a column (a pasted
        block is a few signals, not one per cell)."""
        extra = [] if roles is None else [roles]
        cells = sorted(cells, key=lambda rc: (rc[1], rc[0]))
        start = 0
        for i, (row, column) in enumerate(cells):
            last = i + 1 == len(cells) or cells[i + 1] != (row + 1, column)
            if last:
                self.dataChanged.emit(self.index(cells[start][0], column), self.index(row, column), *extra)
                start = i + 1

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        where = self.address(index.row(), index.column())
        if where and self.editable_row(index.row()) and not self.session.locked(where[0]):
            return TYPED
        return SHOWN

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
        if role == NOTE_ROLE:
            return figure.note if figure is not None and figure.note else None
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
            if figure is not None and figure.note:
                lines.append(f"{self.tr('说明')}：{figure.note}")
            return "\n".join(lines) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and f.kind == NUMBER:
            return RIGHT
        return None

    def _derived_data(self, cell: Derived, role: int) -> Any:
        if role in (Qt.ItemDataRole.ForegroundRole, NOTE_ROLE):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.BackgroundRole:
            return style.COLOUR_BACKGROUND.get(cell.colour or "", style.DERIVED_CELL)
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell.tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if cell.numeric else LEFT
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

    def noted(self) -> list[tuple[int, int]]:
        """(row, column) of the stored cells that have a note (NOTE_ROLE): they get a corner mark."""
        figure = self.session.figure
        return [
            cell for (period, key), cell in self._where().items() if (f := figure(period, key)) and f.note
        ]

    def locate(self, period: str, field: str) -> QModelIndex | None:
        cell = self._where().get((period, field))
        return None if cell is None else self.index(*cell)


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
    """Status cells are chosen from the plan's list, by keyboard or mouse; Ctrl+Enter in the editor puts
    its text into every selected cell, as in Excel. (No `paint` here: a Python paint for every cell costs
    about 0.15 ms a cell; the note corners are drawn by `GridView.paintEvent`.)"""

    fill = Signal(str)

    def eventFilter(self, editor: Any, event: Any) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
            and isinstance(editor, QLineEdit)
        ):
            text = editor.text()
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.RevertModelCache)
            self.fill.emit(text)
            return True
        return super().eventFilter(editor, event)

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
    """Types like a spreadsheet: typing starts editing, Enter moves down (back to where a run of Tab
    started), Tab moves to the next cell that can be typed in, Ctrl+C/Ctrl+V copy and paste blocks as
    WPS and Excel do, Ctrl+D fills down, Ctrl+Enter fills the selection, Ctrl+F finds, Delete clears."""

    message = Signal(str)
    leave = Signal()  # Esc outside an editor: the window puts the focus on its toolbar

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        delegate = StatusDelegate(self)
        delegate.fill.connect(self.fill_selection)
        self.setItemDelegate(delegate)
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
        self.setTabKeyNavigation(True)
        self.ask: Callable[[str, str], bool] = self._ask_with_dialog
        self.tell: Callable[[str, str], None] = lambda title, text: QMessageBox.information(self, title, text)
        self.ask_find: Callable[[str], str | None] = self._ask_find_with_dialog
        self.show_menu: Callable[[QMenu, Any], Any] = lambda menu, where: menu.exec(where)
        self.last_find = ""
        self.tab_start: int | None = None  # the column a run of Tab started from; Enter goes back to it
        self._tab_target: QModelIndex | None = None

    def grid(self) -> GridModel:
        model = self.model()
        assert isinstance(model, GridModel)
        return model

    def keyPressEvent(self, event: Any) -> None:
        editing = self.state() == self.State.EditingState
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        key = event.key()
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste(QGuiApplication.clipboard().text())
        elif event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif event.matches(QKeySequence.StandardKey.Find):
            self.find()
        elif control and key == Qt.Key.Key_D:
            self.fill_down()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not editing:
            self._move_down()
        elif key == Qt.Key.Key_Delete and not editing:
            self._clear_selection()
        elif key == Qt.Key.Key_Escape and not editing:
            self.leave.emit()
        elif (
            key == Qt.Key.Key_F2 and self.currentIndex().isValid() and self.explain_cell(self.currentIndex())
        ):
            return  # 计算过程 of a computed figure
        else:
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
        """Typing into a cell that takes no typing says why in the status bar instead of doing nothing."""
        if trigger is None:
            return super().edit(index)  # type: ignore[call-arg]
        if index.isValid() and trigger & self.editTriggers():
            reason = self._lock_reason(index) or self._read_only_reason(index, trigger, event)
            if reason is not None:
                self.message.emit(reason)
                return False
        return super().edit(index, trigger, event)

    def _read_only_reason(self, index: QModelIndex, trigger: Any, event: Any) -> str | None:
        typed = trigger == QAbstractItemView.EditTrigger.AnyKeyPressed and event is not None and event.text()
        if not typed or self.grid().flags(index) & Qt.ItemFlag.ItemIsEditable:
            return None
        model = self.grid()
        where = model.address(index.row(), index.column())
        if where is None:
            title = str(model.headerData(index.column(), Qt.Orientation.Horizontal) or "").replace("\n", "")
            return self.tr("“{title}”由程序计算，不能填写。").format(title=title)
        return self.tr("{period} 在报告期 {label} 之后，还不能填写；请先在工具栏选择报告期。").format(
            period=where[0], label=model.session.period.label()
        )

    def _lock_reason(self, index: QModelIndex | QPersistentModelIndex) -> str | None:
        model = self.grid()
        where = model.address(index.row(), index.column())
        return None if where is None else model.session.lock_reason(where[0])

    def closeEditor(self, editor: QWidget, hint: Any) -> None:
        # Enter while editing commits and moves down, as in a spreadsheet.
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self._move_down()
            return
        super().closeEditor(editor, hint)

    # -- moving --
    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Any) -> QModelIndex:
        """Tab and Shift+Tab go to the next cell that can be typed in, row after row, so that typed text
        never lands in a computed or locked column."""
        forward = action == QAbstractItemView.CursorAction.MoveNext
        if not forward and action != QAbstractItemView.CursorAction.MovePrevious:
            return super().moveCursor(action, modifiers)
        current, model = self.currentIndex(), self.grid()
        if not current.isValid():
            return super().moveCursor(action, modifiers)
        columns = model.columnCount()
        position = current.row() * columns + current.column()
        step = 1 if forward else -1
        for p in range(position + step, position + step * (model.rowCount() * columns), step):
            if not 0 <= p < model.rowCount() * columns:
                break
            index = model.index(p // columns, p % columns)
            if model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                if self.tab_start is None:
                    self.tab_start = current.column()
                self._tab_target = index
                return index
        return current

    def currentChanged(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._tab_target is None or current != self._tab_target:
            self.tab_start = None  # moved some other way: the run of Tab is over
        self._tab_target = None
        super().currentChanged(current, previous)

    def _move_down(self) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        column = current.column() if self.tab_start is None else self.tab_start
        row = min(current.row() + 1, self.model().rowCount() - 1)
        self.setCurrentIndex(self.model().index(row, column))

    def _move(self, rows: int, columns: int) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        target = self.model().index(
            min(max(current.row() + rows, 0), self.model().rowCount() - 1),
            min(max(current.column() + columns, 0), self.model().columnCount() - 1),
        )
        self.setCurrentIndex(target)

    # -- the right-click menu --
    def contextMenuEvent(self, event: Any) -> None:
        keyboard = event.reason() == event.Reason.Keyboard  # the menu key or Shift+F10
        index = self.currentIndex() if keyboard else self.indexAt(event.pos())
        if not index.isValid():
            return
        if not self.selectionModel().isSelected(index):
            self.setCurrentIndex(index)
        stored = self.grid().address(index.row(), index.column()) is not None
        menu = QMenu(self)
        menu.addAction(self.tr("复制(&C)"), self.copy_selection)
        menu.addAction(self.tr("粘贴(&P)"), lambda: self.paste(QGuiApplication.clipboard().text()))
        menu.addAction(self.tr("清除(&D)"), self._clear_selection)
        menu.addSeparator()
        history = menu.addAction(self.tr("修改记录(&H)…"), lambda: self.show_history(index))
        note = menu.addAction(self.tr("填写说明(&N)…"), lambda: self.edit_note(index))
        history.setEnabled(stored)
        note.setEnabled(stored)
        if self.grid().figure_of(index.row(), index.column()) is not None:
            menu.addAction(self.tr("计算过程(&E)…"), lambda: self.explain_cell(index))
        where = (
            self.viewport().mapToGlobal(self.visualRect(index).center()) if keyboard else event.globalPos()
        )
        self.show_menu(menu, where)

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
        text = ask_text(self, self.tr("填写说明"), where[1].label, figure.note if figure else "")
        if text is not None:
            model.session.set_note(where[0], where[1].key, text.strip())

    # -- copy, fill, clear, find --
    def _selected_block(self) -> list[list[QModelIndex]]:
        """The selection as rows of cells (a contiguous rectangle; the current cell when none)."""
        indexes = self.selectedIndexes() or [self.currentIndex()]
        indexes = [i for i in indexes if i.isValid()]
        if not indexes:
            return []
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes})
        return [[self.model().index(r, c) for c in columns] for r in rows]

    def copy_selection(self) -> None:
        """The selected block onto the clipboard, tab-separated, as stored (no thousands separators)."""
        model = self.grid()

        def text(index: QModelIndex) -> str:
            stored = model.address(index.row(), index.column()) is not None
            role = Qt.ItemDataRole.EditRole if stored else Qt.ItemDataRole.DisplayRole
            return str(model.data(index, role) or "")

        block = [[text(i) for i in row] for row in self._selected_block()]
        if block:
            QGuiApplication.clipboard().setText(format_block(block))

    def fill_down(self) -> None:
        """Ctrl+D: the top cell of each selected column into the cells below it (the cell above when one
        row is selected), as one undo step."""
        block = self._selected_block()
        if not block:
            return
        if len(block) == 1:
            above = [self.model().index(i.row() - 1, i.column()) for i in block[0]]
            if not all(i.isValid() for i in above):
                return
            block = [above, *block]
        model = self.grid()
        sources = [str(model.data(i, Qt.ItemDataRole.EditRole) or "") for i in block[0]]
        targets = [(index, sources[c]) for row in block[1:] for c, index in enumerate(row)]
        self._fill(targets, self.tr("向下填充 {n} 个单元格"))

    def fill_selection(self, text: str) -> None:
        """Ctrl+Enter: what was typed into every selected cell, as one undo step."""
        targets = [(index, text) for row in self._selected_block() for index in row]
        self._fill(targets, self.tr("填充 {n} 个单元格"))

    def _clear_selection(self) -> None:
        targets = [(index, "") for row in self._selected_block() for index in row]
        self._fill(targets, self.tr("清除 {n} 个单元格"))

    def _fill(self, targets: list[tuple[QModelIndex, str]], description: str) -> None:
        """Cells that take typing get the text through the session (one undo step; refused text stays red
        with its reason); a locked month says why in the status bar."""
        model = self.grid()
        changes = []
        for index, raw in targets:
            where = model.address(index.row(), index.column())
            if where and model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                if raw != model.data(index, Qt.ItemDataRole.EditRole):
                    changes.append(CellChange(where[0], where[1].key, raw))
            elif (reason := self._lock_reason(index)) is not None:
                self.message.emit(reason)
        if changes:
            model.session.edit(changes, description.format(n=len(changes)))

    def find(self) -> None:
        text = self.ask_find(self.last_find)
        if text:
            self.find_next(text)

    def find_next(self, text: str) -> bool:
        """Select the next cell after the current one whose value or field name contains `text`."""
        self.last_find = text
        model = self.grid()
        rows, columns = model.rowCount(), model.columnCount()
        current = self.currentIndex()
        start = current.row() * columns + current.column() if current.isValid() else -1
        for offset in range(1, rows * columns + 1):
            p = (start + offset) % (rows * columns)
            index = model.index(p // columns, p % columns)
            if text in self._words(index):
                self.setCurrentIndex(index)
                self.scrollTo(index)
                return True
        self.message.emit(self.tr("找不到“{text}”。").format(text=text))
        return False

    def _words(self, index: QModelIndex) -> str:
        """What Ctrl+F looks in: the cell's text and the name of its field (or its column's title)."""
        model = self.grid()
        where = model.address(index.row(), index.column())
        name = where[1].label if where else model.headerData(index.column(), Qt.Orientation.Horizontal)
        typed = model.data(index, Qt.ItemDataRole.EditRole) if where else ""
        return f"{model.data(index) or ''}\n{typed or ''}\n{str(name or '').replace(chr(10), '')}"

    def _ask_find_with_dialog(self, last: str) -> str | None:
        text, ok = QInputDialog.getText(self, self.tr("查找"), self.tr("查找字段名称或数值："), text=last)
        return text.strip() if ok else None

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
            model.session.edit(good, self.tr("粘贴 {n} 个单元格").format(n=len(good)), checked=True)

    def paintEvent(self, event: Any) -> None:
        """The cells, then a red corner on each cell with a note, as WPS marks a comment."""
        super().paintEvent(event)
        model = self.model()
        noted = model.noted() if isinstance(model, GridModel) else []
        if not noted:
            return
        painter = QPainter(self.viewport())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(NOTE_MARK)
        region = event.region()
        for row, column in noted:
            r = self.visualRect(model.index(row, column))
            if r.isEmpty() or not region.intersects(r):
                continue
            size = max(5.0, r.height() / 4)
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(r.right() - size, r.top()),
                        QPointF(r.right() + 1, r.top()),
                        QPointF(r.right() + 1, r.top() + size),
                    ]
                )
            )
        painter.end()

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


class Summary(QWidget):
    """A wrapped paragraph whose new text does not lay the window out again; its links say which figure
    to explain (`linkActivated`).

    A word-wrapped QLabel asks its parents to lay out on every new text, so after each save the whole
    window was laid out and painted again (~5 ms). Here the label sits alone in a box whose height is
    fixed, and changes only when the text needs more or fewer lines.
    """

    linkActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        # the figures of the summary are links: a click, or Tab to one and Enter, shows its 计算过程
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.label.linkActivated.connect(self.linkActivated)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def textInteractionFlags(self) -> Qt.TextInteractionFlag:
        return self.label.textInteractionFlags()

    def text(self) -> str:
        return self.label.text()

    def setText(self, text: str) -> None:
        self.label.setText(text)
        self._fit()

    def sizeHint(self) -> QSize:
        return QSize(self.label.minimumSizeHint().width(), self.height())

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        height = self.label.heightForWidth(self.width())
        self.label.setGeometry(0, 0, self.width(), height)
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)


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
        self.summary = Summary()
        self.summary.linkActivated.connect(self.explain_figure)
        self.model = model
        model.setParent(self)
        self.view = GridView(self)
        self.view.setModel(model)
        self.chart = MonthChart(chart_title)
        self.chart_wanted: bool | None = None  # None: shown when the twelve months leave room; Ctrl+G sets
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.chart)
        self.splitter.setCollapsible(0, False)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{session.plan.annexes[annex].title}</b>"))
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        self.fitted: dict[tuple[int, int], Any] = {}  # the text each cell's width was measured for
        self.unfitted: set[tuple[int, int]] = set()  # cells with a new text, measured when shown
        self.padding: int | None = None  # the delegate's width around a line of text, once measured
        for signal in (session.events.report_changed, session.events.plan_changed):
            signal.connect(self.refresh)
        session.events.plan_changed.connect(self.fit_columns)  # the headers too
        model.dataChanged.connect(self.fit_cells)
        self.refresh()
        self.fit_columns()

    @staticmethod
    def figure_link(figure: str, text: str) -> str:
        """A figure of the summary line, linked to its 计算过程 (a key of `progress --json`)."""
        return f"<a href='{figure}'>{text}</a>"

    def explain_figure(self, figure: str) -> None:
        """计算过程 of a summary figure, with its input cells selected in the grid."""
        from gui.explain_dialog import ExplainDialog
        from model.calc.explain import explain

        self.explain_dialog = ExplainDialog(explain(self.session.report, figure), self, self.view.highlight)
        self.explain_dialog.show()

    def fit_columns(self) -> None:
        """Every column as wide as its widest text (never "绿…"), growing only, so a clerk's widening
        stays."""
        header, model = self.view.horizontalHeader(), self.model
        for column in range(model.columnCount()):
            wanted = max(self.view.sizeHintForColumn(column), header.sectionSizeHint(column))
            if wanted > self.view.columnWidth(column):
                self.view.setColumnWidth(column, wanted)
        self.fitted = {
            (r, c): model.index(r, c).data()
            for r in range(model.rowCount())
            for c in range(model.columnCount())
        }
        self.unfitted.clear()

    def fit_cells(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Any = ()) -> None:
        """Columns grow to the new texts of repainted cells; only a cell whose text changed is measured
        (on another tab: when the form is shown)."""
        if roles and Qt.ItemDataRole.DisplayRole not in roles:
            return
        rows = range(top_left.row(), bottom_right.row() + 1)
        self.unfitted.update(
            (r, c) for r in rows for c in range(top_left.column(), bottom_right.column() + 1)
        )
        if not out_of_sight(self):
            self._fit_unfitted()

    def _fit_unfitted(self) -> None:
        view, grid_line = self.view, int(self.view.showGrid())
        metrics = view.fontMetrics()
        for row, column in sorted(self.unfitted):
            index = self.model.index(row, column)
            text, width = index.data(), view.columnWidth(column)
            if self.fitted.get((row, column)) == text:
                continue
            self.fitted[(row, column)] = text
            line = isinstance(text, str) and "\n" not in text
            if line and self.padding is not None and metrics.horizontalAdvance(text) + self.padding < width:
                continue  # fits: a line of text takes its advance and the delegate's fixed padding
            wanted = view.sizeHintForIndex(index).width()
            if line and text:
                self.padding = wanted - metrics.horizontalAdvance(text)
            if wanted + grid_line > width:
                view.setColumnWidth(column, wanted + grid_line)
        self.unfitted.clear()

    def showEvent(self, event: Any) -> None:
        if self.unfitted:
            self._fit_unfitted()
        super().showEvent(event)

    def grid_height(self) -> int:
        """The height that shows the header and all twelve months without scrolling."""
        view = self.view
        rows = sum(view.rowHeight(r) for r in range(self.model.rowCount()))
        scrollbar = view.horizontalScrollBar().sizeHint().height()
        return view.horizontalHeader().height() + rows + scrollbar + 2 * view.frameWidth()

    def fit_splitter(self) -> None:
        """The months first; the chart takes what is left, and folds away when that is too little
        (unless Ctrl+G asked for it: then it takes its least height from the months)."""
        total = self.splitter.height()
        grid = min(self.grid_height(), total)
        least = self.chart.minimumHeight()
        room = total - grid - self.splitter.handleWidth()
        show = room >= least if self.chart_wanted is None else self.chart_wanted
        self.chart.setVisible(show)
        if show:
            room = max(room, least)
            self.splitter.setSizes([total - room - self.splitter.handleWidth(), room])
        else:
            self.splitter.setSizes([total, 0])

    def toggle_chart(self) -> None:
        self.chart_wanted = not self.chart.isVisible()
        self.fit_splitter()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.fit_splitter()

    def refresh(self) -> None:
        """Summary and chart from the session's progress; each annex says what."""
