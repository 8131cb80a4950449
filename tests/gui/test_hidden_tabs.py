"""Task rows and the home page keep up with edits without redoing what the clerk cannot see."""

from gui.annex2_form import Annex2Form
from gui.session import CellChange
from gui.tasks_form import TasksForm


def form_of(window, kind):
    return next(f for f in window.forms if isinstance(f, kind))


def test_home_shows_what_was_entered_on_another_tab(open_window):
    window = open_window("fengjing", "2024-02")
    assert window.home.cards[0].colour is None
    window.tabs.setCurrentWidget(form_of(window, Annex2Form))
    figures = {
        "energy_tce": "1000",
        "energy_tce_last_year": "1050",
        "output_wan_yuan": "20000",
        "output_wan_yuan_last_year": "19500",
    }
    window.session.edit([CellChange("2024-02", k, v) for k, v in figures.items()], "四项")
    window.tabs.setCurrentWidget(window.home)
    assert window.home.cards[0].colour == "green"


def test_task_rows_fit_a_long_narrative_entered_while_hidden(open_window):
    window = open_window("fengjing", "2024-07")
    tasks = form_of(window, TasksForm)
    first = tasks.model.rows()[0].id
    before = tasks.view.rowHeight(0)
    window.session.edit([CellChange("2024-07", f"{first}.narrative", "按计划推进，" * 60)], "说明")
    window.tabs.setCurrentWidget(tasks)
    assert tasks.view.rowHeight(0) > before


def test_only_the_changed_task_row_is_fitted_again(open_window):
    window = open_window("fengjing", "2024-07")
    tasks = form_of(window, TasksForm)
    window.tabs.setCurrentWidget(tasks)
    rows = tasks.model.rows()
    heights = [tasks.view.rowHeight(r) for r in range(len(rows))]
    window.session.edit([CellChange("2024-07", f"{rows[1].id}.narrative", "按计划推进，" * 60)], "说明")
    assert tasks.view.rowHeight(1) > heights[1]
    assert [tasks.view.rowHeight(r) for r in range(len(rows)) if r != 1] == heights[:1] + heights[2:]


def test_district_page_follows_the_period_chosen_on_another_tab(qtbot, open_window):
    window = open_window("drc", "2024-07")
    page = window.district

    def shown(label):
        qtbot.waitUntil(lambda: not window.worker.busy(), timeout=30000)
        assert f"{label}</b>：已报" in page.heading.text()

    window.tabs.setCurrentWidget(page)
    shown("2024年1–7月")
    window.tabs.setCurrentWidget(window.home)
    window.period_box.setCurrentIndex(window.period_box.findData("2024-06"))
    assert not window.worker.busy()  # nothing is computed for a page nobody sees
    window.tabs.setCurrentWidget(page)
    shown("2024年1–6月")
    assert page.grid_model.columnCount() == 5  # February to June


def test_district_page_fills_in_off_the_gui_thread(qtbot, open_window):
    window = open_window("drc", "2024-07")
    page = window.district
    window.tabs.setCurrentWidget(page)
    assert "正在汇总" in page.heading.text()
    qtbot.waitUntil(lambda: not window.worker.busy(), timeout=30000)
    assert "已报" in page.heading.text() and page.summary_model.rowCount() > 0
