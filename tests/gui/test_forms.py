"""The paths a clerk takes in the forms: type, paste, undo, explain a swing, come back tomorrow."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from gui import style
from gui.annex2_form import Annex2Form, Annex2Model
from gui.annex3_form import Annex3Form, Annex3Model
from gui.session import UnitSession
from gui.tasks_form import RowsModel, TasksForm
from model.common.periods import Period


def stored(store, unit, period, field):
    figure = next(
        (f for f in store.figures.read("jinshan-2024", unit) if (f.period, f.field) == (period, field)), None
    )
    return None if figure is None else (figure.value if figure.text is None else figure.text)


def form_of(window, kind):
    return next(f for f in window.forms if isinstance(f, kind))


def column_of(model, key):
    return next(c for c in range(model.columnCount()) if (a := model.address(0, c)) and a[1].key == key)


def derived_column(model, title_part):
    return next(
        c for c in range(model.columnCount()) if title_part in model.headerData(c, Qt.Orientation.Horizontal)
    )


def type_into(qtbot, view, row, column, text):
    view.setCurrentIndex(view.model().index(row, column))
    view.setFocus()
    qtbot.keyClicks(view, text[0])  # typing starts editing, as in a spreadsheet
    editor = next(e for e in view.findChildren(QLineEdit) if not e.isHidden())
    assert editor.text() == text[0]
    # the editor has the focus now (offscreen, Qt does not move it); Chinese comes from the input method
    editor.insert(text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()  # Qt commits the editor's data in a queued call


@pytest.mark.parametrize("model_class", [Annex2Model, Annex3Model])
def test_month_models_pass_qt_model_tester(qtmodeltester, store, model_class):
    unit = "fengjing" if model_class is Annex2Model else "phcc"
    session = UnitSession(store, unit, Period(2024, 7), "test")
    qtmodeltester.check(model_class(session))


def test_task_model_passes_qt_model_tester(qtmodeltester, store):
    session = UnitSession(store, "greening", Period(2024, 7), "test")
    qtmodeltester.check(RowsModel(session, 1))
    qtmodeltester.check(RowsModel(session, 4))


def test_clerk_types_a_month_and_sees_rate_and_colour(qtbot, open_window, store):
    window = open_window("fengjing", "2024-02")
    form = form_of(window, Annex2Form)
    window.tabs.setCurrentWidget(form)
    model, view = form.model, form.view
    feb = 1
    for key, text in [
        ("energy_tce", "1,000"),
        ("energy_tce_last_year", "1050"),
        ("output_wan_yuan", "20000万元"),
        ("output_wan_yuan_last_year", "19500"),
    ]:
        type_into(qtbot, view, feb, column_of(model, key), text)
    assert stored(store, "fengjing", "2024-02", "energy_tce") == 1000.0  # saved at once
    assert stored(store, "fengjing", "2024-02", "output_wan_yuan") == 20000.0
    rate = model.index(feb, derived_column(model, "累计变化率"))
    assert rate.data() == "−7.14%"
    assert rate.data(Qt.ItemDataRole.BackgroundRole) == style.COLOUR_BACKGROUND["green"]
    # a worse March turns the colour red
    view.setCurrentIndex(model.index(2, 0))
    window.period_box.setCurrentIndex(window.period_box.findData("2024-03"))
    for key, text in [
        ("energy_tce", "2000"),
        ("energy_tce_last_year", "1000"),
        ("output_wan_yuan", "20000"),
        ("output_wan_yuan_last_year", "20000"),
    ]:
        type_into(qtbot, view, 2, column_of(model, key), text)
    march = model.index(2, derived_column(model, "预警"))
    assert march.data() == "红·未达标"
    assert "红·未达标" in form.summary.text()


def test_refused_text_is_kept_red_with_the_reason_and_not_saved(qtbot, open_window, store):
    window = open_window("fengjing", "2024-03")
    form = form_of(window, Annex2Form)
    column = column_of(form.model, "energy_tce")
    type_into(qtbot, form.view, 2, column, "-12")
    cell = form.model.index(2, column)
    assert cell.data() == "-12"
    assert cell.data(Qt.ItemDataRole.BackgroundRole) == style.ERROR_CELL
    assert "不能为负数" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert stored(store, "fengjing", "2024-03", "energy_tce") is None
    texts = [window.checks.list.item(i).text() for i in range(window.checks.list.count())]
    assert any("不能为负数" in t for t in texts)
    type_into(qtbot, form.view, 2, column, "12")
    assert stored(store, "fengjing", "2024-03", "energy_tce") == 12.0
    assert cell.data(Qt.ItemDataRole.BackgroundRole) != style.ERROR_CELL


def test_paste_block_with_good_and_bad_cells(qtbot, open_window, store):
    window = open_window("fengjing", "2024-04")
    form = form_of(window, Annex2Form)
    view, model = form.view, form.model
    view.setCurrentIndex(model.index(1, column_of(model, "energy_tce")))  # February, first input column
    block = "1,200 吨\t1100\t20000\t19000\r\nabc\t1150\t21000\t20500\r\n1300\t1250\t２２０００\t21000%\r\n"
    questions = []
    view.ask = lambda title, question: questions.append(question) or False
    view.paste(block)
    assert questions and "2 个单元格无法接受" in questions[0]
    assert stored(store, "fengjing", "2024-02", "energy_tce") is None  # declined: nothing pasted
    view.ask = lambda title, question: True
    view.paste(block)
    assert stored(store, "fengjing", "2024-02", "energy_tce") == 1200.0
    assert stored(store, "fengjing", "2024-04", "output_wan_yuan") == 22000.0
    assert stored(store, "fengjing", "2024-03", "energy_tce") is None  # "abc" refused
    assert stored(store, "fengjing", "2024-04", "output_wan_yuan_last_year") is None  # "21000%" refused
    # the whole paste is one undo step
    window.undo_action.trigger()
    assert stored(store, "fengjing", "2024-02", "energy_tce") is None
    assert stored(store, "fengjing", "2024-04", "output_wan_yuan") is None
    window.redo_action.trigger()
    assert stored(store, "fengjing", "2024-02", "energy_tce") == 1200.0


def test_paste_from_the_clipboard_with_ctrl_v(qtbot, open_window, store):
    window = open_window("phcc", "2024-03")
    form = form_of(window, Annex3Form)
    form.view.setCurrentIndex(form.model.index(0, column_of(form.model, "electricity_kwh")))
    QApplication.clipboard().setText("5,600,000\t5,700,000\n5,500,000\t5,650,000\n")
    form.view.setFocus()
    qtbot.keySequence(form.view, "Ctrl+V") if hasattr(qtbot, "keySequence") else None
    qtbot.keyClick(form.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert stored(store, "phcc", "2024-02", "electricity_kwh_last_year") == 5650000.0
    assert "本年累计" in form.summary.text()


def test_undo_and_redo_with_the_keyboard(qtbot, open_window, store):
    window = open_window("fengjing", "2024-03")
    form = form_of(window, Annex2Form)
    column = column_of(form.model, "energy_tce")
    type_into(qtbot, form.view, 2, column, "500")
    type_into(qtbot, form.view, 2, column, "700")
    form.view.setFocus()
    qtbot.keyClick(form.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(store, "fengjing", "2024-03", "energy_tce") == 500.0
    qtbot.keyClick(form.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert stored(store, "fengjing", "2024-03", "energy_tce") == 700.0


def test_a_swing_needs_a_reason_written_in_the_checks_list(qtbot, open_window, store, monkeypatch):
    window = open_window("fengjing", "2024-03")
    form = form_of(window, Annex2Form)
    type_into(qtbot, form.view, 2, column_of(form.model, "energy_tce_last_year"), "400")
    type_into(qtbot, form.view, 2, column_of(form.model, "energy_tce"), "600")
    panel = window.checks
    items = [panel.list.item(i) for i in range(panel.list.count())]
    warning = next(i for i in items if "需说明" in i.text() and "+50.0%" in i.text())
    cell = form.model.index(2, column_of(form.model, "energy_tce"))
    assert cell.data(Qt.ItemDataRole.BackgroundRole) == style.WARNING_CELL
    window.tabs.setCurrentIndex(0)
    panel.list.setCurrentItem(warning)
    panel._activated(warning)  # jump to the cell
    assert window.tabs.currentWidget() is form and form.view.currentIndex() == cell
    monkeypatch.setattr(
        "gui.checks_panel.QInputDialog.getMultiLineText", lambda *args: ("新增一条生产线于3月投产", True)
    )
    panel.list.setCurrentItem(warning)
    panel.reason_button.click()
    (problem,) = [p for p in window.session.problems if p.field == "energy_tce" and p.severity == "warning"]
    assert problem.reason == "新增一条生产线于3月投产" and not problem.blocking
    assert cell.data(Qt.ItemDataRole.BackgroundRole) == style.EXPLAINED_CELL


def test_everything_is_there_after_a_restart(qtbot, open_window, store, settings):
    window = open_window("fengjing", "2024-03")
    form = form_of(window, Annex2Form)
    type_into(qtbot, form.view, 2, column_of(form.model, "output_wan_yuan"), "33,000")
    window.close()
    from model.store.database import open_database

    path = store.path
    store.close()
    with open_database(path, write=True, create=True) as again:
        from gui import app as gui_app

        reopened = gui_app.create_window(again, settings)
        qtbot.addWidget(reopened)
        assert reopened.session.period == Period(2024, 3)  # the period chosen last time
        model = form_of(reopened, Annex2Form).model
        assert model.index(2, column_of(model, "output_wan_yuan")).data() == "33,000"


def test_tasks_form_status_progress_and_carry_forward(qtbot, open_window, store):
    window = open_window("greening", "2024-06")
    form = next(f for f in window.forms if isinstance(f, TasksForm) and f.model.annex == 1)
    model = form.model
    green_land = next(r for r in range(model.rowCount()) if model.rows()[r].id == "A1-12")
    type_into(
        qtbot,
        form.view,
        green_land,
        next(c for c in range(model.columnCount()) if model.columns[c].suffix == "value"),
        "21.5",
    )
    assert stored(store, "greening", "2024-06", "A1-12.value") == 21.5
    colour = model.index(green_land, model.columnCount() - 1)
    assert colour.data() == "绿·达标"  # 53.75 % of 40 ha with half the year gone
    window.period_box.setCurrentIndex(
        window.period_box.findData("2024-07")
    )  # July: June's value carries forward
    value = model.index(
        green_land, next(c for c in range(model.columnCount()) if model.columns[c].suffix == "value")
    )
    assert value.data() == "21.50（6月）"


def test_task_status_is_chosen_from_the_list(qtbot, open_window, store):
    window = open_window("fengjing", "2024-06")
    form = next(f for f in window.forms if isinstance(f, TasksForm))
    model = form.model
    status_col = next(c for c in range(model.columnCount()) if model.columns[c].suffix == "status")
    assert model.setData(model.index(0, status_col), "推进中")
    assert stored(store, "fengjing", "2024-06", "A4-12.status") == "推进中"
    model.setData(model.index(0, status_col), "差不多")  # kept red in the cell with the reason, not saved
    assert stored(store, "fengjing", "2024-06", "A4-12.status") == "推进中"
    assert "只能填" in model.index(0, status_col).data(Qt.ItemDataRole.ToolTipRole)


def test_months_after_the_period_are_locked(open_window):
    window = open_window("fengjing", "2024-03")
    model = form_of(window, Annex2Form).model
    assert model.flags(model.index(2, 0)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(3, 0)) & Qt.ItemFlag.ItemIsEditable


def test_evidence_files_are_attached_to_the_current_task(qtbot, open_window, store, tmp_path, monkeypatch):
    window = open_window("fengjing", "2024-06")
    form = next(f for f in window.forms if isinstance(f, TasksForm) and f.model.annex == 4)
    photo = tmp_path / "光伏验收.jpg"
    photo.write_bytes(b"\xff\xd8 jpeg")
    monkeypatch.setattr("gui.evidence_dialog.QFileDialog.getOpenFileNames", lambda *a: ([str(photo)], ""))
    monkeypatch.setattr("gui.evidence_dialog.EvidenceDialog.exec", lambda self: self.add() or 0)
    form.view.setCurrentIndex(form.model.index(0, 0))
    form.open_evidence()
    (item,) = store.evidence.list("jinshan-2024", "fengjing")
    assert item.row_id == form.model.rows()[0].id and item.file_name == "光伏验收.jpg"
    column = next(c for c in range(form.model.columnCount()) if form.model.columns[c].title == "证明材料")
    assert form.model.index(0, column).data() == "1 个文件"


def test_a_cells_history_shows_who_changed_what(qtbot, open_window, store, monkeypatch):
    from gui.grid import CellHistoryDialog

    window = open_window("fengjing", "2024-03")
    form = form_of(window, Annex2Form)
    column = column_of(form.model, "energy_tce")
    type_into(qtbot, form.view, 2, column, "500")
    type_into(qtbot, form.view, 2, column, "650")
    shown = []
    monkeypatch.setattr(CellHistoryDialog, "exec", lambda self: shown.append(self) or 0)
    form.view.show_history(form.model.index(2, column))
    table = shown[0].table
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert [r[1:] for r in rows] == [["王芳", "", "500"], ["王芳", "500", "650"]]


def test_a_missing_month_shows_incomplete_and_no_colour(qtbot, open_window, store):
    window = open_window("fengjing", "2024-04")
    form = form_of(window, Annex2Form)
    window.tabs.setCurrentWidget(form)
    model, view = form.model, form.view
    for row in (1, 3):  # February and April; March left empty
        for key, text in [
            ("energy_tce", "1000"),
            ("energy_tce_last_year", "1050"),
            ("output_wan_yuan", "20000"),
            ("output_wan_yuan_last_year", "19500"),
        ]:
            type_into(qtbot, view, row, column_of(model, key), text)
    colour = derived_column(model, "预警")
    assert model.index(1, colour).data() == "绿·达标"  # 1–2月 is complete
    assert model.index(3, colour).data() == "数据不全"
    assert model.index(3, derived_column(model, "累计变化率")).data() == "—"
    assert "数据不全" in form.summary.text() and "绿·达标" not in form.summary.text()
    march = model.index(2, column_of(model, "energy_tce"))
    assert march.data(Qt.ItemDataRole.BackgroundRole) == style.ERROR_CELL
    assert "3月" in march.data(Qt.ItemDataRole.ToolTipRole)
