"""Telling the user's environment failing (disk full, file locked or read-only, I/O error) from bugs.

`environment_error` turns an sqlite3 or OS error that the clerk can do something about into a
`StorageError` with one plain Chinese line; anything else (a constraint, a syntax error, a bug) gives
None and is re-raised as it is, so it reaches the bug report with its traceback.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from model.common.errors import StorageError
from model.common.i18n import translate
from model.common.untrusted import shown

# What was being done, and what the failure means for the clerk's data.
SAVE, WRITE_FILE, BACKUP, OPEN = "save", "write_file", "backup", "open"

# SQLite primary result codes (sqlite3.h); extended codes carry them in the low byte.
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_NOMEM, _SQLITE_READONLY = 3, 5, 6, 7, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26

_FULL, _BUSY, _READONLY, _IO, _CORRUPT, _CANTOPEN, _NOMEM = (
    "full",
    "busy",
    "readonly",
    "io",
    "corrupt",
    "cantopen",
    "nomem",
)

_BY_SQLITE_CODE = {
    _SQLITE_FULL: _FULL,
    _SQLITE_BUSY: _BUSY,
    _SQLITE_LOCKED: _BUSY,
    _SQLITE_READONLY: _READONLY,
    _SQLITE_PERM: _READONLY,
    _SQLITE_IOERR: _IO,
    _SQLITE_CORRUPT: _CORRUPT,
    _SQLITE_NOTADB: _CORRUPT,
    _SQLITE_CANTOPEN: _CANTOPEN,
    _SQLITE_NOMEM: _NOMEM,
}

_BY_ERRNO = {
    errno.ENOSPC: _FULL,
    getattr(errno, "EDQUOT", errno.ENOSPC): _FULL,
    errno.EROFS: _READONLY,
    errno.EACCES: _READONLY,
    errno.EPERM: _READONLY,
    errno.EIO: _IO,
    errno.EBUSY: _BUSY,
    errno.ENOMEM: _NOMEM,
}


def _kind(exc: BaseException) -> str | None:
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int):
            return _BY_SQLITE_CODE.get(code & 0xFF)
        return None
    if isinstance(exc, MemoryError):
        return _NOMEM
    if isinstance(exc, OSError) and exc.errno is not None:
        return _BY_ERRNO.get(exc.errno)
    return None


def _problem(kind: str, path: Path) -> str:
    return {
        _FULL: translate("failures", "磁盘空间不足（{path}）"),
        _BUSY: translate("failures", "{path} 正被其他程序占用"),
        _READONLY: translate(
            "failures", "{path} 是只读的，或者没有写入权限，或者正被其他程序（如 Excel）打开"
        ),
        _IO: translate("failures", "读写 {path} 时磁盘出错（U盘被拔出或磁盘损坏？）"),
        _CORRUPT: translate("failures", "数据库 {path} 已损坏"),
        _CANTOPEN: translate("failures", "无法打开 {path}：文件夹不存在或没有权限"),
        _NOMEM: translate("failures", "内存不足"),
    }[kind].format(path=shown(path))


def _consequence(doing: str) -> str:
    return {
        SAVE: translate("failures", "这次的数据没有保存，以前保存的数据不受影响"),
        WRITE_FILE: translate("failures", "文件没有写出，原有的文件保持不变"),
        BACKUP: translate("failures", "备份没有完成，数据库本身不受影响"),
        OPEN: translate("failures", "数据库没有打开"),
    }[doing]


def _advice(kind: str) -> str:
    return {
        _FULL: translate("failures", "请清理磁盘空间后再试一次"),
        _BUSY: translate("failures", "请稍后再试；如果一直如此，请关闭其他 TanBao 窗口或命令"),
        _READONLY: translate(
            "failures", "请关闭占用该文件的程序，或检查文件和文件夹的权限，或换一个可写的位置"
        ),
        _IO: translate("failures", "请检查磁盘或U盘后再试一次"),
        _CORRUPT: translate(
            "failures", "请用 main.py backup list 查看备份，用 main.py backup restore 编号 恢复"
        ),
        _CANTOPEN: translate("failures", "请检查路径和权限"),
        _NOMEM: translate("failures", "请关闭其他程序后再试一次"),
    }[kind]


def environment_error(exc: BaseException, path: str | Path, doing: str) -> StorageError | None:
    """A `StorageError` saying what failed and what to do, or None when `exc` looks like a bug."""
    kind = _kind(exc)
    if kind is None:
        return None
    return StorageError(
        translate("failures", "{problem}：{consequence}。{advice}。").format(
            problem=_problem(kind, Path(path)), consequence=_consequence(doing), advice=_advice(kind)
        )
    )
