"""The report as a Word document (python-docx): A4, Swedish language, real headings, tables and
editable paragraphs, charts as images, page numbers and the source in the footer.

The contents list ("Innehåll") is a list of the headings, each a link to its heading — not a TOC
field, which shows nothing until Word updates it (and LibreOffice does not on opening)."""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from benchmark.attribution import SOURCE_LINE
from benchmark.report.fonts import column_widths
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

TEXT_WIDTH_CM = 16.0  # A4 (21 cm) with 2,5 cm margins
TEXT_WIDTH_PT = TEXT_WIDTH_CM / 2.54 * 72
FIGURE_HEIGHT_PT = 20 / 2.54 * 72  # the tallest a figure is placed: 20 of the page's 25,3 cm
CELL_SIZE = 9  # points, table header and cells
# Points a cell needs beside its longest word: Word's default margins, 0,19 cm on either side,
# "Table Grid"'s ½ pt line on either side, and 1 pt that LibreOffice's rounding to twips
# takes (a column exactly as wide as "Placering" broke it as "Placerin|g").
CELL_PADDING = 0.38 / 2.54 * 72 + 2 * 0.5 + 1.0
FOOTER_SIZE = 8  # points
GREY = RGBColor(0x44, 0x44, 0x44)
HEADER_FILL = "E8EEF5"
FONT = "Calibri"
CONTENTS_TITLE = "Innehåll"
CONTENTS_INDENT = 0.6  # cm per level in the contents list


def _language(doc) -> None:
    """Swedish for spelling and hyphenation, on the default run properties."""
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "sv-SE")
    lang.set(qn("w:eastAsia"), "sv-SE")


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(10.5)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "TOC Heading"):
        doc.styles[name].font.name = FONT
    caption = doc.styles["Caption"]
    caption.font.size, caption.font.italic, caption.font.bold = Pt(8.5), False, False
    caption.font.color.rgb = GREY
    # the footer's size and colour on its style: the page-number fields' results take them too
    footer = doc.styles["Footer"]
    footer.font.size, footer.font.color.rgb = Pt(FOOTER_SIZE), GREY


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the page: its start,
    code, separator, placeholder result and end each in a run of its own, as Word writes them."""
    for kind, text in (
        ("begin", None),
        (None, code),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if text == code else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _footer(doc, report: Document) -> None:
    p = doc.sections[0].footer.paragraphs[0]
    p.text = typeset(f"{report.title} · {SOURCE_LINE} · sida ")
    _field(p, "PAGE")
    p.add_run(" av ")
    _field(p, "NUMPAGES")


def _table(doc, block: Table) -> None:
    t = doc.add_table(rows=1, cols=len(block.header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    t.autofit = False  # the widths below, in Word and in LibreOffice
    # measured in DejaVu Sans, wider than Calibri and than what replaces it where it is missing
    # (Carlito, Liberation Sans): a word that fits there fits
    widths = [Pt(w) for w in column_widths(block, CELL_SIZE, CELL_PADDING, TEXT_WIDTH_PT)]
    for column, w in zip(t.columns, widths, strict=True):
        column.width = w
    rows = (
        (t.rows[0], block.header, True),
        *((row, values, False) for row, values in ((t.add_row(), r) for r in block.rows)),
    )
    for number, (row, values, header) in enumerate(rows):
        _keep_row(row, _kept_row(number, len(block.rows)))
        for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = widths[i]
            p = cell.paragraphs[0]
            run = p.add_run(typeset(value))
            run.font.size = Pt(CELL_SIZE)
            run.bold = header
            if header:
                _shade(cell, HEADER_FILL)
            if i in block.numeric:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _repeat_header(t)
    # the caption, or an empty line: the next block never touches the table
    doc.add_paragraph(typeset(block.caption), style="Caption")


def _kept_row(number: int, rows: int) -> bool:
    """Whether row ``number`` (0: the header) stays on the page of the next: in a short table
    every row, and the last with the caption; in a longer one the header and the first rows."""
    return rows <= SHORT_TABLE or number < KEPT_ROWS


def _keep_row(row, keep: bool) -> None:
    """A row never splits across pages; with ``keep`` its paragraphs keep with the next row
    (Word's way of keeping table rows together)."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if keep:
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(table) -> None:
    """The header row repeats on every page a long table runs over."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _bookmark(paragraph, number: int) -> None:
    """A bookmark around the paragraph's text, for the contents list's link to it."""
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), f"_Toc{number}")
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(paragraph._p.index(paragraph.runs[0]._r), start)
    paragraph._p.append(end)


def _link(paragraph, text: str, number: int) -> None:
    """``text`` as a link to bookmark ``number`` in this document."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), f"_Toc{number}")
    run = paragraph.add_run(text)
    paragraph._p.remove(run._r)
    link.append(run._r)
    paragraph._p.append(link)


def _contents(doc, report: Document, depth: int) -> None:
    """The contents list: "Innehåll", then each heading down to ``depth`` as a line that links
    to it."""
    doc.add_paragraph(CONTENTS_TITLE, style="TOC Heading")
    for number, block in enumerate(report.blocks):
        if isinstance(block, Heading) and block.level <= depth:
            p = doc.add_paragraph()
            p.paragraph_format.left_indent = Cm(CONTENTS_INDENT * (block.level - 1))
            p.paragraph_format.space_after = Pt(0)
            _link(p, typeset(block.text), number)


def figure_width(block: Figure) -> float:
    """Points a figure is placed wide in Word (``FIGURE_HEIGHT_PT`` at most high)."""
    return placed_width(block, TEXT_WIDTH_PT, FIGURE_HEIGHT_PT)


def _figure(doc, block: Figure) -> None:
    """The chart and its caption in one paragraph that is never split: a picture kept with the
    caption in a paragraph of its own stayed at the foot of a page in LibreOffice with the
    caption on the next (it keeps a paragraph with the next one's first line, and the caption's
    first line alone is not allowed there)."""
    p = doc.add_paragraph(style="Caption")
    p.paragraph_format.keep_together = True
    picture = p.add_run().add_picture(io.BytesIO(block.png), width=Pt(figure_width(block)))
    # alt text (Word's "Beskrivning"): the caption, for screen readers
    picture._inline.docPr.set("descr", typeset(block.caption))
    p.runs[0].add_break()
    p.add_run(typeset(block.caption))


def _block(doc, report: Document, number: int, block: Block, following: Block | None) -> None:
    """Block ``number`` of the report, kept on the page of ``following`` where the model says."""
    if isinstance(block, Heading):
        p = doc.add_heading(typeset(block.text), level=block.level)
        _bookmark(p, number)
        p.paragraph_format.keep_with_next = keeps_with_next(block, following)
    elif isinstance(block, Text):
        style = None if block.kind == "body" else "Caption"
        p = doc.add_paragraph(typeset(block.text), style=style)
        p.paragraph_format.keep_with_next = keeps_with_next(block, following)
    elif isinstance(block, Bullets):
        for item in block.items:
            doc.add_paragraph(typeset(item), style="List Bullet")
    elif isinstance(block, Table):
        _table(doc, block)
    elif isinstance(block, Contents):
        _contents(doc, report, block.depth)
    elif isinstance(block, Figure):
        _figure(doc, block)


def to_docx(report: Document) -> bytes:
    doc = new_docx()
    _page(doc)
    _language(doc)
    props = doc.core_properties
    # Word's core properties hold at most 255 characters each (python-docx raises beyond)
    props.title, props.subject = _core(report.title), _core(report.subtitle)
    props.author, props.language = "Nettokostnadsavvikelse – jämför med liknande kommuner", "sv-SE"
    doc.add_paragraph(typeset(report.title), style="Title")
    line = doc.add_paragraph(typeset(report.title_line))
    line.runs[0].font.color.rgb = GREY
    _footer(doc, report)
    blocks = report.blocks
    for number, (block, following) in enumerate(zip(blocks, [*blocks[1:], None], strict=True)):
        _block(doc, report, number, block, following)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


CORE_LIMIT = 255  # characters in a Word core property


def _core(text: str) -> str:
    """A core property's text, cut to Word's limit ("…")."""
    return text if len(text) <= CORE_LIMIT else text[: CORE_LIMIT - 1] + "…"
