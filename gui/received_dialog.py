"""The drill-down behind a completeness cell: every version the district holds of a unit's month — who
signed it and when, when it arrived, which is in use, the correction reason — with 打开 PDF and the
evidence files that travelled inside the package (the window's twin of `main.py received`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.open_files import open_copy, save_copy_as
from model.common.periods import Period
from model.exchange.received import HeldPackage, evidence_files, held_month, package_pdf
from model.plan.spec import Plan
from model.reports.signing import AttachedFile
from model.store.database import Store


def _when(text: str) -> str:
    return (text or "—")[:16].replace("T", " ")


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:,.1f} KB"


class ReceivedDialog(QDialog):
    def __init__(
        self, store: Store, plan: Plan, unit_id: str, period: Period, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        month = held_month(store, plan, unit_id, period)
        self.versions: list[HeldPackage] = month.versions
        self.files: list[AttachedFile] = []
        self.setWindowTitle(
            self.tr("{unit} {period} 的报送文件").format(unit=month.unit_name, period=period.label())
        )
        heading = QLabel(
            self.tr("<b>{unit}</b> {period}：收到 {n} 个版本。").format(
                unit=month.unit_name, period=period.label(), n=len(self.versions)
            )
            if self.versions
            else self.tr("<b>{unit}</b> {period}：区里还没有收到报送文件。").format(
                unit=month.unit_name, period=period.label()
            )
        )
        self.table = self._table(
            [
                self.tr("版本"),
                self.tr("在用"),
                self.tr("签名人"),
                self.tr("签名时间"),
                self.tr("收到时间"),
                self.tr("文件名"),
                self.tr("更正原因"),
            ]
        )
        self.table.setRowCount(len(self.versions))
        for r, v in enumerate(self.versions):
            values = [
                self.tr("第 {n} 版").format(n=v.version),
                self.tr("在用") if v.in_use else "",
                v.signed_by or v.signer,
                _when(v.signed_at),
                _when(v.received_at),
                v.file_name,
                v.correction_reason,
            ]
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._show_evidence)
        self.evidence = self._table([self.tr("证明材料"), self.tr("大小"), self.tr("说明")])
        self.evidence.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.evidence.itemDoubleClicked.connect(lambda _item: self.open_evidence())
        self.open_pdf_button = QPushButton(self.tr("打开 PDF(&P)"))
        self.open_pdf_button.clicked.connect(self.open_pdf)
        self.open_button = QPushButton(self.tr("打开证明材料(&O)"))
        self.open_button.clicked.connect(self.open_evidence)
        self.save_button = QPushButton(self.tr("另存为(&S)…"))
        self.save_button.clicked.connect(self.save_evidence)
        row = QHBoxLayout()
        for b in (self.open_pdf_button, self.open_button, self.save_button):
            row.addWidget(b)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel(self.tr("随报送文件发来的证明材料（双击打开）：")))
        layout.addWidget(self.evidence, 1)
        layout.addLayout(row)
        layout.addWidget(close)
        self.resize(960, 480)
        in_use = next((i for i, v in enumerate(self.versions) if v.in_use), len(self.versions) - 1)
        if self.versions:
            self.table.selectRow(in_use)
        self._show_evidence()

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return table

    def selected_version(self) -> HeldPackage | None:
        row = self.table.currentRow()
        return self.versions[row] if 0 <= row < len(self.versions) else None

    def _show_evidence(self) -> None:
        v = self.selected_version()
        self.pdf = package_pdf(self.store, v) if v is not None else b""
        self.files = evidence_files(self.pdf) if v is not None else []
        self.evidence.setRowCount(len(self.files))
        for r, f in enumerate(self.files):
            for c, text in enumerate((f.name, _size(len(f.data)), f.description)):
                item = QTableWidgetItem(text)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.evidence.setItem(r, c, item)
        if self.files:
            self.evidence.selectRow(0)
        self.open_pdf_button.setEnabled(v is not None)
        self.open_button.setEnabled(bool(self.files))
        self.save_button.setEnabled(bool(self.files))

    def _selected_file(self) -> AttachedFile | None:
        row = self.evidence.currentRow()
        return self.files[row] if 0 <= row < len(self.files) else None

    def open_pdf(self) -> None:
        v = self.selected_version()
        if v is not None:
            open_copy(self, v.file_name or f"v{v.version}.pdf", self.pdf)

    def open_evidence(self) -> None:
        f = self._selected_file()
        if f is not None:
            open_copy(self, f.name, f.data)

    def save_evidence(self) -> None:
        f = self._selected_file()
        if f is not None:
            save_copy_as(self, f.name, f.data)
