"""The signing module on its own: keys, certificates for the district, and a signature over any PDF.

Tampering with a signed report (a flipped byte, appended bytes, an incremental update), an untrusted
key and a wrong passphrase are tested on real reports in test_report_pdf.py.
"""

import io

import pytest

from model.common.errors import UserError
from model.reports import signing
from tests.crafted import blank_pdf

PASS = "correct horse"
UNIT, FULL_NAME = "fengjing", "枫泾镇人民政府"
DATA = b'{"hello": "world"}'


@pytest.fixture(scope="module")
def p12():
    return signing.new_key(UNIT, FULL_NAME, PASS)


def sign(key, pdf=None):
    return signing.sign_pdf(
        pdf or blank_pdf(),
        key,
        data=DATA,
        data_name="data.json",
        box=signing.SignatureBox(0, 300, 60, 540, 160),
        signer_name="张三",
        unit_name="枫泾镇",
        unit_id=UNIT,
    )


def test_a_signed_pdf_carries_its_data_and_verifies_against_the_exported_certificate(p12):
    from pyhanko.pdf_utils.reader import PdfFileReader

    key = signing.load_key(p12, PASS)
    signed = sign(key)
    pem, info = signing.key_certificate(p12, PASS)
    result = signing.verify_pdf(signed, [pem], data_name="data.json")
    assert result.signed and result.intact and result.valid and result.covers_entire_file and result.trusted
    assert result.signer_unit_id == UNIT and result.fingerprint_sha256 == info.fingerprint_sha256
    assert signing.read_attachment(PdfFileReader(io.BytesIO(signed)), "data.json") == DATA


def test_the_exported_certificate_names_the_unit_and_holds_no_private_key(p12):
    pem, info = signing.key_certificate(p12, PASS)
    assert "PRIVATE KEY" not in pem
    [cert] = signing.load_certificates([pem])
    assert signing.certificate_info(cert) == info
    assert (info.unit_id, info.organization) == (UNIT, FULL_NAME)
    assert info.fingerprint_sha256 == signing.load_key(p12, PASS).info.fingerprint_sha256


def test_one_pem_file_may_hold_several_certificates(p12):
    other = signing.new_key("tinglin", "亭林镇人民政府", PASS)
    pems = [signing.key_certificate(k, PASS)[0] for k in (p12, other)]
    units = [signing.certificate_info(c).unit_id for c in signing.load_certificates(["".join(pems)])]
    assert units == [UNIT, "tinglin"]


def test_a_new_key_needs_a_long_enough_passphrase():
    with pytest.raises(UserError, match="口令太短"):
        signing.new_key(UNIT, FULL_NAME, "x" * (signing.MIN_PASSPHRASE - 1))


def test_an_expired_certificate_cannot_sign():
    expired = signing.load_key(signing.new_key(UNIT, FULL_NAME, PASS, valid_days=0), PASS)
    with pytest.raises(UserError, match="已过期"):
        sign(expired)


def test_a_file_that_is_no_certificate_is_refused_with_what_to_do():
    with pytest.raises(UserError, match="不是 PEM 或 DER 格式的"):
        signing.load_certificates([b"not a certificate"])


def test_a_checking_process_verifies_a_signed_pdf_without_pyhankos_network_clients(p12, tmp_path):
    """An import's worker loads validation only (no aiohttp); a sound signature still verifies there and a
    tampered file is still refused."""
    import subprocess
    import sys
    from pathlib import Path

    signed = sign(signing.load_key(p12, PASS))
    pem, _ = signing.key_certificate(p12, PASS)
    (tmp_path / "signed.pdf").write_bytes(signed)
    tampered = bytearray(signed)
    at = signed.index(b"/Producer")  # inside the signed range
    tampered[at + 1] ^= 0x20
    (tmp_path / "tampered.pdf").write_bytes(bytes(tampered))
    (tmp_path / "cert.pem").write_text(pem)
    program = (
        "import sys\n"
        "from pathlib import Path\n"
        "from model.reports import signing\n"
        "signing.load_offline_validation()\n"
        "pem = Path(sys.argv[1], 'cert.pem').read_text()\n"
        "for name in ('signed.pdf', 'tampered.pdf'):\n"
        "    r = signing.verify_pdf(Path(sys.argv[1], name), [pem], data_name='data.json')\n"
        "    print(name, r.valid and r.trusted and r.covers_entire_file, r.intact)\n"
        "print('aiohttp' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run(
        [sys.executable, "-c", program, str(tmp_path)], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:3] == ["signed.pdf True True", "tampered.pdf False False", "False"]
