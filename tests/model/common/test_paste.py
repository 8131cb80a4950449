"""Blocks as Excel and WPS put them on the clipboard."""

from hypothesis import given
from hypothesis import strategies as st

from model.common.paste import parse_block
from model.common.periods import Period, due_period


def test_excel_block_with_crlf_and_final_line_end():
    assert parse_block("1,200\t1100\r\nabc\t\r\n") == [["1,200", "1100"], ["abc", ""]]


def test_quoted_cell_with_a_line_break_stays_one_cell():
    assert parse_block('"a\nb"\t2\n3\t4') == [["a\nb", "2"], ["3", "4"]]


def test_single_cell_and_empty():
    assert parse_block("42") == [["42"]]
    assert parse_block("") == []


@given(
    st.lists(
        st.lists(st.text(alphabet="0123456789,.吨万元 -%", max_size=8), min_size=1, max_size=4),
        min_size=1,
        max_size=6,
    )
)
def test_plain_grids_round_trip(rows):
    width = len(rows[0])
    rows = [(r + [""] * width)[:width] for r in rows]
    text = "\r\n".join("\t".join(r) for r in rows) + "\r\n"
    assert parse_block(text) == rows


def test_due_period_follows_the_calendar():
    assert due_period(2024, 2024, 8) == Period(2024, 7)
    assert due_period(2024, 2024, 1) == Period(2024, 1)
    assert due_period(2024, 2025, 1) == Period(2024, 12)
    assert due_period(2024, 2026, 11) == Period(2024, 12)
    assert due_period(2025, 2024, 11) == Period(2025, 1)
