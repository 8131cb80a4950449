"""Start-up: first start asks who I am; Chinese everywhere, Qt's own buttons included."""

from PySide6.QtCore import QCoreApplication

from gui import app as gui_app
from gui.home import HomePage
from gui.settings import Settings
from gui.setup_dialog import SetupDialog
from model.store.profile import Profile
from tests.gui.conftest import choose_unit


def test_first_start_asks_who_i_am_and_remembers(qtbot, store, settings, monkeypatch):
    def accept(dialog):
        dialog.unit.setCurrentIndex(dialog.unit.findData("phcc"))
        dialog.filler.setText("王芳")
        return SetupDialog.DialogCode.Accepted

    monkeypatch.setattr(SetupDialog, "exec", accept)
    window = gui_app.create_window(store, settings)
    qtbot.addWidget(window)
    assert window.session.unit.id == "phcc"
    assert store.profile.get() == Profile(unit="phcc", preparer="王芳")
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["首页", "附件3 能耗双控"]


def test_cancelling_the_first_start_opens_nothing(qtbot, store, settings, monkeypatch):
    monkeypatch.setattr(SetupDialog, "exec", lambda self: SetupDialog.DialogCode.Rejected)
    assert gui_app.create_window(store, settings) is None


def test_home_shows_cards_with_colour_words(qtbot, open_window, store):
    from model.common.periods import parse_period
    from model.entry.figures import Entry, store_entries

    entries = [
        Entry("fengjing", parse_period("2024-02"), k, v)
        for k, v in [
            ("energy_tce", "1000"),
            ("energy_tce_last_year", "1050"),
            ("output_wan_yuan", "20000"),
            ("output_wan_yuan_last_year", "19500"),
        ]
    ]
    store_entries(store, store.plans.get(), entries, who="t")
    window = open_window("fengjing", "2024-02")
    home = window.tabs.widget(0)
    assert isinstance(home, HomePage)
    card = home.cards[0]
    assert card.colour == "green" and card.title == "规上工业单位产值能耗变化率"
    assert home.cards[1].title == "剩余用能空间"  # issue 16: beside the target, what may still be used
    assert len(home.cards) == 2 + len(store.plans.get().annex4_rows_for("fengjing"))


def test_qt_dialogs_speak_chinese(qapp):
    gui_app.install_translations(qapp)
    assert QCoreApplication.translate("QPlatformTheme", "OK") == "确定"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert QCoreApplication.translate("QFileDialog", "Look in:").startswith("查找范围")
    assert QCoreApplication.translate("QFileDialog", "Files of type:").startswith("文件类型")


def test_window_opens_on_a_new_database(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(SetupDialog, "exec", lambda self: SetupDialog.DialogCode.Accepted)
    monkeypatch.setattr(gui_app.QApplication, "exec", lambda self: 0)
    assert gui_app.run(str(tmp_path / "w.sqlite"), str(tmp_path / "s.ini")) == 0
    assert (tmp_path / "w.sqlite").exists()


def test_the_bundled_font_becomes_the_application_font(qapp):
    from PySide6.QtGui import QFontDatabase

    from model.reports.fonts import FAMILY

    gui_app.install_font(qapp)
    assert qapp.font().family() == FAMILY
    assert FAMILY in QFontDatabase.families()


def test_the_period_chosen_is_where_the_next_start_opens(qtbot, store, settings, tmp_path):
    choose_unit(store, "fengjing")
    settings.set_period(store.plans.get().id, "2024-07")
    window = gui_app.create_window(store, settings)
    qtbot.addWidget(window)
    window.show()
    window.period_box.setCurrentIndex(window.period_box.findData("2024-05"))
    window.close()
    again = gui_app.create_window(store, Settings(settings.path))  # the next start reads the file
    qtbot.addWidget(again)
    assert str(again.session.period) == "2024-05"
