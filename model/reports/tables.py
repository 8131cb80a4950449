"""What the report forms contain, independent of PDF or Excel: sections, tables, cells, notes, charts.

The PDF (reportlab) and the workbook (openpyxl) both render these, so the two can never disagree: a cell
holds the unrounded number and its kind, and each renderer applies the display rule of `formatting`
(rates 2 decimals, intensities 3 or 6 significant digits, amounts 2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from model.calc.allowance import Allowance, describe
from model.calc.carbon import CarbonProgress
from model.calc.checks import ERROR
from model.calc.explain import (
    CalculationEntry,
    calculation_factors,
    calculation_groups,
    electricity_basis,
    explainable,
)
from model.calc.progress import (
    Annex2Progress,
    Annex3Progress,
    MissingCell,
    MonthTable,
    RowProgress,
    colour_label,
)
from model.calc.report import UnitReport
from model.calc.summary import NOT_REPORTED, Annex2Line, DistrictSummary
from model.common import formatting as fmt
from model.common.i18n import translate
from model.plan.coefficients import basis_label
from model.plan.spec import Plan
from model.store.profile import Profile

HASH = "hash"  # a digest: text set small enough to stay on one line
FORMULA = "formula"  # a formula with its words: subscripts (E₁, E_N) set as such
TEXT, AMOUNT, RATE, PCT, INTENSITY, NUMBER, COLOUR, COEFFICIENT = (
    "text",
    "amount",
    "rate",
    "pct",
    "intensity",
    "number",
    "colour",
    "coefficient",
)


@dataclass(frozen=True)
class Cell:
    value: float | str | None
    kind: str = TEXT
    decimals: int = 2  # NUMBER cells
    colour: str | None = None  # COLOUR cells: green / yellow / red / None
    # the derived figure shown (a key of `progress --json`), whose recipe the 计算说明 page states
    figure: str = ""

    @property
    def text(self) -> str:
        v = self.value
        if self.kind == COLOUR:
            return str(v) if isinstance(v, str) else colour_label(self.colour)
        if self.kind in (TEXT, HASH, FORMULA) or isinstance(v, str):
            return "" if v is None else str(v)
        if self.kind == AMOUNT:
            return fmt.amount(v)
        if self.kind == RATE:
            return fmt.rate(v)
        if self.kind == PCT:
            return fmt.pct(v)
        if self.kind == INTENSITY:
            return fmt.intensity(v)
        if self.kind == COEFFICIENT:
            return fmt.coefficient(v)
        return "—" if v is None else f"{v:,.{self.decimals}f}"

    @property
    def number(self) -> float | None:
        v = self.value
        return v if isinstance(v, int | float) and self.kind not in (TEXT, COLOUR, HASH) else None


def text(value: str | None) -> Cell:
    return Cell(value or "")


def colour_cell(colour: str | None, label: str | None = None, figure: str = "") -> Cell:
    """A warning colour with its word; `label` as the report computed it (e.g. 数据不全)."""
    return Cell(label if label is not None else colour_label(colour), COLOUR, colour=colour, figure=figure)


@dataclass(frozen=True)
class Table:
    caption: str
    columns: list[str]
    widths: list[float]  # relative
    rows: list[list[Cell]]
    codes: list[str] = field(default_factory=list)  # the 甲 乙 丙 1 2 3 row of a statistical form
    total_rows: tuple[int, ...] = ()
    spans: dict[int, Cell] = field(default_factory=dict)  # row index -> a note spanning the whole row


@dataclass(frozen=True)
class Chart:
    kind: str  # "rate": YTD change rate vs target; "cap": cumulative total vs cap
    title: str
    points: list[tuple[int, float]]  # month, value
    reference: float
    reference_label: str
    y_label: str
    series_label: str
    # the cumulative tCO₂ of the carriers reported, drawn against its own axis on the right
    carbon_points: list[tuple[int, float]] = field(default_factory=list)
    carbon_label: str = ""


@dataclass(frozen=True)
class Section:
    annex: int
    title: str
    table_number: str
    measure_unit: str
    tables: list[Table]
    chart: Chart | None = None


@dataclass(frozen=True)
class FormHeader:
    left: list[tuple[str, str]]
    right: list[tuple[str, str]]


def form_header(plan: Plan, table_number: str, left: list[tuple[str, str]]) -> FormHeader:
    form = plan.report_form
    return FormHeader(
        left=left,
        right=[
            (translate("report", "表　　号"), table_number),
            (translate("report", "制定机关"), form.authority),
            (translate("report", "文　　号"), form.approval_no),
            (translate("report", "有效期至"), form.valid_until),
        ],
    )


def unit_header(report: UnitReport, section: Section) -> FormHeader:
    version, correction = report.version, report.correction
    shown = (
        translate("report", "第 {n} 版").format(n=version)
        if version
        else translate("report", "未提交（导出件）")
    )
    if version and correction is not None:
        shown += translate("report", "（更正第 {n} 版）").format(n=correction.replaces_version)
    return form_header(
        report.plan,
        section.table_number,
        [
            (translate("report", "填报单位"), report.unit.full_name),
            (translate("report", "报告期"), report.period.label()),
            (translate("report", "计量单位"), section.measure_unit),
            (translate("report", "报送版本"), shown),
        ],
    )


def _table_number(plan: Plan, key: str) -> str:
    return plan.report_form.table_numbers.get(key, "")


# ---- a unit's report ---------------------------------------------------------------------------


def unit_sections(report: UnitReport) -> list[Section]:
    sections = []
    if report.progress.annex1:
        sections.append(_annex1_section(report))
    if report.progress.annex2:
        sections.append(_annex2_section(report))
    if report.progress.annex3:
        sections.append(_annex3_section(report))
    if report.progress.annex4:
        sections.append(_annex4_section(report))
    return sections


def _role_field(plan: Plan, role: str) -> tuple[str, str, str] | None:
    for f in plan.fields:
        if f.annex == 2 and f.role == role:
            return f.key, f.label, f.unit
    return None


def _annex2_section(report: UnitReport) -> Section:
    plan, progress = report.plan, report.progress
    a2 = progress.annex2
    assert a2 is not None
    energy_unit = _role_field(plan, "energy")
    output_unit = _role_field(plan, "output")
    units = "、".join(dict.fromkeys(f[2] for f in (energy_unit, output_unit) if f))
    return Section(
        annex=2,
        title=translate("report", "{title}完成情况表").format(title=plan.annexes[2].title),
        table_number=_table_number(plan, "annex2"),
        measure_unit=units,
        tables=[
            _annex2_main_table(report),
            _annex2_result_table(report),
            _annex2_monthly_table(a2),
            allowance_table(a2.allowance, translate("report", "四、剩余用能空间"), "annex2"),
            *([carbon_table(a2.carbon, translate("report", "五"), "annex2")] if a2.carbon else []),
        ],
        chart=_annex2_chart(a2),
    )


def _annex2_main_table(report: UnitReport) -> Table:
    """一、主要指标: each indicator's month, year to date and last year, then the intensity."""
    plan, a2 = report.plan, report.progress.annex2
    assert a2 is not None
    rows: list[list[Cell]] = []
    code = 0
    own = {"energy": "annex2.ytd_energy_tce", "output": "annex2.ytd_output_wan_yuan"}
    for i, line in enumerate(a2.indicators):
        code += 1
        ytd = own.get(line.role, f"annex2.indicators.{i}.ytd")
        rows.append(
            [
                text(line.label),
                text(f"{code:02d}"),
                text(line.unit),
                Cell(line.month_value, AMOUNT),
                Cell(line.ytd, AMOUNT, figure=ytd),
                Cell(line.ytd_last_year, AMOUNT, figure=ytd + "_last_year"),
                Cell(line.change_pct, RATE, figure=f"annex2.indicators.{i}.change_pct"),
            ]
        )
    code += 1
    energy_unit = _role_field(plan, "energy")
    output_unit = _role_field(plan, "output")
    unit_text = f"{energy_unit[2] if energy_unit else ''}/{output_unit[2] if output_unit else ''}"
    rows.append(
        [
            text(translate("report", "单位产值能耗")),
            text(f"{code:02d}"),
            text(unit_text),
            text("—"),
            Cell(
                a2.ytd_intensity_tce_per_wan_yuan, INTENSITY, figure="annex2.ytd_intensity_tce_per_wan_yuan"
            ),
            Cell(
                a2.ytd_intensity_last_year_tce_per_wan_yuan,
                INTENSITY,
                figure="annex2.ytd_intensity_last_year_tce_per_wan_yuan",
            ),
            Cell(a2.ytd_change_rate_pct, RATE, figure="annex2.ytd_change_rate_pct"),
        ]
    )
    return Table(
        caption=translate("report", "一、主要指标"),
        columns=[
            translate("report", "指标名称"),
            translate("report", "代码"),
            translate("report", "计量单位"),
            translate("report", "本月"),
            translate("report", "本年累计"),
            translate("report", "上年同期累计"),
            translate("report", "增减（%）"),
        ],
        widths=[3.6, 0.7, 1.6, 1.7, 1.8, 1.8, 1.3],
        rows=rows,
        codes=["甲", "乙", "丙", "1", "2", "3", "4"],
    )


def _annex2_result_table(report: UnitReport) -> Table:
    progress = report.progress
    a2 = progress.annex2
    assert a2 is not None
    return Table(
        caption=translate("report", "二、目标完成情况"),
        columns=[
            translate("report", "累计单位产值能耗变化率"),
            translate("report", "年度目标"),
            translate("report", "目标完成率"),
            translate("report", "序时进度"),
            translate("report", "预警等级"),
        ],
        widths=[2.4, 1.6, 1.6, 1.6, 1.6],
        rows=[
            [
                Cell(a2.ytd_change_rate_pct, RATE, figure="annex2.ytd_change_rate_pct"),
                Cell(a2.target_pct, RATE),
                Cell(a2.completion_rate_pct, PCT, figure="annex2.completion_rate_pct"),
                Cell(progress.elapsed_pct, PCT, figure="elapsed_pct"),
                colour_cell(a2.colour, a2.colour_label, "annex2.colour"),
            ]
        ],
    )


def _annex2_monthly_table(a2: Annex2Progress) -> Table:
    return Table(
        caption=translate("report", "三、分月情况"),
        columns=[
            translate("report", "月份"),
            translate("report", "本月能耗"),
            translate("report", "上年同月能耗"),
            translate("report", "本月产值"),
            translate("report", "上年同月产值"),
            translate("report", "累计单位产值能耗"),
            translate("report", "累计变化率"),
            translate("report", "预警"),
        ],
        widths=[0.9, 1.5, 1.5, 1.6, 1.6, 1.6, 1.4, 1.4],
        rows=[
            [
                text(translate("report", "{m}月").format(m=m.month)),
                Cell(m.energy_tce, AMOUNT),
                Cell(m.energy_tce_last_year, AMOUNT),
                Cell(m.output_wan_yuan, AMOUNT),
                Cell(m.output_wan_yuan_last_year, AMOUNT),
                Cell(m.ytd_intensity, INTENSITY, figure="annex2.ytd_intensity_tce_per_wan_yuan"),
                Cell(m.ytd_change_rate_pct, RATE, figure="annex2.ytd_change_rate_pct"),
                colour_cell(m.colour, m.colour_label, "annex2.colour"),
            ]
            for m in a2.months
        ],
    )


def _annex2_chart(a2: Annex2Progress) -> Chart:
    return Chart(
        kind="rate",
        title=translate("report", "累计单位产值能耗变化率与目标"),
        points=[(m.month, m.ytd_change_rate_pct) for m in a2.months if m.ytd_change_rate_pct is not None],
        reference=a2.target_pct,
        reference_label=translate("report", "年度目标 {t}").format(t=fmt.rate(a2.target_pct)),
        y_label="%",
        series_label=translate("report", "本年累计变化率"),
        **_carbon_series(a2.carbon),
    )


def _annex3_section(report: UnitReport) -> Section:
    plan = report.plan
    a3 = report.progress.annex3
    assert a3 is not None
    return Section(
        annex=3,
        title=translate("report", "{title}完成情况表").format(title=plan.annexes[3].title),
        table_number=_table_number(plan, "annex3"),
        measure_unit=translate("report", "吨标准煤"),
        tables=[
            _annex3_carriers_table(a3),
            _annex3_indicators_table(plan, a3),
            _annex3_monthly_table(a3),
            *([carbon_table(a3.carbon, annex="annex3")] if a3.carbon else []),
            allowance_table(a3.allowance, translate("report", "五、剩余用能空间"), "annex3"),
        ],
        chart=_annex3_chart(a3),
    )


def _annex3_carriers_table(a3: Annex3Progress) -> Table:
    return Table(
        caption=translate("report", "一、能源消费量（本年累计）　{basis}").format(
            basis=a3.electricity_basis_line
        ),
        columns=[
            translate("report", "能源品种"),
            translate("report", "代码"),
            translate("report", "计量单位"),
            translate("report", "实物量"),
            translate("report", "折标系数（千克标准煤/计量单位）"),
            translate("report", "折标准煤（吨）"),
        ],
        widths=[2.2, 0.7, 1.4, 2.2, 2.4, 2.0],
        codes=["甲", "乙", "丙", "1", "2", "3"],
        rows=[
            [
                text(c.label),
                text(f"{i:02d}"),
                text(c.unit),
                Cell(c.ytd_amount, AMOUNT),
                Cell(c.kgce_per_unit, COEFFICIENT),
                Cell(c.ytd_tce, AMOUNT, figure="annex3.ytd_tce"),
            ]
            for i, c in enumerate(a3.carriers, start=1)
        ]
        + [
            [
                text(translate("report", "合计")),
                text(f"{len(a3.carriers) + 1:02d}"),
                text(translate("report", "吨标准煤")),
                text("—"),
                text("—"),
                Cell(a3.ytd_tce, AMOUNT, figure="annex3.ytd_tce"),
            ]
        ],
        total_rows=(len(a3.carriers),),
    )


def _annex3_indicators_table(plan: Plan, a3: Annex3Progress) -> Table:
    return Table(
        caption=translate("report", "二、“双控”目标完成情况"),
        columns=[
            translate("report", "指标"),
            translate("report", "计量单位"),
            translate("report", "本年累计 / 本期"),
            translate("report", "上年同期"),
            translate("report", "年度目标"),
            translate("report", "完成情况"),
            translate("report", "预警"),
        ],
        widths=[2.6, 1.5, 1.7, 1.7, 1.6, 1.7, 1.3],
        rows=[
            [
                text(translate("report", "综合能耗总量")),
                text(translate("report", "吨标准煤")),
                Cell(a3.ytd_tce, AMOUNT, figure="annex3.ytd_tce"),
                Cell(a3.ytd_tce_last_year, AMOUNT, figure="annex3.ytd_tce_last_year"),
                Cell(a3.cap_tce, AMOUNT),
                Cell(
                    translate("report", "已用 {p}").format(p=fmt.pct(a3.cap_used_pct)),
                    figure="annex3.cap_used_pct",
                ),
                text("—"),
            ],
            [
                text(translate("report", "预计全年综合能耗")),
                text(translate("report", "吨标准煤")),
                Cell(a3.projected_tce, AMOUNT, figure="annex3.projected_tce"),
                text("—"),
                Cell(a3.cap_tce, AMOUNT),
                text(a3.projection_method_label),
                colour_cell(a3.total_colour, None if a3.complete else a3.colour_label, "annex3.total_colour"),
            ],
            _denominator_row(plan, a3),
            [
                text(translate("report", "能耗强度")),
                text(a3.intensity_unit),
                Cell(a3.intensity, INTENSITY, figure="annex3.intensity"),
                text("—"),
                Cell(a3.intensity_target, INTENSITY),
                text(translate("report", "不高于目标")),
                colour_cell(
                    a3.intensity_colour, None if a3.complete else a3.colour_label, "annex3.intensity_colour"
                ),
            ],
            [
                text(translate("report", "能耗强度同比")),
                text("%"),
                Cell(a3.intensity_yoy_change_pct, RATE, figure="annex3.intensity_yoy_change_pct"),
                text("—"),
                Cell(a3.intensity_yoy_target_pct, RATE),
                text(translate("report", "降幅不小于目标")),
                colour_cell(
                    a3.intensity_yoy_colour,
                    None if a3.complete else a3.colour_label,
                    "annex3.intensity_yoy_colour",
                ),
            ],
        ],
    )


def _annex3_monthly_table(a3: Annex3Progress) -> Table:
    return Table(
        caption=translate("report", "三、分月情况（吨标准煤）"),
        columns=[
            translate("report", "月份"),
            translate("report", "本月"),
            translate("report", "上年同月"),
            translate("report", "本年累计"),
        ],
        widths=[1.0, 2.0, 2.0, 2.0],
        rows=[
            [
                text(translate("report", "{m}月").format(m=m.month)),
                Cell(m.tce, AMOUNT, figure="annex3.ytd_tce"),
                Cell(m.tce_last_year, AMOUNT, figure="annex3.ytd_tce_last_year"),
                Cell(m.cumulative_tce, AMOUNT, figure="annex3.ytd_tce"),
            ]
            for m in a3.months
        ],
    )


def _annex3_chart(a3: Annex3Progress) -> Chart:
    return Chart(
        kind="cap",
        title=translate("report", "本年累计综合能耗与总量控制目标"),
        points=[
            (m.month, m.cumulative_tce)
            for m in a3.months
            if m.cumulative_tce is not None and m.tce is not None
        ],
        reference=a3.cap_tce,
        reference_label=translate("report", "总量控制目标 {cap} 吨标准煤").format(cap=fmt.amount(a3.cap_tce)),
        y_label=translate("report", "吨标准煤"),
        series_label=translate("report", "本年累计"),
        **_carbon_series(a3.carbon),
    )


def _denominator_row(plan: Plan, a3: Annex3Progress) -> list[Cell]:
    """What the intensity is divided by (floor area, treated volume), so a reader can check it."""
    den = plan.field(a3.denominator_field)
    return [
        text(den.label),
        text(den.unit),
        Cell(a3.denominator, AMOUNT),
        Cell(a3.denominator_last_year, AMOUNT),
        text("—"),
        text(translate("report", "能耗强度的分母")),
        text("—"),
    ]


def _carbon_series(carbon: CarbonProgress | None) -> dict[str, Any]:
    """The chart's carbon line (right axis): the cumulative tCO₂ of the months that have one."""
    if carbon is None:
        return {}
    points = [(m, v) for m, v in enumerate(carbon.cumulative_co2_t, start=1) if v is not None]
    return {
        "carbon_points": points,
        "carbon_label": translate("report", "本年累计碳排放（右轴，吨二氧化碳）"),
    }


def carbon_table(carbon: CarbonProgress, number: str = "", annex: str = "") -> Table:
    """tCO₂ by carrier, this year to date and last year, with the factors and their version; while a
    carrier is missing in a month (数据不全) the caption says so and no year-to-date figure is given."""
    key = f"{annex}.carbon." if annex else ""
    this, last = key and key + "ytd_co2_t", key and key + "ytd_co2_t_last_year"
    used = [
        c
        for c in carbon.carriers
        if c.ytd_amount or c.ytd_amount_last_year or c.month_amount or not carbon.complete
    ]
    rows = [
        [
            text(c.label),
            text(c.unit),
            Cell(c.t_co2_per_unit, COEFFICIENT),
            Cell(c.month_co2_t, AMOUNT, figure=this),
            Cell(c.ytd_co2_t, AMOUNT, figure=this),
            Cell(c.ytd_co2_t_last_year, AMOUNT, figure=last),
        ]
        for c in used
    ]
    rows.append(
        [
            text(translate("report", "合计")),
            text(translate("report", "吨二氧化碳")),
            text("—"),
            Cell(carbon.month_co2_t, AMOUNT, figure=this),
            Cell(carbon.ytd_co2_t, AMOUNT, figure=this),
            Cell(carbon.ytd_co2_t_last_year, AMOUNT, figure=last),
        ]
    )
    rows.append(
        [
            text(translate("report", "同比变化")),
            text("%"),
            text("—"),
            text("—"),
            Cell(carbon.co2_change_pct, RATE, figure=key and key + "co2_change_pct"),
            text("—"),
        ]
    )
    rows.append(
        [
            text(translate("report", "碳排放强度")),
            text(carbon.co2_intensity_unit),
            text("—"),
            text("—"),
            Cell(carbon.co2_intensity, INTENSITY, figure=key and key + "co2_intensity"),
            text("—"),
        ]
    )
    return Table(
        caption=translate("report", "{n}、碳排放（排放因子 {version}）{incomplete}").format(
            n=number or translate("report", "四"),
            version=carbon.factor_version,
            incomplete="" if carbon.complete else translate("report", "：数据不全，累计数暂不给出"),
        ),
        columns=[
            translate("report", "能源品种"),
            translate("report", "计量单位"),
            translate("report", "排放因子（吨二氧化碳/计量单位）"),
            translate("report", "本月（吨二氧化碳）"),
            translate("report", "本年累计"),
            translate("report", "上年同期"),
        ],
        widths=[2.2, 1.6, 2.6, 1.8, 1.8, 1.8],
        rows=rows,
        total_rows=(len(used),),
    )


def allowance_table(a: Allowance | None, caption: str, annex: str = "") -> Table:
    """The energy still allowed this year at the target, or by how much the target is out of reach."""
    tce = translate("report", "吨标准煤")
    key = f"{annex}.allowance." if annex else ""
    remaining = key and key + "remaining_tce"
    rows = [[text(translate("report", "说明")), text(""), text(describe(a))]]
    if a is not None:
        rows = [
            [
                text(translate("report", "全年可用（恰好达标）")),
                text(tce),
                Cell(a.allowed_year_tce, AMOUNT, figure=remaining),
            ],
            [text(translate("report", "本年已用")), text(tce), Cell(a.used_tce, AMOUNT, figure=remaining)],
            [
                text(translate("report", "剩余用能空间")),
                text(tce),
                Cell(a.remaining_tce, AMOUNT, figure=remaining),
            ],
            [
                text(translate("report", "剩余月数")),
                text(translate("report", "个月")),
                Cell(a.remaining_months, NUMBER, 0),
            ],
            [
                text(translate("report", "月均可用")),
                text(tce),
                Cell(a.per_month_tce, AMOUNT, figure=key and key + "per_month_tce"),
            ],
            [
                text(translate("report", "上年同期这几个月实际用能")),
                text(tce),
                Cell(a.last_year_same_months_tce, AMOUNT, figure=key and key + "last_year_same_months_tce"),
            ],
            *rows,
        ]
    return Table(
        caption=caption,
        columns=[translate("report", "项目"), translate("report", "计量单位"), translate("report", "数值")],
        widths=[3.0, 1.4, 6.0],
        rows=rows,
    )


def _value_cell(value: float | None, measure: str, status: str | None) -> Cell:
    if measure == "rate":
        return Cell(value, RATE)
    if measure in ("qualitative",) or (value is None and status):
        return text(status or "—")
    return Cell(value, AMOUNT)


def _row_figures(report: UnitReport) -> Callable[[RowProgress, str], str]:
    """The key of a row's derived figure when the report explains it (its warning, its share of the target
    and 序时进度 when it has them, the value the district computes or a unit contributes), else ""."""
    keys = set(explainable(report))

    def figure(row: RowProgress, name: str) -> str:
        key = f"annex{row.annex}.{row.id}.{name}"
        return key if key in keys else ""

    return figure


def _annex1_section(report: UnitReport) -> Section:
    plan = report.plan
    table = MonthTable(plan.year, report.figures)
    rows: list[list[Cell]] = []
    spans: dict[int, Cell] = {}
    by_id = {r.id: r for r in plan.annex1}
    figure = _row_figures(report)
    for r in report.progress.annex1:
        row = by_id[r.id]
        rows.append(
            [
                text(r.id),
                text(f"{r.area}：{r.text}" if r.area not in r.text else r.text),
                text(annex1_target(plan, r.id, r.target)),
                replace(_value_cell(r.value, r.measure, r.status), figure=figure(r, "value")),
                Cell(r.share_of_target_pct, PCT, figure=figure(r, "share_of_target_pct")),
                Cell(r.elapsed_pct, PCT, figure=figure(r, "elapsed_pct")),
                colour_cell(r.colour, figure=figure(r, "colour")),
            ]
        )
        extra = []
        for i, cond in enumerate(row.conditions, start=1):
            v = table.latest(f"{row.id}.condition{i}", report.period.month)
            shown = "—" if v is None else f"{fmt.amount(v)}{cond.unit}"
            op = {">=": "≥", "<=": "≤", "=": "="}[cond.op]
            extra.append(
                translate("report", "{label}：{v}（要求{op}{t:g}{u}）").format(
                    label=cond.label, v=shown, op=op, t=cond.value, u=cond.unit
                )
            )
        if extra:
            spans[len(rows)] = text("；".join(extra))
            rows.append([])
    table1 = Table(
        caption="",
        columns=[
            translate("report", "编号"),
            translate("report", "指标"),
            translate("report", "年度目标"),
            translate("report", "本年累计完成"),
            translate("report", "占年度目标"),
            translate("report", "序时进度"),
            translate("report", "预警"),
        ],
        widths=[1.0, 4.2, 1.5, 1.6, 1.3, 1.3, 1.3],
        rows=rows,
        spans=spans,
    )
    return Section(
        annex=1,
        title=translate("report", "{title}完成情况表").format(title=plan.annexes[1].title),
        table_number=_table_number(plan, "annex1"),
        measure_unit=translate("report", "见各栏"),
        tables=[table1],
    )


def _annex4_section(report: UnitReport) -> Section:
    plan = report.plan
    rows: list[list[Cell]] = []
    spans: dict[int, Cell] = {}
    figure = _row_figures(report)
    for r in report.progress.annex4:
        quantity = next(t.quantity for t in plan.annex4 if t.id == r.id)
        value = "—" if r.value is None else f"{fmt.amount(r.value)}{quantity.unit if quantity else ''}"
        rows.append(
            [
                text(r.id),
                text(translate("report", "〔{area}〕{text}").format(area=r.area, text=r.text)),
                text(r.target or "—"),
                Cell(value if quantity else "—", figure=figure(r, "value")),
                Cell(r.progress_pct, PCT),
                text(r.status or translate("report", "未填")),
                colour_cell(r.colour, figure=figure(r, "colour"))
                if r.colour or r.role != "contribution"
                else Cell(r.colour_label, figure=figure(r, "colour")),
            ]
        )
        remarks = [translate("report", "进展说明：{n}").format(n=r.narrative)] if r.narrative else []
        remarks += [translate("report", "预警说明：{n}").format(n=r.note)] if r.note else []
        if remarks:
            spans[len(rows)] = text("　".join(remarks))
            rows.append([])
    table4 = Table(
        caption="",
        columns=[
            translate("report", "编号"),
            translate("report", "任务"),
            translate("report", "量化目标"),
            translate("report", "完成值"),
            translate("report", "完成进度"),
            translate("report", "状态"),
            translate("report", "预警"),
        ],
        widths=[0.9, 5.0, 1.2, 1.2, 1.1, 1.0, 1.3],
        rows=rows,
        spans=spans,
    )
    return Section(
        annex=4,
        title=translate("report", "{title}落实情况").format(title=plan.annexes[4].title),
        table_number=_table_number(plan, "annex4"),
        measure_unit=translate("report", "见各栏"),
        tables=[table4],
    )


def colour_rule_note(plan: Plan) -> str:
    share = f"{plan.rules.yellow_gap_share * 100:g}%"
    if plan.rules.warning_rule == "ndrc2021":
        return translate(
            "report", "预警等级：绿·达标＝达到目标；黄·预警＝有所下降但未达到目标；红·未达标＝不降反升。"
        )
    return translate(
        "report",
        "预警等级：绿·达标＝达到目标；黄·预警＝未达到，差距不超过目标的{s}；红·未达标＝差距超过目标的{s}。",
    ).format(s=share)


def correction_line(version: int, replaced: int, reason: str) -> str:
    return translate("report", "本报表为第 {n} 版，更正第 {old} 版，原因：{reason}").format(
        n=version, old=replaced, reason=reason
    )


def _missing_text(cell: MissingCell) -> str:
    return translate("report", "{m}月{label}").format(m=int(cell.period[5:7]), label=cell.label)


def _finding(message: str) -> str:
    """A warning as the printed 说明 states it: what was found, without the instruction to the clerk
    (请填写原因 / 请核实) that the window shows; the reason written follows it."""
    for instruction in (translate("checks", "请填写原因。"), translate("checks", "请核实。")):
        if message.endswith(instruction):
            message = message[: -len(instruction)].rstrip("，,") + "。"
    return fmt.true_minus(message)


def unit_notes(report: UnitReport) -> list[str]:
    """说明: every warning with the clerk's reason, open errors, the basis of the figures, the rules."""
    plan, notes = report.plan, []
    correction = report.correction
    if correction is not None:
        notes.append(correction_line(report.version or 0, correction.replaces_version, correction.reason))
    if not report.complete:
        notes.append(
            translate(
                "report",
                "【数据不全】以下数据未填写，本期不计算累计数、变化率和推算值，不作预警判断：{cells}。",
            ).format(cells="、".join(_missing_text(c) for c in report.missing))
        )
    for p in report.problems:
        if p.severity == ERROR:
            notes.append(translate("report", "【未通过检查】{msg}").format(msg=fmt.true_minus(p.message)))
        elif p.reason.strip():
            notes.append(
                translate("report", "【预警】{msg} 原因：{reason}").format(
                    msg=_finding(p.message), reason=p.reason.strip()
                )
            )
        else:
            notes.append(
                translate("report", "【预警】{msg} 原因：尚未填写。").format(msg=_finding(p.message))
            )
    a2 = report.progress.annex2
    if a2:
        notes.append(
            translate(
                "report",
                "单位产值能耗变化率＝（本年累计综合能耗÷上年同期累计综合能耗）÷（本年累计工业总产值÷上年同期累计工业总产值）－1，负数表示下降；产值按可比价计算。",
            )
        )
        own = {f.key for f in plan.fields_for(report.unit.id)}
        notes += [r.text for r in plan.rules.audit_rules if r.text and {r.left, r.right} <= own]
    a3 = report.progress.annex3
    if a3:
        notes.append(
            translate("report", "能源折标准煤按 {version}，{line}。").format(
                version=a3.coefficient_version, line=a3.electricity_basis_line
            )
            + a3.electricity_basis_evidence
        )
    if a2 or a3 or report.progress.annex1 or report.progress.annex4:
        notes.append(colour_rule_note(plan))
    if report.version is None:
        notes.append(translate("report", "本文件为未提交的导出件，数据以正式报送的版本为准。"))
    return notes


@dataclass(frozen=True)
class ReportPeople:
    """The footer of a statistical form; blank fields are left as lines to sign by hand."""

    unit_head: str = ""
    stats_head: str = ""
    preparer: str = ""
    phone: str = ""
    report_date: date | None = None

    @property
    def signer(self) -> str:
        """Who the visible signature names: the person who filled the form in, else the heads."""
        return self.preparer or self.stats_head or self.unit_head

    def cells(self) -> list[tuple[str, str]]:
        d = self.report_date or date.today()
        return [
            (translate("report", "单位负责人"), self.unit_head),
            (translate("report", "统计负责人"), self.stats_head),
            (translate("report", "填表人"), self.preparer),
            (translate("report", "联系电话"), self.phone),
            (
                translate("report", "报出日期"),
                translate("report", "{y} 年 {m} 月 {d} 日").format(y=d.year, m=d.month, d=d.day),
            ),
        ]


def people_from_profile(profile: Profile) -> ReportPeople:
    """The footer names the window and the command line print alike."""
    return ReportPeople(profile.unit_head, profile.stats_head, profile.preparer, profile.phone)


@dataclass(frozen=True)
class EvidenceItem:
    """An evidence file as the report lists it; `carried` when it travels inside the package."""

    row_id: str
    period: str
    file_name: str
    size: int
    sha256: str
    carried: bool

    @property
    def attachment_name(self) -> str:
        """Its name inside the PDF: unique (two tasks may each have a 照片.jpg) and readable."""
        return f"{self.row_id}-{self.sha256[:8]}-{self.file_name}"


def file_size(size: int) -> str:
    if size >= 1024 * 1024:
        return translate("report", "{n:,.1f} MB").format(n=size / 1024 / 1024)
    return translate("report", "{n:,.1f} KB").format(n=size / 1024)


def evidence_table(items: list[EvidenceItem], limit_mb: float) -> Table:
    """证明材料: every file attached to the report's tasks, with its SHA-256 so a copy can be checked."""
    carried, listed = translate("report", "随附"), translate("report", "未随附")
    return Table(
        caption=translate("report", "证明材料（随附文件合计不超过 {mb:g} MB）").format(mb=limit_mb),
        columns=[
            translate("report", "编号"),
            translate("report", "文件名"),
            translate("report", "大小"),
            translate("report", "SHA-256"),
            translate("report", "报送文件"),
        ],
        widths=[0.9, 3.2, 1.1, 5.6, 1.0],
        rows=[
            [
                text(i.row_id),
                text(i.file_name),
                text(file_size(i.size)),
                Cell(i.sha256, HASH),
                text(carried if i.carried else listed),
            ]
            for i in items
        ],
    )


# ---- the district summary ------------------------------------------------------------------------


def summary_header(plan: Plan, summary: DistrictSummary) -> FormHeader:
    return form_header(
        plan,
        _table_number(plan, "summary"),
        [
            (translate("report", "综合机关名称"), summary.district_unit_name),
            (translate("report", "报告期"), summary.period_label),
            (translate("report", "计量单位"), translate("report", "吨标准煤、万元（合计另以万吨标准煤计）")),
            (
                translate("report", "报送情况"),
                translate("report", "已报 {a} 个单位，未报 {b} 个").format(
                    a=len(summary.reported), b=len(summary.not_reported)
                ),
            ),
        ],
    )


def summary_title(plan: Plan) -> str:
    return translate("report", "{district}{year}年节能降碳目标完成情况汇总表").format(
        district=plan.district, year=plan.year
    )


def summary_sections(plan: Plan, summary: DistrictSummary) -> list[Section]:
    return [
        Section(
            2,
            plan.annexes[2].title,
            _table_number(plan, "annex2"),
            translate("report", "吨标准煤、万元"),
            [_summary_annex2_table(summary)],
        ),
        Section(
            3,
            plan.annexes[3].title,
            _table_number(plan, "annex3"),
            translate("report", "吨标准煤"),
            [_summary_annex3_table(summary)],
        ),
        Section(
            1,
            plan.annexes[1].title,
            _table_number(plan, "annex1"),
            translate("report", "见各栏"),
            [_summary_annex1_table(plan, summary)],
        ),
        Section(
            4,
            plan.annexes[4].title,
            _table_number(plan, "annex4"),
            translate("report", "见各栏"),
            [_summary_annex4_table(summary)],
        ),
    ]


def _summary_annex2_table(summary: DistrictSummary) -> Table:
    """Every town's standing, then the ΣE/ΣY total of the towns that can be compared."""
    t = summary.annex2_total
    a2_rows = [
        [
            text(_annex2_name(line)),
            Cell(line.target_pct, RATE),
            Cell(line.ytd_energy_tce, AMOUNT),
            Cell(line.ytd_energy_tce_last_year, AMOUNT),
            Cell(line.ytd_output_wan_yuan, AMOUNT),
            Cell(line.ytd_output_wan_yuan_last_year, AMOUNT),
            Cell(line.ytd_change_rate_pct, RATE),
            Cell(line.completion_rate_pct, PCT),
            Cell(line.remaining_allowance_tce, AMOUNT),
            colour_cell(line.colour),
        ]
        for line in summary.annex2
    ]
    a2_rows.append(
        [
            text(translate("report", "合计（{n}/{m} 个单位）").format(n=t.units_counted, m=t.units_expected)),
            text("—"),
            Cell(t.energy_tce, AMOUNT),
            Cell(t.energy_tce_last_year, AMOUNT),
            Cell(t.output_wan_yuan, AMOUNT),
            Cell(t.output_wan_yuan_last_year, AMOUNT),
            Cell(t.change_rate_pct, RATE),
            text("—"),
            text("—"),
            text("—"),
        ]
    )
    return Table(
        caption=translate(
            "report",
            "合计按已报单位的 ΣE/ΣY 计算（{n} 个单位），不是各单位变化率的平均；合计能耗 {w} 万吨标准煤。",
        ).format(n=t.units_counted, w=fmt.amount(None if t.energy_tce is None else t.energy_tce / 10000)),
        columns=[
            translate("report", "单位"),
            translate("report", "目标"),
            translate("report", "累计能耗"),
            translate("report", "上年同期能耗"),
            translate("report", "累计产值"),
            translate("report", "上年同期产值"),
            translate("report", "累计变化率"),
            translate("report", "完成率"),
            translate("report", "剩余用能空间"),
            translate("report", "预警"),
        ],
        widths=[2.3, 1.0, 1.5, 1.5, 1.6, 1.6, 1.2, 1.2, 1.5, 1.3],
        rows=a2_rows,
        total_rows=(len(a2_rows) - 1,),
    )


def _summary_annex3_table(summary: DistrictSummary) -> Table:
    a3_rows = [
        [
            text(
                line.unit_name
                if line.reported
                else translate("report", "{name}（未报）").format(name=line.unit_name)
            ),
            Cell(line.cap_tce, AMOUNT),
            Cell(line.ytd_tce, AMOUNT),
            Cell(line.cap_used_pct, PCT),
            Cell(line.projected_tce, AMOUNT),
            Cell(line.intensity, INTENSITY),
            Cell(line.intensity_target, INTENSITY),
            text(line.intensity_unit),
            Cell(line.intensity_yoy_change_pct, RATE),
            Cell(line.remaining_allowance_tce, AMOUNT),
            Cell(line.ytd_co2_t, AMOUNT),
            colour_cell(line.colour),
        ]
        for line in summary.annex3
    ]
    return Table(
        caption=translate(
            "report",
            "合计本年累计 {w} 万吨标准煤（{n} 个单位）；碳排放合计 {c} 吨二氧化碳（{k} 个单位），同比 {d}。",
        ).format(
            w=fmt.amount(None if summary.annex3_ytd_tce is None else summary.annex3_ytd_tce / 10000),
            n=summary.annex3_units_counted,
            c=fmt.amount(summary.annex3_ytd_co2_t),
            k=len(summary.annex3_co2_units),
            d=fmt.rate(summary.annex3_co2_change_pct),
        ),
        columns=[
            translate("report", "单位"),
            translate("report", "总量目标"),
            translate("report", "本年累计"),
            translate("report", "已用"),
            translate("report", "预计全年"),
            translate("report", "能耗强度"),
            translate("report", "强度目标"),
            translate("report", "强度单位"),
            translate("report", "强度同比"),
            translate("report", "剩余用能空间"),
            translate("report", "碳排放（吨二氧化碳）"),
            translate("report", "预警"),
        ],
        widths=[2.4, 1.3, 1.3, 1.0, 1.3, 1.55, 1.55, 1.5, 1.1, 1.4, 1.4, 1.2],
        rows=a3_rows,
    )


def _summary_annex1_table(plan: Plan, summary: DistrictSummary) -> Table:
    return Table(
        caption="",
        columns=[
            translate("report", "编号"),
            translate("report", "指标"),
            translate("report", "年度目标"),
            translate("report", "牵头单位"),
            translate("report", "完成值 / 状态"),
            translate("report", "占年度目标"),
            translate("report", "预警"),
        ],
        widths=[0.9, 4.2, 1.4, 1.4, 1.5, 1.2, 1.3],
        rows=[
            [
                text(r.id),
                text(f"{r.area}：{r.text}" if r.area not in r.text else r.text),
                text(annex1_target(plan, r.id, r.target)),
                text(r.lead_name),
                _summary_value(plan, r.id, r.value, r.status),
                Cell(r.share_of_target_pct, PCT),
                colour_cell(r.colour),
            ]
            for r in summary.annex1
        ],
    )


def _summary_annex4_table(summary: DistrictSummary) -> Table:
    return Table(
        caption="",
        columns=[
            translate("report", "编号"),
            translate("report", "任务"),
            translate("report", "牵头单位"),
            translate("report", "各责任单位状态"),
            translate("report", "预警"),
        ],
        widths=[0.9, 5.6, 1.5, 2.4, 1.3],
        rows=[
            [
                text(r.id),
                text(translate("report", "〔{area}〕{text}").format(area=r.area, text=r.text)),
                text(r.lead_name),
                text(
                    "、".join(
                        f"{translate('report', k) if k != NOT_REPORTED else translate('report', '未填报')} {n}"
                        for k, n in r.status_counts.items()
                    )
                ),
                colour_cell(r.colour),
            ]
            for r in summary.annex4
        ],
    )


def _annex2_name(line: Annex2Line) -> str:
    if not line.reported:
        return translate("report", "{name}（未报）").format(name=line.unit_name)
    if not line.comparable:
        return translate("report", "{name}（无同口径，未计入合计）").format(name=line.unit_name)
    return line.unit_name


def annex1_target(plan: Plan, row_id: str, shown: str) -> str:
    """A rate target in the number style of the forms (−3.00%, not -3%); other targets as computed."""
    row = next((r for r in plan.annex1 if r.id == row_id), None)
    if row is not None and row.measure == "rate" and row.target_value is not None:
        return fmt.rate(row.target_value)
    return fmt.true_minus(shown)


def _summary_value(plan: Plan, row_id: str, value: float | None, status: str | None) -> Cell:
    row = next(r for r in plan.annex1 if r.id == row_id)
    return _value_cell(value, row.measure, status)


def carbon_note(summary: DistrictSummary) -> str | None:
    """The district's carbon total over every unit that reports carriers (a sum), and what it leaves out."""
    if summary.ytd_co2_t is None and not summary.co2_units:
        return None
    unsent = translate("summary", "未报送")
    names = "、".join(f"{n}（{why}）" for _id, n, why in summary.co2_left_out if why != unsent)
    return translate(
        "report", "全区碳排放合计 {c} 吨二氧化碳（{n} 个单位相加），上年同期 {cl}，同比 {d}{left}。"
    ).format(
        c=fmt.amount(summary.ytd_co2_t),
        n=len(summary.co2_units),
        cl=fmt.amount(summary.ytd_co2_t_last_year),
        d=fmt.rate(summary.co2_change_pct),
        left=translate("report", "；已报但未计入：{names}").format(names=names) if names else "",
    )


def summary_notes(plan: Plan, summary: DistrictSummary) -> list[str]:
    notes = []
    if summary.not_reported:
        notes.append(
            translate("report", "本期未报送的单位（{n} 个）：{names}。").format(
                n=len(summary.not_reported), names="、".join(name for _id, name in summary.not_reported)
            )
        )
    else:
        notes.append(translate("report", "本期全部单位均已报送。"))
    notes += [fmt.true_minus(n) for n in summary.notes]
    notes += [
        translate("report", "{id}（{text}）本期 {value}：{source}。").format(
            id=r.id,
            text=r.text,
            value=fmt.rate(r.value) if r.annex == 1 else fmt.pct(r.value),
            source=r.source,
        )
        for r in summary.annex1 + summary.annex4
        if r.source
    ]
    notes += [note for note in [carbon_note(summary)] if note]
    notes.append(
        translate(
            "report",
            "各单位数据取自其本期报送文件（最新版本），不用其他月份的报送文件，也不用本机录入的数据；"
            "{district}的数据为本机录入。电力按{basis}折算标准煤。",
        ).format(district=summary.district_unit_name, basis=basis_label(plan.electricity_basis))
    )
    notes.append(colour_rule_note(plan))
    return notes


def calculation_tables(report: UnitReport) -> list[Table]:
    """The 计算说明 page: for each annex the unit reports, every derived figure of the report with its
    formula (from the recipes of `model.calc.explain`), once for all the rows it applies to."""
    tables = []
    for group in calculation_groups(report):
        rows = [
            [text(e.label), Cell("\n".join([e.formula, e.words, *e.notes]), FORMULA), text(_entry_shown(e))]
            for e in group.entries
        ]
        spans = {}
        if group.annex in (2, 3):
            spans[len(rows)] = text(
                translate("report", "分月情况中各月的累计数、累计变化率和预警，按上列同一公式计算至该月。")
            )
            rows.append([])
        tables.append(
            Table(
                caption=translate("report", "附件{n}　{title}").format(
                    n=group.annex, title=report.plan.annexes[group.annex].title
                ),
                columns=[
                    translate("report", "计算结果"),
                    translate("report", "公式与算法"),
                    translate("report", "本期值 / 适用于"),
                ],
                widths=[2.3, 6.2, 2.1],
                rows=rows,
                spans=spans,
            )
        )
    return tables


def _entry_shown(entry: CalculationEntry) -> str:
    if not entry.rows:
        return entry.shown
    return translate("report", "适用于 {rows}").format(rows="、".join(entry.rows))


def calculation_factors_table(report: UnitReport) -> Table | None:
    """The coefficients and emission factors the figures used, each with its version (and status)."""
    used = calculation_factors(report)
    if not used:
        return None
    return Table(
        caption=translate("report", "所用折标系数与排放因子"),
        columns=[
            translate("report", "系数"),
            translate("report", "数值"),
            translate("report", "计量单位"),
            translate("report", "版本 · 状态"),
        ],
        widths=[3.0, 1.8, 2.6, 3.2],
        rows=[[text(i.label), Cell(i.value, COEFFICIENT), text(i.unit), text(i.field)] for i in used],
    )


def calculation_versions(report: UnitReport) -> list[str]:
    """The coefficient table, electricity basis and emission-factor table every figure was computed with."""
    lines = [translate("report", "折标系数表：{v}").format(v=report.coefficient_version)]
    lines += [line for line in [electricity_basis(report)] if line]
    if report.progress.emission_factor_version:
        lines.append(translate("report", "排放因子表：{v}").format(v=report.progress.emission_factor_version))
    lines.append(translate("report", "显示值按规则舍入，计算和存储不舍入。"))
    lines.append(translate("report", "任一数字的逐月输入可在程序中点击该数字或按 F2（计算过程）查看。"))
    return lines
