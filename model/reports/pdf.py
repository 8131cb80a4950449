"""The report as a PDF in the layout of a Chinese statistical form (reportlab, A4).

Each annex the unit reports is a form: title, 填报单位/报告期/计量单位 top left, 表号/制定机关/文号/有效期至
top right, the tables, a chart; then 说明 (every warning with the clerk's reason) and the footer
(单位负责人, 统计负责人, 填表人, 联系电话, 报出日期) beside the signature block. Pages are numbered
第 x 页 共 y 页. The bundled CJK font is embedded as a subset and is the only font in the file.

Imported only by the commands that export: reportlab is not loaded at start-up.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from model.calc.report import ATTACHMENT_NAME, UnitReport, encode_report_data, report_data_sha256
from model.common import formatting as fmt
from model.common.i18n import translate
from model.reports.chart import Axis, axis_for
from model.reports.fonts import font_path
from model.reports.printmark import SUMMARY, UNIT, PrintMark, short_fingerprint, summary_sha256
from model.reports.tables import (
    COLOUR,
    FORMULA,
    HASH,
    TEXT,
    Chart,
    EvidenceItem,
    FormHeader,
    ReportPeople,
    Section,
    Table,
    calculation_factors_table,
    calculation_tables,
    calculation_versions,
    evidence_table,
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
    from model.reports.signing import AttachedFile, SignatureBox, SigningKey

FONT = "TanBaoSans"
PAGE_W, PAGE_H = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 15 * mm, 14 * mm, 16 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X
QR_SIZE = 24 * mm  # ≥ 3 pixels a module on a 150 dpi scan
MARKED_BOTTOM = 30 * mm  # the bottom margin of a page with a print mark
FILL = {
    "green": colors.HexColor("#cdebd0"),
    "yellow": colors.HexColor("#fdeea0"),
    "red": colors.HexColor("#f5c2c2"),
}
HEAD_FILL = colors.HexColor("#eeeeee")
GREY = colors.HexColor("#555555")
SIGNATURE_W, SIGNATURE_H = 78 * mm, 27 * mm


@lru_cache(maxsize=1)
def register_font() -> str:
    """Register the bundled font with reportlab once per process (about 0.1 s)."""
    pdfmetrics.registerFont(TTFont(FONT, str(font_path())))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
    return FONT


def _style(
    size: float = 8.5, leading: float | None = None, align: int = TA_LEFT, colour: Any = None
) -> ParagraphStyle:
    return ParagraphStyle(
        f"tb{size}{align}",
        fontName=FONT,
        fontSize=size,
        leading=leading or size * 1.35,
        alignment=align,
        wordWrap="CJK",
        textColor=colour or colors.black,
    )


_SUBSCRIPT = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
# subscripts of the formulas (E₁, E_N, E上年₁₂) and the hat of an estimate (Ŷ): the bundled font has no
# glyphs for them, so they are set small and lowered (raised) in the paragraph
_FORMULA_MARKS = re.compile(r"[₀-₉]+|_(N\+1|N|[A-Za-z0-9]+)|Ŷ")


def _formula_mark(m: re.Match[str]) -> str:
    if m.group(0) == "Ŷ":
        return "Y<super size='6' rise='3'>^</super>"
    return f"<sub size='6' rise='1.6'>{(m.group(1) or m.group(0)).translate(_SUBSCRIPT)}</sub>"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def _formula(text: str) -> Paragraph:
    return Paragraph(_FORMULA_MARKS.sub(_formula_mark, _esc(text)), _style(8, leading=11.5))


def _p(text: str, size: float = 8.5, align: int = TA_LEFT, colour: Any = None) -> Paragraph:
    return Paragraph(_esc(text), _style(size, align=align, colour=colour))


# ---- page furniture ----------------------------------------------------------------------------


def _draw_mark(canvas: Canvas, mark: PrintMark) -> None:
    """The page's QR code at the bottom right, its content in readable text beside it. The code is one
    filled path (a rectangle for each run of dark modules in a row), drawn without text so that no font
    state of the page changes: a path of a few hundred rectangles where one rectangle a module cost
    ~5 ms a page."""
    modules = _qr_modules(mark.payload)
    border = 2
    box = QR_SIZE / (len(modules) + 2 * border)
    left, top = PAGE_W - MARGIN_X - QR_SIZE, 3 * mm + QR_SIZE
    path = canvas.beginPath()
    for r, row in enumerate(modules):
        y = top - (r + border + 1) * box
        for start, length in _dark_runs(row):
            path.rect(left + (start + border) * box, y, length * box, box)
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.setFillColor(GREY)
    canvas.setFont(FONT, 6.5)
    for i, line in enumerate(mark.readable):
        canvas.drawString(MARGIN_X, 22 * mm - i * 3.4 * mm, line)


def _dark_runs(row: list[bool]) -> list[tuple[int, int]]:
    """(first module, length) of each run of dark modules in a row."""
    runs: list[tuple[int, int]] = []
    start = -1
    for c, dark in enumerate([*row, False]):
        if dark and start < 0:
            start = c
        elif not dark and start >= 0:
            runs.append((start, c - start))
            start = -1
    return runs


def _qr_modules(payload: str) -> list[list[bool]]:
    """The QR code's modules (True is dark), level M, from zxing-cpp (the reader verify-print uses): a
    page's code in well under a millisecond, where reportlab's encoder in Python takes ~0.1 s a page."""
    import zxingcpp

    code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image: Any = code.to_image(scale=1, add_quiet_zones=False)  # one byte a module, 0 for dark
    rows: list[list[int]] = memoryview(image).tolist()  # type: ignore[assignment]
    return [[value < 128 for value in row] for row in rows]


def _numbered_canvas(running: str, mark: PrintMark | None = None) -> type[Canvas]:
    """A canvas that knows the page count when it closes: 第 x 页 共 y 页, a running head and, when the
    report carries one, each page's print mark (QR code)."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = FONT
            kwargs.setdefault("initialFontSize", 9)
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total: int) -> None:
            self.saveState()
            self.setFont(FONT, 8)
            self.setFillColor(GREY)
            page = self._pageNumber
            self.drawCentredString(
                PAGE_W / 2, 8 * mm, translate("report", "第 {x} 页 共 {y} 页").format(x=page, y=total)
            )
            if page > 1 and running:
                self.drawString(MARGIN_X, PAGE_H - 9 * mm, running)
            if mark is not None:
                _draw_mark(self, mark.on_page(page, total))
            self.restoreState()

    return NumberedCanvas


class SignatureSlot(Flowable):  # type: ignore[misc]
    """The signature block; records where it landed so the signature stamp goes exactly there."""

    def __init__(self, signed: bool, holder: list[SignatureBox]) -> None:
        super().__init__()
        self.width, self.height = SIGNATURE_W, SIGNATURE_H
        self.signed = signed
        self.holder = holder

    def draw(self) -> None:
        from model.reports.signing import SignatureBox

        c = self.canv
        c.saveState()
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.6)
        c.rect(0, 0, self.width, self.height)
        if not self.signed:
            c.setFont(FONT, 9)
            c.setFillColor(GREY)
            c.drawCentredString(
                self.width / 2, self.height / 2 - 3, translate("report", "（未经数字签名的导出件）")
            )
        c.restoreState()
        x, y = c.absolutePosition(0, 0)
        self.holder.append(SignatureBox(c.getPageNumber() - 1, x, y, x + self.width, y + self.height))


# ---- building blocks -----------------------------------------------------------------------------


def _title(text: str) -> list[Flowable]:
    return [_p(text, 15, TA_CENTER), Spacer(1, 4 * mm)]


def _header(header: FormHeader) -> Flowable:
    left = [_p(f"{k}：{v}", 8.5) for k, v in header.left]
    right = [_p(f"{k}：{v}", 8.5) for k, v in header.right]
    n = max(len(left), len(right))
    rows = [[left[i] if i < len(left) else "", right[i] if i < len(right) else ""] for i in range(n)]
    table = RLTable(rows, colWidths=[CONTENT_W * 0.6, CONTENT_W * 0.4])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
            ]
        )
    )
    return table


CELL_PAD = 2.5


CELL_SIZE = 8.0
_ALIGN_NAME = {TA_LEFT: "LEFT", TA_CENTER: "CENTER", TA_RIGHT: "RIGHT"}


def _cell(cell: Any, shown: str, align: int, width: float) -> tuple[Paragraph | str, float | None]:
    """A table cell (`shown` is its text) and its font size when smaller than the table's: a number is
    never broken across lines, it is set smaller until it fits. A text that fits, or breaks into lines
    as a CJK paragraph would, is drawn as plain lines (the table's font and alignment), without a
    paragraph to parse and wrap: a 300-unit summary has thousands of cells."""
    if cell.kind == FORMULA:
        return _formula(cell.text), None
    room = width - 2 * CELL_PAD - 0.5
    one_line = pdfmetrics.stringWidth(shown, FONT, CELL_SIZE)
    if one_line <= room and "\n" not in shown:
        return shown, None
    if cell.number is None and shown != "—" and cell.kind != HASH:
        return _wrapped(shown, room) or _p(shown, 8, align), None
    return shown, max(min(8.0, 8.0 * room / max(one_line, 1.0)), 4.5)


@lru_cache(maxsize=4096)
def _char_width(ch: str) -> float:
    return float(pdfmetrics.stringWidth(ch, FONT, CELL_SIZE))


NO_LINE_START = set("，。、；：？！）》」』】〕…,.;:?!)%")


def _wrapped(text: str, room: float) -> str | None:
    """A Chinese text broken into lines that fit `room` (as a CJK paragraph breaks it: anywhere but
    before closing punctuation), for the table to draw as plain lines; None when it has Latin words,
    which a paragraph keeps whole."""
    if "\n" in text or any(ch.isascii() and ch.isalpha() for ch in text):
        return None
    lines, line, used = [], "", 0.0
    for ch in text:
        w = _char_width(ch)
        if line and used + w > room and ch not in NO_LINE_START:
            lines.append(line)
            line, used = "", 0.0
        line += ch
        used += w
    return "\n".join([*lines, line])


def _table(t: Table) -> list[Flowable]:
    out: list[Flowable] = []
    if t.caption:
        out.append(_p(t.caption, 9))
        out.append(Spacer(1, 1.2 * mm))
    total = sum(t.widths)
    widths = [CONTENT_W * w / total for w in t.widths]
    data: list[list[Any]] = [[_p(c, 8, TA_CENTER) for c in t.columns]]
    header_rows = 1
    if t.codes:
        data.append([_p(c, 7.5, TA_CENTER) for c in t.codes])
        header_rows = 2
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), CELL_SIZE * 1.35),  # as a paragraph's: rows keep their height
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_FILL),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
    ]
    longest = [
        max(
            (len(row[j].text) for k, row in enumerate(t.rows) if k not in t.spans and row[j].number is None),
            default=0,
        )
        for j in range(len(t.columns))
    ]
    aligns: list[list[tuple[int, int]]] = [[] for _ in t.columns]  # per column: (row, alignment)
    for i, row in enumerate(t.rows):
        r = i + header_rows
        if i in t.spans:
            data.append([_p(t.spans[i].text, 7.5, colour=GREY)] + [""] * (len(t.columns) - 1))
            style.append(("SPAN", (0, r), (-1, r)))
            continue
        cells = []
        for j, cell in enumerate(row):
            shown = cell.text  # formatted on every call
            numeric = cell.kind not in (TEXT, COLOUR) and not isinstance(cell.value, str)
            short = longest[j] <= (4 if j == 0 else 8) or shown == "—"
            align = TA_RIGHT if numeric else (TA_CENTER if cell.kind == COLOUR or short else TA_LEFT)
            value, size = _cell(cell, shown, align, widths[j])
            cells.append(value)
            if size is not None:
                style.append(("FONTSIZE", (j, r), (j, r), size))
            aligns[j].append((r, align))
            if cell.kind == COLOUR and cell.colour in FILL:
                style.append(("BACKGROUND", (j, r), (j, r), FILL[cell.colour]))
        data.append(cells)
        if i in t.total_rows:
            style.append(("LINEABOVE", (0, r), (-1, r), 1.0, colors.black))
    style += _align_runs(aligns)
    table = RLTable(data, colWidths=widths, repeatRows=header_rows)
    table.setStyle(TableStyle(style))
    out.append(table)
    out.append(Spacer(1, 3.5 * mm))
    return out


def _align_runs(aligns: list[list[tuple[int, int]]]) -> list[tuple[Any, ...]]:
    """ALIGN commands for the cells drawn as plain text: one per run of rows alike in a column."""
    out: list[tuple[Any, ...]] = []
    for j, column in enumerate(aligns):
        start = 0
        for k in range(1, len(column) + 1):
            if k == len(column) or column[k][1] != column[start][1] or column[k][0] != column[k - 1][0] + 1:
                first, align = column[start]
                if align != TA_LEFT:
                    out.append(("ALIGN", (j, first), (j, column[k - 1][0]), _ALIGN_NAME[align]))
                start = k
    return out


BLUE, LIGHT_BLUE, RED_LINE = (
    colors.HexColor("#1f4e99"),
    colors.HexColor("#7ea6d8"),
    colors.HexColor("#b00000"),
)
GREEN = colors.HexColor("#2e7d32")  # carbon, on its own axis


@dataclass(frozen=True)
class _Plot:
    """Where a chart's plot area lies in its drawing, and how months and values map onto it."""

    left: float
    bottom: float
    width: float
    height: float
    axis: Axis

    def x(self, month: float) -> float:
        return float(self.left + self.width * (month - 0.5) / 12)

    def y(self, value: float) -> float:
        return float(self.bottom + self.height * (value - self.axis.low) / (self.axis.high - self.axis.low))


def _chart(chart: Chart) -> Flowable:
    """The monthly values against a reference line, on a 12-month axis."""
    width, height = CONTENT_W, 62 * mm
    carbon = bool(chart.carbon_points)  # its own axis at the right, its legend on a line of its own
    left, right, bottom, top = 16 * mm, (16 if carbon else 6) * mm, 12 * mm, (13 if carbon else 9) * mm
    axis = axis_for([v for _m, v in chart.points] + [chart.reference], from_zero=chart.kind == "cap")
    plot = _Plot(left, bottom, width - left - right, height - bottom - top, axis)
    d = Drawing(width, height, initialFontName=FONT, initialFontSize=7)
    d.add(String(left, height - 5 * mm, chart.title, fontName=FONT, fontSize=9))
    _chart_frame(d, plot, chart)
    _chart_values(d, plot, chart)
    _chart_legend(d, plot, chart, height - 5 * mm)
    if carbon:
        carbon_axis = axis_for([v for _m, v in chart.carbon_points], from_zero=True)
        _chart_carbon(d, replace(plot, axis=carbon_axis), chart, height - 9.5 * mm)
    return d


def _chart_carbon(d: Drawing, plot: _Plot, chart: Chart, ly: float) -> None:
    """The carbon line on its own axis at the right (tCO₂ is not energy), its ticks in its colour."""
    right = plot.left + plot.width
    for v in plot.axis.ticks:
        d.add(Line(right, plot.y(v), right + 2, plot.y(v), strokeColor=GREEN, strokeWidth=0.6))
        label = plot.axis.label(v)
        d.add(String(right + 3, plot.y(v) - 2.5, label, fontName=FONT, fontSize=6.5, fillColor=GREEN))
    unit = translate("report", "吨二氧化碳")
    d.add(String(right, plot.bottom + plot.height + 8, unit, fontName=FONT, fontSize=6.5, fillColor=GREEN))
    points = chart.carbon_points
    if len(points) > 1:
        xy = [c for m, v in points for c in (plot.x(m), plot.y(v))]
        d.add(PolyLine(xy, strokeColor=GREEN, strokeWidth=1.2))
    for m, v in points:
        d.add(Rect(plot.x(m) - 1.4, plot.y(v) - 1.4, 2.8, 2.8, fillColor=GREEN, strokeColor=None))
    lx = plot.left + plot.width - 70 * mm
    d.add(Line(lx, ly + 1.5, lx + 8, ly + 1.5, strokeColor=GREEN, strokeWidth=1.2))
    d.add(String(lx + 10, ly, chart.carbon_label, fontName=FONT, fontSize=7))


def _chart_frame(d: Drawing, plot: _Plot, chart: Chart) -> None:
    """Border, grid with the axis labels, month labels, zero line and the reference line."""
    right = plot.left + plot.width
    d.add(
        Rect(
            plot.left,
            plot.bottom,
            plot.width,
            plot.height,
            strokeColor=colors.black,
            strokeWidth=0.6,
            fillColor=None,
        )
    )
    for v in plot.axis.ticks:
        d.add(
            Line(
                plot.left,
                plot.y(v),
                right,
                plot.y(v),
                strokeColor=colors.HexColor("#dddddd"),
                strokeWidth=0.4,
            )
        )
        d.add(
            String(
                plot.left - 2,
                plot.y(v) - 2.5,
                plot.axis.label(v),
                fontName=FONT,
                fontSize=6.5,
                textAnchor="end",
            )
        )
    d.add(String(3, plot.bottom + plot.height + 8, chart.y_label, fontName=FONT, fontSize=6.5))
    for m in range(1, 13):
        month = translate("report", "{m}月").format(m=m)
        d.add(String(plot.x(m), plot.bottom - 9, month, fontName=FONT, fontSize=6.5, textAnchor="middle"))
    if chart.kind != "cap" and plot.axis.low < 0 < plot.axis.high:
        d.add(Line(plot.left, plot.y(0), right, plot.y(0), strokeColor=colors.black, strokeWidth=0.5))
    ref = plot.y(chart.reference)
    d.add(Line(plot.left, ref, right, ref, strokeColor=RED_LINE, strokeWidth=1, strokeDashArray=[4, 2]))


def _chart_values(d: Drawing, plot: _Plot, chart: Chart) -> None:
    """Bars of the cumulative total (a cap) or a line of the rates, each point labelled."""
    if chart.kind == "cap":  # 序时: where the total would be if the cap were used evenly over the year
        d.add(
            Line(
                plot.x(0.5),
                plot.y(0),
                plot.x(12),
                plot.y(chart.reference),
                strokeColor=GREY,
                strokeWidth=0.6,
                strokeDashArray=[1, 2],
            )
        )
        bar = plot.width / 12 * 0.5
        for m, v in chart.points:
            d.add(
                Rect(
                    plot.x(m) - bar / 2,
                    plot.y(0),
                    bar,
                    plot.y(v) - plot.y(0),
                    fillColor=LIGHT_BLUE,
                    strokeColor=colors.black,
                    strokeWidth=0.4,
                )
            )
    else:
        if len(chart.points) > 1:
            d.add(
                PolyLine(
                    [c for m, v in chart.points for c in (plot.x(m), plot.y(v))],
                    strokeColor=BLUE,
                    strokeWidth=1.4,
                )
            )
        for m, v in chart.points:
            d.add(Rect(plot.x(m) - 1.6, plot.y(v) - 1.6, 3.2, 3.2, fillColor=BLUE, strokeColor=None))
    for m, v in chart.points:
        label = fmt.amount(v, 0) if chart.kind == "cap" else fmt.rate(v)
        d.add(String(plot.x(m), plot.y(v) + 3.5, label, fontName=FONT, fontSize=6, textAnchor="middle"))
    if not chart.points:
        d.add(
            String(
                plot.left + plot.width / 2,
                plot.bottom + plot.height / 2,
                translate("report", "暂无数据"),
                fontName=FONT,
                fontSize=9,
                textAnchor="middle",
                fillColor=GREY,
            )
        )


def _chart_legend(d: Drawing, plot: _Plot, chart: Chart, ly: float) -> None:
    lx = plot.left + plot.width - 70 * mm
    if chart.kind == "cap":
        d.add(Rect(lx, ly - 0.5, 6, 4, fillColor=LIGHT_BLUE, strokeColor=colors.black, strokeWidth=0.4))
    else:
        d.add(Line(lx, ly + 1.5, lx + 8, ly + 1.5, strokeColor=BLUE, strokeWidth=1.4))
    d.add(String(lx + 10, ly, chart.series_label, fontName=FONT, fontSize=7))
    lx2 = lx + 28 * mm
    d.add(Line(lx2, ly + 1.5, lx2 + 8, ly + 1.5, strokeColor=RED_LINE, strokeWidth=1, strokeDashArray=[4, 2]))
    d.add(String(lx2 + 10, ly, chart.reference_label, fontName=FONT, fontSize=7))


def _notes(notes: list[str]) -> list[Flowable]:
    out: list[Flowable] = [_p(translate("report", "说明："), 9)]
    for i, note in enumerate(notes, start=1):
        out.append(Paragraph(_esc(f"{i}. {note}"), _style(8, leading=11.5)))
    out.append(Spacer(1, 4 * mm))
    return out


def _people(people: ReportPeople) -> Flowable:
    """单位负责人 … 报出日期 on one line; a blank name is a line to sign by hand."""
    size = 8.0
    cells = people.cells()
    row: list[Any] = []
    widths: list[float] = []
    for label, value in cells:
        row += [_p(f"{label}：", size), _p(value, size)]
        widths += [pdfmetrics.stringWidth(f"{label}：", FONT, size) + 6, 0.0]
    spare = CONTENT_W - sum(widths)
    shares = [0.8, 0.8, 0.8, 1.4, 2.0]  # names, phone, date
    for i, share in enumerate(shares):
        widths[2 * i + 1] = spare * share / sum(shares)
    table = RLTable([row], colWidths=widths)
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for i, (_label, value) in enumerate(cells[:-1]):
        if not value:
            style.append(("LINEBELOW", (2 * i + 1, 0), (2 * i + 1, 0), 0.5, colors.black))
    table.setStyle(TableStyle(style))
    return table


SEAL_W, SEAL_H = 62 * mm, 34 * mm  # room for a round official seal (42 mm) pressed half over the words


def _footer(people: ReportPeople, signed: bool, holder: list[SignatureBox]) -> list[Flowable]:
    """单位负责人 … 报出日期, then the place for the unit's seal beside the electronic signature."""
    seal = _p(translate("report", "填报单位（盖章）："), 8.5)
    label = _p(translate("report", "电子签名："), 8.5)
    block = RLTable(
        [[seal, label, SignatureSlot(signed, holder)]],
        colWidths=[SEAL_W, CONTENT_W - SEAL_W - SIGNATURE_W - 4, SIGNATURE_W + 4],
        rowHeights=[SEAL_H],
    )
    block.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [_people(people), Spacer(1, 4 * mm), block, Spacer(1, 3 * mm)]


def _section(section: Section, header: FormHeader, first: bool, tail: list[Flowable]) -> list[Flowable]:
    """A form; `tail` (the footer that certifies the report) is kept on the page of its last table."""
    out: list[Flowable] = [] if first else [CondPageBreak(90 * mm), Spacer(1, 4 * mm)]
    out += _title(section.title)
    out.append(_header(header))
    out.append(Spacer(1, 3 * mm))
    *tables, last = section.tables
    for t in tables:
        out += _table(t)
    if section.chart is not None:
        out.append(KeepTogether([_chart(section.chart), Spacer(1, 3 * mm)]))
    if tail:
        out.append(KeepTogether(_table(last) + tail))
    else:
        out += _table(last)
    return out


def _calculation_page(report: UnitReport) -> list[Flowable]:
    """The last page: how each derived figure was obtained, with the coefficient versions."""
    out: list[Flowable] = [PageBreak(), *_title(translate("report", "计算说明"))]
    out += [Paragraph(_esc(line), _style(8, leading=11.5)) for line in calculation_versions(report)]
    out.append(Spacer(1, 3 * mm))
    for table in calculation_tables(report):
        out += [CondPageBreak(45 * mm), *_table(table), Spacer(1, 3 * mm)]  # never a caption alone
    factors = calculation_factors_table(report)
    if factors is not None:
        out.append(KeepTogether(_table(factors)))
    return out


def _build(story: list[Flowable], running: str, meta: dict[str, str], mark: PrintMark | None = None) -> bytes:
    register_font()
    bottom = MARKED_BOTTOM if mark is not None else MARGIN_BOTTOM
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=bottom,
        title=meta.get("title", ""),
        author=meta.get("author", ""),
        subject=meta.get("subject", ""),
        creator="TanBao",
        producer="TanBao (reportlab)",
        initialFontName=FONT,
        initialFontSize=9,
    )
    frame = Frame(MARGIN_X, bottom, CONTENT_W, PAGE_H - MARGIN_TOP - bottom, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=_numbered_canvas(running, mark))
    return buffer.getvalue()


# ---- public ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    signature_box: SignatureBox


def render_unit_pdf(
    report: UnitReport,
    people: ReportPeople,
    *,
    signed: bool,
    signer_fingerprint: str = "",
    evidence: Sequence[EvidenceItem] = (),
) -> RenderedPdf:
    """The unit's report without attachment or signature; `signed` only changes the empty signature box.
    Every page carries the print mark: the data's SHA-256 and the signer certificate's fingerprint."""
    register_font()
    story: list[Flowable] = []
    holder: list[SignatureBox] = []
    sections = unit_sections(report)
    for i, section in enumerate(sections):
        tail = _footer(people, signed, holder) if i == len(sections) - 1 else []
        story += _section(section, unit_header(report, section), first=i == 0, tail=tail)
    if not sections:
        story += _footer(people, signed, holder)
    story += _notes(unit_notes(report))
    if evidence:
        story += _table(evidence_table(list(evidence), report.plan.rules.evidence_in_package_max_mb))
    story += _calculation_page(report)
    running = f"{report.unit.full_name}  {report.period.label()}"
    data = _build(
        story,
        running,
        {
            "title": translate("report", "{unit} {period} 节能降碳目标报表").format(
                unit=report.unit.name, period=report.period.label()
            ),
            "author": report.unit.full_name,
            "subject": report.plan.title,
        },
        PrintMark(
            UNIT,
            report.plan.id,
            report.unit.id,
            str(report.period),
            report.version,
            report_data_sha256(report.data),
            short_fingerprint(signer_fingerprint),
        ),
    )
    return RenderedPdf(data, holder[-1])


def unit_pdf(
    report: UnitReport,
    people: ReportPeople | None = None,
    *,
    key: SigningKey | None = None,
    signer_name: str = "",
    when: datetime | None = None,
    evidence: Sequence[EvidenceItem] = (),
    files: Sequence[AttachedFile] = (),
) -> bytes:
    """The unit's report with its data (and the evidence `files` carried) attached; signed (PAdES B-B,
    visible stamp) when `key` is given. `evidence` lists every evidence file, carried or not."""
    from model.reports import signing

    people = people or ReportPeople()
    fingerprint = key.info.fingerprint_sha256 if key is not None else ""
    rendered = render_unit_pdf(
        report, people, signed=key is not None, signer_fingerprint=fingerprint, evidence=evidence
    )
    data = encode_report_data(report.data)
    if key is None:
        return signing.attach_data(
            rendered.data, data, ATTACHMENT_NAME, translate("report", "报表数据"), files=files
        )
    return signing.sign_pdf(
        rendered.data,
        key,
        data=data,
        data_name=ATTACHMENT_NAME,
        box=rendered.signature_box,
        signer_name=signer_name or people.signer or report.unit.full_name,
        unit_name=report.unit.full_name,
        unit_id=report.unit.id,
        reason=translate("report", "{period} 报表").format(period=report.period.label()),
        when=when,
        files=files,
    )


def summary_pdf(plan: Plan, summary: DistrictSummary, people: ReportPeople | None = None) -> bytes:
    """The district summary: every unit's standing, the ΣE/ΣY totals and who has not reported."""
    people = people or ReportPeople()
    register_font()
    story: list[Flowable] = []
    story += _title(summary_title(plan))
    story.append(_header(summary_header(plan, summary)))
    story.append(Spacer(1, 3 * mm))
    sections = summary_sections(plan, summary)
    for number, section in enumerate(sections, start=1):
        heading = translate("report", "{n}、{title}").format(
            n="一二三四五六"[number - 1], title=section.title
        )
        story.append(CondPageBreak(40 * mm))
        story.append(_p(heading, 10.5))
        story.append(Spacer(1, 1.5 * mm))
        *tables, last = section.tables
        for t in tables:
            story += _table(t)
        if number == len(sections):  # the people who answer for the summary, beside its last table
            story.append(KeepTogether([*_table(last), _people(people), Spacer(1, 4 * mm)]))
        else:
            story += _table(last)
    story += _notes(summary_notes(plan, summary))
    return _build(
        story,
        f"{summary.district_unit_name}  {summary.period_label}",
        {"title": summary_title(plan), "author": summary.district_unit_name, "subject": plan.title},
        PrintMark(
            SUMMARY,
            plan.id,
            summary.district_unit_id,
            summary.period,
            None,
            summary_sha256(summary.to_dict()),
        ),
    )
