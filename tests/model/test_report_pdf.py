"""The signed PDF: what it says, its fonts, its attachment, and pyHanko's verdict on tampering."""

import io
import json
import shutil
import subprocess

import pytest

from model.calc.report import ATTACHMENT_NAME, report_from_store
from model.common import formatting as fmt
from model.common.errors import UserError
from model.common.periods import parse_period
from model.common.untrusted import fingerprint_groups
from model.reports import signing
from model.reports.pdf import summary_pdf, unit_pdf
from model.reports.tables import ReportPeople
from model.store.database import open_database
from tests.model.report_fixtures import BUREAU, KEY_USER, PERIOD, REASON, TOWN, fill, view_of_reports

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
PASS = "correct horse"
PEOPLE = ReportPeople(unit_head="李四", stats_head="王五", preparer="张三", phone="021-57350000")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    path = tmp_path_factory.mktemp("reports") / "r.sqlite"
    with open_database(path, write=True, create=True) as store:
        fill(store)
        plan = store.plans.get()
        reports = {
            u: report_from_store(store, u, parse_period(PERIOD), created_by="张三")
            for u in (TOWN, KEY_USER, BUREAU)
        }
        summary = view_of_reports(store, (TOWN, KEY_USER, BUREAU))
    p12 = signing.new_key(TOWN, plan.unit(TOWN).full_name, PASS)
    other = signing.new_key(TOWN, plan.unit(TOWN).full_name, PASS)  # same unit, another key
    key = signing.load_key(p12, PASS)
    pem, _ = signing.key_certificate(p12, PASS)
    other_pem, _ = signing.key_certificate(other, PASS)
    signed = unit_pdf(reports[TOWN], PEOPLE, key=key, signer_name="张三")
    return {
        "plan": plan,
        "reports": reports,
        "summary": summary,
        "p12": p12,
        "key": key,
        "pem": pem,
        "other_pem": other_pem,
        "signed": signed,
        "dir": path.parent,
    }


def pdftext(pdf: bytes, tmp_path) -> str:
    f = tmp_path / "x.pdf"
    f.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(f), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdffonts(pdf: bytes, tmp_path) -> list[list[str]]:
    f = tmp_path / "f.pdf"
    f.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(f)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def test_text_shows_the_form_the_figures_and_the_reasons(env, tmp_path):
    report = env["reports"][TOWN]
    text = pdftext(env["signed"], tmp_path)
    plan, a2 = env["plan"], report.progress.annex2
    for expected in (
        plan.unit(TOWN).full_name,
        report.period.label(),
        plan.report_form.authority,
        plan.report_form.table_numbers["annex2"],
        plan.report_form.valid_until,
        fmt.rate(a2.ytd_change_rate_pct),
        fmt.rate(a2.target_pct),
        fmt.amount(a2.ytd_energy_tce),
        fmt.intensity(a2.ytd_intensity_tce_per_wan_yuan),
        a2.colour_label,
        REASON,
        "单位负责人",
        "统计负责人",
        "填表人",
        "联系电话",
        "报出日期",
        "李四",
        "021-57350000",
        "数字签名",
        "签名人：张三",
    ):
        assert expected in text, expected
    pages, squeezed = text.count("\f"), text.replace(" ", "")
    assert f"第1页共{pages}页" in squeezed and f"第{pages}页共{pages}页" in squeezed


def test_only_the_bundled_font_embedded_as_subsets(env, tmp_path):
    for pdf in (env["signed"], summary_pdf(env["plan"], env["summary"], PEOPLE)):
        rows = pdffonts(pdf, tmp_path)
        assert rows and all("NotoSansSC" in r[0] for r in rows), rows
        assert all(r[-5:-2] == ["yes", "yes", "yes"] for r in rows), rows  # emb, sub, uni


def test_each_kind_of_unit_gets_its_own_annexes(env, tmp_path):
    plan = env["plan"]
    key_user = pdftext(unit_pdf(env["reports"][KEY_USER], PEOPLE), tmp_path)
    assert (
        plan.report_form.table_numbers["annex3"] in key_user
        and plan.report_form.table_numbers["annex2"] not in key_user
    )
    a3 = env["reports"][KEY_USER].progress.annex3
    assert fmt.amount(a3.ytd_tce) in key_user and fmt.amount(a3.cap_tce) in key_user
    bureau = pdftext(unit_pdf(env["reports"][BUREAU], PEOPLE), tmp_path)
    assert (
        plan.report_form.table_numbers["annex1"] in bureau
        and plan.report_form.table_numbers["annex4"] in bureau
    )
    assert plan.report_form.table_numbers["annex2"] not in bureau
    assert "未经数字签名" in bureau


def test_attachment_equals_the_report_data(env):
    from pyhanko.pdf_utils.reader import PdfFileReader

    raw = signing.read_attachment(PdfFileReader(io.BytesIO(env["signed"])), ATTACHMENT_NAME)
    assert json.loads(raw) == json.loads(json.dumps(env["reports"][TOWN].data))


def test_untouched_file_verifies(env):
    result = signing.verify_pdf(env["signed"], [env["pem"]])
    assert result.ok, result.reasons
    assert result.intact and result.covers_entire_file and result.trusted and result.signer_unit_id == TOWN
    assert result.data == json.loads(json.dumps(env["reports"][TOWN].data))
    assert result.data_summary["period"] == PERIOD and result.signing_time


def test_one_flipped_byte_fails(env):
    signed = bytearray(env["signed"])
    at = signed.index(b"stream", len(signed) // 4) + 300  # inside a stream of the signed revision
    signed[at] ^= 0x01
    result = signing.verify_pdf(bytes(signed), [env["pem"]])
    assert not result.ok and not result.intact
    assert any("改动" in r for r in result.reasons)


def test_appended_bytes_fail(env):
    result = signing.verify_pdf(env["signed"] + b"\n% appended\n", [env["pem"]])
    assert not result.ok and not result.covers_entire_file


def test_an_incremental_update_changing_a_figure_fails(env):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    data = json.loads(json.dumps(env["reports"][TOWN].data))
    data["figures"][0]["value"] = 1.0
    writer = IncrementalPdfFileWriter(io.BytesIO(env["signed"]))
    names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    spec_ref = names.raw_get(1)
    spec = spec_ref.get_object()
    spec["/EF"]["/F"] = writer.add_object(generic.StreamObject(stream_data=json.dumps(data).encode()))
    writer.update_container(spec)
    out = io.BytesIO()
    writer.write(out)
    tampered = out.getvalue()
    assert tampered.startswith(env["signed"])
    result = signing.verify_pdf(tampered, [env["pem"]])
    assert not result.ok and not result.covers_entire_file
    assert any("覆盖" in r for r in result.reasons)


def test_a_key_the_district_does_not_trust_fails(env):
    result = signing.verify_pdf(env["signed"], [env["other_pem"]])
    assert not result.ok and result.intact and not result.trusted
    assert any(fingerprint_groups(result.fingerprint_sha256) in r for r in result.reasons)
    assert not signing.verify_pdf(env["signed"], []).ok


def test_unsigned_export_does_not_verify_and_its_data_is_not_read(env):
    """Nothing inside a file is parsed before its signature is judged (issue 13, item 1)."""
    result = signing.verify_pdf(unit_pdf(env["reports"][BUREAU], PEOPLE), [env["pem"]])
    assert not result.ok and not result.signed and result.data is None
    assert any("没有数字签名" in r for r in result.reasons)


def test_garbage_is_a_reason_not_an_exception():
    result = signing.verify_pdf(b"%PDF-1.7 nonsense", [])
    assert not result.ok and result.reasons


def test_wrong_passphrase_and_wrong_file_are_clear_errors(env):
    with pytest.raises(UserError, match="口令不对"):
        signing.load_key(env["p12"], "wrong")
    with pytest.raises(UserError, match="不是 PKCS#12"):
        signing.load_key(b"not a key", PASS)


def test_a_key_of_another_unit_cannot_sign(env):
    report = env["reports"][KEY_USER]
    with pytest.raises(UserError, match="不能为"):
        unit_pdf(report, PEOPLE, key=env["key"])


def test_rsa_keys_sign_and_verify(env):
    p12 = signing.new_key(TOWN, env["plan"].unit(TOWN).full_name, PASS, algorithm="rsa")
    key = signing.load_key(p12, PASS)
    assert key.info.algorithm == "RSA-2048"
    pem, _ = signing.key_certificate(p12, PASS)
    assert signing.verify_pdf(unit_pdf(env["reports"][TOWN], PEOPLE, key=key), [pem]).ok


def test_summary_pdf_lists_units_totals_and_who_has_not_reported(env, tmp_path):
    summary = env["summary"]
    text = pdftext(summary_pdf(env["plan"], summary, PEOPLE), tmp_path)
    assert summary.district_unit_name in text and summary.period_label in text
    assert fmt.rate(summary.annex2_total.change_rate_pct) in text
    for _uid, name in summary.not_reported[:3]:
        assert name in text
    assert env["plan"].report_form.table_numbers["summary"] in text


def district_issued_p12(unit_id, unit_name, passphrase):
    """A CA of the district and a unit certificate it issued, packed as the district would hand it out."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "区发证机构（测试）")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, unit_name), x509.NameAttribute(NameOID.USER_ID, unit_id)]
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        b"unit", key, leaf, [ca], serialization.BestAvailableEncryption(passphrase.encode())
    )
    return p12, ca.public_bytes(serialization.Encoding.PEM)


def test_a_key_issued_by_the_district_verifies_against_the_districts_ca(env):
    p12, ca_pem = district_issued_p12(TOWN, env["plan"].unit(TOWN).full_name, PASS)
    signed = unit_pdf(env["reports"][TOWN], PEOPLE, key=signing.load_key(p12, PASS))
    assert signing.verify_pdf(signed, [ca_pem]).ok
    assert not signing.verify_pdf(signed, [env["pem"]]).ok


def test_the_key_users_form_prints_the_electricity_basis_and_its_coefficient(env, tmp_path):
    a3 = env["reports"][KEY_USER].progress.annex3
    squeezed = pdftext(unit_pdf(env["reports"][KEY_USER], PEOPLE), tmp_path).replace(" ", "")
    assert "电力折标：等价值0.3kgce/kWh（假定，待区发改委确认）" in squeezed
    assert a3.electricity_basis_evidence[:10] in squeezed  # why the basis was chosen, in 说明
