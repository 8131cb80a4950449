"""The window's share of 'nothing lost': one writer, a backup on start, restore from the window."""

from PySide6.QtWidgets import QApplication, QMessageBox

from gui import app as gui_app
from gui.backup_dialog import BackupDialog
from gui.main_window import MainWindow
from gui.settings import Settings
from model.common.periods import parse_period
from model.entry.figures import Entry, store_entries
from model.store.backup import MANUAL, backup_now, list_backups
from model.store.database import open_database
from tests.gui.conftest import choose_unit


def enter(store, value):
    store_entries(
        store, store.plans.get(), [Entry("fengjing", parse_period("2024-03"), "energy_tce", value)], who="t"
    )


def energy(store):
    return next(f.value for f in store.figures.read("jinshan-2024", "fengjing") if f.field == "energy_tce")


def test_a_second_copy_is_refused_with_who_holds_it(qtbot, tmp_path, monkeypatch):
    db = tmp_path / "w.sqlite"
    first = open_database(db, write=True, create=True)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    try:
        assert gui_app.run(str(db), str(tmp_path / "s.ini")) == 2
    finally:
        first.close()
    assert shown and "正由另一个 TanBao 程序写入" in shown[0] and "进程号" in shown[0]


def test_start_makes_a_checked_backup_and_exit_releases_the_lock(qtbot, tmp_path, monkeypatch):
    db = tmp_path / "w.sqlite"
    with open_database(db, write=True, create=True) as store:
        choose_unit(store, "fengjing")
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    assert gui_app.run(str(db), str(tmp_path / "s.ini")) == 0
    qtbot.waitUntil(lambda: bool(list_backups(db)), timeout=10000)
    assert list_backups(db)[0].reason == "start"
    open_database(db, write=True, create=True).close()  # the lock was released: a second start opens it
    for window in QApplication.topLevelWidgets():
        if isinstance(window, MainWindow):
            window.close()


def test_restore_from_the_window(qtbot, tmp_path, monkeypatch):
    db = tmp_path / "w.sqlite"
    store = open_database(db, write=True, create=True)
    enter(store, "100")
    backup_now(store, MANUAL)
    enter(store, "999")
    settings = Settings(str(tmp_path / "s.ini"))
    choose_unit(store, "fengjing")
    window = MainWindow(store, settings, parse_period("2024-03"))
    qtbot.addWidget(window)
    monkeypatch.setattr(BackupDialog, "exec", lambda self: BackupDialog.DialogCode.Accepted)
    monkeypatch.setattr(
        BackupDialog, "chosen", lambda self: next(b for b in self.backups if b.reason == MANUAL)
    )
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    window.restore()
    replacement = next(
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, MainWindow) and w is not window and w.isVisible()
    )
    qtbot.addWidget(replacement)
    assert energy(replacement.store) == 100.0
    assert "已恢复" in told[0] and "恢复前的数据已另存为备份" in told[0]
    replacement.store.close()


def test_a_database_on_a_network_share_is_warned_about(qtbot, tmp_path, monkeypatch):
    db = tmp_path / "w.sqlite"
    with open_database(db, write=True, create=True) as store:
        choose_unit(store, "fengjing")
    monkeypatch.setattr(gui_app, "location_warning", lambda path: "数据库在网络共享盘上")
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    assert gui_app.run(str(db), str(tmp_path / "s.ini")) == 0
    assert warned == ["数据库在网络共享盘上"]
    assert not QApplication.windowIcon().isNull()
    for window in QApplication.topLevelWidgets():
        if isinstance(window, MainWindow):
            window.close()


def test_the_window_refuses_an_sqlite_below_3_35_naming_the_version(qtbot, tmp_path, monkeypatch):
    import sqlite3

    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert gui_app.run(str(tmp_path / "w.sqlite"), str(tmp_path / "s.ini")) == 2
    assert len(shown) == 1 and "SQLite 3.31.1" in shown[0] and "3.35" in shown[0]
    assert not (tmp_path / "w.sqlite").exists()


def test_damage_found_while_the_window_opens_offers_the_backup_and_reopens_on_it(
    qtbot, tmp_path, monkeypatch
):
    from model.store import recovery

    db = tmp_path / "w.sqlite"
    with open_database(db, write=True, create=True) as store:
        choose_unit(store, "fengjing")
        enter(store, "100")
        backup_now(store, MANUAL)
        enter(store, "999")
    sound, checked = recovery.quick_check, []

    def check(path):  # the check run while the window opens finds damage; the restored file is sound
        checked.append(path)
        return ["Page 7: btreeInitPage() returns error code 11"] if len(checked) == 1 else sound(path)

    monkeypatch.setattr(recovery, "quick_check", check)
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda parent, title, text: asked.append(text) or QMessageBox.StandardButton.Yes,
    )
    windows = []

    def event_loop(app):
        (opened,) = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]

        def replaced():
            windows[:] = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
            return bool(asked) and len(windows) == 1 and windows[0] is not opened  # that one closed

        qtbot.waitUntil(replaced, timeout=20000)
        return 0

    monkeypatch.setattr(QApplication, "exec", event_loop)
    assert gui_app.run(str(db), str(tmp_path / "s.ini")) == 0
    assert len(asked) == 1 and "已损坏" in asked[0] and "现在恢复到这个备份吗" in asked[0]
    with open_database(db, write=True) as restored:
        assert energy(restored) == 100.0
    windows[0].close()
