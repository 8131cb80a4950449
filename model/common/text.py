"""Text typed, pasted or imported: line breaks made plain, invisible control characters refused.

Word's Shift+Enter arrives as a vertical tab (VT, U+000B), old Mac files end lines in CR, and a paste
from a terminal may carry ESC. Excel files cannot hold most C0 control characters at all (openpyxl
refuses them), and nobody can see them in the window. So every entry point (cell, paste, CSV, plan,
imported package) passes text through `clean_text`: VT, FF, CR and the Unicode line separators become
a newline, a tab stays where more than one line is allowed (a note) and is a space elsewhere, and any
other control character is refused with its name, so the clerk knows what to delete.
"""

from __future__ import annotations

import re

from model.common.errors import UserError
from model.common.i18n import translate

_C0_NAMES = [
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "BEL",
    "BS",
    "HT",
    "LF",
    "VT",
    "FF",
    "CR",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "FS",
    "GS",
    "RS",
    "US",
]
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def control_name(char: str) -> str:
    """`ESC（U+001B）`: how a control character is named in a message."""
    code = ord(char)
    name = _C0_NAMES[code] if code < 32 else ("DEL" if code == 0x7F else "")
    return f"{name}（U+{code:04X}）" if name else f"U+{code:04X}"


def clean_text(value: str, what: str, *, multiline: bool = True) -> str:
    """`value` with line breaks made "\\n" (or a space when `multiline` is False); `UserError` naming
    `what` and the character when it holds any other control character."""
    text = _LINE_BREAKS.sub("\n", value)
    found = _CONTROL.search(text)
    if found:
        raise UserError(
            translate(
                "text",
                "{what}含有看不见的控制字符 {char}（第 {pos} 个字符处），没有保存。请删去该字符后再输入；从 Word 或网页复制的文字可先粘贴到记事本再复制。",
            ).format(what=what, char=control_name(found.group()), pos=found.start() + 1)
        )
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


_EXCEL_ILLEGAL = re.compile("[\x00-\x08\x0e-\x1f]")


def printable(value: str) -> str:
    """For the workbook writer, whose format cannot hold C0 control characters (text stored before it
    was checked): VT and FF become a newline, the others U+FFFD; the text is otherwise unchanged."""
    return _EXCEL_ILLEGAL.sub("\ufffd", value.replace("\x0b", "\n").replace("\x0c", "\n"))
