"""A save that fails part way (full disk, locked or read-only file, I/O error) keeps the database as it
was and tells the clerk in plain words; bugs still surface as bugs."""

import errno
import sqlite3

import pytest

from model.common.errors import StorageError
from model.common.failures import SAVE, WRITE_FILE, environment_error
from model.common.periods import parse_period
from model.entry.figures import Entry, store_entries
from model.store.figures import FigureWrite

FIELDS = ("energy_tce", "energy_tce_last_year", "output_wan_yuan", "output_wan_yuan_last_year")


def month(store, period, value, note=None):
    entries = [Entry("fengjing", parse_period(period), f, str(value), note) for f in FIELDS]
    return store_entries(store, store.plans.get(), entries, who="王芳")


def snapshot(store):
    figures = [(f.period, f.field, f.value, f.note) for f in store.figures.read("jinshan-2024", "fengjing")]
    return figures, len(store.audit.entries())


def files_beside(store):
    return sorted(p.name for p in store.path.parent.iterdir())


def test_a_disk_filling_up_part_way_through_a_save_keeps_the_database_as_it_was(store):
    month(store, "2024-02", 100)
    before, folder = snapshot(store), files_beside(store)
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk is full"
    with pytest.raises(StorageError) as info:
        for n in range(3, 13):  # each month's notes need new pages; the disk fills part way
            month(store, f"2024-{n:02d}", n, note="说明" * 3000)
    message = str(info.value)
    assert "磁盘空间不足" in message and "这次的数据没有保存，以前保存的数据不受影响" in message
    assert "\n" not in message
    store.db.execute("PRAGMA max_page_count = 1073741823")
    figures, audit = snapshot(store)
    assert figures[: len(before[0])] == before[0]  # what was saved before the disk filled is all there
    assert len(figures) % len(FIELDS) == 0 and audit - before[1] == len(figures) - len(before[0])
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert files_beside(store) == folder  # no temporary files
    month(store, "2024-12", 12)  # room again: saving works
    assert ("2024-12", "energy_tce", 12.0, "") in snapshot(store)[0]


def test_a_save_while_another_program_holds_the_file_says_so(store, tmp_path):
    month(store, "2024-02", 100)
    before = snapshot(store)
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    store.db.execute("PRAGMA busy_timeout = 0")
    try:
        with pytest.raises(StorageError, match="正被其他程序占用"):
            month(store, "2024-03", 300)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert snapshot(store) == before
    month(store, "2024-03", 300)


def test_a_read_only_database_refuses_the_save_in_plain_words(store):
    month(store, "2024-02", 100)
    before = snapshot(store)
    store.db.execute("PRAGMA query_only = ON")
    with pytest.raises(StorageError, match="只读"):
        month(store, "2024-02", 200)
    store.db.execute("PRAGMA query_only = OFF")
    assert snapshot(store) == before


def test_an_os_error_from_a_full_disk_while_saving_becomes_a_clear_message(store):
    month(store, "2024-02", 100)
    before = snapshot(store)

    def disk_full():
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(StorageError, match="磁盘空间不足"):
        store.figures.write(
            "jinshan-2024",
            "fengjing",
            [FigureWrite("2024-02", "energy_tce", 1.0), FigureWrite("2024-03", "energy_tce", 2.0)],
            who="王芳",
            coef_version="GB/T 2589-2020",
            electricity_basis="calorific",
            before_commit=disk_full,
        )
    assert snapshot(store) == before


def test_bugs_are_not_dressed_up_as_the_users_environment(store):
    # a constraint broken by the program, or bad SQL, is a bug and keeps its own exception
    with pytest.raises(sqlite3.IntegrityError), store.transaction():
        store.db.execute("UPDATE audit SET who = 'x'")
    with pytest.raises(sqlite3.OperationalError), store.transaction():
        store.db.execute("SELECT * FROM no_such_table")
    assert environment_error(ValueError("x"), store.path, SAVE) is None
    assert environment_error(OSError("no errno"), store.path, SAVE) is None


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "磁盘空间不足"),
        (OSError(errno.EROFS, "Read-only file system"), "只读"),
        (OSError(errno.EIO, "Input/output error"), "磁盘出错"),
        (PermissionError(errno.EACCES, "Permission denied"), "正被其他程序（如 Excel）打开"),
    ],
)
def test_os_errors_of_the_environment_have_their_own_words(tmp_path, error, words):
    known = environment_error(error, tmp_path / "report.pdf", WRITE_FILE)
    assert known is not None and words in known.message and "原有的文件保持不变" in known.message


def test_sqlite_errors_of_the_environment_are_recognised_by_their_code(tmp_path):
    path = tmp_path / "ro.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t (x)")
    ro = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as info:
        ro.execute("INSERT INTO t VALUES (1)")
    ro.close()
    assert "只读" in environment_error(info.value, path, SAVE).message
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all" * 200)
    with pytest.raises(sqlite3.DatabaseError) as info:
        sqlite3.connect(garbage).execute("SELECT * FROM sqlite_master")
    assert "已损坏" in environment_error(info.value, garbage, SAVE).message
