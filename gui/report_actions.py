"""The unit's report actions: export, submit (sign and freeze), correct, and the version history.

Slots read the widgets and call named operations in `model` (export, submission); slow ones run through
the Worker off the GUI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.session import UnitSession
from gui.settings import Settings
from gui.text_dialog import ask_text
from gui.worker import Worker, on_own_store
from model.common.errors import UserError
from model.exchange.submission import (
    SUBMITTED,
    blocking_problems,
    correct,
    history,
    submission_changes,
    submit,
)
from model.reports.export import PDF, XLSX, unit_report
from model.safety import files
from model.store.database import Store

if TYPE_CHECKING:
    from model.reports.tables import ReportPeople


def people_of(store: Store) -> ReportPeople:
    """The footer names of the database's profile: the same the command line prints."""
    from model.reports.tables import people_from_profile  # loaded when first used: not at start-up

    return people_from_profile(store.profile.get())


def show_error(parent: QWidget, error: Exception, title: str) -> None:
    if isinstance(error, UserError):
        QMessageBox.warning(parent, title, error.message)
    else:  # a bug: the global handler logs it with its traceback
        raise error


def offer_to_open(parent: QWidget, title: str, text: str, path: Path) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Close, parent)
    open_file = box.addButton(parent.tr("打开文件"), QMessageBox.ButtonRole.ActionRole)
    open_folder = box.addButton(parent.tr("打开所在文件夹"), QMessageBox.ButtonRole.ActionRole)
    box.exec()
    if box.clickedButton() is open_file:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    elif box.clickedButton() is open_folder:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def ask_passphrase(parent: QWidget, prompt: str) -> str | None:
    text, ok = QInputDialog.getText(parent, parent.tr("密钥口令"), prompt, QLineEdit.EchoMode.Password)
    return text if ok and text else None


class ReportActions(QObject):
    def __init__(self, window: QMainWindow, session: UnitSession, settings: Settings, worker: Worker) -> None:
        super().__init__(window)
        self.window, self.session, self.settings, self.worker = window, session, settings, worker
        self.ask = ask_text  # the reason dialog (tests answer it)
        self.export_pdf = QAction(self.tr("导出 PDF(&P)…"), window)
        self.export_pdf.triggered.connect(lambda: self.export(PDF))
        self.export_xlsx = QAction(self.tr("导出 Excel(&X)…"), window)
        self.export_xlsx.triggered.connect(lambda: self.export(XLSX))
        self.submit_action = QAction(self.tr("报送本期(&U)…"), window)
        self.submit_action.triggered.connect(self.submit)
        self.correct_action = QAction(self.tr("更正(&C)…"), window)
        self.correct_action.triggered.connect(self.correct)
        self.history_action = QAction(self.tr("历史版本(&H)…"), window)
        self.history_action.triggered.connect(self.show_history)
        session.events.state_changed.connect(self._update)
        session.events.plan_changed.connect(self._update)
        self._update()

    def actions(self) -> list[QAction]:
        return [
            self.export_pdf,
            self.export_xlsx,
            self.submit_action,
            self.correct_action,
            self.history_action,
        ]

    def _update(self) -> None:
        state = self.session.state
        self.correct_action.setEnabled(state.locked)  # model says which period to correct, if not this one
        self.submit_action.setEnabled(state.status != SUBMITTED)
        self.history_action.setEnabled(bool(state.versions))

    def _default_name(self, suffix: str) -> str:
        s = self.session
        folder = self.settings.folder("exports") or str(Path.home())
        return str(Path(folder) / f"{s.period}_{s.unit.id}_{s.unit.name}.{suffix}")

    # ---- export --------------------------------------------------------------------------------
    def export(self, kind: str) -> None:
        filters = self.tr("PDF 文件 (*.pdf)") if kind == PDF else self.tr("Excel 工作簿 (*.xlsx)")
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("导出报表"), self._default_name(kind), filters
        )
        if path:
            self.export_to(kind, Path(path))

    def export_to(self, kind: str, path: Path) -> None:
        s, people = self.session, people_of(self.session.store)
        self.settings.set_folder("exports", str(path.parent))

        def job(store: Store) -> Path:
            data = unit_report(store, s.unit.id, s.period, kind, people, who=s.who)
            return files.write_output(path, data, kind=files.PDF if kind == PDF else files.XLSX)

        self.worker.run(
            on_own_store(s.store, job),
            lambda written: offer_to_open(
                self.window, self.tr("导出报表"), self.tr("已导出：{path}").format(path=written), written
            ),
            lambda exc: show_error(self.window, exc, self.tr("无法导出")),
            self.tr("正在生成报表…"),
            self.window,
        )

    # ---- submit and correct --------------------------------------------------------------------
    def _key_path(self) -> str | None:
        path = self.settings.key_path()
        if path and Path(path).is_file():
            return path
        QMessageBox.information(
            self.window,
            self.tr("需要签名密钥"),
            self.tr(
                "报送前需要本单位的签名密钥。请在“设置 → 签名密钥”中新建密钥，或选择区里发放的 .p12 文件。"
            ),
        )
        return None

    def submit(self) -> None:
        s = self.session
        problems = blocking_problems(s.store, s.plan, s.unit.id, s.period)
        if problems:
            listing = "\n".join(f"• {p.message}" for p in problems[:15]) + (
                "\n…" if len(problems) > 15 else ""
            )
            QMessageBox.warning(
                self.window,
                self.tr("还不能报送"),
                self.tr("本期还有 {n} 个问题需要先处理（见“检查”列表）：\n{listing}").format(
                    n=len(problems), listing=listing
                ),
            )
            return
        key_path = self._key_path()
        if key_path is None:
            return
        from gui.passphrase_dialog import ask_key  # signing's modules load when first used

        opened = ask_key(
            self.window, self.worker, key_path, self.tr("报送将对报表签名。请输入签名密钥的口令：")
        )
        if opened is None:  # a wrong passphrase was said in the dialog, before the folder is asked
            return
        passphrase = opened[0]
        folder = QFileDialog.getExistingDirectory(
            self.window,
            self.tr("报送包保存到哪个文件夹"),
            self.settings.folder("packages") or str(Path.home()),
        )
        if folder:
            self.submit_to(key_path, passphrase, Path(folder))

    def submit_to(self, key_path: str, passphrase: str, folder: Path) -> None:
        s, people = self.session, people_of(self.session.store)
        self.settings.set_folder("packages", str(folder))

        def job(store: Store) -> Any:
            from model.reports.signing import load_key

            key = load_key(key_path, passphrase)
            return submit(store, s.plan, s.unit.id, s.period, key, folder, who=s.who, people=people)

        def done(result: Any) -> None:
            s.absorb(result.changes)
            offer_to_open(
                self.window,
                self.tr("报送"),
                self.tr(
                    "已报送第 {v} 版并锁定本期。报送包：\n{pdf}\n{xlsx}\n请将这两个文件发送给{district}。"
                ).format(
                    district=s.plan.unit(s.plan.district_unit).name,
                    v=result.version,
                    pdf=result.pdf_path,
                    xlsx=result.xlsx_path,
                ),
                result.pdf_path,
            )

        self.worker.run(
            on_own_store(s.store, job),
            done,
            lambda exc: show_error(self.window, exc, self.tr("无法报送")),
            self.tr("正在签名并生成报送包…"),
            self.window,
        )

    def correct(self) -> None:
        s = self.session
        reason = self.ask(
            self.window,
            self.tr("更正"),
            self.tr(
                "{label} 已报送。更正将重新开放 {label} 各月的数据并生成新版本，原版本保留可查。请填写更正原因："
            ).format(label=s.period.label()),
        )
        if reason is None:
            return
        try:
            correct(s.store, s.plan, s.unit.id, s.period, reason, who=s.who)
        except UserError as exc:
            QMessageBox.warning(self.window, self.tr("无法更正"), exc.message)
            return
        s.absorb(submission_changes(s.unit.id, s.period))

    # ---- history -------------------------------------------------------------------------------
    def show_history(self) -> None:
        HistoryDialog(self.session, self.window).exec()


class HistoryDialog(QDialog):
    """Every version of the period: who, when, why; each submitted version's signed PDF can be saved."""

    def __init__(self, session: UnitSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(
            self.tr("历史版本 — {unit} {label}").format(unit=session.unit.name, label=session.period.label())
        )
        self.versions = history(session.store, session.plan, session.unit.id, session.period)
        headers = [
            self.tr("版本"),
            self.tr("状态"),
            self.tr("报送时间"),
            self.tr("报送人"),
            self.tr("更正原因"),
            self.tr("报送包"),
        ]
        self.table = QTableWidget(len(self.versions), len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        for row, v in enumerate(self.versions):
            values = [
                str(v.version),
                v.status_label,
                (v.submitted_at or "")[:16].replace("T", " "),
                v.submitted_by or "",
                v.reason,
                v.package_name or "",
            ]
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        save = buttons.addButton(self.tr("另存所选版本的 PDF…"), QDialogButtonBox.ButtonRole.ActionRole)
        save.clicked.connect(self.save_selected)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(900, 320)

    def save_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0 or not self.versions[row].package_name:
            return
        version = self.versions[row]
        path, _ = QFileDialog.getSaveFileName(self, self.tr("另存 PDF"), f"{version.package_name}.pdf")
        if path:
            pdf, _xlsx = self.session.store.submissions.package(version.id)
            try:
                files.write_output(path, pdf, kind=files.PDF)
            except UserError as exc:
                show_error(self, exc, self.tr("无法保存"))
