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


class PassphraseDialog(QDialog):
    def __init__(self, key_path: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key_path = key_path
        self.key: SigningKey | None = None
        self.setWindowTitle(self.tr("密钥口令"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.textEdited.connect(lambda _text: show_problem(self.problem, ""))
        self.problem = error_label()
        prompt_label = QLabel(prompt)
        prompt_label.setWordWrap(True)
        buttons = ok_cancel(self, self._accept)
        layout = QVBoxLayout(self)
        layout.addWidget(prompt_label)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(420, self.sizeHint().height())

    def _accept(self) -> None:
        if not self.passphrase.text():
            show_problem(self.problem, self.tr("请输入口令。"))
            return
        try:
            self.key = load_key(self.key_path, self.passphrase.text())
        except UserError as exc:
            show_problem(self.problem, exc.message)
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            return
        self.accept()


def ask_key(parent: QWidget, key_path: str, prompt: str) -> tuple[str, SigningKey] | None:
    """(passphrase, opened key) once the passphrase opens the key; None when the user cancels."""
    dialog = PassphraseDialog(key_path, prompt, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.key is None:
        return None
    return dialog.passphrase.text(), dialog.key
