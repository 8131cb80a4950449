"""A unit's report for a period as data: what the PDF and workbook show and what the PDF carries inside.

The JSON attached to every exported PDF is the exchange contract the district imports
(`format` "tanbao-report", `format_version` 2; version 1 is still read):

    {"format", "format_version", "plan_id", "plan_year", "unit_id", "unit_name", "unit_full_name",
     "period" ("YYYY-MM"), "version" (int, or null for an export that was never submitted),
     "created_at" (ISO 8601 with offset), "created_by", "coefficient_version", "electricity_basis",
     "figures": [{"period", "field", "value", "text", "note"}, …],   every stored figure of the unit in
                                       the plan year up to the period, and last year's figures of all
                                       12 months (version 2), so the projection can be recomputed
     "progress": UnitProgress.to_dict(),   every computed figure, colour, projection and the missing cells
     "problems": [{"severity", "period", "field", "message", "reason"}, …],
     "complete": bool}                     false: 数据不全, no colour, no projection (version 2)

A corrected version (2 and later) carries also what it replaces and why:

    {"replaces_version" (int, N−1), "replaces_data_sha256" (SHA-256 of that version's attached data, as
     attached), "correction_reason"}

`problems` holds every check of the months 1..N (errors and warnings), each warning with the clerk's
written reason. `UnitReport.from_json` recomputes progress and problems from `figures` and refuses the
data when they differ.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from model.calc.checks import ERROR, WARNING, Problem, check_period
from model.calc.progress import MissingCell, UnitProgress, unit_progress
from model.common.errors import UserError
from model.common.i18n import translate
from model.common.periods import Period, parse_period
from model.common.untrusted import UntrustedJsonError, loads_bounded
from model.plan.coefficients import CoefficientSet
from model.plan.emission import EmissionFactorSet
from model.plan.spec import LAST_YEAR, Plan, Unit
from model.store.database import Store
from model.store.figures import Figure

FORMAT = "tanbao-report"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)  # 1: figures only up to the period (no later months of last year)
ATTACHMENT_NAME = "tanbao-report.json"
MIME_TYPE = "application/json"
# A year of a unit's figures is some tens of kilobytes; the data of a received package is refused beyond this.
MAX_REPORT_DATA_BYTES = 8 * 2**20

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
    """A unit's report for a period, computed once: the window, `progress`/`check`, the PDF, the workbook,
    the package and the district all render this object; none of them computes a figure of its own.

    `to_json()` is the exchange data (see the module docstring); `UnitReport.from_json(data, plan,
    coefficients)` recomputes the report from the figures inside and refuses data whose embedded
    computed figures differ from the recomputation.
    """

    plan: Plan
    unit: Unit
    period: Period
    figures: list[Figure]
    progress: UnitProgress
    problems: list[Problem]
    version: int | None
    created_at: str  # ISO 8601 with offset
    created_by: str
    coefficient_version: str
    correction: Correction | None = None

    @property
    def complete(self) -> bool:
        return self.progress.complete

    @property
    def missing(self) -> list[MissingCell]:
        return self.progress.missing

    @property
    def blocking(self) -> list[Problem]:
        """What stops the period from being submitted: errors, and warnings without a written reason."""
        return [p for p in self.problems if p.blocking]

    @cached_property
    def data(self) -> dict[str, Any]:
        return self.to_json()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "plan_id": self.plan.id,
            "plan_year": self.plan.year,
            "unit_id": self.unit.id,
            "unit_name": self.unit.name,
            "unit_full_name": self.unit.full_name,
            "period": str(self.period),
            "version": self.version,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "coefficient_version": self.coefficient_version,
            "electricity_basis": self.plan.electricity_basis,
            "figures": [
                {"period": f.period, "field": f.field, "value": f.value, "text": f.text, "note": f.note}
                for f in self.figures
            ],
            "progress": self.progress.to_dict(),
            "problems": [asdict(p) for p in self.problems],
            "complete": self.complete,
        }
        if self.correction is not None:
            data["replaces_version"] = self.correction.replaces_version
            data["replaces_data_sha256"] = self.correction.replaces_data_sha256
            data["correction_reason"] = self.correction.reason
        return data

    @classmethod
    def from_json(
        cls,
        data: dict[str, Any] | bytes,
        plan: Plan,
        coefficients: CoefficientSet,
        factors: EmissionFactorSet | None = None,
        *,
        parsed: bool = False,
    ) -> UnitReport:
        """The report recomputed from the figures inside `data` (a package's attachment, parsed or not).
        `parsed`: `data` is what `parse_report_data` returned, unchanged since (not checked again).

        Refused (UserError) when the data is not report data, belongs to another plan, coefficient or
        emission-factor table, or when a figure it shows differs from what its own figures give."""
        if isinstance(data, bytes) or not parsed:
            data = parse_report_data(data if isinstance(data, bytes) else _compact(data))
        if data["plan_id"] != plan.id:
            raise _refuse(
                translate("report", "报表属于计划“{p}”，本机载入的是“{mine}”").format(
                    p=data["plan_id"], mine=plan.id
                )
            )
        if data["coefficient_version"] != coefficients.version:
            raise _refuse(
                translate("report", "报表按折标系数 {v} 计算，本机为 {mine}").format(
                    v=data["coefficient_version"], mine=coefficients.version
                )
            )
        factor_version = data["progress"].get("emission_factor_version")
        if factors is not None and factor_version and factor_version != factors.version:
            raise _refuse(
                translate("report", "报表按排放因子表 {v} 计算，本机为 {mine}").format(
                    v=factor_version, mine=factors.version
                )
            )
        figures = [
            Figure(data["unit_id"], f["period"], f["field"], f["value"], f["text"], f["note"], "", "")
            for f in data["figures"]
        ]
        report = build_report(
            plan,
            coefficients,
            figures,
            data["unit_id"],
            parse_period(data["period"]),
            version=data["version"],
            created_by=data["created_by"],
            created_at=datetime.fromisoformat(data["created_at"]),
            correction=Correction.of(data),
            factors=factors,
        )
        mine = json.loads(_compact(report.to_json()))  # as a file would carry it: lists, not tuples
        for key in ("progress", "problems"):
            where = _first_difference(data[key], mine[key], key)
            if where is not None:
                raise _refuse(
                    translate("report", "报表中的“{where}”与按所附数据重新计算的结果不一致").format(
                        where=where
                    )
                )
        return report


def _first_difference(embedded: Any, recomputed: Any, path: str) -> str | None:
    """The path of the first value that differs (keys the embedded data lacks are not compared:
    older format versions carry fewer)."""
    if isinstance(embedded, dict) and isinstance(recomputed, dict):
        for key, value in embedded.items():
            if key not in recomputed:
                return f"{path}.{key}"
            found = _first_difference(value, recomputed[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(embedded, list) and isinstance(recomputed, list):
        if len(embedded) != len(recomputed):
            return path
        for i, (a, b) in enumerate(zip(embedded, recomputed, strict=True)):
            found = _first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if embedded == recomputed else path


def report_figures(plan: Plan, figures: Iterable[Figure], period: Period) -> list[Figure]:
    """The unit's figures of the plan year up to and including the period, and last year's figures of
    every month (the projection by last year's monthly profile needs all twelve), in period and field order."""
    last = str(period)
    kept = [
        f
        for f in figures
        if f.period[:4] == str(plan.year) and (f.period <= last or f.field.endswith(LAST_YEAR))
    ]
    return sorted(kept, key=lambda f: (f.period, f.field))


def ensure_reportable(plan: Plan, unit_id: str, period: Period) -> None:
    """A report needs a period the plan has a report for and a unit that reports something."""
    plan.check_report_period(period)
    if not plan.fields_for(unit_id):
        raise UserError(
            translate("report", "{name}在本年计划中没有填报任务，无法生成报表。").format(
                name=plan.unit(unit_id).name
            )
        )


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
    strict: bool = True,
    correction: Correction | None = None,
    factors: EmissionFactorSet | None = None,
) -> UnitReport:
    """The one computation of a period's report. `strict=False` (the window) allows a unit without
    anything to report, whose report is empty."""
    if strict:
        ensure_reportable(plan, unit_id, period)
    kept = report_figures(plan, figures, period)
    at = (
        created_at
        if created_at is not None and created_at.tzinfo
        else (created_at or datetime.now()).astimezone()
    )
    return UnitReport(
        plan=plan,
        unit=plan.unit(unit_id),
        period=period,
        figures=kept,
        progress=unit_progress(plan, coefficients, kept, unit_id, period, factors),
        problems=check_period(plan, unit_id, period, kept),
        version=version,
        created_at=at.isoformat(timespec="seconds"),
        created_by=created_by,
        coefficient_version=coefficients.version,
        correction=correction,
    )


def report_from_store(
    store: Store,
    unit_id: str,
    period: Period,
    *,
    version: int | None = None,
    created_by: str,
    created_at: datetime | None = None,
    strict: bool = True,
) -> UnitReport:
    plan = store.plans.get()
    return build_report(
        plan,
        store.plans.coefficients(plan.coefficients),
        store.figures.read(plan.id, unit_id),
        unit_id,
        period,
        version=version,
        created_by=created_by,
        created_at=created_at,
        strict=strict,
        factors=store.plans.emission_factors(plan.emission_factors),
    )


def encode_report_data(data: dict[str, Any]) -> bytes:
    """UTF-8 JSON, readable by a person who opens the attachment; NaN is never written."""
    return json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")


def _compact(data: dict[str, Any]) -> bytes:
    """The same JSON as `encode_report_data` without the indentation, for reading back in this process
    (Python's JSON encoder is several times faster without it)."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")


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
        data = loads_bounded(raw, max_bytes=MAX_REPORT_DATA_BYTES)
    except UntrustedJsonError as exc:
        raise _refuse(exc.reason) from None
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
    if data.get("format_version") not in READABLE_VERSIONS:
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
        key = _need(figure, "field", (str,), where)
        later = fp > period and not key.endswith(LAST_YEAR)  # only last year's figures come for later months
        if not _PERIOD.match(fp) or fp[:4] != period[:4] or later:
            raise _refuse(translate("report", "“{key}”的报告期“{p}”不在本报表范围内").format(key=where, p=fp))
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


def report_data_sha256(data: dict[str, Any]) -> str:
    """The SHA-256 of the data as attached to the PDF (a corrected version names its predecessor by it)."""
    return hashlib.sha256(encode_report_data(data)).hexdigest()


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
