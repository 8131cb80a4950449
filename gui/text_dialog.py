"""A dialog for a few lines of text (a reason, a correction, a note) that works from the keyboard:
Ctrl+Enter accepts, Tab moves to the buttons instead of typing a tab, Esc cancels."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget


class TextDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, label: str, text: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        prompt = QLabel(label)
        prompt.setWordWrap(True)
        self.editor = QPlainTextEdit(text)
        self.editor.setTabChangesFocus(True)
        prompt.setBuddy(self.editor)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip(self.tr("Ctrl+Enter"))
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.accept)
        hint = QLabel(self.tr("按 Ctrl+Enter 确定，Tab 切换到按钮，Esc 取消。"))
        hint.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(self.editor, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.editor.setFocus()
        self.resize(520, 260)

    def text(self) -> str:
        return self.editor.toPlainText()


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """The text entered, or None when cancelled."""
    dialog = TextDialog(parent, title, label, text)
    return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
