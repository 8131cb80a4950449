"""文件 → 验证报表…: check a signed report PDF as `main.py verify` does (signature, coverage, the
certificate's validity when it signed, trust in this database, the embedded data), off the GUI thread."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QLabel, QVBoxLayout, QWidget

from gui.report_actions import show_error
from gui.settings import Settings
from gui.worker import Worker, on_own_store
from model.store.database import Store

if TYPE_CHECKING:
    from model.reports.signing import VerifyResult


class VerifyAction(QObject):
    def __init__(self, window: QWidget, store: Store, settings: Settings, worker: Worker) -> None:
        super().__init__(window)
        self.window, self.store, self.settings, self.worker = window, store, settings, worker
        self.action = QAction(self.tr("验证报表(&V)…"), window)
        self.action.triggered.connect(self.choose)

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            self.tr("验证报表"),
            self.settings.folder("imports") or str(Path.home()),
            self.tr("签名报表 (*.pdf)"),
        )
        if path:
            self.verify(Path(path))

    def verify(self, path: Path) -> None:
        from model.exchange.district import verify_package  # loaded when first used: not at start-up

        self.worker.run(
            on_own_store(self.store, lambda store: verify_package(store, path)),
            lambda result: VerifyResultDialog(result, self.window).exec(),
            lambda exc: show_error(self.window, exc, self.tr("无法验证")),
            self.tr("正在验证签名…"),
            self.window,
        )


class VerifyResultDialog(QDialog):
    def __init__(self, result: VerifyResult, parent: QWidget | None = None) -> None:
        from model.reports.signing import verification_lines

        super().__init__(parent)
        self.setWindowTitle(self.tr("验证报表"))
        self.text = QLabel("\n".join(verification_lines(result)))
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(640, 360)
