"""A printed page verifies itself: every page of a signed report carries a QR code with the plan, unit,
period, version, page n/N, the SHA-256 of the embedded data and the signer's fingerprint; `verify_print`
reads it from a scan (rendered with pdftoppm, rotated, scaled to 150 dpi, with noise) and says whether the
district holds that exact version and whether it is the newest."""

import random
import subprocess

import pytest
from PIL import Image

import main
from model.common.errors import UserError
from model.common.periods import parse_period
from model.exchange.district import import_package, trust_add
from model.exchange.printcheck import read_marks, verify_print
from model.exchange.submission import correct
from model.reports.printmark import short_fingerprint
from model.reports.signing import key_certificate
from tests.unit_world import PASSPHRASE, unit_db


@pytest.fixture
def fengjing(tmp_path):
    unit = unit_db(tmp_path, "fengjing")
    unit.statuses("2024-02")
    unit.month("2024-02", 1000, 1050, 20000, 19500)
    unit.month("2024-03", 600, 620, 12000, 11000)
    yield unit
    unit.store.close()


def scan(pdf, tmp_path, name, *, page=1, angle=0.0, suffix=".png"):
    """Page `page` as a scanner would hand it over: rendered at 300 dpi, scaled to 150 dpi, turned by
    `angle` degrees, with 2 % of the pixels flipped (salt and pepper)."""
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "300",
            "-f",
            str(page),
            "-l",
            str(page),
            "-gray",
            "-png",
            str(pdf),
            str(tmp_path / name),
        ],
        check=True,
    )
    rendered = next(tmp_path.glob(f"{name}*.png"))
    image = Image.open(rendered).convert("L")
    image = image.resize((image.width // 2, image.height // 2))
    image = image.rotate(angle, expand=True, fillcolor=255)
    pixels = bytearray(image.tobytes())
    rng = random.Random(16)
    for i in rng.sample(range(len(pixels)), len(pixels) // 50):
        pixels[i] = 255 - pixels[i]
    noisy = Image.frombytes("L", image.size, bytes(pixels))
    out = tmp_path / f"{name}-scan{suffix}"
    noisy.save(out)
    return out


def test_every_page_carries_its_mark(fengjing, tmp_path):
    pdf = fengjing.submit("2024-03", tmp_path / "out").pdf_path
    marks = read_marks(pdf)
    fingerprint = key_certificate(fengjing.p12, PASSPHRASE)[1].fingerprint_sha256
    assert [m.page for m in marks] == list(range(1, len(marks) + 1)) and len(marks) >= 2
    assert {(m.plan_id, m.unit_id, m.period, m.version, m.pages) for m in marks} == {
        ("jinshan-2024", "fengjing", "2024-03", 1, len(marks))
    }
    assert {m.signer for m in marks} == {short_fingerprint(fingerprint)}
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert marks[0].data_sha256 in text  # printed beside the code in readable text


def test_a_scanned_page_of_a_received_package_is_accepted(fengjing, district, tmp_path):
    trust_add(district, district.plans.get(), fengjing.cert_path, who="officer")
    pdf = fengjing.submit("2024-03", tmp_path / "out").pdf_path
    assert not import_package(district, pdf, who="officer").refused
    for angle, suffix in ((90, ".png"), (-3.5, ".jpg")):
        (check,) = verify_print(district, scan(pdf, tmp_path, f"p{angle}", angle=angle, suffix=suffix))
        assert check.ok and check.held and check.newest, check.message
        assert check.mark.version == 1 and "第 1 版" in check.message
        assert dict(check.key_figures)["累计变化率"] == "−8.68%"  # (1600/1670)/(32000/30500) − 1


def test_a_page_of_an_older_version_is_refused(fengjing, district, tmp_path):
    trust_add(district, district.plans.get(), fengjing.cert_path, who="officer")
    v1 = fengjing.submit("2024-03", tmp_path / "out").pdf_path
    correct(fengjing.store, fengjing.plan, "fengjing", parse_period("2024-03"), "能耗漏报一户", who="clerk")
    fengjing.enter("2024-03", "energy_tce=640")
    v2 = fengjing.submit("2024-03", tmp_path / "out").pdf_path
    for pdf in (v1, v2):
        assert not import_package(district, pdf, who="officer").refused
    (old,) = verify_print(district, scan(v1, tmp_path, "v1", angle=1.5))
    assert not old.ok and old.held and not old.newest
    assert old.newest_version == 2 and "更新的第 2 版" in old.message
    (new,) = verify_print(district, scan(v2, tmp_path, "v2", page=2))
    assert new.ok and new.mark.page == 2


def test_a_page_the_district_never_received_is_refused(fengjing, district, tmp_path, capsys):
    pdf = fengjing.submit("2024-03", tmp_path / "out").pdf_path  # never sent to the district
    (check,) = verify_print(district, scan(pdf, tmp_path, "never"))
    assert not check.ok and not check.held and "没有收到" in check.message
    code = main.main(["--db", str(district.path), "verify-print", str(pdf)])
    out = capsys.readouterr().out
    assert code == 1 and "不一致" in out and "没有收到" in out


def test_an_image_without_a_mark_is_a_clear_message(tmp_path):
    blank = tmp_path / "blank.png"
    Image.new("L", (400, 300), 255).save(blank)
    with pytest.raises(UserError, match="没有找到 TanBao 报表核验码"):
        read_marks(blank)
