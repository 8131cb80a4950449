"""What is known to break on Windows, each faked here: the database out of roaming %APPDATA% (and moved
from there once), renames retried while antivirus holds a file, and a writer lock that tells "held by
someone" from "this share cannot lock"."""

from __future__ import annotations

import errno
import json
import os
import sys
import types

import pytest

from model.common.errors import UserError
from model.common.paths import DB_NAME, default_db_path, settings_path, user_config_dir, user_data_dir
from model.common.periods import parse_period
from model.entry.figures import Entry, store_entries
from model.safety import files
from model.safety.files import replace_file, write_atomic
from model.store import lock as lock_module
from model.store.backup import MANUAL, backup_now, list_backups
from model.store.database import open_database
from model.store.location import database_path
from model.store.lock import DatabaseInUse, WriterLock, read_lock_info


@pytest.fixture
def windows_profile(tmp_path, monkeypatch):
    """A Windows user profile: %APPDATA% (roaming) and %LOCALAPPDATA% (this PC) under tmp."""
    roaming, local = tmp_path / "AppData" / "Roaming", tmp_path / "AppData" / "Local"
    monkeypatch.setenv("APPDATA", str(roaming))
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    monkeypatch.delenv("TANBAO_DB", raising=False)
    monkeypatch.delattr(sys, "frozen", raising=False)
    return types.SimpleNamespace(roaming=roaming / "TanBao", local=local / "TanBao")


# ---- %LOCALAPPDATA%, and the move out of %APPDATA% -------------------------------------------------


def test_the_database_and_settings_live_in_localappdata_not_roaming_appdata(windows_profile):
    assert user_data_dir("win32") == windows_profile.local
    assert default_db_path(platform="win32") == windows_profile.local / DB_NAME
    assert database_path(platform="win32") == windows_profile.local / DB_NAME  # nothing to move
    assert user_config_dir("win32") == windows_profile.local / "TanBao"
    assert settings_path(platform="win32") == windows_profile.local / "TanBao" / "tanbao.ini"


def test_elsewhere_nothing_is_moved(windows_profile, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    (windows_profile.roaming).mkdir(parents=True)
    (windows_profile.roaming / DB_NAME).write_bytes(b"not touched")
    assert database_path(platform="linux") == tmp_path / "xdg" / "TanBao" / DB_NAME
    assert (windows_profile.roaming / DB_NAME).read_bytes() == b"not touched"


def enter(store, value):
    entry = Entry("fengjing", parse_period("2024-03"), "energy_tce", value)
    store_entries(store, store.plans.get(), [entry], who="t")


def energy(store):
    return next(f.value for f in store.figures.read("jinshan-2024", "fengjing") if f.field == "energy_tce")


def test_a_database_in_roaming_appdata_is_moved_on_first_start_with_its_backups(windows_profile):
    with open_database(windows_profile.roaming / DB_NAME, write=True, create=True) as old:
        enter(old, 123.0)
        backup_now(old, MANUAL)
    assert (windows_profile.roaming / "backups").is_dir()

    path = database_path(platform="win32")
    assert path == windows_profile.local / DB_NAME
    assert not windows_profile.roaming.exists()
    assert not windows_profile.local.with_name("TanBao.moving").exists()
    with open_database(path, write=True) as moved:
        assert energy(moved) == 123.0
        assert moved.unclean_previous is None  # it was closed cleanly, and that is still known
        assert len(list_backups(path)) == 1
    assert database_path(platform="win32") == path  # the second start finds it in place


def test_a_database_in_use_in_roaming_appdata_is_left_there_for_now(windows_profile):
    with open_database(windows_profile.roaming / DB_NAME, write=True, create=True) as still_open:
        enter(still_open, 5.0)
        assert database_path(platform="win32") == windows_profile.roaming / DB_NAME
        assert not (windows_profile.local / DB_NAME).exists()
    assert database_path(platform="win32") == windows_profile.local / DB_NAME  # moved once it is free


def test_an_unclean_exit_before_the_move_is_still_noticed_after_it(windows_profile):
    with open_database(windows_profile.roaming / DB_NAME, write=True, create=True) as old:
        enter(old, 7.0)
    killed = WriterLock(windows_profile.roaming / DB_NAME).acquire()
    killed.release(clean=False)  # as if the program had been killed while writing
    path = database_path(platform="win32")
    assert read_lock_info(path) is not None
    with open_database(path, write=True) as moved:
        assert moved.unclean_previous is not None and energy(moved) == 7.0


def test_a_failed_copy_keeps_the_old_folder_and_leaves_nothing_half_moved(windows_profile, monkeypatch):
    with open_database(windows_profile.roaming / DB_NAME, write=True, create=True) as old:
        enter(old, 9.0)

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("model.store.location.shutil.copytree", disk_full)
    assert database_path(platform="win32") == windows_profile.roaming / DB_NAME
    assert not (windows_profile.local / DB_NAME).exists()
    with open_database(windows_profile.roaming / DB_NAME, write=True, create=True) as still:
        assert energy(still) == 9.0


# ---- os.replace while antivirus holds the file --------------------------------------------------


def flaky_replace(monkeypatch, failures: int) -> list[int]:
    """os.replace that fails with PermissionError `failures` times (a scanner holding the file)."""
    calls: list[int] = []
    real = os.replace

    def replace(source, target):
        calls.append(1)
        if len(calls) <= failures:
            raise PermissionError(errno.EACCES, "The process cannot access the file")
        real(source, target)

    monkeypatch.setattr(files.os, "replace", replace)
    monkeypatch.setattr(files.time, "sleep", lambda seconds: None)
    return calls


def test_a_rename_held_up_by_antivirus_is_tried_again(tmp_path, monkeypatch):
    calls = flaky_replace(monkeypatch, failures=3)
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and len(calls) == 4
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_a_rename_that_stays_refused_gives_up_with_a_plain_message(tmp_path, monkeypatch):
    calls = flaky_replace(monkeypatch, failures=100)
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")
    with pytest.raises(UserError) as refused:
        write_atomic(target, b"new")
    assert len(calls) == files.REPLACE_ATTEMPTS
    assert "正被其他程序" in refused.value.message
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_backups_rename_through_the_same_retry(tmp_path, monkeypatch):
    with open_database(tmp_path / "t.sqlite", write=True, create=True) as store:
        calls = flaky_replace(monkeypatch, failures=2)
        backup_now(store, MANUAL)
    assert len(calls) >= 3 and len(list_backups(tmp_path / "t.sqlite")) == 1


def test_replace_file_passes_other_errors_at_once(tmp_path):
    with pytest.raises(FileNotFoundError):
        replace_file(tmp_path / "missing", tmp_path / "x")


# ---- the writer lock with msvcrt.locking ----------------------------------------------------------


def fake_windows_lock(monkeypatch, error: int | None) -> list[int]:
    """Windows' msvcrt.locking, failing with `error` (None: the lock is granted)."""
    modes: list[int] = []

    def locking(fd, mode, nbytes):
        modes.append(mode)
        if error is not None and mode == 2:
            raise OSError(error, os.strerror(error))

    msvcrt = types.SimpleNamespace(LK_UNLCK=0, LK_LOCK=1, LK_NBLCK=2, LK_RLCK=3, LK_NBRLCK=4, locking=locking)
    monkeypatch.setitem(sys.modules, "msvcrt", msvcrt)
    monkeypatch.setattr(lock_module, "sys", types.SimpleNamespace(platform="win32"))
    return modes


def test_windows_lock_granted_and_given_back(tmp_path, monkeypatch):
    modes = fake_windows_lock(monkeypatch, None)
    with WriterLock(tmp_path / "t.sqlite") as lock:
        assert lock.held and read_lock_info(tmp_path / "t.sqlite").pid == os.getpid()
    assert modes == [2, 0]
    assert read_lock_info(tmp_path / "t.sqlite") is None


def test_windows_lock_held_by_someone_names_the_holder(tmp_path, monkeypatch):
    holder = {"pid": 4242, "host": "TOWN-PC", "user": "李娜", "since": "2024-03-05T09:00:00+08:00"}
    (tmp_path / "t.sqlite.lock").write_text(json.dumps(holder, ensure_ascii=False), "utf-8")
    fake_windows_lock(monkeypatch, errno.EACCES)
    with pytest.raises(DatabaseInUse) as refused:
        WriterLock(tmp_path / "t.sqlite").acquire()
    assert refused.value.holder is not None and refused.value.holder.pid == 4242
    assert "李娜" in refused.value.message and "TOWN-PC" in refused.value.message


@pytest.mark.parametrize("error", [errno.EINVAL, errno.EIO, errno.ENOLCK])
def test_a_windows_share_that_cannot_lock_is_told_apart_from_a_held_lock(tmp_path, monkeypatch, error):
    fake_windows_lock(monkeypatch, error)
    with pytest.raises(UserError) as refused:
        WriterLock(tmp_path / "t.sqlite").acquire()
    assert not isinstance(refused.value, DatabaseInUse)
    assert "不支持加锁" in refused.value.message and "本机磁盘" in refused.value.message


def test_a_folder_already_in_localappdata_is_kept_aside_not_deleted(windows_profile):
    with open_database(windows_profile.roaming / DB_NAME, write=True, create=True) as old:
        backup_now(old, MANUAL)
    stray = windows_profile.local / "backups" / "note.txt"
    stray.parent.mkdir(parents=True)
    stray.write_text("keep me", "utf-8")
    path = database_path(platform="win32")
    assert path == windows_profile.local / DB_NAME
    assert (windows_profile.local / "backups.before-move" / "note.txt").read_text("utf-8") == "keep me"
    assert len(list_backups(path)) == 1
