"""The window without a mouse: periods, tabs, panes, the help page, the reason dialog, the screen size."""

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from gui.grid import GridView, MonthForm
from gui.main_window import default_size
from gui.shortcuts_dialog import ShortcutsDialog
from gui.text_dialog import TextDialog
from tests.gui.test_grid_keys import activate, edit

CTRL = Qt.KeyboardModifier.ControlModifier


def window_with_keys(qtbot, open_window, period="2024-07"):
    window = open_window("fengjing", period)
    activate(qtbot, window)
    return window


def test_ctrl_arrows_step_through_the_periods(qtbot, open_window):
    window = window_with_keys(qtbot, open_window)
    before = window.session.period
    qtbot.keyClick(window.tabs, Qt.Key.Key_Left, CTRL)
    assert window.session.period < before
    qtbot.keyClick(window.tabs, Qt.Key.Key_Right, CTRL)
    assert window.session.period == before


def test_ctrl_number_opens_the_tab_and_puts_the_cursor_in_its_grid(qtbot, open_window):
    window = window_with_keys(qtbot, open_window)
    qtbot.keyClick(window.tabs, Qt.Key.Key_2, CTRL)
    assert window.tabs.currentIndex() == 1
    assert isinstance(QApplication.focusWidget(), GridView)
    qtbot.keyClick(window.tabs, Qt.Key.Key_1, CTRL)
    assert window.tabs.currentIndex() == 0


def test_ctrl_tab_goes_round_the_panes_and_esc_leaves_the_grid(qtbot, open_window):
    window = window_with_keys(qtbot, open_window)
    qtbot.keyClick(window.tabs, Qt.Key.Key_2, CTRL)
    grid = QApplication.focusWidget()
    assert isinstance(grid, GridView)
    qtbot.keyClick(grid, Qt.Key.Key_Tab, CTRL)
    assert QApplication.focusWidget() is window.checks.list
    qtbot.keyClick(window.checks.list, Qt.Key.Key_Tab, CTRL)
    assert QApplication.focusWidget() is window.period_box
    qtbot.keyClick(window.period_box, Qt.Key.Key_Tab, CTRL)
    assert QApplication.focusWidget() is grid
    qtbot.keyClick(grid, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is window.period_box


def test_f1_lists_every_key_in_chinese(qtbot, open_window, monkeypatch):
    window = window_with_keys(qtbot, open_window)
    opened = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda self: opened.append(self) or 0)
    qtbot.keyClick(window.tabs, Qt.Key.Key_F1)
    (dialog,) = opened
    assert dialog.windowTitle() == "快捷键"
    keys = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    for key in ("Ctrl+C", "Ctrl+V", "Ctrl+D", "Ctrl+Enter", "Ctrl+F", "Ctrl+← / Ctrl+→", "Esc", "F1"):
        assert key in keys
    meanings = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
    assert all(m and not m.isascii() for m in meanings)


def test_the_reason_dialog_takes_ctrl_enter_and_tab_leaves_the_text(qtbot):
    dialog = TextDialog(None, "更正", "请填写更正原因：")
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    dialog.editor.setFocus()
    qtbot.keyClicks(dialog.editor, "abc")
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Tab)
    assert "\t" not in dialog.text()
    assert isinstance(QApplication.focusWidget().parent(), QDialogButtonBox)
    dialog.editor.setFocus()
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Return, CTRL)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.text() == "abc"


def test_the_undo_button_keeps_its_label(qtbot, open_window):
    window = window_with_keys(qtbot, open_window)
    before = window.undo_action.text()
    edit(window, ("2024-02", "energy_tce", "5000"))
    assert window.undo_action.text() == before == "撤销"
    assert window.undo_action.isEnabled() and "setup" in window.undo_action.toolTip()


def test_the_default_size_fits_a_small_screen():
    fitted = default_size(QSize(1366, 728))  # a 1366×768 laptop less its taskbar
    assert fitted.width() < 1366 and fitted.height() < 728
    assert default_size(QSize(1920, 1040)) == QSize(1280, 800)


def test_all_twelve_months_show_at_1366x768_and_the_chart_gives_way(qtbot, open_window):
    window = window_with_keys(qtbot, open_window)
    form = next(f for f in window.forms if isinstance(f, MonthForm))
    window.tabs.setCurrentWidget(form)
    view = form.view
    for height in (700, 1000):  # maximised on a 1366×768 screen (less taskbar and title bar); a tall one
        window.resize(1366, height)
        QApplication.processEvents()
        last = view.visualRect(view.model().index(11, 0))
        assert last.isValid() and last.bottom() <= view.viewport().height()
    assert form.chart.isVisible()  # room enough on the tall screen
    qtbot.keyClick(view, Qt.Key.Key_G, CTRL)
    assert not form.chart.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_G, CTRL)
    assert form.chart.isVisible()
    window.resize(1366, 500)  # asked for, the chart stays, with its legend, and the months scroll
    QApplication.processEvents()
    assert form.chart.isVisible() and form.chart.height() >= form.chart.minimumHeight()


def test_warning_column_is_wide_enough_for_its_words(qtbot, open_window):
    window = open_window("fengjing", "2024-07")
    form = next(f for f in window.forms if isinstance(f, MonthForm))
    edit(
        window,
        *[
            (f"2024-0{m}", k, v)
            for m in range(1, 8)
            for k, v in (
                ("energy_tce", "6000"),
                ("energy_tce_last_year", "5000"),
                ("output_wan_yuan", "1000"),
                ("output_wan_yuan_last_year", "1000"),
            )
        ],
    )
    model, view = form.model, form.view
    for column in range(model.columnCount()):
        for row in range(12):
            text = model.index(row, column).data() or ""
            needed = view.fontMetrics().horizontalAdvance(text)
            assert view.columnWidth(column) >= needed, (column, text)


def test_wrapping_columns_share_the_free_width(qtbot, open_window):
    from gui.tasks_form import TasksForm

    window = open_window("fengjing", "2024-07")
    form = next(f for f in window.forms if isinstance(f, TasksForm))
    window.tabs.setCurrentWidget(form)
    window.resize(1366, 700)
    QApplication.processEvents()
    view, columns = form.view, form.model.columns
    used = sum(view.columnWidth(c) for c in range(len(columns)))
    assert abs(view.viewport().width() - used) <= len(columns)  # no empty band, no scrolling sideways
    narrative = next(c for c, column in enumerate(columns) if column.suffix == "narrative")
    assert view.columnWidth(narrative) >= view.fontMetrics().horizontalAdvance("字") * 12
