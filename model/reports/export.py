"""Exports as named operations, shared by the window and `main.py export`: a unit's report (PDF, signed
or not, or workbook) and the district summary (PDF or workbook), as bytes ready to be written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.common.errors import UserError
from model.common.i18n import translate

if TYPE_CHECKING:  # the window's menus name PDF and XLSX at start-up; the rest loads when a file is made
    from model.calc.summary import DistrictSummary
    from model.common.periods import Period
    from model.plan.spec import Plan
    from model.reports.signing import AttachedFile, SigningKey
    from model.reports.tables import EvidenceItem, ReportPeople
    from model.store.database import Store

PDF, XLSX = "pdf", "xlsx"


def _check_period(store: Store, period: Period) -> None:
    store.plans.get().check_report_period(period)


def unit_report(
    store: Store,
    unit_id: str,
    period: Period,
    kind: str,
    people: ReportPeople,
    *,
    who: str,
    key: SigningKey | None = None,
    signer_name: str = "",
) -> bytes:
    from model.calc.report import report_from_store

    _check_period(store, period)
    if kind == XLSX and key is not None:
        raise UserError(translate("export", "Excel 工作簿不签名：签名只用于 PDF。"))
    report = report_from_store(store, unit_id, period, version=None, created_by=who)
    if kind == PDF:
        from model.reports.pdf import unit_pdf

        items, files = report_evidence(store, report.plan, unit_id, period)
        return unit_pdf(report, people, key=key, signer_name=signer_name, evidence=items, files=files)
    from model.reports.xlsx import unit_xlsx

    return unit_xlsx(report, people)


def report_evidence(
    store: Store, plan: Plan, unit_id: str, period: Period
) -> tuple[list[EvidenceItem], list[AttachedFile]]:
    """The evidence of the months the report covers: each listed, and carried inside the package in
    the order added while the total stays within the plan's limit (the rest the district asks for)."""
    from model.reports.signing import AttachedFile
    from model.reports.tables import EvidenceItem

    room = plan.rules.evidence_in_package_max_mb * 1024 * 1024
    items, files = [], []
    for e in store.evidence.list(plan.id, unit_id):
        if e.period > str(period) or not e.period.startswith(f"{plan.year:04d}"):
            continue
        carried = e.size <= room
        item = EvidenceItem(e.row_id, e.period, e.file_name, e.size, e.sha256, carried)
        items.append(item)
        if carried:
            room -= e.size
            description = translate("export", "证明材料 {row}：{name}").format(row=e.row_id, name=e.file_name)
            files.append(AttachedFile(item.attachment_name, store.evidence.content(e.id), description))
    return items, files


def district_summary_file(
    store: Store, period: Period, kind: str, people: ReportPeople, *, view: DistrictSummary | None = None
) -> tuple[bytes, DistrictSummary]:
    """The summary renders the district view (`view`, or the view of `period` as of today)."""
    from model.calc.summary import district_view

    _check_period(store, period)
    summary = view if view is not None else district_view(store, period)
    plan = store.plans.get()
    if kind == PDF:
        from model.reports.pdf import summary_pdf

        return summary_pdf(plan, summary, people), summary
    from model.reports.xlsx import summary_xlsx

    return summary_xlsx(plan, summary, people), summary
