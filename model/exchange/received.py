"""What the district holds of one unit's month: every version, who signed it and when, when it arrived,
the correction reason, the signed PDF and the evidence files carried inside it (the window's drill-down
and `main.py received`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from model.common.errors import UserError
from model.common.i18n import translate
from model.common.periods import Period, parse_period
from model.common.untrusted import shown
from model.plan.spec import Plan
from model.reports.signing import AttachedFile, attached_files, signature_name
from model.safety.files import PDF, write_atomic, write_output
from model.store.database import Store
from model.store.received import held_index

RECEIVED, OWN = "received", "own"


@dataclass(frozen=True)
class HeldPackage:
    """One version of a unit's month as the district holds it."""

    version: int
    source: str  # RECEIVED (imported) or OWN (submitted from this database)
    in_use: bool
    created_at: str  # when the unit froze the version
    signed_at: str
    signer: str  # the certificate's holder (the unit)
    received_at: str  # imported (or, for OWN, submitted)
    received_by: str
    file_name: str
    correction_reason: str
    package_id: int  # received.id or submissions.id
    signed_by: str = ""  # the person the visible signature names (the unit's 填表人)


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    size: int
    description: str


@dataclass(frozen=True)
class HeldMonth:
    unit_id: str
    unit_name: str
    period: str
    versions: list[HeldPackage] = field(default_factory=list)


def newest_reported_period(store: Store, plan: Plan) -> Period | None:
    """The latest month of the plan's year any unit's package covers (the district page opens on it)."""
    periods = [r.period for r in held_index(store.db, plan.id) if r.period.startswith(f"{plan.year:04d}")]
    return parse_period(max(periods)) if periods else None


def held_month(store: Store, plan: Plan, unit_id: str, period: Period) -> HeldMonth:
    unit = plan.unit(unit_id)
    versions = [
        HeldPackage(
            r.version,
            RECEIVED,
            r.in_use,
            r.created_at,
            r.signed_at or "",
            r.signer,
            r.imported_at,
            r.imported_by,
            r.file_name,
            str(json.loads(r.data or "{}").get("correction_reason") or ""),
            r.id,
        )
        for r in store.received.all(plan.id, unit_id, str(period))
    ]
    held = {v.version for v in versions}
    for s in store.submissions.all(plan.id, unit_id, str(period)):
        if s.version in held or not s.submitted_at:
            continue
        versions.append(
            HeldPackage(
                s.version,
                OWN,
                s.status == "submitted",
                s.created_at,
                s.submitted_at,
                s.submitted_by or "",
                s.submitted_at,
                s.submitted_by or "",
                s.package_name or "",
                s.reason,
                s.id,
            )
        )
    named = [replace(v, signed_by=signature_name(package_pdf(store, v))) for v in versions]
    return HeldMonth(unit.id, unit.name, str(period), sorted(named, key=lambda v: v.version))


def package_pdf(store: Store, package: HeldPackage) -> bytes:
    if package.source == RECEIVED:
        return store.received.pdf(package.package_id)
    return store.submissions.package(package.package_id)[0]


def evidence_files(pdf: bytes) -> list[AttachedFile]:
    """The evidence files the unit sent inside its signed PDF (the report data itself left out)."""
    from model.calc.report import ATTACHMENT_NAME

    return [f for f in attached_files(pdf) if f.name != ATTACHMENT_NAME]


def evidence_list(pdf: bytes) -> list[EvidenceFile]:
    return [EvidenceFile(f.name, len(f.data), f.description) for f in evidence_files(pdf)]


def write_copy(path: str | Path, data: bytes) -> Path:
    """A copy of a signed PDF or an evidence file at a path the officer named: a PDF may replace a
    previous export; any other file already there is never written over (unless it is this very file)."""
    target = Path(path)
    if data.startswith(b"%PDF-") and target.suffix.lower() == ".pdf":
        return write_output(target, data, kind=PDF)
    if (
        target.is_file()
        and target.stat().st_size
        and (target.stat().st_size != len(data) or target.read_bytes() != data)
    ):
        raise UserError(
            translate("exchange", "{path} 已存在。为免覆盖，没有写入：请换一个文件名或文件夹。").format(
                path=shown(str(target))
            )
        )
    return write_atomic(target, data)


def write_held(store: Store, package: HeldPackage, out_dir: str | Path, *, stem: str) -> list[Path]:
    """The signed PDF of a version and each evidence file inside it, written to `out_dir`."""
    out = Path(out_dir)
    pdf = package_pdf(store, package)
    written = [write_copy(out / f"{stem}.pdf", pdf)]
    for f in evidence_files(pdf):
        safe = Path(f.name.replace("\\", "/")).name  # a name from a file: never a path out of the folder
        if not safe or safe in (".", ".."):
            raise UserError(
                translate("exchange", "报送文件中的证明材料名称无效：{name}").format(name=shown(f.name))
            )
        written.append(write_copy(out / safe, f.data))
    return written


@dataclass(frozen=True)
class CertificatePreview:
    """A certificate file as the officer checks it before trusting it: whose, and its fingerprint."""

    path: str
    unit_name: str
    subject: str
    fingerprint: str
    problem: str = ""  # why it cannot be trusted as it is (unreadable, no unit, not in the plan)


def certificate_preview(plan: Plan, path: str | Path) -> CertificatePreview:
    from model.exchange.district import _read_certificate

    try:
        _pem, info, _cert = _read_certificate(path)
    except UserError as exc:
        return CertificatePreview(str(path), "", "", "", exc.message)
    try:
        unit_name = plan.unit(info.unit_id).name if info.unit_id else ""
    except KeyError:
        unit_name = ""
    problem = "" if unit_name else translate("exchange", "证书没有写明本年计划中的单位")
    return CertificatePreview(str(path), unit_name, info.subject, info.fingerprint_sha256, problem)
