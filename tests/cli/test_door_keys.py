"""The district's door from the command line (issue 13, items 1, 2, 7, 18): one outcome line per file,
no traceback, certificates shown so they can be checked over the phone, outside text escaped."""

from __future__ import annotations

from datetime import timedelta

import pytest

import main
from model.common.untrusted import fingerprint_groups
from model.reports import signing
from tests import crafted
from tests.unit_world import PASSPHRASE, february_unit

FAKE = "\nz.pdf：已接收：朱泾镇 2024-02 第 1 版。\u202e"


@pytest.fixture(autouse=True)
def env(monkeypatch):
    monkeypatch.setenv("TANBAO_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("TANBAO_USER", "officer")
    monkeypatch.delenv("TANBAO_DB", raising=False)


def run(capsys, db, *args):
    code = main.main(["--db", str(db), *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def db(capsys, tmp_path):
    """The district's database, made by init."""
    path = tmp_path / "district.sqlite"
    assert run(capsys, path, "init")[0] == 0
    return path


@pytest.fixture
def fengjing(tmp_path):
    unit = february_unit(tmp_path)
    yield unit
    unit.store.close()


def test_trust_add_shows_subject_unit_and_grouped_fingerprint_and_replacing_is_explicit(
    capsys, tmp_path, fengjing, db
):
    code, out, _ = run(capsys, db, "trust", "add", fengjing.cert_path)
    fp = signing.key_certificate(fengjing.p12, PASSPHRASE)[1].fingerprint_sha256
    assert code == 0 and "枫泾镇" in out and "CN=" in out and fingerprint_groups(fp) in out
    _key, cert = crafted.certificate()
    second = tmp_path / "second.pem"
    second.write_bytes(crafted.pem(cert))
    code, out, err = run(capsys, db, "trust", "add", second)
    assert code == 2 and "--replace" in err and fingerprint_groups(fp) in err
    code, out, _ = run(capsys, db, "trust", "add", second, "--replace")
    assert code == 0 and "已替换" in out and fingerprint_groups(fp) in out
    code, out, _ = run(capsys, db, "trust", "list")
    assert "CN=" in out and fingerprint_groups(fp) not in out


def test_verify_without_trust_uses_the_databases_trusted_certificates(capsys, tmp_path, fengjing, db):
    pdf = fengjing.submit("2024-02", tmp_path / "out").pdf_path
    run(capsys, db, "trust", "add", fengjing.cert_path)
    code, out, _ = run(capsys, db, "verify", pdf)
    assert code == 0 and "结论：通过" in out and "证书受信任：是" in out


def test_a_batch_with_hostile_files_ends_with_one_line_per_file(capsys, tmp_path, fengjing, db):
    run(capsys, db, "trust", "add", fengjing.cert_path)
    files = []
    for name, payload in (("deep.pdf", crafted.deep_json()), ("digits.pdf", crafted.long_number_json())):
        files.append(tmp_path / name)
        files[-1].write_bytes(crafted.signed_with(None, payload))
    files.append(fengjing.submit("2024-02", tmp_path / "out").pdf_path)
    code, out, _ = run(capsys, db, "import", *files)
    lines = out.splitlines()
    assert code == 1 and len(lines) == 4
    assert [line.startswith(str(f)) for f, line in zip(files, lines, strict=False)] == [True] * 3
    assert "拒收" in lines[0] and "拒收" in lines[1] and "已接收" in lines[2]
    code, out, _ = run(capsys, db, "verify", files[0])
    assert code == 1 and "未通过" in out


def test_an_expired_certificate_is_refused_with_its_dates(capsys, tmp_path, db):
    _key, cert = crafted.certificate(valid_from=timedelta(days=-400))
    path = tmp_path / "old.pem"
    path.write_bytes(crafted.pem(cert))
    code, _, err = run(capsys, db, "trust", "add", path)
    assert code == 2 and "已过期" in err and cert.not_valid_after_utc.date().isoformat()[:4] in err


def test_outside_text_cannot_print_a_line_of_its_own(capsys, tmp_path, fengjing, db):
    _key, cert = crafted.certificate(name="枫泾镇" + FAKE)
    path = tmp_path / "evil.pem"
    path.write_bytes(crafted.pem(cert))
    code, out, err = run(capsys, db, "trust", "add", path)
    assert code == 0
    assert not [line for line in (out + err).splitlines() if line.startswith("z.pdf")]
    assert "\u202e" not in out + err and "\\u202e" in out
    evil_name = tmp_path / "a\nz.pdf：已接收.pdf"
    evil_name.write_bytes(b"%PDF-1.7 nonsense")
    code, out, _ = run(capsys, db, "import", evil_name)
    assert code == 1 and len(out.splitlines()) == 2


def test_a_certificate_naming_no_unit_asks_for_unit_on_the_command_line(capsys, tmp_path, db):
    _key, cert = crafted.certificate(unit_id=None, name="某园区填报员")
    path = tmp_path / "nounit.pem"
    path.write_bytes(crafted.pem(cert))
    code, _, err = run(capsys, db, "trust", "add", path)
    assert code == 2 and "--unit" in err
    code, out, _ = run(capsys, db, "trust", "add", path, "--unit", "碳谷绿湾")
    assert code == 0 and "碳谷绿湾" in out
