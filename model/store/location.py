"""The database file the program opens, and the move of a Windows database out of roaming %APPDATA%.

TanBao 0.1 kept its folder (database, WAL, backups, logs) in %APPDATA%\\TanBao. Domain PCs with roaming
profiles copy that folder to a server at logoff and back at logon, which breaks an SQLite database in WAL
mode. On the first start of this version the folder is moved to %LOCALAPPDATA%\\TanBao: copied whole
while holding the old database's writer lock, then put in place, then the old folder removed. When the old
database is in use (a TanBao 0.1 still open) or the copy fails, this start keeps using the old folder and
the next start tries again, so the data never ends up split between two places.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

from model.common.paths import DB_NAME, default_db_path, roaming_data_dir, user_data_dir
from model.safety.files import replace_file
from model.store.lock import LOCK_SUFFIX, WriterLock, lock_path


def database_path(explicit: str | None = None, platform: str | None = None) -> Path:
    """`model.common.paths.default_db_path`, after moving a roaming Windows database when it is the one."""
    path = default_db_path(explicit, platform)
    old = roaming_data_dir(platform)
    if old is None or path != user_data_dir(platform) / DB_NAME:
        return path  # --db, TANBAO_DB, portable mode, or not Windows
    return move_data_folder(old, path.parent) / DB_NAME


def move_data_folder(old: Path, new: Path) -> Path:
    """Move TanBao's data folder `old` to `new` unless `new` has a database already; returns the folder
    to use now (`old` when it could not be moved this time)."""
    if (new / DB_NAME).exists() or not (old / DB_NAME).exists():
        return new
    staging = new.with_name(new.name + ".moving")
    lock = WriterLock(old / DB_NAME)
    try:
        lock.acquire()  # refused while a TanBao 0.1 writes there
    except Exception:
        return old
    try:
        previous = lock.previous  # the last writer did not exit cleanly: the new place must know
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(old, staging, ignore=shutil.ignore_patterns("*" + LOCK_SUFFIX))
        if previous is not None:
            lock_path(staging / DB_NAME).write_text(json.dumps(asdict(previous), ensure_ascii=False), "utf-8")
        new.mkdir(parents=True, exist_ok=True)
        # the database last: until it is there, the next start sees no database in `new` and starts over
        entries = sorted(staging.iterdir(), key=lambda p: p.name == DB_NAME)
        for entry in entries:
            target = new / entry.name
            if target.is_dir():  # a folder of the same name already here (no database): kept aside
                replace_file(target, target.with_name(f"{target.name}.before-move"))
            replace_file(entry, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        return old
    finally:
        lock.release(clean=True)
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)  # a file in use stays; the database is no longer read there
    return new
