"""Rotating backups of the database, made with SQLite's backup API, and restoring one.

Backups live in `backups/` beside the database, one self-contained SQLite file each, named
`<db name>-<YYYYMMDD-HHMMSS>-<reason>.sqlite`; the middle part is the backup's id. Every backup is
checked with `PRAGMA integrity_check` before it is kept; one that fails is deleted and reported.
The newest `KEEP` backups stay, plus the newest of each of the last `KEEP_MONTHS` months.

Made: when the window starts, daily while it runs, before every schema migration (`open_database`),
before every import, and before every restore (so a restore can itself be undone).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from model.common.errors import StorageError, UserError
from model.common.failures import BACKUP, environment_error
from model.common.i18n import translate
from model.safety.files import make_private, replace_file
from model.store.audit import BACKUP_RESTORE, AuditRepository
from model.store.connection import Database, copy_database, integrity_problems, now_iso
from model.store.figures import figure_count
from model.store.lock import WriterLock
from model.store.schema import AUDIT_VALUES_SINCE, SCHEMA_VERSION


class _OnFile(Protocol):
    """Anything that says which database file it is (a `Store`), without importing the store here."""

    @property
    def path(self) -> Path: ...


BACKUP_DIR = "backups"
KEEP = 20
KEEP_MONTHS = 24
START, DAILY, MIGRATION, IMPORT, RESTORE, MANUAL = (
    "start",
    "daily",
    "migration",
    "import",
    "restore",
    "manual",
)
REASONS = (START, DAILY, MIGRATION, IMPORT, RESTORE, MANUAL)
_STAMP = "%Y%m%d-%H%M%S"


def reason_label(reason: str) -> str:
    return {
        START: translate("backup", "程序启动时"),
        DAILY: translate("backup", "每日自动"),
        MIGRATION: translate("backup", "升级数据库结构前"),
        IMPORT: translate("backup", "导入报送包前"),
        RESTORE: translate("backup", "恢复备份前"),
        MANUAL: translate("backup", "手动"),
    }.get(reason, reason)


@dataclass(frozen=True)
class Backup:
    id: str
    path: Path
    created_at: datetime
    reason: str
    size_bytes: int

    @property
    def reason_label(self) -> str:
        return reason_label(self.reason)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "reason": self.reason,
            "reason_label": self.reason_label,
            "file": str(self.path),
            "size_bytes": self.size_bytes,
        }


@dataclass(frozen=True)
class Contents:
    """What a database file holds, to tell the clerk what a restore brings back."""

    schema_version: int
    figures: int
    last_change: str | None  # time of the newest audit row


@dataclass(frozen=True)
class Restored:
    backup: Backup
    contents: Contents
    before: Backup | None  # the state just before the restore, kept as a backup
    damaged_copy: Path | None  # the damaged database moved aside, when it could not be backed up


def backups_dir(db_path: str | Path) -> Path:
    return Path(db_path).parent / BACKUP_DIR


def _pattern(db_path: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(db_path.stem)}-(\d{{8}}-\d{{6}}(?:-\d+)?)-([a-z]+)\.sqlite$")


def _order(backup: Backup) -> tuple[str, int]:
    """Ids are a time stamp, with "-2", "-3" … for a second backup within the same second."""
    return backup.id[:15], int(backup.id[16:] or 1)


def list_backups(db_path: str | Path) -> list[Backup]:
    """This database's backups, newest first."""
    db_path = Path(db_path)
    folder = backups_dir(db_path)
    pattern = _pattern(db_path)
    found = []
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(folder):
            m = pattern.match(entry.name)
            if not m or not entry.is_file():
                continue
            created = datetime.strptime(m.group(1)[:15], _STAMP).astimezone()
            found.append(Backup(m.group(1), Path(entry.path), created, m.group(2), entry.stat().st_size))
    return sorted(found, key=_order, reverse=True)


def find_backup(db_path: str | Path, backup_id: str) -> Backup:
    """A backup by its id (as listed) or its file name."""
    wanted = backup_id.strip()
    backups = list_backups(db_path)
    for b in backups:
        if wanted in (b.id, b.path.name, str(b.path)):
            return b
    hint = (
        translate("backup", "现有备份：{ids}。").format(ids="、".join(b.id for b in backups[:5]))
        if backups
        else translate("backup", "目前还没有任何备份。")
    )
    raise UserError(
        translate("backup", "没有编号为“{id}”的备份。{hint}用 main.py backup list 查看全部备份。").format(
            id=backup_id, hint=hint
        )
    )


def verify(path: str | Path) -> list[str]:
    """Problems `integrity_check` finds in a backup file (opened read-only); [] when it is sound."""
    return integrity_problems(Path(path), "integrity_check", readonly=True)


def quick_check(db_path: str | Path) -> list[str]:
    """`PRAGMA quick_check` on a live database (it may need WAL recovery, so not read-only)."""
    return integrity_problems(Path(db_path), "quick_check", readonly=False)


def contents(path: str | Path) -> Contents:
    db = Database(path, write=False, create=False)
    try:
        version = db.user_version
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        count = figure_count(db) if "figures" in tables else 0
        last = AuditRepository(db).last_change() if "audit" in tables else None
    finally:
        db.close()
    return Contents(version, count, last)


def _new_name(db_path: Path, reason: str) -> tuple[str, Path]:
    folder = backups_dir(db_path)
    stamp = datetime.now().strftime(_STAMP)
    taken = {b.id for b in list_backups(db_path)}
    backup_id, n = stamp, 1
    while backup_id in taken:
        n += 1
        backup_id = f"{stamp}-{n}"
    return backup_id, folder / f"{db_path.stem}-{backup_id}-{reason}.sqlite"


def backup_now(
    store: _OnFile | str | Path, reason: str, *, keep: int = KEEP, months: int = KEEP_MONTHS
) -> Backup:
    """Back the database up now, check the copy, rotate old backups; `StorageError` if it cannot.

    Reads only what is committed (a separate connection), so it may be called at any time, also while
    the store's own connection is inside a transaction.
    """
    if reason not in REASONS:
        raise ValueError(reason)
    db_path = Path(store if isinstance(store, str | Path) else store.path)
    backup_id, target = _new_name(db_path, reason)
    temp = target.with_name(f".{target.name}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_database(db_path, temp, standalone=True)
        problems = verify(temp)
        if problems:
            raise StorageError(
                translate(
                    "backup",
                    "备份 {id} 没有通过完整性检查（{problem}），已删除这份备份；数据库本身不受影响。",
                ).format(id=backup_id, problem=problems[0])
            )
        make_private(temp)
        replace_file(temp, target)
    except BaseException as exc:
        for leftover in (temp, temp.with_name(temp.name + "-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        if isinstance(exc, UserError):
            raise
        known = environment_error(exc, target, BACKUP)
        if known is not None:
            raise known from None
        raise
    prune(db_path, keep=keep, months=months)
    return Backup(
        backup_id,
        target,
        datetime.strptime(backup_id[:15], _STAMP).astimezone(),
        reason,
        target.stat().st_size,
    )


def backup_if_due(
    store: _OnFile | str | Path,
    *,
    every: timedelta = timedelta(days=1),
    keep: int = KEEP,
    months: int = KEEP_MONTHS,
) -> Backup | None:
    """The daily backup: made when the newest backup is older than `every` (or there is none)."""
    db_path = Path(store if isinstance(store, str | Path) else store.path)
    newest = next(iter(list_backups(db_path)), None)
    if newest is not None and datetime.now().astimezone() - newest.created_at < every:
        return None
    return backup_now(db_path, DAILY, keep=keep, months=months)


def prune(db_path: str | Path, *, keep: int = KEEP, months: int = KEEP_MONTHS) -> list[Backup]:
    """Delete all but the newest `keep` backups and the newest of each of the last `months` months."""
    backups = list_backups(db_path)
    kept = {b.id for b in backups[: max(keep, 1)]}
    month_seen: list[str] = []
    for b in backups:  # newest first: the first one seen of a month is that month's newest
        month = b.created_at.strftime("%Y-%m")
        if month not in month_seen:
            month_seen.append(month)
            if len(month_seen) <= months:
                kept.add(b.id)
    removed = []
    for b in backups:
        if b.id not in kept:
            with contextlib.suppress(OSError):
                b.path.unlink()
                removed.append(b)
    return removed


def _refuse_unless_tanbao(backup: Backup) -> Contents:
    problems = verify(backup.path)
    if problems:
        raise UserError(
            translate(
                "backup", "备份 {id} 没有通过完整性检查（{problem}），不能用来恢复。请选另一份备份。"
            ).format(id=backup.id, problem=problems[0])
        )
    found = contents(backup.path)
    if not 1 <= found.schema_version <= SCHEMA_VERSION:
        raise UserError(
            translate("backup", "备份 {id} 不是本程序能读的 TanBao 数据库（结构版本 {v}）。").format(
                id=backup.id, v=found.schema_version
            )
        )
    return found


def _move_damaged_aside(db_path: Path) -> Path:
    """Keep the damaged database (and its -wal/-shm) for inspection; the live name is then free."""
    folder = backups_dir(db_path) / f"damaged-{datetime.now().strftime(_STAMP)}"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(db_path, folder / db_path.name)
    for suffix in ("-wal", "-shm"):
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            replace_file(side, folder / side.name)
    return folder


def _replace_file(db_path: Path, backup: Backup) -> None:
    temp = db_path.with_name(f".{db_path.name}.restore.tmp")
    try:
        shutil.copyfile(backup.path, temp)
        with open(temp, "rb+") as f:
            os.fsync(f.fileno())
        replace_file(temp, db_path)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def restore_backup(
    db_path: str | Path, backup_id: str, *, who: str, lock: WriterLock | None = None
) -> Restored:
    """Put a backup back in place of the database.

    Needs the writer lock (pass the one already held, e.g. by the window after closing its store,
    or it is taken here and `DatabaseInUse` says who has it). The current state is backed up first; a
    database too damaged to back up is copied aside into `backups/damaged-…/` instead. A sound database
    is overwritten through SQLite's backup API (one transaction: a crash half way changes nothing),
    a damaged one by replacing the file. The restore is recorded in the restored database's audit.
    """
    db_path = Path(db_path)
    backup = find_backup(db_path, backup_id)
    found = _refuse_unless_tanbao(backup)
    own_lock = lock is None
    held = (lock or WriterLock(db_path)).acquire()
    try:
        before: Backup | None = None
        damaged: Path | None = None
        sound = db_path.exists() and not quick_check(db_path)
        try:
            if sound:
                before = backup_now(db_path, RESTORE)
                copy_database(backup.path, db_path, standalone=False)
            else:
                if db_path.exists():
                    damaged = _move_damaged_aside(db_path)
                _replace_file(db_path, backup)
            _record_restore(db_path, who, before.id if before else None, backup.id)
        except (sqlite3.Error, OSError) as exc:
            known = environment_error(exc, db_path, BACKUP)
            if known is None:
                raise
            raise StorageError(
                translate("backup", "恢复没有完成：{problem}").format(problem=known.message)
            ) from None
        problems = quick_check(db_path)
        if problems:  # cannot happen with a verified backup unless the disk itself fails
            raise StorageError(
                translate("backup", "恢复后数据库检查未通过（{problem}），请检查磁盘后再恢复一次。").format(
                    problem=problems[0]
                )
            )
    finally:
        if own_lock:
            held.release()
    return Restored(backup, found, before, damaged)


def _record_restore(db_path: Path, who: str, before: str | None, restored: str) -> None:
    """The restore, in the restored database's own audit (whatever schema version it has)."""
    db = Database(db_path, write=True, create=False)
    try:
        with db.transaction():
            if db.user_version >= AUDIT_VALUES_SINCE:
                AuditRepository(db).record(who, BACKUP_RESTORE, old=before, new=restored)
            else:
                db.execute(
                    "INSERT INTO audit (at, who, action, old, new) VALUES (?, ?, ?, ?, ?)",
                    (now_iso(), who, BACKUP_RESTORE, before, restored),
                )
    finally:
        db.close()
