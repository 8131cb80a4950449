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
