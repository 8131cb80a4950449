"""Blocks pasted from Excel or WPS: tab-separated rows, cells possibly quoted, CRLF or LF line ends."""

from __future__ import annotations

import csv
import io


def parse_block(text: str) -> list[list[str]]:
    """The cells of a pasted block, row by row. The final line end Excel adds makes no empty row."""
    if not text:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" not in text and "\n" not in text:
        return [[text]]
    reader = csv.reader(io.StringIO(text), delimiter="\t", quotechar='"')
    return [list(row) if row else [""] for row in reader]


def format_block(rows: list[list[str]]) -> str:
    """Cells as WPS and Excel put them on the clipboard: tab-separated, CRLF line ends, a cell with a tab,
    line end or quote quoted (so `parse_block` reads back the same cells)."""

    def cell(text: str) -> str:
        if any(c in text for c in '\t\n\r"'):
            return '"' + text.replace('"', '""') + '"'
        return text

    return "".join("\t".join(cell(t) for t in row) + "\r\n" for row in rows)
