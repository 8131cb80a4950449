"""文件 → 载入计划… and 导出计划…: the window's twins of `main.py init --plan FILE` and `plan-export`.

Both run off the GUI thread. Loading reads and validates the file, then stores it on the job's own
database connection; the window then reopens on the new plan (its forms are built from the plan).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from gui.report_actions import show_error
from gui.session import UnitSession
from gui.worker import Worker, on_own_store
from model.plan.spec import Plan, load_plan
from model.store.database import Store


def _installer(plan_path: Path, who: str) -> Callable[[Store], Plan]:
    def install(store: Store) -> Plan:
        from model.exchange.targets import install_plan

        plan = load_plan(plan_path)  # read and validated before the database is touched
        return install_plan(store, plan, who=who)

    return install


class PlanActions(QObject):
    loaded = Signal(object)  # the plan now active
    exported = Signal(object)  # the path written

    def __init__(self, window: QMainWindow, session: UnitSession, worker: Worker) -> None:
        super().__init__(window)
        self.window, self.session, self.worker = window, session, worker
        self.load_action = QAction(self.tr("载入计划(&L)…"), window)
        self.load_action.setStatusTip(self.tr("载入区里下发的新一年计划文件（.json）"))
        self.load_action.triggered.connect(self.ask_load)
        self.export_action = QAction(self.tr("导出计划(&E)…"), window)
        self.export_action.setStatusTip(self.tr("把当前计划导出为文件，发给各单位载入"))
        self.export_action.triggered.connect(self.ask_export)

    def actions(self) -> list[QAction]:
        return [self.load_action, self.export_action]

    def ask_load(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("载入计划"), "", self.tr("计划文件 (*.json);;所有文件 (*)")
        )
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> None:
        self.worker.run(
            on_own_store(self.session.store, _installer(path, self.session.who)),
            self.loaded.emit,
            lambda exc: show_error(self.window, exc, self.tr("无法载入计划")),
            self.tr("正在载入计划…"),
            self.window,
        )

    def ask_export(self) -> None:
        plan = self.session.plan
        name, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("导出计划"), f"{plan.id}.json", self.tr("计划文件 (*.json)")
        )
        if name:
            self.export(Path(name))

    def export(self, path: Path) -> None:
        from model.exchange.targets import export_plan  # loaded when first used: not at start-up

        plan = self.session.plan

        def done(_result: object) -> None:
            self.exported.emit(path)
            QMessageBox.information(
                self.window,
                self.tr("导出计划"),
                self.tr("已导出计划 {title}（{id}）到 {path}\n各单位在“文件 → 载入计划…”中载入。").format(
                    title=plan.title, id=plan.id, path=path
                ),
            )

        self.worker.run(
            lambda: export_plan(plan, path),
            done,
            lambda exc: show_error(self.window, exc, self.tr("无法导出计划")),
            self.tr("正在导出计划…"),
            self.window,
        )
