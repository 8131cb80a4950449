"""Reading numbers the way clerks type or paste them.

Understood: thousands separators (1,234 / 1，234), full-width digits and signs, spaces, a trailing
unit (吨, 万元, kWh …) or percent sign, the Unicode minus, and accounting negatives "(1,234)".
Anything else is refused with a message that says what is wrong and what to write instead.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from model.common.errors import UserError
from model.common.i18n import translate

# Longest first, so 吨标准煤 wins over 吨.
UNITS = sorted(
    [
        "万吨标准煤",
        "万吨标煤",
        "吨标准煤",
        "吨标煤",
        "tce",
        "吨",
        "千克",
        "公斤",
        "kg",
        "万元",
        "亿元",
        "元",
        "千瓦时",
        "万千瓦时",
        "kwh",
        "度",
        "亿度",
        "立方米",
        "万立方米",
        "m3",
        "m³",
        "平方米",
        "万平方米",
        "m2",
        "㎡",
        "m²",
        "百万焦耳",
        "吉焦",
        "mj",
        "gj",
        "公顷",
        "家",
        "户",
        "个",
        "项",
        "万",
        "亿",
        "万千克",
        "万吨",
        "亿千瓦时",
        "亿立方米",
        "万公顷",
    ],
    key=len,
    reverse=True,
)

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_BARE = re.compile(r"^[\d,. ()+-]*$")  # no unit can be written with these alone (a paste is mostly such)


@dataclass(frozen=True)
class Parsed:
    value: float | None  # None: the cell was blank
    percent: bool = False
    unit: str = ""


def _normalise(text: str) -> str:
    # NFKC turns full-width digits, comma, period and signs into ASCII; keep ㎡/m³ readable.
    text = unicodedata.normalize("NFKC", text)
    return (
        text.replace("\u2212", "-")  # minus sign
        .replace("\u2013", "-")
        .replace("\u3000", " ")
        .replace("\u00a0", " ")
        .replace("，", ",")
        .strip()
    )


def parse_number(raw: str | float | int | None) -> Parsed:
    """Parse one cell. Blank gives `Parsed(None)`; a malformed cell raises `UserError`."""
    if raw is None:
        return Parsed(None)
    if isinstance(raw, bool):
        raise UserError(translate("numbers", "“{text}”不是数字。").format(text=raw))
    if isinstance(raw, int | float):
        try:
            number = float(raw)
        except OverflowError:  # an integer beyond any float
            number = math.inf
        if not math.isfinite(number):
            raise UserError(translate("numbers", "“{text}”不是有效数字。").format(text=raw))
        return Parsed(number)
    original = str(raw)
    text = _normalise(original)
    if text == "":
        return Parsed(None)
    percent = False
    if text.endswith("%"):
        percent, text = True, text[:-1].strip()
    unit = ""
    lowered = "" if _BARE.match(text) else text.lower()
    for candidate in UNITS if lowered else ():
        if lowered.endswith(candidate.lower()) and len(text) > len(candidate):
            unit, text = candidate, text[: -len(candidate)].strip()
            break
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    text = text.replace(" ", "")
    if "," in text:
        if not _GROUPED.match(text):
            raise UserError(
                translate("numbers", "“{text}”的千分位逗号位置不对：请写成 1,234.5 这样的数字。").format(
                    text=original
                )
            )
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        raise UserError(
            translate(
                "numbers", "“{text}”不是数字：请只填写数字，可以带千分位逗号或单位，例如 1,234.5 吨。"
            ).format(text=original.strip())
        )
    value = float(text)
    if not math.isfinite(value):
        raise UserError(translate("numbers", "“{text}”不是有效数字。").format(text=original))
    return Parsed(-value if negative else value, percent, unit)


# Each unit a clerk may type (and each field unit) as a base quantity and how many of the base it is.
# A bare 万 or 亿 is a magnitude of the field's own unit. "吨" after an energy figure means 吨标准煤.
_BASE: dict[str, tuple[str, float]] = {
    "吨标准煤": ("tce", 1),
    "吨标煤": ("tce", 1),
    "tce": ("tce", 1),
    "吨": ("tce", 1),
    "万吨标准煤": ("tce", 1e4),
    "万吨标煤": ("tce", 1e4),
    "万吨": ("tce", 1e4),
    "元": ("元", 1),
    "万元": ("元", 1e4),
    "亿元": ("元", 1e8),
    "千瓦时": ("kWh", 1),
    "kwh": ("kWh", 1),
    "度": ("kWh", 1),
    "万千瓦时": ("kWh", 1e4),
    "亿千瓦时": ("kWh", 1e8),
    "亿度": ("kWh", 1e8),
    "立方米": ("m³", 1),
    "m3": ("m³", 1),
    "m³": ("m³", 1),
    "万立方米": ("m³", 1e4),
    "亿立方米": ("m³", 1e8),
    "平方米": ("m²", 1),
    "m2": ("m²", 1),
    "㎡": ("m²", 1),
    "m²": ("m²", 1),
    "万平方米": ("m²", 1e4),
    "千克": ("kg", 1),
    "公斤": ("kg", 1),
    "kg": ("kg", 1),
    "万千克": ("kg", 1e4),
    "百万焦耳": ("MJ", 1),
    "mj": ("MJ", 1),
    "吉焦": ("MJ", 1e3),
    "gj": ("MJ", 1e3),
    "公顷": ("ha", 1),
    "万公顷": ("ha", 1e4),
}
_MAGNITUDES = {"万": 1e4, "亿": 1e8}


def _base(unit: str) -> tuple[str, float]:
    return _BASE.get(unit.lower(), (unit, 1))


def in_field_unit(parsed: Parsed, field_unit: str) -> float | None:
    """The typed value in the field's unit: "410万" in a 千瓦时 field is 4,100,000; "4.1亿" in a 万元
    field is 41,000; "5 万元" in a 吨标准煤 field is None (a unit that does not fit)."""
    if parsed.value is None:
        return None
    if not parsed.unit or parsed.unit == field_unit:
        return parsed.value
    field, field_factor = _base(field_unit)
    if parsed.unit in _MAGNITUDES:  # 410万 in a 万元 column is 410万元; in a 千瓦时 column 410万千瓦时
        known = field_unit.lower() in _BASE
        return parsed.value * _MAGNITUDES[parsed.unit] / field_factor if known else None
    typed, typed_factor = _base(parsed.unit)
    if typed != field:
        return None
    return parsed.value * typed_factor / field_factor


def accepted_forms(field_unit: str) -> str:
    """How a value may be written for a field, for the message that refuses one that does not fit."""
    field, _ = _base(field_unit)
    units = [u for u, (base, _f) in _BASE.items() if base == field and u not in (field_unit, "吨")]
    examples = ["1,234.5", f"1,234.5 {field_unit}" if field_unit else ""]
    if field_unit.lower() in _BASE:
        examples += ["12万", *(f"12{u}" for u in units[:3])]
    return "、".join(e for e in examples if e)
