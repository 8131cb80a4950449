"""A saved cell is announced as that cell and a new report; nothing else is redrawn or read again."""

import pytest

from gui.annex2_form import Annex2Form
from gui.session import CellChange
from model.common.periods import parse_period

SIGNALS = (
    "cells_changed",
    "report_changed",
    "state_changed",
    "evidence_changed",
    "received_changed",
    "profile_changed",
    "period_changed",
    "plan_changed",
)
READS = (
    ("figures", "read"),
    ("submissions", "all"),
    ("evidence", "list"),
    ("plans", "get"),
    ("plans", "coefficients"),
)


@pytest.fixture
def heard(open_window):
    """The window of fengjing at 2024-07 and every session signal it emits, with its arguments."""
    window = open_window("fengjing", "2024-07")
    log: list[tuple[str, tuple]] = []
    for name in SIGNALS:
        getattr(window.session.events, name).connect(lambda *args, name=name: log.append((name, args)))
    return window, log


@pytest.fixture
def reads(monkeypatch, store):
    """How often the store is asked for figures, submissions, evidence or the plan."""
    calls: list[str] = []
    for repo, method in READS:
        target = getattr(store, repo)
        real = getattr(target, method)

        def spy(*args, real=real, name=f"{repo}.{method}", **kwargs):
            calls.append(name)
            return real(*args, **kwargs)

        monkeypatch.setattr(target, method, spy)
    return calls


def test_a_cell_save_announces_the_cell_and_the_report_without_reading_the_store(heard, reads):
    window, log = heard
    window.session.edit([CellChange("2024-03", "energy_tce", "1234.5")], "能耗")
    assert log == [("cells_changed", (frozenset({("2024-03", "energy_tce")}),)), ("report_changed", ())]
    assert reads == []
    assert window.session.figure("2024-03", "energy_tce").value == 1234.5
    assert window.session.store.figures.read("jinshan-2024", "fengjing")  # and it is stored


def test_the_grid_repaints_the_saved_cell_and_derived_cells_not_the_whole_table(heard, qtbot):
    window, _log = heard
    model = next(f for f in window.forms if isinstance(f, Annex2Form)).model
    painted: list[tuple[int, int, int, int, list]] = []
    model.dataChanged.connect(
        lambda a, b, roles=(): painted.append((a.row(), a.column(), b.row(), b.column(), list(roles)))
    )
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    window.session.edit([CellChange("2024-03", "energy_tce", "1234.5")], "能耗")
    where = next(
        (r, c)
        for r in range(model.rowCount())
        for c in range(model.columnCount())
        if (a := model.address(r, c)) and a[0] == "2024-03" and a[1].key == "energy_tce"
    )
    repainted = {
        (r, c)
        for top, left, bottom, right, roles in painted
        if not roles
        for r in range(top, bottom + 1)
        for c in range(left, right + 1)
    }
    stored = {(r, c) for r, c in repainted if model.address(r, c) is not None}
    assert stored == {where}  # other stored cells repaint only their colour and tooltip
    assert len(repainted) < model.rowCount() * model.columnCount()
    assert resets == []


def test_an_undo_is_announced_like_an_edit(heard, reads):
    window, log = heard
    window.session.edit([CellChange("2024-03", "energy_tce", "1234.5")], "能耗")
    log.clear()
    window.session.undo_stack.undo()
    assert [name for name, _ in log] == ["cells_changed", "report_changed"]
    assert reads == []
    assert window.session.figure("2024-03", "energy_tce") is None


def test_refused_text_announces_only_its_cell(heard, reads):
    window, log = heard
    window.session.edit([CellChange("2024-03", "energy_tce", "abc")], "能耗")
    assert log == [("cells_changed", (frozenset({("2024-03", "energy_tce")}),))]
    assert reads == []


def test_a_period_switch_computes_from_the_figures_held(heard, reads):
    window, log = heard
    window.session.edit([CellChange("2024-03", "energy_tce", "1234.5")], "能耗")
    log.clear()
    window.session.set_period(parse_period("2024-03"))
    assert [name for name, _ in log] == ["period_changed", "state_changed", "report_changed"]
    assert "figures.read" not in reads
    assert window.session.report.period == parse_period("2024-03")


def test_a_period_switch_repaints_each_grid_once(heard):
    window, _log = heard
    model = next(f for f in window.forms if isinstance(f, Annex2Form)).model
    whole = []
    model.dataChanged.connect(
        lambda a, b, roles=(): (
            whole.append(1)
            if (a.row(), a.column(), b.row(), b.column())
            == (0, 0, model.rowCount() - 1, model.columnCount() - 1)
            else None
        )
    )
    window.period_box.setCurrentIndex(window.period_box.findData("2024-06"))
    assert whole == [1]  # not once for the period and again for its state
    assert model.editable_row(5) and not model.editable_row(6)


def test_a_pasted_block_is_repainted_a_column_at_a_time(heard):
    window, _log = heard
    form = next(f for f in window.forms if isinstance(f, Annex2Form))
    window.tabs.setCurrentWidget(form)
    model, view = form.model, form.view
    painted = []
    model.dataChanged.connect(lambda a, b, roles=(): painted.append((a.column(), b.column(), list(roles))))
    view.setCurrentIndex(model.index(0, 0))
    view.paste("1000\t1010\n1100\t1110\n1200\t1210\n")
    stored = [(left, right) for left, right, roles in painted if not roles and left in (0, 1)]
    assert stored == [(0, 0), (1, 1)]  # one signal per column of the block, not one per cell
    assert model.index(2, 1).data() == "1,210"


def test_a_save_that_changes_no_check_keeps_the_place_in_the_checks_list(open_window):
    window = open_window("fengjing", "2024-07")
    checks = window.checks.list
    assert checks.count() > 1  # months 1–7 of annex 2 are missing
    checks.setCurrentRow(1)
    task = window.session.plan.annex4_rows_for("fengjing")[0].id
    window.session.edit([CellChange("2024-07", f"{task}.narrative", "按计划推进")], "说明")
    assert checks.currentRow() == 1


def test_the_form_summary_takes_the_lines_its_text_needs(open_window):
    window = open_window("fengjing", "2024-07")
    form = next(f for f in window.forms if isinstance(f, Annex2Form))
    window.tabs.setCurrentWidget(form)
    window.resize(1600, 800)
    wide = form.summary.height()
    window.resize(700, 800)
    narrow = form.summary.height()
    assert narrow > wide
