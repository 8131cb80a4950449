"""Reading a workbook someone hands the program (a target table, a filled-in template), which may be
hostile or broken.

openpyxl parses its XML through defusedxml (it does so by itself when defusedxml is installed;
`workbook_reader_is_safe` checks it), so a crafted file cannot expand entities; a part that declares a DTD
at all is refused before that. Before openpyxl opens the file, the zip's directory is checked against the
limits below (a zip bomb is refused without decompressing anything): Python's zipfile never returns more
than a member's declared size, and a member holding more fails its CRC check, so the declared sizes bound
the work. Only the first columns of at most `MAX_ROWS` rows are read, whatever size the sheet claims.
A formula where a value belongs is returned as `Formula`, cell by cell: the file is read with its
formulas, not with the results Excel last cached. An old .xls, a WPS .et or a password-protected file
(all OLE compound files) is refused with how to save it as .xlsx.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.common.errors import UserError
from model.common.i18n import translate
from model.common.untrusted import shown
from model.safety.files import open_bounded

# What a workbook handed to the program may hold (an exported table is some tens of kilobytes).
MAX_FILE_BYTES = 32 * 2**20  # a workbook handed in is tens or hundreds of KB
MAX_ZIP_MEMBERS = 1_000
MAX_UNPACKED_BYTES = 64 * 2**20  # all members together, decompressed
MAX_RATIO = 200  # decompressed : compressed, for a member larger than RATIO_FROM_BYTES
RATIO_FROM_BYTES = 2**20
MAX_ROWS = 100_000

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD = tuple(b"<!DOCTYPE".decode().encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be"))


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula where a value belongs; `cell` is its address, such as F12."""

    cell: str
    text: str


@dataclass(frozen=True)
class SheetRow:
    line: int
    values: list[Any]  # a Formula where the cell holds one
    formats: list[str]  # each cell's number format ("0.00%" …)


def workbook_reader_is_safe() -> bool:
    """True when openpyxl reads XML through defusedxml (or lxml without entity resolution)."""
    import openpyxl.xml
    import openpyxl.xml.functions as functions

    return bool(openpyxl.xml.DEFUSEDXML) and functions.iterparse.__module__.startswith("defusedxml")


def column_letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


def _not_a_workbook(path: Path, remedy: str) -> UserError:
    return UserError(
        translate(
            "workbook",
            "无法读取 {path}：不是有效的 Excel 文件（.xlsx），可能已损坏、不完整，或是改了扩展名的其他文件。{remedy}",
        ).format(path=shown(path), remedy=remedy)
    )


def _unsafe(path: Path, remedy: str) -> UserError:
    return UserError(
        translate("workbook", "文件 {path} 含有不安全的 XML 内容，已拒绝读取。{remedy}").format(
            path=shown(path), remedy=remedy
        )
    )


def _too_big(path: Path, members: int, total: int, remedy: str) -> UserError:
    return UserError(
        translate(
            "workbook",
            "文件 {path} 解压后过大（{n} 个部件，共 {mb:.0f} MB），可能是恶意构造的文件，已拒绝读取。{remedy}",
        ).format(path=shown(path), n=members, mb=total / 2**20, remedy=remedy)
    )


def _old_format(path: Path) -> UserError:
    return UserError(
        translate(
            "workbook",
            "无法读取 {path}：这是旧版 Excel（.xls）、WPS 表格（.et）或设了密码的文件。请在 WPS/Excel 中取消密码，另存为 .xlsx（Excel 工作簿）后再导入。",
        ).format(path=shown(path))
    )


def check_zip(path: Path, remedy: str) -> None:
    """Refuse a file that is no zip, whose parts would decompress to too much (a zip bomb, refused from
    the zip's directory before anything is decompressed), or whose parts declare a DTD."""
    from zipfile import ZipFile

    try:
        with open_bounded(path, MAX_FILE_BYTES, translate("workbook", "文件")) as f:
            if f.read(8).startswith(_OLE) or path.suffix.lower() in (".xls", ".et"):
                raise _old_format(path)
            f.seek(0)
            with ZipFile(f) as archive:
                members = archive.infolist()
                total = sum(m.file_size for m in members)
                bomb = any(
                    m.file_size > RATIO_FROM_BYTES and m.file_size > MAX_RATIO * m.compress_size
                    for m in members
                )
                if len(members) > MAX_ZIP_MEMBERS or total > MAX_UNPACKED_BYTES or bomb:
                    raise _too_big(path, len(members), total, remedy)
                if any(_declares_a_dtd(archive, member) for member in members):
                    raise _unsafe(path, remedy)
    except UserError:
        raise
    except FileNotFoundError:
        raise UserError(translate("workbook", "找不到文件 {path}。").format(path=shown(path))) from None
    except OSError as exc:
        raise UserError(
            translate("workbook", "无法读取文件 {path}：{err}").format(
                path=shown(path), err=exc.strerror or exc
            )
        ) from None
    except Exception:  # no zip, a damaged one, a part that fails its CRC or does not inflate
        raise _not_a_workbook(path, remedy) from None


def _declares_a_dtd(archive: Any, member: Any) -> bool:
    """True when a part declares a DTD, where entities live. A package never has one (OPC forbids it), so
    the file is refused whichever XML parser openpyxl uses (defusedxml, or lxml leaving entities alone)."""
    tail = b""
    with archive.open(member) as data:
        while chunk := data.read(2**20):
            window = tail + chunk
            if any(d in window for d in _DTD):
                return True
            tail = window[-32:]
    return False


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def read_sheet(path: str | Path, sheet: str, *, max_col: int, remedy: str) -> list[SheetRow]:
    """The first `max_col` columns of every row of `sheet`, formulas as `Formula`.

    `remedy` ends every refusal: what the person should do instead (e.g. export the table again)."""
    path = Path(path)
    if not workbook_reader_is_safe():
        raise UserError(
            translate("workbook", "缺少 defusedxml 组件，出于安全考虑不读取 Excel 文件，请重新安装程序。")
        )
    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook

    check_zip(path, remedy)
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # whatever a damaged file makes openpyxl or the XML parser raise
        if _caused_by(exc, DefusedXmlException):  # openpyxl wraps a worksheet's parse error
            raise _unsafe(path, remedy) from None
        raise _not_a_workbook(path, remedy) from None
    try:
        if sheet not in wb.sheetnames:
            raise UserError(
                translate("workbook", "文件 {path} 中没有“{sheet}”工作表。{remedy}").format(
                    path=shown(path), sheet=sheet, remedy=remedy
                )
            )
        ws = wb[sheet]
        ws.reset_dimensions()  # the rows actually there, not the size the sheet claims
        try:
            return _rows(ws, path, max_col, remedy)
        except UserError:
            raise
        except Exception as exc:  # a part cut short, XML that does not parse, a cell openpyxl cannot read
            if _caused_by(exc, DefusedXmlException):
                raise _unsafe(path, remedy) from None
            raise _not_a_workbook(path, remedy) from None
    finally:
        wb.close()


def _rows(ws: Any, path: Path, max_col: int, remedy: str) -> list[SheetRow]:
    rows: list[SheetRow] = []
    for line, row in enumerate(ws.iter_rows(max_col=max_col), start=1):
        if line > MAX_ROWS:
            raise UserError(
                translate(
                    "workbook", "文件 {path} 超过 {n} 行，不是本程序导出的表格，已拒绝读取。{remedy}"
                ).format(path=shown(path), n=MAX_ROWS, remedy=remedy)
            )
        values: list[Any] = []
        for column, cell in enumerate(row, start=1):
            value = cell.value
            if getattr(cell, "data_type", None) == "f":
                value = Formula(f"{column_letter(column)}{line}", str(getattr(value, "text", value) or ""))
            values.append(value)
        formats = [str(getattr(cell, "number_format", "") or "") for cell in row]
        rows.append(SheetRow(line, values, formats))
    return rows
