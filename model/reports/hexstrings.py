"""pyHanko reads a PDF hex string (`<0a1b…>`) one byte and one generator step at a time: a signature's
/Contents (several KiB of hex digits) cost about 3 ms of every package an import checks. `install()` puts
a reader in front of pyHanko's that takes the string in one piece when it is only hex digits and PDF
whitespace up to its closing `>` — then what it returns, and where it leaves the stream, are exactly what
pyHanko's would — and hands anything else (a comment, a stray byte, no `>` before the end) to pyHanko's own
reader, from the same position, so a damaged or crafted file is read, or refused, as before.
"""

from __future__ import annotations

import binascii
import re
from typing import Any

_PLAIN = re.compile(rb"[0-9A-Fa-f \n\r\t\f\x00]*")
_WHITESPACE = re.compile(rb"[ \n\r\t\f\x00]+")
_CHUNK = 1 << 16


def _read_hex_string(stream: Any, original: Any, pdf_string: Any) -> Any:
    start = stream.tell()
    stream.read(1)  # the opening "<"
    body = b""
    while True:
        chunk = stream.read(_CHUNK)
        end = chunk.find(b">")
        if end >= 0:
            body += chunk[:end]
            break
        body += chunk
        if not chunk or _PLAIN.fullmatch(chunk) is None:
            end = -1
            break
    if end < 0 or _PLAIN.fullmatch(body) is None:
        stream.seek(start)
        return original(stream)
    stream.seek(start + 1 + len(body) + 1)  # just after the closing ">", as pyHanko leaves it
    digits = _WHITESPACE.sub(b"", body)
    return pdf_string(binascii.unhexlify(digits + b"0" * (len(digits) % 2)))


def install() -> None:
    """Once per process: pyHanko's object reader calls the module's `read_hex_string_from_stream`."""
    from pyhanko.pdf_utils import generic

    original = generic.read_hex_string_from_stream
    if getattr(original, "tanbao_fast", False):
        return

    def read_hex_string_from_stream(stream: Any) -> Any:
        return _read_hex_string(stream, original, generic.pdf_string)

    read_hex_string_from_stream.tanbao_fast = True  # type: ignore[attr-defined]
    read_hex_string_from_stream.original = original  # type: ignore[attr-defined]
    generic.read_hex_string_from_stream = read_hex_string_from_stream
