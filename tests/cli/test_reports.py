"""keys, export and verify from the command line: exit codes, messages, files."""

import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

import main
from model.common.untrusted import fingerprint_groups
from tests.model.report_fixtures import INJECTION, PERIOD, TOWN, fill

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture
def db(tmp_path, monkeypatch):
    from model.store.database import open_database

    path = tmp_path / "cli.sqlite"
    with open_database(path, write=True, create=True) as store:
        fill(store)
    monkeypatch.setenv("TANBAO_PASSPHRASE", "passphrase-1")
    monkeypatch.chdir(tmp_path)
    return str(path)


def run(capsys, db, *args):
    code = main.main(["--db", db, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_key_cert_signed_export_and_verify(capsys, db):
    code, out, _ = run(capsys, db, "keys", "new", "--unit", "枫泾镇", "-o", "fj.p12", "--json")
    created = json.loads(out)
    assert code == 0 and created["unit_id"] == TOWN and created["algorithm"].startswith("ECDSA")
    code, out, _ = run(capsys, db, "keys", "cert", "fj.p12", "-o", "fj.pem")
    assert code == 0 and fingerprint_groups(created["fingerprint_sha256"]) in out
    assert Path("fj.pem").read_text().startswith("-----BEGIN CERTIFICATE-----")
    code, out, _ = run(
        capsys,
        db,
        "export",
        "pdf",
        "--unit",
        "fengjing",
        "--period",
        PERIOD,
        "--key",
        "fj.p12",
        "-o",
        "fj.pdf",
    )
    assert code == 0 and "已签名" in out
    code, out, _ = run(capsys, db, "verify", "fj.pdf", "--trust", "fj.pem", "--json")
    result = json.loads(out)
    assert code == 0 and result["ok"] and result["data_summary"]["unit_id"] == TOWN
    code, out, _ = run(capsys, db, "verify", "fj.pdf")
    assert code == 1 and "未通过" in out and "没有受信任的证书" in out
    with open("fj.pdf", "ab") as f:
        f.write(b"\n%tail\n")
    code, out, _ = run(capsys, db, "verify", "fj.pdf", "--trust", "fj.pem")
    assert code == 1 and "覆盖整个文件：否" in out


def test_keys_new_refuses_to_overwrite_and_rsa_works(capsys, db):
    assert run(capsys, db, "keys", "new", "--unit", "fengjing", "-o", "k.p12", "--algorithm", "rsa")[0] == 0
    code, _, err = run(capsys, db, "keys", "new", "--unit", "fengjing", "-o", "k.p12")
    assert code == 2 and "已存在" in err


def test_wrong_passphrase_is_one_chinese_line(capsys, db, monkeypatch):
    run(capsys, db, "keys", "new", "--unit", "fengjing", "-o", "fj.p12")
    monkeypatch.setenv("TANBAO_PASSPHRASE", "wrong")
    code, _, err = run(
        capsys,
        db,
        "export",
        "pdf",
        "--unit",
        "fengjing",
        "--period",
        PERIOD,
        "--key",
        "fj.p12",
        "-o",
        "x.pdf",
    )
    assert code == 2 and err.startswith("错误：") and "口令不对" in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_no_passphrase_and_no_terminal_is_a_clear_error(capsys, db, monkeypatch):
    monkeypatch.delenv("TANBAO_PASSPHRASE")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, db, "keys", "new", "--unit", "fengjing", "-o", "fj.p12")
    assert code == 2 and "TANBAO_PASSPHRASE" in err


def test_workbook_numbers_equal_the_progress_command(capsys, db):
    _, out, _ = run(capsys, db, "progress", "--unit", "fengjing", "--period", PERIOD, "--json")
    a2 = json.loads(out)["annex2"]
    assert (
        run(capsys, db, "export", "xlsx", "--unit", "fengjing", "--period", PERIOD, "-o", "fj.xlsx")[0] == 0
    )
    wb = openpyxl.load_workbook("fj.xlsx")
    values = [c.value for row in wb["附件2"].iter_rows() for c in row if isinstance(c.value, float | int)]
    for key in (
        "ytd_change_rate_pct",
        "ytd_energy_tce",
        "ytd_output_wan_yuan",
        "ytd_intensity_tce_per_wan_yuan",
        "completion_rate_pct",
    ):
        assert any(v == pytest.approx(a2[key], rel=1e-15) for v in values), key
    texts = [c.value for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "s"]
    assert INJECTION in texts


def test_summary_exports(capsys, db):
    code, out, _ = run(capsys, db, "export", "summary-pdf", "--period", PERIOD, "-o", "s.pdf")
    assert code == 0 and "未报" in out
    assert Path("s.pdf").read_bytes()[:5] == b"%PDF-"
    assert run(capsys, db, "export", "summary-xlsx", "--period", PERIOD, "-o", "s.xlsx")[0] == 0
    assert openpyxl.load_workbook("s.xlsx").sheetnames[0] == "附件2"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "pdf", "--period", PERIOD, "-o", "x.pdf"], "--unit"),
        (
            ["export", "xlsx", "--unit", "fengjing", "--period", PERIOD, "--key", "k.p12", "-o", "x.xlsx"],
            "不签名",
        ),
        (["export", "summary-pdf", "--unit", "fengjing", "--period", PERIOD, "-o", "x.pdf"], "汇总表"),
        (["export", "pdf", "--unit", "fengjing", "--period", "2023-07", "-o", "x.pdf"], "不在本计划年度"),
        (
            [
                "export",
                "pdf",
                "--unit",
                "fengjing",
                "--period",
                PERIOD,
                "--key",
                "missing.p12",
                "-o",
                "x.pdf",
            ],
            "无法读取",
        ),
        (["verify", "missing.pdf"], "无法读取"),
        (["verify", "x.pdf", "--trust", "missing.pem"], "无法读取证书"),
    ],
)
def test_errors_are_one_chinese_line(capsys, db, args, message):
    code, _, err = run(capsys, db, *args)
    assert code == 2 and err.startswith("错误：") and message in err and "Traceback" not in err
