"""Annex 2's optional carrier breakdown in the window: a folded column group, typed like any figure,
with the carbon beside it and on its own axis in the chart."""

from PySide6.QtCore import Qt

from gui.annex2_form import Annex2Form
from tests.gui.test_forms import column_of, derived_column, form_of, stored, type_into


def test_the_breakdown_is_folded_away_until_the_clerk_opens_it(qtbot, open_window, store):
    window = open_window("fengjing", "2024-02")
    form = form_of(window, Annex2Form)
    window.tabs.setCurrentWidget(form)
    model, view = form.model, form.view
    electricity = column_of(model, "industry_electricity_kwh")
    assert view.isColumnHidden(electricity) and not form.breakdown.isChecked()
    assert not view.isColumnHidden(column_of(model, "energy_tce"))
    form.breakdown.setChecked(True)
    assert not view.isColumnHidden(electricity)
    # the header names the emission factor the carrier is multiplied by (4.2 tCO₂/万kWh)
    assert "排放因子 0.00042" in model.headerData(electricity, Qt.Orientation.Horizontal)


def _opened(open_window):
    """February's annex-2 form with the breakdown opened."""
    window = open_window("fengjing", "2024-02")
    form = form_of(window, Annex2Form)
    window.tabs.setCurrentWidget(form)
    form.breakdown.setChecked(True)
    return form, form.model, form.view


def test_clerk_types_carriers_and_sees_the_carbon(qtbot, open_window, store):
    form, model, view = _opened(open_window)
    for month in (0, 1):
        type_into(qtbot, view, month, column_of(model, "industry_electricity_kwh"), "1000000")
        type_into(qtbot, view, month, column_of(model, "industry_electricity_kwh_last_year"), "900000")
    assert stored(store, "fengjing", "2024-02", "industry_electricity_kwh") == 1_000_000.0
    # a month: 1 000 000 kWh × 0.00042 = 420 tCO₂; to February 840
    month_column = derived_column(model, "当月碳排放")
    ytd_column = derived_column(model, "本年累计碳排放")
    assert model.data(model.index(1, month_column)) == "420.00"
    assert model.data(model.index(1, ytd_column)) == "840.00"
    assert "840.00" in form.summary.text()
    carbon = [s for s in form.chart.series if s.right]
    assert len(carbon) == 1 and carbon[0].points[-1] == (2, 840.0)
    assert form.chart.right_axis() is not None and form.chart.right_axis().high >= 840
    # the rate axis is not stretched to tCO₂
    assert form.chart.axis().high < 100


def test_a_month_missing_says_incomplete_for_carbon_only(qtbot, open_window, store):
    form, model, view = _opened(open_window)
    type_into(qtbot, view, 1, column_of(model, "industry_electricity_kwh"), "1000000")
    type_into(qtbot, view, 1, column_of(model, "industry_electricity_kwh_last_year"), "900000")
    type_into(qtbot, view, 0, column_of(model, "industry_electricity_kwh"), "1000000")  # last year's missing
    assert "数据不全" in form.summary.text()
    assert model.data(model.index(1, derived_column(model, "本年累计碳排放"))) == "—"
