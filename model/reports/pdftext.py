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
from collections.abc import Iterator
from typing import Any

MAX_PAGES = 500
MAX_RUNS = 200_000
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
    def one(m: re.Match[bytes]) -> bytes:
        code = m.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 0xFF])
        return _ESCAPES.get(code, code)

    return _ESCAPE.sub(one, literal)


def _hex(digits: bytes) -> bytes:
    digits = re.sub(rb"\s", b"", digits)
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))


def _to_unicode(font: Any) -> tuple[dict[bytes, str], int]:
    """The font's code → text map and code length in bytes (empty map: decode as WinAnsi/Latin-1)."""
    try:
        cmap = font.get("/ToUnicode")
        data = cmap.get_object().data if cmap is not None else b""
    except Exception:
        return {}, 1
    codes: dict[bytes, str] = {}
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
    return "".join(codes.get(raw[i : i + width], "") for i in range(0, len(raw), width))


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
        return b"\n".join(part.get_object().data for part in contents)
    return bytes(contents.data)


def _fonts(page: Any) -> dict[str, tuple[dict[bytes, str], int]]:
    try:
        fonts = page["/Resources"].get_object()["/Font"].get_object()
    except (KeyError, TypeError, AttributeError):
        return {}
    return {str(name)[1:]: _to_unicode(ref.get_object()) for name, ref in fonts.items()}


def _page_runs(page: Any) -> Iterator[str]:
    fonts = _fonts(page)
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

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        runs: list[str] = []
        for n, page in enumerate(_pages(reader.root["/Pages"])):
            if n >= MAX_PAGES:
                break
            for run in _page_runs(page):
                runs.append(run)
                if len(runs) >= MAX_RUNS:
                    return runs
        return runs
    except Exception as exc:  # a crafted file: whatever pyHanko or this reader trips over
        raise ValueError(str(exc)) from None
