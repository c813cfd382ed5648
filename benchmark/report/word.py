"""The report as a Word document (python-docx): A4, Swedish language, real headings, tables and
editable paragraphs, charts as images, page numbers and the source in the footer."""

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
from benchmark.report.model import Bullets, Document, Figure, Heading, Table, Text, typeset

TEXT_WIDTH_CM = 16.0  # A4 (21 cm) with 2,5 cm margins
TEXT_WIDTH_PT = TEXT_WIDTH_CM / 2.54 * 72
CELL_SIZE = 9  # points, table header and cells
CELL_MARGINS = 0.38 / 2.54 * 72  # points: Word's default 0,19 cm on either side of a cell
GREY = RGBColor(0x44, 0x44, 0x44)
HEADER_FILL = "E8EEF5"
FONT = "Calibri"


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
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        doc.styles[name].font.name = FONT
    caption = doc.styles["Caption"]
    caption.font.size, caption.font.italic, caption.font.bold = Pt(8.5), False, False
    caption.font.color.rgb = GREY


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the page."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
        if kind == "separate":
            number = OxmlElement("w:t")
            number.text = "1"
            run._r.append(number)


def _footer(doc, report: Document) -> None:
    p = doc.sections[0].footer.paragraphs[0]
    p.text = typeset(f"{report.title} · {SOURCE_LINE} · sida ")
    _field(p, "PAGE")
    p.add_run(" av ")
    _field(p, "NUMPAGES")
    for run in p.runs:
        run.font.size, run.font.color.rgb = Pt(8), GREY


def _table(doc, block: Table) -> None:
    t = doc.add_table(rows=1, cols=len(block.header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    t.autofit = False  # the widths below, in Word and in LibreOffice
    # measured in the PDF's DejaVu Sans, which is wider than Calibri: a word that fits there fits
    widths = [Pt(w) for w in column_widths(block, CELL_SIZE, CELL_MARGINS, TEXT_WIDTH_PT)]
    for column, w in zip(t.columns, widths, strict=True):
        column.width = w
    for row_cells, values, header in (
        (t.rows[0].cells, block.header, True),
        *((t.add_row().cells, r, False) for r in block.rows),
    ):
        for i, (cell, value) in enumerate(zip(row_cells, values, strict=True)):
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
    for block in report.blocks:
        if isinstance(block, Heading):
            doc.add_heading(typeset(block.text), level=block.level)
        elif isinstance(block, Text):
            style = "Caption" if block.kind == "caption" else None
            doc.add_paragraph(typeset(block.text), style=style)
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(typeset(item), style="List Bullet")
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Figure):
            picture = doc.add_picture(io.BytesIO(block.png), width=Cm(TEXT_WIDTH_CM))
            # alt text (Word's "Beskrivning"): the caption, for screen readers
            picture._inline.docPr.set("descr", typeset(block.caption))
            doc.paragraphs[-1].paragraph_format.keep_with_next = True
            doc.add_paragraph(typeset(block.caption), style="Caption")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


CORE_LIMIT = 255  # characters in a Word core property


def _core(text: str) -> str:
    """A core property's text, cut to Word's limit ("…")."""
    return text if len(text) <= CORE_LIMIT else text[: CORE_LIMIT - 1] + "…"
