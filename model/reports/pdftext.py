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

_TOKEN = re.compile(
    rb"\s*(?:(%[^\r\n]*)|(\()|(<<|>>)|<([0-9A-Fa-f\s]*)>|(\[|\])|(/[^\s/\[\]()<>{}%]*)"
    rb"|([+-]?(?:\d+\.?\d*|\.\d+))|([^\s/\[\]()<>{}%]+))"
)
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}


def _literal(data: bytes, i: int) -> tuple[bytes, int]:
    """The literal string starting after the '(' at i-1; returns (bytes, index after ')')."""
    out, depth = bytearray(), 1
    while i < len(data):
        c = data[i]
        if c == 0x5C and i + 1 < len(data):  # backslash
            n = data[i + 1]
            if n in _ESCAPES:
                out += _ESCAPES[n]
                i += 2
            elif 0x30 <= n <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", data[i + 1 : i + 4])
                assert digits is not None
                out.append(int(digits.group(), 8) & 0xFF)
                i += 1 + len(digits.group())
            elif n in (0x0A, 0x0D):
                i += 2
            else:
                out.append(n)
                i += 2
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(c)
        i += 1
    return bytes(out), i


def _tokens(data: bytes) -> Iterator[tuple[str, Any]]:
    """(kind, value): kind is str (a string's bytes), op, name, num, [ or ]."""
    i = 0
    while i < len(data):
        m = _TOKEN.match(data, i)
        if m is None or m.end() == i:
            i += 1
            continue
        i = m.end()
        if m.group(2):
            value, i = _literal(data, i)
            yield "str", value
        elif m.group(4) is not None:
            hexdigits = re.sub(rb"\s", b"", m.group(4))
            yield "str", bytes.fromhex((hexdigits + b"0" * (len(hexdigits) % 2)).decode("ascii"))
        elif m.group(5):
            yield m.group(5).decode(), None
        elif m.group(6):
            yield "name", m.group(6)[1:].decode("latin-1")
        elif m.group(7):
            yield "num", float(m.group(7))
        elif m.group(8):
            op = m.group(8).decode("latin-1")
            if op == "ID":  # inline image data: skip to EI
                end = data.find(b"EI", i)
                i = len(data) if end < 0 else end + 2
                continue
            yield "op", op


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
    operands: list[tuple[str, Any]] = []
    array: list[tuple[str, Any]] | None = None
    for kind, value in _tokens(_content(page)):
        if kind == "[":
            array = []
        elif kind == "]":
            operands.append(("array", array or []))
            array = None
        elif array is not None:
            array.append((kind, value))
        elif kind != "op":
            operands.append((kind, value))
        else:
            if value == "Tf":
                names = [v for k, v in operands if k == "name"]
                font = fonts.get(names[-1]) if names else None
            elif value in ("Tj", "'", '"'):
                strings = [v for k, v in operands if k == "str"]
                if strings:
                    yield _decode(strings[-1], font)
            elif value == "TJ":
                arrays = [v for k, v in operands if k == "array"]
                if arrays:
                    yield "".join(_decode(v, font) for k, v in arrays[-1] if k == "str")
            operands = []


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
