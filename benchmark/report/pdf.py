"""The report as a PDF (reportlab, no browser, no office suite): A4, embedded fonts with the
characters Swedish typography needs (real minus, thin space, ▲), tables with a repeated header,
charts as images, page numbers and the source in the footer, a bookmark for every heading and
the contents list ("Innehåll") with page numbers where the document has one.

reportlab (open source) cannot write a tagged PDF (no structure tree, no marked content), so a
screen reader gets the text without its headings and tables: the first page says that the Word
file is the accessible version."""

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
    CondPageBreak,
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
from reportlab.platypus.tableofcontents import TableOfContents

from benchmark.attribution import SOURCE_LINE
from benchmark.report.fonts import column_widths, font
from benchmark.report.model import (
    KEPT_ROWS,
    SHORT_TABLE,
    Block,
    Bullets,
    Contents,
    Document,
    Figure,
    Heading,
    Table,
    Text,
    keeps_with_next,
    placed_width,
    typeset,
)

MARGIN = 2.2 * cm
TEXT_WIDTH = A4[0] - 2 * MARGIN
ROOM = A4[1] - 2 * MARGIN - 12  # points a page holds: the frame less its 6 pt padding each way
FIGURE_HEIGHT = 0.8 * ROOM  # points: the tallest a figure is placed, with room for its caption
BLUE = colors.HexColor("#1f4e79")
GREY = colors.HexColor("#444444")
LINE = colors.HexColor("#b7c6d6")
HEADER_FILL = colors.HexColor("#e8eef5")
CELL_SIZE = 8  # points, header and cells
CELL_PADDING = 12  # points: reportlab's default 6 on either side of a cell
KEPT_LINES = 3  # lines of a paragraph or list kept with the heading above it
ACCESSIBLE = (
    "Den tillgängliga versionen av rapporten är Word-filen (.docx) med samma innehåll: den här "
    "PDF-filen saknar de taggar för rubriker och tabeller som skärmläsare behöver."
)
CONTENTS_TITLE = "Innehåll"


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
                               spaceAfter=6),
        1: ParagraphStyle("h1", body, fontName=bold, fontSize=14, leading=18, textColor=BLUE,
                          spaceBefore=12, spaceAfter=6),
        2: ParagraphStyle("h2", body, fontName=bold, fontSize=12, leading=15, textColor=BLUE,
                          spaceBefore=10, spaceAfter=4),
        3: ParagraphStyle("h3", body, fontName=bold, fontSize=10.5, leading=13.5,
                          spaceBefore=8, spaceAfter=3),
        "body": body,
        "caption": ParagraphStyle("caption", body, fontSize=7.8, leading=10, textColor=GREY,
                                  spaceAfter=8),
        "toc": ParagraphStyle("toc", body, leading=12.5, spaceAfter=0),
        "cell": ParagraphStyle("cell", body, fontSize=CELL_SIZE, leading=10, spaceAfter=0),
        "cell_right": ParagraphStyle("cell_right", body, fontSize=CELL_SIZE, leading=10,
                                     spaceAfter=0, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", body, fontName=bold, fontSize=CELL_SIZE, leading=10,
                               spaceAfter=0),
        "head_right": ParagraphStyle("head_right", body, fontName=bold, fontSize=CELL_SIZE,
                                     leading=10, spaceAfter=0, alignment=TA_RIGHT),
    }  # fmt: skip


def _pdf_table(block: Table, rows: tuple[tuple[str, ...], ...]) -> PdfTable:
    """``rows`` of ``block`` under its header, the header repeated on every page."""
    s = styles()
    cells = [
        [Paragraph(_text(v), s[kind + ("_right" if i in block.numeric else "")])
         for i, v in enumerate(row)]
        for row, kind in ((block.header, "head"), *((r, "cell") for r in rows))
    ]  # fmt: skip
    table = PdfTable(
        cells, colWidths=column_widths(block, CELL_SIZE, CELL_PADDING, TEXT_WIDTH), repeatRows=1
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
    return table


def _table(block: Table) -> list:
    out = [_pdf_table(block, block.rows)]
    if block.caption:
        out += [Spacer(1, 3), Paragraph(_text(block.caption), styles()["caption"])]
    return out


def figure_width(block: Figure) -> float:
    """Points a figure is placed wide in the PDF (``FIGURE_HEIGHT`` at most high)."""
    return placed_width(block, TEXT_WIDTH, FIGURE_HEIGHT)


def _figure(block: Figure) -> list:
    width_px, height_px = block.size
    width = figure_width(block)
    image = Image(io.BytesIO(block.png), width=width, height=width * height_px / width_px)
    return [image, Spacer(1, 3), Paragraph(_text(block.caption), styles()["caption"])]


def _contents(block: Contents) -> list:
    """The contents list: "Innehåll" and the headings with their pages (``_Template``)."""
    s = styles()
    levels = [ParagraphStyle(f"toc{i}", s["toc"], leftIndent=12 * i) for i in range(block.depth)]
    lines = TableStyle(  # one line each, as close as the text's
        [("VALIGN", (0, 0), (-1, -1), "TOP")]
        + [(side, (0, 0), (-1, -1), 0) for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING")]
        + [("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    )
    contents = TableOfContents(levelStyles=levels, tableStyle=lines, dotsMinLevel=0)
    return [Paragraph(CONTENTS_TITLE, s[1]), contents]


def _heading(block: Heading, key: str) -> Paragraph:
    """A heading, marked for ``_Template``: its bookmark's key, level and text."""
    p = Paragraph(_text(block.text), styles()[min(block.level, 3)])
    p.heading = (key, block.level, _plain(block.text))
    return p


def _items(block: Block, key: str) -> list:
    """A block's flowables; ``key``: a heading's bookmark."""
    s = styles()
    if isinstance(block, Heading):
        return [_heading(block, key)]
    if isinstance(block, Text):
        return [Paragraph(_text(block.text), s["body" if block.kind == "body" else "caption"])]
    if isinstance(block, Bullets):
        return [
            ListFlowable(
                [ListItem(Paragraph(_text(i), s["body"]), leftIndent=12) for i in block.items],
                bulletType="bullet",
                start="•",
                leftIndent=12,
            )
        ]
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Contents):
        return _contents(block)
    return _figure(block)


def _height(flowables: list) -> float:
    """Height in points of ``flowables`` one after the other, at the text width."""
    return sum(
        f.wrap(TEXT_WIDTH, ROOM)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables
    )


def _start(block: Block, items: list) -> float:
    """How much of ``block`` must be on the page where it starts, under what leads into it: a
    long table's header and first rows, a paragraph's or a list's first lines."""
    lines = KEPT_LINES * styles()["body"].leading
    if isinstance(block, Table):
        return _height([_pdf_table(block, block.rows[:KEPT_ROWS])])
    return min(_height(items), lines) if isinstance(block, Text) else lines


def _kept(lead: list, block: Block, items: list) -> list:
    """``block``'s flowables with ``lead`` (its headings, the paragraph that leads into it) on
    the same page: a figure or a short table whole, with its caption; a long table with its
    header and first rows, a paragraph or list with its first lines — a page break first when
    they do not fit in what is left of the page."""
    if isinstance(block, Figure) or (isinstance(block, Table) and len(block.rows) <= SHORT_TABLE):
        return [KeepTogether([*lead, *items])]
    if not lead and not isinstance(block, Table):
        return items
    return [CondPageBreak(min(_height(lead) + _start(block, items), ROOM)), *lead, *items]


def _flowables(report: Document) -> list:
    s = styles()
    out = [
        Paragraph(_text(report.title), s["title"]),
        Paragraph(_text(report.title_line), s["line"]),
        Paragraph(_text(ACCESSIBLE), s["line"]),
    ]
    lead: list = []
    blocks = report.blocks
    for i, (block, following) in enumerate(zip(blocks, [*blocks[1:], None], strict=True)):
        items = _items(block, f"h{i}")
        if keeps_with_next(block, following):
            lead += items
        else:
            out += _kept(lead, block, items)
            lead = []
    return out + lead


class _Template(SimpleDocTemplate):
    """Every heading gets a bookmark in the PDF's outline (a reader's navigation pane), and
    those the contents list shows an entry with their page."""

    depth = 0  # levels the contents list shows
    outline = -1  # the outline's level so far: it goes down one level at a time

    def afterFlowable(self, flowable) -> None:
        heading = getattr(flowable, "heading", None)
        if heading is None:
            return
        key, level, text = heading
        self.outline = min(level - 1, self.outline + 1)
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=self.outline, closed=level > 1)
        if level <= self.depth:
            self.notify("TOCEntry", (level - 1, escape(text), self.page, key))

    def beforeDocument(self) -> None:
        self.outline = -1  # each pass of ``multiBuild`` builds the outline anew


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

    doc = _Template(
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
        displayDocTitle=True,
    )
    doc.depth = max((b.depth for b in report.blocks if isinstance(b, Contents)), default=0)
    doc.multiBuild(_flowables(report), onFirstPage=page, onLaterPages=page)
    return out.getvalue()
