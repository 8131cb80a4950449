"""Start-up of the window: QApplication, translations, font, database, main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox

from model import i18n
from model.errors import UserError
from model.paths import default_db_path
from model.store import Store


def install_translations(app: QApplication) -> None:
    """Qt's own dialogs in Chinese (确定/取消), and model messages through Qt's translate()."""
    translator = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", path):
        app.installTranslator(translator)
    i18n.install(QCoreApplication.translate)


def run(db: str | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("TanBao")
    install_translations(app)
    try:
        store = Store(default_db_path(db))
    except UserError as exc:
        QMessageBox.critical(None, QCoreApplication.translate("app", "无法打开数据库"), exc.message)
        return 2
    plan = store.plan()
    window = QMainWindow()
    window.setWindowTitle(QCoreApplication.translate("app", "碳报 TanBao — {title}").format(title=plan.title))
    window.setCentralWidget(QLabel(plan.title))
    window.resize(1000, 700)
    window.show()
    return app.exec()
