"""The clerk's main window: period, home, one tab per annex the unit reports, and the checks list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QDockWidget, QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from gui.annex2_form import Annex2Form
from gui.annex3_form import Annex3Form
from gui.checks_panel import ChecksPanel
from gui.grid import GridView
from gui.home import HomePage
from gui.session import UnitSession
from gui.settings import Identity, Settings
from gui.setup_dialog import SetupDialog
from gui.tasks_form import TasksForm
from model.errors import UserError
from model.periods import Period
from model.store import Store


class MainWindow(QMainWindow):
    def __init__(self, store: Store, settings: Settings, identity: Identity, period: Period) -> None:
        super().__init__()
        self.store, self.settings, self.identity = store, settings, identity
        self.session = UnitSession(store, identity.unit_id, period, identity.filler or identity.unit_id, self)
        plan = self.session.plan
        self.setWindowTitle(self.tr("碳报 TanBao — {unit}").format(unit=self.session.unit.name))

        self.tabs = QTabWidget(self)
        self.home = HomePage(self.session)
        self.tabs.addTab(self.home, self.tr("首页"))
        self.forms: list[QWidget] = []
        unit_id = self.session.unit.id
        if plan.annex2_row(unit_id):
            self._add_form(Annex2Form(self.session), self.tr("附件2 规上工业"))
        if plan.annex3_row(unit_id):
            self._add_form(Annex3Form(self.session), self.tr("附件3 能耗双控"))
        if plan.annex1_rows_led_by(unit_id):
            self._add_form(TasksForm(self.session, 1), self.tr("附件1 主要指标"))
        if plan.annex4_rows_for(unit_id):
            self._add_form(TasksForm(self.session, 4), self.tr("附件4 重点任务"))
        self.setCentralWidget(self.tabs)

        self.checks = ChecksPanel(self.session)
        self.checks.locate.connect(self.locate)
        dock = QDockWidget(self.tr("检查"), self)
        dock.setObjectName("checks")
        dock.setWidget(self.checks)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)

        self.period_box = QComboBox()
        for month in range(1, 13):
            p = Period(plan.year, month)
            self.period_box.addItem(p.label(), str(p))
        self.period_box.setCurrentIndex(period.month - 1)
        self.period_box.currentIndexChanged.connect(self._period_chosen)
        toolbar = self.addToolBar(self.tr("工具栏"))
        toolbar.setObjectName("main")
        toolbar.addWidget(QLabel(self.tr(" 单位：{unit}　报告期：").format(unit=self.session.unit.name)))
        toolbar.addWidget(self.period_box)
        undo = self.session.undo_stack.createUndoAction(self, self.tr("撤销"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.session.undo_stack.createRedoAction(self, self.tr("重做"))
        redo_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
        # Ctrl+Y too, as in Excel and WPS, unless the platform's redo already is Ctrl+Y (twice = ambiguous)
        redo.setShortcuts(redo_keys + [k for k in [QKeySequence("Ctrl+Y")] if k not in redo_keys])
        toolbar.addAction(undo)
        toolbar.addAction(redo)
        who_action = QAction(self.tr("设置(&S)…"), self)
        who_action.triggered.connect(self.change_identity)
        toolbar.addAction(who_action)
        self.undo_action, self.redo_action = undo, redo
        edit_menu = self.menuBar().addMenu(self.tr("编辑(&E)"))
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        settings_menu = self.menuBar().addMenu(self.tr("设置(&S)"))
        settings_menu.addAction(who_action)
        self.statusBar().showMessage(self.tr("每个单元格修改后立即保存。"))
        self.resize(1280, 800)

    def _add_form(self, form: QWidget, title: str) -> None:
        self.forms.append(form)
        self.tabs.addTab(form, title)
        view = getattr(form, "view", None)
        if isinstance(view, GridView):
            view.message.connect(lambda text: self.statusBar().showMessage(text, 8000))

    def _period_chosen(self, index: int) -> None:
        period = Period(self.session.plan.year, index + 1)
        self.session.set_period(period)
        self.settings.set_period(self.session.plan.id, str(period))

    def locate(self, period: str, field: str) -> None:
        """Show the form and cell that holds this figure, and put the cursor there."""
        for form in self.forms:
            view = getattr(form, "view", None)
            if not isinstance(view, GridView):
                continue
            index = view.grid().locate(period, field)
            if index is not None:
                self.tabs.setCurrentWidget(form)
                view.setCurrentIndex(index)
                view.scrollTo(index)
                view.setFocus()
                return

    def change_identity(self) -> None:
        dialog = SetupDialog(self.session.plan, self.identity, self)
        if dialog.exec() != SetupDialog.DialogCode.Accepted:
            return
        identity = dialog.identity()
        self.settings.set_identity(identity)
        if identity.unit_id != self.identity.unit_id:
            QMessageBox.information(self, self.tr("设置"), self.tr("已切换单位，窗口将重新打开。"))
            replacement = MainWindow(self.store, self.settings, identity, self.session.period)
            replacement.show()
            self.close()
        self.identity = identity

    def show_error(self, error: UserError) -> None:
        QMessageBox.warning(self, self.tr("无法完成"), error.message)
