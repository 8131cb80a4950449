"""Start-up pays only for the first screen: the other tabs are built when first opened, and the
libraries of export, signing and import load when first used."""

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QApplication, QTabWidget

from gui import app as gui_app
from gui.lazy import TabSlot
from gui.tasks_form import TasksForm
from model.store.database import open_database
from tests.conftest import ROOT
from tests.gui.conftest import choose_unit
from tests.gui.test_window_keys import activate

# The window as `python main.py --db FILE` opens it, quitting where the event loop would start.
OPEN_AND_LIST_MODULES = """
import json, sys
from PySide6.QtWidgets import QApplication
QApplication.exec = lambda self: 0
from cli import main
code = main(["--db", sys.argv[1]])
print(json.dumps([code, sorted(sys.modules)]))
"""
HEAVY = {"reportlab", "pyhanko", "openpyxl", "cryptography", "zxingcpp", "PIL"}
LATER_TABS = {"gui.annex2_form", "gui.annex3_form", "gui.tasks_form", "gui.district_page", "gui.grid"}


@pytest.mark.parametrize("unit", ["fengjing", "drc"])  # a town with annex 2 and tasks; the district office
def test_the_first_screen_loads_no_export_signing_or_later_tab(tmp_path, unit):
    db = tmp_path / "w.sqlite"
    with open_database(db, write=True, create=True) as store:
        choose_unit(store, unit)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    out = subprocess.run(
        [sys.executable, "-c", OPEN_AND_LIST_MODULES, str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    code, modules = json.loads(out.splitlines()[-1])
    assert code == 0
    assert "gui.main_window" in modules and "gui.home" in modules  # the window did open
    assert sorted(m for m in modules if m.split(".")[0] in HEAVY) == []
    assert sorted(m for m in modules if m in LATER_TABS) == []
    assert "cli.parser" not in modules  # no command: the parser of every command is not needed
    assert "model.reports.signing" not in modules  # nor the signing key's modules before a signature


def test_a_tab_is_built_when_first_opened(qtbot, open_window):
    window = open_window("fengjing", "2024-07")
    held = [QTabWidget.widget(window.tabs, i) for i in range(1, window.tabs.count())]  # as Qt holds them
    assert [window.tabs.tabText(i) for i in range(1, 3)] == ["附件2 规上工业", "附件4 重点任务"]
    assert all(isinstance(slot, TabSlot) and slot.page is None for slot in held)
    window.tabs.setCurrentIndex(2)
    assert isinstance(held[1].page, TasksForm) and window.tabs.currentWidget() is held[1].page
    assert held[0].page is None  # annex 2 still waits
    assert window.tabs.indexOf(held[1].page) == 2


def test_opening_a_tab_the_first_time_keeps_the_keyboard_in_the_window(qtbot, open_window):
    window = open_window("fengjing", "2024-07")
    activate(qtbot, window)
    window.tabs.setCurrentIndex(1)  # annex 2, built now
    QApplication.processEvents()
    assert QApplication.activeWindow() is window  # no part of the new page came up as a window of its own


def test_the_file_is_checked_once_the_window_is_up_and_then_backed_up(qtbot, tmp_path, settings):
    path = tmp_path / "w.sqlite"
    with open_database(path, write=True, create=True) as store:  # a clean exit: checked while opening
        choose_unit(store, "fengjing")
    store = open_database(path, write=True, check_later=True)
    check = store.startup_check
    window = gui_app.create_window(store, settings)
    qtbot.addWidget(window)
    assert not check.started()  # reading the whole file does not slow the window down
    backed_up = []
    gui_app.watch_startup_check(window, lambda: backed_up.append(True))
    window.show()
    qtbot.waitUntil(lambda: backed_up == [True], timeout=10000)
    assert check.done() and check.sound()
    store.close()
