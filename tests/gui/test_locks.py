"""In the window: the months a submitted report covers look locked and say why; undo never reaches into
them; the period selector starts at the plan's first cumulative period."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gui import style
from gui.annex2_form import Annex2Form
from model.common.periods import parse_period
from model.entry.figures import Entry, store_entries
from model.reports.signing import new_key
from tests.gui.test_forms import column_of, form_of, stored, type_into
from tests.gui.test_report_actions import PASS, wait_for_worker

MONTHS = {
    "2024-01": (500, 520, 10000, 9800),
    "2024-02": (1000, 1050, 20000, 19500),
    "2024-03": (600, 620, 12000, 11000),
}
FIELDS = ("energy_tce", "energy_tce_last_year", "output_wan_yuan", "output_wan_yuan_last_year")


def fill(store):
    plan = store.plans.get()
    entries = [
        Entry("fengjing", parse_period("2024-01"), f"{t.id}.status", "推进中")
        for t in plan.annex4_rows_for("fengjing")
    ]
    for period, values in MONTHS.items():
        entries += [
            Entry("fengjing", parse_period(period), k, str(v)) for k, v in zip(FIELDS, values, strict=True)
        ]
    store_entries(store, plan, entries, who="t")


@pytest.fixture
def submitted(qtbot, open_window, store, tmp_path, monkeypatch):
    """The clerk typed January's energy, then submitted 1–2月 from the window."""
    fill(store)
    window = open_window("fengjing", "2024-02")
    form = form_of(window, Annex2Form)
    type_into(qtbot, form.view, 0, column_of(form.model, "energy_tce"), "510")
    assert stored(store, "fengjing", "2024-01", "energy_tce") == 510.0
    key = tmp_path / "fengjing.p12"
    key.write_bytes(new_key("fengjing", "金山区枫泾镇人民政府", PASS))
    monkeypatch.setattr("gui.report_actions.offer_to_open", lambda *a: None)
    window.reports.submit_to(str(key), PASS, tmp_path / "out")
    wait_for_worker(qtbot, window)
    assert window.session.state.status == "submitted"
    return window, form


def test_january_looks_locked_after_january_to_february_is_submitted(submitted, store):
    _window, form = submitted
    model, column = form.model, column_of(form.model, "energy_tce")
    january = model.index(0, column)
    assert not model.flags(january) & Qt.ItemFlag.ItemIsEditable
    assert january.data(Qt.ItemDataRole.BackgroundRole) == style.LOCKED_CELL
    assert january.data(Qt.ItemDataRole.ForegroundRole) == style.LOCKED_TEXT
    tip = january.data(Qt.ItemDataRole.ToolTipRole)
    assert "已锁定" in tip and "2024年1–2月" in tip and "报表 → 更正" in tip and "main.py" not in tip
    assert model.index(2, column).data(Qt.ItemDataRole.ForegroundRole) is None  # March stays open


def test_typing_into_a_locked_month_says_why_in_the_status_bar(qtbot, submitted, store):
    window, form = submitted
    view = form.view
    view.setCurrentIndex(form.model.index(0, column_of(form.model, "energy_tce")))
    view.setFocus()
    qtbot.keyClicks(view, "7")
    QApplication.processEvents()
    message = window.statusBar().currentMessage()
    assert "2024年1月" in message and "已锁定" in message and "2024年1–2月" in message
    assert stored(store, "fengjing", "2024-01", "energy_tce") == 510.0


def test_undo_after_a_submit_does_not_reach_into_the_locked_months(qtbot, submitted, store):
    window, form = submitted
    form.view.setFocus()
    qtbot.keyClick(form.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(store, "fengjing", "2024-01", "energy_tce") == 510.0
    stack = window.session.undo_stack
    assert (stack.count(), stack.index()) == (0, 0) and not window.undo_action.isEnabled()


def test_steps_in_open_months_stay_undoable_after_a_submit(qtbot, open_window, store, tmp_path, monkeypatch):
    fill(store)
    window = open_window("fengjing", "2024-03")
    form = form_of(window, Annex2Form)
    column = column_of(form.model, "energy_tce")
    type_into(qtbot, form.view, 0, column, "510")  # January: locked by the submit below
    type_into(qtbot, form.view, 2, column, "610")  # March: stays open
    from model.exchange.submission import submit
    from model.reports.signing import load_key

    key = load_key(new_key("fengjing", "金山区枫泾镇人民政府", PASS), PASS)
    submit(store, window.session.plan, "fengjing", parse_period("2024-02"), key, tmp_path, who="t")
    window.session.reload()
    assert window.session.undo_stack.count() == 1
    window.undo_action.trigger()
    assert stored(store, "fengjing", "2024-03", "energy_tce") == 600.0
    assert stored(store, "fengjing", "2024-01", "energy_tce") == 510.0
    assert not window.undo_action.isEnabled()


def test_an_undo_step_the_store_refuses_is_dropped_with_the_reason(qtbot, open_window, store, tmp_path):
    fill(store)
    window = open_window("fengjing", "2024-02")
    form = form_of(window, Annex2Form)
    type_into(qtbot, form.view, 0, column_of(form.model, "energy_tce"), "510")
    # another copy of the program (the command line) submits meanwhile: this window has not reloaded
    from model.exchange.submission import submit
    from model.reports.signing import load_key

    key = load_key(new_key("fengjing", "金山区枫泾镇人民政府", PASS), PASS)
    submit(store, window.session.plan, "fengjing", parse_period("2024-02"), key, tmp_path, who="t")
    window.undo_action.trigger()
    assert stored(store, "fengjing", "2024-01", "energy_tce") == 510.0
    assert window.session.undo_stack.count() == 0
    assert "第 1 版" in window.statusBar().currentMessage()


def test_paste_into_locked_months_is_refused_cell_by_cell(qtbot, submitted, store):
    window, form = submitted
    window.period_box.setCurrentIndex(window.period_box.findData("2024-03"))
    view, model = form.view, form.model
    view.setCurrentIndex(model.index(1, column_of(model, "energy_tce")))  # February, then March
    questions = []
    view.ask = lambda title, question: questions.append(question) or True
    view.paste("1001\n601\n")
    assert "2024-02 " in questions[0] and "已锁定" in questions[0] and "报表 → 更正" in questions[0]
    assert stored(store, "fengjing", "2024-02", "energy_tce") == 1000.0
    assert stored(store, "fengjing", "2024-03", "energy_tce") == 601.0
    told = []
    view.tell = lambda title, text: told.append(text)
    view.setCurrentIndex(model.index(0, column_of(model, "energy_tce")))
    view.paste("7000\n")
    assert told and "2024-01 " in told[0] and "已锁定" in told[0]
    assert stored(store, "fengjing", "2024-01", "energy_tce") == 510.0


def test_the_period_selector_starts_at_january_to_february(open_window, store):
    window = open_window("fengjing", "2024-01")
    box = window.period_box
    assert [box.itemText(i) for i in (0, box.count() - 1)] == ["2024年1–2月", "2024年1–12月"]
    assert str(window.session.period) == "2024-02" and box.currentText() == "2024年1–2月"
    model = form_of(window, Annex2Form).model
    assert model.flags(model.index(0, column_of(model, "energy_tce"))) & Qt.ItemFlag.ItemIsEditable
