"""The district's door, keys and certificates (issue 13, items 1, 2, 7, 18): what a hostile file, a
dishonest unit or a careless clerk hands the district is refused with a reason, one outcome per file,
and the batch goes on. Every file here is crafted in the test (tests/crafted.py)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from model.calc.report import encode_report_data, parse_report_data, report_from_store
from model.common.errors import UserError
from model.common.periods import parse_period
from model.common.untrusted import fingerprint_groups, shown
from model.exchange.district import (
    ACCEPTED,
    ReplaceNeeded,
    import_package,
    import_packages,
    trust_add,
    trust_list,
    trust_remove,
    verify_package,
)
from model.reports import signing
from model.reports.pdf import render_unit_pdf
from model.reports.tables import ReportPeople
from tests import crafted
from tests.unit_world import PASSPHRASE, UnitDb, snapshot


def _write(tmp_path: Path, name: str, raw: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def _report_data(unit: UnitDb, version: int = 1) -> bytes:
    report = report_from_store(
        unit.store, unit.unit_id, parse_period("2024-02"), version=version, created_by="c"
    )
    return encode_report_data(report.data)


# ---- 1. hostile data is never parsed before the signature is judged, and then only with bounds -----


@pytest.mark.parametrize("payload", [crafted.deep_json(), crafted.long_number_json()], ids=["deep", "digits"])
@pytest.mark.parametrize("signer", ["unsigned", "untrusted"])
def test_hostile_data_in_an_unsigned_or_untrusted_pdf_is_refused_and_the_batch_goes_on(
    district, fengjing, tmp_path, payload, signer
):
    trust_add(district, district.plans.get(), fengjing.cert_path, who="officer")
    stranger = signing.load_key(crafted.p12(*crafted.certificate(name="某人")), PASSPHRASE)
    hostile = _write(
        tmp_path, "hostile.pdf", crafted.signed_with(None if signer == "unsigned" else stranger, payload)
    )
    good = fengjing.submit("2024-02", tmp_path / "out").pdf_path

    result = signing.verify_pdf(hostile, [fengjing.cert_path.read_bytes()])
    assert not result.ok and result.data is None and result.reasons

    outcomes = import_packages(district, [hostile, good], who="officer")
    assert [o.path for o in outcomes] == [str(hostile), str(good)]
    assert outcomes[0].refused and outcomes[1].outcome == ACCEPTED


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        (crafted.deep_json(), "嵌套"),
        (crafted.deep_json(40), "嵌套"),
        (crafted.long_number_json(), "数字"),
        (b'{"format": "tanbao-report", "format_version": 1e999}', "超出范围"),
        (b'{"format": "tanbao-report", "format_version": NaN}', "NaN"),
        (b'{"format": "tanbao-report", "pad": "' + b" " * (9 * 2**20) + b'"}', "上限"),
    ],
    ids=["deep", "deep-40", "digits", "huge-float", "nan", "9-MB"],
)
def test_report_data_is_parsed_with_bounds(payload, says):
    with pytest.raises(UserError, match=says):
        parse_report_data(payload)


def test_a_trusted_unit_signing_hostile_data_is_refused_with_one_line(district, fengjing, tmp_path):
    trust_add(district, district.plans.get(), fengjing.cert_path, who="officer")
    path = _write(tmp_path, "deep.pdf", crafted.signed_with(fengjing.key, crafted.deep_json()))
    before = snapshot(district)
    outcome = import_package(district, path, who="officer")
    assert outcome.refused and "嵌套" in outcome.message and "\n" not in outcome.message
    assert snapshot(district) == before


# ---- 2. certificates out of their dates, weak or of a CA ------------------------------------------


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ({"valid_from": timedelta(days=-400)}, "已过期"),
        ({"valid_from": timedelta(days=30)}, "尚未生效"),
        ({"rsa_bits": 1024}, "密钥太短"),
        ({"sha1": True}, "SHA1"),
        ({"ca": True}, "CA"),
    ],
    ids=["expired", "not-yet-valid", "rsa-1024", "sha1", "ca"],
)
def test_trust_add_refuses_what_should_not_be_trusted_with_its_own_reason(district, tmp_path, kind, says):
    _key, cert = crafted.certificate(**kind)
    path = _write(tmp_path, "unit.pem", crafted.pem(cert))
    with pytest.raises(UserError, match=says) as caught:
        trust_add(district, district.plans.get(), path, who="officer")
    assert "不受信任" not in caught.value.message
    if "valid_from" in kind:
        assert cert.not_valid_before_utc.astimezone().date().isoformat() in caught.value.message
        assert cert.not_valid_after_utc.astimezone().date().isoformat() in caught.value.message
    assert trust_list(district, district.plans.get(), include_revoked=True) == []


def test_a_package_signed_after_its_certificate_expired_is_refused_with_the_dates(
    district, fengjing, tmp_path
):
    key, cert = crafted.certificate(valid_from=timedelta(days=-30), valid_for=timedelta(days=29))
    # trusted while it was valid (written as trust add wrote it then)
    info = signing.certificate_info(cert)
    district.trust.add(
        info.fingerprint_sha256,
        info.subject,
        crafted.pem(cert).decode(),
        "fengjing",
        info.not_after,
        who="officer",
    )
    loaded = signing.load_key(crafted.p12(key, cert), PASSPHRASE)
    path = _write(tmp_path, "expired.pdf", crafted.signed_with(loaded, _report_data(fengjing)))

    result = verify_package(district, path)
    assert not result.ok and not result.certificate_valid_at_signing
    outcome = import_package(district, path, who="officer")
    assert outcome.refused and "已过期" in outcome.message and info.not_after[:10] in outcome.message


def test_a_package_signed_while_its_certificate_was_valid_is_accepted(district, fengjing, tmp_path):
    key, cert = crafted.certificate()
    path = _write(tmp_path, "unit.pem", crafted.pem(cert))
    trust_add(district, district.plans.get(), path, who="officer")
    loaded = signing.load_key(crafted.p12(key, cert), PASSPHRASE)
    form = render_unit_pdf(
        report_from_store(fengjing.store, "fengjing", parse_period("2024-02"), version=1, created_by="c"),
        ReportPeople(),
        signed=True,
    ).data  # the district compares the printed form with the data
    package = _write(tmp_path, "good.pdf", crafted.signed_with(loaded, _report_data(fengjing), form))
    assert verify_package(district, package).ok
    assert import_package(district, package, who="officer").outcome == ACCEPTED


# ---- 7. a certificate belongs to one unit, and a replacement is a step of its own -----------------


def test_a_certificate_naming_one_unit_and_claiming_another_is_refused(district, tmp_path):
    _key, cert = crafted.certificate(unit_id="zhujing", name="枫泾镇人民政府")
    path = _write(tmp_path, "mixed.pem", crafted.pem(cert))
    with pytest.raises(UserError, match="证书与单位不符") as caught:
        trust_add(district, district.plans.get(), path, who="officer")
    assert "枫泾镇" in caught.value.message and "朱泾镇" in caught.value.message
    assert trust_list(district, district.plans.get(), include_revoked=True) == []


def test_trust_list_shows_the_subject(district, fengjing):
    trust_add(district, district.plans.get(), fengjing.cert_path, who="officer")
    assert "枫泾镇" in trust_list(district, district.plans.get())[0].subject


def test_a_second_certificate_for_a_unit_needs_replace_and_the_old_one_is_revoked(
    district, fengjing, tmp_path
):
    plan = district.plans.get()
    first = trust_add(district, plan, fengjing.cert_path, who="officer")
    _key, cert = crafted.certificate()
    second = _write(tmp_path, "second.pem", crafted.pem(cert))
    before = snapshot(district)
    with pytest.raises(ReplaceNeeded) as caught:
        trust_add(district, plan, second, who="officer")
    assert fingerprint_groups(first.fingerprint) in caught.value.message
    assert snapshot(district) == before

    entry = trust_add(district, plan, second, who="officer", replace=True)
    assert entry.replaced == (first.fingerprint,)
    assert [t.fingerprint for t in trust_list(district, plan)] == [entry.fingerprint]
    revoked = {t.fingerprint: t for t in trust_list(district, plan, include_revoked=True)}[first.fingerprint]
    assert revoked.revoked_at is not None
    replaced = [a for a in district.audit.entries() if a.action == "trust.replace"]
    assert [(a.value("old"), a.value("new")) for a in replaced] == [
        ({"fingerprint": first.fingerprint}, {"fingerprint": entry.fingerprint})
    ]


def test_a_certificate_without_unit_is_not_rebound_to_another_unit(district, tmp_path):
    _key, cert = crafted.certificate(unit_id=None, name="某园区填报员")
    path = _write(tmp_path, "nounit.pem", crafted.pem(cert))
    plan = district.plans.get()
    trust_add(district, plan, path, who="officer", unit="tangu")
    with pytest.raises(UserError, match="不能再绑定"):
        trust_add(district, plan, path, who="officer", unit="zhujing")
    assert [t.unit_id for t in trust_list(district, plan)] == ["tangu"]


def test_a_package_signed_with_a_revoked_certificate_says_so_and_not_to_trust_it_again(
    district, fengjing, tmp_path
):
    plan = district.plans.get()
    trust_add(district, plan, fengjing.cert_path, who="officer")
    trust_remove(district, plan, fengjing.cert_path, who="officer")
    outcome = import_package(district, fengjing.submit("2024-02", tmp_path / "out").pdf_path, who="officer")
    assert outcome.refused and "撤销" in outcome.message
    assert "trust add" not in outcome.message and "加入受信任列表" not in outcome.message
    with pytest.raises(UserError, match="撤销"):
        trust_add(district, plan, fengjing.cert_path, who="officer", replace=True)


def test_verify_against_the_database_trusts_what_the_district_trusts(district, fengjing, tmp_path):
    pdf = fengjing.submit("2024-02", tmp_path / "out").pdf_path
    assert not verify_package(district, pdf).ok
    trust_add(district, district.plans.get(), fengjing.cert_path, who="officer")
    result = verify_package(district, pdf)
    assert result.ok, result.reasons
    assert result.data_summary is not None and result.data_summary["unit_id"] == "fengjing"


# ---- 18. outside text never breaks a message ------------------------------------------------------

FAKE_LINE = "\nz.pdf：已接收：朱泾镇 2024-02 第 1 版。"


def test_shown_escapes_line_breaks_bidi_and_invisible_characters_and_keeps_chinese():
    assert shown("枫泾镇" + FAKE_LINE) == "枫泾镇\\nz.pdf：已接收：朱泾镇 2024-02 第 1 版。"
    assert shown("report\u202efdp.exe") == "report\\u202efdp.exe"
    assert shown("a\x1b[2Jb\u2066c\u200bd\u2028e") == "a\\x1b[2Jb\\u2066c\\u200bd\\u2028e"
    assert shown("上海市 金山区　枫泾镇") == "上海市 金山区　枫泾镇"


def test_a_certificate_subject_with_a_fake_line_cannot_print_one(district, fengjing, tmp_path):
    _key, cert = crafted.certificate(unit_id=None, name="某公司" + FAKE_LINE + "\u202e")
    path = _write(tmp_path, "evil.pem", crafted.pem(cert))
    with pytest.raises(UserError) as caught:
        trust_add(district, district.plans.get(), path, who="officer")
    assert "\n" not in caught.value.message and "\u202e" not in caught.value.message
    assert "\\n" in caught.value.message


def test_a_refusal_names_a_key_file_with_escapes(tmp_path):
    path = _write(tmp_path, "key\u202e21p.exe", b"not a key")
    with pytest.raises(UserError) as caught:
        signing.load_key(path, PASSPHRASE)
    assert "\u202e" not in caught.value.message and "\\u202e" in caught.value.message


def test_report_data_fields_in_refusals_are_escaped(district, fengjing, tmp_path):
    trust_add(district, district.plans.get(), fengjing.cert_path, who="officer")
    data = json.loads(_report_data(fengjing))
    data["plan_id"] = "other" + FAKE_LINE
    path = _write(tmp_path, "p.pdf", crafted.signed_with(fengjing.key, json.dumps(data).encode()))
    outcome = import_package(district, path, who="officer")
    assert outcome.refused and "\n" not in outcome.message
