"""`main.py received`: the district's drill-down into one unit's month — versions, signer, times, the
correction reason, and the signed PDF with the evidence files that travelled inside it."""

import hashlib
import json

import pytest

from tests.cli.test_district_exchange import _statuses, _unit, run


@pytest.fixture(autouse=True)
def env(monkeypatch):
    monkeypatch.setenv("TANBAO_PASSPHRASE", "secret-123")
    monkeypatch.setenv("TANBAO_USER", "root")
    monkeypatch.delenv("TANBAO_DB", raising=False)


def test_the_district_sees_who_signed_when_and_opens_the_evidence(capsys, tmp_path):
    fj = _unit(capsys, tmp_path, "fengjing", {"2024-02": (1000, 1050, 20000, 19500)})
    assert run(capsys, fj, "profile", "--set", "preparer=张三")[0] == 0
    row = _statuses(capsys, fj, "fengjing")[0].split(".")[0]
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8 a photo of the new boiler" * 100)
    code, _, err = run(
        capsys, fj, "evidence", "add", "--unit", "fengjing", "--period", "2024-02", "--row", row, str(photo)
    )
    assert code == 0, err
    out = tmp_path / "outbox"
    code, _, err = run(
        capsys, fj, "submit", "--unit", "fengjing", "--period", "2024-02", "--key", str(tmp_path / "fengjing.p12"),
        "-o", str(out),
    )  # fmt: skip
    assert code == 0, err

    district = tmp_path / "district.sqlite"
    assert run(capsys, district, "init")[0] == 0
    assert run(capsys, district, "trust", "add", str(tmp_path / "fengjing.pem"))[0] == 0
    assert run(capsys, district, "import", str(out / "2024-02_fengjing_v1.pdf"))[0] == 0

    code, text, _ = run(capsys, district, "received", "--unit", "fengjing", "--period", "2024-02", "--json")
    assert code == 0
    data = json.loads(text)
    (v1,) = data["versions"]
    assert (v1["version"], v1["in_use"], v1["signed_by"]) == (1, True, "张三")
    assert v1["signed_at"] and v1["received_at"]
    assert [e["name"].endswith("现场照片.jpg") for e in data["evidence"]["1"]] == [True]

    code, text, _ = run(
        capsys, district, "received", "--unit", "fengjing", "--period", "2024-02", "-o", str(tmp_path / "got")
    )
    assert code == 0 and "签名人 张三" in text and "现场照片.jpg" in text
    (copy,) = (tmp_path / "got").glob("*现场照片.jpg")
    assert hashlib.sha256(copy.read_bytes()).digest() == hashlib.sha256(photo.read_bytes()).digest()
    assert (tmp_path / "got" / "fengjing_2024-02_v1.pdf").exists()


def test_a_month_with_nothing_received_says_so(capsys, tmp_path):
    district = tmp_path / "district.sqlite"
    assert run(capsys, district, "init")[0] == 0
    code, text, _ = run(capsys, district, "received", "--unit", "fengjing", "--period", "2024-02")
    assert code == 0 and "没有收到" in text
