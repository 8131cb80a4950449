"""After an unclean shutdown: check the database, and if it is damaged say which backup to restore.

The writer lock's marker (`model.store.lock`) tells that the previous writer did not exit cleanly. Then, before
anything else touches the file, `PRAGMA quick_check` runs; if it finds damage, the newest backup that
passes `integrity_check` is offered. `open_database(..., write=True)` does this on every open for writing
and raises `DamagedDatabase` (carrying the offer) instead of opening a damaged file.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from model.common.errors import UserError
from model.common.i18n import how_to, translate
from model.store.backup import Backup, list_backups, quick_check, verify
from model.store.lock import LockInfo, WriterLock


@dataclass(frozen=True)
class StartupCheck:
    db_path: Path
    previous: LockInfo | None  # set when the last writer did not exit cleanly
    problems: tuple[str, ...] = ()  # what quick_check found; empty when the database is sound
    offer: Backup | None = None  # the newest sound backup, offered when the database is damaged

    @property
    def unclean(self) -> bool:
        return self.previous is not None

    @property
    def ok(self) -> bool:
        return not self.problems

    def message(self) -> str:
        """One paragraph for the dialog (window) or the error line (CLI)."""
        if self.ok:
            if not self.unclean:
                return ""
            assert self.previous is not None
            return translate("recovery", "上次程序没有正常退出（{who}）。已检查数据库，数据完好。").format(
                who=self.previous.describe()
            )
        head = translate("recovery", "数据库 {db} 已损坏（{problem}）。").format(
            db=self.db_path, problem=self.problems[0]
        )
        if self.unclean:
            assert self.previous is not None
            head = (
                translate("recovery", "上次程序没有正常退出（{who}），").format(who=self.previous.describe())
                + head
            )
        if self.offer is None:
            return head + translate(
                "recovery",
                "没有找到可用的备份。请不要删除该文件，联系技术支持；backups 文件夹里的内容也请保留。",
            )
        return head + how_to(
            translate(
                "recovery",
                "可以恢复到 {time} 的备份（编号 {id}，{reason}）：在窗口中选择“恢复备份”，或运行 main.py backup restore {id}。",
            ),
            translate("recovery", "可以恢复到 {time} 的备份（编号 {id}，{reason}）。"),
        ).format(
            time=self.offer.created_at.strftime("%Y-%m-%d %H:%M"),
            id=self.offer.id,
            reason=self.offer.reason_label,
        )


class DamagedDatabase(UserError):
    """The database failed its check after an unclean shutdown; `check.offer` is the backup to offer."""

    def __init__(self, check: StartupCheck) -> None:
        super().__init__(check.message())
        self.check = check


def latest_good_backup(db_path: str | Path) -> Backup | None:
    """The newest backup that passes `integrity_check`."""
    for backup in list_backups(db_path):
        if not verify(backup.path):
            return backup
    return None


def _sqlite_header(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return True  # let the check say what is wrong


def empty_file_problem() -> str:
    return translate("recovery", "文件是空的（0 字节），可能是磁盘写满或复制中断")


def check_database(db_path: str | Path, previous: LockInfo | None = None) -> StartupCheck:
    """quick_check the database now; when damaged, find the backup to offer."""
    db_path = Path(db_path)
    if not db_path.exists():
        return StartupCheck(db_path, previous)
    if db_path.stat().st_size == 0:
        problems: tuple[str, ...] = (empty_file_problem(),)
    elif not _sqlite_header(db_path):
        return StartupCheck(db_path, previous)  # not a database at all: opening it says so
    else:
        problems = tuple(quick_check(db_path))
    offer = latest_good_backup(db_path) if problems else None
    return StartupCheck(db_path, previous, problems, offer)


def check_after_start(lock: WriterLock) -> StartupCheck:
    """Given the writer lock just taken: check the database before anything is written to it.

    Always, not only after an unclean shutdown: a disk can damage a cleanly closed file, and nothing
    may be written on top of damage (`quick_check` takes milliseconds on a unit's database)."""
    return check_database(lock.db_path, lock.previous)


class PendingCheck:
    """The start-up `quick_check` after a clean exit, on a thread of its own: on a district's database of
    hundreds of megabytes it takes a second or more. It starts when `start` is called (the window does
    once it is on the screen: reading the whole file meanwhile slowed the window's start by a third) or
    when its verdict is first needed. Reading goes on; the first write waits for the verdict
    (`require_sound`), so nothing is written on top of damage."""

    def __init__(self, lock: WriterLock) -> None:
        self.lock = lock
        self._check: StartupCheck | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="startup-check", daemon=True)
        self._starting = threading.Lock()

    def start(self) -> None:
        """Begin the check in the background; nothing when it has begun."""
        with self._starting:
            if self._thread.ident is None:
                self._thread.start()

    def _run(self) -> None:
        try:
            self._check = check_after_start(self.lock)
        except BaseException as exc:  # handed to whoever waits for the verdict
            self._error = exc

    def started(self) -> bool:
        return self._thread.ident is not None

    def done(self) -> bool:
        return self.started() and not self._thread.is_alive()

    def result(self) -> StartupCheck:
        self.start()
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._check is not None
        return self._check

    def damage(self) -> DamagedDatabase | None:
        """Wait for the check: what it found wrong (with the backup to offer), or None."""
        check = self.result()
        return None if check.ok else DamagedDatabase(check)

    def sound(self) -> bool:
        """Wait for the check (started now if it was not): True when it finished and found nothing wrong."""
        self.start()
        self._thread.join()
        return self._error is None and self._check is not None and self._check.ok

    def require_sound(self) -> None:
        damage = self.damage()
        if damage is not None:
            raise damage


def take_writer_lock_check_later(
    db_path: Path, lock: WriterLock | None = None
) -> tuple[WriterLock, StartupCheck | None, PendingCheck | None]:
    """As `take_writer_lock`, but after a clean exit the check runs in the background (`PendingCheck`);
    after an unclean one it runs now, as the damage is likelier and must be known before anything else.
    A file about to be made is not checked while it is being made."""
    held = (lock or WriterLock(db_path)).acquire()
    if held.previous is not None or not Path(db_path).exists():
        return (*take_writer_lock(db_path, held), None)
    return held, None, PendingCheck(held)


def take_writer_lock(db_path: Path, lock: WriterLock | None = None) -> tuple[WriterLock, StartupCheck]:
    """Take (or use) the writer lock and check the file after an unclean shutdown.

    Raises `DatabaseInUse` when another program writes, `DamagedDatabase` when the check fails; in that
    case the lock is released leaving its marker, so the file is checked again until it is restored.
    """
    held = (lock or WriterLock(db_path)).acquire()
    try:
        check = check_after_start(held)
    except BaseException:
        held.release(clean=False)
        raise
    if not check.ok:
        held.release(clean=False)
        raise DamagedDatabase(check)
    return held, check
