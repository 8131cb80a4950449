"""The report and the district summary as Excel workbooks (openpyxl).

One sheet per annex the unit reports plus a plain data sheet (one row per stored value). The sheets show
the same tables as the PDF (model.reports.tables): merged title rows, frozen headers, number formats with
the PDF's decimals over the unrounded numbers, column widths, A4 landscape fitted to the page width.
Whatever a clerk typed is written as text, never as a formula, whatever it starts with.

Imported only by the commands that export: openpyxl is not loaded at start-up.
"""

from __future__ import annotations

import io
from copy import copy
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from model.calc.report import UnitReport
from model.common import formatting as fmt
from model.common.i18n import translate
from model.common.text import printable
from model.reports.tables import (
    AMOUNT,
    COEFFICIENT,
    COLOUR,
    INTENSITY,
    NUMBER,
    PCT,
    RATE,
    TEXT,
    Cell,
    FormHeader,
    ReportPeople,
    Section,
    Table,
    summary_header,
    summary_notes,
    summary_sections,
    summary_title,
    unit_header,
    unit_notes,
    unit_sections,
)

if TYPE_CHECKING:
    from model.calc.summary import DistrictSummary
    from model.plan.spec import Plan

FONT_NAME = "等线"  # Excel's default CJK font on Chinese Windows; others substitute their own
FILL = {
    "green": PatternFill("solid", fgColor="CDEBD0"),
    "yellow": PatternFill("solid", fgColor="FDEEA0"),
    "red": PatternFill("solid", fgColor="F5C2C2"),
}
HEAD_FILL = PatternFill("solid", fgColor="EEEEEE")
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SHEET_WIDTH = 125.0  # characters across a landscape A4 page at 10 pt
LINE_HEIGHT = 14.0  # points per line of 10 pt text
RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\n")

NUMBER_FORMATS = {
    AMOUNT: "#,##0.00",
    RATE: '+0.00"%";"−"0.00"%";+0.00"%"',
    PCT: '0.00"%"',
}


def number_format(cell: Cell) -> str:
    """The Excel format that shows what formatting shows in the PDF and the CLI."""
    if cell.kind in NUMBER_FORMATS:
        return NUMBER_FORMATS[cell.kind]
    if cell.kind == INTENSITY:
        value = cell.number
        return "0." + "0" * fmt.intensity_decimals(value)
    if cell.kind == COEFFICIENT:
        shown = fmt.coefficient(cell.number)
        return "0." + "0" * len(shown.partition(".")[2]) if "." in shown else "0"
    if cell.kind == NUMBER:
        return "#,##0." + "0" * cell.decimals if cell.decimals else "#,##0"
    return "General"


def put_text(ws: Worksheet, row: int, column: int, text: str) -> Any:
    """Write text as text: a leading = + - @ tab or line break never turns it into a formula."""
    target = ws.cell(row=row, column=column)
    text = printable(text)
    target.value = text
    target.data_type = "s"
    if text.startswith(RISKY_START):
        target.quotePrefix = True  # Excel keeps it text even when the cell is edited
    return target


def _put(ws: Worksheet, row: int, column: int, cell: Cell, bold: bool, styles: dict[Any, Any]) -> Any:
    """A table cell with its value and style. Cells alike in style share it: the first one's style is
    set field by field, the others copy it (openpyxl hashes every style object it is given, which made a
    300-unit summary spend most of its time on styles)."""
    number = cell.number
    text = cell.kind in (TEXT, COLOUR) or number is None
    if text:
        target = put_text(ws, row, column, cell.text)
        fill = cell.colour if cell.kind == COLOUR and cell.colour in FILL else None
        centred = cell.kind == COLOUR or cell.text == "—"
        key: Any = (fill, centred, bool(target.quotePrefix), bold)
    else:
        target = ws.cell(row=row, column=column, value=number)
        key = (number_format(cell), bold)
    style = styles.get(key)
    if style is not None:
        target._style = copy(style)
        return target
    if text:
        if fill:
            target.fill = FILL[fill]
        horizontal = "center" if centred else "left"
        target.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
    else:
        target.number_format = key[0]
        target.alignment = Alignment(horizontal="right", vertical="center")
    target.border = BORDER
    target.font = Font(name=FONT_NAME, size=10, bold=bold)
    styles[key] = copy(target._style)
    return target


def text_width(text: str) -> float:
    """Width in Excel's character units: a CJK character takes about two."""
    return sum(2.0 if ord(ch) >= 0x2E80 else 1.1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    usable = max(width - 1.5, 1.0)
    return sum(max(1, -(-int(text_width(part)) // int(usable))) for part in text.split("\n"))


def column_widths(tables: list[Table]) -> list[float]:
    """Each column as wide as the widest share any table of the sheet gives it."""
    columns = max(len(t.columns) for t in tables)
    widths = [8.0] * columns
    for t in tables:
        total = sum(t.widths)
        for j, w in enumerate(t.widths):
            widths[j] = max(widths[j], SHEET_WIDTH * w / total)
    scale = SHEET_WIDTH / sum(widths)
    return [w * scale if scale < 1 else w for w in widths]


class _Sheet:
    """Writes a form onto a worksheet top to bottom. openpyxl cannot measure text, so row heights are
    estimated from the column widths: wrapped text then shows whole in Excel and LibreOffice."""

    def __init__(self, ws: Worksheet, widths: list[float]) -> None:
        self.ws = ws
        self.widths = widths
        self.columns = max(len(widths), 4)
        self.row = 1
        self.frozen = False
        self.styles: dict[Any, Any] = {}  # a table cell's style key -> its style (`_put`)
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = w

    def fit(self, texts: list[tuple[str, float]], minimum: float | None = None) -> None:
        lines = max((lines_needed(text, width) for text, width in texts), default=1)
        if lines > 1 or minimum:
            self.ws.row_dimensions[self.row].height = max(minimum or 0, lines * LINE_HEIGHT + 4)

    def merged(self, text: str, *, size: float = 10, height: float | None = None, wrap: bool = False) -> None:
        ws = self.ws
        target = put_text(ws, self.row, 1, text)
        target.font = Font(name=FONT_NAME, size=size, bold=size > 12)
        target.alignment = Alignment(
            horizontal="center" if size > 12 else "left", vertical="center", wrap_text=wrap
        )
        ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=self.columns)
        if height:
            ws.row_dimensions[self.row].height = height
        elif wrap:
            self.fit([(text, sum(self.widths))])
        self.row += 1

    def header(self, header: FormHeader) -> None:
        ws = self.ws
        split = max(2, self.columns * 3 // 5)
        for i in range(max(len(header.left), len(header.right))):
            if i < len(header.left):
                k, v = header.left[i]
                put_text(ws, self.row, 1, f"{k}：{v}").font = Font(name=FONT_NAME, size=10)
                ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=split)
            if i < len(header.right):
                k, v = header.right[i]
                put_text(ws, self.row, split + 1, f"{k}：{v}").font = Font(name=FONT_NAME, size=10)
                ws.merge_cells(
                    start_row=self.row, start_column=split + 1, end_row=self.row, end_column=self.columns
                )
            self.row += 1
        self.row += 1

    def table(self, t: Table) -> None:
        ws = self.ws
        if t.caption:
            self.merged(t.caption, wrap=True)
        for j, name in enumerate(t.columns, start=1):
            head = put_text(ws, self.row, j, name)
            head.font = Font(name=FONT_NAME, size=10, bold=True)
            head.fill = HEAD_FILL
            head.border = BORDER
            head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.fit([(name, self.widths[j]) for j, name in enumerate(t.columns)], minimum=30)
        if not self.frozen:
            ws.freeze_panes = ws.cell(row=self.row + 1, column=1)
            ws.print_title_rows = f"{self.row}:{self.row}"
            self.frozen = True
        self.row += 1
        if t.codes:
            for j, code in enumerate(t.codes, start=1):
                c = put_text(ws, self.row, j, code)
                c.border = BORDER
                c.alignment = Alignment(horizontal="center")
            self.row += 1
        for i, cells in enumerate(t.rows):
            if i in t.spans:
                c = put_text(ws, self.row, 1, t.spans[i].text)
                c.alignment = Alignment(wrap_text=True, vertical="top")
                c.font = Font(name=FONT_NAME, size=9, color="555555")
                ws.merge_cells(
                    start_row=self.row, start_column=1, end_row=self.row, end_column=len(t.columns)
                )
                for j in range(1, len(t.columns) + 1):
                    ws.cell(row=self.row, column=j).border = BORDER
                self.fit([(t.spans[i].text, sum(self.widths[: len(t.columns)]))])
            else:
                for j, cell in enumerate(cells, start=1):
                    _put(ws, self.row, j, cell, i in t.total_rows, self.styles)
                self.fit([(c.text, self.widths[j]) for j, c in enumerate(cells) if c.number is None])
            self.row += 1
        self.row += 1

    def notes(self, notes: list[str]) -> None:
        self.merged(translate("report", "说明："))
        for i, note in enumerate(notes, start=1):
            self.merged(f"{i}. {note}", wrap=True)
        self.row += 1

    def people(self, people: ReportPeople) -> None:
        text = "　　".join(f"{label}：{value or '＿＿＿＿'}" for label, value in people.cells())
        self.merged(text)


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = translate("report", "第 &P 页 共 &N 页")


def _section_sheet(wb: Workbook, name: str, title: str, header: FormHeader, section: Section) -> _Sheet:
    ws = wb.create_sheet(name)
    sheet = _Sheet(ws, column_widths(section.tables))
    sheet.merged(title, size=16, height=28)
    sheet.header(header)
    for t in section.tables:
        sheet.table(t)
    if len(section.tables) > 1:  # the first table's header would stand above the others' rows
        ws.print_title_rows = None
    _print_setup(ws)
    return sheet


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def annex_sheet_name(annex: int) -> str:
    return translate("report", "附件{n}").format(n=annex)


DATA_SHEET = "数据"


def unit_xlsx(report: UnitReport, people: ReportPeople | None = None) -> bytes:
    people = people or ReportPeople()
    wb = Workbook()
    wb.remove(wb.active)
    sections = unit_sections(report)
    for i, section in enumerate(sections):
        sheet = _section_sheet(
            wb, annex_sheet_name(section.annex), section.title, unit_header(report, section), section
        )
        if i == len(sections) - 1:
            sheet.notes(unit_notes(report))
            sheet.people(people)
    _data_sheet(wb, report)
    wb.properties.title = translate("report", "{unit} {period} 节能降碳目标报表").format(
        unit=report.unit.name, period=report.period.label()
    )
    wb.properties.creator = str(report.data["created_by"])
    return _save(wb)


def _data_sheet(wb: Workbook, report: UnitReport) -> None:
    ws = wb.create_sheet(translate("report", DATA_SHEET))
    columns = [
        translate("report", "报告期"),
        translate("report", "字段"),
        translate("report", "名称"),
        translate("report", "计量单位"),
        translate("report", "数值"),
        translate("report", "文字"),
        translate("report", "说明"),
    ]
    for j, name in enumerate(columns, start=1):
        head = put_text(ws, 1, j, name)
        head.font = Font(name=FONT_NAME, bold=True)
        head.fill = HEAD_FILL
        head.border = BORDER
    labels = {f.key: f for f in report.plan.fields}
    for i, figure in enumerate(report.figures, start=2):
        f = labels.get(figure.field)
        put_text(ws, i, 1, figure.period)
        put_text(ws, i, 2, figure.field)
        put_text(ws, i, 3, (f"{f.row_id} {f.label}" if f.row_id else f.label) if f else "")
        put_text(ws, i, 4, f.unit if f else "")
        if figure.value is not None:
            ws.cell(row=i, column=5, value=figure.value)
        if figure.text is not None:
            put_text(ws, i, 6, figure.text)
        if figure.note:
            put_text(ws, i, 7, figure.note)
    for j, width in enumerate((10, 30, 40, 14, 16, 30, 40), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.column_dimensions["B"].hidden = True  # the field keys, for programs; people read 名称
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:G{max(1, len(report.figures) + 1)}"
    _print_setup(ws)


def _reporting_rows(plan: Plan, summary: DistrictSummary) -> list[tuple[str, ...]]:
    """Units that must report and have not first, then the exempt, then every package used."""
    rows: list[tuple[str, ...]] = [
        (uid, name, translate("report", "否"), "", "") for uid, name in summary.not_reported
    ]
    rows += [(uid, name, translate("report", "免报"), "", "") for uid, name in summary.exempt]
    rows += [
        (p.unit_id, p.unit_name, translate("report", "是"), str(p.version), p.correction_reason)
        for p in summary.packages
    ]
    return rows


def summary_xlsx(plan: Plan, summary: DistrictSummary, people: ReportPeople | None = None) -> bytes:
    people = people or ReportPeople()
    wb = Workbook()
    wb.remove(wb.active)
    header = summary_header(plan, summary)
    sections = summary_sections(plan, summary)
    for i, section in enumerate(sections):
        sheet = _section_sheet(
            wb, annex_sheet_name(section.annex), f"{summary_title(plan)}（{section.title}）", header, section
        )
        if i == len(sections) - 1:
            sheet.notes(summary_notes(plan, summary))
            sheet.people(people)
    ws = wb.create_sheet(translate("report", "报送情况"))
    heads = ("单位编号", "单位", "本期已报送", "版本", "更正原因")
    for j, name in enumerate(heads, 1):
        head = put_text(ws, 1, j, translate("report", name))
        head.font = Font(name=FONT_NAME, bold=True)
        head.fill = HEAD_FILL
    for i, row in enumerate(_reporting_rows(plan, summary), start=2):
        for j, value in enumerate(row, start=1):
            put_text(ws, i, j, value)
    for j, width in enumerate((16, 36, 12, 8, 40), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "A2"
    _print_setup(ws)
    wb.properties.title = summary_title(plan)
    return _save(wb)
