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
    ],
    key=len,
    reverse=True,
)

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


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
    lowered = text.lower()
    for candidate in UNITS:
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


# A field's unit and the suffixes a clerk may type after a number for it.
UNIT_SUFFIXES: dict[str, tuple[str, ...]] = {
    "吨标准煤": ("吨标准煤", "吨标煤", "tce", "吨"),
    "万元": ("万元",),
    "千瓦时": ("千瓦时", "kwh", "度"),
    "立方米": ("立方米", "m3", "m³"),
    "平方米": ("平方米", "m2", "㎡", "m²"),
    "千克": ("千克", "公斤", "kg"),
    "百万焦耳": ("百万焦耳", "mj"),
}


def unit_accepted(field_unit: str, typed_unit: str) -> bool:
    if not typed_unit:
        return True
    allowed = UNIT_SUFFIXES.get(field_unit, (field_unit,))
    return typed_unit.lower() in {a.lower() for a in allowed}
