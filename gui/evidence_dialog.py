"""The evidence files of one task: add (the picker starts in 我的文档), open (double-click or 打开),
save a copy, remove."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.open_files import documents_folder, open_copy, safe_name
from gui.session import UnitSession
from model.common.errors import UserError
from model.entry.evidence import attach, save_copy
from model.store.changes import Changes


class EvidenceDialog(QDialog):
    def __init__(self, session: UnitSession, row_id: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.row_id = session, row_id
        self.setWindowTitle(self.tr("证明材料 — {row}").format(row=row_id))
        heading = QLabel(title)
        heading.setWordWrap(True)
        self.list = QListWidget()
        self.list.itemActivated.connect(lambda _item: self.open())  # double-click or Enter
        add = QPushButton(self.tr("添加(&A)…"))
        add.clicked.connect(self.add)
        self.open_button = QPushButton(self.tr("打开(&O)"))
        self.open_button.clicked.connect(self.open)
        save = QPushButton(self.tr("另存为(&S)…"))
        save.clicked.connect(self.save)
        remove = QPushButton(self.tr("删除(&D)"))
        remove.clicked.connect(self.remove)
        buttons = QHBoxLayout()
        for button in (add, self.open_button, save, remove):
            buttons.addWidget(button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        s = self.session
        for item in s.store.evidence.list(s.plan.id, s.unit.id, self.row_id):
            entry = QListWidgetItem(
                self.tr("{name}（{kb:,.0f} KB，{who} {at}）").format(
                    name=item.file_name,
                    kb=item.size / 1024,
                    who=item.added_by,
                    at=item.added_at[:16].replace("T", " "),
                )
            )
            entry.setData(Qt.ItemDataRole.UserRole, (item.id, item.file_name))
            entry.setToolTip(self.tr("双击打开；SHA-256：{sha}").format(sha=item.sha256))
            self.list.addItem(entry)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _selected(self) -> tuple[int, str] | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def add(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("选择证明材料"), documents_folder())
        s = self.session
        for path in paths:
            try:
                attach(s.store, s.plan.id, s.unit.id, str(s.period), self.row_id, path, who=s.who)
            except UserError as exc:
                QMessageBox.warning(self, self.tr("无法添加"), exc.message)
        self.refresh()
        s.absorb(Changes(evidence=frozenset({(s.unit.id, str(s.period))})))

    def open(self) -> None:
        """Open a copy in the program the computer uses for the file; the stored file is untouched."""
        selected = self._selected()
        if selected is None:
            return
        try:
            content = self.session.store.evidence.content(selected[0])
        except UserError as exc:
            QMessageBox.warning(self, self.tr("无法打开"), exc.message)
            return
        open_copy(self, selected[1], content)

    def save(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("另存为"), str(Path(documents_folder()) / safe_name(selected[1]))
        )
        if path:
            try:
                save_copy(self.session.store, selected[0], path)
            except UserError as exc:
                QMessageBox.warning(self, self.tr("无法保存"), exc.message)

    def remove(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        answer = QMessageBox.question(
            self, self.tr("删除"), self.tr("删除证明材料“{name}”？").format(name=selected[1])
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.session.store.evidence.remove(selected[0], who=self.session.who)
        except UserError as exc:
            QMessageBox.warning(self, self.tr("无法删除"), exc.message)
        self.refresh()
        s = self.session
        s.absorb(Changes(evidence=frozenset({(s.unit.id, str(s.period))})))
