"""Standard-coal conversion coefficients (GB/T 2589-2020) as versioned data.

Electricity has two bases: 当量值 (calorific, 0.1229 kgce/kWh) and 等价值 (equivalent, by the year's
generation coal rate, set per year). Totals differ by more than 2× between them, so every total carries
the basis and the table version it was computed with.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from model.common.errors import PlanError, UserError
from model.common.i18n import translate
from model.common.paths import resource

SHIPPED = "gbt2589-2020.json"
CALORIFIC, EQUIVALENT = "calorific", "equivalent"
ELECTRICITY = "electricity"  # the carrier whose coefficient depends on the basis


@dataclass(frozen=True)
class Carrier:
    key: str
    label: str
    unit: str
    kgce: float


@dataclass(frozen=True)
class CoefficientSet:
    version: str
    carriers: dict[str, Carrier]
    electricity_equivalent: dict[int, float]  # year -> kgce per kWh
    source: str = ""

    def kgce_per_unit(self, carrier: str, basis: str, year: int) -> float:
        if carrier == ELECTRICITY and basis == EQUIVALENT:
            if year not in self.electricity_equivalent:
                raise UserError(
                    translate(
                        "coefficients", "系数表 {version} 没有 {year} 年的电力等价值，请管理员先设定。"
                    ).format(version=self.version, year=year)
                )
            return self.electricity_equivalent[year]
        try:
            return self.carriers[carrier].kgce
        except KeyError:
            raise UserError(
                translate("coefficients", "系数表 {version} 中没有能源品种“{carrier}”。").format(
                    version=self.version, carrier=carrier
                )
            ) from None

    def to_tce(self, carrier: str, amount: float, basis: str, year: int) -> float:
        return amount * self.kgce_per_unit(carrier, basis, year) / 1000.0


def basis_label(basis: str) -> str:
    return translate("coefficients", "当量值") if basis == CALORIFIC else translate("coefficients", "等价值")


Fail = Callable[[str, str], PlanError]


def read_data_file(text: str, source_name: str, file_format: str, what: str) -> tuple[dict[str, Any], Fail]:
    """A versioned data file's JSON object (`what`: 系数文件, 排放因子文件 …) and the error it raises for a
    wrong value at a path."""

    def fail(path: str, problem: str) -> PlanError:
        return PlanError(
            translate("coefficients", "{what} {file} 有误：{path}：{problem}").format(
                what=what, file=source_name, path=path, problem=problem
            )
        )

    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(f"第 {exc.lineno} 行", exc.msg) from None
    if not isinstance(data, dict) or data.get("format") != file_format:
        raise fail("format", translate("coefficients", "不是 TanBao {what}").format(what=what))
    return data, fail


def parse_coefficients(text: str, source_name: str) -> CoefficientSet:
    data, fail = read_data_file(
        text, source_name, "tanbao-coefficients", translate("coefficients", "系数文件")
    )
    carriers: dict[str, Carrier] = {}
    raw_carriers = data.get("carriers")
    if not isinstance(raw_carriers, dict) or not raw_carriers:
        raise fail("carriers", translate("coefficients", "应为非空对象"))
    for key, item in raw_carriers.items():
        kgce = item.get("kgce") if isinstance(item, dict) else None
        if isinstance(kgce, bool) or not isinstance(kgce, int | float) or kgce <= 0:
            raise fail(f"carriers.{key}.kgce", translate("coefficients", "应为正数"))
        carriers[key] = Carrier(key, str(item.get("label", key)), str(item.get("unit", "")), float(kgce))
    equivalent: dict[int, float] = {}
    for year, item in (data.get("electricity_equivalent") or {}).items():
        value = item.get("kgce_per_kwh") if isinstance(item, dict) else None
        if (
            not str(year).isdigit()
            or isinstance(value, bool)
            or not isinstance(value, int | float)
            or value <= 0
        ):
            raise fail(f"electricity_equivalent.{year}", translate("coefficients", "年份或系数不对"))
        equivalent[int(year)] = float(value)
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise fail("version", translate("coefficients", "缺少版本"))
    return CoefficientSet(version, carriers, equivalent, text)


def load_shipped_coefficients() -> CoefficientSet:
    text = resource("coefficients", SHIPPED).read_text(encoding="utf-8")
    return parse_coefficients(text, SHIPPED)
