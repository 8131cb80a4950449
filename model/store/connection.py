"""One SQLite connection, owned by the thread that opened it; transactions; the one row mapper.

The standard `sqlite3` only. Rows come back as dataclasses through `one`/`all`, which match columns to
fields by name (`SELECT` the columns a record has; extra columns are an error, not silently dropped).
A connection is used by the thread that made it and no other: each background job opens its own
(`Store.reopen`), so a job that fails can only roll back its own work.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from model.common.errors import UserError
from model.common.failures import OPEN, SAVE, environment_error
from model.common.i18n import translate
from model.common.untrusted import shown

T = TypeVar("T")


MIN_SQLITE = (3, 35, 0)


def require_sqlite() -> None:
    """Refuse an SQLite older than 3.35 (UOS 20 has 3.27, Kylin V10 3.31): there sqlite-utils and other
    tools fall back from upsert to INSERT OR IGNORE and silently drop rows. The builds bundle 3.40+."""
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        raise UserError(
            translate(
                "store",
                "本程序需要 SQLite {need} 或更新版本，但当前 Python 使用的是 SQLite {found}，"
                "数据可能会被悄悄丢失，因此不能启动。请使用 TanBao 的独立安装包（自带新版 SQLite），"
                "或换用链接较新 SQLite 的 Python 3.11。",
            ).format(need=".".join(map(str, MIN_SQLITE[:2])), found=sqlite3.sqlite_version)
        )


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class WrongThread(RuntimeError):
    """A bug: a connection was used from a thread other than the one that opened it."""


class ReadOnly(RuntimeError):
    """A bug: a database opened for reading was asked to change."""


def record(cls: type[T], row: sqlite3.Row) -> T:
    """The one row mapper: a row into the dataclass `cls`, column names to field names."""
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    columns = row.keys()
    unknown = [c for c in columns if c not in names]
    if unknown:
        raise TypeError(f"{cls.__name__} has no field for column(s) {unknown}")
    return cls(**{c: row[c] for c in columns})


def columns_of(cls: type[Any], *, without: Sequence[str] = ()) -> str:
    """The SELECT list for a record: its fields in order, as columns."""
    return ", ".join(f.name for f in fields(cls) if f.name not in without)


class Database:
    """A connection to one database file. `write=False` opens it read-only (`PRAGMA query_only`)."""

    def __init__(self, path: str | Path, *, write: bool, create: bool) -> None:
        self.path = Path(path)
        self.write = write
        self.thread = threading.get_ident()
        self._depth = 0  # nesting of transaction()
        self.before_write: Callable[[], None] | None = None  # e.g. wait for the start-up check
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, isolation_level=None)
            else:  # mode=rw: a missing file is an error, never a new empty database
                conn = sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None
                )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA foreign_keys = ON")
            if write:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")  # a commit is on disk before it is acknowledged
            else:
                conn.execute("PRAGMA query_only = ON")
        except (sqlite3.DatabaseError, OSError) as exc:
            not_a_database = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF == 26  # SQLITE_NOTADB
            known = None if not_a_database else environment_error(exc, self.path, OPEN)
            if known is not None:  # a full disk, a read-only folder, damage: say so
                raise known from None
            raise UserError(
                translate(
                    "store", "无法打开数据库 {path}：{err}。请确认文件是 TanBao 数据库且有读写权限。"
                ).format(path=shown(self.path), err=exc)
            ) from None
        self.conn = conn

    def _own(self) -> sqlite3.Connection:
        if threading.get_ident() != self.thread:
            raise WrongThread(
                f"the connection to {self.path} belongs to thread {self.thread}; "
                "a background job must open its own (Store.reopen)"
            )
        return self.conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._own().execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        return self._own().executemany(sql, rows)

    def one(self, cls: type[T], sql: str, params: Sequence[Any] = ()) -> T | None:
        row = self.execute(sql, params).fetchone()
        return None if row is None else record(cls, row)

    def all(self, cls: type[T], sql: str, params: Sequence[Any] = ()) -> list[T]:
        return [record(cls, row) for row in self.execute(sql, params)]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    @property
    def user_version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error.

        Nested in another transaction of this connection it is a SAVEPOINT: its failure undoes only its
        own part before the error travels on. It can never join another connection's transaction.
        """
        conn = self._own()
        if not self.write:
            raise ReadOnly(f"{self.path} was opened for reading; open it with write=True to change it")
        if self._depth:
            yield from self._savepoint(conn)
            return
        if self.before_write is not None:
            self.before_write()
        try:
            conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # SQLite may have rolled back already (disk full, I/O error)
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0
        except (sqlite3.Error, OSError) as exc:  # disk full, locked, read-only: tell the clerk plainly
            known = environment_error(exc, self.path, SAVE)
            if known is None:
                raise
            raise known from exc

    def _savepoint(self, conn: sqlite3.Connection) -> Iterator[None]:
        name = f"nested_{self._depth}"
        conn.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield
            conn.execute(f"RELEASE {name}")
        except BaseException:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
            raise
        finally:
            self._depth -= 1

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the file (after a bulk load, before the file is copied)."""
        self.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.conn.close()


def integrity_problems(path: Path, pragma: str, *, readonly: bool) -> list[str]:
    """What `PRAGMA integrity_check` / `quick_check` finds; [] when the file is sound."""
    try:
        with _raw(path, readonly=readonly) as conn:
            rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}")]
    except sqlite3.Error as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def change_mark(path: Path) -> tuple[Any, ...] | None:
    """The newest audit row of a database file, with what it says: every change to its data writes an
    audit row and the audit is append-only, so an equal mark means equal data (a restored backup changed
    again ends in another row). Found by its id, so it costs the same for any size. None when unreadable."""
    try:
        with _raw(path, readonly=True) as conn:
            compact = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_rows'").fetchone()
            if compact:
                sql = (
                    "SELECT a.*, s.at, s.who FROM audit_rows a JOIN stamps s ON s.id = a.stamp "
                    "WHERE a.id = (SELECT max(id) FROM audit_rows)"
                )
            else:  # a file of an older schema (a backup)
                sql = "SELECT * FROM audit WHERE id = (SELECT max(id) FROM audit)"
            row = conn.execute(sql).fetchone()
    except sqlite3.Error:
        return None
    return () if row is None else tuple(row)


def copy_database(source: Path, target: Path, *, standalone: bool) -> None:
    """Page-by-page copy of the committed state of `source` onto `target` (SQLite's online backup API).

    `standalone`: `target` is a new file of its own (no -wal beside it); else it is a live database
    overwritten in one transaction, so a crash half way changes nothing."""
    with _raw(source, readonly=True) as src:
        if standalone:
            dst = sqlite3.connect(target, isolation_level=None)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        else:
            with _raw(target, readonly=False) as live:
                src.backup(live)


@contextmanager
def _raw(path: Path, *, readonly: bool) -> Iterator[sqlite3.Connection]:
    mode = "ro" if readonly else "rw"
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        yield conn
    finally:
        conn.close()


def has_table(db: Database, name: str) -> bool:
    """Whether the file has this table (files of older schemas are read too: backups)."""
    return db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)) is not None
