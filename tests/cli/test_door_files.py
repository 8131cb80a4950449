"""Careless clerks and broken disks, from the command line: one clear line, never a traceback."""

import json
import os
from pathlib import Path

from tests.cli.conftest import run


def test_junk_named_like_a_backup_is_reported_and_backups_and_imports_go_on(capsys, db, tmp_path):
    folder, stem = tmp_path / "backups", Path(db).stem
    folder.mkdir()
    (folder / f"{stem}-20241399-000000-manual.sqlite").write_bytes(b"")
    (folder / f"{stem}-20240101-000000-manual.sqlite").write_bytes(b"")
    code, out, err = run(capsys, db, "backup", "now", "--json")
    assert code == 0 and json.loads(out)["reason"] == "manual"
    assert f"{stem}-20240101-000000-manual.sqlite（空文件（0 字节））" in err
    code, out, err = run(capsys, db, "backup", "list", "--json")
    assert code == 0 and len(json.loads(out)) == 1
    assert "20241399" in err and "已忽略（未删除）" in err
    package = tmp_path / "nothing.pdf"
    package.write_bytes(b"%PDF-1.7\n")
    code, out, err = run(capsys, db, "import", str(package))
    assert code == 1 and out.count("\n") == 2 and "拒收" in out
    assert os.path.exists(folder / f"{stem}-20240101-000000-manual.sqlite")


def test_export_over_the_live_database_or_a_backup_is_refused_unless_forced(capsys, db, tmp_path):
    before = Path(db).read_bytes()
    export = ["export", "xlsx", "--unit", "fengjing", "--period", "2024-03"]
    code, out, err = run(capsys, db, *export, "-o", db)
    assert code == 2 and "TanBao 数据库或它的备份" in err and "--force" in err
    assert Path(db).read_bytes() == before
    code, out, _ = run(capsys, db, "backup", "now", "--json")
    backup = json.loads(out)["file"]
    code, _, err = run(capsys, db, *export, "-o", backup)
    assert code == 2 and "为免覆盖" in err
    code, out, err = run(capsys, db, "progress", "--unit", "fengjing", "--period", "2024-03")
    assert code == 0
    report = str(tmp_path / "report.xlsx")
    assert run(capsys, db, *export, "-o", report)[0] == 0
    assert run(capsys, db, *export, "-o", report)[0] == 0  # a previous export of the same kind
    code, _, err = run(capsys, db, "export", "pdf", "--unit", "fengjing", "--period", "2024-03", "-o", report)
    assert code == 2 and "Excel 工作簿" in err
    other = tmp_path / "notes.txt"
    other.write_text("my notes")
    assert run(capsys, db, *export, "-o", str(other))[0] == 2
    assert run(capsys, db, *export, "-o", str(other), "--force")[0] == 0


def test_a_certificate_is_never_written_over_the_key(capsys, db, tmp_path, monkeypatch):
    monkeypatch.setenv("TANBAO_PASSPHRASE", "a long passphrase 123")
    key = str(tmp_path / "K.p12")
    assert run(capsys, db, "keys", "new", "--unit", "fengjing", "-o", key)[0] == 0
    secret = Path(key).read_bytes()
    code, _, err = run(capsys, db, "keys", "cert", key, "-o", key)
    assert code == 2 and "是密钥" in err and "Traceback" not in err
    assert Path(key).read_bytes() == secret
    cert = str(tmp_path / "K.pem")
    assert run(capsys, db, "keys", "cert", key, "-o", cert)[0] == 0
    assert run(capsys, db, "keys", "cert", key, "-o", cert)[0] == 0  # a certificate over a certificate
    code, _, err = run(capsys, db, "keys", "new", "--unit", "fengjing", "-o", cert)
    assert code == 2 and "已存在" in err
