"""One writer per database: a second copy of TanBao refuses to write and says who holds the file.

The lock is a file beside the database (`tanbao.sqlite.lock`) that holds an operating-system lock
(`fcntl.flock` on Linux and macOS, `msvcrt.locking` on Windows) for as long as the writer runs, and a
line of JSON saying who that is (user, host, process id, since when). The operating system drops the
lock when the process ends however it ends, so a lock left by a killed program is recovered by the next
start without anyone deleting files.

The JSON doubles as the "program is running" marker: it is written when the lock is taken and
cleared when it is released cleanly. Finding it still there when taking the lock means the previous
writer did not exit cleanly (killed, crashed, power cut); `WriterLock.previous` then says who it was,
and the caller checks the database (`model.store.recovery`).
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import json
import os
import socket
import sys
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from model.common.errors import UserError
from model.common.failures import OPEN, environment_error
from model.common.i18n import translate
from model.common.untrusted import shown

LOCK_SUFFIX = ".lock"
# Windows locks a byte range; lock one byte far past the JSON so that others can still read it.
_WINDOWS_LOCK_OFFSET = 1 << 20
_HELD_ELSEWHERE = {errno.EACCES, errno.EAGAIN, getattr(errno, "EDEADLOCK", errno.EDEADLK), errno.EDEADLK}


@dataclass(frozen=True)
class LockInfo:
    pid: int
    host: str
    user: str
    since: str  # ISO time the writer started
    program: str = "TanBao"

    def describe(self) -> str:
        return translate("lock", "{user}，计算机 {host}，进程号 {pid}，自 {since} 起").format(
            user=self.user or "?",
            host=self.host or "?",
            pid=self.pid,
            since=self.since[:16].replace("T", " "),
        )


class DatabaseInUse(UserError):
    """Another program holds the writer lock; `holder` says who, when the lock file tells."""

    def __init__(self, message: str, holder: LockInfo | None) -> None:
        super().__init__(message)
        self.holder = holder


def lock_path(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + LOCK_SUFFIX)


def _parse(text: str) -> LockInfo | None:
    try:
        data = json.loads(text)
        return LockInfo(
            pid=int(data["pid"]),
            host=str(data.get("host", "")),
            user=str(data.get("user", "")),
            since=str(data.get("since", "")),
            program=str(data.get("program", "TanBao")),
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def read_lock_info(db_path: str | Path) -> LockInfo | None:
    """What the lock file says (the holder, or a writer that did not exit cleanly); None if empty."""
    try:
        with open(lock_path(db_path), encoding="utf-8") as f:
            return _parse(f.read(4096))
    except OSError:
        return None


def _who() -> str:
    try:
        return os.environ.get("TANBAO_USER") or getpass.getuser()
    except (OSError, KeyError):  # no user name on some service accounts
        return ""


def _try_os_lock(f: IO[bytes]) -> bool:
    """Take the OS lock without waiting; False when another process holds it."""
    if sys.platform == "win32":
        import msvcrt

        f.seek(_WINDOWS_LOCK_OFFSET)
        try:
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            # EACCES (ERROR_LOCK_VIOLATION) or EDEADLOCK: another process holds the byte. Anything else
            # (EINVAL for ERROR_NOT_SUPPORTED / ERROR_INVALID_FUNCTION on some network shares and NAS):
            # this place cannot lock at all, which the caller reports as such.
            if exc.errno in _HELD_ELSEWHERE:
                return False
            raise
        finally:
            f.seek(0)
        return True
    import fcntl

    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise
    return True


def _os_unlock(f: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        f.seek(_WINDOWS_LOCK_OFFSET)
        try:
            msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)
        finally:
            f.seek(0)
        return
    import fcntl

    fcntl.flock(f.fileno(), fcntl.LOCK_UN)


class WriterLock:
    """The right to write one database. `acquire()` or `with WriterLock(path):`."""

    def __init__(self, db_path: str | Path, program: str = "TanBao") -> None:
        self.db_path = Path(db_path)
        self.path = lock_path(db_path)
        self.program = program
        self.previous: LockInfo | None = None  # a writer that did not exit cleanly, found on acquire
        self.info: LockInfo | None = None
        self._file: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> WriterLock:
        """Take the lock or raise `DatabaseInUse` naming the holder; never waits."""
        if self._file is not None:
            return self
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # kept open for as long as the lock is held
            f = os.fdopen(
                os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644), "r+b"
            )
        except OSError as exc:
            raise UserError(
                translate("lock", "无法创建锁文件 {path}：{err}。请检查数据库所在文件夹是否可写。").format(
                    path=shown(self.path), err=exc.strerror or exc
                )
            ) from None
        try:
            got = _try_os_lock(f)
        except OSError as exc:
            f.close()
            raise UserError(
                translate(
                    "lock",
                    "无法锁定数据库 {path}（{err}）：所在的文件系统不支持加锁，请把数据库放在本机磁盘上。",
                ).format(path=self.db_path, err=exc.strerror or exc)
            ) from None
        if not got:
            f.close()
            holder = read_lock_info(self.db_path)
            raise DatabaseInUse(self._in_use_message(holder), holder)
        f.seek(0)
        self.previous = _parse(f.read(4096).decode("utf-8", "replace"))
        self.info = LockInfo(
            pid=os.getpid(),
            host=socket.gethostname(),
            user=_who(),
            since=datetime.now().astimezone().isoformat(timespec="seconds"),
            program=self.program,
        )
        self._file = f
        try:
            self._write(json.dumps(asdict(self.info), ensure_ascii=False).encode("utf-8"))
        except OSError as exc:  # a full disk: the marker cannot be written, so the lock is not taken
            self._file = None
            with contextlib.suppress(OSError):
                _os_unlock(f)
            f.close()
            known = environment_error(exc, self.path, OPEN)
            if known is not None:
                raise known from None
            raise UserError(
                translate("lock", "无法写入锁文件 {path}：{err}。请检查数据库所在文件夹是否可写。").format(
                    path=self.path, err=exc.strerror or exc
                )
            ) from None
        return self

    def _in_use_message(self, holder: LockInfo | None) -> str:
        who = holder.describe() if holder is not None else translate("lock", "无法读取占用者信息")
        return translate(
            "lock",
            "数据库 {db} 正由另一个 TanBao 程序写入（{who}）。同一个数据库同时只能由一个程序写入：请先关闭那个窗口或等它完成后再试；查看数据的命令不受影响。",
        ).format(db=self.db_path, who=who)

    def _write(self, data: bytes) -> None:
        assert self._file is not None
        f = self._file
        f.seek(0)
        f.truncate()
        f.write(data)
        f.flush()
        with contextlib.suppress(OSError):
            os.fsync(f.fileno())

    def release(self, *, clean: bool = True) -> None:
        """Give the lock up. `clean=False` leaves the marker, so the next start checks the database."""
        f = self._file
        if f is None:
            return
        try:
            if clean:
                self._write(b"")
            elif self.previous is not None:  # keep naming the writer that did not exit cleanly
                self._write(json.dumps(asdict(self.previous), ensure_ascii=False).encode("utf-8"))
            _os_unlock(f)
        except OSError:
            pass  # closing the file below drops the OS lock in any case
        finally:
            self._file = None
            f.close()

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
