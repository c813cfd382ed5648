"""The report as a PDF (reportlab, no browser, no office suite): A4, embedded fonts with the
characters Swedish typography needs (real minus, thin space, ▲), tables with a repeated header,
charts as images, page numbers and the source in the footer."""

from __future__ import annotations

import io
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from benchmark.attribution import SOURCE_LINE
from benchmark.report.fonts import column_widths, font
from benchmark.report.model import Bullets, Document, Figure, Heading, Table, Text, typeset

MARGIN = 2.2 * cm
TEXT_WIDTH = A4[0] - 2 * MARGIN
BLUE = colors.HexColor("#1f4e79")
GREY = colors.HexColor("#444444")
LINE = colors.HexColor("#b7c6d6")
HEADER_FILL = colors.HexColor("#e8eef5")
SHORT_TABLE = 15  # rows: a table this short is kept on one page with its caption
CELL_SIZE = 8  # points, header and cells
CELL_PADDING = 12  # points: reportlab's default 6 on either side of a cell


@cache
def fonts() -> tuple[str, str]:
    """Register the report's regular and bold font (``fonts.font``); their names."""
    f = font()
    pdfmetrics.registerFont(TTFont(f.name, str(f.regular)))
    pdfmetrics.registerFont(TTFont(f.bold_name, str(f.bold)))
    return f.name, f.bold_name


def _plain(value: str) -> str:
    """Print typography, in characters the font has."""
    return font().plain(typeset(value))


def _text(value: str) -> str:
    """Text for a reportlab Paragraph, escaped (its markup is XML-like)."""
    return escape(_plain(value)).replace("\n", "<br/>")


@cache
def styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13.5, spaceAfter=5)
    return {
        "title": ParagraphStyle("title", body, fontName=bold, fontSize=18, leading=22,
                                textColor=BLUE, spaceAfter=4),
        "line": ParagraphStyle("line", body, fontSize=8.5, leading=11, textColor=GREY,
                               spaceAfter=12),
        1: ParagraphStyle("h1", body, fontName=bold, fontSize=14, leading=18, textColor=BLUE,
                          spaceBefore=12, spaceAfter=6),
        2: ParagraphStyle("h2", body, fontName=bold, fontSize=12, leading=15, textColor=BLUE,
                          spaceBefore=10, spaceAfter=4),
        3: ParagraphStyle("h3", body, fontName=bold, fontSize=10.5, leading=13.5,
                          spaceBefore=8, spaceAfter=3),
        "body": body,
        "caption": ParagraphStyle("caption", body, fontSize=7.8, leading=10, textColor=GREY,
                                  spaceAfter=8),
        "cell": ParagraphStyle("cell", body, fontSize=CELL_SIZE, leading=10, spaceAfter=0),
        "cell_right": ParagraphStyle("cell_right", body, fontSize=CELL_SIZE, leading=10,
                                     spaceAfter=0, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", body, fontName=bold, fontSize=CELL_SIZE, leading=10,
                               spaceAfter=0),
        "head_right": ParagraphStyle("head_right", body, fontName=bold, fontSize=CELL_SIZE,
                                     leading=10, spaceAfter=0, alignment=TA_RIGHT),
    }  # fmt: skip


def _table(block: Table) -> list:
    s = styles()
    rows = [
        [
            Paragraph(_text(h), s["head_right" if i in block.numeric else "head"])
            for i, h in enumerate(block.header)
        ]
    ]
    for r in block.rows:
        rows.append(
            [
                Paragraph(_text(v), s["cell_right" if i in block.numeric else "cell"])
                for i, v in enumerate(r)
            ]
        )
    table = PdfTable(
        rows, colWidths=column_widths(block, CELL_SIZE, CELL_PADDING, TEXT_WIDTH), repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, BLUE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    out = [table]
    if block.caption:
        out += [Spacer(1, 3), Paragraph(_text(block.caption), s["caption"])]
    return [KeepTogether(out)] if len(block.rows) <= SHORT_TABLE else out


def _figure(block: Figure) -> KeepTogether:
    width_px, height_px = block.size
    height = TEXT_WIDTH * height_px / width_px
    image = Image(io.BytesIO(block.png), width=TEXT_WIDTH, height=height)
    return KeepTogether([image, Spacer(1, 3), Paragraph(_text(block.caption), styles()["caption"])])


def _flowables(report: Document) -> list:
    s = styles()
    out = [
        Paragraph(_text(report.title), s["title"]),
        Paragraph(_text(report.title_line), s["line"]),
    ]
    pending_heading = None
    for block in report.blocks:
        if isinstance(block, Heading):
            pending_heading = Paragraph(_text(block.text), s[min(block.level, 3)])
            continue
        items: list
        if isinstance(block, Text):
            items = [Paragraph(_text(block.text), s[block.kind])]
        elif isinstance(block, Bullets):
            items = [
                ListFlowable(
                    [ListItem(Paragraph(_text(i), s["body"]), leftIndent=12) for i in block.items],
                    bulletType="bullet",
                    start="•",
                    leftIndent=12,
                )
            ]
        elif isinstance(block, Table):
            items = _table(block)
        else:
            items = [_figure(block)]
        if pending_heading is not None:  # a heading never ends a page alone
            first = items[0]._content if isinstance(items[0], KeepTogether) else [items[0]]
            items = [KeepTogether([pending_heading, *first]), *items[1:]]
            pending_heading = None
        out += items
    if pending_heading is not None:
        out.append(pending_heading)
    return out


def to_pdf(report: Document) -> bytes:
    regular, _ = fonts()
    out = io.BytesIO()
    footer = _plain(f"{report.title} · {SOURCE_LINE}")

    def page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, 1.2 * cm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 1.2 * cm, f"sida {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=report.title,
        subject=report.subtitle,
        author="Nettokostnadsavvikelse – jämför med liknande kommuner",
        lang="sv-SE",
        creator="nka-jamforelse (reportlab)",
    )
    doc.build(_flowables(report), onFirstPage=page, onLaterPages=page)
    return out.getvalue()
