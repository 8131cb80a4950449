"""The district's side: trusted unit certificates and importing the units' signed packages.

Every file is checked on its own (signature intact and covering the entire file, certificate trusted and
belonging to the unit, data readable, plan and year matching, unit and fields known) and gets one outcome
in plain words. A file is imported in one transaction; a refused file changes nothing, and so does a file
already held. What the district holds decides its figures, whatever the order the files came in: for a
unit and a period, those of the newest version of that period's own package (never a later period's
package, although every package carries its year to date). Received figures stay in the received tables;
they are never written into the figures typed in this database (see `model.calc.summary.district_view`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.calc.progress import MonthTable
from model.common.errors import UserError
from model.common.i18n import translate
from model.plan.spec import Plan
from model.store.connection import now_iso
from model.store.database import Store
from model.store.figures import Figure
from model.store.received import KeySums, add_received_sums
from model.store.submissions import ACCEPTED, NEWER, OLDER, ReceivedPackage
from model.store.trust import TrustedCert

IDENTICAL, REFUSED = "identical", "refused"
OUTCOMES = (ACCEPTED, IDENTICAL, NEWER, OLDER, REFUSED)


def outcome_label(outcome: str) -> str:
    return {
        ACCEPTED: translate("exchange", "已接收"),
        IDENTICAL: translate("exchange", "已有相同文件"),
        NEWER: translate("exchange", "新版本已替换旧版本"),
        OLDER: translate("exchange", "旧版本（仅存档）"),
        REFUSED: translate("exchange", "拒收"),
    }[outcome]


# ---- trust ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustEntry:
    fingerprint: str
    subject: str
    unit_id: str | None
    unit_name: str
    not_after: str | None
    added_at: str
    added_by: str
    revoked_at: str | None


def _entry(plan: Plan, cert: TrustedCert) -> TrustEntry:
    try:
        unit_name = plan.unit(cert.unit_id).name if cert.unit_id else ""
    except KeyError:
        unit_name = cert.unit_id or ""
    return TrustEntry(
        cert.fingerprint,
        cert.subject,
        cert.unit_id,
        unit_name,
        cert.not_after,
        cert.added_at,
        cert.added_by,
        cert.revoked_at,
    )


def _read_certificate(source: str | Path | bytes) -> tuple[str, Any]:
    """(PEM text, CertificateInfo) of exactly one certificate."""
    from cryptography.hazmat.primitives import serialization

    from model.reports.signing import certificate_info, load_certificates

    if isinstance(source, bytes):
        raw = source
    else:
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise UserError(
                translate("exchange", "无法读取证书文件 {path}：{err}").format(
                    path=source, err=exc.strerror or exc
                )
            ) from None
    try:
        certs = load_certificates([raw])
    except UserError:
        name = translate("exchange", "该文件") if isinstance(source, bytes) else str(source)
        raise UserError(
            translate(
                "exchange",
                "无法读取证书文件 {path}：不是 PEM 或 DER 格式的证书，可能已损坏、不完整，或是改了扩展名的其他文件（例如密钥文件 .p12）。请让填报单位用 main.py keys cert 重新导出证书。",
            ).format(path=name)
        ) from None
    if len(certs) != 1:
        raise UserError(
            translate(
                "exchange", "证书文件中有 {n} 个证书，应只有一个：请让填报单位用 main.py keys cert 重新导出。"
            ).format(n=len(certs))
        )
    pem = certs[0].public_bytes(serialization.Encoding.PEM).decode("ascii")
    return pem, certificate_info(certs[0])


def trust_add(
    store: Store, plan: Plan, source: str | Path | bytes, *, who: str, unit: str | None = None
) -> TrustEntry:
    """Trust a unit's certificate. It is bound to the unit its subject names (or `unit`, when it names none):
    a package signed with it is accepted for that unit only."""
    pem, info = _read_certificate(source)
    unit_id = info.unit_id
    if unit is not None:
        chosen = plan.find_unit(unit).id
        if unit_id and unit_id != chosen:
            raise UserError(
                translate(
                    "exchange", "该证书属于单位“{cert_unit}”，与指定的“{unit}”不符，未加入受信任列表。"
                ).format(cert_unit=unit_id, unit=plan.unit(chosen).name)
            )
        unit_id = chosen
    if unit_id is None:
        raise UserError(
            translate(
                "exchange", "证书（{subject}）没有写明单位编号：请用 --unit 指明它属于哪个单位。"
            ).format(subject=info.subject)
        )
    try:
        plan.unit(unit_id)
    except KeyError:
        raise UserError(
            translate(
                "exchange", "证书中的单位编号“{id}”不在本年计划中：请用 --unit 指明它属于哪个单位。"
            ).format(id=unit_id)
        ) from None
    store.trust.add(info.fingerprint_sha256, info.subject, pem, unit_id, info.not_after, who=who)
    cert = store.trust.get(info.fingerprint_sha256)
    assert cert is not None
    return _entry(plan, cert)


def trust_list(store: Store, plan: Plan, *, include_revoked: bool = False) -> list[TrustEntry]:
    return [_entry(plan, c) for c in store.trust.all(include_revoked=include_revoked)]


def _normal_fingerprint(text: str) -> str:
    hexdigits = "".join(ch for ch in text.upper() if ch in "0123456789ABCDEF")
    return ":".join(hexdigits[i : i + 2] for i in range(0, len(hexdigits), 2))


def trust_remove(store: Store, plan: Plan, source: str | Path | bytes, *, who: str) -> TrustEntry:
    """Revoke trust in a certificate, given as its file or its SHA-256 fingerprint. Packages already
    imported stay; new ones signed with it are refused."""
    if isinstance(source, bytes) or Path(source).exists():
        fingerprint = _read_certificate(source)[1].fingerprint_sha256
    else:
        fingerprint = _normal_fingerprint(str(source))
    cert = store.trust.get(fingerprint)
    if cert is None or cert.revoked_at is not None:
        raise UserError(
            translate("exchange", "受信任列表中没有指纹为 {fp} 的证书。用 main.py trust list 查看。").format(
                fp=fingerprint or source
            )
        )
    store.trust.revoke(fingerprint, who=who)
    revoked = store.trust.get(fingerprint)
    assert revoked is not None
    return _entry(plan, revoked)


# ---- import -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    path: str
    outcome: str
    message: str  # one line in plain Chinese
    unit_id: str | None = None
    unit_name: str = ""
    period: str | None = None
    version: int | None = None
    version_in_use: int | None = None  # after this file: the version whose figures the district uses
    replaced_version: int | None = None
    fingerprint: str = ""  # the signer's certificate, shown when it is not trusted
    sha256: str = ""
    reasons: list[str] = field(default_factory=list)
    correction_reason: str = ""  # a corrected version's reason, as the unit signed it

    @property
    def refused(self) -> bool:
        return self.outcome == REFUSED

    @property
    def label(self) -> str:
        return outcome_label(self.outcome)


class _Refused(Exception):
    def __init__(self, reasons: list[str], fingerprint: str = "", data: dict[str, Any] | None = None) -> None:
        super().__init__(reasons[0])
        self.reasons = reasons
        self.fingerprint = fingerprint
        self.data = data or {}


def import_packages(
    store: Store,
    paths: Iterable[str | Path],
    *,
    who: str,
    progress: Callable[[int, int, str], bool | None] | None = None,
) -> list[ImportOutcome]:
    """Import each file in the order given; one outcome per file. `progress(done, total, path)` is
    called before each file; when it returns False the import stops there (cancelled between files)
    and the outcomes of the files already imported are returned.

    A checked backup is made first, so a batch can be undone with `backup restore`."""
    from model.store.backup import IMPORT, backup_now

    items = list(paths)
    if items:
        backup_now(store, IMPORT)
    outcomes: list[ImportOutcome] = []
    for i, path in enumerate(items):
        if progress is not None and progress(i, len(items), str(path)) is False:
            return outcomes
        outcomes.append(import_package(store, path, who=who))
    if progress is not None:
        progress(len(items), len(items), "")
    return outcomes


def import_package(store: Store, path: str | Path, *, who: str) -> ImportOutcome:
    plan = store.plans.get()
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        reason = translate("exchange", "无法读取文件：{err}").format(err=exc.strerror or exc)
        return _refused(name, _Refused([reason]), "")
    sha = hashlib.sha256(raw).hexdigest()
    held = store.received.by_sha256(sha)
    if held is not None:
        return _identical(plan, name, held, sha, same_file=True)
    try:
        data, signer = _verified(store, plan, raw)
        return _keep(store, plan, name, raw, sha, data, signer, who=who)
    except _Refused as refusal:
        return _refused(name, refusal, sha)


def _refused(name: str, refusal: _Refused, sha: str) -> ImportOutcome:
    data = refusal.data
    message = translate("exchange", "拒收：{reasons}").format(
        reasons="；".join(r.rstrip("。") for r in refusal.reasons)
    )
    return ImportOutcome(
        name,
        REFUSED,
        message + "。",
        data.get("unit_id"),
        str(data.get("unit_name") or ""),
        data.get("period"),
        data.get("version"),
        fingerprint=refusal.fingerprint,
        sha256=sha,
        reasons=refusal.reasons,
    )


def _unit_name(plan: Plan, unit_id: str) -> str:
    try:
        return plan.unit(unit_id).name
    except KeyError:
        return unit_id


def _identical(plan: Plan, name: str, held: ReceivedPackage, sha: str, *, same_file: bool) -> ImportOutcome:
    what = (
        translate("exchange", "与已导入的文件完全相同")
        if same_file
        else translate("exchange", "内容与已导入的同一版相同")
    )
    message = translate("exchange", "{what}（{unit} {period} 第 {v} 版，导入于 {at}），未作改动。").format(
        what=what,
        unit=_unit_name(plan, held.unit_id),
        period=held.period,
        v=held.version,
        at=held.imported_at[:16].replace("T", " "),
    )
    return ImportOutcome(
        name,
        IDENTICAL,
        message,
        held.unit_id,
        _unit_name(plan, held.unit_id),
        held.period,
        held.version,
        sha256=sha,
    )


@dataclass(frozen=True)
class _Signer:
    name: str
    fingerprint: str
    signed_at: str | None


def _verified(store: Store, plan: Plan, raw: bytes) -> tuple[dict[str, Any], _Signer]:
    from model.reports.signing import verify_pdf

    trusted = {c.fingerprint: c for c in store.trust.all()}
    result = verify_pdf(raw, [c.pem for c in trusted.values()])
    data = result.data or {}
    if not result.signed or not result.intact or not result.valid or not result.covers_entire_file:
        raise _Refused(result.reasons or [translate("exchange", "签名检查未通过")], data=data)
    if result.data is None:
        raise _Refused(result.reasons or [translate("exchange", "文件中没有可读的报表数据")], data=data)
    fp = result.fingerprint_sha256
    if not result.trusted or fp not in trusted:
        who_signed = result.signer_unit or result.signer or translate("exchange", "未知单位")
        raise _Refused(
            [
                translate(
                    "exchange",
                    "签名证书不受信任（{signer}，证书指纹 {fp}）。请与该单位核对指纹，确认后用 main.py trust add 证书文件 加入受信任列表",
                ).format(signer=who_signed, fp=fp)
            ],
            fingerprint=fp,
            data=data,
        )
    if result.reasons:
        raise _Refused(result.reasons, fp, data)
    if data["plan_id"] != plan.id or data["plan_year"] != plan.year:
        raise _Refused(
            [
                translate(
                    "exchange", "报表属于计划“{pid}”（{py}年），本库当前计划是“{id}”（{year}年）"
                ).format(pid=data["plan_id"], py=data["plan_year"], id=plan.id, year=plan.year)
            ],
            fp,
            data,
        )
    unit_id = data["unit_id"]
    try:
        unit = plan.unit(unit_id)
    except KeyError:
        raise _Refused(
            [
                translate("exchange", "报表的单位“{name}”（{id}）不在本年计划中").format(
                    name=data["unit_name"], id=unit_id
                )
            ],
            fp,
            data,
        ) from None
    cert_unit = trusted[fp].unit_id
    if cert_unit is not None and cert_unit != unit_id:
        raise _Refused(
            [
                translate("exchange", "签名证书属于“{owner}”，不能为“{unit}”报送（证书指纹 {fp}）").format(
                    owner=_unit_name(plan, cert_unit), unit=unit.name, fp=fp
                )
            ],
            fp,
            data,
        )
    if data["version"] is None:
        raise _Refused(
            [
                translate(
                    "exchange",
                    "这是未经报送的导出文件（没有版本号）：请让{unit}用“报送”功能（main.py submit）生成报送文件",
                ).format(unit=unit.name)
            ],
            fp,
            data,
        )
    allowed = {f.key for f in plan.fields_for(unit_id)}
    unknown = sorted({f["field"] for f in data["figures"]} - allowed)
    if unknown:
        raise _Refused(
            [
                translate(
                    "exchange", "报表含有本计划中{unit}不填报的项目：{keys}（计划版本不一致？）"
                ).format(unit=unit.name, keys="、".join(unknown[:5]))
            ],
            fp,
            data,
        )
    return data, _Signer(result.signer, fp, result.signing_time)


def _own_figures(data: dict[str, Any]) -> list[tuple[str, Any, Any, str]]:
    return sorted(
        (f["field"], f["value"], f["text"], f["note"])
        for f in data["figures"]
        if f["period"] == data["period"]
    )


def _keep(
    store: Store,
    plan: Plan,
    name: str,
    raw: bytes,
    sha: str,
    data: dict[str, Any],
    signer: _Signer,
    *,
    who: str,
) -> ImportOutcome:
    unit_id, period, version = data["unit_id"], data["period"], int(data["version"])
    unit_name = plan.unit(unit_id).name
    with store.transaction():
        held = store.received.all(plan.id, unit_id, period)
        same = next((h for h in held if h.version == version), None)
        if same is not None:
            if _own_figures(json.loads(same.data)) == _own_figures(data):
                return _identical(plan, name, same, sha, same_file=False)
            raise _Refused(
                [
                    translate(
                        "exchange",
                        "已导入过{unit} {period} 第 {v} 版，但这份文件的数据与之不同：同一版本不应有两份不同的文件，请与该单位核实",
                    ).format(unit=unit_name, period=period, v=version)
                ],
                signer.fingerprint,
                data,
            )
        in_use = next((h for h in held if h.in_use), None)
        if in_use is None:
            outcome, use = ACCEPTED, True
        elif version > in_use.version:
            outcome, use = NEWER, True
        else:
            outcome, use = OLDER, False
        package = ReceivedPackage(
            id=0,
            plan_id=plan.id,
            unit_id=unit_id,
            period=period,
            version=version,
            sha256=sha,
            outcome=outcome,
            in_use=use,
            created_at=data["created_at"],
            created_by=data["created_by"],
            signed_at=signer.signed_at,
            signer=signer.name,
            signer_fingerprint=signer.fingerprint,
            file_name=Path(name).name,
            imported_at=now_iso(),
            imported_by=who,
            data=json.dumps(data, ensure_ascii=False),
        )
        received_id = store.received.add(package, raw, who=who)
        add_received_sums(store.db, received_id, package_sums(plan, data))
    where = translate("exchange", "{unit} {period} 第 {v} 版").format(
        unit=unit_name, period=period, v=version
    )
    if outcome == ACCEPTED:
        message = translate("exchange", "已接收：{where}。").format(where=where)
    elif outcome == NEWER:
        message = translate(
            "exchange", "已接收：{where}，替换了原先使用的第 {old} 版（旧版仍保留）。"
        ).format(where=where, old=in_use.version if in_use else "?")
    else:
        message = translate(
            "exchange", "已存档：{where} 是旧版本，正在使用的是更新的第 {new} 版，数据不变。"
        ).format(where=where, new=in_use.version if in_use else "?")
    reason = correction_reason(data)
    if reason:
        message += translate("exchange", "此版更正第 {old} 版，原因：{reason}").format(
            old=data["replaces_version"], reason=reason
        )
    return ImportOutcome(
        name,
        outcome,
        message,
        unit_id,
        unit_name,
        period,
        version,
        version if use else (in_use.version if in_use else None),
        in_use.version if outcome == NEWER and in_use else None,
        signer.fingerprint,
        sha,
        correction_reason=reason,
    )


def correction_reason(data: dict[str, Any]) -> str:
    """Why the unit corrected this version (empty for a first version)."""
    return str(data.get("correction_reason") or "")


def package_sums(plan: Plan, data: dict[str, Any]) -> KeySums:
    """The year-to-date annex-2 sums of a package, recomputed from the figures it carries."""
    keys = {f.role: f.key for f in plan.fields if f.annex == 2 and f.role}
    if plan.annex2_row(data["unit_id"]) is None or not keys:
        return KeySums(None, None, None, None)
    figures = [
        Figure(data["unit_id"], f["period"], f["field"], f["value"], f["text"], f["note"], "", "")
        for f in data["figures"]
    ]
    table, month = MonthTable(plan.year, figures), int(data["period"][5:7])
    roles = ("energy", "energy_last_year", "output", "output_last_year")
    return KeySums(*(table.ytd_sum(keys[r], month) if r in keys else None for r in roles))


# ---- what the district holds --------------------------------------------------------------------


@dataclass(frozen=True)
class HeldPackage:
    """A package the district keeps, for the history and import screens."""

    id: int
    unit_id: str
    unit_name: str
    period: str
    version: int
    outcome: str
    in_use: bool
    created_at: str
    created_by: str
    signer: str
    signer_fingerprint: str
    file_name: str
    imported_at: str
    imported_by: str
    sha256: str
    correction_reason: str = ""


def held_packages(
    store: Store, plan: Plan, unit_id: str | None = None, period: str | None = None
) -> list[HeldPackage]:
    return [
        HeldPackage(
            r.id,
            r.unit_id,
            _unit_name(plan, r.unit_id),
            r.period,
            r.version,
            r.outcome,
            r.in_use,
            r.created_at,
            r.created_by,
            r.signer,
            r.signer_fingerprint,
            r.file_name,
            r.imported_at,
            r.imported_by,
            r.sha256,
            correction_reason(json.loads(r.data)),
        )
        for r in store.received.all(plan.id, unit_id, period)
    ]


def held_package_pdf(store: Store, package_id: int) -> bytes:
    """The signed PDF exactly as it was imported."""
    return store.received.pdf(package_id)
