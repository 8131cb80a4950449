import pytest
from PySide6.QtWidgets import QMainWindow, QMenu

from gui import app as gui_app
from gui.settings import Settings


@pytest.fixture
def settings(tmp_path):
    return Settings(str(tmp_path / "tanbao.ini"))


def choose_unit(store, unit_id, preparer="王芳", phone="", stats_head="", unit_head=""):
    """Who this copy reports for, as the 我是谁 dialog stores it."""
    store.profile.set(
        {
            "unit": unit_id,
            "preparer": preparer,
            "phone": phone,
            "stats_head": stats_head,
            "unit_head": unit_head,
        },
        who="test",
    )


@pytest.fixture
def open_window(qtbot, store, settings):
    """The main window as a clerk of the given unit sees it, for the given period."""

    def make(unit_id="fengjing", period="2024-07"):
        choose_unit(store, unit_id, "王芳", "57920000", "李强", "张伟")
        settings.set_period(store.plans.get().id, period)
        window = gui_app.create_window(store, settings)
        qtbot.addWidget(window)
        window.show()
        return window

    return make


def file_menu_texts(window: QMainWindow) -> list[str]:
    """The texts of the window's 文件 menu. Found by title: on PySide6 6.9.3 (the pinned version)
    `menuBar().actions()[0].menu()` raises "Internal C++ object (QMenu) already deleted"."""
    (menu,) = [m for m in window.menuBar().findChildren(QMenu) if m.title() == "文件(&F)"]
    return [a.text() for a in menu.actions()]
