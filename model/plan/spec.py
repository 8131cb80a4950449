"""The year's plan: units, indicators, targets, tasks, fields and rules, loaded from data and validated.

Nothing about a particular district or year lives in code: a plan file (`resources/plans/*.json`)
carries it all. Loading checks every part and names the file, the path inside it and the problem.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from model.common.errors import PlanError, UserError
from model.common.i18n import translate
from model.common.periods import Period
from model.common.text import clean_text
from model.common.untrusted import shown

PLAN_FORMAT = "tanbao-plan"
PLAN_FORMAT_VERSION = 1
SHIPPED_PLAN = "jinshan-2024.json"

UNIT_KINDS = ("town", "subdistrict", "park", "group", "key_user", "bureau")
MEASURES = ("rate", "quantity", "qualitative")
# Figures the district computes itself rather than a unit typing them: the annex-2 district ΣE/ΣY change
# rate (A1-02 规上工业万元产值能耗) and the share of monthly reports received on time (A4-23 上报率).
ANNEX2_DISTRICT_RATE, REPORT_RATE = "annex2_district_rate", "report_rate"
COMPUTED = (ANNEX2_DISTRICT_RATE, REPORT_RATE)
WARNING_RULES = ("ndrc2020", "ndrc2021")
COLOURS = ("green", "yellow", "red")
OPS = (">=", "<=", "=")
ELECTRICITY_BASES = ("calorific", "equivalent")  # 当量值, 等价值
# Whose target a task's quantity is: each responsible unit's, or the district's (the lead reports the
# district value, the other units their contribution).
UNIT_SCOPE, DISTRICT_SCOPE = "unit", "district"
SCOPES = (UNIT_SCOPE, DISTRICT_SCOPE)
# How a quantity is judged during the year: an amount against 序时进度 N/12, a level held at any time,
# or a target met or not at the year end (counts of firms: 5 家 are not "5/12 家 a month").
ELAPSED, LEVEL, YEAR_END = "elapsed", "level", "year_end"
JUDGED = (ELAPSED, LEVEL, YEAR_END)
COUNT_UNITS = ("家", "个", "户", "座")
# How co-responsible units' contributions to a district target combine: added up (1.7亿度 of
# certificates), or only listed (shares such as 15 % cannot be added).
SUM, LISTED = "sum", "listed"
CONTRIBUTIONS = (SUM, LISTED)
LAST_YEAR = "_last_year"

# Field kinds: a number, one of the task statuses, or free text.
NUMBER, STATUS, TEXT = "number", "status", "text"
TASK_STATUSES = ("未开始", "推进中", "已完成", "滞后")


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    full_name: str
    kind: str
    aliases: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    stopped_members: tuple[str, ...] = ()
    exempt: bool = False
    exempt_reason: str = ""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    unit: str
    annex: int
    kind: str = NUMBER
    role: str = ""
    carrier: str = ""
    required: bool = False
    accumulate: str = "sum"  # "sum": monthly amounts added up; "latest": a level or a cumulative figure
    minimum: float | None = 0.0
    maximum: float | None = None
    row_id: str = ""

    @property
    def is_last_year(self) -> bool:
        return self.key.endswith(LAST_YEAR)

    @property
    def is_carbon_breakdown(self) -> bool:
        """An annex-2 carrier: the optional breakdown of a town's energy by carrier, for its carbon only
        (never required, never checked for swings, never part of the energy figures)."""
        return self.annex == 2 and bool(self.carrier)

    @property
    def display_label(self) -> str:
        """The label as the form prints it, with the row number where the row has one."""
        return f"{self.row_id} {self.label}" if self.row_id else self.label


@dataclass(frozen=True)
class Quantity:
    label: str
    op: str
    value: float
    unit: str
    level: bool  # a level to hold (98 %) rather than an amount to accumulate over the year (40 ha)
    scope: str = UNIT_SCOPE
    judged: str = ELAPSED
    contributions: str = SUM
    computed: str = ""  # one of COMPUTED: the district computes the value; no unit types it


@dataclass(frozen=True)
class Annex1Row:
    id: str
    category: str
    area: str
    text: str
    measure: str
    target_value: float | None
    target_unit: str
    target_text: str
    conditions: tuple[Quantity, ...]
    responsible: tuple[str, ...]
    lead: str
    lead_note: str = ""
    computed: str = ""  # one of COMPUTED: the district computes the value; no unit types it


@dataclass(frozen=True)
class Annex2Row:
    unit: str
    target_pct: float


@dataclass(frozen=True)
class Annex3Row:
    unit: str
    total_cap_wan_tce: float
    intensity_target: float
    intensity_unit: str
    denominator_field: str
    denominator_kind: str  # "stock" (floor area) or "flow" (volume treated)
    intensity_yoy_change_pct: float


@dataclass(frozen=True)
class Annex4Row:
    id: str
    area: str
    text: str
    responsible: tuple[str, ...]
    quantity: Quantity | None = None
    second_quantity: Quantity | None = None
    note: str = ""
    lead: str = ""  # the unit that reports a district-wide value; empty when the first holder is a set

    @property
    def quantities(self) -> list[tuple[str, Quantity]]:
        """The quantitative targets with the suffix of the field that holds each value."""
        pairs = (("value", self.quantity), ("value2", self.second_quantity))
        return [(suffix, q) for suffix, q in pairs if q is not None]

    def role_of(self, unit_id: str, quantity: Quantity) -> str:
        """ "lead" (reports the district value), "contribution" (reports its part of it) or "unit"."""
        if quantity.scope != DISTRICT_SCOPE:
            return UNIT_SCOPE
        return "lead" if unit_id == self.lead else "contribution"


SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class AuditRule:
    """A relation between two figures of the same month that the form states (e.g. 02 ≥ 01)."""

    left: str  # field key
    op: str  # one of OPS
    right: str  # field key
    severity: str  # "error" blocks submission; "warning" needs a written reason
    text: str = ""  # how the form prints the rule in its notes


@dataclass(frozen=True)
class Rules:
    warning_rule: str = "ndrc2020"
    yellow_gap_share: float = 0.10
    swing_warning_pct: float = 30.0
    deadline_day: int = 15
    first_cumulative_month: int = 1  # the first period with a report: 2 = no January-only report (1–2月)
    status_colours: Mapping[str, str] = field(default_factory=dict)
    audit_rules: tuple[AuditRule, ...] = ()
    # Evidence files travel inside the signed package up to this total; larger ones are only listed.
    evidence_in_package_max_mb: float = 20.0


@dataclass(frozen=True)
class ReportForm:
    authority: str
    approval_no: str
    valid_until: str
    table_numbers: Mapping[str, str]


@dataclass(frozen=True)
class ElectricityBasis:
    """How electricity converts to standard coal in an annex: 当量值 or 等价值, and whether it is assumed."""

    basis: str
    assumed: bool = False
    note: str = ""  # printed after the basis, e.g. who is to confirm an assumption
    evidence: str = ""  # why the basis was chosen


@dataclass(frozen=True)
class Annex:
    title: str
    notes: tuple[str, ...]
    electricity_basis: ElectricityBasis | None = None


T = TypeVar("T")


def _first_by(items: Iterable[T], key: Callable[[T], str]) -> dict[str, T]:
    """Items by key, the first of each (as a search in order finds it): the plan's lookups by id."""
    found: dict[str, T] = {}
    for item in items:
        found.setdefault(key(item), item)
    return found


@dataclass(frozen=True)
class Plan:
    id: str
    year: int
    district: str
    title: str
    issuer: str
    co_issuers: tuple[str, ...]
    doc_number: str
    issued_on: str
    contact_name: str
    contact_phones: tuple[str, ...]
    recipients_text: str
    body_text: str
    district_unit: str
    coefficients: str
    report_form: ReportForm
    rules: Rules
    unit_sets: Mapping[str, tuple[str, tuple[str, ...]]]  # name -> (label, kinds)
    units: tuple[Unit, ...]
    annexes: Mapping[int, Annex]
    annex1: tuple[Annex1Row, ...]
    annex2: tuple[Annex2Row, ...]
    annex3: tuple[Annex3Row, ...]
    annex4: tuple[Annex4Row, ...]
    fields: tuple[Field, ...]
    source: str = field(repr=False, default="")  # the file's text, stored with the database
    emission_factors: str = ""  # the emission-factor table's version; "" for the shipped table

    # ---- electricity basis -------------------------------------------------------------------
    def electricity_basis_for(self, annex: int) -> ElectricityBasis:
        """The basis an annex states (an old plan file states one for the whole plan)."""
        stated = self.annexes[annex].electricity_basis if annex in self.annexes else None
        return stated or ElectricityBasis("calorific")

    @property
    def electricity_basis(self) -> str:
        """The basis of the figures entered by carrier (annex 3): stored with them and in packages."""
        return self.electricity_basis_for(3).basis

    # ---- units -------------------------------------------------------------------------------
    @cached_property
    def _units_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in reversed(self.units)}  # the first of a repeated id, as before

    def unit(self, unit_id: str) -> Unit:
        return self._units_by_id[unit_id]

    def unit_index(self, unit_id: str) -> int:
        """The unit's place in the plan's order (the order every list of units follows)."""
        return self._unit_order[unit_id]

    @cached_property
    def _unit_order(self) -> dict[str, int]:
        return {u.id: i for i, u in reversed(list(enumerate(self.units)))}

    def check_period(self, period: Period) -> Period:
        """The period, when it lies in this plan's year; else a UserError that says so."""
        if period.year != self.year:
            raise UserError(
                translate("plan", "报告期 {p} 不在本计划年度（{y}年）内。").format(p=period, y=self.year)
            )
        return period

    def find_unit(self, text: str) -> Unit:
        """Resolve what a person typed (id, name, full name or alias) to a unit, or say what is close."""
        wanted = text.strip()
        for unit in self.units:
            if wanted in (unit.id, unit.name, unit.full_name, *unit.aliases):
                return unit
        names = {n: u for u in self.units for n in (u.id, u.name, u.full_name, *u.aliases)}
        containing = {u.id: u for n, u in names.items() if len(wanted) >= 2 and wanted in n}
        if len(containing) == 1:  # part of one name, e.g. the town name without its suffix
            return next(iter(containing.values()))
        close = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.4)
        close = [n for n in names if wanted and wanted in n and n not in close][:3] + close
        suggestions = list(dict.fromkeys(names[n].name for n in close))
        if suggestions:
            raise UserError(
                translate("plan", "没有名为“{text}”的单位。您是不是要找：{names}？").format(
                    text=text, names="、".join(suggestions)
                )
            )
        raise UserError(
            translate(
                "plan", "没有名为“{text}”的单位。用 main.py plan 可以列出本年计划中的全部单位。"
            ).format(text=text)
        )

    def expand(self, refs: Iterable[str]) -> list[str]:
        """Responsible-unit references ("@towns", unit ids) to unit ids, in order, without repeats."""
        out: list[str] = []
        for ref in refs:
            if ref.startswith("@"):
                _label, kinds = self.unit_sets[ref[1:]]
                ids = [u.id for u in self.units if u.kind in kinds]
            else:
                ids = [ref]
            out.extend(i for i in ids if i not in out)
        return out

    def ref_label(self, ref: str) -> str:
        if ref.startswith("@"):
            return self.unit_sets[ref[1:]][0]
        return self.unit(ref).name

    # ---- who reports what ---------------------------------------------------------------------
    def annex2_row(self, unit_id: str) -> Annex2Row | None:
        return self._annex2_by_unit.get(unit_id)

    def annex3_row(self, unit_id: str) -> Annex3Row | None:
        return self._annex3_by_unit.get(unit_id)

    @cached_property
    def _annex2_by_unit(self) -> dict[str, Annex2Row]:
        return _first_by(self.annex2, lambda r: r.unit)

    @cached_property
    def _annex3_by_unit(self) -> dict[str, Annex3Row]:
        return _first_by(self.annex3, lambda r: r.unit)

    def annex1_rows_led_by(self, unit_id: str) -> list[Annex1Row]:
        return [r for r in self.annex1 if r.lead == unit_id]

    def annex4_rows_for(self, unit_id: str) -> list[Annex4Row]:
        return list(self._annex4_by_unit.get(unit_id, ()))

    @cached_property
    def _annex4_by_unit(self) -> dict[str, tuple[Annex4Row, ...]]:
        """Each unit's tasks, worked out once: expanding "@towns" walks every unit, and the window asks
        for a unit's tasks on every cell it paints (at 300 units a town's cell save took 2.1 s)."""
        rows: dict[str, list[Annex4Row]] = {}
        for row in self.annex4:
            for unit_id in self.expand(row.responsible):
                rows.setdefault(unit_id, []).append(row)
        return {unit_id: tuple(r) for unit_id, r in rows.items()}

    @cached_property
    def _fields_by_key(self) -> dict[str, Field]:
        return {f.key: f for f in self.fields}

    @cached_property
    def _fields_by_row(self) -> dict[str, tuple[str, ...]]:
        rows: dict[str, list[str]] = {}
        for f in self.fields:
            if f.row_id:
                rows.setdefault(f.row_id, []).append(f.key)
        return {row_id: tuple(keys) for row_id, keys in rows.items()}

    def fields_for(self, unit_id: str) -> list[Field]:
        """Every field this unit enters, in form order."""
        return list(self.unit_fields(unit_id).values())

    def unit_fields(self, unit_id: str) -> Mapping[str, Field]:
        """The fields this unit enters by key, in form order (worked out once per unit: checking each
        typed or pasted cell asks for them)."""
        known = self._unit_fields
        if unit_id not in known:
            known[unit_id] = {f.key: f for f in self._fields_for(unit_id)}
        return known[unit_id]

    @cached_property
    def _unit_fields(self) -> dict[str, dict[str, Field]]:
        return {}

    def _fields_for(self, unit_id: str) -> list[Field]:
        by_key = self._fields_by_key
        keys: list[str] = []
        if self.annex2_row(unit_id):
            keys += [f.key for f in self.fields if f.annex == 2]
        row3 = self.annex3_row(unit_id)
        if row3:
            for f in self.fields:
                if f.annex != 3:
                    continue
                base = f.key.removesuffix(LAST_YEAR)
                if by_key[base].role == "denominator" and base != row3.denominator_field:
                    continue
                keys.append(f.key)
        row_ids = [r.id for r in self.annex1_rows_led_by(unit_id)] + [
            r.id for r in self.annex4_rows_for(unit_id)
        ]
        for row_id in row_ids:
            keys += self._fields_by_row.get(row_id, ())
        return [by_key[k] for k in keys]

    def field(self, key: str) -> Field:
        return self._fields_by_key[key]

    def reporting_units(self) -> list[Unit]:
        """Units with anything to report under this plan."""
        return list(self._reporting_units)

    @cached_property
    def _reporting_units(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if self.fields_for(u.id))

    # ---- report periods ----------------------------------------------------------------------
    def report_periods(self) -> list[Period]:
        """The periods with a report of their own: 1–N月 from the first cumulative period to December."""
        return [Period(self.year, m) for m in range(self.rules.first_cumulative_month, 13)]

    def check_report_period(self, period: Period) -> None:
        """Refuse a period this plan has no report for: another year, or a month before the first
        cumulative period (the monthly survey has no January-only report; January goes into 1–2月)."""
        self.check_period(period)
        first = Period(self.year, self.rules.first_cumulative_month)
        if period < first:
            raise UserError(
                translate(
                    "plan",
                    "本计划的第一个累计报告期是 {first}，没有单独的 {label} 报表。"
                    "{label}的数据照常按月填写，随 {first} 报表一起报送（报告期选 {p}）。",
                ).format(first=first.label(), label=period.label(), p=first)
            )


# ---- loading ----------------------------------------------------------------------------------


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


# Ids travel into file names (packages are named `<period>_<unit>_v<N>`) and across offices: a safe
# character set, checked when a plan is loaded, so "../" or a drive letter can never reach a path.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def escape_id(value: str) -> str:
    """An id as it may be shown in a message: control characters made visible, long ones cut."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in value[:80])
    return shown + ("…" if len(value) > 80 else "")


class _Reader:
    """Walks the parsed JSON, checking types and naming the path of anything wrong."""

    def __init__(self, source_name: str) -> None:
        self.source_name = source_name

    def fail(self, path: str, problem: str) -> PlanError:
        # One line, whatever the file's values hold: a quoted value may contain line breaks or be huge.
        problem = " ".join(problem.split())
        if len(problem) > 200:
            problem = problem[:200] + "…"
        return PlanError(
            translate("plan", "计划文件 {file} 有误：{path}：{problem}").format(
                file=self.source_name, path=path or "（根）", problem=problem
            )
        )

    def obj(self, data: Any, path: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(path, translate("plan", "应为对象（{…}）"))
        return data

    def items(self, data: Any, path: str) -> list[Any]:
        if not isinstance(data, list):
            raise self.fail(path, translate("plan", "应为列表（[…]）"))
        return data

    def get(self, data: dict[str, Any], key: str, path: str) -> Any:
        if key not in data:
            raise self.fail(f"{path}.{key}".lstrip("."), translate("plan", "缺少此项"))
        return data[key]

    def text(self, data: dict[str, Any], key: str, path: str, default: str | None = None) -> str:
        if default is not None and key not in data:
            return default
        value = self.get(data, key, path)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{path}.{key}".lstrip("."), translate("plan", "应为非空文字"))
        try:
            return clean_text(value, translate("plan", "文字"))
        except UserError as exc:
            raise self.fail(f"{path}.{key}".lstrip("."), exc.message) from None

    def ident(self, data: dict[str, Any], key: str, path: str) -> str:
        """An id that becomes part of file names and of the data: letters, digits, "-" and "_" only."""
        value = self.text(data, key, path)
        if not SAFE_ID.fullmatch(value):
            raise self.fail(
                f"{path}.{key}".lstrip("."),
                translate(
                    "plan",
                    "编号“{id}”不可用：只能由英文字母、数字、“-”和“_”组成（最多 64 个字符），不能以符号开头",
                ).format(id=escape_id(value)),
            )
        return value

    def num(self, data: dict[str, Any], key: str, path: str, default: float | None = None) -> float:
        if default is not None and key not in data:
            return default
        value = self.get(data, key, path)
        if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
            raise self.fail(
                f"{path}.{key}".lstrip("."),
                translate("plan", "应为数字，实际为 {value!r}").format(value=value),
            )
        return float(value)

    def month(self, data: dict[str, Any], key: str, path: str, default: int) -> int:
        value = self.num(data, key, path, default=default)
        if value != int(value) or not 1 <= value <= 12:
            raise self.fail(
                f"{path}.{key}",
                translate("plan", "应为 1 到 12 的整数月份，实际为 {value:g}").format(value=value),
            )
        return int(value)

    def choice(self, data: dict[str, Any], key: str, path: str, choices: tuple[str, ...]) -> str:
        value = self.text(data, key, path)
        if value not in choices:
            raise self.fail(
                f"{path}.{key}".lstrip("."),
                translate("plan", "“{value}”不是可选值之一：{choices}").format(
                    value=value, choices="、".join(choices)
                ),
            )
        return value

    def strs(self, data: dict[str, Any], key: str, path: str, required: bool = False) -> tuple[str, ...]:
        if not required and key not in data:
            return ()
        items = self.items(self.get(data, key, path), f"{path}.{key}".lstrip("."))
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{path}.{key}[{i}]".lstrip("."), translate("plan", "应为非空文字"))
        return tuple(items)


def _quantity(r: _Reader, data: Any, path: str) -> Quantity:
    q = r.obj(data, path)
    unit = r.text(q, "unit", path)
    level = q.get("level", unit == "%")
    if not isinstance(level, bool):
        raise r.fail(f"{path}.level", translate("plan", "应为 true 或 false"))
    default_judged = YEAR_END if unit in COUNT_UNITS else LEVEL if level else ELAPSED
    scope = r.choice(q, "scope", path, SCOPES) if "scope" in q else UNIT_SCOPE
    return Quantity(
        label=r.text(q, "label", path, default=""),
        op=r.choice(q, "op", path, OPS),
        value=r.num(q, "value", path),
        unit=unit,
        level=level,
        scope=scope,
        judged=r.choice(q, "judged", path, JUDGED) if "judged" in q else default_judged,
        contributions=(
            r.choice(q, "contributions", path, CONTRIBUTIONS)
            if "contributions" in q
            else LISTED
            if level or unit == "%"
            else SUM
        ),
        computed=r.choice(q, "computed", path, COMPUTED) if "computed" in q else "",
    )


def _annex4_row(r: _Reader, a: dict[str, Any], path: str, responsible: tuple[str, ...]) -> Annex4Row:
    quantities = {
        key: _quantity(r, a[key], f"{path}.{key}") for key in ("quantity", "second_quantity") if key in a
    }
    lead = r.text(a, "lead", path, default="" if responsible[0].startswith("@") else responsible[0])
    for key, q in quantities.items():
        if q.scope == DISTRICT_SCOPE and (not lead or lead.startswith("@")):
            raise r.fail(
                f"{path}.{key}.scope",
                translate("plan", "全区目标须有一个牵头单位填报全区数值，请用 lead 指明由哪个单位填报"),
            )
    return Annex4Row(
        id=r.ident(a, "id", path),
        area=r.text(a, "area", path),
        text=r.text(a, "text", path),
        responsible=responsible,
        quantity=quantities.get("quantity"),
        second_quantity=quantities.get("second_quantity"),
        note=r.text(a, "note", path, default=""),
        lead=lead,
    )


def _electricity_basis(r: _Reader, data: dict[str, Any], path: str) -> ElectricityBasis | None:
    """`"electricity_basis": "equivalent"` or `{"basis": …, "assumed": true, "note": …}`; None when absent."""
    if "electricity_basis" not in data:
        return None
    item = data["electricity_basis"]
    if isinstance(item, str):
        return ElectricityBasis(r.choice(data, "electricity_basis", path, ELECTRICITY_BASES))
    where = f"{path}.electricity_basis".lstrip(".")
    b = r.obj(item, where)
    assumed = b.get("assumed", False)
    if not isinstance(assumed, bool):
        raise r.fail(f"{where}.assumed", translate("plan", "应为 true 或 false"))
    return ElectricityBasis(
        basis=r.choice(b, "basis", where, ELECTRICITY_BASES),
        assumed=assumed,
        note=r.text(b, "note", where, default=""),
        evidence=r.text(b, "evidence", where, default=""),
    )


def _annexes(r: _Reader, data: dict[str, Any]) -> dict[int, Annex]:
    """Each annex's title and notes, and the electricity basis it states (else the plan-wide one of an
    older plan file)."""
    plan_wide = _electricity_basis(r, data, "")
    annexes: dict[int, Annex] = {}
    for n in (1, 2, 3, 4):
        a = r.obj(r.get(data, f"annex{n}", ""), f"annex{n}")
        annexes[n] = Annex(
            title=r.text(a, "title", f"annex{n}"),
            notes=r.strs(a, "notes", f"annex{n}"),
            electricity_basis=_electricity_basis(r, a, f"annex{n}") or plan_wide,
        )
    return annexes


def _derived_fields(
    r: _Reader, data: dict[str, Any], annex1: list[Annex1Row], annex4: list[Annex4Row]
) -> list[Field]:
    """Every field a unit may enter: annex 2/3 as the plan lists them, annex 1/4 from their rows."""
    fields = _listed_fields(r, data)
    for row in annex1:
        fields += _annex1_fields(row)
    for task in annex4:
        fields += _annex4_fields(task)
    keys = [f.key for f in fields]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise r.fail("fields", translate("plan", "字段名重复：{keys}").format(keys="、".join(dupes)))
    return fields


def _listed_fields(r: _Reader, data: dict[str, Any]) -> list[Field]:
    """Annex 2 and 3 fields from the plan's `fields`; annex 3 adds last year's beside each one, annex 2
    beside each carrier of its optional breakdown."""
    fields_data = r.obj(r.get(data, "fields", ""), "fields")
    fields: list[Field] = []
    for annex_name, annex in (("annex2", 2), ("annex3", 3)):
        items = r.items(r.get(fields_data, annex_name, "fields"), f"fields.{annex_name}")
        for i, item in enumerate(items):
            path = f"fields.{annex_name}[{i}]"
            f = r.obj(item, path)
            base = Field(
                key=r.text(f, "key", path),
                label=r.text(f, "label", path),
                unit=r.text(f, "unit", path),
                annex=annex,
                role=r.text(f, "role", path, default=""),
                carrier=r.text(f, "carrier", path, default=""),
                required=bool(f.get("required", False)),
                accumulate=r.choice(f, "accumulate", path, ("sum", "latest")),
            )
            twin = annex == 3 or base.is_carbon_breakdown  # last year's derived beside this year's
            if twin and base.is_last_year:
                raise r.fail(
                    f"{path}.key", translate("plan", "字段名不能以 {suffix} 结尾").format(suffix=LAST_YEAR)
                )
            if base.is_carbon_breakdown and base.required:
                raise r.fail(f"{path}.required", translate("plan", "附件2的分品种能耗是选填项，不能设为必填"))
            fields.append(base)
            if twin:
                fields.append(
                    Field(
                        key=base.key + LAST_YEAR,
                        label=translate("plan", "上年同期{label}").format(label=base.label),
                        unit=base.unit,
                        annex=annex,
                        role=base.role + LAST_YEAR if base.role else "",
                        carrier=base.carrier,
                        required=False,
                        accumulate=base.accumulate,
                    )
                )
    return fields


def _status_field(row_id: str, label: str, annex: int) -> Field:
    """A row's required status, chosen from the plan's task statuses."""
    return Field(
        f"{row_id}.status",
        label,
        "",
        annex,
        kind=STATUS,
        required=True,
        accumulate="latest",
        minimum=None,
        row_id=row_id,
    )


def _annex1_fields(row: Annex1Row) -> list[Field]:
    """A qualitative row's status; otherwise its value (unless the district computes it) and conditions."""
    if row.measure == "qualitative":
        return [_status_field(row.id, translate("plan", "完成情况"), 1)]
    fields = []
    rate = row.measure == "rate"
    label = translate("plan", "本年累计变化率") if rate else translate("plan", "本年累计完成")
    if not row.computed:
        fields.append(
            Field(
                f"{row.id}.value",
                label,
                row.target_unit,
                1,
                required=True,
                accumulate="latest",
                minimum=None if rate else 0.0,
                row_id=row.id,
            )
        )
    for n, cond in enumerate(row.conditions, start=1):
        fields.append(
            Field(f"{row.id}.condition{n}", cond.label, cond.unit, 1, accumulate="latest", row_id=row.id)
        )
    return fields


def _annex4_fields(task: Annex4Row) -> list[Field]:
    """A task's status, progress, entered quantities and narrative."""
    fields = [
        _status_field(task.id, translate("plan", "进展状态"), 4),
        Field(
            f"{task.id}.progress_pct",
            translate("plan", "完成进度"),
            "%",
            4,
            accumulate="latest",
            maximum=100.0,
            row_id=task.id,
        ),
    ]
    for suffix, q in (("value", task.quantity), ("value2", task.second_quantity)):
        if q is not None and not q.computed:
            fields.append(
                Field(
                    f"{task.id}.{suffix}",
                    q.label or translate("plan", "量化指标完成值"),
                    q.unit,
                    4,
                    accumulate="latest",
                    row_id=task.id,
                )
            )
    fields.append(
        Field(
            f"{task.id}.narrative",
            translate("plan", "工作进展说明"),
            "",
            4,
            kind=TEXT,
            accumulate="latest",
            minimum=None,
            row_id=task.id,
        )
    )
    return fields


def _audit_rules(r: _Reader, rules_data: dict[str, Any], field_keys: set[str]) -> tuple[AuditRule, ...]:
    out = []
    for i, item in enumerate(r.items(rules_data.get("audit_rules", []), "rules.audit_rules")):
        path = f"rules.audit_rules[{i}]"
        a = r.obj(item, path)
        for side in ("left", "right"):
            if r.text(a, side, path) not in field_keys:
                raise r.fail(f"{path}.{side}", translate("plan", "没有名为“{key}”的字段").format(key=a[side]))
        out.append(
            AuditRule(
                left=a["left"],
                op=r.choice(a, "op", path, OPS),
                right=a["right"],
                severity=r.choice(a, "severity", path, SEVERITIES),
                text=r.text(a, "text", path, default=""),
            )
        )
    return tuple(out)


EVIDENCE_LIMIT_MB = 100.0


def _evidence_limit(r: _Reader, rules_data: dict[str, Any]) -> float:
    limit = r.num(rules_data, "evidence_in_package_max_mb", "rules", default=20.0)
    if not 0 <= limit <= EVIDENCE_LIMIT_MB:
        raise r.fail(
            "rules.evidence_in_package_max_mb",
            translate("plan", "应为 0 到 {max:g} 之间的数（兆字节；0 表示证明材料不随报送文件发送）").format(
                max=EVIDENCE_LIMIT_MB
            ),
        )
    return limit


def _document(r: _Reader, text: str) -> dict[str, Any]:
    """The JSON object of a TanBao plan file of the version this program reads."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        # the text ends where JSON expected more, or inside a string (json names where the string began)
        if not text[exc.pos :].strip() or exc.msg.startswith("Unterminated string"):
            raise r.fail(
                f"第 {exc.lineno} 行第 {exc.colno} 列",
                translate("plan", "文件不完整，在中途被截断了。请重新复制或下载完整的计划文件"),
            ) from None
        raise r.fail(
            f"第 {exc.lineno} 行第 {exc.colno} 列",
            translate("plan", "不是有效的 JSON（{msg}）").format(msg=exc.msg),
        ) from None
    except (RecursionError, ValueError):  # nested thousands deep, or a number thousands of digits long
        raise r.fail(
            "",
            translate("plan", "不是 TanBao 计划文件（嵌套过深或数字过长，可能是恶意构造的文件），已拒绝读取"),
        ) from None
    data = r.obj(raw, "")
    if data.get("format") != PLAN_FORMAT:
        raise r.fail(
            "format", translate("plan", '不是 TanBao 计划文件（应为 "{fmt}"）').format(fmt=PLAN_FORMAT)
        )
    if data.get("format_version") != PLAN_FORMAT_VERSION:
        raise r.fail(
            "format_version",
            translate("plan", "本程序只能读取第 {v} 版计划文件").format(v=PLAN_FORMAT_VERSION),
        )
    return data


UnitSets = dict[str, tuple[str, tuple[str, ...]]]  # name -> (label, unit kinds)


def _unit_sets(r: _Reader, data: dict[str, Any]) -> UnitSets:
    sets_data = r.obj(r.get(data, "unit_sets", ""), "unit_sets")
    unit_sets: UnitSets = {}
    for name, item in sets_data.items():
        s = r.obj(item, f"unit_sets.{name}")
        kinds = r.strs(s, "kinds", f"unit_sets.{name}", required=True)
        for kind in kinds:
            if kind not in UNIT_KINDS:
                raise r.fail(
                    f"unit_sets.{name}.kinds", translate("plan", "未知的单位类型“{kind}”").format(kind=kind)
                )
        unit_sets[name] = (r.text(s, "label", f"unit_sets.{name}"), kinds)
    return unit_sets


def _units(r: _Reader, data: dict[str, Any]) -> list[Unit]:
    units: list[Unit] = []
    for i, item in enumerate(r.items(r.get(data, "units", ""), "units")):
        path = f"units[{i}]"
        u = r.obj(item, path)
        exempt = u.get("exempt", False)
        if not isinstance(exempt, bool):
            raise r.fail(f"{path}.exempt", translate("plan", "应为 true 或 false"))
        units.append(
            Unit(
                id=r.ident(u, "id", path),
                name=r.text(u, "name", path),
                full_name=r.text(u, "full_name", path, default=str(u.get("name", ""))),
                kind=r.choice(u, "kind", path, UNIT_KINDS),
                aliases=r.strs(u, "aliases", path),
                members=r.strs(u, "members", path),
                stopped_members=r.strs(u, "stopped_members", path),
                exempt=exempt,
                exempt_reason=r.text(u, "exempt_reason", path) if exempt else "",
            )
        )
    ids = [u.id for u in units]
    for i, unit_id in enumerate(ids):
        if ids.index(unit_id) != i:
            raise r.fail(f"units[{i}].id", translate("plan", "单位编号“{id}”重复").format(id=unit_id))
    return units


class _Units:
    """Checks that rows name units (or unit sets) the plan defines."""

    def __init__(self, r: _Reader, units: list[Unit], unit_sets: UnitSets) -> None:
        self.r, self.unit_sets = r, unit_sets
        self.kind_of = {u.id: u.kind for u in units}

    def unit(self, value: str, path: str) -> str:
        if value not in self.kind_of:
            raise self.r.fail(path, translate("plan", "未知的单位编号“{id}”").format(id=value))
        return value

    def refs(self, refs: tuple[str, ...], path: str) -> tuple[str, ...]:
        if not refs:
            raise self.r.fail(path, translate("plan", "至少要有一个责任单位"))
        for j, ref in enumerate(refs):
            if ref.startswith("@"):
                if ref[1:] not in self.unit_sets:
                    raise self.r.fail(
                        f"{path}[{j}]", translate("plan", "未知的单位集合“{ref}”").format(ref=ref)
                    )
            else:
                self.unit(ref, f"{path}[{j}]")
        return refs

    def holds(self, unit_id: str, refs: tuple[str, ...]) -> bool:
        """Whether `refs` names the unit, or a unit set of its kind."""
        sets = [self.unit_sets[ref[1:]][1] for ref in refs if ref.startswith("@")]
        return unit_id in refs or any(self.kind_of[unit_id] in kinds for kinds in sets)


def _annex1_rows(r: _Reader, data: dict[str, Any], known: _Units) -> list[Annex1Row]:
    annex1: list[Annex1Row] = []
    for i, item in enumerate(r.items(r.get(data["annex1"], "rows", "annex1"), "annex1.rows")):
        path = f"annex1.rows[{i}]"
        a = r.obj(item, path)
        measure = r.choice(a, "measure", path, MEASURES)
        target = r.obj(r.get(a, "target", path), f"{path}.target")
        responsible = known.refs(r.strs(a, "responsible", path, required=True), f"{path}.responsible")
        lead = r.text(a, "lead", path, default=responsible[0])
        if lead.startswith("@"):
            raise r.fail(
                f"{path}.lead", translate("plan", "首位责任单位是单位集合，请用 lead 指明由哪个单位填报")
            )
        annex1.append(
            Annex1Row(
                id=r.ident(a, "id", path),
                category=r.text(a, "category", path),
                area=r.text(a, "area", path),
                text=r.text(a, "text", path),
                measure=measure,
                target_value=None if measure == "qualitative" else r.num(target, "value", f"{path}.target"),
                target_unit="" if measure == "qualitative" else r.text(target, "unit", f"{path}.target"),
                target_text=r.text(target, "text", f"{path}.target") if measure == "qualitative" else "",
                conditions=tuple(
                    _quantity(r, c, f"{path}.conditions[{j}]")
                    for j, c in enumerate(r.items(a.get("conditions", []), f"{path}.conditions"))
                ),
                responsible=responsible,
                lead=known.unit(lead, f"{path}.lead"),
                lead_note=r.text(a, "lead_note", path, default=""),
                computed=r.choice(a, "computed", path, COMPUTED) if "computed" in a else "",
            )
        )
    return annex1


def _annex2_rows(r: _Reader, data: dict[str, Any], known: _Units) -> list[Annex2Row]:
    annex2 = []
    for i, item in enumerate(r.items(r.get(data["annex2"], "rows", "annex2"), "annex2.rows")):
        path = f"annex2.rows[{i}]"
        a = r.obj(item, path)
        annex2.append(
            Annex2Row(known.unit(r.text(a, "unit", path), f"{path}.unit"), r.num(a, "target_pct", path))
        )
    return annex2


def _annex3_rows(r: _Reader, data: dict[str, Any], known: _Units) -> list[Annex3Row]:
    annex3 = []
    for i, item in enumerate(r.items(r.get(data["annex3"], "rows", "annex3"), "annex3.rows")):
        path = f"annex3.rows[{i}]"
        a = r.obj(item, path)
        annex3.append(
            Annex3Row(
                unit=known.unit(r.text(a, "unit", path), f"{path}.unit"),
                total_cap_wan_tce=r.num(a, "total_cap_wan_tce", path),
                intensity_target=r.num(a, "intensity_target", path),
                intensity_unit=r.text(a, "intensity_unit", path),
                denominator_field=r.text(a, "denominator_field", path),
                denominator_kind=r.choice(a, "denominator_kind", path, ("stock", "flow")),
                intensity_yoy_change_pct=r.num(a, "intensity_yoy_change_pct", path),
            )
        )
    return annex3


def _annex4_rows(r: _Reader, data: dict[str, Any], known: _Units) -> list[Annex4Row]:
    annex4 = []
    for i, item in enumerate(r.items(r.get(data["annex4"], "rows", "annex4"), "annex4.rows")):
        path = f"annex4.rows[{i}]"
        a = r.obj(item, path)
        responsible = known.refs(r.strs(a, "responsible", path, required=True), f"{path}.responsible")
        row4 = _annex4_row(r, a, path, responsible)
        if row4.lead and not known.holds(known.unit(row4.lead, f"{path}.lead"), responsible):
            raise r.fail(
                f"{path}.lead", translate("plan", "牵头单位“{id}”不在责任单位之中").format(id=row4.lead)
            )
        annex4.append(row4)
    return annex4


def _check_row_ids(r: _Reader, annex1: list[Annex1Row], annex4: list[Annex4Row]) -> None:
    row_ids = [row.id for row in annex1] + [row.id for row in annex4]
    for rid in row_ids:
        if row_ids.count(rid) > 1:
            raise r.fail("annex1/annex4", translate("plan", "行编号“{id}”重复").format(id=rid))


def _check_annex3_fields(
    r: _Reader, fields: list[Field], annexes: dict[int, Annex], annex3: list[Annex3Row]
) -> None:
    """Annex 3 carriers need an electricity basis; each row's denominator must be a field."""
    field_keys = {f.key for f in fields}
    if any(f.carrier for f in fields if f.annex == 3) and annexes[3].electricity_basis is None:
        raise r.fail(
            "annex3.electricity_basis",
            translate("plan", "缺少电力折标口径（calorific＝当量值，equivalent＝等价值）"),
        )
    for i, row3 in enumerate(annex3):
        if row3.denominator_field not in field_keys:
            raise r.fail(
                f"annex3.rows[{i}].denominator_field",
                translate("plan", "没有名为“{key}”的字段").format(key=row3.denominator_field),
            )


def _rules(r: _Reader, data: dict[str, Any], field_keys: set[str]) -> Rules:
    rules_data = r.obj(r.get(data, "rules", ""), "rules")
    colours = r.obj(rules_data.get("status_colours", {}), "rules.status_colours")
    for status, colour in colours.items():
        if status not in TASK_STATUSES or colour not in COLOURS:
            raise r.fail(f"rules.status_colours.{status}", translate("plan", "状态或颜色不在可选范围内"))
    return Rules(
        warning_rule=r.choice(rules_data, "warning_rule", "rules", WARNING_RULES),
        yellow_gap_share=r.num(rules_data, "yellow_gap_share", "rules", default=0.10),
        swing_warning_pct=r.num(rules_data, "swing_warning_pct", "rules", default=30.0),
        deadline_day=int(r.num(rules_data, "deadline_day", "rules", default=15)),
        first_cumulative_month=r.month(rules_data, "first_cumulative_month", "rules", default=1),
        status_colours=dict(colours),
        audit_rules=_audit_rules(r, rules_data, field_keys),
        evidence_in_package_max_mb=_evidence_limit(r, rules_data),
    )


def _report_form(r: _Reader, data: dict[str, Any]) -> ReportForm:
    form = r.obj(r.get(data, "report_form", ""), "report_form")
    return ReportForm(
        authority=r.text(form, "authority", "report_form"),
        approval_no=r.text(form, "approval_no", "report_form"),
        valid_until=r.text(form, "valid_until", "report_form"),
        table_numbers={
            k: str(v) for k, v in r.obj(form.get("table_numbers", {}), "report_form.table_numbers").items()
        },
    )


def parse_plan(text: str, source_name: str) -> Plan:
    r = _Reader(source_name)
    data = _document(r, text)
    unit_sets = _unit_sets(r, data)
    units = _units(r, data)
    known = _Units(r, units, unit_sets)
    annexes = _annexes(r, data)
    annex1 = _annex1_rows(r, data, known)
    annex2 = _annex2_rows(r, data, known)
    annex3 = _annex3_rows(r, data, known)
    annex4 = _annex4_rows(r, data, known)
    _check_row_ids(r, annex1, annex4)
    fields = _derived_fields(r, data, annex1, annex4)
    _check_annex3_fields(r, fields, annexes, annex3)
    rules = _rules(r, data, {f.key for f in fields})
    report_form = _report_form(r, data)
    contact = r.obj(data.get("contact", {}), "contact")
    year = r.num(data, "year", "")
    if year != int(year) or not 2000 <= year <= 2100:
        raise r.fail("year", translate("plan", "年份应为 2000 到 2100 之间的整数"))
    return Plan(
        id=r.ident(data, "id", ""),
        year=int(year),
        district=r.text(data, "district", ""),
        title=r.text(data, "title", ""),
        issuer=r.text(data, "issuer", ""),
        co_issuers=r.strs(data, "co_issuers", ""),
        doc_number=r.text(data, "doc_number", ""),
        issued_on=r.text(data, "issued_on", ""),
        contact_name=r.text(contact, "name", "contact", default=""),
        contact_phones=r.strs(contact, "phones", "contact"),
        recipients_text=r.text(data, "recipients_text", "", default=""),
        body_text=r.text(data, "body_text", "", default=""),
        district_unit=known.unit(r.text(data, "district_unit", ""), "district_unit"),
        coefficients=r.text(data, "coefficients", ""),
        emission_factors=r.text(data, "emission_factors", "", default=""),
        report_form=report_form,
        rules=rules,
        unit_sets=unit_sets,
        units=tuple(units),
        annexes=annexes,
        annex1=tuple(annex1),
        annex2=tuple(annex2),
        annex3=tuple(annex3),
        annex4=tuple(annex4),
        fields=tuple(fields),
        source=text,
    )


MAX_PLAN_BYTES = 16 * 2**20  # the shipped plan is under 40 KB


def load_plan(path: str | Path) -> Plan:
    from model.safety.files import read_bounded

    path = Path(path)
    try:
        raw = read_bounded(path, MAX_PLAN_BYTES, translate("plan", "计划文件"))
        text = raw.decode("utf-8-sig")  # Notepad may have added a byte order mark
    except FileNotFoundError:
        raise PlanError(
            translate("plan", "找不到计划文件 {file}，请检查路径。").format(file=shown(path))
        ) from None
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(raw):  # a character cut in two
            raise PlanError(
                translate(
                    "plan", "计划文件 {file} 不完整，在中途被截断了。请重新复制或下载完整的计划文件。"
                ).format(file=shown(path))
            ) from None
        raise PlanError(
            translate(
                "plan",
                "计划文件 {file} 不是文本文件（UTF-8），可能已损坏，或是改了扩展名的其他文件。请使用区里下发或 TanBao 导出的计划文件（.json）。",
            ).format(file=shown(path))
        ) from None
    except OSError as exc:
        raise PlanError(
            translate("plan", "无法读取计划文件 {file}：{err}").format(
                file=shown(path), err=exc.strerror or exc
            )
        ) from None
    return parse_plan(text, str(path))


def shipped_plan_text() -> str:
    return resources.files("resources").joinpath("plans", SHIPPED_PLAN).read_text(encoding="utf-8")


def load_shipped_plan() -> Plan:
    return parse_plan(shipped_plan_text(), SHIPPED_PLAN)
