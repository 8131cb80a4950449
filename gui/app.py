"""Start-up of the window: QApplication, translations, bundled font, settings, database, main window."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from gui.errors import install as install_errors
from gui.main_window import MainWindow
from gui.settings import Settings
from model.common import i18n
from model.common.errors import UserError
from model.common.paths import resource
from model.common.periods import due_period, parse_period
from model.entry.profile import profile_unit, reports_under, set_profile
from model.plan.spec import Plan
from model.reports.fonts import font_path
from model.safety.drives import location_warning
from model.store.backup import START, backup_if_changed, backup_if_due, restore_backup
from model.store.database import Store, open_database
from model.store.location import database_path
from model.store.recovery import DamagedDatabase


def install_translations(app: QApplication) -> None:
    """Qt's own dialogs in the UI's language (确定/取消), model messages through Qt's translate().

    The UI is written in Simplified Chinese; TANBAO_LANG=en (say) loads resources/translations/tanbao_en.qm
    made by scripts/update_translations.sh, and Qt's own catalogue for that language."""
    lang = os.environ.get("TANBAO_LANG", "zh_CN")
    qt_catalogue = QTranslator(app)
    if qt_catalogue.load(
        QLocale(lang), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(qt_catalogue)
    if lang != "zh_CN":
        ours = QTranslator(app)
        folder = resource("translations")
        if ours.load(f"tanbao_{lang}", str(folder)):
            app.installTranslator(ours)
    i18n.install(QCoreApplication.translate)


def install_font(app: QApplication) -> None:
    """Register the bundled CJK font (the reports' font) so Chinese renders on a PC without Chinese fonts."""
    font_id = QFontDatabase.addApplicationFont(str(font_path()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if families:
        font = QFont(families[0])
        font.setPointSizeF(app.font().pointSizeF())
        app.setFont(font)


def create_window(store: Store, settings: Settings, today: date | None = None) -> MainWindow | None:
    """The main window for this copy's unit; asks who I am first when nobody has said. None if cancelled."""
    plan = store.plans.get()
    move_old_identity(store, plan, settings)
    if profile_unit(store, plan) is None:
        from gui.setup_dialog import SetupDialog

        dialog = SetupDialog(plan, store.profile.get())
        if dialog.exec() != SetupDialog.DialogCode.Accepted:
            return None
        set_profile(store, plan, dialog.changes(), who=getpass.getuser())
    today = today or date.today()
    try:
        period = plan.check_period(parse_period(settings.period(plan.id)))
    except UserError:
        period = due_period(plan.year, today.year, today.month)
    return MainWindow(store, settings, period)


def move_old_identity(store: Store, plan: Plan, settings: Settings) -> None:
    """Once: the unit and footer names an earlier version kept in the settings file go into the database,
    where the command line finds them too. A unit the plan does not know is left for the 我是谁 dialog."""
    old = settings.old_identity()
    if not old:
        return
    if store.profile.is_empty():
        if old.get("unit") and not reports_under(plan, old["unit"]):
            old.pop("unit")
        set_profile(store, plan, old, who=getpass.getuser())
    settings.forget_identity()


def open_for_writing(path: Path) -> Store | None:
    """The database with this program as its one writer; offers the newest sound backup when the file is
    damaged. None when it cannot be opened (the user was told why). After a clean exit the file is
    checked once the window is up (`watch_startup_check`)."""
    while True:
        try:
            return open_database(path, write=True, create=True, check_later=True)
        except DamagedDatabase as exc:
            if not offer_restore(path, exc):
                return None
        except UserError as exc:  # another copy writes, or the file is not a database
            QMessageBox.critical(None, QCoreApplication.translate("app", "无法打开数据库"), exc.message)
            return None


def offer_restore(path: Path, damage: DamagedDatabase, parent: QWidget | None = None) -> bool:
    """Say that the file is damaged and offer its newest sound backup; True when it was restored."""
    title = QCoreApplication.translate("app", "无法打开数据库")
    offer = damage.check.offer
    if offer is None:
        QMessageBox.critical(parent, title, damage.message)
        return False
    question = QCoreApplication.translate(
        "app", "{msg}\n\n现在恢复到这个备份吗？当前文件会先移到 backups 文件夹保留。"
    )
    answer = QMessageBox.question(parent, title, question.format(msg=damage.message))
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        restore_backup(path, offer.id, who=getpass.getuser())
    except UserError as restore_error:
        QMessageBox.critical(parent, title, restore_error.message)
        return False
    return True


def watch_startup_check(window: MainWindow, then: Callable[[], None]) -> None:
    """Begin the background check of the file at start once the window is up (the first tick of the
    event loop: reading a district's whole file while the window is made slowed its start by a third);
    `then` once it has found the file sound (at once when it was checked before the window). Damage
    found: the window closes, offering the newest sound backup."""
    pending = window.store.startup_check
    if pending is None:
        then()
        return
    timer = QTimer(window)
    timer.setInterval(50)

    def poll() -> None:
        if not pending.started():
            pending.start()
            return
        if not pending.done():
            return
        timer.stop()
        damage = pending.damage()
        if damage is None:
            then()
            return
        replacement = reopen_after_damage(window.store, damage, window.settings, window)
        if replacement is not None:
            replacement.show()
        window.close()

    timer.timeout.connect(poll)
    timer.start()


def reopen_after_damage(
    store: Store, damage: DamagedDatabase, settings: Settings, parent: QWidget | None = None
) -> MainWindow | None:
    """The file was found damaged after it was opened; nothing was written (writes wait for the check).
    It is let go keeping the marker, so the next start checks it first; the newest sound backup is
    offered, and once it is restored the window for it. None when not restored (the user was told)."""
    path = store.path
    store.close()
    if not offer_restore(path, damage, parent):
        return None
    reopened = open_for_writing(path)
    return None if reopened is None else create_window(reopened, settings)


def start_backups(window: MainWindow) -> None:
    """A backup on start, then the daily one, made from their own connection off the GUI thread."""
    path = window.store.path

    def report(exc: Exception) -> None:
        window.statusBar().showMessage(str(exc), 15000)

    window.worker.run(lambda: backup_if_changed(path, START), lambda _b: None, report)
    timer = QTimer(window)
    timer.setInterval(60 * 60 * 1000)
    timer.timeout.connect(lambda: window.worker.run(lambda: backup_if_due(path), lambda _b: None, report))
    timer.start()


def run(db: str | None, settings_path: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("TanBao")
    app.setOrganizationName("TanBao")
    i18n.set_audience(i18n.WINDOW)  # model messages name menus and buttons, not commands
    install_translations(app)
    install_font(app)
    app.setWindowIcon(QIcon(str(resource("icons", "tanbao.png"))))
    path = database_path(db)
    reporter = install_errors(path.parent, QApplication.activeWindow)  # noqa: F841 - kept alive until exit
    store = open_for_writing(path)
    if store is None:
        return 2
    settings = Settings(settings_path)
    try:
        window = create_window(store, settings)
    except Exception:
        damage = store.startup_check.damage() if store.startup_check is not None else None
        if damage is None:
            raise
        window = reopen_after_damage(store, damage, settings)  # read before the check had said so
        if window is None:
            return 2
        store = window.store
    if window is None:
        store.close()
        return 0
    if store.unclean_previous is not None:
        window.statusBar().showMessage(
            QCoreApplication.translate(
                "app", "上次程序没有正常退出（{who}）。已检查数据库，数据完好。"
            ).format(who=store.unclean_previous.describe()),
            30000,
        )
    warning = location_warning(store.path)
    if warning:  # SQLite must not be written on a network share or a removable drive directly
        QMessageBox.warning(window, QCoreApplication.translate("app", "数据库位置"), warning)
    watch_startup_check(window, lambda: start_backups(window))
    if window.screen().availableGeometry().height() < 860:  # a 1366×768 laptop: use all of it
        window.showMaximized()
    else:
        window.show()
    quit_after = os.environ.get("TANBAO_QUIT_AFTER_MS")  # undocumented: build smoke test, start-up benchmark
    if quit_after:
        QTimer.singleShot(int(quit_after), app.quit)
    code = app.exec()
    # The clean exit releases the writer lock; a restore may have replaced the window and its store.
    for top in app.topLevelWidgets():
        if isinstance(top, MainWindow):
            top.store.close()
    return code
