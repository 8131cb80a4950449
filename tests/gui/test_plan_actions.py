"""文件 → 载入计划… / 导出计划…: the window's twins of `init --plan` and `plan-export`; the plan's
targets and electricity basis as the forms show them."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

import main
from gui.annex3_form import Annex3Form
from gui.main_window import MainWindow
from gui.tasks_form import TasksForm
from model.entry.figures import parse_assignments, store_entries
from model.store.database import open_database
from tests.conftest import ROOT
from tests.gui.conftest import file_menu_texts

PLAN_2025 = ROOT / "tests" / "fixtures" / "plan-2025.json"


def wait_for_worker(qtbot, window):
    qtbot.waitUntil(lambda: not window.worker.busy(), timeout=30000)


def main_windows():
    return {w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()}


def test_loading_a_new_years_plan_makes_it_active_and_reopens_the_window_on_it(qtbot, open_window, store):
    window = open_window("fengjing", "2024-07")
    before = main_windows()
    window.plans.load(PLAN_2025)
    wait_for_worker(qtbot, window)
    qtbot.waitUntil(lambda: bool(main_windows() - before), timeout=10000)
    (reopened,) = main_windows() - before
    assert not window.isVisible()
    qtbot.addWidget(reopened)
    try:
        assert reopened.session.plan.id == "jinshan-2025" and reopened.session.period.year == 2025
        assert "已载入计划" in reopened.statusBar().currentMessage()
    finally:
        reopened.store.close()
    with open_database(store.path, write=False) as fresh:  # what `main.py plan` would print now
        assert fresh.plans.get().id == "jinshan-2025"


def test_a_broken_plan_file_is_refused_in_a_dialog_and_changes_nothing(
    qtbot, open_window, store, tmp_path, monkeypatch
):
    broken = tmp_path / "plan.json"
    broken.write_text(PLAN_2025.read_text(encoding="utf-8").replace('"year": 2025', '"year": "明年"'))
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    window = open_window("fengjing", "2024-07")
    before = main_windows()
    window.plans.load(broken)
    wait_for_worker(qtbot, window)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    ((title, text),) = shown
    assert title == "无法载入计划" and str(broken) in text and "year" in text
    assert main_windows() == before and window.isVisible()
    with open_database(store.path, write=False) as fresh:
        assert fresh.plans.get().id == "jinshan-2024"


def test_exporting_the_plan_writes_what_the_command_line_writes(
    qtbot, open_window, store, tmp_path, monkeypatch
):
    monkeypatch.setattr(QMessageBox, "information", lambda *args: None)
    window = open_window("fengjing", "2024-07")
    exported = []
    window.plans.exported.connect(exported.append)
    window.plans.export(tmp_path / "from-window.json")
    wait_for_worker(qtbot, window)
    qtbot.waitUntil(lambda: bool(exported), timeout=10000)
    assert main.main(["--db", str(store.path), "plan-export", "-o", str(tmp_path / "from-cli.json")]) == 0
    written = (tmp_path / "from-window.json").read_bytes()
    assert written == (tmp_path / "from-cli.json").read_bytes()
    assert b'"jinshan-2024"' in written


def test_the_file_menu_offers_both(open_window):
    window = open_window("fengjing", "2024-07")
    texts = file_menu_texts(window)
    assert "载入计划(&L)…" in texts and "导出计划(&E)…" in texts


def test_the_annex3_form_states_the_electricity_basis_and_its_coefficient(open_window, store):
    plan = store.plans.get()
    store_entries(store, plan, parse_assignments(plan, "paihai", "2024-07", ["electricity_kwh=100"]), who="t")
    window = open_window("paihai", "2024-07")
    form = next(f for f in window.forms if isinstance(f, Annex3Form))
    form.refresh()
    assert "电力折标：等价值 0.3 kgce/kWh（假定，待区发改委确认）" in form.summary.text()
    model = form.view.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert any("折标系数 0.3" in str(h) for h in headers)


def test_a_towns_contribution_to_a_district_target_says_so_in_the_warning_column(open_window, store):
    plan = store.plans.get()
    entries = parse_assignments(plan, "fengjing", "2024-07", ["A4-13.value=0.05"])
    store_entries(store, plan, entries, who="t")
    window = open_window("fengjing", "2024-07")
    form = next(f for f in window.forms if isinstance(f, TasksForm) and f.model.annex == 4)
    model = form.model
    row = [r.id for r in model.rows()].index("A4-13")
    warning = model.columns.index(next(c for c in model.columns if c.title == "预警"))
    target = model.columns.index(next(c for c in model.columns if c.title == "量化目标"))
    assert model.data(model.index(row, warning)) == "贡献值·不单独预警"
    assert model.data(model.index(row, target)).startswith("贡献·全区")
