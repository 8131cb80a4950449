"""Settings → signing key: create the unit's key, choose a PKCS#12 issued by the district, export the
certificate (with its SHA-256 fingerprint) to hand to the district.

Opening or making a key derives from the passphrase hundreds of thousands of times (about a second):
that runs off the GUI thread through the Worker."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.open_files import documents_folder
from gui.passphrase_dialog import ask_key, error_label, ok_cancel, show_problem
from gui.report_actions import show_error
from gui.settings import Settings
from gui.worker import Worker
from model.common.errors import UserError
from model.common.untrusted import fingerprint_groups, shown
from model.plan.spec import Unit
from model.reports.signing import (
    ECDSA,
    MIN_PASSPHRASE,
    RSA,
    CertificateInfo,
    check_new_passphrase,
    new_key,
)
from model.safety import files


class NewKeyDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("新建签名密钥"))
        self.algorithm = QComboBox()
        self.algorithm.addItem(self.tr("ECDSA P-256（推荐，签名更快）"), ECDSA)
        self.algorithm.addItem(self.tr("RSA-2048"), RSA)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = error_label()  # the passphrase rules, said here before the file dialog opens
        for box in (self.passphrase, self.again):
            box.textEdited.connect(lambda _text: show_problem(self.problem, ""))
        form = QFormLayout()
        form.addRow(self.tr("算法(&A)："), self.algorithm)
        form.addRow(self.tr("口令(&P)："), self.passphrase)
        form.addRow(self.tr("再输一次(&R)："), self.again)
        note = QLabel(
            self.tr(
                "口令至少 {n} 个字符（可以是一句好记的话）。请妥善保管口令和密钥文件：丢失后无法找回，只能新建密钥并重新交区里登记。"
            ).format(n=MIN_PASSPHRASE)
        )
        note.setWordWrap(True)
        buttons = ok_cancel(self, self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        """Both checks before the dialog closes, so no file dialog opens for a passphrase that is refused."""
        try:
            check_new_passphrase(self.passphrase.text())
        except UserError as exc:
            show_problem(self.problem, exc.message)
            self.passphrase.setFocus()
            return
        if self.passphrase.text() != self.again.text():
            show_problem(self.problem, self.tr("两次输入的口令不一致，请重新输入。"))
            self.again.selectAll()
            self.again.setFocus()
            return
        self.accept()


class KeysDialog(QDialog):
    def __init__(
        self, unit: Unit, district: str, district_unit: str, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.unit, self.district, self.settings = unit, district, settings
        self.worker = Worker(self)
        self.district_unit = district_unit  # who registers certificates: the plan's district office
        self.setWindowTitle(self.tr("签名密钥"))
        self.current = QLabel()
        self.current.setWordWrap(True)
        self.current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        create = QPushButton(self.tr("新建密钥(&N)…"))
        create.clicked.connect(self.create)
        choose = QPushButton(self.tr("选择已有密钥（区里发放的 .p12）(&O)…"))
        choose.clicked.connect(self.choose)
        export = QPushButton(self.tr("导出证书交区里登记(&E)…"))
        export.clicked.connect(self.export_certificate)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        for button in (create, choose, export):
            layout.addWidget(button)
        layout.addWidget(close)
        self._show_current()

    def _show_current(self) -> None:
        path = self.settings.key_path()
        self.current.setText(
            self.tr("当前密钥：{path}").format(path=path)
            if path
            else self.tr("还没有签名密钥。报送前请新建或选择一个。")
        )

    def create(self) -> None:
        dialog = NewKeyDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("保存密钥"),
            str(Path(documents_folder()) / f"{self.unit.id}.p12"),
            self.tr("PKCS#12 密钥 (*.p12)"),
        )
        if not path:
            return
        unit, district = self.unit, self.district
        passphrase, algorithm = dialog.passphrase.text(), str(dialog.algorithm.currentData())

        def job() -> Path:
            data = new_key(unit.id, unit.full_name, passphrase, algorithm=algorithm, district=district)
            return files.write_output(path, data, kind=files.KEY)

        self.worker.run(
            job,
            self._created,
            lambda exc: show_error(self, exc, self.tr("无法新建密钥")),
            self.tr("正在生成密钥…"),
            self,
        )

    def _created(self, path: Path) -> None:
        self.settings.set_key_path(str(path))
        self._show_current()
        QMessageBox.information(
            self,
            self.tr("新建密钥"),
            self.tr("密钥已保存。请接着点“导出证书交区里登记”，把证书文件交给{district}登记。").format(
                district=self.district_unit
            ),
        )

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择密钥"), documents_folder(), self.tr("PKCS#12 密钥 (*.p12 *.pfx)")
        )
        if not path:
            return
        opened = ask_key(self, self.worker, path, self.tr("请输入该密钥的口令以确认："))
        if opened is None:  # a wrong passphrase was said in the passphrase dialog
            return
        info = opened[1].info
        self.settings.set_key_path(path)
        self._show_current()
        QMessageBox.information(
            self,
            self.tr("选择密钥"),
            self.tr("已选用：{subject}\nSHA-256 指纹：{fp}").format(
                subject=shown(info.subject), fp=fingerprint_groups(info.fingerprint_sha256)
            ),
        )

    def export_certificate(self) -> None:
        key_path = self.settings.key_path()
        if not key_path:
            self._show_current()
            return
        opened = ask_key(self, self.worker, key_path, self.tr("请输入密钥口令："))
        if opened is None:  # a wrong passphrase was said in the dialog, before the file dialog
            return
        key = opened[1]
        self._save_certificate((key.certificate.public_bytes(Encoding.PEM).decode("ascii"), key.info))

    def _save_certificate(self, result: tuple[str, CertificateInfo]) -> None:
        pem, info = result
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("保存证书"),
            str(Path(documents_folder()) / f"{self.unit.id}.pem"),
            self.tr("证书 (*.pem)"),
        )
        if not path:
            return
        try:
            files.write_output(path, pem.encode("ascii"), kind=files.CERT)
        except UserError as exc:
            QMessageBox.warning(self, self.tr("无法导出证书"), exc.message)
            return
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("导出证书"),
            self.tr(
                "证书已保存到 {path}。\n交给{district}时，请电话核对 SHA-256 指纹（逐组读出）：\n{fp}"
            ).format(
                district=self.district_unit, path=shown(path), fp=fingerprint_groups(info.fingerprint_sha256)
            ),
            QMessageBox.StandardButton.Close,
            self,
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()
