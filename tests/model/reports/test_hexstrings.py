"""The fast hex-string reader in front of pyHanko's: the same string, the same stream position afterwards,
and the same refusal as pyHanko's own reader, for sound and crafted input alike."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pyhanko.pdf_utils import generic

from model.reports import hexstrings

hexstrings.install()
FAST = generic.read_hex_string_from_stream
ORIGINAL = FAST.original  # type: ignore[attr-defined]
LONG = b"0123456789abcdef" * 9000  # longer than a chunk the fast reader takes at a time

CASES = [
    b"<48656c6c6f>",
    b"<48656c6c6f> 0 obj rest",
    b"<>",
    b"<486>",  # an odd number of digits: the last is padded with 0
    b"<48 65\n6c\r6c\t6f\x00\x0c>",
    b"<FEFF00410042>",  # a UTF-16 text string
    b"<" + LONG + b">trailing",
    b"<" + LONG + b"3>",
    b"<48%comment>\n65>",  # a comment inside: pyHanko skips it
    b"<48%comment\n65>",
    b"<48zz65>",  # not a hex digit
    b"<4865",  # no closing >
    b"<" + LONG,
    b"<" + LONG + b"x" + LONG + b">",
    b"<48(65)>",
]


def _read(reader: Any, data: bytes) -> tuple[Any, int]:
    stream = io.BytesIO(data)
    try:
        result: Any = reader(stream)
        found = (type(result).__name__, bytes(result.original_bytes))
    except Exception as exc:
        found = ("error", type(exc).__name__)
    return found, stream.tell()


@pytest.mark.parametrize("data", CASES, ids=range(len(CASES)))
def test_fast_reader_reads_what_pyhanko_reads_and_leaves_the_stream_where_it_does(data: bytes) -> None:
    assert _read(FAST, data) == _read(ORIGINAL, data)


def test_a_signature_contents_string_reads_whole() -> None:
    found, position = _read(FAST, b"<" + b"0a" * 5000 + b"> /Type")
    assert found == ("ByteStringObject", b"\n" * 5000)
    assert position == 1 + 10000 + 1


def test_install_twice_keeps_one_fast_reader() -> None:
    hexstrings.install()
    assert generic.read_hex_string_from_stream is FAST
