"""The district's side: trust, importing packages with every outcome, completeness and the totals.

The round trip uses three unit databases and one district database, as the issue's "Done means" asks.
"""

import json
import random
import shutil
from datetime import date, datetime

import pytest

from model.calc import formulas as calc
from model.calc.completeness import CORRECTED, LATE, MISSING, ON_TIME, completeness, expected_units
from model.calc.progress import unit_progress
from model.calc.summary import district_view
from model.common.errors import UserError
from model.common.periods import Period, parse_period
from model.common.untrusted import fingerprint_groups
from model.exchange.district import (
    ACCEPTED,
    IDENTICAL,
    NEWER,
    OLDER,
    REFUSED,
    held_package_pdf,
    held_packages,
    import_package,
    import_packages,
    trust_add,
    trust_list,
    trust_remove,
)
from model.exchange.submission import correct
from model.reports import signing
from model.store.database import open_database
from tests.conftest import ROOT
from tests.unit_world import PASSPHRASE, snapshot, unit_db

# (period, E, E last year, Y, Y last year) per unit
FIGURES = {
    "fengjing": [
        ("2024-02", 1000, 1050, 20000, 19500),
        ("2024-03", 600, 620, 12000, 11000),
        ("2024-04", 700, 690, 14000, 13000),
    ],
    "zhujing": [
        ("2024-02", 500, 520, 8000, 7900),
        ("2024-03", 450, 470, 7000, 6800),
        ("2024-04", 480, 470, 7400, 7000),
    ],
    "tangu": [
        ("2024-02", 300, 310, 5000, 4800),
        ("2024-03", 280, 300, 4700, 4500),
        ("2024-04", 320, 330, 5200, 5000),
    ],
}


def _unit(tmp_path, unit_id, salt=""):
    unit = unit_db(tmp_path, unit_id, salt=salt)
    unit.statuses("2024-02")
    for period, *values in FIGURES[unit_id]:
        unit.month(period, *values)
    return unit


@pytest.fixture
def fengjing(tmp_path):
    unit = _unit(tmp_path, "fengjing")
    yield unit
    unit.store.close()


# ---- trust ------------------------------------------------------------------------------------


def test_trust_add_list_and_remove(district, fengjing):
    plan = district.plans.get()
    entry = trust_add(district, plan, fengjing.cert_path, who="officer")
    assert entry.unit_id == "fengjing" and entry.unit_name == "枫泾镇"
    fingerprint = signing.key_certificate(fengjing.p12, PASSPHRASE)[1].fingerprint_sha256
    assert entry.fingerprint == fingerprint == trust_list(district, plan)[0].fingerprint
    assert trust_add(district, plan, fengjing.cert_path, who="officer").fingerprint == entry.fingerprint
    assert len(trust_list(district, plan)) == 1  # adding twice keeps one
    removed = trust_remove(district, plan, entry.fingerprint.replace(":", "").lower(), who="officer")
    assert removed.revoked_at is not None
    assert trust_list(district, plan) == [] and len(trust_list(district, plan, include_revoked=True)) == 1
    with pytest.raises(UserError, match="受信任列表中没有"):
        trust_remove(district, plan, fengjing.cert_path, who="officer")
    with pytest.raises(UserError, match="撤销的证书不能再次信任"):  # revoked stays revoked
        trust_add(district, plan, fengjing.cert_path, who="officer")
    assert trust_list(district, plan) == []


def test_a_certificate_is_bound_to_the_unit_it_names(district, fengjing, tmp_path):
    plan = district.plans.get()
    with pytest.raises(UserError, match="不符"):
        trust_add(district, plan, fengjing.cert_path, who="officer", unit="朱泾镇")
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", encoding="ascii")
    with pytest.raises(UserError):
        trust_add(district, plan, garbage, who="officer")
    assert trust_list(district, plan) == []


def _key_without_unit(tmp_path):
    """A PKCS#12 whose certificate names no unit (as a district-issued key might)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "某园区填报员")])
    now = datetime.now().astimezone()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now.replace(year=now.year - 1))
        .not_valid_after(now.replace(year=now.year + 1))
        .sign(key, hashes.SHA256())
    )
    pem = tmp_path / "no-unit.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    p12 = pkcs12.serialize_key_and_certificates(
        b"x", key, cert, None, serialization.BestAvailableEncryption(PASSPHRASE.encode())
    )
    return signing.load_key(p12, PASSPHRASE), pem


def test_a_package_signed_with_another_units_certificate_is_refused(district, fengjing, tmp_path):
    key, pem = _key_without_unit(tmp_path)
    plan = district.plans.get()
    with pytest.raises(UserError, match="没有写明单位编号"):
        trust_add(district, plan, pem, who="officer")
    trust_add(district, plan, pem, who="officer", unit="tangu")
    from model.exchange.submission import submit

    result = submit(
        fengjing.store, fengjing.plan, "fengjing", parse_period("2024-02"), key, tmp_path / "o", who="c"
    )
    outcome = import_package(district, result.pdf_path, who="officer")
    assert outcome.refused and "碳谷绿湾" in outcome.message and "枫泾镇" in outcome.message


# ---- single outcomes --------------------------------------------------------------------------


def test_untrusted_package_is_refused_with_its_fingerprint_and_nothing_changes(district, fengjing, tmp_path):
    pdf = fengjing.submit("2024-02", tmp_path / "out").pdf_path
    before = snapshot(district)
    outcome = import_package(district, pdf, who="officer")
    fingerprint = signing.key_certificate(fengjing.p12, PASSPHRASE)[1].fingerprint_sha256
    assert outcome.outcome == REFUSED and outcome.fingerprint == fingerprint
    assert fingerprint_groups(fingerprint) in outcome.message and "main.py" not in outcome.message
    assert snapshot(district) == before


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("flip", "改动"),
        ("append", "没有覆盖整个文件"),
        ("truncate", "损坏"),
        ("not_pdf", "损坏"),
    ],
)
def test_damaged_files_are_refused_with_the_reason(district, fengjing, tmp_path, damage, reason):
    trust_add(district, district.plans.get(), fengjing.cert_path, who="officer")
    raw = fengjing.submit("2024-02", tmp_path / "out").pdf_path.read_bytes()
    if damage == "flip":
        i = raw.index(b"stream") + 200  # inside the page content, well before the signature
        raw = raw[:i] + bytes([raw[i] ^ 0x01]) + raw[i + 1 :]
    elif damage == "append":
        raw += b"\n% appended after signing\n"
    elif damage == "truncate":
        raw = raw[: len(raw) // 2]
    else:
        raw = b"PK\x03\x04 not a pdf"
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(raw)
    before = snapshot(district)
    outcome = import_package(district, bad, who="officer")
    assert outcome.refused and reason in outcome.message, outcome.message
    assert snapshot(district) == before


def test_unreadable_file_is_refused(district, tmp_path):
    outcome = import_package(district, tmp_path / "nowhere.pdf", who="officer")
    assert outcome.refused and "无法读取" in outcome.message


def test_a_package_of_another_plan_year_is_refused(district, tmp_path):
    unit = unit_db(tmp_path, "tangu", plan_file=ROOT / "tests" / "fixtures" / "plan-2025.json")
    unit.statuses("2025-02")
    unit.month("2025-02", 300, 310, 5000, 4800)
    pdf = unit.submit("2025-02", tmp_path / "out").pdf_path
    assert pdf.name == "2025-02_tangu_v1.pdf"
    trust_add(district, district.plans.get(), unit.cert_path, who="officer")
    outcome = import_package(district, pdf, who="officer")
    assert outcome.refused and "jinshan-2025" in outcome.message and "2024" in outcome.message
    # a district on the 2025 plan takes it, the renamed unit and all
    district.plans.load(unit.plan, who="officer")
    accepted = import_package(district, pdf, who="officer")
    assert accepted.outcome == ACCEPTED and accepted.unit_name == "碳谷绿湾园区"


def test_a_package_of_a_unit_the_district_does_not_know_is_refused(district, tmp_path):
    from model.plan.spec import load_plan, load_shipped_plan

    data = json.loads(district.plans.get().source)
    data["units"].append({"id": "newtown", "name": "新城镇", "full_name": "新城镇人民政府", "kind": "town"})
    data["annex2"]["rows"].append({"unit": "newtown", "target_pct": -1.0})
    path = tmp_path / "with-newtown.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    unit = unit_db(tmp_path, "newtown", plan_file=path)
    unit.statuses("2024-02")
    unit.month("2024-02", 10, 10, 10, 10)
    pdf = unit.submit("2024-02", tmp_path / "out").pdf_path
    with pytest.raises(UserError, match="newtown"):  # a certificate cannot be bound to an unknown unit
        trust_add(district, district.plans.get(), unit.cert_path, who="officer")
    # trusted while the district's plan had the unit, which a revised plan then dropped
    district.plans.load(load_plan(path), who="officer")
    trust_add(district, district.plans.get(), unit.cert_path, who="officer")
    district.plans.load(load_shipped_plan(), who="officer")
    before = snapshot(district)
    outcome = import_package(district, pdf, who="officer")
    assert outcome.refused and "新城镇" in outcome.message and "不在本年计划中" in outcome.message
    assert snapshot(district) == before


def test_an_export_that_was_never_submitted_is_refused(district, fengjing, tmp_path):
    from model.calc.report import report_from_store
    from model.reports.pdf import unit_pdf

    trust_add(district, district.plans.get(), fengjing.cert_path, who="officer")
    report = report_from_store(
        fengjing.store, "fengjing", parse_period("2024-02"), version=None, created_by="c"
    )
    path = tmp_path / "export.pdf"
    path.write_bytes(unit_pdf(report, key=fengjing.key))
    outcome = import_package(district, path, who="officer")
    assert outcome.refused and "“报送”功能" in outcome.message


def test_the_same_version_with_different_figures_is_refused(district, fengjing, tmp_path):
    trust_add(district, district.plans.get(), fengjing.cert_path, who="officer")
    first = fengjing.submit("2024-02", tmp_path / "a").pdf_path
    (tmp_path / "twin").mkdir()
    twin = _unit(tmp_path / "twin", "fengjing")  # the same unit and key on a second computer
    twin.enter("2024-02", "energy_tce=1001")
    second = twin.submit("2024-02", tmp_path / "b").pdf_path
    assert import_package(district, first, who="officer").outcome == ACCEPTED
    before = snapshot(district)
    outcome = import_package(district, second, who="officer")
    assert outcome.refused and "核实" in outcome.message
    assert snapshot(district) == before
    # the same figures frozen again (another file, same version) count as the same package
    (tmp_path / "third").mkdir()
    third = _unit(tmp_path / "third", "fengjing")
    assert (
        import_package(district, third.submit("2024-02", tmp_path / "c").pdf_path, who="o").outcome
        == IDENTICAL
    )


def test_newer_replaces_and_older_is_kept_but_not_used(district, fengjing, tmp_path):
    trust_add(district, district.plans.get(), fengjing.cert_path, who="officer")
    v1 = fengjing.submit("2024-03", tmp_path / "out").pdf_path
    correct(fengjing.store, fengjing.plan, "fengjing", parse_period("2024-03"), "能耗漏报一户", who="clerk")
    fengjing.enter("2024-03", "energy_tce=640")
    v2 = fengjing.submit("2024-03", tmp_path / "out").pdf_path

    first = import_package(district, v1, who="officer")
    assert (first.outcome, first.version_in_use) == (ACCEPTED, 1) and "已接收" in first.message
    second = import_package(district, v2, who="officer")
    assert (second.outcome, second.replaced_version, second.version_in_use) == (NEWER, 1, 2)
    assert "替换" in second.message
    assert (
        district.figures.read("jinshan-2024", "fengjing") == []
    )  # received figures stay in the received tables
    assert _ytd_energy(district, "fengjing", "2024-03") == 1000 + 640

    other = open_database(tmp_path / "other-district.sqlite", write=True, create=True)
    trust_add(other, other.plans.get(), fengjing.cert_path, who="officer")
    assert import_package(other, v2, who="officer").outcome == ACCEPTED
    late = import_package(other, v1, who="officer")
    assert (late.outcome, late.version_in_use) == (OLDER, 2) and "旧版本" in late.message
    assert _ytd_energy(other, "fengjing", "2024-03") == 1000 + 640
    kept = held_packages(other, other.plans.get(), "fengjing", "2024-03")
    assert [(p.version, p.outcome, bool(p.in_use)) for p in kept] == [(1, OLDER, False), (2, ACCEPTED, True)]
    assert held_package_pdf(other, kept[0].id) == v1.read_bytes()
    other.close()


def _ytd_energy(store, unit_id, period):
    view = district_view(store, parse_period(period))
    return next(line for line in view.annex2 if line.unit_id == unit_id).ytd_energy_tce


# ---- the round trip ---------------------------------------------------------------------------


def test_round_trip_units_submit_and_correct_district_imports_in_any_order(district, tmp_path):
    units = {uid: _unit(tmp_path, uid) for uid in FIGURES}
    out = tmp_path / "outbox"
    at = datetime.fromisoformat
    files = []
    arrival = {}  # each file reaches the district the day it was signed

    def send(uid, period, when):
        path = units[uid].submit(period, out, at(when)).pdf_path
        arrival[path.name] = at(when).date()
        files.append(path)

    for uid in FIGURES:
        send(uid, "2024-02", "2024-03-08T10:00:00+08:00")
    send("fengjing", "2024-03", "2024-04-20T10:00:00+08:00")  # late
    send("zhujing", "2024-03", "2024-04-12T10:00:00+08:00")
    send("tangu", "2024-03", "2024-04-15T18:00:00+08:00")  # last day
    fengjing = units["fengjing"]
    correct(fengjing.store, fengjing.plan, "fengjing", parse_period("2024-03"), "能耗漏报一户", who="clerk")
    fengjing.enter("2024-03", "energy_tce=640")
    send("fengjing", "2024-03", "2024-04-25T10:00:00+08:00")
    send("fengjing", "2024-04", "2024-05-10T10:00:00+08:00")
    send("tangu", "2024-04", "2024-05-16T10:00:00+08:00")  # late
    assert sorted(p.name for p in out.glob("*.pdf"))[:3] == [
        "2024-02_fengjing_v1.pdf",
        "2024-02_tangu_v1.pdf",
        "2024-02_zhujing_v1.pdf",
    ]

    # zhujing's April comes signed with a key the district was never given
    rogue = _unit(tmp_path, "zhujing", salt="-rogue")
    untrusted = rogue.submit("2024-04", tmp_path / "rogue", at("2024-05-12T10:00:00+08:00")).pdf_path
    rogue_fp = signing.key_certificate(rogue.p12, PASSPHRASE)[1].fingerprint_sha256
    # tangu's March altered after signing
    raw = (out / "2024-03_tangu_v1.pdf").read_bytes()
    i = raw.index(b"stream") + 150
    tampered = tmp_path / "tampered" / "2024-03_tangu_v1.pdf"
    tampered.parent.mkdir()
    tampered.write_bytes(raw[:i] + bytes([raw[i] ^ 0x20]) + raw[i + 1 :])
    copies = tmp_path / "copies"
    shutil.copytree(out, copies)

    for uid in FIGURES:
        trust_add(district, district.plans.get(), units[uid].cert_path, who="officer")
    batch = [*files, *(copies / p.name for p in files), untrusted, tampered]
    random.Random(20240520).shuffle(batch)
    outcomes = [
        import_package(district, p, who="officer", received_on=arrival.get(p.name, date(2024, 5, 20)))
        for p in batch
    ]

    assert len(outcomes) == len(batch)
    refused = {o.path: o for o in outcomes if o.refused}
    assert set(refused) == {str(untrusted), str(tampered)}
    assert (
        fingerprint_groups(rogue_fp) in refused[str(untrusted)].message
        and "不受信任" in refused[str(untrusted)].message
    )
    assert "改动" in refused[str(tampered)].message
    kinds = [o.outcome for o in outcomes if not o.refused]
    assert kinds.count(IDENTICAL) == len(files)  # every duplicate, whichever copy came first
    assert kinds.count(ACCEPTED) + kinds.count(NEWER) + kinds.count(OLDER) == len(files)
    assert kinds.count(NEWER) + kinds.count(OLDER) == 1  # fengjing's March came twice

    plan = district.plans.get()
    held = {(p.unit_id, p.period, p.version): bool(p.in_use) for p in held_packages(district, plan)}
    assert held == {
        ("fengjing", "2024-02", 1): True,
        ("fengjing", "2024-03", 1): False,
        ("fengjing", "2024-03", 2): True,
        ("fengjing", "2024-04", 1): True,
        ("zhujing", "2024-02", 1): True,
        ("zhujing", "2024-03", 1): True,
        ("tangu", "2024-02", 1): True,
        ("tangu", "2024-03", 1): True,
        ("tangu", "2024-04", 1): True,
    }

    grid = completeness(district, plan, upto=Period(2024, 4), as_of=date(2024, 5, 20))
    states = {(r.unit_id, c.period): c.state for r in grid.units for c in r.cells if r.unit_id in FIGURES}
    assert states == {
        ("fengjing", "2024-02"): ON_TIME,
        ("fengjing", "2024-03"): CORRECTED,
        ("fengjing", "2024-04"): ON_TIME,
        ("zhujing", "2024-02"): ON_TIME,
        ("zhujing", "2024-03"): ON_TIME,
        ("zhujing", "2024-04"): MISSING,
        ("tangu", "2024-02"): ON_TIME,
        ("tangu", "2024-03"): ON_TIME,
        ("tangu", "2024-04"): LATE,
    }
    assert grid.cell("fengjing", "2024-03").on_time is False  # version 1 came after the 15th
    assert grid.counts[ON_TIME] == 1 and grid.counts[LATE] == 1
    assert grid.counts[MISSING] == len(expected_units(plan)) - 2

    # district totals: ΣE/ΣY recomputed from the units' own figures, over the units that reported April
    april = parse_period("2024-04")
    summary = district_view(district, april, as_of=date(2024, 5, 20))
    sums = [0.0, 0.0, 0.0, 0.0]
    for uid in ("fengjing", "tangu"):
        own = {(f.period, f.field): f.value for f in units[uid].store.figures.read("jinshan-2024", uid)}
        for i, key in enumerate(
            ("energy_tce", "energy_tce_last_year", "output_wan_yuan", "output_wan_yuan_last_year")
        ):
            sums[i] += sum(own[(p, key)] for p in ("2024-02", "2024-03", "2024-04"))
    total = summary.annex2_total
    assert total.units_counted == 2
    assert (
        total.energy_tce,
        total.energy_tce_last_year,
        total.output_wan_yuan,
        total.output_wan_yuan_last_year,
    ) == (
        pytest.approx(sums[0]),
        pytest.approx(sums[1]),
        pytest.approx(sums[2]),
        pytest.approx(sums[3]),
    )
    assert sums[0] == 1000 + 640 + 700 + 300 + 280 + 320  # fengjing's correction counts, not version 1
    assert total.change_rate_pct == pytest.approx(calc.change_rate_pct(*sums))
    # each unit's standing at the district equals its own report, for every month it submitted
    coefficients = district.plans.coefficients(plan.coefficients)
    for uid, unit in units.items():
        for month in (2, 3) if uid == "zhujing" else (2, 3, 4):
            period = Period(2024, month)
            own = unit_progress(
                unit.plan, coefficients, unit.store.figures.read(plan.id, uid), uid, period
            ).annex2
            view = district_view(district, period, as_of=date(2024, 5, 20))
            held_here = next(line for line in view.annex2 if line.unit_id == uid)
            assert own.ytd_change_rate_pct is not None
            assert held_here.ytd_change_rate_pct == pytest.approx(own.ytd_change_rate_pct)
            assert held_here.ytd_energy_tce == pytest.approx(own.ytd_energy_tce)

    # the same set again changes nothing at all
    before = snapshot(district)
    again = import_packages(district, batch, who="officer")
    assert [o.outcome for o in again if not o.refused] == [IDENTICAL] * (2 * len(files))
    assert {o.path for o in again if o.refused} == set(refused)
    assert snapshot(district) == before
    for unit in units.values():
        unit.store.close()
    rogue.store.close()


def test_a_backup_is_made_before_every_import(tmp_path):
    from model.exchange.district import import_packages
    from model.store.backup import IMPORT, list_backups
    from model.store.database import open_database

    with open_database(tmp_path / "district.sqlite", write=True, create=True) as district:
        (tmp_path / "junk.pdf").write_bytes(b"not a pdf")
        (outcome,) = import_packages(district, [tmp_path / "junk.pdf"], who="t")
        assert outcome.refused
        assert [b.reason for b in list_backups(district.path)] == [IMPORT]
