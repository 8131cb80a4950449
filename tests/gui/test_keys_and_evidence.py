"""Keys and evidence in the window: the passphrase's rules and a wrong passphrase are said in the
passphrase dialog before any file or folder dialog; evidence opens on double-click or 打开 and the
picker starts in the documents folder."""

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QDialog

from gui import open_files
from gui.evidence_dialog import EvidenceDialog
from gui.keys_dialog import KeysDialog, NewKeyDialog
from gui.passphrase_dialog import PassphraseDialog
from gui.session import UnitSession
from gui.worker import Worker
from model.common.periods import parse_period
from model.entry.evidence import attach
from model.reports.signing import new_key

PASS = "correct horse battery"  # 10 characters or more


def _no_file_dialogs(monkeypatch):
    asked = []
    for name in ("getOpenFileName", "getOpenFileNames", "getSaveFileName", "getExistingDirectory"):
        monkeypatch.setattr(
            f"PySide6.QtWidgets.QFileDialog.{name}", lambda *a, n=name: asked.append(n) or ("", "")
        )
    return asked


def test_a_short_passphrase_is_refused_in_the_dialog(qtbot, monkeypatch):
    asked = _no_file_dialogs(monkeypatch)
    dialog = NewKeyDialog()
    qtbot.addWidget(dialog)
    dialog.passphrase.setText("abc")
    dialog.again.setText("abc")
    dialog._accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and not dialog.problem.isHidden()
    assert "口令" in dialog.problem.text() and asked == []
    dialog.passphrase.setText(PASS)
    dialog.again.setText(PASS + "x")
    dialog._accept()
    assert "不一致" in dialog.problem.text() and dialog.result() != QDialog.DialogCode.Accepted


def test_a_wrong_passphrase_is_said_in_the_dialog_and_a_right_one_opens_the_key(qtbot, tmp_path):
    key = tmp_path / "k.p12"
    key.write_bytes(new_key("fengjing", "金山区枫泾镇人民政府", PASS))
    worker = Worker()
    dialog = PassphraseDialog(str(key), "口令：", worker)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText("wrong passphrase")
    dialog._accept()
    qtbot.waitUntil(lambda: not worker.busy(), timeout=30000)
    assert dialog.key is None and not dialog.problem.isHidden() and "口令" in dialog.problem.text()
    dialog.passphrase.setText(PASS)
    dialog._accept()
    qtbot.waitUntil(lambda: not worker.busy(), timeout=30000)
    assert dialog.key is not None and dialog.result() == QDialog.DialogCode.Accepted


def test_exporting_the_certificate_asks_no_file_after_a_wrong_passphrase(
    qtbot, tmp_path, monkeypatch, settings, store
):
    key = tmp_path / "k.p12"
    key.write_bytes(new_key("fengjing", "金山区枫泾镇人民政府", PASS))
    settings.set_key_path(str(key))
    asked = _no_file_dialogs(monkeypatch)
    monkeypatch.setattr(
        "gui.passphrase_dialog.PassphraseDialog.exec", lambda self: self._accept() or self.result()
    )
    plan = store.plans.get()
    dialog = KeysDialog(plan.unit("fengjing"), plan.district, plan.district_unit, settings)
    qtbot.addWidget(dialog)
    dialog.export_certificate()  # the passphrase box is empty: refused in the dialog
    assert asked == []


def test_evidence_opens_on_double_click_and_the_picker_starts_in_documents(
    qtbot, store, tmp_path, monkeypatch
):
    plan = store.plans.get()
    row = plan.annex4_rows_for("fengjing")[0].id
    photo = tmp_path / "照片.jpg"
    photo.write_bytes(b"\xff\xd8 photo")
    attach(store, plan.id, "fengjing", "2024-03", row, photo, who="clerk")
    session = UnitSession(store, "fengjing", parse_period("2024-03"), "clerk")
    dialog = EvidenceDialog(session, row, row)
    qtbot.addWidget(dialog)
    opened = []
    monkeypatch.setattr(
        open_files.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    dialog.list.itemActivated.emit(dialog.list.item(0))
    dialog.open_button.click()
    assert len(opened) == 2
    with open(opened[0], "rb") as f:
        assert f.read() == photo.read_bytes()
    starts = []
    monkeypatch.setattr(
        "gui.evidence_dialog.QFileDialog.getOpenFileNames",
        lambda parent, title, folder: starts.append(folder) or ([], ""),
    )
    dialog.add()
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert starts == [documents]
