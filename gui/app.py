"""Start-up of the window: QApplication, translations, bundled font, settings, database, main window."""

from __future__ import annotations

import sys
from datetime import date

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from gui.main_window import MainWindow
from gui.settings import Settings
from gui.setup_dialog import SetupDialog
from model import i18n
from model.errors import UserError
from model.fonts import font_path
from model.paths import default_db_path
from model.periods import due_period, parse_period
from model.store import Store


def install_translations(app: QApplication) -> None:
    """Qt's own dialogs in Chinese (确定/取消), and model messages through Qt's translate()."""
    translator = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", path):
        app.installTranslator(translator)
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
    plan = store.plan()
    identity = settings.identity()
    if identity.unit_id not in {u.id for u in plan.units} or not plan.fields_for(identity.unit_id):
        dialog = SetupDialog(plan, identity)
        if dialog.exec() != SetupDialog.DialogCode.Accepted:
            return None
        identity = dialog.identity()
        settings.set_identity(identity)
    today = today or date.today()
    try:
        period = parse_period(settings.period(plan.id))
        if period.year != plan.year:
            raise UserError("")
    except UserError:
        period = due_period(plan.year, today.year, today.month)
    return MainWindow(store, settings, identity, period)


def run(db: str | None, settings_path: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("TanBao")
    app.setOrganizationName("TanBao")
    install_translations(app)
    install_font(app)
    try:
        store = Store(default_db_path(db))
    except UserError as exc:
        QMessageBox.critical(None, QCoreApplication.translate("app", "无法打开数据库"), exc.message)
        return 2
    window = create_window(store, Settings(settings_path))
    if window is None:
        return 0
    window.show()
    return app.exec()
