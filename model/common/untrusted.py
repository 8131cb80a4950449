"""Text that came from outside (a certificate's subject, a file name, a field of a received package),
made safe to put inside a message.

A message is one line a person reads and trusts. Outside text must not be able to start a new line
(a certificate whose organisation holds "\\n…：已接收" would print a fake outcome), reorder what follows
(the bidi overrides U+202E and friends turn "gpj.exe" into "exe.jpg"), or hide itself (zero-width and
other invisible format characters). `shown` writes every such character as a visible escape (\\n,
\\u202e) and leaves every other character — Chinese included — as it is.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from typing import Any

from model.common.i18n import translate

# Bidi embeddings, overrides, isolates and marks; Unicode categories Cc (controls) and Cf (format) cover
# them, plus line and paragraph separators (Zl, Zp), which also end a line on screen.
_ESCAPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown(text: object) -> str:
    """`text` as it may appear inside a message: controls, bidi and invisible characters escaped."""
    value = str(text)
    if value.isprintable():  # the common case, without a loop
        return value
    return "".join(_escape(ch) if unicodedata.category(ch) in _ESCAPED_CATEGORIES else ch for ch in value)


def fingerprint_groups(fingerprint: str) -> str:
    """A SHA-256 fingerprint (any separators) as groups of four, to read over the phone:
    "AB12 CD34 …" (16 groups)."""
    digits = "".join(ch for ch in fingerprint.upper() if ch in "0123456789ABCDEF")
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


# ---- JSON from outside ----------------------------------------------------------------------------

MAX_JSON_DEPTH = 32  # a report is six levels deep, a plan five
MAX_NUMBER_CHARS = (
    40  # "-1.2345678901234567e-308" is 24; Python refuses ints past 4,300 digits with ValueError
)

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_INNERMOST = re.compile(rb"\[\]|\{\}")


class UntrustedJsonError(ValueError):
    """JSON refused before or while parsing; `reason` is one phrase in Chinese (no file name)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _too_deep(raw: bytes, limit: int) -> bool:
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", raw))
    for _ in range(limit):
        if not brackets:
            return False
        brackets = _INNERMOST.sub(b"", brackets)
    return bool(_INNERMOST.search(brackets))  # what is left still nests (unbalanced text: json says so)


def _number(text: str, convert: type[int] | type[float]) -> int | float:
    if len(text) > MAX_NUMBER_CHARS:
        raise UntrustedJsonError(translate("untrusted", "含有长达 {n} 个字符的数字").format(n=len(text)))
    value = convert(text)
    if not math.isfinite(value):
        raise UntrustedJsonError(translate("untrusted", "含有超出范围的数字 {v}").format(v=text))
    return value


def _constant(name: str) -> Any:
    raise UntrustedJsonError(translate("untrusted", "含有非数字 {v}").format(v=name))


def loads_bounded(raw: bytes, *, max_bytes: int, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """json.loads for bytes someone handed us: refused (UntrustedJsonError) when larger than `max_bytes`,
    nested deeper than `max_depth`, holding a number longer than MAX_NUMBER_CHARS, NaN or Infinity —
    before the parser could run out of stack (RecursionError) or spend minutes on a huge integer.
    Text that is not UTF-8 or not JSON raises UnicodeDecodeError / json.JSONDecodeError as json does."""
    if len(raw) > max_bytes:
        raise UntrustedJsonError(
            translate("untrusted", "大小 {size} 字节，超过上限 {limit} 字节").format(
                size=len(raw), limit=max_bytes
            )
        )
    if _too_deep(raw, max_depth):
        raise UntrustedJsonError(
            translate("untrusted", "嵌套超过 {n} 层（可能是恶意构造的文件）").format(n=max_depth)
        )
    text = raw.decode("utf-8-sig")
    return json.loads(
        text,
        parse_int=lambda s: _number(s, int),
        parse_float=lambda s: _number(s, float),
        parse_constant=_constant,
    )
