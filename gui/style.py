"""Colours shared by the forms, the cards and the chart."""

from PySide6.QtGui import QColor

COLOUR_BACKGROUND = {"green": QColor("#c8e6c9"), "yellow": QColor("#ffe0a3"), "red": QColor("#ffb3b3")}
COLOUR_LINE = {"green": QColor("#2e7d32"), "yellow": QColor("#c77800"), "red": QColor("#c62828")}
ERROR_CELL = QColor("#ff8a80")
WARNING_CELL = QColor("#ffcc80")
EXPLAINED_CELL = QColor("#fff3d6")
DERIVED_CELL = QColor("#f2f4f7")
LOCKED_CELL = QColor("#e6e6e6")
LOCKED_TEXT = QColor("#6b6b6b")
FOCUS_COLOUR = "#1a56c4"  # the keyboard focus on a home card
