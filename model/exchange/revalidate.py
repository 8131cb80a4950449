"""What the district checks in a package after its signature: a trusted unit can still send figures its own
entry would refuse, versions out of thin air, or a form that prints other figures than the data it carries.

Each check raises a UserError whose message says what is wrong (the import turns it into a refusal line):

- `revalidated`: every figure passes the same field rules as entry (`model.entry.figures.convert`), no
  figure comes twice, the report recomputed from the figures (`UnitReport.from_json`) equals the computed
  figures it carries, and it has no error that would have blocked its submission.
- `version_note`: a version is at most `MAX_VERSION`; a correction names the version before it and that
  version's data hash, which must match the version the district holds; a gap of up to
  `MAX_MISSING_VERSIONS` missing versions is accepted with a note ("第 2 版未收到"), a larger one refused.
- `check_printed`: the form the PDF prints says what the data says (see the function).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Protocol

from model.calc.report import Correction, UnitReport, report_data_sha256
from model.common.errors import UserError
from model.common.i18n import translate
from model.common.periods import parse_period
from model.entry.figures import convert
from model.plan.coefficients import CoefficientSet
from model.plan.emission import EmissionFactorSet
from model.plan.spec import Plan
from model.store.submissions import ReceivedPackage

MAX_VERSION = 99  # no unit corrects one month a hundred times; a larger number is a crafted file
MAX_MISSING_VERSIONS = 2  # versions that may be missing between the newest held and the one arriving


# ---- figures ---------------------------------------------------------------------------------------


def _as_typed(value: Any, text: Any) -> str:
    """A stored figure as a clerk would have typed it (repr keeps every digit of a float)."""
    if value is not None and text is not None:
        return "\x00"  # both a number and a text: nothing a clerk can type; convert refuses it
    if value is not None:
        return repr(float(value))
    return "" if text is None else str(text)


def check_figures(plan: Plan, data: dict[str, Any]) -> None:
    """Every figure as entry would take it, and each (period, field) once."""
    unit_id, seen = data["unit_id"], set()
    for figure in data["figures"]:
        where = (figure["period"], figure["field"])
        if where in seen:
            raise UserError(
                translate("exchange", "报表中 {period}“{field}”出现了不止一次（重复的数据）").format(
                    period=where[0], field=where[1]
                )
            )
        seen.add(where)
        value, text = figure["value"], figure["text"]
        try:
            got = convert(plan, unit_id, parse_period(where[0]), where[1], _as_typed(value, text))
        except UserError as exc:
            raise UserError(
                translate("exchange", "报表中的数据不符合填报规则（{period}）：{problem}").format(
                    period=where[0], problem=exc.message.rstrip("。")
                )
            ) from None
        if got != (value, text):
            raise UserError(
                translate("exchange", "报表中 {period}“{field}”的值“{v}”不是填报时能保存的形式").format(
                    period=where[0], field=where[1], v=text if value is None else value
                )
            )


class Tables(Protocol):
    """The district's coefficient and emission-factor tables (`store.plans`, or a batch's `ImportContext`)."""

    def coefficients(self, version: str) -> CoefficientSet: ...

    def emission_factors(self, version: str = "") -> EmissionFactorSet: ...


def revalidated(tables: Tables, plan: Plan, data: dict[str, Any], *, parsed: bool = False) -> UnitReport:
    """The package's report recomputed from its figures, after the field rules; refused (UserError) when a
    figure breaks a rule, a computed figure it carries differs, or a check would have blocked submission.
    The tables are the district's, of the versions the package names (UserError when it has none).
    `parsed`: `data` is what `parse_report_data` returned, unchanged (see `UnitReport.from_json`)."""
    check_figures(plan, data)
    coefficients = tables.coefficients(data["coefficient_version"])
    factor_version = (
        data["progress"].get("emission_factor_version") if isinstance(data.get("progress"), dict) else None
    )
    factors = tables.emission_factors(factor_version or plan.emission_factors)
    report = UnitReport.from_json(data, plan, coefficients, factors, parsed=parsed)
    errors = [p for p in report.problems if p.blocking]
    if errors:
        first = errors[0]
        raise UserError(
            translate("exchange", "报表有 {n} 处问题，本应无法报送（{period}“{field}”：{message}）").format(
                n=len(errors), period=first.period, field=first.field, message=first.message.rstrip("。")
            )
        )
    return report


# ---- versions --------------------------------------------------------------------------------------


def _missing(missing: list[int]) -> str:
    return translate("exchange", "第 {v} 版未收到").format(v="、".join(str(v) for v in missing))


def version_note(data: dict[str, Any], held: Iterable[ReceivedPackage]) -> str:
    """A note for versions skipped ("第 2 版未收到", or ""); refused (UserError) when the version cannot be
    the next of those held."""
    version = data["version"]
    if version > MAX_VERSION:
        raise UserError(
            translate("exchange", "版本号 {v} 不合理（同一报告期最多 {max} 版），可能是伪造的文件").format(
                v=version, max=MAX_VERSION
            )
        )
    by_version = {h.version: h for h in held}
    _check_chain(data, by_version)
    newest = max(by_version, default=0)
    missing = [v for v in range(1, version) if v not in by_version]
    if version > newest and len(missing) > MAX_MISSING_VERSIONS:
        raise UserError(
            translate(
                "exchange", "收到的是第 {v} 版，区里最新的是第 {held} 版，中间缺了 {n} 版：请与该单位核实"
            ).format(v=version, held=newest, n=version - newest - 1)
            if newest
            else translate("exchange", "收到的是第 {v} 版，此前的 {n} 版都未收到：请与该单位核实").format(
                v=version, n=version - 1
            )
        )
    if not missing or version < newest:
        return ""
    return translate("exchange", "第 {v} 版未收到").format(v="、".join(str(v) for v in missing))


def _check_chain(data: dict[str, Any], by_version: dict[int, ReceivedPackage]) -> None:
    """A correction names the version before it by number and data hash, and that hash is the hash of the
    version the district holds; a version the district holds the correction of must be the one named."""
    version = data["version"]
    correction = Correction.of(data)
    if version > 1 and (correction is None or correction.replaces_version != version - 1):
        raise UserError(
            translate("exchange", "第 {v} 版没有写明它更正的是第 {old} 版及其数据").format(
                v=version, old=version - 1
            )
        )
    previous = by_version.get(version - 1)
    named = correction.replaces_data_sha256 if correction is not None else None
    if previous is not None and named != report_data_sha256(json.loads(previous.data)):
        raise UserError(
            translate(
                "exchange", "第 {v} 版所更正的第 {old} 版与区里收到的第 {old} 版数据不同，请与该单位核实"
            ).format(v=version, old=version - 1)
        )
    following = by_version.get(version + 1)
    later = Correction.of(json.loads(following.data)) if following is not None else None
    if later is not None and later.replaces_data_sha256 != report_data_sha256(data):
        raise UserError(
            translate(
                "exchange", "区里收到的第 {next} 版更正的第 {v} 版与这份文件的数据不同，请与该单位核实"
            ).format(v=version, next=version + 1)
        )


# ---- what the PDF prints ---------------------------------------------------------------------------


def _squeezed(text: str) -> str:
    return "".join(text.split())


def check_printed(pdf: bytes, report: UnitReport) -> None:
    """The visible form agrees with the data: refused (UserError) when it does not.

    The check: the district lays out the report's tables again from the recomputed report
    (`model.reports.tables.unit_sections`, the very cells the unit's PDF was drawn from) and reads back the
    text the signed PDF's pages print (`model.reports.pdftext`). The period label must be printed as the
    form's 报告期, and every non-empty cell of every table must be printed, in table order, as one text run
    or as consecutive runs (a wrapped cell), whitespace ignored. Text the form prints besides the tables
    (people, page numbers, the stamp) is skipped, so nothing outside the data is compared; text the
    reader cannot decode makes the check fail, never pass. A forger would have to print every true figure
    in its place, in order; white or hidden text is beyond this check, and a signed file from a trusted
    unit that did that is a matter for the unit, not a clerk's slip.
    """
    from model.reports.pdftext import text_runs
    from model.reports.tables import unit_sections

    try:
        runs = [_squeezed(r) for r in text_runs(pdf)]
    except ValueError:
        raise UserError(translate("exchange", "无法读出 PDF 上打印的文字，无法与所附数据核对")) from None
    label = report.period.label()
    period_line = _squeezed(translate("report", "报告期") + "：" + label)
    if period_line not in runs:
        printed = next((r for r in runs if r.startswith(_squeezed(translate("report", "报告期")))), "")
        raise UserError(
            translate(
                "exchange", "PDF 上打印的报告期（{printed}）与所附数据的报告期（{label}）不一致"
            ).format(printed=printed or translate("exchange", "未找到"), label=label)
        )
    at = 0
    for section in unit_sections(report):
        for table in section.tables:
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row):
                    want = _squeezed(cell.text)
                    if not want:
                        continue
                    found = _find(runs, at, want)
                    if found is None:
                        raise UserError(
                            translate(
                                "exchange",
                                "PDF 上打印的表格与所附数据不一致：“{caption}”第 {r} 行“{column}”按数据应为“{want}”，打印的是“{printed}”",
                            ).format(
                                caption=table.caption or section.title,
                                r=r + 1,
                                column=table.columns[c] if c < len(table.columns) else c + 1,
                                want=cell.text,
                                printed=runs[at] if at < len(runs) else "",
                            )
                        )
                    at = found


def _find(runs: list[str], start: int, want: str) -> int | None:
    """The index after the run (or consecutive runs) from `start` on that print exactly `want`."""
    for i in range(start, len(runs)):
        joined = ""
        for j in range(i, len(runs)):  # a wrapped cell, or a line drawn in several font subsets
            joined += runs[j]
            if joined == want:
                return j + 1
            if not want.startswith(joined):
                break
    return None
