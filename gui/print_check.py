"""文件 → 核对纸质报表: read a printed page's QR code and say whether the district holds that version
(the window's twin of `main.py verify-print`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from gui.report_actions import show_error
from gui.worker import Worker, on_own_store
from model.store.database import Store

if TYPE_CHECKING:
    from model.exchange.printcheck import PrintCheck


class PrintCheckDialog(QDialog):
    def __init__(self, checks: list[PrintCheck], parent: QWidget | None = None) -> None:
        from model.exchange.printcheck import check_text

        super().__init__(parent)
        ok = all(c.ok for c in checks)
        self.setWindowTitle(self.tr("核对纸质报表：一致") if ok else self.tr("核对纸质报表：不一致"))
        self.text = QPlainTextEdit("\n\n".join(check_text(c) for c in checks))
        self.text.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(640, 420)


class PrintCheckAction(QAction):
    def __init__(self, store: Store, worker: Worker, parent: QWidget) -> None:
        super().__init__(parent)
        self.setText(self.tr("核对纸质报表(&V)…"))
        self.store, self.worker, self.window = store, worker, parent
        self.triggered.connect(self.choose)
        self.dialog: PrintCheckDialog | None = None

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            self.tr("选择纸质报表的扫描件、照片或 PDF"),
            "",
            self.tr("扫描件或 PDF (*.png *.jpg *.jpeg *.pdf)"),
        )
        if path:
            self.check(Path(path))

    def check(self, path: Path) -> None:
        from model.exchange.printcheck import verify_print  # loaded when first used: not at start-up

        self.worker.run(
            on_own_store(self.store, lambda store: verify_print(store, path)),
            self._show,
            lambda exc: show_error(self.window, exc, self.tr("无法核对")),
            self.tr("正在识别二维码…"),
            self.window,
        )

    def _show(self, checks: list[PrintCheck]) -> None:
        self.dialog = PrintCheckDialog(checks, self.window)
        self.dialog.show()
