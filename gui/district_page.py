"""The district's page: import signed packages, the trusted certificates, who reported which month,
and the district summary with ΣE/ΣY totals. Everything across units is read-only here."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QDate, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui import style
from gui.grid import NO_PARENT, Index
from gui.lazy import RefreshWhenShown
from gui.open_files import documents_folder
from gui.received_dialog import ReceivedDialog
from gui.report_actions import offer_to_open, people_of, show_error
from gui.session import UnitSession
from gui.settings import Settings
from gui.worker import Worker, on_own_store
from model.calc.completeness import CORRECTED, LATE, MISSING, ON_TIME, Completeness
from model.calc.summary import DistrictView, district_view
from model.common import formatting as fmt
from model.common.errors import UserError
from model.common.periods import Period, parse_period
from model.common.untrusted import fingerprint_groups, shown
from model.exchange.district import (
    ImportOutcome,
    ReplaceNeeded,
    import_changes,
    import_packages,
    trust_add,
    trust_list,
    trust_remove,
)
from model.exchange.received import CertificatePreview, certificate_preview, newest_reported_period
from model.exchange.targets import apply_target_changes, export_targets, read_target_changes
from model.reports.export import PDF, XLSX, district_summary_file
from model.safety import files
from model.store.database import Store, open_database

STATE_COLOURS = {ON_TIME: "green", CORRECTED: "green", LATE: "yellow", MISSING: "red"}


class CompletenessModel(QAbstractTableModel):
    """Units × months: 按时 / 迟报 / 已更正 / 未报 / 未到期."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid: Completeness | None = None

    def set_grid(self, grid: Completeness) -> None:
        self.beginResetModel()
        self.grid = grid
        self.endResetModel()

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() or self.grid is None else len(self.grid.units)

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        if parent.isValid() or self.grid is None or not self.grid.units:
            return 0
        return len(self.grid.units[0].cells)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or self.grid is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            return self.grid.units[section].unit_name
        period = self.grid.units[0].cells[section].period
        return self.tr("{m}月").format(m=int(period[5:7]))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.grid is None:
            return None
        cell = self.grid.units[index.row()].cells[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.label + (f" v{cell.version}" if cell.version and cell.version > 1 else "")
        if role == Qt.ItemDataRole.BackgroundRole:
            return style.COLOUR_BACKGROUND.get(STATE_COLOURS.get(cell.state, ""))
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = self.tr("截止 {d}；收到 {received}（签名 {signed}）").format(
                d=cell.deadline,
                received=cell.received_on or "—",
                signed=(cell.signed_at or cell.first_submitted_at or "—")[:16].replace("T", " "),
            )
            if cell.correction_reason:
                tip += "\n" + self.tr("第 {v} 版更正原因：{reason}").format(
                    v=cell.version, reason=cell.correction_reason
                )
            if cell.version:
                tip += "\n" + self.tr("双击查看各版本、签名人、收到时间和证明材料")
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


def summary_rows(summary: DistrictView) -> list[list[tuple[str, str | None]]]:
    """The annex-2 table of the summary: one row per unit, then the ΣE/ΣY total."""
    rows = []
    for line in summary.annex2:
        name = line.unit_name
        if not line.reported:
            name = QCoreApplication.translate("DistrictPage", "{name}（未报）").format(name=name)
        elif not line.comparable:
            name = QCoreApplication.translate("DistrictPage", "{name}（无同口径，未计入合计）").format(
                name=name
            )
        rows.append(
            [
                (name, None),
                (fmt.rate(line.ytd_change_rate_pct), line.colour),
                (fmt.rate(line.target_pct), None),
                (fmt.pct(line.completion_rate_pct), None),
                (line.colour_label, line.colour),
                (fmt.amount(line.remaining_allowance_tce), None),
                (fmt.amount(line.ytd_energy_tce), None),
                (fmt.amount(line.ytd_energy_tce_last_year), None),
                (fmt.amount(line.ytd_output_wan_yuan), None),
                (fmt.amount(line.ytd_output_wan_yuan_last_year), None),
            ]
        )
    total = summary.annex2_total
    rows.append(
        [
            (
                QCoreApplication.translate("DistrictPage", "合计（ΣE/ΣY，{n}/{m} 个单位）").format(
                    n=total.units_counted, m=total.units_expected
                ),
                None,
            ),
            (fmt.rate(total.change_rate_pct), None),
            ("", None),
            ("", None),
            ("", None),
            ("", None),
            (fmt.amount(total.energy_tce), None),
            (fmt.amount(total.energy_tce_last_year), None),
            (fmt.amount(total.output_wan_yuan), None),
            (fmt.amount(total.output_wan_yuan_last_year), None),
        ]
    )
    return rows


class SummaryModel(QAbstractTableModel):
    """The annex-2 table of the summary (`summary_rows`), replaced whole in one model reset."""

    def __init__(self, headers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = headers
        self.rows: list[list[tuple[str, str | None]]] = []

    def set_rows(self, rows: list[list[tuple[str, str | None]]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        text, colour = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.BackgroundRole:
            return style.COLOUR_BACKGROUND[colour] if colour else None
        if role == Qt.ItemDataRole.TextAlignmentRole and (index.column() in (1, 2, 3) or index.column() >= 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)  # numbers line up
        return None


# the district total each column of the summary's total row explains (计算过程)
TOTAL_FIGURES = {
    0: "annex2_total.energy_tce",
    1: "annex2_total.change_rate_pct",
    6: "annex2_total.energy_tce",
}


class DistrictPage(RefreshWhenShown, QWidget):
    def __init__(
        self, session: UnitSession, settings: Settings, worker: Worker, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.settings, self.worker = session, settings, worker
        buttons = QHBoxLayout()
        for text, slot in (
            (self.tr("导入报送包(&I)…"), self.choose_packages),
            (self.tr("信任的证书(&T)…"), self.show_trust),
            (self.tr("导出汇总 PDF…"), lambda: self.export(PDF)),
            (self.tr("导出汇总 Excel…"), lambda: self.export(XLSX)),
            (self.tr("导出目标表…"), self.export_target_table),
            (self.tr("导入目标表…"), self.import_target_table),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        # the day the packages came: today, or earlier for a batch that lay waiting (decides 按时/迟报)
        self.received_on = QDateEdit(QDate.currentDate())
        self.received_on.setCalendarPopup(True)
        self.received_on.setDisplayFormat("yyyy-MM-dd")
        self.received_on.setMaximumDate(QDate.currentDate())
        self.received_on.setToolTip(self.tr("导入的报送包的收到日期，据此判断按时或迟报，记入审计"))
        buttons.insertWidget(1, QLabel(self.tr("收到日期")))
        buttons.insertWidget(2, self.received_on)
        buttons.addStretch(1)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.grid_model = CompletenessModel(self)
        self.grid_view = QTableView()
        self.grid_view.setModel(self.grid_model)
        self.grid_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid_view.activated.connect(self.show_cell)  # double-click or Enter
        headers = [
            self.tr("单位"),
            self.tr("本年累计变化率"),
            self.tr("目标"),
            self.tr("完成率"),
            self.tr("预警"),
            self.tr("剩余用能空间（吨标准煤）"),
            self.tr("累计能耗 ΣE"),
            self.tr("上年同期能耗"),
            self.tr("累计产值 ΣY"),
            self.tr("上年同期产值"),
        ]
        self.summary_model = SummaryModel(headers, self)
        self.summary_table = QTableView()
        self.summary_table.setModel(self.summary_model)
        self.summary_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.summary_table.customContextMenuRequested.connect(self._summary_menu)
        explain_key = QShortcut(QKeySequence(Qt.Key.Key_F2), self.summary_table)
        explain_key.activated.connect(lambda: self.explain_total(self.summary_table.currentIndex().column()))
        header = self.summary_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(0)  # the rows in sight: the figures below are alike in width
        for table in (self.grid_view, self.summary_table):  # rows of one height, never measured
            table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.notes = QLabel()  # 同口径 exclusions, corrections with their reasons, computed indicators
        self.notes.setWordWrap(True)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.grid_view)
        splitter.addWidget(self.summary_table)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.heading)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.notes)
        self.view: DistrictView | None = None
        for signal in (
            session.events.plan_changed,
            session.events.period_changed,
            session.events.received_changed,
        ):
            signal.connect(self.refresh)
        self.stale = True  # built when first shown
        self.builds = 0
        self.opened = False

    def _build(self) -> None:
        """Completeness and summary of every unit, off the GUI thread on a connection of its own (about
        0.5 s for 300 units): the window stays responsive and the page fills in when they are ready."""
        self.stale = False
        self.builds += 1
        build, path, period, plan = (
            self.builds,
            self.session.store.path,
            self.session.period,
            self.session.plan,
        )
        first = not self.opened
        self.opened = True
        self.heading.setText(self.tr("<b>{label}</b>：正在汇总各单位的数据…").format(label=period.label()))

        def job() -> tuple[Period, DistrictView]:
            with open_database(path, write=False) as store:
                shown = period
                view = district_view(store, period, plan=plan)  # the window's plan, not parsed again
                newest = newest_reported_period(store, plan) if first else None
                if newest is not None and not view.reported and newest != period:
                    shown, view = newest, district_view(store, newest, plan=plan)  # a month with packages
                return shown, view

        def done(result: tuple[Period, DistrictView]) -> None:
            shown, view = result
            if build != self.builds:  # a newer build is on its way
                return
            self._show(shown, view.grid, view)
            if shown != self.session.period:
                self.session.set_period(shown)  # the window's period selector follows

        self.worker.run(job, done, lambda exc: show_error(self, exc, self.tr("无法汇总")))

    def _show(self, period: Period, grid: Completeness, summary: DistrictView) -> None:
        self.view = summary
        self.grid_model.set_grid(grid)
        missing = "、".join(name for _id, name in summary.not_reported[:20]) or self.tr("无")
        self.heading.setText(
            self.tr(
                "<b>{label}</b>：已报 {a} 个单位，未报 {b} 个（{missing}）。截止日为次月 {day} 日。"
            ).format(
                label=period.label(),
                a=len(summary.reported),
                b=len(summary.not_reported),
                missing=missing,
                day=grid.deadline_day,
            )
        )
        self.summary_model.set_rows(summary_rows(summary))
        computed = [
            self.tr("{id} 本期 {value}：{source}").format(
                id=r.id, value=fmt.rate(r.value) if r.annex == 1 else fmt.pct(r.value), source=r.source
            )
            for r in summary.annex1 + summary.annex4
            if r.source
        ]
        if summary.annex3_ytd_co2_t is not None:
            computed.append(
                self.tr("重点用能单位碳排放合计 {c} 吨二氧化碳（{n} 个单位），同比 {d}").format(
                    c=fmt.amount(summary.annex3_ytd_co2_t),
                    n=len(summary.annex3_co2_units),
                    d=fmt.rate(summary.annex3_co2_change_pct),
                )
            )
        from model.reports.tables import carbon_note

        computed += [note for note in [carbon_note(summary)] if note]
        self.notes.setText("\n".join(summary.notes + computed))

    def show_cell(self, index: Index) -> None:
        grid = self.grid_model.grid
        if grid is None or not index.isValid():
            return
        row = grid.units[index.row()]
        period = parse_period(row.cells[index.column()].period)
        s = self.session
        try:
            ReceivedDialog(s.store, s.plan, row.unit_id, period, self).exec()
        except UserError as exc:
            QMessageBox.warning(self, self.tr("无法打开"), exc.message)

    # ---- 计算过程 of a district total ------------------------------------------------------------
    def _summary_menu(self, pos: Any) -> None:
        index = self.summary_table.indexAt(pos)
        if not self._is_total(index.row()) or index.column() not in TOTAL_FIGURES:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("计算过程(&E)…"), lambda: self.explain_total(index.column()))
        menu.exec(self.summary_table.viewport().mapToGlobal(pos))

    def _is_total(self, row: int) -> bool:
        return row == self.summary_model.rowCount() - 1 and row >= 0

    def explain_total(self, column: int) -> None:
        """The district total of that column: formula, units counted and units left out with why."""
        if self.view is None or column not in TOTAL_FIGURES:
            return
        from gui.explain_dialog import ExplainDialog
        from model.calc.explain import explain_district

        self.explain_dialog = ExplainDialog(explain_district(self.view, TOTAL_FIGURES[column]), self)
        self.explain_dialog.show()

    # ---- import --------------------------------------------------------------------------------
    def choose_packages(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("导入报送包"),
            self.settings.folder("imports") or str(Path.home()),
            self.tr("签名报表 (*.pdf)"),
        )
        if paths:
            self.import_files([Path(p) for p in paths])

    def import_files(self, paths: list[Path]) -> None:
        """Import off the GUI thread with a progress bar per file; 取消 stops between two files (the files
        already imported stay imported and are listed)."""
        s = self.session
        self.settings.set_folder("imports", str(paths[0].parent))
        self.import_progress = progress = ImportProgress(len(paths), self)
        received_on = self.received_on.date().toPython()

        def job(store: Store) -> list[ImportOutcome]:
            return import_packages(store, paths, who=s.who, progress=progress.report, received_on=received_on)

        def done(outcomes: list[ImportOutcome]) -> None:
            progress.finish()
            s.absorb(import_changes(outcomes))
            ImportResultDialog(outcomes, self, cancelled=len(paths) - len(outcomes)).exec()

        def failed(exc: Exception) -> None:
            progress.finish()
            show_error(self, exc, self.tr("无法导入"))

        self.worker.run(on_own_store(s.store, job), done, failed)

    def show_trust(self) -> None:
        TrustDialog(self.session, self).exec()

    def export(self, kind: str) -> None:
        s = self.session
        folder = self.settings.folder("exports") or str(Path.home())
        suffix = "pdf" if kind == PDF else "xlsx"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出汇总"), str(Path(folder) / f"{s.period}_汇总.{suffix}")
        )
        if not path:
            return
        people = people_of(self.session.store)

        def job(store: Store) -> Path:
            data, _summary = district_summary_file(store, s.period, kind, people)
            return files.write_output(path, data, kind=files.PDF if kind == PDF else files.XLSX)

        self.worker.run(
            on_own_store(s.store, job),
            lambda p: offer_to_open(self, self.tr("导出汇总"), self.tr("已导出：{p}").format(p=p), p),
            lambda exc: show_error(self, exc, self.tr("无法导出")),
            self.tr("正在生成汇总表…"),
            self,
        )

    # ---- the year's targets -------------------------------------------------------------------
    def export_target_table(self) -> None:
        s = self.session
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("导出目标表"),
            str(Path(self.settings.folder("exports") or Path.home()) / f"{s.plan.id}_目标表.xlsx"),
        )
        if path:
            try:
                count = export_targets(s.plan, path)
            except UserError as exc:
                show_error(self, exc, self.tr("无法导出"))
                return
            offer_to_open(
                self,
                self.tr("导出目标表"),
                self.tr("已导出 {n} 项目标：{p}\n修改后用“导入目标表”导回。").format(n=count, p=path),
                Path(path),
            )

    def import_target_table(self) -> None:
        s = self.session
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("导入目标表"),
            self.settings.folder("exports") or str(Path.home()),
            self.tr("Excel 工作簿 (*.xlsx)"),
        )
        if not path:
            return
        try:
            result = read_target_changes(s.plan, path)
        except UserError as exc:
            QMessageBox.warning(self, self.tr("无法导入目标表"), exc.message)
            return
        if not result.ok:
            QMessageBox.warning(self, self.tr("目标表有误，未作任何修改"), "\n".join(result.problems[:20]))
            return
        if not result.changes:
            QMessageBox.information(
                self, self.tr("导入目标表"), self.tr("目标表与当前计划相同，没有需要修改的目标。")
            )
            return
        listing = "\n".join(f"• {c.subject} {c.indicator}：{c.old} → {c.new}" for c in result.changes[:30])
        answer = QMessageBox.question(
            self,
            self.tr("确认修改目标"),
            self.tr("将修改 {n} 项目标：\n{listing}\n\n确定应用这些修改吗？").format(
                n=len(result.changes), listing=listing
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            s.plan = apply_target_changes(s.store, s.plan, result, who=s.who)
            s.reload()
            QMessageBox.information(
                self, self.tr("导入目标表"), self.tr("已修改 {n} 项目标。").format(n=len(result.changes))
            )


class ImportProgress(QObject):
    """The progress dialog of an import; `report` is called on the worker's thread between files."""

    step = Signal(int, int, str)

    def __init__(self, total: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.cancelled = threading.Event()
        self.dialog = QProgressDialog(
            parent.tr("正在核验并导入 {n} 个文件…").format(n=total), parent.tr("取消"), 0, total, parent
        )
        self.dialog.setWindowTitle(parent.tr("导入报送包"))
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancelled.set)
        self.step.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def report(self, done: int, total: int, path: str) -> bool:
        self.step.emit(done, total, path)
        return not self.cancelled.is_set()

    def _show(self, done: int, total: int, path: str) -> None:
        if self.cancelled.is_set():
            self.dialog.setLabelText(self.tr("正在取消：当前文件导入完后停止…"))
        elif path:
            self.dialog.setLabelText(
                self.tr("正在导入第 {i}/{n} 个文件：{name}").format(i=done + 1, n=total, name=Path(path).name)
            )
        self.dialog.setValue(done)

    def finish(self) -> None:
        self.dialog.close()


class ImportResultDialog(QDialog):
    def __init__(
        self, outcomes: list[ImportOutcome], parent: QWidget | None = None, *, cancelled: int = 0
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("导入结果"))
        self.list = QListWidget()
        self.list.setWordWrap(True)
        if cancelled:
            self.list.addItem(
                self.tr("已取消：其余 {n} 个文件没有导入，可以再次选择它们导入。").format(n=cancelled)
            )
        for outcome in outcomes:
            item = QListWidgetItem(f"【{outcome.label}】{shown(Path(outcome.path).name)}：{outcome.message}")
            if outcome.refused:
                item.setBackground(style.COLOUR_BACKGROUND["red"])
            self.list.addItem(item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(820, 360)


class TrustDialog(QDialog):
    def __init__(self, session: UnitSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("信任的单位证书"))
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [self.tr("单位"), self.tr("证书主体"), self.tr("SHA-256 指纹"), self.tr("登记"), self.tr("状态")]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        add = buttons.addButton(self.tr("登记证书…"), QDialogButtonBox.ButtonRole.ActionRole)
        add.clicked.connect(self.add)
        revoke = buttons.addButton(self.tr("撤销信任"), QDialogButtonBox.ButtonRole.ActionRole)
        revoke.clicked.connect(self.revoke)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(1000, 380)
        self.refresh()

    def refresh(self) -> None:
        s = self.session
        self.entries = trust_list(s.store, s.plan, include_revoked=True)
        self.table.setRowCount(len(self.entries))
        for row, e in enumerate(self.entries):
            status = self.tr("已撤销 {at}").format(at=e.revoked_at[:10]) if e.revoked_at else self.tr("信任")
            values = [
                e.unit_name,
                shown(e.subject),
                fingerprint_groups(e.fingerprint),
                f"{e.added_at[:10]} {e.added_by}",
                status,
            ]
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if e.revoked_at:
                    item.setForeground(QColor("#888"))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()

    def add(self) -> None:
        """Choose one or more certificate files; each is shown with its unit and fingerprint (read over
        the phone in groups of four) and trusted only when ticked and confirmed."""
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("登记证书"), documents_folder(), self.tr("证书 (*.pem *.crt *.cer)")
        )
        if not paths:
            return
        s = self.session
        confirm = TrustConfirmDialog([certificate_preview(s.plan, p) for p in paths], self)
        if confirm.exec() != QDialog.DialogCode.Accepted:
            return
        trusted, problems = [], []
        for preview in confirm.chosen():
            try:
                try:
                    trusted.append(trust_add(s.store, s.plan, preview.path, who=s.who))
                except ReplaceNeeded as exc:
                    if self._confirm_replace(exc.message):
                        trusted.append(trust_add(s.store, s.plan, preview.path, who=s.who, replace=True))
            except UserError as exc:
                problems.append(f"{shown(Path(preview.path).name)}：{exc.message}")
        self.refresh()
        lines = [self.tr("已信任 {n} 个证书：").format(n=len(trusted))]
        lines += [
            f"• {e.unit_name}  {shown(e.subject)}\n  {fingerprint_groups(e.fingerprint)}" for e in trusted
        ]
        if problems:
            lines += [self.tr("未能登记："), *problems]
        QMessageBox.information(self, self.tr("登记证书"), "\n".join(lines))

    def _confirm_replace(self, message: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("替换证书"), message, parent=self)
        replace = box.addButton(self.tr("替换（撤销旧证书）"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is replace

    def revoke(self) -> None:
        row = self.table.currentRow()
        if row < 0 or self.entries[row].revoked_at:
            return
        entry = self.entries[row]
        answer = QMessageBox.question(
            self,
            self.tr("撤销信任"),
            self.tr("撤销对 {unit} 证书 {fp} 的信任？之后用它签名的报送包将被拒收。").format(
                unit=entry.unit_name, fp=fingerprint_groups(entry.fingerprint)
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            trust_remove(self.session.store, self.session.plan, entry.fingerprint, who=self.session.who)
            self.refresh()


class TrustConfirmDialog(QDialog):
    """The certificates chosen, before any is trusted: whose each is and its fingerprint, to be checked
    with the unit over the phone; only the ticked ones are trusted."""

    def __init__(self, previews: list[CertificatePreview], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.previews = previews
        self.setWindowTitle(self.tr("核对证书指纹"))
        note = QLabel(
            self.tr(
                "请逐个与单位电话核对 SHA-256 指纹（每组四位），核对无误的打勾后点“信任所选证书”。"
                "指纹不符的证书不要信任。"
            )
        )
        note.setWordWrap(True)
        self.table = QTableWidget(len(previews), 3)
        self.table.setHorizontalHeaderLabels([self.tr("单位"), self.tr("SHA-256 指纹"), self.tr("文件")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for r, p in enumerate(previews):
            unit = QTableWidgetItem(p.unit_name or shown(p.problem))
            unit.setFlags(unit.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            unit.setCheckState(Qt.CheckState.Unchecked)
            if p.problem:
                unit.setFlags(unit.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                unit.setToolTip(p.problem)
            fingerprint = QTableWidgetItem(fingerprint_groups(p.fingerprint))
            fingerprint.setFont(mono)
            self.table.setItem(r, 0, unit)
            self.table.setItem(r, 1, fingerprint)
            self.table.setItem(r, 2, QTableWidgetItem(shown(Path(p.path).name)))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.trust_button = buttons.addButton(self.tr("信任所选证书"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.table.itemChanged.connect(lambda _item: self._enable())
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(980, 320)
        self._enable()

    def chosen(self) -> list[CertificatePreview]:
        return [
            p
            for r, p in enumerate(self.previews)
            if (item := self.table.item(r, 0)) is not None
            and item.checkState() == Qt.CheckState.Checked
            and not p.problem
        ]

    def _enable(self) -> None:
        self.trust_button.setEnabled(bool(self.chosen()))
