"""Restore from a backup: pick one of the checked backups; the current file is backed up first."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from model.store.backup import Backup, junk_message, scan_backups


class BackupDialog(QDialog):
    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("从备份恢复"))
        self.backups, junk = scan_backups(db_path)
        intro = QLabel(
            self.tr(
                "备份在 {folder}。恢复前会先备份当前数据，恢复后可以再恢复回来。每个备份都已通过完整性检查。"
            ).format(folder=db_path.parent / "backups")
        )
        intro.setWordWrap(True)
        junk_note = QLabel(junk_message(junk) if junk else "")
        junk_note.setWordWrap(True)
        junk_note.setVisible(bool(junk))
        self.list = QListWidget()
        for backup in reversed(self.backups):  # newest first
            item = QListWidgetItem(
                self.tr("{time}　{reason}　{mb:.1f} MB　（编号 {id}）").format(
                    time=backup.created_at.strftime("%Y-%m-%d %H:%M"),
                    reason=backup.reason_label,
                    mb=backup.size_bytes / 1024 / 1024,
                    id=backup.id,
                )
            )
            item.setData(Qt.ItemDataRole.UserRole, backup.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("恢复"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.backups))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(junk_note)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(640, 400)

    def chosen(self) -> Backup | None:
        item = self.list.currentItem()
        if item is None:
            return None
        wanted = item.data(Qt.ItemDataRole.UserRole)
        return next((b for b in self.backups if b.id == wanted), None)
