"""The passphrase of the unit's signing key, checked in the dialog itself: a wrong passphrase (or an
unreadable key file) is said here, before any file or folder dialog opens."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gui.worker import Worker
from model.common.errors import UserError
from model.reports.signing import SigningKey, load_key

ERROR_STYLE = "color: #b00000;"


def error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


def ok_cancel(dialog: QDialog, accept: Callable[[], None]) -> QDialogButtonBox:
    """OK runs `accept` (which checks and says what is wrong, or accepts); Cancel closes."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def show_problem(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))
    label.window().adjustSize()  # a wrapped message gets the lines it needs


class PassphraseDialog(QDialog):
    """Asks the passphrase and opens the key with it off the GUI thread (a PKCS#12 takes a moment to
    open); a wrong passphrase is said here and the dialog stays open for another try."""

    def __init__(self, key_path: str, prompt: str, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key_path, self.worker = key_path, worker
        self.key: SigningKey | None = None
        self.setWindowTitle(self.tr("密钥口令"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.textEdited.connect(lambda _text: show_problem(self.problem, ""))
        self.problem = error_label()
        self.busy = QLabel(self.tr("正在打开密钥…"))
        self.busy.hide()
        prompt_label = QLabel(prompt)
        prompt_label.setWordWrap(True)
        self.buttons = ok_cancel(self, self._accept)
        layout = QVBoxLayout(self)
        layout.addWidget(prompt_label)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.problem)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)

    def _accept(self) -> None:
        passphrase = self.passphrase.text()
        if not passphrase:
            show_problem(self.problem, self.tr("请输入口令。"))
            return
        self._waiting(True)
        self.worker.run(lambda: load_key(self.key_path, passphrase), self._opened, self._refused)

    def _waiting(self, waiting: bool) -> None:
        self.buttons.setEnabled(not waiting)
        self.passphrase.setEnabled(not waiting)
        self.busy.setVisible(waiting)

    def _opened(self, key: SigningKey) -> None:
        self._waiting(False)
        self.key = key
        self.accept()

    def _refused(self, exc: Exception) -> None:
        self._waiting(False)
        if not isinstance(exc, UserError):
            raise exc  # a bug: the global handler reports it with its traceback
        show_problem(self.problem, exc.message)
        self.passphrase.selectAll()
        self.passphrase.setFocus()


def ask_key(parent: QWidget, worker: Worker, key_path: str, prompt: str) -> tuple[str, SigningKey] | None:
    """(passphrase, opened key) once the passphrase opens the key; None when the user cancels."""
    dialog = PassphraseDialog(key_path, prompt, worker, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.key is None:
        return None
    return dialog.passphrase.text(), dialog.key
