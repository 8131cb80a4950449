"""Carbon emission factors (tCO₂ per unit of a carrier) as versioned data beside the coefficient table.

Each factor names its source and status (confirmed / weak / assumed). Electricity and heat are given
directly; a fossil fuel's factor is derived here from the guideline's parameters:
low heating value (GJ per unit) × carbon content (tC/TJ) / 1000 × oxidation rate × 44/12.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from model.common.errors import UserError
from model.common.i18n import translate
from model.plan.coefficients import read_data_file

SHIPPED = "emission-factors-2024.json"
STATUSES = ("confirmed", "weak", "assumed")


def status_label(status: str) -> str:
    """A factor's source status in words (DOMAIN.md: confirmed / weak / assumed)."""
    words = {
        "confirmed": translate("emission", "已确认"),
        "weak": translate("emission", "来源较弱"),
        "assumed": translate("emission", "推定"),
    }
    return words.get(status, status)


CO2_PER_C = 44 / 12


@dataclass(frozen=True)
class EmissionFactor:
    carrier: str
    unit: str
    t_co2_per_unit: float
    status: str
    source: str
    derived: bool  # computed from the parameters below, not given in the source
    ncv_gj_per_unit: float | None = None
    carbon_tc_per_tj: float | None = None
    oxidation: float | None = None


@dataclass(frozen=True)
class EmissionFactorSet:
    version: str
    year: int
    factors: dict[str, EmissionFactor]
    title: str = ""

    def factor(self, carrier: str) -> EmissionFactor:
        try:
            return self.factors[carrier]
        except KeyError:
            raise UserError(
                translate(
                    "emission", "排放因子表 {version} 中没有能源品种“{carrier}”，请管理员补充。"
                ).format(version=self.version, carrier=carrier)
            ) from None


def derive_factor(ncv_gj_per_unit: float, carbon_tc_per_tj: float, oxidation: float) -> float:
    """tCO₂ per unit = low heating value × carbon content per heat × oxidation × 44/12."""
    return ncv_gj_per_unit * carbon_tc_per_tj / 1000 * oxidation * CO2_PER_C


def _positive(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and value > 0


def _parse_factor(key: str, item: Any, fail: Any) -> EmissionFactor:
    if not isinstance(item, dict):
        raise fail(f"factors.{key}", translate("emission", "应为对象"))
    status, source = item.get("status"), item.get("source")
    if status not in STATUSES:
        raise fail(f"factors.{key}.status", translate("emission", "应为 confirmed、weak 或 assumed"))
    if not isinstance(source, str) or not source:
        raise fail(f"factors.{key}.source", translate("emission", "应写明来源"))
    unit = str(item.get("unit", ""))
    if "t_co2_per_unit" in item:
        if not _positive(item["t_co2_per_unit"]):
            raise fail(f"factors.{key}.t_co2_per_unit", translate("emission", "应为正数"))
        return EmissionFactor(key, unit, float(item["t_co2_per_unit"]), status, source, False)
    params: list[Any] = [item.get(k) for k in ("ncv_gj_per_unit", "carbon_tc_per_tj", "oxidation")]
    if not all(_positive(p) for p in params) or params[2] > 1:
        raise fail(f"factors.{key}", translate("emission", "应给出排放因子，或低位发热量、含碳量和碳氧化率"))
    ncv, cc, ox = (float(p) for p in params)
    return EmissionFactor(key, unit, derive_factor(ncv, cc, ox), status, source, True, ncv, cc, ox)


def parse_emission_factors(text: str, source_name: str) -> EmissionFactorSet:
    data, fail = read_data_file(
        text, source_name, "tanbao-emission-factors", translate("emission", "排放因子文件")
    )
    version, year, raw = data.get("version"), data.get("year"), data.get("factors")
    if not isinstance(version, str) or not version:
        raise fail("version", translate("emission", "缺少版本"))
    if isinstance(year, bool) or not isinstance(year, int):
        raise fail("year", translate("emission", "缺少年份"))
    if not isinstance(raw, dict) or not raw:
        raise fail("factors", translate("emission", "应为非空对象"))
    factors = {k: _parse_factor(k, v, fail) for k, v in raw.items()}
    return EmissionFactorSet(version, year, factors, str(data.get("title", "")))


@lru_cache(maxsize=1)
def load_shipped_emission_factors() -> EmissionFactorSet:
    text = resources.files("resources").joinpath("coefficients", SHIPPED).read_text(encoding="utf-8")
    return parse_emission_factors(text, SHIPPED)
