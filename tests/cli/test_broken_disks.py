"""Full disks and damaged files: a clear message, an outcome line per file, damage found before writing."""

import errno
import json
import sqlite3
from pathlib import Path

import pytest

import main
from model.common.errors import StorageError
from model.exchange.district import NOT_STORED, import_packages, trust_add
from model.store import lock as lock_module
from model.store.database import open_database
from model.store.lock import WriterLock
from tests.cli.conftest import run
from tests.model.exchange.test_exchange import _unit
from tests.model.store.test_backup import damage

ENTER = ["enter", "--unit", "fengjing", "--period", "2024-03", "energy_tce=1000"]


@pytest.fixture
def db(db, capsys):
    """The initialised database with one figure in it."""
    assert main.main(["--db", db, *ENTER]) == 0
    capsys.readouterr()
    return db


def disk_full(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_taking_the_lock_on_a_full_disk_is_a_clear_message(capsys, db, monkeypatch):
    monkeypatch.setattr(lock_module.WriterLock, "_write", disk_full)
    code, out, err = run(capsys, db, *ENTER)
    assert code == 2 and out == "" and "磁盘空间不足" in err and "Traceback" not in err
    monkeypatch.undo()
    with WriterLock(db):  # nothing was left held
        pass


def test_opening_on_a_full_disk_says_the_disk_is_full(capsys, tmp_path, monkeypatch):
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13  # SQLITE_FULL

    def connect(*_args, **_kwargs):
        raise full

    monkeypatch.setattr("model.store.connection.sqlite3.connect", connect)
    code, _out, err = run(capsys, str(tmp_path / "new.sqlite"), "init")
    assert code == 2 and "磁盘空间不足" in err and "读写权限" not in err


def test_a_corrupted_page_in_a_cleanly_closed_database_is_found_before_anything_is_written(capsys, db):
    assert run(capsys, db, "backup", "now")[0] == 0
    damage(Path(db))
    before = Path(db).read_bytes()
    code, out, err = run(capsys, db, "status", "--period", "2024-03")
    assert code == 2 and out == "" and "已损坏" in err and "Traceback" not in err
    code, out, err = run(capsys, db, "enter", "--unit", "fengjing", "--period", "2024-04", "energy_tce=5")
    assert code == 2 and out == "" and "已损坏" in err and "backup restore" in err
    assert Path(db).read_bytes() == before


def test_an_empty_database_file_is_damage_not_a_new_database(capsys, tmp_path):
    db = tmp_path / "tanbao.sqlite"
    db.write_bytes(b"")
    for command in (ENTER, ["status", "--period", "2024-03"], ["init"]):
        code, out, err = run(capsys, str(db), *command)
        assert code == 2 and out == "" and "文件是空的（0 字节）" in err and "Traceback" not in err
    assert db.read_bytes() == b""


def test_an_import_batch_on_a_disk_that_fills_gives_every_file_its_line(tmp_path):
    units = [_unit(tmp_path, unit_id) for unit_id in ("fengjing", "zhujing", "tangu")]
    packages = [u.submit("2024-03", tmp_path / "out").pdf_path for u in units]
    with open_database(tmp_path / "district.sqlite", write=True, create=True) as district:
        for u in units:
            trust_add(district, district.plans.get(), u.cert_path, who="officer")

        def fill_the_disk_after_the_first(done, _total, _path):
            if done == 1:
                pages = district.db.conn.execute("PRAGMA page_count").fetchone()[0]
                district.db.conn.execute(f"PRAGMA max_page_count = {pages}")

        outcomes = import_packages(district, packages, who="officer", progress=fill_the_disk_after_the_first)
        assert [o.path for o in outcomes] == [str(p) for p in packages]
        assert outcomes[0].outcome == "accepted"
        assert [o.outcome for o in outcomes[1:]] == [NOT_STORED, NOT_STORED]
        assert all("磁盘空间不足" in o.message for o in outcomes[1:])
        assert [p.unit_id for p in district.received.all(district.plans.get().id, "fengjing")] == ["fengjing"]
        assert district.received.all(district.plans.get().id, "zhujing") == []
    for u in units:
        u.store.close()


def test_an_import_whose_backup_cannot_be_made_imports_nothing_and_says_so_per_file(tmp_path, monkeypatch):
    unit = _unit(tmp_path, "fengjing")
    package = unit.submit("2024-03", tmp_path / "out").pdf_path
    unit.store.close()

    def backup_fails(*_args, **_kwargs):
        raise StorageError(
            "磁盘空间不足（备份）：备份没有完成，数据库本身不受影响。请清理磁盘空间后再试一次。"
        )

    monkeypatch.setattr("model.store.backup.backup_now", backup_fails)
    with open_database(tmp_path / "district.sqlite", write=True, create=True) as district:
        outcomes = import_packages(district, [package, package], who="officer")
        assert [o.outcome for o in outcomes] == [NOT_STORED, NOT_STORED]
        assert district.received.all(district.plans.get().id, "fengjing") == []


def test_a_batch_checked_in_worker_processes_whose_backup_fails_stores_nothing(tmp_path, monkeypatch):
    """The workers check the first files while the backup is made: when it fails, none is stored."""
    from model.exchange.district import MIN_POOL_FILES

    unit = _unit(tmp_path, "fengjing")
    package = unit.submit("2024-03", tmp_path / "out").pdf_path
    unit.store.close()

    def backup_fails(*_args, **_kwargs):
        raise StorageError("磁盘空间不足（备份）：备份没有完成，数据库本身不受影响。")

    monkeypatch.setattr("model.store.backup.backup_now", backup_fails)
    files = [package] * (MIN_POOL_FILES + 2)
    with open_database(tmp_path / "district.sqlite", write=True, create=True) as district:
        outcomes = import_packages(district, files, who="officer", workers=2)
        assert [o.outcome for o in outcomes] == [NOT_STORED] * len(files)
        assert district.received.all(district.plans.get().id, "fengjing") == []


def test_an_empty_database_file_can_be_restored_from_a_backup(capsys, db):
    code, out, _ = run(capsys, db, "backup", "now", "--json")
    made = json.loads(out)["id"]
    Path(db).write_bytes(b"")
    code, out, err = run(capsys, db, "backup", "restore", made)
    assert code == 0, err
    code, out, _ = run(capsys, db, "progress", "--unit", "fengjing", "--period", "2024-03", "--json")
    assert code == 0 and json.loads(out)["unit_id"] == "fengjing"
