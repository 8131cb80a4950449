"""计算过程 on every surface of the window shows exactly what `main.py explain` prints for that figure:
the home page's cards (F2, Enter, the context menu), the derived cells of annex 1 and annex 4 (with the
input cells selected), the district summary's totals and the figures the district computes."""

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent

import main
from gui.tasks_form import TasksForm
from model.common import i18n
from model.entry.figures import parse_assignments, store_entries
from tests.unit_world import plant_entries


def cli_explain(capsys, db, *args):
    """What the command line prints (in the command line's words) for `explain ARGS`."""
    capsys.readouterr()
    i18n.set_audience(i18n.CLI)
    try:
        code = main.main(["--db", str(db), "explain", *args])
    finally:
        i18n.set_audience(i18n.WINDOW)
    out, err = capsys.readouterr()
    assert code == 0, err
    return out.rstrip("\n")


def enter(store, unit, period, *assignments):
    plan = store.plans.get()
    store_entries(store, plan, parse_assignments(plan, unit, period, list(assignments), None), who="t")


def card(window, title):
    return next(c for c in window.tabs.widget(0).cards if c.title.startswith(title))


def menu_of(widget):
    """The context menu a keyboard user opens (menu key / Shift+F10) on `widget`: its actions by text."""
    shown = {}
    widget.show_menu = lambda menu, _where: shown.update({a.text(): a for a in menu.actions()})
    widget.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(0, 0), QPoint(0, 0)))
    return shown


def test_home_cards_explain_their_figures_by_f2_enter_and_menu(qtbot, capsys, open_window, store):
    store_entries(store, store.plans.get(), plant_entries(), who="t")
    window = open_window("paihai", "2024-03")
    home = window.tabs.widget(0)
    db = store.path

    allowance = card(window, "剩余用能空间")
    assert allowance.focusPolicy() & Qt.FocusPolicy.TabFocus  # reached with Tab
    qtbot.keyClick(allowance, Qt.Key.Key_F2)
    expected = cli_explain(capsys, db, "--unit", "paihai", "--period", "2024-03", "remaining_allowance_tce")
    assert home.explain_dialog.text.toPlainText() == expected
    assert "R = min(总量目标 − ΣE, 强度目标 × D全年 − ΣE)" in expected
    home.explain_dialog.close()

    qtbot.keyClick(card(window, "能耗总量"), Qt.Key.Key_Return)
    expected = cli_explain(capsys, db, "--unit", "paihai", "--period", "2024-03", "annex3.projected_tce")
    assert home.explain_dialog.text.toPlainText() == expected
    home.explain_dialog.close()

    actions = menu_of(card(window, "碳排放"))
    assert list(actions) == [
        "计算过程：本年累计碳排放…",
        "计算过程：上年同期碳排放…",
        "计算过程：碳排放同比…",
        "计算过程：碳强度…",
    ]
    actions["计算过程：碳排放同比…"].trigger()
    expected = cli_explain(capsys, db, "--unit", "paihai", "--period", "2024-03", "co2_change_pct")
    assert home.explain_dialog.text.toPlainText() == expected
    home.explain_dialog.close()


def rows_form(window, annex):
    return next(
        window.tabs.widget(i)
        for i in range(window.tabs.count())
        if isinstance(window.tabs.widget(i), TasksForm) and window.tabs.widget(i).model.annex == annex
    )


def cell(form, row_id, title):
    model = form.model
    row = [r.id for r in model.rows()].index(row_id)
    column = [c.title for c in model.columns].index(title)
    return model.index(row, column)


def selected(form):
    return {
        (form.model.rows()[i.row()].id, form.model.columns[i.column()].title)
        for i in form.view.selectedIndexes()
    }


def test_an_annex1_row_explains_its_share_and_warning_with_the_value_selected(
    qtbot, capsys, open_window, store
):
    enter(store, "greening", "2024-06", "A1-12.value=18")
    window = open_window("greening", "2024-07")
    form = rows_form(window, 1)
    form.view.setCurrentIndex(cell(form, "A1-12", "完成目标比例"))
    qtbot.keyClick(form.view, Qt.Key.Key_F2)
    args = ("--unit", "greening", "--period", "2024-07")
    expected = cli_explain(capsys, store.path, *args, "annex1.A1-12.share_of_target_pct")
    assert form.view.explain_dialog.text.toPlainText() == expected
    assert "2024-06  A1-12 本年累计完成  18 公顷" in expected  # June's value carries into July
    assert selected(form) == {("A1-12", "本年累计完成")}
    form.view.explain_dialog.close()

    form.view.setCurrentIndex(cell(form, "A1-12", "预警"))
    qtbot.keyClick(form.view, Qt.Key.Key_F2)
    expected = cli_explain(capsys, store.path, *args, "annex1.A1-12.colour")
    assert form.view.explain_dialog.text.toPlainText() == expected
    form.view.explain_dialog.close()


def test_an_annex4_row_explains_its_warning_from_the_menu_with_its_inputs_selected(
    qtbot, capsys, open_window, store
):
    enter(store, "greening", "2024-03", "A4-07.status=推进中", "A4-07.progress_pct=20")
    window = open_window("greening", "2024-07")
    form = rows_form(window, 4)
    index = cell(form, "A4-07", "预警")
    form.view.setCurrentIndex(index)
    menu_of(form.view)["计算过程(&E)…"].trigger()
    expected = cli_explain(
        capsys, store.path, "--unit", "greening", "--period", "2024-07", "annex4.A4-07.colour"
    )
    assert form.view.explain_dialog.text.toPlainText() == expected
    assert "2024-03  A4-07 完成进度  20 %" in expected
    assert selected(form) == {("A4-07", "进展状态"), ("A4-07", "完成进度\n（%）")}
    form.view.explain_dialog.close()


def test_district_totals_and_computed_figures_explain_who_is_in_and_who_is_out(
    qtbot, capsys, open_window, store
):
    enter(store, "drc", "2024-06", "A4-13.status=推进中", "A4-13.value=0.6")
    window = open_window("drc", "2024-06")
    page = window.district
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: not window.worker.busy() and page.view is not None, timeout=30000)
    figures = [page.computed.item(i).data(Qt.ItemDataRole.UserRole) for i in range(page.computed.count())]
    assert {"annex1.A1-02.value", "annex4.A4-13.value", "annex4.A4-23.value"} <= set(figures)

    a4_13 = page.computed.item(figures.index("annex4.A4-13.value")).text()
    assert a4_13.startswith("A4-13 本期 0.60（目标 全区≥1.7亿度）：")  # in 亿度, not a percentage
    page.computed.setCurrentRow(figures.index("annex4.A4-13.value"))
    qtbot.keyClick(page.computed, Qt.Key.Key_F2)
    expected = cli_explain(capsys, store.path, "--period", "2024-06", "annex4.A4-13.value")
    assert page.explain_dialog.text.toPlainText() == expected
    assert "2024-06  区发改委  0.6" in expected and "没有数值：枫泾镇：未报" in expected
    assert "计划附件4  全区目标  全区≥1.7亿度" in expected
    page.explain_dialog.close()

    page.computed.setCurrentRow(figures.index("annex4.A4-23.value"))
    qtbot.keyClick(page.computed, Qt.Key.Key_Return)
    expected = cli_explain(capsys, store.path, "--period", "2024-06", "annex4.A4-23.value")
    assert page.explain_dialog.text.toPlainText() == expected
    page.explain_dialog.close()

    last = page.summary_model.rowCount() - 1
    page.summary_table.setCurrentIndex(page.summary_model.index(last, 9))  # 上年同期产值 of the total row
    qtbot.keyClick(page.summary_table, Qt.Key.Key_F2)
    expected = cli_explain(
        capsys, store.path, "--period", "2024-06", "annex2_total.output_wan_yuan_last_year"
    )
    assert page.explain_dialog.text.toPlainText() == expected
    assert "未计入：枫泾镇：未报（区里没有本期报表包）" in expected
    page.explain_dialog.close()


def test_a_figure_of_the_form_header_links_to_its_explanation(qtbot, capsys, open_window, store):
    from gui.annex3_form import Annex3Form

    store_entries(store, store.plans.get(), plant_entries(), who="t")
    window = open_window("paihai", "2024-03")
    form = next(
        window.tabs.widget(i)
        for i in range(window.tabs.count())
        if isinstance(window.tabs.widget(i), Annex3Form)
    )
    assert "<a href='ytd_co2_t'>2,520.00</a>" in form.summary.text()  # 6e6 kWh × 4.2 tCO₂/万kWh
    assert form.summary.textInteractionFlags() & Qt.TextInteractionFlag.LinksAccessibleByKeyboard
    form.summary.linkActivated.emit("ytd_co2_t")  # a click, or Tab to the link and Enter
    expected = cli_explain(capsys, store.path, "--unit", "paihai", "--period", "2024-03", "ytd_co2_t")
    assert form.explain_dialog.text.toPlainText() == expected
    model = form.model
    chosen = {
        (model.period_of(i.row()), model.address(i.row(), i.column())[1].key)
        for i in form.view.selectedIndexes()
    }
    assert chosen == {(f"2024-0{m}", "electricity_kwh") for m in (1, 2, 3)}
    form.explain_dialog.close()


def test_the_form_headers_say_their_figures_can_be_clicked_or_reached_by_tab(open_window, store):
    """The header's figures are links: its hint names a click and Tab + Enter, not only F2 in the grid."""
    from gui.annex2_form import Annex2Form
    from gui.annex3_form import Annex3Form

    store_entries(store, store.plans.get(), plant_entries(), who="t")
    for unit, form_class in (("paihai", Annex3Form), ("fengjing", Annex2Form)):
        window = open_window(unit, "2024-03")
        form = next(
            window.tabs.widget(i)
            for i in range(window.tabs.count())
            if isinstance(window.tabs.widget(i), form_class)
        )
        hint = form.summary.text()
        assert "点击" in hint and "Tab" in hint and "F2" in hint, unit
