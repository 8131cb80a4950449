"""The clerk's main window: period, home, one tab per annex the unit reports, and the checks list."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from gui.checks_panel import ChecksPanel
from gui.home import HomePage
from gui.lazy import PageTabs, TabSlot
from gui.plan_actions import PlanActions
from gui.print_check import PrintCheckAction
from gui.report_actions import ReportActions
from gui.session import UnitSession
from gui.settings import Settings
from gui.template_actions import TemplateActions
from gui.verify_dialog import VerifyAction
from gui.worker import Worker
from model.common.errors import UserError
from model.common.periods import Period, parse_period
from model.entry.profile import profile_unit, set_profile
from model.exchange.submission import OPEN
from model.plan.spec import Plan
from model.store.backup import MANUAL, backup_now, restore_backup
from model.store.database import Store, open_database

if TYPE_CHECKING:
    from gui.district_page import DistrictPage
    from gui.grid import GridView


def default_size(available: QSize) -> QSize:
    """1280×800 where it fits, else the whole of a small screen (1366×768 laptops): a window larger
    than the screen would hide the status bar and the buttons under its edge."""
    frame = QSize(16, 40)  # the title bar and borders the window system adds around it
    return QSize(min(1280, available.width() - frame.width()), min(800, available.height() - frame.height()))


# The pages behind the tabs, each loaded when its tab is first opened (explicit imports: PyInstaller sees them).
def district_page(session: UnitSession, settings: Settings, worker: Worker, parent: QWidget) -> QWidget:
    from gui.district_page import DistrictPage

    return DistrictPage(session, settings, worker, parent)


def annex2_form(session: UnitSession, parent: QWidget) -> QWidget:
    from gui.annex2_form import Annex2Form

    return Annex2Form(session, parent)


def annex3_form(session: UnitSession, parent: QWidget) -> QWidget:
    from gui.annex3_form import Annex3Form

    return Annex3Form(session, parent)


def tasks_form(session: UnitSession, annex: int, parent: QWidget) -> QWidget:
    from gui.tasks_form import TasksForm

    return TasksForm(session, annex, parent)


def grid_view(page: QWidget | None) -> GridView | None:
    """The page's grid, where Ctrl+Tab and the tab keys put the cursor (the district page has none)."""
    if page is None or "gui.grid" not in sys.modules:  # no grid page has been built yet
        return None
    from gui.grid import GridView

    view = getattr(page, "view", None)
    return view if isinstance(view, GridView) else None


class MainWindow(QMainWindow):
    def __init__(self, store: Store, settings: Settings, period: Period) -> None:
        """For the unit of the database's profile (`create_window` makes sure there is one)."""
        super().__init__()
        self.store, self.settings = store, settings
        profile = store.profile.get()
        # No report before the plan's first cumulative period (1–2月): January is entered in its column.
        period = max(period, store.plans.get().report_periods()[0])
        self.session = UnitSession(store, profile.unit, period, profile.preparer or profile.unit, self)
        plan = self.session.plan
        self.setWindowTitle(self.tr("碳报 TanBao — {unit}").format(unit=self.session.unit.name))

        self.worker = Worker(self)
        # Only the home page is seen at first: every other tab is built when first opened.
        self.tabs = PageTabs(self)
        self.home = HomePage(self.session)
        self.tabs.addTab(self.home, self.tr("首页"))
        self._district: TabSlot | None = None
        if self.session.unit.id == plan.district_unit:
            self._district = TabSlot(lambda slot: district_page(self.session, settings, self.worker, slot))
            self.tabs.addTab(self._district, self.tr("全区汇总"))
            self.setAcceptDrops(True)
        self._forms: list[TabSlot] = []
        unit_id = self.session.unit.id
        if plan.annex2_row(unit_id):
            self._add_form(lambda slot: annex2_form(self.session, slot), self.tr("附件2 规上工业"))
        if plan.annex3_row(unit_id):
            self._add_form(lambda slot: annex3_form(self.session, slot), self.tr("附件3 能耗双控"))
        if plan.annex1_rows_led_by(unit_id):
            self._add_form(lambda slot: tasks_form(self.session, 1, slot), self.tr("附件1 主要指标"))
        if plan.annex4_rows_for(unit_id):
            self._add_form(lambda slot: tasks_form(self.session, 4, slot), self.tr("附件4 重点任务"))
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #fff3d6; border: 1px solid #c77800; padding: 6px; }")
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.addWidget(self.banner)
        central_layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.reports = ReportActions(self, self.session, settings, self.worker)
        self.templates = TemplateActions(self, self.session, settings, self.worker)
        self.session.events.state_changed.connect(self._show_state)
        self.session.events.plan_changed.connect(self._show_state)
        self.session.refused.connect(lambda text: self.statusBar().showMessage(text, 10000))

        self.checks = ChecksPanel(self.session)
        self.checks.locate.connect(self.locate)
        dock = QDockWidget(self.tr("检查"), self)
        dock.setObjectName("checks")
        dock.setWidget(self.checks)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)

        self.period_box = QComboBox()
        for p in plan.report_periods():
            self.period_box.addItem(p.label(), str(p))
        self.period_box.setCurrentIndex(self.period_box.findData(str(period)))
        self.period_box.currentIndexChanged.connect(self._period_chosen)
        self.session.events.period_changed.connect(
            self._follow_period
        )  # e.g. the district page's newest month
        toolbar = self.addToolBar(self.tr("工具栏"))
        toolbar.setObjectName("main")
        toolbar.addWidget(QLabel(self.tr(" 单位：{unit}　报告期：").format(unit=self.session.unit.name)))
        toolbar.addWidget(self.period_box)
        undo, redo = self._undo_actions()
        redo_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
        # Ctrl+Y too, as in Excel and WPS, unless the platform's redo already is Ctrl+Y (twice = ambiguous)
        redo.setShortcuts(redo_keys + [k for k in [QKeySequence("Ctrl+Y")] if k not in redo_keys])
        toolbar.addAction(undo)
        toolbar.addAction(redo)
        toolbar.addSeparator()
        toolbar.addAction(self.reports.export_pdf)
        toolbar.addAction(self.reports.submit_action)
        toolbar.addAction(self.reports.correct_action)
        who_action = QAction(self.tr("单位与签署人(&W)…"), self)
        who_action.triggered.connect(self.change_identity)
        toolbar.addAction(who_action)
        self.undo_action, self.redo_action = undo, redo
        file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        backup_action = QAction(self.tr("立即备份(&B)"), self)
        backup_action.triggered.connect(self.backup_now)
        restore_action = QAction(self.tr("从备份恢复(&R)…"), self)
        restore_action.triggered.connect(self.restore)
        quit_action = QAction(self.tr("退出(&X)"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.plans = PlanActions(self, self.session, self.worker)
        self.plans.loaded.connect(self.reopen_on_plan)
        for action in self.plans.actions():
            file_menu.addAction(action)
        file_menu.addAction(self.templates.import_action)
        self.print_check = PrintCheckAction(self.store, self.worker, self)
        file_menu.addAction(self.print_check)
        file_menu.addSeparator()
        self.verify = VerifyAction(self, store, settings, self.worker)
        file_menu.addAction(self.verify.action)
        for action in (backup_action, restore_action, quit_action):
            file_menu.addAction(action)
        edit_menu = self.menuBar().addMenu(self.tr("编辑(&E)"))
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        report_menu = self.menuBar().addMenu(self.tr("报表(&R)"))
        for action in self.reports.actions():
            report_menu.addAction(action)
        report_menu.addAction(self.templates.export_action)
        settings_menu = self.menuBar().addMenu(self.tr("设置(&S)"))
        settings_menu.addAction(who_action)
        keys_action = QAction(self.tr("签名密钥(&K)…"), self)
        keys_action.triggered.connect(self.show_keys)
        settings_menu.addAction(keys_action)
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        help_menu.addAction(self.tr("快捷键(&K)"), QKeySequence(Qt.Key.Key_F1), self.show_shortcuts)
        self._add_keys()
        self._show_state()
        self.statusBar().showMessage(self.tr("每个单元格修改后立即保存。按 F1 查看快捷键。"))
        self.resize(default_size(self.screen().availableGeometry().size()))

    @property
    def district(self) -> DistrictPage | None:
        """The district's page (the district office's copy only), built now if it was not yet."""
        return None if self._district is None else self._district.ensure()  # type: ignore[return-value]

    @property
    def forms(self) -> list[QWidget]:
        """The annex forms in tab order, each built now if it was not yet."""
        return [slot.ensure() for slot in self._forms]

    def _undo_actions(self) -> tuple[QAction, QAction]:
        """Undo and redo with fixed labels (the toolbar must not jump as the step's name changes); what
        they would undo is in the tooltip and the status tip."""
        stack = self.session.undo_stack
        undo = QAction(self.tr("撤销"), self)
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        undo.triggered.connect(stack.undo)
        redo = QAction(self.tr("重做"), self)
        redo.triggered.connect(stack.redo)
        for action, can, text, word in (
            (undo, stack.canUndoChanged, stack.undoTextChanged, self.tr("撤销")),
            (redo, stack.canRedoChanged, stack.redoTextChanged, self.tr("重做")),
        ):
            action.setEnabled(False)
            can.connect(action.setEnabled)
            text.connect(lambda t, a=action, w=word: (a.setToolTip(f"{w} {t}".strip()), a.setStatusTip(t)))
        return undo, redo

    def _add_keys(self) -> None:
        """Window-wide keys: periods, tabs, panes (the grid's own keys are in gui/grid.py; F1 lists all)."""
        keys: list[tuple[str, Callable[[], None]]] = [
            ("Ctrl+Left", lambda: self.step_period(-1)),
            ("Ctrl+Right", lambda: self.step_period(1)),
            ("Ctrl+Tab", lambda: self.next_pane(1)),
            ("Ctrl+Shift+Tab", lambda: self.next_pane(-1)),
            ("Ctrl+G", self.toggle_chart),
        ]
        keys += [(f"Ctrl+{n}", lambda _checked=False, i=n - 1: self.show_tab(i)) for n in range(1, 10)]
        for sequence, slot in keys:
            action = QAction(self)
            action.setShortcut(QKeySequence(sequence))
            action.triggered.connect(slot)
            self.addAction(action)

    def step_period(self, step: int) -> None:
        index = self.period_box.currentIndex() + step
        if 0 <= index < self.period_box.count():
            self.period_box.setCurrentIndex(index)

    def show_tab(self, index: int) -> None:
        if index < self.tabs.count():
            self.tabs.setCurrentIndex(index)
            self._focus_page()

    def _focus_page(self) -> None:
        page = self.tabs.currentWidget()
        target = grid_view(page) or page
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def panes(self) -> list[QWidget]:
        """What Ctrl+Tab goes round: the period selector, the page shown, the checks list."""
        return [self.period_box, grid_view(self.tabs.currentWidget()) or self.tabs, self.checks.list]

    def next_pane(self, step: int) -> None:
        panes = self.panes()
        focus = self.focusWidget()
        here = next(
            (i for i, p in enumerate(panes) if focus is not None and (p is focus or p.isAncestorOf(focus))),
            -1,
        )
        panes[(here + step) % len(panes)].setFocus(Qt.FocusReason.TabFocusReason)

    def toggle_chart(self) -> None:
        from gui.grid import MonthForm

        form = self.tabs.currentWidget()
        if isinstance(form, MonthForm):
            form.toggle_chart()

    def show_shortcuts(self) -> None:
        from gui.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self).exec()

    def show_keys(self) -> None:
        from gui.keys_dialog import KeysDialog  # cryptography, loaded when the keys are looked at

        plan = self.session.plan
        KeysDialog(
            self.session.unit, plan.district, plan.unit(plan.district_unit).name, self.settings, self
        ).exec()

    def backup_now(self) -> None:
        path = self.store.path
        self.worker.run(
            lambda: backup_now(path, MANUAL),
            lambda b: self.statusBar().showMessage(self.tr("已备份：{file}").format(file=b.path), 10000),
            lambda exc: self.show_error(exc) if isinstance(exc, UserError) else None,
            self.tr("正在备份…"),
            self,
        )

    def restore(self) -> None:
        """Put a backup back: close the database (releasing the lock), restore, reopen in a new window."""
        from gui.backup_dialog import BackupDialog

        dialog = BackupDialog(self.store.path, self)
        backup = dialog.chosen() if dialog.exec() == BackupDialog.DialogCode.Accepted else None
        if backup is None:
            return
        path, profile = self.store.path, self.store.profile.get()
        self.store.close()
        try:
            restored = restore_backup(path, backup.id, who=self.session.who)
            message = self.tr("已恢复到 {time} 的备份。").format(
                time=backup.created_at.strftime("%Y-%m-%d %H:%M")
            )
            if restored.before is not None:
                message += self.tr("恢复前的数据已另存为备份 {id}，需要时可以再恢复回来。").format(
                    id=restored.before.id
                )
        except UserError as exc:
            message = exc.message
        store = open_database(path, write=True, create=True)
        if profile_unit(store, store.plans.get()) is None:  # a backup from before the unit was chosen
            set_profile(store, store.plans.get(), asdict(profile), who=self.session.who)
        replacement = MainWindow(store, self.settings, self.session.period)
        replacement.show()
        QMessageBox.information(replacement, self.tr("从备份恢复"), message)
        self.close()

    def reopen_on_plan(self, plan: Plan) -> None:
        """A new plan is active: its units, fields and year shape every form, so the window is rebuilt
        on a fresh connection (asking for the unit when this one has nothing to report in it)."""
        from gui.app import create_window  # the start-up path, which imports this module

        path = self.store.path
        self.store.close()
        store = open_database(path, write=True)
        replacement = create_window(store, self.settings)
        if replacement is None:
            store.close()
        else:
            replacement.show()
            replacement.statusBar().showMessage(
                self.tr("已载入计划：{year}年 {title}").format(year=plan.year, title=plan.title), 15000
            )
        self.close()

    def _show_state(self) -> None:
        """Say why the period is locked (or being corrected), right above the forms."""
        state = self.session.state
        self.banner.setText(f"<b>{state.status_label}</b>　{state.message}")
        self.banner.setVisible(state.status != OPEN or state.locked)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.save()  # the period chosen: where the next start opens
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._district is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        district = self.district
        if district is not None and paths:
            event.acceptProposedAction()
            district.import_files(paths)

    def _add_form(self, make: Callable[[QWidget], QWidget], title: str) -> None:
        slot = TabSlot(lambda parent: self._wire_form(make(parent)))
        self._forms.append(slot)
        self.tabs.addTab(slot, title)

    def _wire_form(self, form: QWidget) -> QWidget:
        view = grid_view(form)
        if view is not None:
            view.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
            view.leave.connect(lambda: self.period_box.setFocus(Qt.FocusReason.ShortcutFocusReason))
        return form

    def _period_chosen(self, index: int) -> None:
        period = parse_period(self.period_box.itemData(index))
        self.session.set_period(period)
        self.settings.set_period(self.session.plan.id, str(period))

    def _follow_period(self) -> None:
        index = self.period_box.findData(str(self.session.period))
        if index >= 0 and index != self.period_box.currentIndex():
            self.period_box.setCurrentIndex(index)  # _period_chosen: the session has it already

    def locate(self, period: str, field: str) -> None:
        """Show the form and cell that holds this figure, and put the cursor there."""
        for form in self.forms:
            view = grid_view(form)
            if view is None:
                continue
            index = view.grid().locate(period, field)
            if index is not None:
                self.tabs.setCurrentWidget(form)
                view.setCurrentIndex(index)
                view.scrollTo(index)
                view.setFocus()
                return

    def change_identity(self) -> None:
        from gui.setup_dialog import SetupDialog

        s = self.session
        dialog = SetupDialog(s.plan, self.store.profile.get(), self)
        if dialog.exec() != SetupDialog.DialogCode.Accepted:
            return
        try:
            profile = set_profile(self.store, s.plan, dialog.changes(), who=s.who)
        except UserError as exc:
            self.show_error(exc)
            return
        if profile.unit != s.unit.id:
            QMessageBox.information(self, self.tr("设置"), self.tr("已切换单位，窗口将重新打开。"))
            replacement = MainWindow(self.store, self.settings, s.period)
            replacement.show()
            self.close()

    def show_error(self, error: UserError) -> None:
        QMessageBox.warning(self, self.tr("无法完成"), error.message)
