"""Opening a stored file (a signed PDF, an evidence file) in the program the computer uses for it, or
saving a copy: shared by the evidence dialog and the district's drill-down."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from model.common.errors import UserError
from model.exchange.received import write_copy
from model.safety.files import write_atomic

_OPENED = Path(tempfile.gettempdir()) / "tanbao-opened"


def documents_folder() -> str:
    """Where a file dialog starts when the user has not chosen a folder yet (我的文档)."""
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(
        Path.home()
    )


def safe_name(name: str) -> str:
    """A file name from a package or the database, never a path out of the folder it is written to."""
    base = Path(name.replace("\\", "/")).name
    return base if base not in ("", ".", "..") else "file"


def open_copy(parent: QWidget, name: str, data: bytes) -> Path | None:
    """Write a read-only copy to a temporary folder and open it; the stored file is never touched."""
    try:
        _OPENED.mkdir(exist_ok=True)
        path = write_atomic(Path(tempfile.mkdtemp(dir=_OPENED)) / safe_name(name), data)
    except (OSError, UserError) as exc:
        QMessageBox.warning(parent, parent.tr("无法打开"), str(exc))
        return None
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        QMessageBox.information(
            parent,
            parent.tr("无法打开"),
            parent.tr("本机没有能打开这种文件的程序。已保存一份副本：{p}").format(p=path),
        )
    return path


def save_copy_as(parent: QWidget, name: str, data: bytes) -> Path | None:
    target, _ = QFileDialog.getSaveFileName(
        parent, parent.tr("另存为"), str(Path(documents_folder()) / safe_name(name))
    )
    if not target:
        return None
    try:
        return write_copy(target, data)
    except (OSError, UserError) as exc:
        QMessageBox.warning(parent, parent.tr("无法保存"), str(exc))
        return None
