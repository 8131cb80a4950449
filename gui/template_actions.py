"""The spreadsheet round trip in the window: 报表 → 导出填报模板 and 文件 → 从 Excel 导入.

The same model functions as `main.py template` and `main.py enter --file`: the workbook is read off the
GUI thread (on its own database connection), every change and refusal is shown before anything is
stored, and the changes are saved as one undo step, all of them or none.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QListWidget,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.report_actions import offer_to_open, show_error
from gui.session import CellChange, UnitSession
from gui.settings import Settings
from gui.worker import Worker, on_own_store
from model.entry.figures import Entry, EntryPreview
from model.plan.spec import Plan
from model.store.database import Store


class PreviewDialog(QDialog):
    """Every change (old → new) with its cell, then every refusal; 保存 only when nothing is refused."""

    def __init__(self, plan: Plan, preview: EntryPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("从 Excel 导入"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr("{n} 处修改，{same} 项与已存数据相同。").format(
                    n=len(preview.changes), same=preview.unchanged
                )
            )
        )
        table = QTableWidget(len(preview.changes), 5, self)
        table.setHorizontalHeaderLabels(
            [self.tr("位置"), self.tr("报告期"), self.tr("填报项"), self.tr("原值"), self.tr("新值")]
        )
        for row, c in enumerate(preview.changes):
            cells = [c.where, c.period, plan.field(c.field).display_label, c.old or "", c.new or ""]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                table.setItem(row, column, item)
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.resizeColumnsToContents()
        layout.addWidget(table)
        if preview.problems:
            layout.addWidget(
                QLabel(
                    self.tr("{n} 处问题，全部未保存。请在工作簿中改正后重新导入：").format(
                        n=len(preview.problems)
                    )
                )
            )
            problems = QListWidget(self)
            problems.addItems(preview.problems)
            layout.addWidget(problems)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.save = buttons.addButton(self.tr("保存这些修改"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save.setEnabled(bool(preview.changes) and not preview.problems)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 480)


class TemplateActions(QObject):
    def __init__(self, window: QMainWindow, session: UnitSession, settings: Settings, worker: Worker) -> None:
        super().__init__(window)
        self.window, self.session, self.settings, self.worker = window, session, settings, worker
        self.export_action = QAction(self.tr("导出填报模板(&T)…"), window)
        self.export_action.triggered.connect(self.export)
        self.import_action = QAction(self.tr("从 Excel 导入(&I)…"), window)
        self.import_action.triggered.connect(self.choose_workbook)

    def export(self) -> None:
        s = self.session
        folder = self.settings.folder("exports") or str(Path.home())
        default = str(Path(folder) / f"{s.plan.year}_{s.unit.id}_{s.unit.name}_填报模板.xlsx")
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("导出填报模板"), default, self.tr("Excel 工作簿 (*.xlsx)")
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        from model.reports.template import export_template

        s = self.session
        self.settings.set_folder("exports", str(path.parent))

        def job(store: Store) -> Path:
            return export_template(store, s.unit.id, s.period, path)

        self.worker.run(
            on_own_store(s.store, job),
            lambda written: offer_to_open(
                self.window, self.tr("导出填报模板"), self.tr("已导出：{path}").format(path=written), written
            ),
            lambda exc: show_error(self.window, exc, self.tr("无法导出填报模板")),
            self.tr("正在生成填报模板…"),
            self.window,
        )

    def choose_workbook(self) -> None:
        folder = self.settings.folder("exports") or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("从 Excel 导入"), folder, self.tr("Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)")
        )
        if path:
            self.read(Path(path))

    def read(self, path: Path) -> None:
        from model.entry.workbook import preview_file

        s = self.session

        def job(store: Store) -> tuple[list[Entry], EntryPreview]:
            return preview_file(store, s.plan, path)

        self.worker.run(
            on_own_store(s.store, job),
            lambda result: self.confirm(*result),
            lambda exc: show_error(self.window, exc, self.tr("无法导入")),
            self.tr("正在读取工作簿…"),
            self.window,
        )

    def confirm(self, entries: list[Entry], preview: EntryPreview) -> None:
        s = self.session
        others = sorted({e.unit_id for e in entries} - {s.unit.id})
        if others:
            preview = EntryPreview(
                [],
                [
                    self.tr("这是{other}的数据，当前单位是{unit}：请在本单位导出的模板中填写。").format(
                        other="、".join(s.plan.unit(u).name for u in others), unit=s.unit.name
                    ),
                    *preview.problems,
                ],
                preview.unchanged,
            )
        dialog = PreviewDialog(s.plan, preview, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        changed = {(c.period, c.field) for c in preview.changes}
        changes = [
            CellChange(str(e.period), e.field, e.raw) for e in entries if (str(e.period), e.field) in changed
        ]
        s.edit(changes, self.tr("从 Excel 导入"))
        self.window.statusBar().showMessage(
            self.tr("已从 Excel 导入 {n} 项数据。").format(n=len(changes)), 8000
        )
