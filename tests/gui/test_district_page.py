"""The district page shows the district view of the period chosen, and follows the period."""

from gui.district_page import summary_rows
from tests.gui.conftest import choose_unit
from tests.model.report_fixtures import BUREAU, KEY_USER, TOWN, fill, view_of_reports


def test_the_page_shows_the_view_of_the_period_and_follows_a_switch(qtbot, store, settings, monkeypatch):
    from gui import app as gui_app

    fill(store)
    views = {p: view_of_reports(store, (TOWN, KEY_USER, BUREAU), period=p) for p in ("2024-06", "2024-07")}
    asked: list[str] = []

    def view_of(_store, period, **_given):  # the page passes the window's plan along
        asked.append(str(period))
        return views[str(period)]

    monkeypatch.setattr("gui.district_page.district_view", view_of)
    choose_unit(store, "drc", "赵敏")
    settings.set_period(store.plans.get().id, "2024-07")
    window = gui_app.create_window(store, settings)
    qtbot.addWidget(window)
    window.show()
    page = window.district
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: not window.worker.busy(), timeout=30000)
    view = views["2024-07"]
    model = page.summary_model
    table = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert table == [[text for text, _colour in row] for row in summary_rows(view)]
    assert f"已报 {len(view.reported)} 个单位，未报 {len(view.not_reported)} 个" in page.heading.text()
    assert page.grid_model.rowCount() == len(view.grid.units)

    window.period_box.setCurrentIndex(window.period_box.findData("2024-06"))
    qtbot.waitUntil(lambda: not window.worker.busy(), timeout=30000)
    assert asked == ["2024-07", "2024-06"]
    assert "2024年1–6月" in page.heading.text() and page.view is views["2024-06"]
