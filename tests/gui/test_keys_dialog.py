"""设置 → 签名密钥: a clerk creates the unit's key and exports its certificate for the district."""

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gui.keys_dialog import KeysDialog, NewKeyDialog
from gui.passphrase_dialog import PassphraseDialog
from model.common.untrusted import fingerprint_groups
from model.reports import signing

PASS = "secret-123"


@pytest.fixture
def dialog(qtbot, store, settings, monkeypatch):
    plan = store.plans.get()
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, title, text: said.append(("info", text)))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text: said.append(("warning", text)))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: said.append(("box", box.text())))
    d = KeysDialog(plan.unit("fengjing"), plan.district, plan.district_unit, settings)
    qtbot.addWidget(d)
    d.said = said
    return d


def typed(monkeypatch, passphrase, again):
    """The 新建密钥 dialog as the clerk fills it and presses OK; what the dialog itself said."""
    problems: list[str] = []

    def exec_(self):
        self.passphrase.setText(passphrase)
        self.again.setText(again)
        self._accept()
        problems.append(self.problem.text())
        return self.result()

    monkeypatch.setattr(NewKeyDialog, "exec", exec_)
    return problems


def passphrase_typed(monkeypatch, qtbot, passphrase):
    """The passphrase dialog as the clerk fills it and presses OK (it opens the key before closing);
    what the dialog itself said."""
    problems: list[str] = []

    def exec_(self):
        self.passphrase.setText(passphrase)
        self._accept()
        qtbot.waitUntil(lambda: not self.worker.busy(), timeout=30000)
        problems.append(self.problem.text())
        return self.result()

    monkeypatch.setattr(PassphraseDialog, "exec", exec_)
    return problems


def save_as(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def test_a_key_created_in_the_dialog_is_the_units_and_becomes_the_current_key(
    qtbot, dialog, monkeypatch, tmp_path
):
    typed(monkeypatch, PASS, PASS)
    save_as(monkeypatch, tmp_path / "fengjing.p12")
    dialog.create()
    qtbot.waitUntil(lambda: not dialog.worker.busy(), timeout=30000)  # the key is made off the GUI thread
    assert dialog.settings.key_path() == str(tmp_path / "fengjing.p12")
    assert signing.load_key(tmp_path / "fengjing.p12", PASS).info.unit_id == "fengjing"
    assert str(tmp_path / "fengjing.p12") in dialog.current.text()


def test_passphrases_that_differ_create_nothing(dialog, monkeypatch, tmp_path):
    problems = typed(monkeypatch, PASS, PASS + "x")
    save_as(monkeypatch, tmp_path / "fengjing.p12")
    dialog.create()
    assert problems == ["两次输入的口令不一致，请重新输入。"] and dialog.said == []  # said in the dialog
    assert not (tmp_path / "fengjing.p12").exists() and dialog.settings.key_path() == ""


def test_the_exported_certificate_is_the_keys_and_its_fingerprint_is_shown(
    qtbot, dialog, monkeypatch, tmp_path
):
    key = tmp_path / "fengjing.p12"
    key.write_bytes(signing.new_key("fengjing", "枫泾镇人民政府", PASS))
    dialog.settings.set_key_path(str(key))
    passphrase_typed(monkeypatch, qtbot, PASS)
    save_as(monkeypatch, tmp_path / "fengjing.pem")
    dialog.export_certificate()
    qtbot.waitUntil(lambda: not dialog.worker.busy(), timeout=30000)
    [cert] = signing.load_certificates([(tmp_path / "fengjing.pem").read_bytes()])
    fingerprint = signing.certificate_info(cert).fingerprint_sha256
    assert fingerprint == signing.load_key(key, PASS).info.fingerprint_sha256
    [(kind, text)] = dialog.said
    assert kind == "box" and fingerprint_groups(fingerprint) in text  # read out over the phone


def test_a_wrong_passphrase_exports_nothing_and_says_so(qtbot, dialog, monkeypatch, tmp_path):
    key = tmp_path / "fengjing.p12"
    key.write_bytes(signing.new_key("fengjing", "枫泾镇人民政府", PASS))
    dialog.settings.set_key_path(str(key))
    problems = passphrase_typed(monkeypatch, qtbot, "wrong-one")
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(a) or ("", ""))
    dialog.export_certificate()
    [text] = problems  # said in the passphrase dialog, before any file dialog
    assert "口令不对" in text and asked == [] and dialog.said == []
    assert not (tmp_path / "fengjing.pem").exists()
