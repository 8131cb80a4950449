"""The profile (unit and report footer names) lives in the database: window and command line share it."""

import json

from openpyxl import load_workbook

import main
from gui import app as gui_app
from gui.settings import Settings
from gui.setup_dialog import SetupDialog
from model.store.database import open_database
from model.store.profile import Profile
from tests.gui.test_report_actions import fill_february, wait_for_worker

NAMES = ["unit=枫泾镇", "unit_head=张伟", "stats_head=李强", "preparer=王芳", "phone=57920000"]


def _footer(path):
    """The footer line of every sheet of an exported workbook."""
    book = load_workbook(path)
    return [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("单位负责人")
    ]


def test_the_window_and_the_command_line_print_the_same_footer(qtbot, tmp_path, monkeypatch):
    db = str(tmp_path / "unit.sqlite")
    assert main.main(["--db", db, "init"]) == 0
    assert main.main(["--db", db, "profile", "--set", *NAMES]) == 0
    monkeypatch.setattr(SetupDialog, "exec", lambda self: 1 / 0)  # the unit is known: nothing to ask
    monkeypatch.setattr("gui.report_actions.offer_to_open", lambda *a: None)
    store = open_database(db, write=True)
    fill_february(store)
    settings = Settings(str(tmp_path / "s.ini"))
    settings.set_period("jinshan-2024", "2024-02")
    window = gui_app.create_window(store, settings)
    qtbot.addWidget(window)
    assert window.session.unit.id == "fengjing" and window.session.who == "王芳"
    window.reports.export_to("xlsx", tmp_path / "window.xlsx")
    wait_for_worker(qtbot, window)
    cli_file = tmp_path / "cli.xlsx"
    args = ["export", "xlsx", "--unit", "fengjing", "--period", "2024-02", "-o", str(cli_file)]
    assert main.main(["--db", db, *args]) == 0
    footer = _footer(tmp_path / "window.xlsx")
    assert footer and footer == _footer(cli_file)
    assert all(name in footer[0] for name in ("张伟", "李强", "王芳", "57920000"))
    store.close()


def test_what_the_window_is_told_the_command_line_knows(qtbot, tmp_path, monkeypatch, capsys):
    db = tmp_path / "unit.sqlite"
    store = open_database(db, write=True, create=True)

    def choose(dialog):
        dialog.unit.setCurrentIndex(dialog.unit.findData("phcc"))
        dialog.filler.setText("王芳")
        dialog.phone.setText("57920000")
        return SetupDialog.DialogCode.Accepted

    monkeypatch.setattr(SetupDialog, "exec", choose)
    window = gui_app.create_window(store, Settings(str(tmp_path / "s.ini")))
    qtbot.addWidget(window)
    store.close()
    capsys.readouterr()
    assert main.main(["--db", str(db), "profile", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "unit": "phcc",
        "unit_head": "",
        "stats_head": "",
        "preparer": "王芳",
        "phone": "57920000",
    }


def test_names_an_earlier_version_kept_in_the_settings_move_into_the_database_once(qtbot, tmp_path, capsys):
    ini = tmp_path / "s.ini"
    ini.write_text(
        "[identity]\nunit_id=fengjing\nfiller=王芳\nphone=57920000\nstats_head=李强\nunit_head=张伟\n",
        encoding="utf-8",
    )
    store = open_database(tmp_path / "unit.sqlite", write=True, create=True)
    window = gui_app.create_window(store, Settings(str(ini)))
    qtbot.addWidget(window)
    expected = Profile("fengjing", "张伟", "李强", "王芳", "57920000")
    assert store.profile.get() == expected and window.session.unit.id == "fengjing"
    assert Settings(str(ini)).old_identity() == {}  # the database is now the one place
    store.profile.set({"preparer": "赵敏"}, who="clerk")
    gui_app.create_window(store, Settings(str(ini))).close()  # a later start does not import again
    assert store.profile.get().preparer == "赵敏"
    store.close()
