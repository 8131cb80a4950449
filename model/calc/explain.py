"""How a derived figure was obtained: the formula in words and symbols, every input with its month, field
and value, the coefficient / emission-factor versions and electricity basis, and the result with its
rounding. Built from the one computation (`UnitReport`): the value explained is the value the report holds.

`explain(report, figure)` takes any key path of `progress --json` (e.g. `annex2.ytd_change_rate_pct`,
`annex3.projected_tce`, `ytd_co2_t`); a key that is not computed (a target, a label) is explained as what
it is. `explain_district(view, figure)` explains a district total: the units included and those left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from model.calc.carbon import CarbonProgress
from model.calc.progress import MonthTable, months_due
from model.calc.report import UnitReport
from model.calc.summary import DistrictView
from model.common import formatting as fmt
from model.common.errors import UserError
from model.common.i18n import translate
from model.plan.spec import LAST_YEAR

AMOUNT, RATE, PCT, INTENSITY, TEXT = "amount", "rate", "pct", "intensity", "text"


@dataclass(frozen=True)
class Input:
    """One input of a figure: a stored figure (period and field key), a plan value or a coefficient."""

    label: str
    value: float | str | None
    unit: str = ""
    period: str = ""  # "YYYY-MM" for a stored figure
    field: str = ""  # the field key of a stored figure, or where a plan value / coefficient comes from

    @property
    def shown(self) -> str:
        if self.value is None:
            return translate("explain", "未填")
        return self.value if isinstance(self.value, str) else fmt.coefficient(self.value)


@dataclass(frozen=True)
class Explanation:
    figure: str
    label: str
    words: str
    formula: str
    inputs: list[Input]
    value: Any
    shown: str
    rounding: str
    coefficient_version: str = ""
    electricity_basis: str = ""
    emission_factor_version: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def input_cells(self) -> list[tuple[str, str]]:
        """(period, field key) of every stored figure used: the window highlights these cells."""
        return [(i.period, i.field) for i in self.inputs if i.period]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for item, i in zip(data["inputs"], self.inputs, strict=True):
            item["shown"] = i.shown
        data["input_cells"] = [list(c) for c in self.input_cells]
        return data


@dataclass(frozen=True)
class _Recipe:
    label: str
    words: str
    formula: str
    kind: str
    inputs: Callable[[_Context], list[Input]]


class _Context:
    def __init__(self, report: UnitReport) -> None:
        self.report = report
        self.plan = report.plan
        self.progress = report.progress
        self.table = MonthTable(report.plan.year, report.figures)
        self.n = report.period.month
        self.used = {key for values in self.table.values.values() for key in values}

    def period(self, month: int) -> str:
        return f"{self.plan.year:04d}-{month:02d}"

    def monthly(self, keys: list[str]) -> list[Input]:
        return self.cells(months_due(self.plan, self.table, keys, self.n), keys)

    def cells(self, months: Iterable[int], keys: list[str]) -> list[Input]:
        """The cells of `keys` in `months`; an optional field never entered this year is left out."""
        wanted = list(months)
        return [
            self.cell(m, key)
            for key in keys
            if key in self.used or self.plan.field(key).required
            for m in wanted
        ]

    def year_months(self, start: int = 1) -> list[int]:
        """Months start..12; a month before the first cumulative period that holds nothing comes inside it."""
        first = self.plan.rules.first_cumulative_month
        return [m for m in range(start, 13) if not (m < first and not self.table.values.get(m))]

    def cell(self, month: int, key: str) -> Input:
        f = self.plan.field(key)
        return Input(f.display_label, self.table.value(month, key), f.unit, self.period(month), key)

    def derived(self, label: str, value: float | None, unit: str = "") -> Input:
        return Input(label, value, unit, "", translate("explain", "本表计算"))

    def a2_key(self, role: str) -> str:
        return next(f.key for f in self.plan.fields if f.annex == 2 and f.role == role)

    def carriers(self, last_year: bool) -> list[str]:
        """The unit's carrier fields: annex 3's, or the optional breakdown of an annex-2 unit."""
        return [
            f.key
            for f in self.plan.fields_for(self.progress.unit_id)
            if f.annex in (2, 3) and f.carrier and f.is_last_year == last_year
        ]

    @property
    def carbon(self) -> CarbonProgress | None:
        return self.progress.carbon

    def coefficients(self) -> list[Input]:
        a3 = self.progress.annex3
        return [
            Input(
                translate("explain", "{label}折标系数").format(label=c.label),
                c.kgce_per_unit,
                translate("explain", "千克标准煤/{unit}").format(unit=c.unit),
                "",
                a3.coefficient_version if a3 else "",
            )
            for c in (a3.carriers if a3 else [])
            if c.key in self.used or c.key + LAST_YEAR in self.used
        ]

    def factors(self) -> list[Input]:
        carbon = self.carbon
        if carbon is None:
            return []
        return [
            Input(
                translate("explain", "{label}排放因子{derived}").format(
                    label=c.label,
                    derived=translate("explain", "（按指南参数推算）") if c.factor_derived else "",
                ),
                c.t_co2_per_unit,
                translate("explain", "吨二氧化碳/{unit}").format(unit=c.unit),
                "",
                f"{carbon.factor_version} · {c.factor_status}",
            )
            for c in carbon.carriers
            if c.key in self.used or c.key + LAST_YEAR in self.used
        ]


def _a2_sum(role: str) -> Callable[[_Context], list[Input]]:
    return lambda c: c.monthly([c.a2_key(role)])


def _a2_all(c: _Context) -> list[Input]:
    roles = ("energy", "energy_last_year", "output", "output_last_year")
    return c.monthly([c.a2_key(r) for r in roles])


def _a2_completion(c: _Context) -> list[Input]:
    a2 = c.progress.annex2
    assert a2 is not None
    return [
        c.derived(translate("explain", "累计变化率 r"), a2.ytd_change_rate_pct, "%"),
        Input(translate("explain", "目标 t"), a2.target_pct, "%", "", translate("explain", "计划附件2")),
    ]


def _a2_allowance(c: _Context) -> list[Input]:
    a2 = c.progress.annex2
    assert a2 is not None
    a = a2.allowance
    energy_last, output_last = c.a2_key("energy_last_year"), c.a2_key("output_last_year")
    months = c.cells(c.year_months(), [energy_last, output_last])
    return [
        Input(translate("explain", "目标 t"), a2.target_pct, "%", "", translate("explain", "计划附件2")),
        *c.monthly([c.a2_key("energy"), c.a2_key("output")]),
        *months,
        c.derived(translate("explain", "预计全年产值 Ŷ"), a.projected_output_wan_yuan if a else None, "万元"),
    ]


def _a3_tce(last_year: bool) -> Callable[[_Context], list[Input]]:
    return lambda c: c.monthly(c.carriers(last_year)) + c.coefficients()


def _a3_projection(c: _Context) -> list[Input]:
    a3 = c.progress.annex3
    assert a3 is not None
    last = c.cells(c.year_months(), c.carriers(True))
    return [c.derived(translate("explain", "本年累计 ΣE"), a3.ytd_tce, "吨标准煤"), *last, *c.coefficients()]


def _a3_cap(c: _Context) -> list[Input]:
    a3 = c.progress.annex3
    assert a3 is not None
    return [
        c.derived(translate("explain", "本年累计 ΣE"), a3.ytd_tce, "吨标准煤"),
        Input(
            translate("explain", "总量控制目标"),
            a3.cap_tce,
            "吨标准煤",
            "",
            translate("explain", "计划附件3"),
        ),
    ]


def _a3_intensity(c: _Context) -> list[Input]:
    a3 = c.progress.annex3
    assert a3 is not None
    den = a3.denominator_field
    return [
        c.derived(translate("explain", "预计全年 Ê"), a3.projected_tce, "吨标准煤"),
        c.derived(translate("explain", "本年累计 ΣE"), a3.ytd_tce, "吨标准煤"),
        c.derived(translate("explain", "上年同期 ΣE上年"), a3.ytd_tce_last_year, "吨标准煤"),
        *c.monthly([den, den + LAST_YEAR]),
        Input(
            translate("explain", "强度目标"),
            a3.intensity_target,
            a3.intensity_unit,
            "",
            translate("explain", "计划附件3"),
        ),
    ]


def _a3_allowance(c: _Context) -> list[Input]:
    a3 = c.progress.annex3
    assert a3 is not None
    a = a3.allowance
    return [
        *_a3_cap(c),
        *_a3_intensity(c)[3:],
        c.derived(translate("explain", "全年分母 D"), a.year_denominator if a else None),
        *c.cells(range(c.n + 1, 13), c.carriers(True)),
    ]


def _carbon(last_year: bool) -> Callable[[_Context], list[Input]]:
    return lambda c: c.monthly(c.carriers(last_year)) + c.factors()


def _carbon_all(c: _Context) -> list[Input]:
    return c.monthly(c.carriers(False) + c.carriers(True)) + c.factors()


def _carbon_intensity(c: _Context) -> list[Input]:
    carbon = c.carbon
    assert carbon is not None
    a3 = c.progress.annex3
    den = a3.denominator_field if a3 else c.a2_key("output")  # annex 2: per 万元 output (ΣY)
    return [
        c.derived(translate("explain", "本年累计碳排放 ΣC"), carbon.ytd_co2_t, "吨二氧化碳"),
        *c.monthly([den]),
    ]


_T = translate
_RECIPES: dict[str, _Recipe] = {
    "annex2.ytd_energy_tce": _Recipe(
        _T("explain", "本年累计综合能耗"), _T("explain", "1–N月各月综合能耗（考核口径）相加"),
        "ΣE = E₁ + E₂ + … + E_N", AMOUNT, _a2_sum("energy"),
    ),
    "annex2.ytd_energy_tce_last_year": _Recipe(
        _T("explain", "上年同期累计综合能耗"), _T("explain", "上年1–N月各月综合能耗相加（同口径）"),
        "ΣE上年 = E上年₁ + … + E上年_N", AMOUNT, _a2_sum("energy_last_year"),
    ),
    "annex2.ytd_output_wan_yuan": _Recipe(
        _T("explain", "本年累计产值"), _T("explain", "1–N月各月工业总产值（可比价）相加"),
        "ΣY = Y₁ + Y₂ + … + Y_N", AMOUNT, _a2_sum("output"),
    ),
    "annex2.ytd_output_wan_yuan_last_year": _Recipe(
        _T("explain", "上年同期累计产值"), _T("explain", "上年1–N月各月产值相加"),
        "ΣY上年 = Y上年₁ + … + Y上年_N", AMOUNT, _a2_sum("output_last_year"),
    ),
    "annex2.ytd_intensity_tce_per_wan_yuan": _Recipe(
        _T("explain", "本年累计单位产值能耗"), _T("explain", "累计综合能耗除以累计产值（先分别累计，再相除）"),
        "I = ΣE / ΣY", INTENSITY, lambda c: c.monthly([c.a2_key("energy"), c.a2_key("output")]),
    ),
    "annex2.ytd_change_rate_pct": _Recipe(
        _T("explain", "单位产值能耗累计变化率"),
        _T("explain", "本年与上年同期能耗之比，除以产值之比，减 1；各月先累计，不平均各月变化率"),
        "r = (ΣE / ΣE上年) ÷ (ΣY / ΣY上年) − 1", RATE, _a2_all,
    ),
    "annex2.completion_rate_pct": _Recipe(
        _T("explain", "目标完成率"), _T("explain", "实际变化率除以目标变化率"),
        "完成率 = r / t × 100%", PCT, _a2_completion,
    ),
    "annex2.allowance.remaining_tce": _Recipe(
        _T("explain", "剩余用能空间"),
        _T("explain", "全年恰好达标可用的能耗（上年全年能耗 × (1 + 目标) × 预计全年产值 / 上年全年产值），"
           "减去本年已用能耗；全年产值按上年月度分布及本年产值增速推算"),
        "R = (1 + t) × E上年全年 × Ŷ / Y上年全年 − ΣE，Ŷ = ΣY × Y上年全年 / ΣY上年", AMOUNT, _a2_allowance,
    ),
    "annex3.ytd_tce": _Recipe(
        _T("explain", "本年累计综合能耗"), _T("explain", "各月各能源品种实物量乘折标系数，相加"),
        "ΣE = Σ月 Σ品种 实物量 × 折标系数 / 1000", AMOUNT, _a3_tce(False),
    ),
    "annex3.ytd_tce_last_year": _Recipe(
        _T("explain", "上年同期累计综合能耗"), _T("explain", "上年同期各月各品种实物量乘折标系数，相加"),
        "ΣE上年 = Σ月 Σ品种 实物量上年 × 折标系数 / 1000", AMOUNT, _a3_tce(True),
    ),
    "annex3.projected_tce": _Recipe(
        _T("explain", "预计全年综合能耗"),
        _T("explain", "上年12个月数据齐全时按上年月度分布：本年累计 × 上年全年 / 上年同期累计；否则按线性：本年累计 × 12 / N"),
        "Ê = ΣE × E上年全年 / ΣE上年（按上年月度分布）或 Ê = ΣE × 12 / N（线性）", AMOUNT, _a3_projection,
    ),
    "annex3.cap_used_pct": _Recipe(
        _T("explain", "总量控制目标已用比例"), _T("explain", "本年累计能耗除以全年总量控制目标"),
        "已用 = ΣE / 总量目标 × 100%", PCT, _a3_cap,
    ),
    "annex3.intensity": _Recipe(
        _T("explain", "能耗强度"),
        _T("explain", "按面积（存量）：预计全年能耗除以面积；按处理量（流量）：累计能耗除以累计处理量"),
        "强度 = Ê / 面积 或 ΣE / Σ处理量", INTENSITY, _a3_intensity,
    ),
    "annex3.intensity_yoy_change_pct": _Recipe(
        _T("explain", "能耗强度同比变化"), _T("explain", "本年累计强度除以上年同期强度，减 1"),
        "Δ = (ΣE / D) ÷ (ΣE上年 / D上年) − 1", RATE, _a3_intensity,
    ),
    "annex3.allowance.remaining_tce": _Recipe(
        _T("explain", "剩余用能空间"),
        _T("explain", "总量目标剩余（总量目标 − 本年累计）与强度目标剩余（强度目标 × 全年分母 − 本年累计）取较小者；"
           "处理量按上年月度分布推算全年"),
        "R = min(总量目标 − ΣE, 强度目标 × D全年 − ΣE)", AMOUNT, _a3_allowance,
    ),
}  # fmt: skip
for _annex, _denominator in (
    ("annex3", _T("explain", "附件3的强度分母")),
    ("annex2", _T("explain", "本年累计工业总产值 ΣY（附件2的强度分母）")),
):
    _RECIPES |= {
        f"{_annex}.carbon.ytd_co2_t": _Recipe(
            _T("explain", "本年累计碳排放"), _T("explain", "各月各能源品种实物量乘排放因子，相加"),
            "ΣC = Σ月 Σ品种 实物量 × 排放因子", AMOUNT, _carbon(False),
        ),
        f"{_annex}.carbon.ytd_co2_t_last_year": _Recipe(
            _T("explain", "上年同期累计碳排放"), _T("explain", "上年同期各月各品种实物量乘排放因子，相加"),
            "ΣC上年 = Σ月 Σ品种 实物量上年 × 排放因子", AMOUNT, _carbon(True),
        ),
        f"{_annex}.carbon.co2_change_pct": _Recipe(
            _T("explain", "碳排放同比变化"), _T("explain", "本年累计碳排放除以上年同期，减 1"),
            "ΔC = ΣC / ΣC上年 − 1", RATE, _carbon_all,
        ),
        f"{_annex}.carbon.co2_intensity": _Recipe(
            _T("explain", "碳排放强度"),
            _T("explain", "本年累计碳排放除以{d}").format(d=_denominator),
            "碳强度 = ΣC / D", INTENSITY, _carbon_intensity,
        ),
    }  # fmt: skip
_CARBON_KEYS = ("ytd_co2_t", "ytd_co2_t_last_year", "co2_change_pct")
_PER_MONTH = ".allowance.per_month_tce"


def explainable(report: UnitReport) -> list[str]:
    """The derived figures of this report that have a recipe (in the order of the form)."""
    p = report.progress.to_dict()
    keys = [k for k in _RECIPES if _lookup(p, k)[0]]
    return keys + [
        k[: -len("remaining_tce")] + "per_month_tce" for k in keys if k.endswith("allowance.remaining_tce")
    ]


def _lookup(data: Any, path: str) -> tuple[bool, Any]:
    node = data
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False, None
    return True, node


def _shown(kind: str, value: Any) -> tuple[str, str]:
    if kind == TEXT or not isinstance(value, int | float) or isinstance(value, bool):
        return ("—" if value is None else str(value)), translate("explain", "不舍入")
    if kind == RATE:
        return fmt.rate(value), translate("explain", "显示保留 2 位小数；计算和存储不舍入")
    if kind == PCT:
        return fmt.pct(value), translate("explain", "显示保留 2 位小数；计算和存储不舍入")
    if kind == INTENSITY:
        return fmt.intensity(value), translate(
            "explain", "显示至少 4 位有效数字（极小值 6 位）；计算和存储不舍入"
        )
    return fmt.amount(value), translate("explain", "显示保留 2 位小数；计算和存储不舍入")


def _canonical(report: UnitReport, figure: str) -> tuple[str, bool]:
    """The recipe key of a figure and whether it is the per-month share of an allowance."""
    if figure in _CARBON_KEYS:
        return ("annex2" if report.progress.annex3 is None else "annex3") + f".carbon.{figure}", False
    annex = "annex2" if report.progress.annex2 else "annex3"
    if figure == "remaining_allowance_tce":
        return f"{annex}.allowance.remaining_tce", False
    if figure == "remaining_allowance_per_month_tce":
        return f"{annex}.allowance.remaining_tce", True
    if figure.endswith(_PER_MONTH):
        return figure[: -len(_PER_MONTH)] + ".allowance.remaining_tce", True
    return figure, False


def explain(report: UnitReport, figure: str) -> Explanation:
    """How `figure` (a key path of the progress JSON) was obtained in this report."""
    data = report.progress.to_dict()
    found, value = _lookup(data, figure)
    if not found:
        raise UserError(
            translate("explain", "没有名为“{figure}”的数字。可查看的计算结果：{keys}").format(
                figure=figure, keys="、".join(explainable(report))
            )
        )
    key, per_month = _canonical(report, figure)
    recipe = _RECIPES.get(key)
    ctx = _Context(report)
    a3 = report.progress.annex3
    basis = a3.electricity_basis_line if a3 else translate("explain", "附件2按吨标准煤填报，不涉及电力折标")
    versions = (report.coefficient_version, basis, report.progress.emission_factor_version or "")
    if recipe is None:
        shown, rounding = _shown(TEXT, value)
        words = translate("explain", "此项不是计算结果：取自计划或录入数据，原样显示。")
        return Explanation(figure, figure, words, "—", [], value, shown, rounding, *versions)
    label, words, formula = recipe.label, recipe.words, recipe.formula
    if per_month:
        label = translate("explain", "剩余用能空间（月均）")
        words += translate("explain", "；再除以本年剩余月数（目标已无法完成时不给月均）")
        formula += "；R月均 = R / (12 − N)"
    shown, rounding = _shown(recipe.kind, value)
    notes = _notes(report, key)
    return Explanation(
        figure, label, words, formula, recipe.inputs(ctx), value, shown, rounding, *versions, notes
    )


def _notes(report: UnitReport, key: str) -> list[str]:
    notes = []
    part = report.progress.annex2 if key.startswith("annex2") else report.progress.annex3
    carbon = report.progress.carbon if ".carbon." in key else None
    if carbon is not None and not carbon.complete:
        notes.append(translate("explain", "碳排放数据不全：缺少的月份不按零计，累计碳排放暂不给出。"))
    elif part is not None and not part.complete and carbon is None:
        notes.append(translate("explain", "数据不全：缺少的月份不按零计，累计数和结论暂不给出。"))
    allowance = None
    if key.startswith("annex2.allowance") and report.progress.annex2:
        allowance = report.progress.annex2.allowance
    elif key.startswith("annex3.allowance") and report.progress.annex3:
        allowance = report.progress.annex3.allowance
    if allowance and allowance.out_of_reach_by_tce is not None:
        notes.append(
            translate("explain", "目标已无法完成：已超出 {x} 吨标准煤。").format(
                x=fmt.amount(allowance.out_of_reach_by_tce)
            )
        )
    if carbon is not None:
        notes.append(
            translate("explain", "排放因子表 {v}（各因子的来源与状态见输入）").format(v=carbon.factor_version)
        )
    if key == "annex3.projected_tce" and report.progress.annex3:
        notes.append(
            translate("explain", "推算方法：{m}").format(m=report.progress.annex3.projection_method_label)
        )
    return notes


def explain_text(e: Explanation) -> str:
    """The explanation as the CLI prints it and the window's dialog shows it."""
    lines = [
        f"{e.label}（{e.figure}）",
        translate("explain", "结果：{shown}（{rounding}；未舍入值 {raw}）").format(
            shown=e.shown, rounding=e.rounding, raw=e.value
        ),
        translate("explain", "算法：{words}").format(words=e.words),
        translate("explain", "公式：{formula}").format(formula=e.formula),
    ]
    if e.inputs:
        lines.append(translate("explain", "输入："))
        for i in e.inputs:
            where = i.period or i.field
            lines.append(f"  {where}  {i.label}  {i.shown} {i.unit}".rstrip())
    if e.coefficient_version:
        lines.append(translate("explain", "折标系数版本：{v}").format(v=e.coefficient_version))
    if e.electricity_basis:
        lines.append(e.electricity_basis)
    if e.emission_factor_version:
        lines.append(translate("explain", "排放因子版本：{v}").format(v=e.emission_factor_version))
    lines += e.notes
    return "\n".join(lines)


def calculation_notes(report: UnitReport) -> list[Explanation]:
    """Every derived figure of the report explained: the PDF's 计算说明 page."""
    return [explain(report, key) for key in explainable(report)]


# ---- district totals ---------------------------------------------------------------------------


def _district_annex2(view: DistrictView, attr: str) -> tuple[list[Input], list[str]]:
    inputs, left = [], []
    for line in view.annex2:
        if line.counted:
            for name in (
                "ytd_energy_tce",
                "ytd_energy_tce_last_year",
                "ytd_output_wan_yuan",
                "ytd_output_wan_yuan_last_year",
            ):
                if attr in ("change_rate_pct", "intensity") or name == attr or name == "ytd_" + attr:
                    inputs.append(Input(line.unit_name, getattr(line, name), "", view.period, name))
        else:
            left.append(_why_left_out(line.unit_name, line.reported, line.comparable))
    return inputs, left


def _why_left_out(name: str, reported: bool, comparable: bool) -> str:
    if not reported:
        return translate("explain", "{name}：未报（区里没有本期报表包）").format(name=name)
    if not comparable:
        return translate("explain", "{name}：上年同期数据缺失或为零，非同口径").format(name=name)
    return translate("explain", "{name}：数据不全").format(name=name)


_DISTRICT: dict[str, tuple[str, str, str, str]] = {
    "annex2_total.energy_tce": (
        _T("explain", "全区累计综合能耗（附件2）"), _T("explain", "已报且同口径单位的累计能耗相加"), "ΣE = Σ单位 ΣE单位", AMOUNT,
    ),
    "annex2_total.energy_tce_last_year": (
        _T("explain", "全区上年同期累计能耗（附件2）"), _T("explain", "同一批单位的上年同期累计能耗相加"), "ΣE上年 = Σ单位 ΣE上年", AMOUNT,
    ),
    "annex2_total.output_wan_yuan": (
        _T("explain", "全区累计产值（附件2）"), _T("explain", "已报且同口径单位的累计产值相加"), "ΣY = Σ单位 ΣY单位", AMOUNT,
    ),
    "annex2_total.intensity": (
        _T("explain", "全区单位产值能耗（附件2）"), _T("explain", "全区能耗合计除以产值合计"), "I = ΣE / ΣY", INTENSITY,
    ),
    "annex2_total.change_rate_pct": (
        _T("explain", "全区单位产值能耗累计变化率（附件2）"),
        _T("explain", "各单位能耗、产值分别相加后再计算变化率，不是各单位变化率的平均"),
        "r = (ΣE / ΣE上年) ÷ (ΣY / ΣY上年) − 1", RATE,
    ),
    "annex3_ytd_tce": (
        _T("explain", "重点用能单位累计综合能耗合计（附件3）"), _T("explain", "数据齐全的单位累计能耗相加"), "ΣE = Σ单位 ΣE单位", AMOUNT,
    ),
    "annex3_ytd_co2_t": (
        _T("explain", "重点用能单位碳排放合计（附件3）"), _T("explain", "本年与上年同期均齐全的单位碳排放相加"), "ΣC = Σ单位 ΣC单位", AMOUNT,
    ),
    "ytd_co2_t": (
        _T("explain", "全区碳排放合计（附件3及填报分品种能耗的附件2单位）"),
        _T("explain", "本年与上年同期均齐全的单位碳排放相加，不是平均"), "ΣC = Σ单位 ΣC单位", AMOUNT,
    ),
}  # fmt: skip


def explain_district(view: DistrictView, figure: str) -> Explanation:
    """A district total: its formula, the units included with their figures, and those left out with why."""
    if figure not in _DISTRICT:
        raise UserError(
            translate("explain", "没有名为“{figure}”的全区合计。可查看：{keys}").format(
                figure=figure, keys="、".join(_DISTRICT)
            )
        )
    label, words, formula, kind = _DISTRICT[figure]
    _found, value = _lookup(view.to_dict(), figure)
    if figure.startswith("annex2_total."):
        inputs, left = _district_annex2(view, figure.split(".", 1)[1])
    elif figure == "ytd_co2_t":
        co2 = {x.unit_id: (x.unit_name, x.ytd_co2_t) for x in view.annex2} | {
            x.unit_id: (x.unit_name, x.ytd_co2_t) for x in view.annex3
        }
        inputs = [Input(*co2[uid], "", view.period, "ytd_co2_t") for uid in view.co2_units]
        left = [f"{name}：{why}" for _uid, name, why in view.co2_left_out]
    else:
        attr = "ytd_co2_t" if figure == "annex3_ytd_co2_t" else "ytd_tce"
        counted = set(view.annex3_co2_units) if attr == "ytd_co2_t" else None
        inputs, left = [], []
        for line in view.annex3:
            v = getattr(line, attr)
            if v is not None and (counted is None or line.unit_id in counted):
                inputs.append(Input(line.unit_name, v, "", view.period, attr))
            else:
                left.append(_why_left_out(line.unit_name, line.reported, True))
    shown, rounding = _shown(kind, value)
    notes = [translate("explain", "计入 {n} 个单位。").format(n=len({i.label for i in inputs}))]
    notes += [translate("explain", "未计入：{why}").format(why=why) for why in left]
    return Explanation(figure, label, words, formula, inputs, value, shown, rounding, notes=notes)
