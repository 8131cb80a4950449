"""计算过程 in the window: F2 on a derived cell shows the same explanation as `main.py explain`, with the
input cells selected; the annex-3 grid shows carbon as a column group and the home page the allowance."""

from PySide6.QtCore import Qt

from gui.annex3_form import Annex3Form
from model.calc.explain import explain, explain_text
from model.entry.figures import store_entries
from tests.unit_world import plant_entries


def _plant(store):
    entries = plant_entries()
    store_entries(store, store.plans.get(), entries, who="t")


def _form(window):
    return next(
        window.tabs.widget(i)
        for i in range(window.tabs.count())
        if isinstance(window.tabs.widget(i), Annex3Form)
    )


def test_f2_on_a_derived_cell_explains_it_and_selects_its_inputs(qtbot, open_window, store):
    _plant(store)
    window = open_window("paihai", "2024-03")
    form = _form(window)
    model, view = form.model, form.view
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    co2_column = next(c for c, t in enumerate(titles) if t.startswith("本年累计碳排放"))
    assert model.data(model.index(2, co2_column)) == "2,520.00"  # 6e6 kWh × 4.2 tCO₂/万kWh
    view.setCurrentIndex(model.index(2, co2_column))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    dialog = view.explain_dialog
    expected = explain(form.session.report, "ytd_co2_t")
    assert dialog.text.toPlainText() == explain_text(expected)
    selected = {
        (model.period_of(i.row()), model.address(i.row(), i.column())[1].key) for i in view.selectedIndexes()
    }
    assert selected == {(f"2024-0{m}", "electricity_kwh") for m in (1, 2, 3)}
    dialog.close()


def test_home_and_form_header_show_the_allowance(open_window, store):
    _plant(store)
    window = open_window("paihai", "2024-03")
    home = window.tabs.widget(0)
    card = next(c for c in home.cards if c.title == "剩余用能空间")
    assert card.colour == "green"
    text = _form(window).summary.text()
    assert "剩余用能空间 6,345.60 吨标准煤，余 9 个月，月均 705.07 吨标准煤" in text
    assert "2,520.00" in text
