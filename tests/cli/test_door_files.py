"""Careless clerks and broken disks, from the command line: one clear line, never a traceback."""

import json
import os

import pytest

import main


@pytest.fixture
def db(tmp_path, capsys):
    path = str(tmp_path / "tanbao.sqlite")
    assert main.main(["--db", path, "init"]) == 0
    capsys.readouterr()
    return path


def run(capsys, db, *args):
    code = main.main(["--db", db, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_junk_named_like_a_backup_is_reported_and_backups_and_imports_go_on(capsys, db, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "tanbao-20241399-000000-manual.sqlite").write_bytes(b"")
    (folder / "tanbao-20240101-000000-manual.sqlite").write_bytes(b"")
    code, out, err = run(capsys, db, "backup", "now", "--json")
    assert code == 0 and json.loads(out)["reason"] == "manual"
    assert "tanbao-20240101-000000-manual.sqlite（空文件（0 字节））" in err
    code, out, err = run(capsys, db, "backup", "list", "--json")
    assert code == 0 and len(json.loads(out)) == 1
    assert "20241399" in err and "已忽略（未删除）" in err
    package = tmp_path / "nothing.pdf"
    package.write_bytes(b"%PDF-1.7\n")
    code, out, err = run(capsys, db, "import", str(package))
    assert code == 1 and out.count("\n") == 2 and "拒收" in out
    assert os.path.exists(folder / "tanbao-20240101-000000-manual.sqlite")
