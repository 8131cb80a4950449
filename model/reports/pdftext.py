"""The text a PDF prints, read back run by run, so the district can compare a package's visible tables with
the data it carries (see `model.exchange.revalidate`).

A small reader for what this program writes (reportlab: literal or hex strings shown with Tj, TJ, ' and ",
TrueType subsets with a ToUnicode map, standard fonts in WinAnsi), on top of pyHanko's PDF reader, which
bounds how much a stream may decompress to. It reads the pages' content streams only (not annotations
such as the signature stamp). Each text-showing operator gives one run: reportlab draws one line of a
paragraph (a table cell, or one line of a wrapped cell) per run. Anything it cannot decode gives no text,
so a crafted file can only make the comparison fail, never pass.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

MAX_PAGES = 500
MAX_RUNS = 200_000
MAX_STREAM_BYTES = 32 * 2**20  # one content stream decompressed, as signing bounds pyHanko
_DEPTH = 32

_LITERAL = rb"\(((?:[^()\\]|\\.)*)\)"
_HEX = rb"<([0-9A-Fa-f\s]*)>"
# The operators that matter, in drawing order: a font switch, a string shown with Tj, ' or ", an array
# shown with TJ. One regex over the whole stream (a tokenizer in Python is several times slower).
_TEXT_OPS = re.compile(
    rb"/([^\s/\[\]()<>{}%]+)\s+[-+]?[\d.]+\s+Tf"
    + rb"|"
    + _LITERAL
    + rb"\s*(?:Tj|'|\")"
    + rb"|"
    + _HEX
    + rb"\s*Tj"
    + rb"|\[((?:[^\]()\\]|\\.|\((?:[^()\\]|\\.)*\))*)\]\s*TJ",
    re.S,
)
_ARRAY_STRINGS = re.compile(_LITERAL + rb"|" + _HEX, re.S)
_BYTES = re.compile(rb".", re.S)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|[\s\S])")
_ESCAPES = {
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"b": b"\b",
    b"f": b"\f",
    b"\n": b"",
    b"\r": b"",
    b"\r\n": b"",
}


def _unescape(literal: bytes) -> bytes:
    if b"\\" not in literal:
        return literal

    def one(m: re.Match[bytes]) -> bytes:
        code = m.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 0xFF])
        return _ESCAPES.get(code, code)

    return _ESCAPE.sub(one, literal)


def _hex(digits: bytes) -> bytes:
    digits = re.sub(rb"\s", b"", digits)
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))


class _Codes(dict[bytes, str]):
    """A font's code → text map; a code it does not map gives no text."""

    def __missing__(self, code: bytes) -> str:
        return ""


def _to_unicode(font: Any) -> tuple[dict[bytes, str], int]:
    """The font's code → text map and code length in bytes (empty map: decode as WinAnsi/Latin-1)."""
    try:
        cmap = font.get("/ToUnicode")
        data = cmap.get_object().data if cmap is not None else b""
    except Exception:
        return {}, 1
    return _parse_cmap(bytes(data))


@lru_cache(maxsize=64)
def _parse_cmap(data: bytes) -> tuple[dict[bytes, str], int]:
    """A ToUnicode map read once per process: the packages of a batch embed the same few subsets. The map
    is shared: callers only read it."""
    codes: dict[bytes, str] = _Codes()
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            codes[bytes.fromhex(src.decode())] = _utf16(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            a, b, width = int(lo, 16), int(hi, 16), len(lo) // 2
            start = _utf16(dst)
            for k in range(min(b - a + 1, 65536)):
                text = start[:-1] + chr(ord(start[-1]) + k) if start else ""
                codes[(a + k).to_bytes(width, "big")] = text
    width = len(next(iter(codes))) if codes else 1
    return codes, width


def _utf16(hexdigits: bytes) -> str:
    try:
        return bytes.fromhex(hexdigits.decode()).decode("utf-16-be")
    except (ValueError, UnicodeDecodeError):
        return ""


def _decode(raw: bytes, font: tuple[dict[bytes, str], int] | None) -> str:
    if font is None or not font[0]:
        return raw.decode("latin-1")
    codes, width = font
    if width == 1:
        return "".join(map(codes.__getitem__, _BYTES.findall(raw)))
    return "".join(map(codes.__getitem__, [raw[i : i + width] for i in range(0, len(raw), width)]))


def _pages(node: Any, depth: int = 0) -> Iterator[Any]:
    if depth > _DEPTH:
        return
    node = node.get_object()
    if node.get("/Type") == "/Page" or "/Kids" not in node:
        yield node
        return
    for kid in node["/Kids"]:
        yield from _pages(kid, depth + 1)


def _content(page: Any) -> bytes:
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    if isinstance(contents, list):
        return b"\n".join(_stream_data(part.get_object()) for part in contents)
    return _stream_data(contents)


_A85_FLATE = ["/ASCII85Decode", "/FlateDecode"]
_A85_OFFSET = 33 * (85**4 + 85**3 + 85**2 + 85 + 1)  # each digit is its byte minus 33 ("!")


def _stream_data(stream: Any) -> bytes:
    """A stream's decoded bytes. What reportlab writes (ASCII85 then Flate) in a file that is not
    encrypted is decoded here, several times faster than pyHanko's byte-by-byte ASCII85 and bounded as
    pyHanko bounds it; anything else by pyHanko."""
    if stream.get("/Filter") != _A85_FLATE or "/DecodeParms" in stream or _encrypted(stream):
        return bytes(stream.data)
    inflate = zlib.decompressobj()
    data = inflate.decompress(_ascii85(bytes(stream.encoded_data)), MAX_STREAM_BYTES)
    if inflate.unconsumed_tail:
        raise ValueError("a content stream decompresses to more than the limit")
    return data


def _encrypted(stream: Any) -> bool:
    try:
        return stream.container_ref.get_pdf_handler().security_handler is not None
    except AttributeError:  # not read from a file, or no handler: let pyHanko decide
        return True


def _ascii85(encoded: bytes) -> bytes:
    """ASCII85 (PDF's ASCII85Decode): five digits ("!" to "u") for four bytes, "z" for four zero bytes, a
    short last group, "~>" at the end; whitespace ignored."""
    body = re.sub(rb"\s", b"", encoded.split(b"~>", 1)[0]).replace(b"z", b"!!!!!")
    if body.strip(bytes(range(0x21, 0x76))):
        raise ValueError("not ASCII85")
    short = len(body) % 5
    if short == 1:
        raise ValueError("an ASCII85 group of one digit")
    if short:
        body += b"u" * (5 - short)
    groups = iter(body)
    values = [
        (((a * 85 + b) * 85 + c) * 85 + d) * 85 + e - _A85_OFFSET
        for a, b, c, d, e in zip(groups, groups, groups, groups, groups, strict=True)
    ]
    if any(v > 0xFFFFFFFF for v in values):
        raise ValueError("an ASCII85 group over 32 bits")
    decoded = struct.pack(f">{len(values)}L", *values)
    return decoded[: len(decoded) - (5 - short)] if short else decoded


Font = tuple[dict[bytes, str], int]


def _fonts(page: Any, known: dict[Any, Font]) -> dict[str, Font]:
    """The page's fonts by resource name; `known` keeps each font read once per file (pages share them)."""
    try:
        fonts = page["/Resources"].get_object()["/Font"].get_object()
    except (KeyError, TypeError, AttributeError):
        return {}
    named = {}
    for name, ref in fonts.items():
        key = getattr(ref, "reference", None) or id(ref)
        if key not in known:
            known[key] = _to_unicode(ref.get_object())
        named[str(name)[1:]] = known[key]
    return named


def _page_runs(page: Any, known: dict[Any, Font]) -> Iterator[str]:
    fonts = _fonts(page, known)
    font = None
    for m in _TEXT_OPS.finditer(_content(page)):
        name, literal, hexdigits, array = m.groups()
        if name is not None:
            font = fonts.get(name.decode("latin-1"))
        elif literal is not None:
            yield _decode(_unescape(literal), font)
        elif hexdigits is not None:
            yield _decode(_hex(hexdigits), font)
        else:
            parts = _ARRAY_STRINGS.finditer(array)
            yield "".join(
                _decode(_unescape(p.group(1)) if p.group(1) is not None else _hex(p.group(2)), font)
                for p in parts
            )


def text_runs(pdf: bytes) -> list[str]:
    """Every text run the pages print, in drawing order. Raises ValueError for a file it cannot read."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from model.reports import hexstrings

    hexstrings.install()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        runs: list[str] = []
        known: dict[Any, Font] = {}
        for n, page in enumerate(_pages(reader.root["/Pages"])):
            if n >= MAX_PAGES:
                break
            for run in _page_runs(page, known):
                runs.append(run)
                if len(runs) >= MAX_RUNS:
                    return runs
        return runs
    except Exception as exc:  # a crafted file: whatever pyHanko or this reader trips over
        raise ValueError(str(exc)) from None
