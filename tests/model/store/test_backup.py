"""Backups: made with SQLite's backup API, checked, rotated; and restoring one."""

import errno
import shutil
import sqlite3
from datetime import timedelta

import pytest

from model.common.errors import StorageError, UserError
from model.common.periods import parse_period
from model.entry.figures import Entry, store_entries
from model.store import backup as backup_module
from model.store.backup import (
    backup_if_changed,
    backup_if_due,
    backup_now,
    backups_dir,
    find_backup,
    list_backups,
    prune,
    restore_backup,
    verify,
)
from model.store.database import open_database
from model.store.lock import DatabaseInUse, WriterLock
from model.store.schema import SCHEMA_VERSION
from tests.conftest import ROOT


def save(store, value, period="2024-03", field="energy_tce"):
    plan = store.plans.get()
    store_entries(store, plan, [Entry("fengjing", parse_period(period), field, str(value))], who="王芳")


def stored(path, period="2024-03"):
    with open_database(path, write=True, create=True) as s:
        return {f.field: f.value for f in s.figures.read("jinshan-2024", "fengjing") if f.period == period}


def damage(path):
    """Overwrite the start of many pages, as a failing disk would."""
    size = path.stat().st_size
    with open(path, "r+b") as f:
        for page in range(2, size // 4096, 3):
            f.seek(page * 4096)
            f.write(b"\xa5" * 64)


def test_a_backup_is_a_checked_self_contained_copy_beside_the_database(store):
    save(store, 100)
    made = backup_now(store, "start")
    assert made.path.parent == store.path.parent / "backups"
    assert made.path.name == f"tanbao-{made.id}-start.sqlite"
    assert verify(made.path) == []
    assert sorted(p.name for p in backups_dir(store.path).iterdir()) == [made.path.name]  # no -wal, no temp
    copy = sqlite3.connect(made.path)
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert copy.execute("SELECT value FROM figures WHERE field = 'energy_tce'").fetchone()[0] == 100.0
    copy.close()
    assert list_backups(store.path) == [made]


def test_a_backup_holds_only_what_was_committed(store):
    save(store, 100)
    with store.transaction():
        save(store, 999)
        made = backup_now(store, "import")  # e.g. the exchange code backing up inside its own work
    copy = sqlite3.connect(made.path)
    assert copy.execute("SELECT value FROM figures WHERE field = 'energy_tce'").fetchone()[0] == 100.0
    copy.close()


def test_a_backup_that_fails_its_check_is_deleted_and_reported(store, monkeypatch):
    real_copy = backup_module.copy_database

    def copy_then_damage(source, target, *, standalone):
        real_copy(source, target, standalone=standalone)
        damage(target)

    monkeypatch.setattr(backup_module, "copy_database", copy_then_damage)
    with pytest.raises(StorageError, match="没有通过完整性检查"):
        backup_now(store, "daily")
    assert list(backups_dir(store.path).iterdir()) == []
    assert list_backups(store.path) == []


def test_a_full_disk_during_a_backup_leaves_no_file_and_says_so(store, monkeypatch):
    def half_then_full(source, target, *, standalone):
        target.write_bytes(b"SQLite format 3\x00" + b"\x00" * 1000)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_module, "copy_database", half_then_full)
    with pytest.raises(StorageError, match=r"磁盘空间不足.*备份没有完成，数据库本身不受影响"):
        backup_now(store, "daily")
    assert list(backups_dir(store.path).iterdir()) == []
    assert store.plans.get().id == "jinshan-2024"


def test_a_migration_is_preceded_by_a_backup_of_the_old_file(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(ROOT / "tests" / "fixtures" / "tanbao-v1.sqlite", path)
    with open_database(path, write=True, create=True) as store:
        assert store.db.user_version == SCHEMA_VERSION
    (made,) = list_backups(path)
    assert made.reason == "migration"
    copy = sqlite3.connect(made.path)
    assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
    assert copy.execute("SELECT count(*) FROM figures").fetchone()[0] == 8
    copy.close()
    open_database(path, write=True, create=True).close()  # already upgraded: no further backup
    assert len(list_backups(path)) == 1


def test_the_daily_backup_is_made_once_a_day_when_something_changed(store):
    first = backup_if_due(store)
    assert first is not None and first.reason == "daily"
    assert backup_if_due(store) is None
    assert backup_if_due(store, every=timedelta(0)) is None  # a day later, but nothing changed
    save(store, 100.0)
    assert backup_if_due(store, every=timedelta(0)) is not None
    assert len(list_backups(store.path)) == 2


def test_no_backup_at_start_when_nothing_changed_since_the_newest(store):
    assert backup_if_changed(store, "start") is not None
    assert backup_if_changed(store, "start") is None
    save(store, 120.0, period="2024-04")
    made = backup_if_changed(store, "start")
    assert made is not None
    copy = sqlite3.connect(f"{made.path.resolve().as_uri()}?mode=ro", uri=True)
    assert copy.execute("SELECT value FROM figures WHERE period = '2024-04'").fetchall() == [(120.0,)]
    copy.close()
    assert backup_if_changed(store, "start") is None
    assert len(list_backups(store.path)) == 2


def test_a_database_whose_newest_change_differs_is_backed_up_even_with_as_many_changes(store, tmp_path):
    """A backup restored and changed again has as many audit rows as before, ending in another change:
    it is not mistaken for the newest backup."""
    save(store, 100.0)
    made = backup_if_changed(store, "start")
    assert made is not None
    other = tmp_path / "other.sqlite"
    shutil.copyfile(made.path, other)
    with open_database(other, write=True) as copy:
        save(copy, 200.0)
    save(store, 300.0, period="2024-04")  # the same number of changes since the backup, another change
    assert backup_module.change_mark(store.path) != backup_module.change_mark(other)
    assert backup_if_changed(store, "start") is not None


def test_rotation_keeps_the_newest_and_one_per_month(store):
    made = backup_now(store, "start")
    folder = backups_dir(store.path)
    stamps = [
        "20230105-090000",
        "20230120-090000",  # newest of 2023-01
        "20230302-090000",  # only one of 2023-03
        "20240401-090000",
        "20240402-090000",
        "20240403-090000",  # newest of 2024-04
    ]
    for stamp in stamps:
        shutil.copy(made.path, folder / f"tanbao-{stamp}-daily.sqlite")
    removed = prune(store.path, keep=2, months=24)
    kept = [b.id for b in list_backups(store.path)]
    assert kept == [made.id, "20240403-090000", "20230302-090000", "20230120-090000"]
    assert sorted(b.id for b in removed) == ["20230105-090000", "20240401-090000", "20240402-090000"]


def test_two_backups_in_one_second_get_their_own_ids(store):
    a, b = backup_now(store, "manual"), backup_now(store, "manual")
    assert a.id != b.id and {x.id for x in list_backups(store.path)} == {a.id, b.id}
    assert list_backups(store.path)[0] == b  # newest first


def test_other_databases_backups_in_the_same_folder_are_not_listed(tmp_path):
    with (
        open_database(tmp_path / "a.sqlite", write=True, create=True) as a,
        open_database(tmp_path / "b.sqlite", write=True, create=True) as b,
    ):
        backup_now(a, "manual")
        assert list_backups(b.path) == []


def test_restore_brings_the_backup_back_and_keeps_what_was_there(tmp_path):
    path = tmp_path / "tanbao.sqlite"
    with open_database(path, write=True, create=True) as store:
        save(store, 100)
        good = backup_now(store, "start")
        save(store, 250)
    done = restore_backup(path, good.id, who="李强")
    assert stored(path)["energy_tce"] == 100.0
    assert done.contents.figures == 1 and done.before is not None and done.damaged_copy is None
    before = sqlite3.connect(done.before.path)  # the state before the restore, itself restorable
    assert before.execute("SELECT value FROM figures WHERE field = 'energy_tce'").fetchone()[0] == 250.0
    before.close()
    with open_database(path, write=True, create=True) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        last = store.audit.entries()[-1]
        assert (last.action, last.who, last.value("new"), last.value("old")) == (
            "backup.restore",
            "李强",
            good.id,
            done.before.id,
        )
        save(store, 300)  # and the restored file takes new work
    restore_backup(path, done.before.id, who="李强")  # undoing the restore
    assert stored(path)["energy_tce"] == 250.0


def test_restore_is_refused_while_another_program_writes(tmp_path):
    path = tmp_path / "tanbao.sqlite"
    with open_database(path, write=True, create=True) as store:
        good = backup_now(store, "start")
        save(store, 250)
    with WriterLock(path), pytest.raises(DatabaseInUse):
        restore_backup(path, good.id, who="李强")
    assert stored(path)["energy_tce"] == 250.0
    assert len(list_backups(path)) == 1


def test_restore_over_a_damaged_database_keeps_the_damaged_file_aside(tmp_path):
    path = tmp_path / "tanbao.sqlite"
    with open_database(path, write=True, create=True) as store:
        save(store, 100)
        good = backup_now(store, "start")
        save(store, 250, period="2024-04")
    damage(path)
    done = restore_backup(path, good.id, who="李强")
    assert done.before is None and done.damaged_copy is not None
    assert (done.damaged_copy / "tanbao.sqlite").exists()
    assert stored(path)["energy_tce"] == 100.0
    assert stored(path, "2024-04") == {}


def test_an_unknown_or_unsound_backup_is_refused(tmp_path):
    path = tmp_path / "tanbao.sqlite"
    with open_database(path, write=True, create=True) as store:
        save(store, 100)
        made = backup_now(store, "start")
    with pytest.raises(UserError, match=rf"没有编号为“nope”的备份。现有备份：{made.id}"):
        find_backup(path, "nope")
    damage(made.path)
    with pytest.raises(UserError, match="没有通过完整性检查"):
        restore_backup(path, made.id, who="x")
    assert stored(path)["energy_tce"] == 100.0
