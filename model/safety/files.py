"""Writing exported files safely: a half-written report never replaces a good one.

The bytes go to a temporary file in the target's folder, are flushed to disk, then moved over the
target with `os.replace`, which is atomic on one file system on Linux and Windows. A failure part way
(disk full, USB stick pulled, the file open in Excel, a bug in the writer) leaves the earlier file as
it was and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

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


def _fsync_dir(folder: Path) -> None:
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
        _fsync_dir(target.parent)
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
