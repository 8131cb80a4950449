"""The window's side of issue 13: 文件 → 验证报表… (the twin of `main.py verify`), keys opened off the GUI
thread, a short passphrase refused before any file dialog opens."""

from __future__ import annotations

import threading

import pytest

from gui import app as gui_app
from gui.keys_dialog import KeysDialog, NewKeyDialog
from model.exchange.district import trust_add
from tests.gui.conftest import choose_unit, file_menu_texts
from tests.unit_world import PASSPHRASE, february_unit


def wait_for(qtbot, worker):
    qtbot.waitUntil(lambda: not worker.busy(), timeout=30000)


@pytest.fixture
def district_window(qtbot, store, settings):
    choose_unit(store, "drc", "赵敏")
    settings.set_period("jinshan-2024", "2024-02")
    window = gui_app.create_window(store, settings)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def package(tmp_path):
    unit = february_unit(tmp_path)
    pdf = unit.submit("2024-02", tmp_path / "out").pdf_path
    unit.store.close()
    return pdf, unit.cert_path


def test_verify_report_from_the_file_menu_uses_the_databases_trust(
    qtbot, district_window, store, package, monkeypatch
):
    pdf, cert = package
    menu_texts = file_menu_texts(district_window)
    assert "验证报表(&V)…" in menu_texts
    shown = []
    monkeypatch.setattr(
        "gui.verify_dialog.VerifyResultDialog.exec", lambda self: shown.append(self.text.text())
    )
    monkeypatch.setattr("gui.verify_dialog.QFileDialog.getOpenFileName", lambda *a: (str(pdf), ""))
    district_window.verify.action.trigger()
    wait_for(qtbot, district_window.worker)
    assert "结论：未通过" in shown[-1] and "main.py" not in shown[-1] and "--trust" not in shown[-1]

    trust_add(store, store.plans.get(), cert, who="officer")
    district_window.verify.action.trigger()
    wait_for(qtbot, district_window.worker)
    text = shown[-1]
    assert "结论：通过" in text and "证书受信任：是" in text and "签名时证书在有效期内：是" in text
    assert "枫泾镇" in text and "第 1 版" in text


def test_choosing_a_key_opens_it_off_the_gui_thread(qtbot, settings, store, tmp_path, monkeypatch):
    from model.reports import signing
    from tests.unit_world import p12_for

    key = tmp_path / "fengjing.p12"
    key.write_bytes(p12_for("fengjing", store.plans.get().unit("fengjing").full_name))
    threads = []

    def opened(path, passphrase):
        threads.append(threading.current_thread() is threading.main_thread())
        return signing.load_key(path, passphrase)

    def typed(self):  # the clerk types the passphrase; the dialog opens the key before it closes
        self.passphrase.setText(PASSPHRASE)
        self._accept()
        qtbot.waitUntil(lambda: self.key is not None, timeout=30000)
        return self.result()

    monkeypatch.setattr("gui.passphrase_dialog.load_key", opened)
    monkeypatch.setattr("gui.passphrase_dialog.PassphraseDialog.exec", typed)
    monkeypatch.setattr("gui.keys_dialog.QFileDialog.getOpenFileName", lambda *a: (str(key), ""))
    monkeypatch.setattr("gui.keys_dialog.QMessageBox.information", lambda *a: None)
    plan = store.plans.get()
    dialog = KeysDialog(plan.unit("fengjing"), plan.district, "区发改委", settings)
    qtbot.addWidget(dialog)
    dialog.choose()
    wait_for(qtbot, dialog.worker)
    assert threads == [False] and settings.key_path() == str(key)


def test_a_short_passphrase_is_refused_before_any_file_dialog_opens(qtbot, settings, store, monkeypatch):
    warned, asked = [], []  # the passphrase rule is said in the passphrase dialog itself
    monkeypatch.setattr("gui.keys_dialog.QFileDialog.getSaveFileName", lambda *a: asked.append(a) or ("", ""))

    def typed(self):
        self.passphrase.setText("123456789")
        self.again.setText("123456789")
        self._accept()
        warned.append(self.problem.text())
        return self.result()

    monkeypatch.setattr(NewKeyDialog, "exec", typed)
    plan = store.plans.get()
    dialog = KeysDialog(plan.unit("fengjing"), plan.district, "区发改委", settings)
    qtbot.addWidget(dialog)
    dialog.create()
    assert asked == [] and "10 个字符" in warned[0]
