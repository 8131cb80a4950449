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
import json
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
from model.safety.files import fsync_dir, make_private, replace_file
from model.store.audit import BACKUP_RESTORE, AuditRepository
from model.store.connection import Database, change_mark, copy_database, integrity_problems, now_iso
from model.store.connection import _raw as _connect
from model.store.figures import figure_count
from model.store.lock import WriterLock
from model.store.schema import AUDIT_VALUES_SINCE, COMPACT_SINCE, SCHEMA_VERSION, run_migration
from model.store.schema import upgrade as upgrade_schema


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


@dataclass(frozen=True)
class Junk:
    """A file in `backups/` named like one of this database's backups that is not one (left alone)."""

    path: Path
    problem: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": str(self.path), "problem": self.problem}


SQLITE_HEADER = b"SQLite format 3\x00"
_TANBAO_TABLES = {"plans", "figures", "audit"}


def tanbao_file_problem(path: str | Path) -> str | None:
    """Why `path` is not a database of this program (None when it is one): read by content, never by name.

    A cheap check (header, schema version, the program's tables); `verify` does the full page check."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        return translate("backup", "无法读取（{err}）").format(err=exc.strerror or exc)
    if not header:
        return translate("backup", "空文件（0 字节）")
    if header != SQLITE_HEADER:
        return translate("backup", "不是 SQLite 数据库")
    try:
        with _connect(path, readonly=True) as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {  # figures and audit are views over compact tables (COMPACT_SINCE)
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
            }
    except sqlite3.Error as exc:
        return translate("backup", "数据库无法读取（{err}）").format(err=exc)
    if not 1 <= version <= SCHEMA_VERSION or not tables >= _TANBAO_TABLES:
        return translate("backup", "不是本程序的数据库")
    return None


def scan_backups(db_path: str | Path) -> tuple[list[Backup], list[Junk]]:
    """This database's backups, newest first, and the files named like backups that are not (junk)."""
    db_path = Path(db_path)
    pattern = _pattern(db_path)
    found: list[Backup] = []
    junk: list[Junk] = []
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for entry in os.scandir(backups_dir(db_path)):
            m = pattern.match(entry.name)
            if not m:
                continue
            path = Path(entry.path)
            try:
                created = datetime.strptime(m.group(1)[:15], _STAMP).astimezone()
            except ValueError:
                junk.append(Junk(path, translate("backup", "文件名中的时间无效")))
                continue
            problem = (
                tanbao_file_problem(path)
                if entry.is_file(follow_symlinks=False)
                else translate("backup", "不是普通文件")
            )
            if problem is not None:
                junk.append(Junk(path, problem))
                continue
            found.append(Backup(m.group(1), path, created, m.group(2), entry.stat().st_size))
    return sorted(found, key=_order, reverse=True), sorted(junk, key=lambda j: j.path.name)


def list_backups(db_path: str | Path) -> list[Backup]:
    """This database's backups, newest first (files that only look like backups are left out)."""
    return scan_backups(db_path)[0]


def junk_message(junk: list[Junk]) -> str:
    """One line naming the files in `backups/` that are not backups, for `backup list` and the window."""
    return translate(
        "backup", "备份文件夹中有 {n} 个文件看起来像备份但不是，已忽略（未删除）：{files}。"
    ).format(n=len(junk), files="；".join(f"{j.path.name}（{j.problem}）" for j in junk))


def find_backup(db_path: str | Path, backup_id: str) -> Backup:
    """A backup by its id (as listed) or its file name."""
    wanted = backup_id.strip()
    backups, junk = scan_backups(db_path)
    for b in backups:
        if wanted in (b.id, b.path.name, str(b.path)):
            return b
    for j in junk:
        if wanted in (j.path.name, str(j.path)) or f"-{wanted}-" in j.path.name:
            raise UserError(
                translate(
                    "backup",
                    "备份文件 {name} 没有通过完整性检查（{problem}），不能用来恢复。请选另一份备份。",
                ).format(name=j.path.name, problem=j.problem)
            )
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
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
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
        fsync_dir(target.parent)
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
    prune(db_path, keep=keep, months=months, keep_ids=(backup_id,))
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
    """The daily backup: made when the newest backup is older than `every` (or there is none) and the
    data changed since it."""
    db_path = Path(store if isinstance(store, str | Path) else store.path)
    newest = next(iter(list_backups(db_path)), None)
    if newest is not None and datetime.now().astimezone() - newest.created_at < every:
        return None
    return backup_if_changed(db_path, DAILY, keep=keep, months=months)


def unchanged_since(backup: Backup | None, db_path: Path) -> bool:
    """True when the database holds exactly what `backup` holds (the same audit mark)."""
    if backup is None:
        return False
    mark = change_mark(db_path)
    return mark is not None and mark == change_mark(backup.path)


def backup_if_changed(
    store: _OnFile | str | Path, reason: str, *, keep: int = KEEP, months: int = KEEP_MONTHS
) -> Backup | None:
    """A backup unless nothing changed since the newest sound one (a district database of hundreds of
    megabytes is not copied again at every start of the window)."""
    db_path = Path(store if isinstance(store, str | Path) else store.path)
    if unchanged_since(next(iter(list_backups(db_path)), None), db_path):
        return None
    return backup_now(db_path, reason, keep=keep, months=months)


LEFTOVER_AGE = timedelta(minutes=10)


def prune(
    db_path: str | Path, *, keep: int = KEEP, months: int = KEEP_MONTHS, keep_ids: tuple[str, ...] = ()
) -> list[Backup]:
    """Delete all but the newest `keep` backups and the newest of each of the last `months` months.

    Only sound backups count and only they are deleted: junk named like a backup is left alone, so it
    can never push real backups out. `keep_ids` (the backup just made) are always kept. Temporary files
    of a backup that was killed part way are removed once they are older than `LEFTOVER_AGE`."""
    db_path = Path(db_path)
    remove_leftovers(db_path)
    backups = list_backups(db_path)
    kept = {b.id for b in backups[: max(keep, 1)]} | set(keep_ids)
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


def remove_leftovers(db_path: str | Path) -> list[Path]:
    """Remove the temporary files (`.….sqlite.tmp`, its `-journal`) of backups killed part way."""
    db_path = Path(db_path)
    prefix = f".{db_path.stem}-"
    limit = datetime.now().timestamp() - LEFTOVER_AGE.total_seconds()
    removed = []
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for entry in os.scandir(backups_dir(db_path)):
            name = entry.name
            if not (name.startswith(prefix) and name.endswith((".sqlite.tmp", ".sqlite.tmp-journal"))):
                continue
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < limit:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
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
    if _triggers(backup.path) != _expected_triggers(found.schema_version):
        raise UserError(
            translate(
                "backup",
                "备份 {id} 的保护规则（操作记录只增不改、已报送版本不可更改）已被改动，不能用来恢复。请选另一份备份。",
            ).format(id=backup.id)
        )
    return found


def _triggers(path: Path) -> dict[str, str]:
    with _connect(path, readonly=True) as conn:
        return {
            r[0]: r[1] for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        }


def _expected_triggers(schema_version: int) -> dict[str, str]:
    """The triggers this program creates up to `schema_version` (built afresh in memory)."""
    from model.store.schema import MIGRATIONS

    conn = sqlite3.connect(":memory:")
    try:
        for migration in MIGRATIONS[:schema_version]:
            run_migration(conn, migration)
        return {
            r[0]: r[1] for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        }
    finally:
        conn.close()


# A restore never rewinds what cannot be rewound. The backup must be an earlier state of this very
# database: its audit is a prefix of the live audit (the audit is append-only, so any earlier copy of
# this file has exactly the rows it had then). Every version submitted since must be in it: signed
# packages may already have left the office. The live audit rows the backup lacks are carried forward.
_FOREIGN_AUDIT = """
SELECT count(*) FROM b.audit x WHERE NOT EXISTS (
    SELECT 1 FROM main.audit y WHERE y.id = x.id AND y.at IS x.at AND y.who IS x.who
    AND y.action IS x.action AND y.old IS x.old AND y.new IS x.new)
"""
_LOST_SUBMISSIONS = """
SELECT l.unit_id, l.period, l.version FROM main.submissions l
WHERE l.status IN ('submitted', 'superseded') AND NOT EXISTS (
    SELECT 1 FROM b.submissions m WHERE m.plan_id = l.plan_id AND m.unit_id = l.unit_id
    AND m.period = l.period AND m.version = l.version AND m.status IN ('submitted', 'superseded')
    AND m.data = l.data)
ORDER BY l.period, l.unit_id, l.version
"""


def _refuse_unless_earlier_state(db_path: Path, backup: Backup, copy: Path) -> None:
    """Refuse a backup of another database, or one that would lose a submitted version (`copy`: the
    backup at the database's schema version)."""
    with _connect(db_path, readonly=True) as conn:
        conn.execute("ATTACH DATABASE ? AS b", (_ro_uri(copy),))
        foreign = conn.execute(_FOREIGN_AUDIT).fetchone()[0]
        lost = conn.execute(_LOST_SUBMISSIONS).fetchall()
    if foreign:
        raise UserError(
            translate(
                "backup",
                "备份 {id} 不是这个数据库以前的状态（它的操作记录与本数据库不符），可能来自另一台电脑或另一个单位，未恢复。",
            ).format(id=backup.id)
        )
    if lost:
        unit, period, version = lost[0]
        raise UserError(
            translate(
                "backup",
                "备份 {id} 早于已报送的版本（{unit} {period} 第 {v} 版等 {n} 个）：恢复会抹去已签名报送的数据，未恢复。请选择报送之后的备份。",
            ).format(id=backup.id, unit=unit, period=period, v=version, n=len(lost))
        )


def _upgraded_copy(db_path: Path, backup: Backup, *, upgrade: bool) -> Path:
    """A copy of `backup`; with `upgrade`, at the schema version of the database it is to replace (a
    backup made before an upgrade is upgraded as the database was), so both are compared as equals."""
    temp = backups_dir(db_path) / f".{db_path.stem}-restore.sqlite.tmp"
    copy_database(backup.path, temp, standalone=True)
    if upgrade:
        with _connect(db_path, readonly=True) as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        db = Database(temp, write=True, create=False)
        try:
            if db.user_version < version:
                upgrade_schema(db, version)
        finally:
            db.close()
    return temp


def _restored_copy(temp: Path, backup: Backup, before: Backup | None, who: str) -> Path:
    """The copy of a backup (`temp`) completed with the audit rows of `before` (the state being replaced)
    it lacks, and the restore's own audit row: put in place in one step, so a restore is never half done."""
    if before is not None:
        with _connect(temp, readonly=False) as conn:
            conn.execute("ATTACH DATABASE ? AS before", (_ro_uri(before.path),))
            conn.execute("BEGIN IMMEDIATE")
            if _columns(conn, "main", "audit_rows") and _columns(conn, "before", "audit_rows"):
                for statement in _CARRY_COMPACT_AUDIT:
                    conn.execute(statement)
            else:
                shared = [
                    c for c in _columns(conn, "main", "audit") if c in set(_columns(conn, "before", "audit"))
                ]
                names = ", ".join(shared)
                conn.execute(
                    f"INSERT INTO main.audit ({names}) SELECT {names} FROM before.audit "
                    "WHERE id > (SELECT coalesce(max(id), 0) FROM main.audit) ORDER BY id"
                )
            conn.execute("COMMIT")
    _record_restore(temp, who, before.id if before else None, backup.id)
    return temp


def _same_name(column: str) -> str:
    return f"(SELECT m.id FROM main.names m JOIN before.names b ON b.name = m.name WHERE b.id = a.{column})"


# The compact schema on both sides: the rows as they are stored, their names and stamps matched by what they say.
_CARRY_COMPACT_AUDIT = (
    "INSERT INTO main.names (name) SELECT b.name FROM before.names b "
    "WHERE NOT EXISTS (SELECT 1 FROM main.names m WHERE m.name = b.name) ORDER BY b.id",
    "INSERT INTO main.stamps (at, who, coef_version, electricity_basis) "
    "SELECT b.at, b.who, b.coef_version, b.electricity_basis FROM before.stamps b WHERE NOT EXISTS ("
    "SELECT 1 FROM main.stamps m WHERE m.at = b.at AND m.who = b.who AND m.coef_version IS b.coef_version "
    "AND m.electricity_basis IS b.electricity_basis) ORDER BY b.id",
    "INSERT INTO main.audit_rows (id, stamp, action, plan, unit, period, field, encoding, old_value, old_text, "
    "old_note, new_value, new_text, new_note) SELECT a.id, (SELECT m.id FROM main.stamps m JOIN before.stamps b "
    "ON m.at = b.at AND m.who = b.who AND m.coef_version IS b.coef_version "
    "AND m.electricity_basis IS b.electricity_basis WHERE b.id = a.stamp), "
    + ", ".join(_same_name(c) for c in ("action", "plan", "unit", "period", "field"))
    + ", a.encoding, a.old_value, a.old_text, a.old_note, a.new_value, a.new_text, a.new_note "
    "FROM before.audit_rows a WHERE a.id > (SELECT coalesce(max(id), 0) FROM main.audit_rows) ORDER BY a.id",
)


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [str(r[1]) for r in conn.execute(f"PRAGMA {schema}.table_info({table})")]


def _ro_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


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


def _replace_file(db_path: Path, source: Path) -> None:
    temp = db_path.with_name(f".{db_path.name}.restore.tmp")
    try:
        shutil.copyfile(source, temp)
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
        sound = db_path.exists() and tanbao_file_problem(db_path) is None and not quick_check(db_path)
        try:
            temp = _upgraded_copy(db_path, backup, upgrade=sound)
            if sound:
                _refuse_unless_earlier_state(db_path, backup, temp)
                before = backup_now(db_path, RESTORE)
            restored = _restored_copy(temp, backup, before, who)
            if sound:
                copy_database(restored, db_path, standalone=False)
            else:
                if db_path.exists():
                    damaged = _move_damaged_aside(db_path)
                _replace_file(db_path, restored)
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
        with contextlib.suppress(OSError):
            (backups_dir(db_path) / f".{db_path.stem}-restore.sqlite.tmp").unlink()
        if own_lock:
            held.release()
    return Restored(backup, found, before, damaged)


def _record_restore(db_path: Path, who: str, before: str | None, restored: str) -> None:
    """The restore, in the restored database's own audit (whatever schema version it has)."""
    db = Database(db_path, write=True, create=False)
    try:
        with db.transaction():
            if db.user_version >= COMPACT_SINCE:
                AuditRepository(db).record(who, BACKUP_RESTORE, old=before, new=restored)
            elif db.user_version >= AUDIT_VALUES_SINCE:
                db.execute(
                    "INSERT INTO audit (at, who, action, old, new, encoding) VALUES (?, ?, ?, ?, ?, 'json')",
                    (
                        now_iso(),
                        who,
                        BACKUP_RESTORE,
                        *(json.dumps(v, ensure_ascii=False) for v in (before, restored)),
                    ),
                )
            else:
                db.execute(
                    "INSERT INTO audit (at, who, action, old, new) VALUES (?, ?, ?, ?, ?)",
                    (now_iso(), who, BACKUP_RESTORE, before, restored),
                )
    finally:
        db.close()
