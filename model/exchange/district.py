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
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from model.calc.progress import MonthTable
from model.common.errors import StorageError, UserError
from model.common.i18n import translate
from model.common.parallel import Pending, cores, in_order
from model.common.text import clean_text
from model.common.untrusted import fingerprint_groups, shown
from model.plan.coefficients import CoefficientSet
from model.plan.emission import EmissionFactorSet, load_shipped_emission_factors
from model.plan.spec import Plan
from model.reports.signing import MAX_PACKAGE_BYTES, VerifyResult
from model.safety.files import read_bounded
from model.store.changes import Changes
from model.store.connection import now_iso
from model.store.database import Store
from model.store.figures import Figure
from model.store.plans import no_coefficients, no_emission_factors
from model.store.received import KeySums, add_received_sums
from model.store.submissions import ACCEPTED, NEWER, OLDER, ReceivedPackage
from model.store.trust import TrustedCert

MAX_CERT_BYTES = 2**20  # a certificate is a few KB
IDENTICAL, REFUSED = "identical", "refused"
NOT_STORED = "not_stored"  # the file may be sound, but the district's disk failed: try it again
OUTCOMES = (ACCEPTED, IDENTICAL, NEWER, OLDER, REFUSED, NOT_STORED)


def outcome_label(outcome: str) -> str:
    return {
        ACCEPTED: translate("exchange", "已接收"),
        IDENTICAL: translate("exchange", "已有相同文件"),
        NEWER: translate("exchange", "新版本已替换旧版本"),
        OLDER: translate("exchange", "旧版本（仅存档）"),
        REFUSED: translate("exchange", "拒收"),
        NOT_STORED: translate("exchange", "未导入"),
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
    replaced: tuple[str, ...] = ()  # trust_add: the unit's certificates this one replaced (now revoked)


class UnitNeeded(UserError):
    """The certificate names no unit of the plan: the caller must say which unit it belongs to."""


class ReplaceNeeded(UserError):
    """The unit already has a trusted certificate: replacing it is a step of its own (`replace=True`)."""

    def __init__(self, message: str, current: list[TrustEntry]) -> None:
        super().__init__(message)
        self.current = current


def _entry(plan: Plan, cert: TrustedCert, replaced: tuple[str, ...] = ()) -> TrustEntry:
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
        replaced,
    )


def _read_certificate(source: str | Path | bytes) -> tuple[str, Any, Any]:
    """(PEM text, CertificateInfo, certificate) of exactly one certificate."""
    from cryptography.hazmat.primitives import serialization

    from model.reports.signing import certificate_info, load_certificates

    name = translate("exchange", "该文件") if isinstance(source, bytes) else shown(source)
    if isinstance(source, bytes):
        raw = source
    else:
        try:
            raw = read_bounded(source, MAX_CERT_BYTES, translate("exchange", "证书文件"))
        except OSError as exc:
            raise UserError(
                translate("exchange", "无法读取证书文件 {path}：{err}").format(
                    path=name, err=exc.strerror or exc
                )
            ) from None
    try:
        certs = load_certificates([raw])
    except UserError:
        raise UserError(
            translate(
                "exchange",
                "无法读取证书文件 {path}：不是 PEM 或 DER 格式的证书，可能已损坏、不完整，或是改了扩展名的其他文件（例如密钥文件 .p12）。请让填报单位重新导出证书。",
            ).format(path=name)
        ) from None
    if len(certs) != 1:
        raise UserError(
            translate("exchange", "证书文件中有 {n} 个证书，应只有一个：请让填报单位重新导出证书。").format(
                n=len(certs)
            )
        )
    pem = certs[0].public_bytes(serialization.Encoding.PEM).decode("ascii")
    return pem, certificate_info(certs[0]), certs[0]


def _named_units(plan: Plan, text: str) -> set[str]:
    """The units a certificate's organisation or common name names: exactly (id, name, full name,
    alias), or by containing a unit's full name or a name of three characters or more."""
    if not text:
        return set()
    named = set()
    for u in plan.units:
        exact = text in (u.id, u.name, u.full_name, *u.aliases)
        contained = any(len(n) >= 3 and n in text for n in (u.full_name, u.name, *u.aliases))
        if exact or contained:
            named.add(u.id)
    return named


def _bound_unit(plan: Plan, info: Any, unit: str | None) -> str:
    """The unit a certificate is trusted for: the one its userId names, or `unit` when it names none;
    refused when they differ, or when its organisation or common name names another unit."""
    unit_id = info.unit_id
    if unit is not None:
        chosen = plan.find_unit(unit).id
        if unit_id and unit_id != chosen:
            raise UserError(
                translate(
                    "exchange", "该证书属于单位“{cert_unit}”，与指定的“{unit}”不符，未加入受信任列表。"
                ).format(cert_unit=shown(unit_id), unit=plan.unit(chosen).name)
            )
        unit_id = chosen
    if unit_id is None:
        raise UnitNeeded(
            translate("exchange", "证书（{subject}）没有写明单位编号：请指明它属于哪个单位。").format(
                subject=shown(info.subject)
            )
        )
    try:
        plan.unit(unit_id)
    except KeyError:
        raise UnitNeeded(
            translate("exchange", "证书中的单位编号“{id}”不在本年计划中：请指明它属于哪个单位。").format(
                id=shown(unit_id)
            )
        ) from None
    for text in (info.organization, info.common_name):
        named = _named_units(plan, text)
        if named and unit_id not in named:
            raise UserError(
                translate(
                    "exchange",
                    "证书的名称写的是“{text}”（{named}），单位编号却是“{unit}”：证书与单位不符，可能是冒用，未加入受信任列表。请与该单位电话核对。",
                ).format(
                    text=shown(text),
                    named="、".join(plan.unit(n).name for n in sorted(named)),
                    unit=plan.unit(unit_id).name,
                )
            )
    return str(unit_id)


def trust_add(
    store: Store,
    plan: Plan,
    source: str | Path | bytes,
    *,
    who: str,
    unit: str | None = None,
    replace: bool = False,
) -> TrustEntry:
    """Trust a unit's certificate. It is bound to the unit its subject names (or `unit`, when it names none):
    a package signed with it is accepted for that unit only. A unit has one trusted certificate: a new
    one replaces the old only with `replace=True` (the old is revoked, audited); a revoked certificate
    is never trusted again, and a trusted one is never moved to another unit."""
    from model.reports.signing import refuse_weak_or_invalid

    pem, info, cert = _read_certificate(source)
    refuse_weak_or_invalid(cert)
    unit_id = _bound_unit(plan, info, unit)
    fp = info.fingerprint_sha256
    held = store.trust.get(fp)
    if held is not None and held.revoked_at is not None:
        raise UserError(
            translate(
                "exchange",
                "该证书已于 {at} 被撤销信任，撤销的证书不能再次信任。请让该单位新建密钥，并核对新证书的指纹后再加入。",
            ).format(at=held.revoked_at[:10])
        )
    if held is not None and held.unit_id != unit_id:
        raise UserError(
            translate(
                "exchange",
                "该证书已作为“{owner}”的证书受信任，不能再绑定到“{unit}”。一张证书只属于一个单位：如绑定有误，请撤销它并让该单位新建密钥。",
            ).format(owner=_unit_name(plan, held.unit_id or ""), unit=plan.unit(unit_id).name)
        )
    if held is not None:
        return _entry(plan, held)
    current = [c for c in store.trust.all() if c.unit_id == unit_id]
    if current and not replace:
        raise ReplaceNeeded(
            translate(
                "exchange",
                "{unit}已有受信任的证书（指纹 {old}，{at} 加入）。只有在该单位换了新密钥时才替换：替换后旧证书即被撤销，用它签名的新文件将被拒收。",
            ).format(
                unit=plan.unit(unit_id).name,
                old=fingerprint_groups(current[0].fingerprint),
                at=current[0].added_at[:10],
            ),
            [_entry(plan, c) for c in current],
        )
    with store.transaction():
        for old in current:
            store.trust.revoke(old.fingerprint, who=who, replaced_by=fp)
        store.trust.add(fp, info.subject, pem, unit_id, info.not_after, who=who)
    added = store.trust.get(fp)
    assert added is not None
    return _entry(plan, added, tuple(c.fingerprint for c in current))


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
            translate("exchange", "受信任列表中没有指纹为 {fp} 的证书。请查看受信任证书的列表。").format(
                fp=fingerprint_groups(fingerprint) or shown(source)
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
    received_on: str | None = None  # the day the district received it (decides 按时/迟报)

    @property
    def refused(self) -> bool:
        return self.outcome in (REFUSED, NOT_STORED)

    @property
    def label(self) -> str:
        return outcome_label(self.outcome)


class _Refused(Exception):
    def __init__(self, reasons: list[str], fingerprint: str = "", data: dict[str, Any] | None = None) -> None:
        super().__init__(reasons[0])
        self.reasons = reasons
        self.fingerprint = fingerprint
        self.data = data or {}


MIN_POOL_FILES = 4  # fewer files are checked in this process: starting a worker costs about what 3 files do
CHUNK = 64  # packages stored in one transaction at most


def import_packages(
    store: Store,
    paths: Iterable[str | Path],
    *,
    who: str,
    progress: Callable[[int, int, str], bool | None] | None = None,
    received_on: date | None = None,
    on_outcome: Callable[[ImportOutcome], None] | None = None,
    workers: int | None = None,
) -> list[ImportOutcome]:
    """Import each file in the order given; one outcome per file, whatever happens. `progress(done,
    total, path)` is called before each file; when it returns False the import stops there (cancelled
    between files) and the outcomes of the files already imported are returned. `on_outcome(outcome)` is
    called for each file in input order as soon as its outcome is stored. `received_on`: the day the
    district received the files (default today; an officer may set an earlier day for a batch that lay
    waiting); it decides 按时/迟报 and is kept, audited, with each package.

    The files are checked (signature, trust, data, recomputation, the printed form) in parallel, in
    `workers` processes (default: one per core; a batch under `MIN_POOL_FILES` files is checked in this
    process), against the trust list, plan and coefficients as they were when the batch began. They are
    stored here, in input order, so what the district holds decides each file's outcome exactly as if the
    files came one by one (the same file twice, two versions of a month, in one batch).

    A checked backup is made before anything is stored (the files are checked meanwhile), so a batch can be undone with `backup restore`; when it cannot be
    made (a full disk), nothing is imported and every file says why. A file that cannot be stored (the
    disk fills part way) is `NOT_STORED`, changes nothing, and the batch goes on."""
    from model.store.backup import IMPORT, backup_now

    plan = store.plans.get()
    received_on = receipt_date(plan, received_on)
    batch = _Batch(store, plan, [str(p) for p in paths], progress, on_outcome, who, received_on)
    if not batch.items:
        return []
    pool = min(workers or cores(), len(batch.items)) if len(batch.items) >= MIN_POOL_FILES else 1
    context = import_context(store, plan, held=pool > 1)
    local = _LocalCheck(store, context)
    with in_order(
        _check_in_worker,
        batch.items,
        workers=pool,
        local=local,
        initializer=_start_worker,
        initargs=(context,),
    ) as checks:
        # The workers start and check the first files while the backup is made: checking stores nothing.
        first = next(checks, None)
        try:
            backup_now(store, IMPORT)
        except StorageError as exc:
            batch.refuse_all(exc)
            return batch.outcomes
        batch.store_in_order(itertools.chain([] if first is None else [first], checks), local)
    if len(batch.outcomes) == len(batch.items) and progress is not None:
        progress(len(batch.items), len(batch.items), "")
    return batch.outcomes


class _Batch:
    """Storing a batch's checked files in input order: the results already known go into one transaction
    (each file in a savepoint of its own), committed — and only then told — before waiting for the next."""

    def __init__(
        self,
        store: Store,
        plan: Plan,
        items: list[str],
        progress: Callable[[int, int, str], bool | None] | None,
        on_outcome: Callable[[ImportOutcome], None] | None,
        who: str,
        received_on: date,
    ) -> None:
        self.store, self.plan, self.items, self.who, self.received_on = store, plan, items, who, received_on
        self.progress, self.on_outcome = progress, on_outcome
        self.outcomes: list[ImportOutcome] = []
        self._asked: dict[int, bool] = {}

    def stopped(self, i: int) -> bool:
        """Asks `progress` once per file whether to go on."""
        if i not in self._asked:
            self._asked[i] = self.progress is not None and (
                self.progress(i, len(self.items), self.items[i]) is False
            )
        return self._asked[i]

    def tell(self, outcomes: list[ImportOutcome]) -> None:
        for outcome in outcomes:
            self.outcomes.append(outcome)
            if self.on_outcome is not None:
                self.on_outcome(outcome)

    def refuse_all(self, failure: StorageError) -> None:
        for i, name in enumerate(self.items):
            if self.stopped(i):
                return
            self.tell([_not_stored(name, failure)])
        if self.progress is not None:
            self.progress(len(self.items), len(self.items), "")

    def store_in_order(self, checks: Iterator[Pending[Checked]], local: Callable[[str], Checked]) -> None:
        pending = next(checks, None)
        while pending is not None and not self.stopped(len(self.outcomes)):
            stored: list[ImportOutcome] = []
            current = ""  # the file being stored, when storing it fails
            try:
                with self.store.transaction():
                    while pending is not None:
                        checked = pending.result()
                        current = checked.name
                        stored.append(self._store(checked, local))
                        current, pending = "", next(checks, None)
                        at = len(self.outcomes) + len(stored)
                        if pending is None or not pending.done() or len(stored) >= CHUNK or self.stopped(at):
                            break
            except StorageError as exc:  # the transaction is undone: none of its files is stored
                stored = [_not_stored(o.path, exc) for o in stored]
                if current:
                    stored.append(_not_stored(current, exc))
                    pending = next(checks, None)
            self.tell(stored)

    def _store(self, checked: Checked, local: Callable[[str], Checked]) -> ImportOutcome:
        plan, name, sha = self.plan, checked.name, checked.sha
        held = self.store.received.by_sha256(sha) if sha else None
        if held is not None:
            return _identical(plan, name, held, sha, same_file=True)
        if checked.held:  # held when the batch began, not now (cannot happen under the writer lock)
            checked = local(name)
        if checked.reasons or checked.data is None or checked.signer is None:
            return _refused(name, _Refused(checked.reasons, checked.fingerprint, checked.data), sha)
        try:
            return _keep(self.store, plan, checked, who=self.who, received_on=self.received_on)
        except _Refused as refusal:
            return _refused(name, refusal, sha)


def _not_stored(name: str, failure: StorageError) -> ImportOutcome:
    message = translate("exchange", "未导入：{msg}").format(msg=failure.message)
    return ImportOutcome(name, NOT_STORED, message, reasons=[failure.message])


def import_cancelled(items: Iterable[str | Path], outcomes: list[ImportOutcome]) -> str:
    """What a cancelled batch did, and the files it did not get to, to be chosen again."""
    left = [Path(p).name for p in list(items)[len(outcomes) :]]
    taken = sum(not o.refused for o in outcomes)
    return translate(
        "exchange",
        "已取消：已处理 {done} 个文件（其中 {taken} 个已导入，已导入的保留）；以下 {n} 个文件没有处理，可以再次选择它们导入：{names}",
    ).format(done=len(outcomes), taken=taken, n=len(left), names="、".join(shown(n) for n in left))


def receipt_date(plan: Plan, received_on: date | None) -> date:
    """The day a batch was received: today, or an earlier day of the plan year or later, never a future one."""
    today = date.today()
    if received_on is None:
        return today
    if received_on > today or received_on < date(plan.year, 1, 1):
        raise UserError(
            translate(
                "exchange", "收到日期 {d} 不对：应在 {first} 至今天（{today}）之间。未导入任何文件。"
            ).format(
                d=received_on.isoformat(), first=date(plan.year, 1, 1).isoformat(), today=today.isoformat()
            )
        )
    return received_on


def import_changes(outcomes: Iterable[ImportOutcome]) -> Changes:
    """What a batch changed: the units and periods whose packages were taken in."""
    taken = {(o.unit_id, o.period) for o in outcomes if not o.refused and o.unit_id and o.period}
    return Changes(received=frozenset(taken))


def import_package(
    store: Store, path: str | Path, *, who: str, received_on: date | None = None
) -> ImportOutcome:
    plan = store.plans.get()
    received_on = receipt_date(plan, received_on)
    batch = _Batch(store, plan, [str(path)], None, None, who, received_on)
    local = _LocalCheck(store, import_context(store, plan, held=False))
    return batch._store(local(str(path)), local)


# ---- checking a file: in a worker process, or here -------------------------------------------------


@dataclass(frozen=True)
class ImportContext:
    """What checking a package needs from the district's database, read once per batch and handed to each
    worker process (picklable)."""

    plan: Plan
    certificates: tuple[TrustedCert, ...]  # trusted and revoked
    coefficient_sets: dict[str, CoefficientSet]
    factor_sets: dict[str, EmissionFactorSet]
    shipped_factors: str  # the version of the emission-factor table a plan that names none uses
    held: frozenset[str] = frozenset()  # the SHA-256 of the files held (pool only): not checked again

    def coefficients(self, version: str) -> CoefficientSet:
        try:
            return self.coefficient_sets[version]
        except KeyError:
            raise no_coefficients(version) from None

    def emission_factors(self, version: str = "") -> EmissionFactorSet:
        version = version or self.shipped_factors
        try:
            return self.factor_sets[version]
        except KeyError:
            raise no_emission_factors(version) from None


def import_context(store: Store, plan: Plan, *, held: bool) -> ImportContext:
    return ImportContext(
        plan,
        tuple(store.trust.all(include_revoked=True)),
        store.plans.all_coefficients(),
        store.plans.all_emission_factors(),
        load_shipped_emission_factors().version,
        store.received.sha256s() if held else frozenset(),
    )


@dataclass(frozen=True)
class _Signer:
    name: str
    fingerprint: str
    signed_at: str | None


@dataclass(frozen=True)
class Checked:
    """A file checked against a batch's `ImportContext`: refused with `reasons`, or sound, with the bytes
    and data to store; `held` when the district held the very file when the batch began (not checked)."""

    name: str
    sha: str = ""
    raw: bytes = b""
    data: dict[str, Any] | None = None
    signer: _Signer | None = None
    sums: KeySums | None = None
    reasons: list[str] = field(default_factory=list)
    fingerprint: str = ""
    held: bool = False


def check_package(context: ImportContext, name: str, known: Callable[[str], bool]) -> Checked:
    """Everything about a file that does not depend on what the batch stores before it: read, signature,
    trust, data, the plan's rules, recomputation, the printed form. `known(sha256)`: the district holds it."""
    try:
        raw = read_bounded(name, MAX_PACKAGE_BYTES, translate("exchange", "文件"))
    except OSError as exc:
        return Checked(
            name, reasons=[translate("exchange", "无法读取文件：{err}").format(err=exc.strerror or exc)]
        )
    except UserError as exc:
        return Checked(name, reasons=[exc.message])
    sha = hashlib.sha256(raw).hexdigest()
    if known(sha):
        return Checked(name, sha, held=True)
    try:
        try:
            data, signer = _verified(context, raw)
        except UserError as exc:  # e.g. a stored certificate that no longer reads
            raise _Refused([exc.message]) from None
        _revalidated(context, raw, data, signer.fingerprint)
    except _Refused as refusal:
        return Checked(name, sha, data=refusal.data, reasons=refusal.reasons, fingerprint=refusal.fingerprint)
    return Checked(name, sha, raw, data, signer, package_sums(context.plan, data))


class _LocalCheck:
    """Checking in this process: a file the district holds is looked up in the database."""

    def __init__(self, store: Store, context: ImportContext) -> None:
        self.store, self.context = store, context

    def __call__(self, name: str) -> Checked:
        return check_package(self.context, name, lambda sha: self.store.received.by_sha256(sha) is not None)


_WORKER: ImportContext | None = None  # a worker process's batch


def _start_worker(context: ImportContext) -> None:
    from model.reports.signing import load_offline_validation

    global _WORKER
    _WORKER = context
    load_offline_validation()


def _check_in_worker(name: str) -> Checked:
    assert _WORKER is not None
    return check_package(_WORKER, name, _WORKER.held.__contains__)


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


def verify_package(store: Store, source: str | Path | bytes) -> VerifyResult:
    """`verify` against the district's own trusted certificates: the signature, its coverage, the
    certificate's validity when it signed, trust (a revoked certificate named as such), the certificate's
    unit against the report's, and the data — what import checks before the plan, without storing."""
    return verify_against(store.trust.all(include_revoked=True), store.plans.get, source)


def verify_against(
    certificates: Iterable[TrustedCert], plan: Callable[[], Plan], source: str | Path | bytes
) -> VerifyResult:
    """`verify_package` against these certificates (trusted and revoked); `plan()` names units."""
    from model.reports.signing import verify_pdf

    certs = {c.fingerprint: c for c in certificates}
    active = [c.pem for c in certs.values() if c.revoked_at is None]
    revoked = {fp: c.revoked_at for fp, c in certs.items() if c.revoked_at is not None}
    result = verify_pdf(source, active, revoked=revoked)
    held = certs.get(result.fingerprint_sha256)
    if result.signature_sound and (held is None or held.revoked_at is not None):
        result.trusted = False  # a path to an anchor that is not a unit's certificate (an old database)
        result.reasons.append(
            translate(
                "exchange", "签名证书不在受信任列表中（证书指纹 {fp}）。请核实后把该单位的证书加入受信任列表"
            ).format(fp=fingerprint_groups(result.fingerprint_sha256))
        )
    elif result.data is not None and held is not None and held.unit_id not in (None, result.data["unit_id"]):
        result.reasons.append(
            translate("exchange", "签名证书属于“{owner}”，不能为“{unit}”报送（证书指纹 {fp}）").format(
                owner=_unit_name(plan(), held.unit_id),
                unit=_unit_name(plan(), shown(result.data["unit_id"])),
                fp=fingerprint_groups(result.fingerprint_sha256),
            )
        )
    return result


def _verified(context: ImportContext, raw: bytes) -> tuple[dict[str, Any], _Signer]:
    plan = context.plan
    result = verify_against(context.certificates, lambda: plan, raw)
    data = result.data or {}
    fp = result.fingerprint_sha256
    if not result.ok:
        raise _Refused(result.reasons or [translate("exchange", "签名检查未通过")], fp, data)
    if data["plan_id"] != plan.id or data["plan_year"] != plan.year:
        raise _Refused(
            [
                translate(
                    "exchange", "报表属于计划“{pid}”（{py}年），本库当前计划是“{id}”（{year}年）"
                ).format(pid=shown(data["plan_id"]), py=data["plan_year"], id=plan.id, year=plan.year)
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
                    name=shown(data["unit_name"]), id=shown(unit_id)
                )
            ],
            fp,
            data,
        ) from None
    if data["version"] is None:
        raise _Refused(
            [
                translate(
                    "exchange",
                    "这是未经报送的导出文件（没有版本号）：请让{unit}用“报送”功能生成报送文件",
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
                ).format(unit=unit.name, keys="、".join(shown(k) for k in unknown[:5]))
            ],
            fp,
            data,
        )
    _refuse_control_characters(data, fp)
    return data, _Signer(result.signer, fp, result.signing_time)


def _refuse_control_characters(data: dict[str, Any], fingerprint: str) -> None:
    """Signed text is not altered here: a figure's text or note holding a control character is refused."""
    for f in data["figures"]:
        for part in ("text", "note"):
            if isinstance(f.get(part), str):
                try:
                    clean_text(f[part], f"{f['period']} {f['field']}")
                except UserError as exc:
                    raise _Refused([exc.message], fingerprint, data) from None


def _revalidated(context: ImportContext, raw: bytes, data: dict[str, Any], fingerprint: str) -> None:
    """After the signature: the figures pass entry's rules, the report recomputes to what the package
    carries, and the form prints what the data says (`model.exchange.revalidate`)."""
    from model.exchange.revalidate import check_printed, revalidated

    try:
        check_printed(raw, revalidated(context, context.plan, data, parsed=True))  # as verify_pdf read it
    except UserError as exc:
        raise _Refused([exc.message], fingerprint, data) from None
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError):
        # data that parses but that no honest program wrote: refused like any other, the batch goes on
        reason = translate("exchange", "报表数据无法按本计划重新计算和核对，可能是伪造或损坏的文件")
        raise _Refused([reason], fingerprint, data) from None


def _version_note(data: dict[str, Any], held: list[ReceivedPackage], fingerprint: str) -> str:
    from model.exchange.revalidate import version_note

    try:
        return version_note(data, held)
    except UserError as exc:
        raise _Refused([exc.message], fingerprint, data) from None


def _own_figures(data: dict[str, Any]) -> list[tuple[str, Any, Any, str]]:
    return sorted(
        (f["field"], f["value"], f["text"], f["note"])
        for f in data["figures"]
        if f["period"] == data["period"]
    )


def _keep(store: Store, plan: Plan, checked: Checked, *, who: str, received_on: date) -> ImportOutcome:
    name, raw, sha, data, signer = checked.name, checked.raw, checked.sha, checked.data, checked.signer
    assert data is not None and signer is not None and checked.sums is not None
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
        gap = _version_note(data, held, signer.fingerprint)
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
            received_on=received_on.isoformat(),
        )
        received_id = store.received.add(package, raw, who=who)
        add_received_sums(store.db, received_id, checked.sums)
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
    if gap:
        message += translate("exchange", "（注意：{gap}。）").format(gap=gap)
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
        received_on=received_on.isoformat(),
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
    received_on: str | None = None  # the day the district received it (decides 按时/迟报)
    signed_at: str | None = None  # the signing time in the signature, shown beside it


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
            r.received_on or r.imported_at[:10],
            r.signed_at,
        )
        for r in store.received.all(plan.id, unit_id, period)
    ]


def held_package_pdf(store: Store, package_id: int) -> bytes:
    """The signed PDF exactly as it was imported."""
    return store.received.pdf(package_id)
