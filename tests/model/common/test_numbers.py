"""How typed and pasted numbers are read."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.common.errors import UserError
from model.common.numbers import in_field_unit, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234.5", 1234.5),
        ("1,234.5", 1234.5),
        ("1，234", 1234.0),
        ("１２３４．５", 1234.5),
        (" 12 吨 ", 12.0),
        ("3.5万元", 3.5),
        ("1,000 kWh", 1000.0),
        ("−3.2", -3.2),
        ("(1,234)", -1234.0),
        ("5%", 5.0),
        ("５％", 5.0),
        ("1e3", 1000.0),
        ("0", 0.0),
        (".5", 0.5),
    ],
)
def test_understood(text, value):
    assert parse_number(text).value == value


def test_percent_and_unit_are_reported():
    assert parse_number("5%").percent
    assert parse_number("12 吨").unit == "吨"


@pytest.mark.parametrize("text", ["", "   ", None])
def test_blank_is_no_value(text):
    assert parse_number(text).value is None


@pytest.mark.parametrize("text", ["abc", "12abc", "1,23", "1.2.3", "12 元/吨", "--5", "nan", "inf", "1,2345"])
def test_refused_with_chinese_message(text):
    with pytest.raises(UserError) as info:
        parse_number(text)
    assert "数字" in str(info.value) or "逗号" in str(info.value)


@pytest.mark.parametrize(
    ("text", "field_unit", "value"),
    [
        ("1,234.5 吨", "吨标准煤", 1234.5),
        ("12 kWh", "千瓦时", 12),
        ("410万", "千瓦时", 4_100_000),
        ("410万", "万元", 410),
        ("410万元", "万元", 410),
        ("4.1亿", "万元", 41_000),
        ("4.1亿元", "万元", 41_000),
        ("3.5万千瓦时", "千瓦时", 35_000),
        ("1.7亿度", "亿度", 1.7),
        ("17000万千瓦时", "亿度", 1.7),
        ("1.2万吨标准煤", "吨标准煤", 12_000),
        ("（12）", "吨标准煤", -12),
        ("7万平方米", "万平方米", 7),
        ("70000平方米", "万平方米", 7),
    ],
)
def test_units_and_magnitudes_are_read_in_the_fields_unit(text, field_unit, value):
    assert in_field_unit(parse_number(text), field_unit) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "field_unit"),
    [("5 万元", "吨标准煤"), ("12 kWh", "万元"), ("3 公顷", "平方米"), ("12万", "%"), ("3万", "家")],
)
def test_a_unit_of_another_quantity_does_not_fit(text, field_unit):
    assert in_field_unit(parse_number(text), field_unit) is None


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_round_trip_of_formatted_numbers(x):
    assert parse_number(f"{x:,.4f}").value == pytest.approx(round(x, 4), rel=1e-12, abs=1e-9)
    assert parse_number(repr(x)).value == x


@given(st.text(max_size=20))
def test_any_text_gives_a_number_or_a_user_error(text):
    try:
        result = parse_number(text)
    except UserError as exc:
        assert exc.message
    else:
        assert result.value is None or isinstance(result.value, float)


# ---- hostile input: what a clerk (or a pasted workbook) might hand over ----------------------------

_PIECES = st.sampled_from(
    [
        *"0123456789０１２３４５６７８９.,，．-−–+()（）%％eE 　\u00a0\t",
        *["吨", "万元", "kWh", "㎡", "m³", "tce", "1e308", "9" * 40, "nan", "inf", "∞", "٣", "²"],
    ]
)


@given(st.lists(_PIECES, max_size=12).map("".join))
def test_number_like_text_gives_a_finite_number_or_a_user_error(text):
    try:
        result = parse_number(text)
    except UserError as exc:
        assert exc.message and "\n" not in exc.message
    else:
        assert result.value is None or math.isfinite(result.value)


@given(st.one_of(st.integers(), st.floats(), st.booleans(), st.none()))
def test_cell_values_from_a_workbook_give_a_finite_number_or_a_user_error(raw):
    try:
        result = parse_number(raw)
    except UserError as exc:
        assert exc.message
    else:
        assert result.value is None or math.isfinite(result.value)


def test_an_integer_too_large_for_any_float_is_refused():
    with pytest.raises(UserError, match="不是有效数字"):
        parse_number(10**400)


def test_a_unit_that_does_not_fit_is_refused_with_what_would_be_accepted(plan):
    from model.common.periods import parse_period
    from model.entry.figures import convert

    with pytest.raises(UserError) as info:
        convert(plan, "fengjing", parse_period("2024-03"), "energy_tce", "5 万元")
    assert "单位不符" in info.value.message and "1,234.5 吨标准煤" in info.value.message
    assert convert(plan, "fengjing", parse_period("2024-03"), "output_wan_yuan", "4.1亿")[0] == pytest.approx(
        41000
    )
