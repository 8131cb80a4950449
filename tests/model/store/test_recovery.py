"""After an unclean shutdown the next start checks the file, and offers the newest sound backup if damaged."""

import json

import pytest

from model.store.backup import backup_now, list_backups, restore_backup
from model.store.database import open_database
from model.store.lock import lock_path, read_lock_info
from model.store.recovery import DamagedDatabase, check_database
from tests.model.store.test_backup import damage, save, stored


def left_by_a_killed_writer(path):
    """What a writer killed mid-work leaves: its marker in the lock file (the OS lock went with it)."""
    info = {"pid": 31337, "host": "town-pc", "user": "王芳", "since": "2024-03-05T09:12:00+08:00"}
    lock_path(path).write_text(json.dumps(info), encoding="utf-8")


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "tanbao.sqlite"
    with open_database(path, write=True, create=True) as store:
        save(store, 100)
    return path


def test_after_an_unclean_shutdown_a_sound_file_opens_and_says_it_was_checked(path):
    left_by_a_killed_writer(path)
    with open_database(path, write=True, create=True) as store:
        assert store.unclean_previous.pid == 31337
    check = check_database(path, store.unclean_previous)
    assert check.ok and "上次程序没有正常退出" in check.message() and "数据完好" in check.message()


def test_a_damaged_file_after_an_unclean_shutdown_is_not_opened_and_a_backup_is_offered(path):
    with open_database(path, write=True, create=True) as store:
        older = backup_now(store, "start")
        save(store, 200)
        newest_good = backup_now(store, "daily")
        unsound = backup_now(store, "daily")
    damage(unsound.path)  # the newest backup is itself damaged: the offer skips it
    damage(path)
    left_by_a_killed_writer(path)

    with pytest.raises(DamagedDatabase) as info:
        open_database(path, write=True, create=True)
    check = info.value.check
    assert check.offer == newest_good and check.offer != older
    message = str(info.value)
    assert "已损坏" in message and f"main.py backup restore {newest_good.id}" in message
    assert "王芳" in message  # the writer that did not exit is named
    assert read_lock_info(path).pid == 31337  # still marked: the next start checks again
    with pytest.raises(DamagedDatabase):
        open_database(path, write=True, create=True)

    restore_backup(path, check.offer.id, who="王芳")
    with open_database(path, write=True, create=True) as store:
        assert store.unclean_previous is None
    assert stored(path)["energy_tce"] == 200.0


def test_with_no_backup_the_message_says_to_keep_the_file(path):
    damage(path)
    left_by_a_killed_writer(path)
    assert list_backups(path) == []
    with pytest.raises(DamagedDatabase, match="没有找到可用的备份。请不要删除该文件"):
        open_database(path, write=True, create=True)


def test_a_clean_start_is_checked_too_but_says_nothing(path, monkeypatch):
    from model.store import recovery

    checked = []
    real = recovery.quick_check
    monkeypatch.setattr(recovery, "quick_check", lambda p: checked.append(p) or real(p))
    with open_database(path, write=True, create=True) as store:  # a disk may damage a cleanly closed file
        assert store.unclean_previous is None
    assert checked == [path]


def test_after_a_clean_exit_the_check_runs_while_opening_and_a_write_waits_for_its_verdict(path, monkeypatch):
    from model.store import recovery

    found = ["*** in database main ***\nPage 7: btreeInitPage() returns error code 11"]
    monkeypatch.setattr(recovery, "quick_check", lambda p: found)  # the disk damaged the closed file
    store = open_database(path, write=True, create=True, check_later=True)  # the window opens meanwhile
    assert store.startup_check is not None and store.unclean_previous is None
    with pytest.raises(DamagedDatabase, match="已损坏"):
        save(store, 300)
    store.close()
    monkeypatch.undo()  # the file is sound after all, to read what it holds
    assert read_lock_info(path) is not None  # the marker stays: the next start checks before opening
    assert stored(path)["energy_tce"] == 100.0  # nothing was written on top of the damage


def test_a_sound_file_checked_while_opening_is_written_and_closed_cleanly(path):
    with open_database(path, write=True, create=True, check_later=True) as store:
        assert store.startup_check is not None
        save(store, 300)
    assert read_lock_info(path) is None  # a clean exit: the next start needs no check first
    assert stored(path)["energy_tce"] == 300.0


def test_a_new_file_is_not_checked_while_it_is_being_made(tmp_path):
    with open_database(tmp_path / "new.sqlite", write=True, create=True, check_later=True) as store:
        assert store.startup_check is None  # nothing to check: a half-made file is not damage
        save(store, 300)
    assert stored(tmp_path / "new.sqlite")["energy_tce"] == 300.0
