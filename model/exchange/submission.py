"""The unit's side of sending figures upward: submit a period as version N, correct it as version N+1.

Submitting checks the period (no error, every warning with a reason), freezes the report data as
version N with who and when, signs the PDF with the data inside, and writes the package (signed PDF and
workbook) into a folder, named so that a folder of packages sorts by period, unit and version. From then
on the period is locked (the store refuses changes, saying which version locked it and how to correct).
Correcting asks for a reason and opens version N+1 for editing; version N, its data and its signed PDF
stay in the database, readable in the history.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.calc.checks import Problem
from model.calc.report import Correction, report_data_sha256
from model.common.errors import UserError, ValidationError
from model.common.i18n import how_to, translate
from model.common.periods import Period
from model.common.text import clean_text
from model.plan.spec import SAFE_ID, Plan
from model.store.changes import Changes
from model.store.database import Store
from model.store.figures import Figure
from model.store.submissions import CORRECTING, SUBMITTED, SUPERSEDED, Submission

if TYPE_CHECKING:
    from model.reports.signing import SigningKey
    from model.reports.tables import ReportPeople

OPEN = "open"  # never submitted: figures may be changed
PERIOD_TEXT = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def status_label(status: str) -> str:
    return {
        OPEN: translate("submission", "未报送"),
        SUBMITTED: translate("submission", "已报送"),
        CORRECTING: translate("submission", "更正中"),
        SUPERSEDED: translate("submission", "已被新版本取代"),
    }[status]


def package_stem(unit_id: str, period: str, version: int) -> str:
    """`2024-07_fengjing_v2`: a folder of packages sorts by period, then unit, then version.

    Built from validated parts only (a plan's ids are checked on load): nothing here can name a path
    outside the chosen folder."""
    if not SAFE_ID.fullmatch(unit_id) or not PERIOD_TEXT.fullmatch(period) or not 0 < version < 10**6:
        raise ValueError(f"unsafe package name parts: {unit_id!r} {period!r} {version!r}")
    return f"{period}_{unit_id}_v{version}"


@dataclass(frozen=True)
class FrozenFigure:
    period: str
    field: str
    value: float | None
    text: str | None
    note: str


@dataclass(frozen=True)
class VersionInfo:
    id: int
    version: int
    status: str
    status_label: str
    created_at: str  # opened (for version 1: submitted)
    created_by: str
    reason: str  # why it was reopened; empty for version 1
    submitted_at: str | None
    submitted_by: str | None
    package_name: str | None
    pdf_sha256: str | None
    figures: list[FrozenFigure]  # the period's own figures as frozen; empty while being corrected


@dataclass(frozen=True)
class PeriodState:
    unit_id: str
    unit_name: str
    period: str
    status: str  # open / submitted / correcting
    status_label: str
    locked: bool  # every month 1..N is covered by a submitted report (this period's or a later one's)
    version: int | None  # the period's own newest version (submitted, or being corrected)
    message: str  # why it is locked and how to correct, or what will happen on submit
    versions: list[VersionInfo]
    locked_by: str | None = None  # the submitted period whose report covers (and locks) these months


@dataclass(frozen=True)
class SubmitResult:
    version: int
    pdf_path: Path
    xlsx_path: Path
    created_at: str
    written_again: bool  # the period was already submitted: its stored package was written again
    changes: Changes = field(default_factory=Changes)  # the period's new version (none when written again)


def submission_changes(unit_id: str, period: Period) -> Changes:
    """What freezing or reopening a period changes: its submission state and the months it locks."""
    return Changes(submissions=frozenset({(unit_id, str(period))}))


def _version_info(s: Submission) -> VersionInfo:
    figures: list[FrozenFigure] = []
    if s.status != CORRECTING:
        data = json.loads(s.data or "{}")
        figures = [
            FrozenFigure(f["period"], f["field"], f["value"], f["text"], f["note"])
            for f in data.get("figures", [])
            if f["period"] == s.period
        ]
    return VersionInfo(
        s.id,
        s.version,
        s.status,
        status_label(s.status),
        s.created_at,
        s.created_by,
        s.reason,
        s.submitted_at,
        s.submitted_by,
        s.package_name,
        s.pdf_sha256,
        figures,
    )


def history(store: Store, plan: Plan, unit_id: str, period: Period) -> list[VersionInfo]:
    """Every version of the period, oldest first."""
    return [_version_info(s) for s in store.submissions.all(plan.id, unit_id, str(period))]


def _when(at: str | None) -> str:
    return (at or "")[:16].replace("T", " ")


def _label(period: str) -> str:
    return Period(int(period[:4]), int(period[5:7])).label()


def _how_to_correct(unit_id: str, period: str, version: int) -> str:
    return how_to(
        translate(
            "submission",
            "如需更正，请在报告期 {label} 点“更正”并填写原因"
            "（命令行：main.py correct --unit {uid} --period {period} --reason 原因），将生成第 {next} 版。",
        ),
        translate(
            "submission", "如需更正，请在报告期 {label} 点 报表 → 更正 并填写原因，将生成第 {next} 版。"
        ),
    ).format(label=_label(period), uid=unit_id, period=period, next=version + 1)


def _state_message(
    store: Store, plan: Plan, unit_id: str, period: Period, own: VersionInfo | None, lock: Submission | None
) -> str:
    """What the clerk needs to know about the period: what locks it and how to correct, or what is open."""
    if own is not None and own.status == CORRECTING:
        return translate(
            "submission",
            "正在更正为第 {v} 版（原因：{reason}）。{months}的数据可以修改，修改后请重新报送；"
            "第 {old} 版仍有效，直到新版报送。",
        ).format(v=own.version, reason=own.reason, old=own.version - 1, months=_months(period))
    if lock is not None and own is not None and lock.period == str(period):
        return translate("submission", "已于 {at} 由 {who} 作为第 {v} 版报送，{months}的数据已锁定。").format(
            at=_when(own.submitted_at), who=own.submitted_by, v=own.version, months=_months(period)
        ) + _how_to_correct(unit_id, lock.period, lock.version)
    sent = (
        translate("submission", "已于 {at} 作为第 {v} 版报送。").format(
            at=_when(own.submitted_at), v=own.version
        )
        if own is not None
        else translate("submission", "尚未单独报送。")
    )
    if lock is not None:  # a later period's report covers these months
        return (
            sent
            + translate(
                "submission", "本期各月的数据已包含在 {at} 报送的 {label} 报表（第 {v} 版）中，已锁定。"
            ).format(at=_when(lock.submitted_at), label=_label(lock.period), v=lock.version)
            + _how_to_correct(unit_id, lock.period, lock.version)
        )
    reopened = store.submissions.latest_of_year(plan.id, unit_id, period.year)
    if own is not None and reopened is not None and reopened.status == CORRECTING:
        return sent + translate(
            "submission", "{label} 正在更正，其间本期各月的数据可以修改；第 {v} 版的报送文件保持原样。"
        ).format(label=_label(reopened.period), v=own.version)
    return translate("submission", "尚未报送。报送后将冻结为第 1 版，{months}的数据随之锁定。").format(
        months=_months(period)
    )


def _months(period: Period) -> str:
    if period.month == 1:
        return translate("submission", "1月")
    return translate("submission", "1–{n}月").format(n=period.month)


def locked_through(store: Store, plan: Plan, unit_id: str) -> Submission | None:
    """The submitted version whose report locks months 1..P of the plan year (P: its period), or None."""
    return store.submissions.period_lock(
        plan.id, unit_id, str(Period(plan.year, 1))
    )  # any lock covers January


def period_state(store: Store, plan: Plan, unit_id: str, period: Period) -> PeriodState:
    unit = plan.unit(unit_id)
    versions = history(store, plan, unit_id, period)
    own = versions[-1] if versions else None
    lock = store.submissions.period_lock(plan.id, unit_id, str(period))
    status = OPEN if own is None else CORRECTING if own.status == CORRECTING else SUBMITTED
    return PeriodState(
        unit_id,
        unit.name,
        str(period),
        status,
        status_label(status),
        lock is not None,
        None if own is None else own.version,
        _state_message(store, plan, unit_id, period, own, lock),
        versions,
        None if lock is None else lock.period,
    )


def blocking_problems(store: Store, plan: Plan, unit_id: str, period: Period) -> list[Problem]:
    """What stops the period from being submitted: missing figures in any month 1..N, failed audit
    rules, and warnings without a written reason (the report's own checks)."""
    return _blocking(store, plan, unit_id, period, store.figures.read(plan.id, unit_id))


def _blocking(store: Store, plan: Plan, unit_id: str, period: Period, figures: list[Figure]) -> list[Problem]:
    from model.calc.report import build_report

    coefficients = store.plans.coefficients(plan.coefficients)
    factors = store.plans.emission_factors(plan.emission_factors)
    return build_report(
        plan, coefficients, figures, unit_id, period, version=None, created_by="", factors=factors
    ).blocking


def correct(store: Store, plan: Plan, unit_id: str, period: Period, reason: str, *, who: str) -> PeriodState:
    """Reopen a submitted period as version N+1 for editing; version N stays as it was."""
    unit = plan.unit(unit_id)
    reason = clean_text(reason, translate("submission", "更正原因")).strip()
    if not reason:
        raise UserError(translate("submission", "更正必须写明原因，例如“7月产值填错，应为 19,500 万元”。"))
    with store.transaction():
        latest = store.submissions.latest_of_year(plan.id, unit_id, period.year)
        if latest is not None and latest.period > str(period):
            raise UserError(
                how_to(
                    translate(
                        "submission",
                        "只能更正最近报送的报告期：{unit}最近报送的是 {label}（第 {v} 版），其中已包含 {this} 的数据。"
                        "请更正 {label}（命令行：main.py correct --unit {uid} --period {period} --reason 原因）；"
                        "{this} 已报送的报表保持原样。",
                    ),
                    translate(
                        "submission",
                        "只能更正最近报送的报告期：{unit}最近报送的是 {label}（第 {v} 版），其中已包含 {this} 的数据。"
                        "请在工具栏选择报告期 {label}，再点 报表 → 更正；{this} 已报送的报表保持原样。",
                    ),
                ).format(
                    unit=unit.name,
                    label=_label(latest.period),
                    v=latest.version,
                    this=period.label(),
                    uid=unit_id,
                    period=latest.period,
                )
            )
        if latest is None or latest.period != str(period):
            raise UserError(
                translate("submission", "{unit} {period} 还没有报送过，可以直接修改数据，无需更正。").format(
                    unit=unit.name, period=period
                )
            )
        if latest.status == CORRECTING:
            raise UserError(
                how_to(
                    translate(
                        "submission",
                        "{unit} {period} 已在更正中（第 {v} 版），修改后用“报送”（main.py submit）报送即可。",
                    ),
                    translate(
                        "submission",
                        "{unit} {period} 已在更正中（第 {v} 版），修改后点 报表 → 报送本期 即可。",
                    ),
                ).format(unit=unit.name, period=period, v=latest.version)
            )
        store.submissions.open_correction(plan.id, unit_id, str(period), latest.version + 1, reason, who=who)
    return period_state(store, plan, unit_id, period)


def _write_files(out_dir: Path, stem: str, pdf: bytes, xlsx: bytes, version: int) -> tuple[Path, Path]:
    """Called only after version N and its signed bytes are committed (durably: the store runs
    `synchronous = FULL`). Each file is written to a temporary name, fsynced, renamed and its folder
    fsynced, so after a power cut a package file on disk is always complete and always the version the
    database holds; submitting again writes exactly the stored bytes. No order of events can leave two
    different packages of one version."""
    from model.safety.files import PDF, XLSX, write_output

    pdf_path, xlsx_path = out_dir / f"{stem}.pdf", out_dir / f"{stem}.xlsx"
    try:
        write_output(pdf_path, pdf, kind=PDF)
        write_output(xlsx_path, xlsx, kind=XLSX)
    except UserError as exc:
        raise UserError(
            how_to(
                translate(
                    "submission",
                    "{msg} 第 {v} 版已冻结并保存在数据库中，可换一个文件夹再次运行报送（main.py submit）写出报送文件。",
                ),
                translate(
                    "submission",
                    "{msg} 第 {v} 版已冻结并保存在数据库中，可点 报表 → 历史版本 另存报送文件。",
                ),
            ).format(msg=exc.message, v=version)
        ) from None
    return pdf_path, xlsx_path


def write_package(
    store: Store, plan: Plan, unit_id: str, period: Period, version: int, out_dir: str | Path
) -> tuple[Path, Path]:
    """Write a submitted version's package (exactly the signed bytes kept) into a folder again."""
    found = next(
        (s for s in store.submissions.all(plan.id, unit_id, str(period)) if s.version == version), None
    )
    if found is None or found.status == CORRECTING:
        raise UserError(
            translate("submission", "{unit} {period} 没有已报送的第 {v} 版。").format(
                unit=plan.unit(unit_id).name, period=period, v=version
            )
        )
    pdf, xlsx = store.submissions.package(found.id)
    return _write_files(Path(out_dir), package_stem(unit_id, str(period), version), pdf, xlsx, version)


def submit(
    store: Store,
    plan: Plan,
    unit_id: str,
    period: Period,
    key: SigningKey,
    out_dir: str | Path,
    *,
    who: str,
    signer_name: str | None = None,
    people: ReportPeople | None = None,
    now: datetime | None = None,
) -> SubmitResult:
    """Check, freeze as the next version, sign and write the package. Submitting a period that is
    already submitted changes nothing and writes its stored package again."""
    unit = plan.unit(unit_id)
    plan.check_report_period(period)
    out = Path(out_dir)
    latest = store.submissions.latest(plan.id, unit_id, str(period))
    if latest is not None and latest.status == SUBMITTED:
        pdf_path, xlsx_path = write_package(store, plan, unit_id, period, latest.version, out)
        return SubmitResult(latest.version, pdf_path, xlsx_path, latest.submitted_at or "", True)
    _refuse_while_another_is_corrected(store, plan, unit_id, period)
    figures = store.figures.read(plan.id, unit_id)
    problems = _blocking(store, plan, unit_id, period, figures)
    if problems:
        raise ValidationError(
            translate("submission", "{unit} {period} 还有 {n} 个问题，不能报送：").format(
                unit=unit.name, period=period, n=len(problems)
            ),
            [p.message for p in problems],
        )
    version = latest.version if latest is not None else 1  # an open correction is the next version
    at = (now or datetime.now()).astimezone()
    if people is None:  # the footer and the signer are the people the unit's profile names
        from model.reports.tables import people_from_profile

        people = people_from_profile(store.profile.get())
    signer = signer_name or people_name(people) or unit.full_name  # never the computer's account
    # Rendering and signing take seconds: done outside any transaction, from the figures read above.
    data, pdf, xlsx = _build_package(
        store, plan, figures, unit_id, period, version, key, who, signer, at, people
    )
    stem = package_stem(unit_id, str(period), version)
    with store.transaction():  # short: the figures signed must still be the figures stored
        _refuse_if_changed(store, plan, unit_id, period, latest, figures)
        _refuse_while_another_is_corrected(store, plan, unit_id, period)
        store.submissions.record(
            plan.id,
            unit_id,
            str(period),
            version,
            who=who,
            at=at.isoformat(timespec="seconds"),
            data=json.dumps(data, ensure_ascii=False),
            package_name=stem,
            pdf=pdf,
            xlsx=xlsx,
        )
    pdf_path, xlsx_path = _write_files(out, stem, pdf, xlsx, version)
    changes = submission_changes(unit_id, period)
    return SubmitResult(version, pdf_path, xlsx_path, at.isoformat(timespec="seconds"), False, changes)


def _refuse_while_another_is_corrected(store: Store, plan: Plan, unit_id: str, period: Period) -> None:
    """While a period is reopened, its months are open: no other report may freeze them meanwhile."""
    reopened = store.submissions.latest_of_year(plan.id, unit_id, period.year)
    if reopened is not None and reopened.status == CORRECTING and reopened.period != str(period):
        raise UserError(
            translate(
                "submission",
                "{unit} {label} 正在更正（第 {v} 版）：请先报送更正后的 {label}，再报送 {this}。",
            ).format(
                unit=plan.unit(unit_id).name,
                label=_label(reopened.period),
                v=reopened.version,
                this=period.label(),
            )
        )


def _refuse_if_changed(
    store: Store, plan: Plan, unit_id: str, period: Period, latest: Submission | None, figures: list[Figure]
) -> None:
    """Someone saved a figure or submitted the period while the package was being signed: sign again."""
    now_latest = store.submissions.latest(plan.id, unit_id, str(period))
    same_version = (now_latest.id, now_latest.status) if now_latest else None
    before_version = (latest.id, latest.status) if latest else None
    if same_version != before_version or store.figures.read(plan.id, unit_id) != figures:
        raise UserError(
            translate(
                "submission",
                "{unit} {period} 的数据在签名期间被修改（或已由另一处报送），本次报送未保存。请检查数据后重新报送。",
            ).format(unit=plan.unit(unit_id).name, period=period)
        )


def people_name(people: ReportPeople | None) -> str:
    return people.signer if people else ""


def _correction(store: Store, plan: Plan, unit_id: str, period: Period, version: int) -> Correction | None:
    """For version N+1: the version it replaces (by the SHA-256 of its attached data) and the reason."""
    versions = {s.version: s for s in store.submissions.all(plan.id, unit_id, str(period))}
    replaced, opened = versions.get(version - 1), versions.get(version)
    if replaced is None or opened is None:
        return None
    return Correction(replaced.version, report_data_sha256(json.loads(replaced.data)), opened.reason)


def _build_package(
    store: Store,
    plan: Plan,
    figures: list[Figure],
    unit_id: str,
    period: Period,
    version: int,
    key: SigningKey,
    who: str,
    signer_name: str,
    at: datetime,
    people: ReportPeople | None,
) -> tuple[dict[str, Any], bytes, bytes]:
    from model.calc.report import build_report
    from model.reports.export import report_evidence
    from model.reports.pdf import unit_pdf
    from model.reports.tables import ReportPeople
    from model.reports.xlsx import unit_xlsx

    report = build_report(
        plan,
        store.plans.coefficients(plan.coefficients),
        figures,
        unit_id,
        period,
        version=version,
        created_by=who,
        created_at=at,
        correction=_correction(store, plan, unit_id, period, version),
        factors=store.plans.emission_factors(plan.emission_factors),
    )
    people = replace(people, report_date=at.date()) if people else ReportPeople(report_date=at.date())
    items, files = report_evidence(store, plan, unit_id, period)
    pdf = unit_pdf(report, people, key=key, signer_name=signer_name, when=at, evidence=items, files=files)
    return report.data, pdf, unit_xlsx(report, people)
