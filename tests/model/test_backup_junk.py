"""Junk in `backups/`: files named like backups are recognised by content, reported, never fatal, and
never push real backups out of the rotation."""

import os
import time

from model.store.backup import (
    backup_now,
    backups_dir,
    list_backups,
    prune,
    scan_backups,
)
from tests.model.test_backup import save


def junk(store, stamp, reason="daily", content=b""):
    folder = backups_dir(store.path)
    folder.mkdir(exist_ok=True)
    path = folder / f"tanbao-{stamp}-{reason}.sqlite"
    path.write_bytes(content)
    return path


def test_an_empty_file_or_a_bad_date_named_like_a_backup_is_junk_not_a_backup(store):
    save(store, 100)
    real = backup_now(store, "manual")
    empty = junk(store, "20240101-000000")
    bad_date = junk(store, "20241399-250000")
    text = junk(store, "20240102-000000", content=b"hello, I am a text file")
    backups, found = scan_backups(store.path)
    assert backups == [real]
    assert {j.path for j in found} == {empty, bad_date, text}
    assert all(j.problem for j in found)
    assert list_backups(store.path) == [real]


def test_two_dozen_empty_future_dated_files_never_cost_a_real_backup(store):
    save(store, 100)
    real = [backup_now(store, "manual") for _ in range(3)]
    for day in range(1, 25):
        junk(store, f"2099{(day - 1) // 28 + 1:02d}{day:02d}-000000")
    made = backup_now(store, "manual", keep=2, months=0)
    kept = [b.id for b in list_backups(store.path)]
    assert kept[:2] == [made.id, real[-1].id]
    assert len(list(backups_dir(store.path).glob("tanbao-2099*"))) == 24  # junk left alone, not deleted


def test_the_backup_just_made_is_kept_even_behind_sound_backups_dated_in_the_future(store):
    save(store, 100)
    first = backup_now(store, "manual")
    for day in range(1, 4):  # real copies, but the clock was wrong when they were made
        os.link(first.path, backups_dir(store.path) / f"tanbao-209901{day:02d}-000000-daily.sqlite")
    made = backup_now(store, "manual", keep=2, months=0)
    assert made.id in {b.id for b in list_backups(store.path)}


def test_leftovers_of_a_killed_backup_are_removed_when_old(store):
    folder = backups_dir(store.path)
    folder.mkdir()
    old = [
        folder / ".tanbao-20240101-000000-manual.sqlite.tmp",
        folder / ".tanbao-20240101-000000-manual.sqlite.tmp-journal",
    ]
    fresh = folder / ".tanbao-20240101-000001-manual.sqlite.tmp"  # may be a backup running right now
    for path in [*old, fresh]:
        path.write_bytes(b"SQLite format 3\x00")
    an_hour_ago = time.time() - 3600
    for path in old:
        os.utime(path, (an_hour_ago, an_hour_ago))
    prune(store.path)
    assert [p.exists() for p in old] == [False, False]
    assert fresh.exists()
