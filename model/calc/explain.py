"""How a derived figure was obtained: the formula in words and symbols, every input with its month, field
and value, the coefficient / emission-factor versions and electricity basis, and the result with its
rounding. Built from the one computation (`UnitReport`): the value explained is the value the report holds.

`explain(report, figure)` takes any key path of `progress --json` (e.g. `annex2.ytd_change_rate_pct`,
`annex3.projected_tce`, `ytd_co2_t`); a key that is not computed (a target, a label) is explained as what
it is. `explain_district(view, figure)` explains a district total: the units included and those left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from model.calc.carbon import CarbonProgress
from model.calc.formulas import DONE
from model.calc.progress import Annex2Indicator, MonthTable, RowProgress, colour_label, months_due
from model.calc.report import UnitReport
from model.calc.summary import DISTRICT_TOTAL, DistrictView, RowLine
from model.common import formatting as fmt
from model.common.errors import UserError
from model.common.i18n import translate
from model.plan.emission import status_label
from model.plan.spec import ANNEX2_DISTRICT_RATE, LAST_YEAR, REPORT_RATE, SUM, Annex1Row, Annex4Row

_T = translate
AMOUNT, RATE, PCT, INTENSITY, TEXT, COLOUR = "amount", "rate", "pct", "intensity", "text", "colour"


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
    # for a row's verdict the words and formula depend on the row (its measure, its targets)
    describe: Callable[[_Context], tuple[str, str]] | None = None


class _Context:
    def __init__(self, report: UnitReport) -> None:
        self.report = report
        self.plan = report.plan
        self.progress = report.progress
        self.table = MonthTable(report.plan.year, report.figures)
        self.n = report.period.month
        self.used = {key for values in self.table.values.values() for key in values}
        self.row: RowProgress | None = None  # the annex-1 / annex-4 row a row figure belongs to
        self.indicator: Annex2Indicator | None = None  # the annex-2 form line a line figure belongs to

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

    def latest(self, key: str) -> Input:
        """A cumulative field of annex 1 or 4 in month N: the newest month up to N that holds it (an
        earlier month's entry carries forward); when none does, the cell of month N, 未填."""
        t = self.table
        month = next(
            (m for m in range(self.n, 0, -1) if key in t.values.get(m, {}) or key in t.texts.get(m, {})),
            self.n,
        )
        f = self.plan.field(key)
        value = t.texts.get(month, {}).get(key, t.value(month, key))
        return Input(f.display_label, value, f.unit, self.period(month), key)

    def has_field(self, key: str) -> bool:
        return any(f.key == key for f in self.plan.fields_for(self.progress.unit_id))

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
                f"{carbon.factor_version} · {status_label(c.factor_status)}",
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


def _indicator_sum(last_year: bool) -> Callable[[_Context], list[Input]]:
    def inputs(c: _Context) -> list[Input]:
        assert c.indicator is not None
        return c.monthly([c.indicator.key + (LAST_YEAR if last_year else "")])

    return inputs


def _indicator_change(c: _Context) -> list[Input]:
    assert c.indicator is not None
    return c.monthly([c.indicator.key, c.indicator.key + LAST_YEAR])


def _last_year_rest(c: _Context) -> list[Input]:
    """Last year's months after N: what the unit used in the months still ahead, last year."""
    keys = [c.a2_key("energy_last_year")] if c.progress.annex2 else c.carriers(True)
    return c.cells(range(c.n + 1, 13), keys) + (c.coefficients() if c.progress.annex3 else [])


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


# ---- annex 1 and 4 rows: share of the target, 序时进度, the warning -------------------------------


def _plan_row(c: _Context) -> Annex1Row | Annex4Row:
    assert c.row is not None
    rows = c.plan.annex1 if c.row.annex == 1 else c.plan.annex4
    return next(r for r in rows if r.id == c.row.id)


def _computed(c: _Context) -> bool:
    row = _plan_row(c)
    return bool(row.computed if isinstance(row, Annex1Row) else row.quantity and row.quantity.computed)


def _row_targets(c: _Context) -> list[tuple[str, float, str, str]]:
    """(field suffix, target value, unit, op) of the row's quantitative targets judged for this unit."""
    row = _plan_row(c)
    if isinstance(row, Annex1Row):
        if row.measure in ("rate", "quantity") and row.target_value is not None:
            return [("value", row.target_value, row.target_unit, "<=" if row.measure == "rate" else ">=")]
        return []
    uid = c.progress.unit_id
    return [
        (suffix, q.value, q.unit, q.op)
        for suffix, q in row.quantities
        if not q.computed and row.role_of(uid, q) != "contribution"
    ]


def _target_input(c: _Context, value: float, unit: str, op: str) -> Input:
    sign = {">=": "≥", "<=": "≤"}.get(op, "")
    where = translate("explain", "计划附件{n}").format(n=c.row.annex if c.row else "")
    return Input(translate("explain", "全年目标（{sign}）").format(sign=sign), value, unit, "", where)


def _row_cell(c: _Context, suffix: str) -> list[Input]:
    key = f"{c.row.id}.{suffix}" if c.row else ""
    return [c.latest(key)] if c.has_field(key) else []


def _month_input(c: _Context) -> Input:
    done = c.row is not None and c.row.annex == 4 and c.row.status == DONE
    return Input(
        translate("explain", "月份 N（任务已完成时按全年 12 个月）")
        if done
        else translate("explain", "月份 N"),
        12 if done else c.n,
        translate("explain", "月"),
        "",  # not a stored cell: nothing to select in the form
        translate("explain", "报告期 {p}").format(p=c.period(c.n)),
    )


def _row_share(c: _Context) -> list[Input]:
    targets = _row_targets(c)[:1]
    return [*_row_cell(c, "value"), *[_target_input(c, v, unit, op) for _s, v, unit, op in targets]]


def _row_elapsed(c: _Context) -> list[Input]:
    return [*(_row_cell(c, "status") if c.row and c.row.annex == 4 else []), _month_input(c)]


def _row_colour(c: _Context) -> list[Input]:
    row = _plan_row(c)
    inputs = [*_row_cell(c, "status"), *_row_cell(c, "progress_pct")]
    for suffix, value, unit, op in _row_targets(c):
        inputs += [*_row_cell(c, suffix), _target_input(c, value, unit, op)]
    if isinstance(row, Annex1Row):
        for i, cond in enumerate(row.conditions, start=1):
            inputs += [*_row_cell(c, f"condition{i}"), _target_input(c, cond.value, cond.unit, cond.op)]
    assert c.row is not None
    if c.row.elapsed_pct is not None or c.row.progress_pct is not None:
        inputs.append(_month_input(c))
    return inputs


def _judged(c: _Context) -> list[str]:
    """How each quantitative target of the row is judged: "rate", "elapsed", "level" or "year_end"."""
    row = _plan_row(c)
    if isinstance(row, Annex1Row):
        return (
            {"rate": ["rate"], "quantity": ["elapsed"]}.get(row.measure, [])
            if row.target_value is not None
            else []
        )
    uid = c.progress.unit_id
    return [q.judged for _s, q in row.quantities if not q.computed and row.role_of(uid, q) != "contribution"]


_JUDGED_WORDS = {
    "rate": (
        _T("explain", "变化率 r 不高于目标 t 为绿色；未达到但差距不超过目标的 {gap} 为黄色；否则红色"),
        "r ≤ t → 绿；r − t ≤ |t| × {gap} → 黄；否则红",
    ),
    "rate2021": (
        _T("explain", "变化率 r 不高于目标 t 为绿色；有所下降（r ≤ 0）但未达到为黄色；不降反升为红色"),
        "r ≤ t → 绿；r ≤ 0 → 黄；否则红",
    ),
    "elapsed": (
        _T("explain", "完成目标比例 s 与序时进度 e 比较：不低于为绿色；不低于 e × (1 − {gap}) 为黄色；否则红色"),
        "s ≥ e → 绿；s ≥ e × (1 − {gap}) → 黄；否则红",
    ),
    "level": (
        _T("explain", "完成值 v 须保持在目标 t：达到为绿色；差距不超过目标的 {gap} 为黄色；否则红色"),
        "v 达到 t → 绿；|t − v| ≤ |t| × {gap} → 黄；否则红",
    ),
    "year_end": (
        _T("explain", "年底评价的目标：已达到为绿色；未达到时 12 月前不定色，12 月（或任务已完成）为红色"),
        "v 达到 t → 绿；N = 12 且未达到 → 红",
    ),
    "cap": (
        _T("explain", "不超过目标 T 为绿色；超出但不超过目标的 {gap} 为黄色；否则红色"),
        "x ≤ T → 绿；x − T ≤ T × {gap} → 黄；否则红",
    ),
    "status": (
        _T(
            "explain",
            "按进展状态定色：滞后为红色；未开始不为绿色；推进中且填了完成进度 p 时，"
            "p 不低于序时进度 N/12 为绿色，不低于 N/12 × (1 − {gap}) 为黄色，否则红色",
        ),
        "推进中：p ≥ N/12 → 绿；p ≥ N/12 × (1 − {gap}) → 黄；否则红",
    ),
}  # fmt: skip


def _row_colour_words(c: _Context) -> tuple[str, str]:
    """The rules the row's colour comes from, with the plan's yellow band filled in."""
    rules, row = c.plan.rules, _plan_row(c)
    kinds = _judged(c)
    if rules.warning_rule == "ndrc2021":
        kinds = ["rate2021" if k == "rate" else k for k in kinds]
    if isinstance(row, Annex4Row) or row.measure not in ("rate", "quantity"):
        kinds = ["status", *kinds]
    if isinstance(row, Annex1Row) and row.conditions:
        kinds.append("level")
    gap = fmt.pct(rules.yellow_gap_share * 100)
    chosen = [_JUDGED_WORDS[k] for k in dict.fromkeys(kinds)]
    words = "；".join(w.format(gap=gap) for w, _f in chosen)
    formula = "；".join(f.format(gap=gap) for _w, f in chosen) or "—"
    return words + translate("explain", "；各项取较差的颜色"), formula


def _row_recipes(annex: int) -> dict[str, _Recipe]:
    n = "annex1" if annex == 1 else "annex4"
    return {
        f"{n}.*.share_of_target_pct": _Recipe(
            _T("explain", "完成目标比例"),
            _T("explain", "本年累计完成值（取报告期及以前最近一次填报的值）除以全年目标"),
            "s = 完成值 / 全年目标 × 100%", PCT, _row_share,
        ),
        f"{n}.*.elapsed_pct": _Recipe(
            _T("explain", "序时进度"), _T("explain", "报告期已过月份占全年的比例"),
            "e = N / 12 × 100%", PCT, _row_elapsed,
        ),
        f"{n}.*.colour": _Recipe(
            _T("explain", "预警"), "", "", COLOUR, _row_colour, _row_colour_words,
        ),
        f"{n}.*.value": _Recipe(
            _T("explain", "完成值"), "", "", AMOUNT, lambda c: _row_cell(c, "value"), _row_value_words,
        ),
    }  # fmt: skip


def _row_value_words(c: _Context) -> tuple[str, str]:
    """A value the district computes (A1-02, A4-23), or a unit's contribution to a district target."""
    row = _plan_row(c)
    computed = row.computed if isinstance(row, Annex1Row) else row.quantity.computed if row.quantity else ""
    if computed in (ANNEX2_DISTRICT_RATE, REPORT_RATE):
        _label, words, formula, _kind = _DISTRICT[
            "annex2_total.change_rate_pct" if computed == ANNEX2_DISTRICT_RATE else "report_rate_pct"
        ]
        return translate("explain", "由区里计算：{words}").format(words=words), formula
    quantity = row.quantity if isinstance(row, Annex4Row) else None
    if quantity is not None and quantity.contributions == SUM:
        return _DISTRICT_ROW_WORDS
    return (
        translate("explain", "本单位填报对全区目标的情况；全区值由牵头单位填报，各单位的值只列出、不相加"),
        "全区值 = 牵头单位值",
    )


def _a2_colour_words(c: _Context) -> tuple[str, str]:
    rules = c.plan.rules
    words, formula = _JUDGED_WORDS["rate2021" if rules.warning_rule == "ndrc2021" else "rate"]
    gap = fmt.pct(rules.yellow_gap_share * 100)
    return words.format(gap=gap), formula.format(gap=gap)


def _cap_words(c: _Context) -> tuple[str, str]:
    words, formula = _JUDGED_WORDS["cap"]
    gap = fmt.pct(c.plan.rules.yellow_gap_share * 100)
    return words.format(gap=gap), formula.format(gap=gap)


def _a3_judged(attr: str, target_attr: str, unit: str) -> Callable[[_Context], list[Input]]:
    """A key user's warning: the figure judged (`attr`) against its target in the plan."""

    def inputs(c: _Context) -> list[Input]:
        a3 = c.progress.annex3
        assert a3 is not None
        shown = unit or a3.intensity_unit
        return [
            c.derived(translate("explain", "判定值 x"), getattr(a3, attr), shown),
            Input(
                translate("explain", "目标 T"),
                getattr(a3, target_attr),
                shown,
                "",
                translate("explain", "计划附件3"),
            ),
        ]

    return inputs


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
    "annex2.ytd_intensity_last_year_tce_per_wan_yuan": _Recipe(
        _T("explain", "上年同期累计单位产值能耗"), _T("explain", "上年同期累计综合能耗除以上年同期累计产值"),
        "I上年 = ΣE上年 / ΣY上年", INTENSITY,
        lambda c: c.monthly([c.a2_key("energy_last_year"), c.a2_key("output_last_year")]),
    ),
    "annex2.indicators.*.ytd": _Recipe(
        _T("explain", "本年累计"), _T("explain", "1–N月各月数值相加"), "Σ = x₁ + x₂ + … + x_N", AMOUNT,
        _indicator_sum(False),
    ),
    "annex2.indicators.*.ytd_last_year": _Recipe(
        _T("explain", "上年同期累计"), _T("explain", "上年1–N月各月数值相加（同口径）"),
        "Σ上年 = x上年₁ + … + x上年_N", AMOUNT, _indicator_sum(True),
    ),
    "annex2.indicators.*.change_pct": _Recipe(
        _T("explain", "累计增减"), _T("explain", "本年累计除以上年同期累计，减 1"),
        "增减 = (Σ / Σ上年 − 1) × 100%", RATE, _indicator_change,
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
    "elapsed_pct": _Recipe(
        _T("explain", "序时进度"), _T("explain", "报告期已过月份占全年的比例"),
        "e = N / 12 × 100%", PCT, _row_elapsed,
    ),
    "annex2.colour": _Recipe(
        _T("explain", "预警等级"), "", "", COLOUR, _a2_completion, _a2_colour_words,
    ),
    "annex2.allowance.last_year_same_months_tce": _Recipe(
        _T("explain", "上年同期这几个月实际用能"), _T("explain", "上年 N+1–12 月的综合能耗相加"),
        "ΣE上年(N+1…12) = E上年_N+1 + … + E上年₁₂", AMOUNT, _last_year_rest,
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
    "annex3.total_colour": _Recipe(
        _T("explain", "预计全年综合能耗预警"), "", "", COLOUR,
        _a3_judged("projected_tce", "cap_tce", "吨标准煤"), _cap_words,
    ),
    "annex3.intensity_colour": _Recipe(
        _T("explain", "能耗强度预警"), "", "", COLOUR, _a3_judged("intensity", "intensity_target", ""), _cap_words,
    ),
    "annex3.intensity_yoy_colour": _Recipe(
        _T("explain", "能耗强度同比预警"), "", "", COLOUR,
        _a3_judged("intensity_yoy_change_pct", "intensity_yoy_target_pct", "%"), _a2_colour_words,
    ),
    "annex3.allowance.last_year_same_months_tce": _Recipe(
        _T("explain", "上年同期这几个月实际用能"), _T("explain", "上年 N+1–12 月的综合能耗相加"),
        "ΣE上年(N+1…12) = Σ月 Σ品种 实物量上年 × 折标系数 / 1000", AMOUNT, _last_year_rest,
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
_RECIPES.update(_row_recipes(1) | _row_recipes(4))
_PER_MONTH = ".allowance.per_month_tce"


def explainable(report: UnitReport) -> list[str]:
    """The derived figures of this report that have a recipe (in the order of the form: annex 1's rows,
    annex 2, annex 3, annex 4's rows)."""
    p = report.progress.to_dict()
    keys = [k for k in _RECIPES if "*" not in k and _lookup(p, k)[0]]
    if report.progress.annex2 is None:
        keys.remove("elapsed_pct")  # shown beside the annex-2 rate only; rows have their own
    keys = [
        x
        for k in keys
        for x in (
            [k, k[: -len("remaining_tce")] + "per_month_tce"]
            if k.endswith("allowance.remaining_tce")
            else [k]
        )
    ]
    at = keys.index("annex2.ytd_intensity_tce_per_wan_yuan") if report.progress.annex2 else 0
    keys[at:at] = _indicator_keys(report)  # the form's lines, after the sums they come from
    return _row_keys(report, 1) + keys + _row_keys(report, 4)


def _indicator_keys(report: UnitReport) -> list[str]:
    """The lines of the annex-2 form: each line's change, and the sums of a line that has no figure of
    its own (the gross energy; the assessment energy and the output are `ytd_energy_tce` …)."""
    a2 = report.progress.annex2
    if a2 is None:
        return []
    keys = []
    for i, line in enumerate(a2.indicators):
        names = (
            ["change_pct"] if line.role in ("energy", "output") else ["ytd", "ytd_last_year", "change_pct"]
        )
        keys += [f"annex2.indicators.{i}.{name}" for name in names]
    return keys


def _row_keys(report: UnitReport, annex: int) -> list[str]:
    """The derived figures of annex 1's or annex 4's rows: share of the target and 序时进度 where the row
    has them, every row's warning, and the value of a row the district computes or a unit contributes to."""
    rows = report.progress.annex1 if annex == 1 else report.progress.annex4
    plan_rows = {r.id: r for r in (report.plan.annex1 if annex == 1 else report.plan.annex4)}
    keys = []
    for row in rows:
        plan_row = plan_rows[row.id]
        computed = (
            plan_row.computed
            if isinstance(plan_row, Annex1Row)
            else bool(plan_row.quantity and plan_row.quantity.computed)
        )
        for name in ("share_of_target_pct", "elapsed_pct"):
            if getattr(row, name) is not None:
                keys.append(f"annex{annex}.{row.id}.{name}")
        keys.append(f"annex{annex}.{row.id}.colour")
        if computed or row.role == "contribution":
            keys.append(f"annex{annex}.{row.id}.value")
    return keys


def _lookup(data: Any, path: str) -> tuple[bool, Any]:
    node = data
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, list) and (
            rows := [n for n in node if isinstance(n, dict) and n.get("id") == part]
        ):
            node = rows[0]  # an annex-1 / annex-4 row by its id (annex4.A4-13.colour)
        else:
            return False, None
    return True, node


def _shown(kind: str, value: Any) -> tuple[str, str]:
    if kind == COLOUR:
        return colour_label(value), ""  # a verdict: nothing is rounded
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
    parts = figure.split(".")
    if len(parts) == 3 and parts[0] in ("annex1", "annex4"):
        return f"{parts[0]}.*.{parts[2]}", False
    if len(parts) == 4 and parts[:2] == ["annex2", "indicators"]:
        return f"annex2.indicators.*.{parts[3]}", False
    return figure, False


def _indicator(report: UnitReport, figure: str) -> Annex2Indicator | None:
    """The line of the annex-2 form a figure such as `annex2.indicators.1.change_pct` belongs to."""
    parts = figure.split(".")
    a2 = report.progress.annex2
    if a2 is None or len(parts) != 4 or parts[:2] != ["annex2", "indicators"] or not parts[2].isdigit():
        return None
    return a2.indicators[int(parts[2])] if int(parts[2]) < len(a2.indicators) else None


def _row(report: UnitReport, figure: str) -> RowProgress | None:
    """The annex-1 / annex-4 row a figure such as `annex4.A4-13.colour` or `annex4.0.colour` belongs to."""
    parts = figure.split(".")
    if len(parts) != 3 or parts[0] not in ("annex1", "annex4"):
        return None
    rows = report.progress.annex1 if parts[0] == "annex1" else report.progress.annex4
    by_id = [r for r in rows if r.id == parts[1]]
    if by_id:
        return by_id[0]
    return rows[int(parts[1])] if parts[1].isdigit() and int(parts[1]) < len(rows) else None


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
    ctx.row = _row(report, figure)
    ctx.indicator = _indicator(report, figure)
    versions = (
        report.coefficient_version,
        electricity_basis(report),
        report.progress.emission_factor_version or "",
    )
    if _row(report, figure) is not None:
        versions = ("", "", "")  # a task or indicator: no coefficient, no factor
    if recipe is None:
        shown, rounding = _shown(TEXT, value)
        words = translate("explain", "此项不是计算结果：取自计划或录入数据，原样显示。")
        return Explanation(figure, figure, words, "—", [], value, shown, rounding, *versions)
    label, words, formula = recipe.label, recipe.words, recipe.formula
    if recipe.describe is not None:
        words, formula = recipe.describe(ctx)
    if ctx.row is not None:
        label = f"{ctx.row.id} {label}"
    if ctx.indicator is not None:
        label = f"{ctx.indicator.label} {label}"
    if per_month:
        label = translate("explain", "剩余用能空间（月均）")
        words += translate("explain", "；再除以本年剩余月数（目标已无法完成时不给月均）")
        formula += "；R月均 = R / (12 − N)"
    shown, rounding = _shown(recipe.kind, value)
    if recipe.kind == COLOUR and ctx.row is not None:
        shown = ctx.row.colour_label
    notes = _notes(report, key)
    if ctx.row is not None and _computed(ctx):
        notes.append(translate("explain", "此项的完成值由区里计算（见区汇总的计算过程），本单位不填报。"))
    if ctx.row is not None and ctx.row.role == "contribution":
        notes.append(translate("explain", "本单位填报的是对全区目标的贡献，由区里汇总，不单独预警。"))
    return Explanation(
        figure, label, words, formula, recipe.inputs(ctx), value, shown, rounding, *versions, notes
    )


def _notes(report: UnitReport, key: str) -> list[str]:
    notes = []
    part = {"annex2": report.progress.annex2, "annex3": report.progress.annex3}.get(key.split(".")[0])
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
        notes.append(_factor_note(carbon))
    if key == "annex3.projected_tce" and report.progress.annex3:
        notes.append(
            translate("explain", "推算方法：{m}").format(m=report.progress.annex3.projection_method_label)
        )
    return notes


def _factor_note(carbon: CarbonProgress) -> str:
    return translate("explain", "排放因子表 {v}（各因子的来源与状态见输入）").format(v=carbon.factor_version)


def explain_text(e: Explanation) -> str:
    """The explanation as the CLI prints it and the window's dialog shows it."""
    result = (
        translate("explain", "结果：{shown}（{rounding}；未舍入值 {raw}）")
        if e.rounding
        else translate("explain", "结果：{shown}")
    )
    lines = [
        f"{e.label}（{e.figure}）",
        result.format(shown=e.shown, rounding=e.rounding, raw=e.value),
        translate("explain", "算法：{words}").format(words=e.words),
        translate("explain", "公式：{formula}").format(formula=e.formula),
    ]
    if e.inputs:
        lines.append(translate("explain", "输入："))
        for i in e.inputs:
            where = i.period or i.field
            unit = i.unit if i.value is not None else ""
            lines.append(f"  {where}  {i.label}  {i.shown} {unit}".rstrip())
    if e.coefficient_version:
        lines.append(translate("explain", "折标系数版本：{v}").format(v=e.coefficient_version))
    if e.electricity_basis:
        lines.append(e.electricity_basis)
    if e.emission_factor_version:
        lines.append(translate("explain", "排放因子版本：{v}").format(v=e.emission_factor_version))
    lines += e.notes
    return "\n".join(lines)


def calculation_notes(report: UnitReport) -> list[Explanation]:
    """Every derived figure of the report explained."""
    return [explain(report, key) for key in explainable(report)]


def calculation_factors(report: UnitReport) -> list[Input]:
    """The conversion coefficients and emission factors the report's figures used, with their versions."""
    ctx = _Context(report)
    return ctx.coefficients() + ctx.factors()


def electricity_basis(report: UnitReport) -> str:
    """The electricity basis line of the report's figures (annex 2 is entered in tce: none applies; a
    bureau's annex-1 / annex-4 rows convert no energy)."""
    a3 = report.progress.annex3
    if a3 is not None:
        return a3.electricity_basis_line
    return translate("explain", "附件2按吨标准煤填报，不涉及电力折标") if report.progress.annex2 else ""


@dataclass(frozen=True)
class CalculationEntry:
    """One formula of the 计算说明 page and the figures it gives: one figure, or the rows of annex 1 or 4
    whose figure is obtained the same way (stated once, with the rows it applies to)."""

    label: str
    words: str
    formula: str
    notes: tuple[str, ...]
    figures: tuple[str, ...]  # the progress keys explained
    rows: tuple[str, ...]  # annex-1 / annex-4 row ids; empty for a figure of annex 2 or 3
    shown: str  # the figure's value as printed (a single figure only)


@dataclass(frozen=True)
class CalculationGroup:
    annex: int
    entries: list[CalculationEntry]


def calculation_groups(report: UnitReport) -> list[CalculationGroup]:
    """The PDF's 计算说明 page: every derived figure of the report, by annex, from the same recipes as
    `explain`; rows whose figure is obtained the same way share one entry, a note that holds for some of
    them only names those rows."""
    groups: dict[int, dict[tuple[Any, ...], tuple[CalculationEntry, dict[str, list[str]]]]] = {}
    carbon = report.progress.carbon
    for key in explainable(report):
        e = explain(report, key)
        recipe, _per_month = _canonical(report, key)
        row, line = _row(report, key), _indicator(report, key)
        applies = (row.id,) if row else (line.label,) if line else ()
        annex = int(recipe[5]) if recipe.startswith("annex") else 2  # elapsed_pct: beside the annex-2 rate
        label = _RECIPES[recipe].label if applies else e.label
        same = (annex, recipe, label, e.words, e.formula)
        entries = groups.setdefault(annex, {})
        entry, notes = entries.get(same) or (
            CalculationEntry(label, e.words, e.formula, (), (), (), e.shown),
            {},
        )
        entry = replace(entry, figures=(*entry.figures, key), rows=(*entry.rows, *applies))
        for note in e.notes:
            if carbon is None or note != _factor_note(carbon):  # the page lists the factors itself
                notes.setdefault(note, []).extend(applies)
        entries[same] = (entry, notes)
    return [
        CalculationGroup(n, [_with_notes(entry, notes) for entry, notes in groups[n].values()])
        for n in sorted(groups)
    ]


def _with_notes(entry: CalculationEntry, notes: dict[str, list[str]]) -> CalculationEntry:
    def named(note: str, rows: list[str]) -> str:
        if len(rows) == len(entry.rows):
            return note
        return translate("explain", "{rows}：{note}").format(rows="、".join(dict.fromkeys(rows)), note=note)

    return replace(entry, notes=tuple(named(note, rows) for note, rows in notes.items()))


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
    "annex2_total.output_wan_yuan_last_year": (
        _T("explain", "全区上年同期累计产值（附件2）"), _T("explain", "同一批单位的上年同期累计产值相加"), "ΣY上年 = Σ单位 ΣY上年", AMOUNT,
    ),
    "report_rate_pct": (
        _T("explain", "节能月报上报率"), _T("explain", "各单位按时收到的月报份数之和除以应报份数之和（免报单位和汇总单位本身不计）"),
        "上报率 = Σ按时 / Σ应报 × 100%", PCT,
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
    row = _district_row(view, figure)
    if row is not None:
        return _explain_district_row(view, row, figure)
    if figure not in _DISTRICT:
        rows = [f"annex{r.annex}.{r.id}.value" for r in view.annex1 + view.annex4 if r.computed]
        raise UserError(
            translate("explain", "没有名为“{figure}”的全区合计。可查看：{keys}").format(
                figure=figure, keys="、".join([*_DISTRICT, *rows])
            )
        )
    label, words, formula, kind = _DISTRICT[figure]
    _found, value = _lookup(view.to_dict(), figure)
    if figure.startswith("annex2_total."):
        inputs, left = _district_annex2(view, figure.split(".", 1)[1])
    elif figure == "report_rate_pct":
        inputs, left = _district_report_rate(view)
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


def _district_report_rate(view: DistrictView) -> tuple[list[Input], list[str]]:
    inputs = [
        Input(
            name,
            translate("explain", "按时 {a} 份 / 应报 {b} 份").format(a=a, b=b),
            "",
            view.period,
            "report_rate",
        )
        for _uid, name, a, b in view.report_rate_units
    ]
    left = [translate("explain", "{name}：免报").format(name=name) for _uid, name in view.exempt]
    return inputs, left


def _district_row(view: DistrictView, figure: str) -> RowLine | None:
    """The annex-1 / annex-4 line of `annex1.A1-02.value` or `annex4.A4-23.value` (by id or position)."""
    parts = figure.split(".")
    if len(parts) != 3 or parts[0] not in ("annex1", "annex4") or parts[2] != "value":
        return None
    rows = view.annex1 if parts[0] == "annex1" else view.annex4
    found = [r for r in rows if r.id == parts[1]]
    if not found and parts[1].isdigit() and int(parts[1]) < len(rows):
        found = [rows[int(parts[1])]]
    return found[0] if found else None


_DISTRICT_ROW_WORDS = (
    _T("explain", "全区目标：取牵头单位填报的全区值；牵头单位未填报时，按计划把各责任单位的贡献值相加"),
    "全区值 = 牵头单位值；牵头单位未填时 = Σ贡献值",
)


def _explain_district_row(view: DistrictView, row: RowLine, figure: str) -> Explanation:
    """A1-02 is the annex-2 district rate, A4-23 the report rate, a district-scope task the lead's value
    (else the contributions' sum); any other row is the lead unit's own figure, not computed here."""
    title = f"{row.id} {row.text if len(row.text) <= 30 else row.text[:30] + '…'}"
    if row.computed in (ANNEX2_DISTRICT_RATE, REPORT_RATE):
        base = explain_district(
            view,
            "annex2_total.change_rate_pct" if row.computed == ANNEX2_DISTRICT_RATE else "report_rate_pct",
        )
        return replace(base, figure=figure, label=f"{title}（{base.label}）", notes=[row.source, *base.notes])
    inputs = [
        Input(u.unit_name, u.value, "", view.period, f"{row.id}.value")
        for u in row.units
        if u.value is not None
    ]
    if row.target:
        where = translate("explain", "计划附件{n}").format(n=row.annex)
        inputs.append(Input(translate("explain", "全区目标"), row.target, "", "", where))
    left = [
        translate("explain", "{name}：{why}").format(
            name=u.unit_name,
            why=translate("explain", "未填写完成值") if u.reported else translate("explain", "未报"),
        )
        for u in row.units
        if u.value is None
    ]
    if row.computed == DISTRICT_TOTAL:
        words, formula = _DISTRICT_ROW_WORDS
    else:
        words = translate("explain", "牵头单位填报的值，区里不计算")
        formula = "—"
    shown, rounding = _shown(AMOUNT, row.value)
    notes = [n for n in [row.source] if n]
    notes += [translate("explain", "没有数值：{why}").format(why=why) for why in left]
    return Explanation(figure, title, words, formula, inputs, row.value, shown, rounding, notes=notes)
