"""计算过程: how a derived figure was obtained, from the same model function as `main.py explain`."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from model.calc.explain import Explanation, explain_text


class ExplainDialog(QDialog):
    """Shows the explanation; `highlight` marks its input cells in the form while the dialog is open."""

    def __init__(
        self,
        explanation: Explanation,
        parent: QWidget | None = None,
        highlight: Callable[[list[tuple[str, str]]], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.explanation = explanation
        self.setWindowTitle(self.tr("计算过程：{label}").format(label=explanation.label))
        self.text = QPlainTextEdit(explain_text(explanation))
        self.text.setReadOnly(True)
        self.text.setFont(QFont("monospace"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(720, 520)
        if highlight is not None:
            highlight(explanation.input_cells)
