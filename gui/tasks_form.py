"""Annex 1 (indicators a bureau leads) and annex 4 (tasks a unit holds): one row per plan row.

Values are cumulative: what was entered for an earlier month carries forward (shown in grey) until
the clerk enters this month's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QKeySequence, QShowEvent
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from gui.evidence_dialog import EvidenceDialog
from gui.grid import NO_PARENT, Derived, GridModel, GridView, Index
from gui.lazy import out_of_sight
from gui.session import UnitSession
from model.calc.progress import RowProgress
from model.common import formatting as fmt
from model.plan.spec import Field


@dataclass(frozen=True)
class Column:
    title: str
    suffix: str = ""  # a stored field "<row id>.<suffix>"; empty for a derived column
    derive: Callable[[Any, RowProgress | None], Derived] | None = None
    share: int = 0  # words that wrap: the column's share of the free width (0: as wide as its content)


def _colour(_row: Any, p: RowProgress | None) -> Derived:
    """The warning, or for a contribution to a district target the word that it is not judged alone."""
    if p is None:
        return Derived("")
    shown = p.colour_label if p.colour or p.role == "contribution" else ""
    return Derived(shown, p.colour, tooltip=p.note)


class RowsModel(GridModel):
    def __init__(self, session: UnitSession, annex: int, parent: QWidget | None = None) -> None:
        self.annex = annex
        self.columns = self._columns(annex)
        self._evidence = {}
        super().__init__(session, parent)
        self._fields = {f.key: f for f in session.plan.fields_for(session.unit.id)}
        session.events.evidence_changed.connect(self.refresh)
        self.refresh()

    def _columns(self, annex: int) -> list[Column]:
        if annex == 1:
            return [
                Column(self.tr("领域"), derive=lambda r, p: Derived(f"{r.category}·{r.area}", numeric=False)),
                Column(
                    self.tr("节能减排降碳工作目标"),
                    derive=lambda r, p: Derived(r.text, numeric=False),
                    share=1,
                ),
                Column(self.tr("目标"), derive=lambda r, p: Derived(p.target if p else "")),
                Column(self.tr("本年累计完成"), "value"),
                Column(self.tr("完成情况"), "status"),
                Column(self.tr("附加条件"), "condition1"),
                Column(
                    self.tr("完成目标比例"),
                    derive=lambda r, p: Derived(
                        fmt.pct(p.share_of_target_pct) if p and p.share_of_target_pct is not None else ""
                    ),
                ),
                Column(self.tr("预警"), derive=_colour),
            ]
        return [
            Column(self.tr("主要领域"), derive=lambda r, p: Derived(r.area, numeric=False)),
            Column(
                self.tr("工作内容"),
                derive=lambda r, p: Derived(r.text, tooltip=r.text, numeric=False),
                share=3,
            ),
            Column(self.tr("进展状态"), "status"),
            Column(self.tr("完成进度\n（%）"), "progress_pct"),
            Column(self.tr("量化目标"), derive=lambda r, p: Derived(p.target if p else "")),
            Column(self.tr("量化指标完成值"), "value"),
            Column(self.tr("工作进展说明"), "narrative", share=2),
            Column(self.tr("证明材料"), derive=self._evidence_count),
            Column(self.tr("预警"), derive=_colour),
        ]

    def _evidence_count(self, row: Any, _p: RowProgress | None) -> Derived:
        n = self._evidence.get(row.id, 0)
        return Derived(
            self.tr("{n} 个文件").format(n=n) if n else "", tooltip=self.tr("按 Ctrl+E 管理证明材料")
        )

    def refresh(self) -> None:
        s = self.session
        self._evidence: dict[str, int] = {}
        for item in s.store.evidence.list(s.plan.id, s.unit.id):
            self._evidence[item.row_id] = self._evidence.get(item.row_id, 0) + 1
        super().refresh()

    def rows(self) -> list[Any]:
        plan, unit_id = self.session.plan, self.session.unit.id
        return plan.annex1_rows_led_by(unit_id) if self.annex == 1 else plan.annex4_rows_for(unit_id)

    def progress_rows(self) -> list[RowProgress]:
        progress = self.session.progress
        return progress.annex1 if self.annex == 1 else progress.annex4

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.rows())

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return self.rows()[section].id
        return self.columns[section].title

    def address(self, row: int, column: int) -> tuple[str, Field] | None:
        suffix = self.columns[column].suffix
        if not suffix:
            return None
        f = self._fields.get(f"{self.rows()[row].id}.{suffix}")
        return (str(self.session.period), f) if f else None

    def derived(self, row: int, column: int) -> Derived:
        derive = self.columns[column].derive
        if derive is None:  # a stored field this row does not have
            return Derived("")
        return derive(self.rows()[row], self.progress_rows()[row])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().data(index, role)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole):
            return value
        where = self.address(index.row(), index.column()) if index.isValid() else None
        if where is None:
            return value
        period, f = where
        if self.session.figure(period, f.key) is not None or (period, f.key) in self.session.invalid:
            return value
        carried = self._carried(f.key)
        if carried is None:
            return value
        month, text = carried
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#8a8a8a")
        return self.tr("{text}（{m}月）").format(text=text, m=month)

    def _carried(self, key: str) -> tuple[int, str] | None:
        for month in range(self.session.period.month - 1, 0, -1):
            figure = self.session.figure(f"{self.session.plan.year:04d}-{month:02d}", key)
            if figure is not None:
                shown = figure.text if figure.text is not None else fmt.amount(figure.value)
                return month, shown
        return None


class TasksForm(QWidget):
    def __init__(self, session: UnitSession, annex: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = RowsModel(session, annex, self)
        self.view = GridView(self)
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.resizeColumnsToContents()
        self.fit_widths()
        self.view.viewport().installEventFilter(self)
        self.unfitted = False
        self.fitted: tuple[tuple[int, ...], list[tuple[Any, ...]]] = ((), [])  # column widths, row texts
        self.fit_changed_rows()
        for signal in (
            session.events.report_changed,
            session.events.cells_changed,
            session.events.plan_changed,
        ):
            signal.connect(self.fit_rows)
        session.events.evidence_changed.connect(self.fit_rows)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{session.plan.annexes[annex].title}</b>"))
        hint = QLabel(
            self.tr(
                "状态可选：未开始、推进中、已完成、滞后。灰色为沿用以前月份的数据，本月有变化时直接修改。"
            )
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.view, 1)
        if annex == 4:
            button = QPushButton(self.tr("证明材料(&E)…"))
            button.setShortcut(QKeySequence("Ctrl+E"))
            button.clicked.connect(self.open_evidence)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)

    def fit_widths(self) -> None:
        """Wrapping columns share the width the others leave (at least 12 characters each), so long
        texts take two or three lines, not eight."""
        view, columns = self.view, self.model.columns
        char = self.fontMetrics().horizontalAdvance("字")
        wrapping = [c for c, column in enumerate(columns) if column.share]
        for c in range(len(columns)):
            if c not in wrapping:
                view.resizeColumnToContents(c)
        fixed = sum(view.columnWidth(c) for c in range(len(columns)) if c not in wrapping)
        free = view.viewport().width() - fixed
        total = sum(columns[c].share for c in wrapping)
        for c in wrapping:
            view.setColumnWidth(c, max(char * 12, free * columns[c].share // total))

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_widths()
            self.fit_rows()
        return super().eventFilter(watched, event)

    def fit_rows(self) -> None:
        # Measuring wrapped text takes ~0.4 ms a row: on another tab wait until shown.
        if out_of_sight(self):
            self.unfitted = True
            return
        self.fit_changed_rows()

    def fit_changed_rows(self) -> None:
        """Row heights for the rows whose text changed (every row when a column's width changed)."""
        model, view = self.model, self.view
        widths = tuple(view.columnWidth(c) for c in range(model.columnCount()))
        texts = [
            tuple(model.index(r, c).data() for c in range(model.columnCount()))
            for r in range(model.rowCount())
        ]
        old_widths, old_texts = self.fitted
        if widths != old_widths or len(texts) != len(old_texts):
            view.resizeRowsToContents()
        else:
            for row, (new, old) in enumerate(zip(texts, old_texts, strict=True)):
                if new != old:
                    view.resizeRowToContents(row)
        self.fitted = (widths, texts)

    def showEvent(self, event: QShowEvent) -> None:
        if self.unfitted:
            self.unfitted = False
            self.fit_changed_rows()
        super().showEvent(event)

    def open_evidence(self) -> None:
        index = self.view.currentIndex()
        rows = self.model.rows()
        if not index.isValid() or not rows:
            return
        row = rows[index.row()]
        EvidenceDialog(self.session, row.id, f"{row.id} {row.text}", self).exec()
