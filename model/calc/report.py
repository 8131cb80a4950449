"""A unit's report for a period as data: what the PDF and workbook show and what the PDF carries inside.

The JSON attached to every exported PDF is the exchange contract the district imports
(`format` "tanbao-report", `format_version` 1):

    {"format", "format_version", "plan_id", "plan_year", "unit_id", "unit_name", "unit_full_name",
     "period" ("YYYY-MM"), "version" (int, or null for an export that was never submitted),
     "created_at" (ISO 8601 with offset), "created_by", "coefficient_version", "electricity_basis",
     "figures": [{"period", "field", "value", "text", "note"}, …],   every stored figure of the unit in
                                                                    the plan year up to the period
     "progress": UnitProgress.to_dict(),
     "problems": [{"severity", "period", "field", "message", "reason"}, …]}

A corrected version (2 and later) carries also what it replaces and why:

    {"replaces_version" (int, N−1), "replaces_data_sha256" (SHA-256 of that version's attached data, as
     attached), "correction_reason"}

`problems` holds the checks of the report period (errors and warnings) and the warnings of the
earlier months of the year, each warning with the clerk's written reason.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from model.calc.checks import ERROR, WARNING, Problem, check_period
from model.calc.progress import UnitProgress, unit_progress
from model.common.errors import UserError
from model.common.i18n import translate
from model.common.periods import Period
from model.plan.coefficients import CoefficientSet
from model.plan.spec import Plan, Unit
from model.store.database import Figure, Store

FORMAT = "tanbao-report"
FORMAT_VERSION = 1
ATTACHMENT_NAME = "tanbao-report.json"
MIME_TYPE = "application/json"

_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Correction:
    """What a corrected version replaces, carried in its data and printed on its form."""

    replaces_version: int
    replaces_data_sha256: str
    reason: str

    @classmethod
    def of(cls, data: dict[str, Any]) -> Correction | None:
        if data.get("replaces_version") is None:
            return None
        return cls(
            int(data["replaces_version"]), str(data["replaces_data_sha256"]), str(data["correction_reason"])
        )


@dataclass(frozen=True)
class UnitReport:
    """Everything a unit's report shows, computed once so the PDF, workbook and data agree."""

    plan: Plan
    unit: Unit
    period: Period
    figures: list[Figure]
    progress: UnitProgress
    problems: list[Problem]
    data: dict[str, Any]

    @property
    def version(self) -> int | None:
        v = self.data["version"]
        return None if v is None else int(v)

    @property
    def correction(self) -> Correction | None:
        return Correction.of(self.data)


def report_figures(plan: Plan, figures: Iterable[Figure], period: Period) -> list[Figure]:
    """The unit's figures of the plan year up to and including the period, in period and field order."""
    last = str(period)
    kept = [f for f in figures if f.period[:4] == str(plan.year) and f.period <= last]
    return sorted(kept, key=lambda f: (f.period, f.field))


def report_problems(plan: Plan, unit_id: str, period: Period, figures: list[Figure]) -> list[Problem]:
    """Every check of the period, and the warnings of the months before it (with their reasons)."""
    problems: list[Problem] = []
    for month in period.months_to_date():
        for problem in check_period(plan, unit_id, month, figures):
            if month == period or problem.severity == WARNING:
                problems.append(problem)
    return problems


def build_report(
    plan: Plan,
    coefficients: CoefficientSet,
    figures: Iterable[Figure],
    unit_id: str,
    period: Period,
    *,
    version: int | None,
    created_by: str,
    created_at: datetime | None = None,
    correction: Correction | None = None,
) -> UnitReport:
    plan.check_report_period(period)
    unit = plan.unit(unit_id)
    if not plan.fields_for(unit_id):
        raise UserError(
            translate("report", "{name}在本年计划中没有填报任务，无法生成报表。").format(name=unit.name)
        )
    kept = report_figures(plan, figures, period)
    progress = unit_progress(plan, coefficients, kept, unit_id, period)
    problems = report_problems(plan, unit_id, period, kept)
    at = (
        created_at
        if created_at is not None and created_at.tzinfo
        else (created_at or datetime.now()).astimezone()
    )
    data: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "plan_id": plan.id,
        "plan_year": plan.year,
        "unit_id": unit.id,
        "unit_name": unit.name,
        "unit_full_name": unit.full_name,
        "period": str(period),
        "version": version,
        "created_at": at.isoformat(timespec="seconds"),
        "created_by": created_by,
        "coefficient_version": coefficients.version,
        "electricity_basis": plan.electricity_basis,
        "figures": [
            {"period": f.period, "field": f.field, "value": f.value, "text": f.text, "note": f.note}
            for f in kept
        ],
        "progress": progress.to_dict(),
        "problems": [
            {
                "severity": p.severity,
                "period": p.period,
                "field": p.field,
                "message": p.message,
                "reason": p.reason,
            }
            for p in problems
        ],
    }
    if correction is not None:
        data["replaces_version"] = correction.replaces_version
        data["replaces_data_sha256"] = correction.replaces_data_sha256
        data["correction_reason"] = correction.reason
    return UnitReport(plan, unit, period, kept, progress, problems, data)


def report_from_store(
    store: Store,
    unit_id: str,
    period: Period,
    *,
    version: int | None = None,
    created_by: str,
    created_at: datetime | None = None,
) -> UnitReport:
    plan = store.plan()
    return build_report(
        plan,
        store.coefficients(plan.coefficients),
        store.figures(plan.id, unit_id),
        unit_id,
        period,
        version=version,
        created_by=created_by,
        created_at=created_at,
    )


def report_data(
    plan: Plan,
    coefficients: CoefficientSet,
    figures: Iterable[Figure],
    unit_id: str,
    period: Period,
    *,
    version: int | None,
    created_by: str,
    created_at: datetime | None = None,
) -> dict[str, Any]:
    """The exchange data alone (see the module docstring)."""
    return build_report(
        plan,
        coefficients,
        figures,
        unit_id,
        period,
        version=version,
        created_by=created_by,
        created_at=created_at,
    ).data


def encode_report_data(data: dict[str, Any]) -> bytes:
    """UTF-8 JSON, readable by a person who opens the attachment; NaN is never written."""
    return json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")


def report_data_sha256(data: dict[str, Any]) -> str:
    """The SHA-256 of the data as attached to the PDF (a corrected version names its predecessor by it)."""
    return hashlib.sha256(encode_report_data(data)).hexdigest()


# ---- reading it back ---------------------------------------------------------------------------


def _refuse(problem: str) -> UserError:
    return UserError(
        translate("report", "报表数据无法识别：{problem}。请让填报单位用 TanBao 重新导出报表。").format(
            problem=problem
        )
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _need(data: dict[str, Any], key: str, kinds: tuple[type, ...], where: str = "") -> Any:
    if key not in data:
        raise _refuse(translate("report", "缺少“{key}”").format(key=where + key))
    value = data[key]
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise _refuse(translate("report", "“{key}”的类型不对").format(key=where + key))
    return value


def parse_report_data(raw: bytes) -> dict[str, Any]:
    """Check that `raw` is report data this program can import, and return it as a dict."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _refuse(translate("report", "不是 UTF-8 文字")) from None
    except json.JSONDecodeError as exc:
        raise _refuse(
            translate("report", "不是有效的 JSON（第 {line} 行）").format(line=exc.lineno)
        ) from None
    if not isinstance(data, dict):
        raise _refuse(translate("report", "顶层应为对象"))
    if data.get("format") != FORMAT:
        raise _refuse(translate("report", "不是 TanBao 报表数据（format 应为 {f}）").format(f=FORMAT))
    if data.get("format_version") != FORMAT_VERSION:
        raise UserError(
            translate(
                "report",
                "报表数据是第 {v} 版格式，本程序只能读取第 {mine} 版。请把程序升级到与填报单位相同的版本。",
            ).format(v=data.get("format_version"), mine=FORMAT_VERSION)
        )
    for key in (
        "plan_id",
        "unit_id",
        "unit_name",
        "unit_full_name",
        "created_at",
        "created_by",
        "coefficient_version",
        "electricity_basis",
    ):
        _need(data, key, (str,))
    year = _need(data, "plan_year", (int,))
    period = _need(data, "period", (str,))
    if not _PERIOD.match(period) or int(period[:4]) != year:
        raise _refuse(translate("report", "报告期“{p}”不对").format(p=period))
    if "version" not in data:
        raise _refuse(translate("report", "缺少“version”"))
    version = data["version"]
    if version is not None and (not isinstance(version, int) or isinstance(version, bool) or version < 1):
        raise _refuse(translate("report", "版本号“{v}”不对").format(v=version))
    try:
        datetime.fromisoformat(data["created_at"])
    except ValueError:
        raise _refuse(translate("report", "生成时间“{t}”不对").format(t=data["created_at"])) from None
    for i, figure in enumerate(_need(data, "figures", (list,))):
        where = f"figures[{i}]."
        if not isinstance(figure, dict):
            raise _refuse(translate("report", "“{key}”应为对象").format(key=f"figures[{i}]"))
        fp = _need(figure, "period", (str,), where)
        if not _PERIOD.match(fp) or fp[:4] != period[:4] or fp > period:
            raise _refuse(translate("report", "“{key}”的报告期“{p}”不在本报表范围内").format(key=where, p=fp))
        _need(figure, "field", (str,), where)
        _need(figure, "note", (str,), where)
        value, text = figure.get("value", "missing"), figure.get("text", "missing")
        if value is not None and not _is_number(value):
            raise _refuse(translate("report", "“{key}value”应为数字或 null").format(key=where))
        if text is not None and not isinstance(text, str):
            raise _refuse(translate("report", "“{key}text”应为文字或 null").format(key=where))
    progress = _need(data, "progress", (dict,))
    if progress.get("unit_id") != data["unit_id"] or progress.get("period") != period:
        raise _refuse(translate("report", "进度数据与报表的单位或报告期不一致"))
    for i, problem in enumerate(_need(data, "problems", (list,))):
        where = f"problems[{i}]."
        if not isinstance(problem, dict):
            raise _refuse(translate("report", "“{key}”应为对象").format(key=f"problems[{i}]"))
        severity = _need(problem, "severity", (str,), where)
        if severity not in (ERROR, WARNING):
            raise _refuse(translate("report", "“{key}severity”不对").format(key=where))
        for key in ("period", "field", "message", "reason"):
            _need(problem, key, (str,), where)
    _check_correction(data)
    return data


def _check_correction(data: dict[str, Any]) -> None:
    """A corrected version names the earlier version it replaces, that version's data and the reason."""
    if not any(key in data for key in ("replaces_version", "replaces_data_sha256", "correction_reason")):
        return
    replaced = _need(data, "replaces_version", (int,))
    if not isinstance(data["version"], int) or not 1 <= replaced < data["version"]:
        raise _refuse(translate("report", "更正的原版本号“{v}”不对").format(v=replaced))
    sha = _need(data, "replaces_data_sha256", (str,))
    if not re.fullmatch(r"[0-9a-f]{64}", sha):
        raise _refuse(translate("report", "原版本数据的 SHA-256“{sha}”不对").format(sha=sha[:80]))
    _need(data, "correction_reason", (str,))


def summarize_report_data(data: dict[str, Any]) -> dict[str, Any]:
    """The few facts a person checks first (verify prints these)."""
    progress = data.get("progress") or {}
    return {
        "plan_id": data.get("plan_id"),
        "unit_id": data.get("unit_id"),
        "unit_name": data.get("unit_name"),
        "period": data.get("period"),
        "version": data.get("version"),
        "created_at": data.get("created_at"),
        "created_by": data.get("created_by"),
        "figures": len(data.get("figures") or []),
        "problems": len(data.get("problems") or []),
        "colour": progress.get("colour"),
    }
