"""Writing exported files safely: a half-written report never replaces a good one.

The bytes go to a temporary file in the target's folder, are flushed to disk, then moved over the
target with `os.replace`, which is atomic on one file system on Linux and Windows. A failure part way
(disk full, USB stick pulled, the file open in Excel, a bug in the writer) leaves the earlier file as
it was and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from model.common.errors import UserError
from model.common.failures import WRITE_FILE, environment_error
from model.common.i18n import translate
from model.common.untrusted import shown

TEMP_SUFFIX = ".tmp"
# Windows: antivirus scanners, the search indexer and backup agents open a new file for a moment, and a
# rename onto or of it then fails with PermissionError. Waiting a little and trying again gets through.
REPLACE_ATTEMPTS = 6
REPLACE_FIRST_WAIT = 0.05  # seconds, doubled after each failure (0.05 … 0.8: about 1.5 s in all)


def replace_file(source: str | Path, target: str | Path) -> None:
    """`os.replace`, tried again a few times on PermissionError before giving up with it."""
    wait = REPLACE_FIRST_WAIT
    for attempt in range(REPLACE_ATTEMPTS):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if attempt == REPLACE_ATTEMPTS - 1:
                raise
            time.sleep(wait)
            wait *= 2


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in `folder` survive a power cut (its entry is on disk)."""
    if sys.platform == "win32":  # a folder cannot be opened for fsync on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems (network shares) refuse; the rename is done regardless
        pass
    finally:
        os.close(fd)


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (mkstemp makes it 0600)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


PRIVATE_MODE = 0o600


def make_private(path: str | Path) -> None:
    """Readable and writable by the user only (keys, databases, backups). On Windows the mode bits do
    not exist: these files live in the user's own profile folder (%APPDATA%), whose access list admits
    only that user and the administrators, or in the portable folder the user chose."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(FileNotFoundError):
        os.chmod(path, PRIVATE_MODE)


def write_atomic(path: str | Path, data: bytes | Callable[[Path], None], *, private: bool = False) -> Path:
    """Write to a temporary file beside `path`, then rename it into place.

    `data` is the file's bytes, or a function that writes the file at the path it is given (a temporary
    path beside `path`: hand it to reportlab, openpyxl or pyHanko as their output file).
    `private`: the file is the user's alone (0600), e.g. a signing key, whatever was there before.
    Disk full, read-only, locked or failing: `StorageError`/`UserError` with a plain message. Any other
    exception from the writer propagates unchanged. In every failure the earlier file is untouched.
    """
    target = Path(path)
    tmp: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
        tmp = Path(name)
        if isinstance(data, bytes | bytearray | memoryview):
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        else:
            os.close(fd)
            data(tmp)
            with open(tmp, "rb+") as written:
                os.fsync(written.fileno())
        os.chmod(tmp, PRIVATE_MODE if private else _mode_for(target))
        replace_file(tmp, target)
        tmp = None
        fsync_dir(target.parent)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        if isinstance(exc, PermissionError):
            raise UserError(
                translate(
                    "files",
                    "无法写入 {path}：没有权限，或文件正被其他程序（例如 Excel、PDF 阅读器）打开。请关闭该文件或换一个位置后重试。",
                ).format(path=shown(target))
            ) from None
        known = environment_error(exc, target, WRITE_FILE)
        if known is not None:
            raise known from None
        if isinstance(exc, OSError):
            raise UserError(
                translate("files", "无法写入 {path}：{err}。请检查磁盘空间和文件夹后重试。").format(
                    path=shown(target), err=exc.strerror or exc
                )
            ) from None
        raise
    return target


# ---- what may be overwritten ------------------------------------------------------------------
#
# An output path typed or picked by a clerk may name something precious: the database, one of its
# backups, a signing key. Only a previous export of the same kind (a report over a report) is
# replaced without asking; anything else needs `force` (the CLI's --force).

PDF, XLSX, CERT, KEY, PLAN = "pdf", "xlsx", "cert", "key", "plan"
_SNIFF_BYTES = 64 * 1024


class OverwriteRefused(UserError):
    """The output path holds a file that is not a previous export of the same kind."""


def _kind_label(kind: str) -> str:
    return {
        PDF: translate("files", "PDF 报表"),
        XLSX: translate("files", "Excel 工作簿"),
        CERT: translate("files", "证书"),
        KEY: translate("files", "密钥"),
        PLAN: translate("files", "计划文件"),
    }[kind]


def _is_xlsx(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def _looks_like(path: Path, head: bytes) -> str:
    """What an existing file is, judged by its content: one of the kinds, "database" or "other"."""
    if head.startswith(b"SQLite format 3\x00") or head[:4] in (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83"):
        return "database"  # a database, a backup, or a database's -wal file
    if b"PRIVATE KEY-----" in head or path.suffix.lower() in (".p12", ".pfx"):
        return KEY
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return XLSX if _is_xlsx(path) else "other"
    if head.lstrip().startswith(b"-----BEGIN CERTIFICATE-----"):
        return CERT
    if head.lstrip().startswith(b"{") and b'"tanbao-plan"' in head:
        return PLAN
    return "other"


def check_overwrite(path: str | Path, kind: str, *, force: bool = False) -> None:
    """Refuse (`OverwriteRefused`) to replace a file that is not a previous export of `kind`.

    A missing or empty file is fine. A key is never a "previous export": a new key or certificate is
    not written over one without `force`. A folder, device or pipe is never written over."""
    target = Path(path)
    try:
        st = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as exc:
        raise UserError(
            translate("files", "无法检查 {path}：{err}").format(path=shown(target), err=exc.strerror or exc)
        ) from None
    if not stat.S_ISREG(st.st_mode):
        raise UserError(
            translate("files", "{path} 不是普通文件（是文件夹或设备），不能写入。请给出一个文件名。").format(
                path=target
            )
        )
    if st.st_size == 0 or force:
        return
    with open(target, "rb") as f:
        head = f.read(_SNIFF_BYTES)
    found = _looks_like(target, head)
    if found == kind and kind != KEY:
        return
    what = {
        "database": translate("files", "TanBao 数据库或它的备份"),
        "other": translate("files", "其他文件"),
    }.get(found) or _kind_label(found)
    raise OverwriteRefused(
        translate(
            "files", "{path} 已存在，是{what}，不是以前导出的{kind}。为免覆盖，没有写入：请换一个文件名。"
        ).format(path=shown(target), what=what, kind=_kind_label(kind))
    )


def write_output(
    path: str | Path, data: bytes | Callable[[Path], None], *, kind: str, force: bool = False
) -> Path:
    """Write a file the clerk named (an export, a key, a certificate): `check_overwrite`, then
    `write_atomic`. Every writer to a user-chosen path, in the window and the CLI, goes through here."""
    check_overwrite(path, kind, force=force)
    return write_atomic(path, data, private=kind == KEY)


# ---- reading what the clerk hands in --------------------------------------------------------------
#
# A path typed or picked may be `/dev/zero`, a named pipe, a folder, or a file far larger than any real
# one. Every read of such a path opens it without blocking, refuses anything but a regular file, and
# counts the bytes as they come (the size `stat` reports is not trusted: a file may grow while read).

MB = 1024 * 1024


def _not_regular(path: Path, what: str) -> UserError:
    return UserError(
        translate(
            "files", "{what} {path} 不是普通文件（是文件夹、设备或管道），没有读取。请选择一个文件。"
        ).format(what=what, path=shown(path))
    )


def too_large(path: str | Path, limit: int, what: str) -> UserError:
    return UserError(
        translate("files", "{what} {path} 超过 {limit} MB 的上限，没有读取。请检查是否选错了文件。").format(
            what=what, path=shown(path), limit=f"{limit / MB:g}"
        )
    )


class BoundedReader(io.RawIOBase):
    """A regular file read through a counter: more than `limit` bytes is a `UserError`."""

    def __init__(self, path: str | Path, limit: int, what: str) -> None:
        super().__init__()
        self.path, self.limit, self.what = Path(path), limit, what
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(self.path, flags)  # O_NONBLOCK: opening a named pipe does not wait for a writer
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise _not_regular(self.path, what)
            if st.st_size > limit:  # too large already; a file growing while read is caught by the count
                raise too_large(self.path, limit, what)
        except BaseException:
            os.close(fd)
            raise
        self._file = os.fdopen(fd, "rb", buffering=0)
        self.count = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        position = self._file.seek(offset, whence)
        self.count = position
        return position

    def tell(self) -> int:
        return self._file.tell()

    def readinto(self, buffer: Any) -> int:
        n = self._file.readinto(buffer) or 0
        self.count += n
        if self.count > self.limit:
            raise too_large(self.path, self.limit, self.what)
        return n

    def close(self) -> None:
        self._file.close()
        super().close()


def open_bounded(path: str | Path, limit: int, what: str) -> io.BufferedReader:
    """A buffered stream over `BoundedReader` (for parsers that read as they go: CSV, zip, openpyxl)."""
    return io.BufferedReader(BoundedReader(path, limit, what), buffer_size=256 * 1024)


def read_bounded(path: str | Path, limit: int, what: str) -> bytes:
    """The whole of a regular file of at most `limit` bytes. OS errors (missing file, no permission)
    propagate as `OSError` for the caller's own message; other refusals are `UserError`s naming `what`."""
    with open_bounded(path, limit, what) as f:
        return f.read()
