"""The grid from the keyboard, as a clerk used to WPS/Excel works it: copy, fill, find, Tab, notes."""

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit

from gui.annex2_form import Annex2Form
from gui.grid import NOTE_ROLE
from model.common.paste import parse_block
from tests.gui.test_forms import column_of, derived_column, form_of, stored

CTRL = Qt.KeyboardModifier.ControlModifier


def select(view, top, left, bottom, right):
    model = view.model()
    view.setCurrentIndex(model.index(top, left))
    selection = QItemSelection(model.index(top, left), model.index(bottom, right))
    view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    view.setFocus()


def annex2(qtbot, open_window, period="2024-07"):
    window = open_window("fengjing", period)
    form = form_of(window, Annex2Form)
    window.tabs.setCurrentWidget(form)
    activate(qtbot, window)
    return window, form.view, form.model


def activate(qtbot, window):
    """The window has the keyboard (its shortcuts answer only then)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def test_ctrl_c_copies_a_block_tab_separated_as_wps_pastes_it(qtbot, open_window):
    window, view, model = annex2(qtbot, open_window)
    energy, output = column_of(model, "energy_tce"), column_of(model, "output_wan_yuan")
    assert output == energy + 2  # the block spans a stored column in between
    edit(
        window,
        ("2024-02", "energy_tce", "1234.5"),
        ("2024-02", "output_wan_yuan", "19500"),
        ("2024-03", "energy_tce", "1300"),
    )
    select(view, 1, energy, 2, output)
    qtbot.keyClick(view, Qt.Key.Key_C, CTRL)
    copied = QGuiApplication.clipboard().text()
    block = parse_block(copied)
    assert block[0][0] == "1234.5" and block[0][2] == "19500"
    assert block[1][0] == "1300" and block[1][2] == ""
    assert len(block) == 2 and all(len(row) == 3 for row in block)
    assert "\t" in copied and copied.endswith("\r\n")


def edit(window, *changes):
    from gui.session import CellChange

    window.session.edit([CellChange(*c) for c in changes], "setup")


def test_ctrl_d_fills_down_as_one_undo_step(qtbot, open_window, store):
    window, view, model = annex2(qtbot, open_window)
    energy = column_of(model, "energy_tce")
    edit(window, ("2024-02", "energy_tce", "5000"))
    select(view, 1, energy, 4, energy)
    qtbot.keyClick(view, Qt.Key.Key_D, CTRL)
    assert [stored(store, "fengjing", f"2024-0{m}", "energy_tce") for m in (2, 3, 4, 5)] == [5000] * 4
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert [stored(store, "fengjing", f"2024-0{m}", "energy_tce") for m in (3, 4, 5)] == [None] * 3
    assert stored(store, "fengjing", "2024-02", "energy_tce") == 5000


def test_ctrl_enter_fills_the_selection_with_what_is_typed(qtbot, open_window, store):
    window, view, model = annex2(qtbot, open_window)
    last_year = column_of(model, "energy_tce_last_year")
    select(view, 0, last_year, 5, last_year)
    qtbot.keyClicks(view, "6")
    editor = next(e for e in view.findChildren(QLineEdit) if not e.isHidden())
    editor.insert("100")
    qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    QApplication.processEvents()
    assert [stored(store, "fengjing", f"2024-0{m}", "energy_tce_last_year") for m in range(1, 7)] == [
        6100
    ] * 6
    assert window.session.undo_stack.count() == 1


def test_tab_skips_computed_columns_and_enter_returns_to_where_tab_started(qtbot, open_window, store):
    _window, view, model = annex2(qtbot, open_window)
    editable = [c for c in range(model.columnCount()) if model.address(1, c)]
    first, last_required = editable[0], column_of(model, "output_wan_yuan_last_year")
    after = editable[editable.index(last_required) + 1]  # past the four computed columns
    assert after > last_required + 1
    view.setCurrentIndex(model.index(1, last_required))
    view.setFocus()
    view.tab_start = None
    type_into_without_enter(qtbot, view, "98000")
    qtbot.keyClick(view.focusWidget() or view, Qt.Key.Key_Tab)
    QApplication.processEvents()
    assert view.currentIndex().column() == after  # not into a computed column
    assert stored(store, "fengjing", "2024-02", "output_wan_yuan_last_year") == 98000
    view.closePersistentEditor(view.currentIndex())
    qtbot.keyClick(view.focusWidget() or view, Qt.Key.Key_Escape)  # leave the editor Tab opened
    QApplication.processEvents()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert (view.currentIndex().row(), view.currentIndex().column()) == (2, last_required)
    # a new run of Tab from the row's first editable column comes back there
    view.setCurrentIndex(model.index(2, first))
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert (view.currentIndex().row(), view.currentIndex().column()) == (3, first)


def type_into_without_enter(qtbot, view, text):
    qtbot.keyClicks(view, text[0])
    editor = next(e for e in view.findChildren(QLineEdit) if not e.isHidden())
    editor.insert(text[1:])
    editor.setFocus()


def test_shift_tab_goes_back_over_computed_columns(qtbot, open_window):
    _window, view, model = annex2(qtbot, open_window)
    editable = [c for c in range(model.columnCount()) if model.address(1, c)]
    last_required = column_of(model, "output_wan_yuan_last_year")
    after = editable[editable.index(last_required) + 1]
    view.setCurrentIndex(model.index(1, after))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert view.currentIndex().column() == last_required


def test_typing_into_a_computed_or_locked_cell_says_why(qtbot, open_window, store):
    window, view, model = annex2(qtbot, open_window, "2024-03")
    rate = derived_column(model, "变化率")
    view.setCurrentIndex(model.index(1, rate))
    view.setFocus()
    qtbot.keyClicks(view, "5")
    message = window.statusBar().currentMessage()
    assert "由程序计算" in message and "变化率" in message
    energy = column_of(model, "energy_tce")
    view.setCurrentIndex(model.index(6, energy))  # July, after the period 1–3月
    qtbot.keyClicks(view, "5")
    assert "之后" in window.statusBar().currentMessage()
    assert stored(store, "fengjing", "2024-07", "energy_tce") is None


def test_ctrl_f_finds_a_field_by_name_and_a_value(qtbot, open_window):
    window, view, model = annex2(qtbot, open_window)
    edit(window, ("2024-05", "output_wan_yuan", "87654"))
    view.setCurrentIndex(model.index(0, 0))
    view.ask_find = lambda last: "87654"
    qtbot.keyClick(view, Qt.Key.Key_F, CTRL)
    found = view.currentIndex()
    assert (found.row(), found.column()) == (4, column_of(model, "output_wan_yuan"))
    label = next(f for f in window.session.plan.fields if f.key == "energy_tce_last_year").label
    assert view.find_next(label)
    assert view.currentIndex().column() == column_of(model, "energy_tce_last_year")
    assert not view.find_next("没有这个字段")
    assert "找不到" in window.statusBar().currentMessage()


def test_right_click_menu_copies_pastes_clears_and_shows_history(qtbot, open_window, store, monkeypatch):
    window, view, model = annex2(qtbot, open_window)
    energy = column_of(model, "energy_tce")
    edit(window, ("2024-02", "energy_tce", "5000"))
    shown = []
    view.show_menu = lambda menu, where: shown.extend(a.text() for a in menu.actions())
    view.setCurrentIndex(model.index(1, energy))
    view.setFocus()
    # the menu key (or Shift+F10): the platform turns it into a keyboard context-menu event
    QApplication.sendEvent(
        view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(0, 0), QPoint(0, 0))
    )
    words = [w.split("(")[0] for w in shown if w]
    assert words[:3] == ["复制", "粘贴", "清除"] and "修改记录" in words


def test_delete_clears_as_one_step(qtbot, open_window, store):
    window, view, model = annex2(qtbot, open_window)
    energy = column_of(model, "energy_tce")
    edit(window, ("2024-02", "energy_tce", "5000"), ("2024-03", "energy_tce", "5100"))
    select(view, 1, energy, 2, energy)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert stored(store, "fengjing", "2024-03", "energy_tce") is None
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert stored(store, "fengjing", "2024-02", "energy_tce") == 5000
    assert stored(store, "fengjing", "2024-03", "energy_tce") == 5100


def test_a_note_shows_as_a_corner_mark_with_a_tooltip(qtbot, open_window):
    window, view, model = annex2(qtbot, open_window)
    energy = column_of(model, "energy_tce")
    edit(window, ("2024-02", "energy_tce", "5000", "新生产线试运行"))
    cell = model.index(1, energy)
    assert cell.data(NOTE_ROLE) == "新生产线试运行"
    assert "新生产线试运行" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(2, energy).data(NOTE_ROLE) is None
    view.scrollTo(cell)
    image = view.viewport().grab().toImage()
    rect = view.visualRect(cell)
    corner = image.pixelColor(rect.right() - 1, rect.top() + 1)
    below = view.visualRect(model.index(2, energy))
    plain = image.pixelColor(below.right() - 1, below.top() + 1)
    assert corner.red() > 180 and corner.green() < 100  # the red corner, as in WPS
    assert plain != corner
