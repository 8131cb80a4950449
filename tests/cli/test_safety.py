"""The command line and the one-writer rule, and `main.py backup list|restore|now`."""

import json
import os
import subprocess
import sys

import pytest

import main
from tests.conftest import ROOT
from tests.model.store.test_lock import HOLD

ENTER = ["enter", "--unit", "fengjing", "--period", "2024-03", "energy_tce=1000"]


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "cli.sqlite")


def run(capsys, db, *args):
    code = main.main(["--db", db, *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def window(db):
    """A window (another process) writing the same database."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, db], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "ready", child.stderr.read()
    yield child
    if child.poll() is None:
        child.kill()
    child.communicate()


def test_write_commands_refuse_while_another_program_writes_and_reading_ones_work(capsys, db, window):
    for command in (ENTER, ["init"]):
        code, out, err = run(capsys, db, *command)
        assert code == 2 and out == ""
        assert err.startswith("错误：数据库") and f"进程号 {window.pid}" in err
        assert err.count("\n") == 1 and "Traceback" not in err
    code, out, _ = run(capsys, db, "progress", "--unit", "fengjing", "--period", "2024-03", "--json")
    assert code == 0 and json.loads(out)["unit_id"] == "fengjing"
    window.kill()
    window.wait()
    code, out, _ = run(capsys, db, *ENTER)  # the killed window's lock is taken over
    assert code == 0 and "已保存" in out


def test_backup_now_list_and_restore(capsys, db):
    assert run(capsys, db, "init")[0] == 0
    code, out, _ = run(capsys, db, "backup", "list")
    assert code == 0 and "还没有备份" in out
    assert run(capsys, db, *ENTER)[0] == 0
    code, out, _ = run(capsys, db, "backup", "now", "--json")
    made = json.loads(out)
    assert code == 0 and made["reason"] == "manual"
    assert run(capsys, db, "enter", "--unit", "fengjing", "--period", "2024-03", "energy_tce=2000")[0] == 0

    code, out, _ = run(capsys, db, "backup", "list", "--json")
    assert code == 0 and [b["id"] for b in json.loads(out)] == [made["id"]]
    assert set(json.loads(out)[0]) >= {"id", "created_at", "reason", "file", "size_bytes"}

    code, out, err = run(capsys, db, "backup", "restore", made["id"])
    assert code == 0, err
    assert "恢复为" in out and made["id"] in out and "共 1 项数据" in out
    assert "恢复前的数据已另存为备份" in out
    code, out, _ = run(capsys, db, "progress", "--unit", "fengjing", "--period", "2024-03", "--json")
    assert json.loads(out)["annex2"]["months"][2]["energy_tce"] == 1000.0

    code, out, _ = run(capsys, db, "backup", "list")
    assert code == 0 and "恢复备份前" in out and "手动" in out


def test_restore_is_refused_while_a_window_writes(capsys, db, window):
    code, out, _ = run(capsys, db, "backup", "now", "--json")
    backup_id = json.loads(out)["id"]
    code, _, err = run(capsys, db, "backup", "restore", backup_id)
    assert code == 2 and "正由另一个 TanBao 程序写入" in err


def test_restore_of_an_unknown_backup_says_what_there_is(capsys, db):
    run(capsys, db, "init")
    code, _, err = run(capsys, db, "backup", "restore", "20990101-000000")
    assert code == 2 and "没有编号为“20990101-000000”的备份" in err and "还没有任何备份" in err


def test_backup_now_of_a_missing_database_is_a_clear_error(capsys, tmp_path):
    code, _, err = run(capsys, str(tmp_path / "nowhere.sqlite"), "backup", "now")
    assert code == 2 and "找不到数据库文件" in err
    assert not os.path.exists(tmp_path / "nowhere.sqlite")
