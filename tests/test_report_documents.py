"""The report as a reader meets it (review of the documents, issue 21), on the small fixture
cache (no network): a document of every area has a heading per area and a contents list in
both files; each sentence is said once; a heading, the caption leading into a table and a
table's header stay on the page of what follows; chart text is at least 7 pt as printed; ▲ is
explained where a value is preliminary and nowhere else; Word's columns are as wide as their
widest word in any likely font; the footer's page numbers have the footer's size; the summary
and the first chart are on page 1; the PDF says that the Word file is the accessible one.

The helpers at the top (``sentences``, ``repeated_sentences``) are shared with
``tests/integration/test_report_layout.py``, which checks the same on the real data and in
LibreOffice's rendering of the Word file."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from PIL import ImageFont
from pypdf import PdfReader

from benchmark.attribution import COMPUTED, RAW
from benchmark.report import document, drivers, fonts, model, sections
from benchmark.report import pdf as report_pdf
from benchmark.report import word as report_docx
from benchmark.source import Source
from benchmark.viewstate import View
from kolada.catalogue import AREAS
from kolada.store import Store
from tests.conftest import FakeClient, fill_cache, load_fixture

KOMMUNER = [m["id"] for m in load_fixture("municipality.json")["values"] if m["type"] == "K"]
TODAY = date(2026, 12, 3)

# ---- each sentence once ----------------------------------------------------------------------
# A sentence ends at . ! or ? before a capital, a digit, a quote or a parenthesis — not after an
# abbreviation ("Totalt (exkl. LSS)", "1,9 p.e. Åtvidaberg").
_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"”(−])")
_ABBREVIATION = re.compile(r"(?:\b(?:exkl|inkl|ca|jfr)|t\.ex|p\.e|bl\.a)\.$")
# what may recur because it says where a figure comes from, not what it is
ATTRIBUTIONS = {RAW, COMPUTED}


def sentences(text: str) -> list[str]:
    out: list[str] = []
    for part in _END.split(text):
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] += f" {part}"
        else:
            out.append(part)
    return out


def _attribution(sentence: str) -> bool:
    return sentence.strip("().; ") in ATTRIBUTIONS


def repeated_sentences(doc: model.Document) -> list[str]:
    """Sentences the document's text says twice: its paragraphs, notes and lists, not table
    cells, captions (a table's or a figure's, and the "Jämförelsegrupp: …" line that leads into
    one: each says what its own table shows), headings or a sentence that only attributes
    ("(Egen bearbetning av data från Kolada.)"). In a document of every area a sentence with a
    figure in it may recur under another area's heading — "Åtvidaberg har plats 1 av 8 …" is
    another fact there; a sentence without one (an explanation, a caveat) may not."""
    seen: set[tuple[str | None, str]] = set()
    twice: list[str] = []
    area = None
    for b in doc.blocks:
        if isinstance(b, model.Heading) and b.level == 1:
            area = b.text
        texts = (
            [b.text]
            if isinstance(b, model.Text) and b.kind != "caption"
            else list(b.items)
            if isinstance(b, model.Bullets)
            else []
        )
        for s in (s for t in texts for s in sentences(t) if not _attribution(s)):
            key = (area if re.search(r"\d", s) else None, s)
            if key in seen:
                twice.append(s)
            seen.add(key)
    return twice


# ---- fixtures ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Source:
    root = fill_cache(tmp_path_factory.mktemp("documents"), FakeClient(munis=KOMMUNER))
    return Source(Store(root), today=TODAY)


@pytest.fixture(scope="module")
def preliminary(source) -> model.Document:
    """Åtvidaberg IFO 2019–2026: the fixture's 2026 is preliminary."""
    return document.make_document(source, View("0561", "ifo"), target="median", today=TODAY)


@pytest.fixture(scope="module")
def final(source) -> model.Document:
    """Åtvidaberg IFO 2019–2025: no value is preliminary."""
    view = View("0561", "ifo", last_year=2025)
    return document.make_document(source, view, target="median", today=TODAY)


@pytest.fixture(scope="module")
def every_area(source) -> tuple[model.Document, bytes, bytes]:
    doc = document.make_document(source, View("0561"), all_areas=True, today=TODAY)
    return doc, report_docx.to_docx(doc), report_pdf.to_pdf(doc)


def _word(doc: model.Document) -> docx.document.Document:
    return docx.Document(io.BytesIO(report_docx.to_docx(doc)))


def _pdf(doc: model.Document) -> PdfReader:
    return PdfReader(io.BytesIO(report_pdf.to_pdf(doc)))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# ---- 1. headings and contents ------------------------------------------------------------------
def test_every_area_has_its_heading_and_the_contents_list_in_the_pdf(every_area):
    doc, _, pdf_bytes = every_area
    reader = PdfReader(io.BytesIO(pdf_bytes))
    outline = [o.title for o in reader.outline if not isinstance(o, list)]
    titles = [a.title for a in AREAS]
    assert outline == ["Sammanfattning", "Att tänka på", *titles, "Källor och metod"]
    # each area's own sections are bookmarks one level down, the first "Sammanfattning"
    nested = [o for o in reader.outline if isinstance(o, list)]
    assert all(sub[0].title == "Sammanfattning" for sub in nested[2:-1])
    # page 1 lists them with the page each starts on (as laid out: the numbers are drawn first)
    first = _flat(reader.pages[0].extract_text(extraction_mode="layout"))
    for entry in (o for o in reader.outline if not isinstance(o, list)):
        page = reader.get_destination_page_number(entry) + 1
        assert re.search(rf"{re.escape(entry.title)}[ .]*{page} ", first), entry.title


def test_every_area_has_its_heading_and_the_contents_list_links_to_it_in_word(every_area):
    _, docx_bytes, _ = every_area
    d = docx.Document(io.BytesIO(docx_bytes))
    paragraphs = d.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.style.name == "TOC Heading")
    assert paragraphs[start].text == "Innehåll"
    links = []
    for p in paragraphs[start + 1 :]:
        found = p._p.findall(qn("w:hyperlink"))
        if not found:
            break
        links += [(h.get(qn("w:anchor")), p.text) for h in found]
    marks = {
        b.get(qn("w:name")): p.text
        for p in paragraphs
        if p.style.name.startswith("Heading")
        for b in p._p.findall(qn("w:bookmarkStart"))
    }
    listed = [text for _, text in links]
    assert listed == [
        "Sammanfattning",
        "Att tänka på",
        *(a.title for a in AREAS),
        "Källor och metod",
    ]
    assert all(marks[anchor] == text for anchor, text in links)  # each links to its heading
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert all(a.title in headings for a in AREAS)


def test_two_headings_in_a_row_are_both_in_the_pdf():
    """An area's name and its first section's once lost the first in the PDF."""
    blocks = [model.Heading("Område", 1), model.Heading("Avsnitt", 2), model.Text("Text.")]
    reader = _pdf(model.Document("Titel", "Rad", TODAY, "t", blocks))
    assert [o.title for o in reader.outline if not isinstance(o, list)] == ["Område"]
    assert "Område\nAvsnitt" in reader.pages[0].extract_text()


def test_heading_levels_never_skip_one(preliminary, every_area):
    for doc in (preliminary, every_area[0]):
        levels = [b.level for b in doc.blocks if isinstance(b, model.Heading)]
        assert levels[0] == 1
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


# ---- 2. each sentence once ---------------------------------------------------------------------
def test_sentences_split_where_a_sentence_ends():
    assert sentences("Ett. Två 3 (a). Totalt (exkl. LSS): ja. 1,9 p.e. Åtvidaberg.") == [
        "Ett.",
        "Två 3 (a).",
        "Totalt (exkl. LSS): ja.",
        "1,9 p.e. Åtvidaberg.",
    ]


def test_each_sentence_once(preliminary, final, every_area):
    for doc in (preliminary, final, every_area[0]):
        assert repeated_sentences(doc) == [], doc.title


def test_the_summary_is_oversikts_paragraph_and_the_caveats_are_one_section(source, preliminary):
    d = document.figures.overview_figures(source, View("0561", "ifo"))
    said, _ = sections.summary(d, None)
    assert " ".join(said) == d.report_text(None).partition("\n\nAtt beakta: ")[0]
    text = preliminary.text()
    assert "Att beakta" not in text
    headings = [b.text for b in preliminary.blocks if isinstance(b, model.Heading)]
    assert headings.count("Att tänka på") == 1
    notes = next(
        b.items
        for b, h in zip(preliminary.blocks[1:], preliminary.blocks, strict=False)
        if isinstance(h, model.Heading) and h.text == "Att tänka på"
    )
    # the paragraph's caveats are here, the preliminary value said once (by the report's note)
    assert any("inte verksamhetens kvalitet" in n for n in notes)
    assert sum("preliminär" in n.lower() for n in notes) == 1


def test_a_note_is_given_once_and_facts_never_dropped():
    note = model.Text("Så delas kostnaden.", "note")
    fact = model.Text("Kostnaden är 3 mnkr.")
    assert model.once([fact, note, fact, note]) == [fact, note, fact]


def test_a_note_for_several_areas_is_said_once_with_their_names():
    notes = document.shared_notes(
        [("Individ- och familjeomsorg", ["a", "b"]), ("LSS", ["a", "b"]), ("Äldreomsorg", ["a"])]
    )
    assert notes == ["a", "Individ- och familjeomsorg och LSS: b"]


# ---- 3. what stays together --------------------------------------------------------------------
def _page_of(reader: PdfReader, needle: str) -> int:
    return next(i for i, p in enumerate(reader.pages) if needle in p.extract_text())


@pytest.mark.parametrize(
    "block",
    [
        model.Table(("Rubrikrad", "B"), (("Första raden", "1"), ("x", "2"))),
        model.Table(
            ("Rubrikrad", "B"), (("Första raden", "1"), *(("x", str(i)) for i in range(40)))
        ),
        "figure",
    ],
    ids=["short table", "long table", "figure"],
)
def test_a_heading_and_its_lead_in_stay_with_the_table_or_figure_in_the_pdf(block, preliminary):
    """Whatever fills the page above it, the heading, the caption that leads in and the
    table's header and first row (or the figure) are on one page."""
    if block == "figure":
        block = preliminary.figures[0]
    first = "Första raden" if isinstance(block, model.Table) else None
    for lines in range(30, 44):
        fill = [model.Text(f"Rad {i} fyller sidan.") for i in range(lines)]
        blocks = [*fill, model.Heading("Rubriken", 2), model.Text("Leder in.", "caption"), block]
        reader = _pdf(model.Document("Titel", "Rad", TODAY, "t", blocks))
        page = _page_of(reader, "Rubriken")
        assert _page_of(reader, "Leder in.") == page, lines
        if first:
            assert _page_of(reader, first) == page, lines
        else:
            assert len(reader.pages[page].images) == 1, lines


def test_word_keeps_headings_lead_ins_and_table_headers_with_what_follows(preliminary):
    d = _word(preliminary)
    for p in d.paragraphs:
        if p.style.name.startswith("Heading"):
            assert p.paragraph_format.keep_with_next, p.text
    body = list(d.element.body)
    for i, el in enumerate(body):
        if el.tag == qn("w:tbl") and body[i - 1].tag == qn("w:p"):
            before = docx.text.paragraph.Paragraph(body[i - 1], d)
            if before.style.name == "Caption" and before.text:  # "Jämförelsegrupp: …"
                assert before.paragraph_format.keep_with_next, before.text
    for t in d.tables:
        kept = model.SHORT_TABLE if len(t.rows) - 1 <= model.SHORT_TABLE else model.KEPT_ROWS
        for n, row in enumerate(t.rows):
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
            keep = row.cells[0].paragraphs[0].paragraph_format.keep_with_next
            assert bool(keep) == (n < kept or len(t.rows) - 1 <= model.SHORT_TABLE)


def test_a_paragraph_of_text_does_not_pull_a_figure_and_half_a_page_with_it():
    figure = model.Figure(b"", "Bild")
    assert model.keeps_with_next(model.Heading("R"), model.Text("t"))
    assert model.keeps_with_next(model.Text("Jämförelsegrupp: G.", "caption"), figure)
    assert not model.keeps_with_next(model.Text("Ett stycke."), figure)
    assert not model.keeps_with_next(model.Text("Så delas kostnaden.", "note"), figure)
    assert not model.keeps_with_next(model.Heading("R"), None)


# ---- 4. chart text as printed ------------------------------------------------------------------
def _placed(figure: model.Figure) -> float:
    """Points the narrower of the two files places a figure wide."""
    return min(report_docx.figure_width(figure), report_pdf.figure_width(figure))


def test_small_multiples_axis_text_is_at_least_7_pt_as_laid_out():
    """From the constants: the grid of one, two or three columns, each plot with its y axis,
    fits the chart width, and its labels printed at the narrower text width are ≥ 7 pt."""
    text_width = min(report_docx.TEXT_WIDTH_PT, report_pdf.TEXT_WIDTH)
    for columns in (1, 2, 3):
        grid = columns * (drivers.mini_width(columns) + drivers.Y_AXIS)
        grid += drivers.GRID_GAP * (columns - 1)
        assert grid <= sections.CHART_WIDTH
        pixels = round(grid * sections.CHART_PPI / 72)
        printed = sections.printed_size(sections.LABEL_SIZE, pixels, text_width)
        assert printed >= sections.MIN_PRINTED, (columns, printed)


def test_every_charts_axis_text_is_at_least_7_pt_as_printed(preliminary, every_area):
    """As rendered: a chart that came out wider than laid out (a long label) prints smaller."""
    figures = [*preliminary.figures, *every_area[0].figures]
    assert len(figures) > 10
    for f in figures:
        printed = sections.printed_size(sections.LABEL_SIZE, f.size[0], _placed(f))
        assert printed >= sections.MIN_PRINTED, (f.caption[:60], f.size, printed)


def test_a_small_multiples_title_wraps_within_its_place():
    title = "Långvarigt ekonomiskt bistånd, andel (%) av biståndsmottagare 18+"
    width = drivers.mini_width(3) + drivers.Y_AXIS
    lines = drivers.title_lines(title, width)
    assert " ".join(lines) == title and len(lines) > 1
    assert all(fonts.text_width(line, drivers.TITLE_SIZE, bold=True) <= width for line in lines)


# ---- 5. ▲ only where a value is preliminary ----------------------------------------------------
def test_no_triangle_where_no_value_is_preliminary(final):
    text = final.text()
    assert "▲" not in text and "prelimin" not in text.lower()


def test_preliminary_values_are_marked_and_explained(preliminary, every_area):
    text = preliminary.text()
    assert "▲ prel." in text and "Preliminära värden (▲ prel.)" in text
    for f in preliminary.figures:  # every chart here draws 2026
        assert "▲ = preliminärt" in f.caption or "trianglar: preliminära värden" in f.caption
    heatmap = every_area[0].figures[0]
    assert "▲: preliminärt värde" in heatmap.caption


# ---- 6. Word's column widths -------------------------------------------------------------------
CANDIDATES = (  # what stands in for Calibri: DejaVu Sans (fontconfig's default), the others
    ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
    ("liberation2/LiberationSans-Regular.ttf", "liberation2/LiberationSans-Bold.ttf"),
    ("crosextra/Carlito-Regular.ttf", "crosextra/Carlito-Bold.ttf"),
)


def _installed() -> list[tuple[ImageFont.FreeTypeFont, ImageFont.FreeTypeFont]]:
    root = Path("/usr/share/fonts/truetype")
    return [
        (ImageFont.truetype(str(root / r), 1000), ImageFont.truetype(str(root / b), 1000))
        for r, b in CANDIDATES
        if (root / r).exists() and (root / b).exists()
    ]


def test_every_word_column_is_as_wide_as_its_longest_word_in_the_widest_font(
    preliminary, every_area
):
    faces = _installed()
    if not faces:
        pytest.skip("inga av DejaVu Sans, Liberation Sans, Carlito installerade")
    margins = 0.38 / 2.54 * 72 + 1.0  # Word's cell margins and the two ½ pt lines
    for doc in (preliminary, every_area[0]):
        d = _word(doc)
        tables = [b for b in doc.blocks if isinstance(b, model.Table)]
        for block, table in zip(tables, d.tables, strict=True):
            widths = [c.width.pt for c in table.rows[0].cells]
            for i, word, header in model.words(block):
                size = report_docx.CELL_SIZE / 1000
                wide = max(f[header].getlength(word) * size for f in faces)
                assert widths[i] >= wide + margins, (block.header, word, widths[i], wide)


# ---- 7. the footer -----------------------------------------------------------------------------
def test_the_footers_page_numbers_have_the_footers_size(final):
    footer = _word(final).sections[0].footer.paragraphs[0]
    assert footer.style.font.size == Pt(report_docx.FOOTER_SIZE)
    runs = footer._p.findall(qn("w:r"))
    assert all(r.find(qn("w:rPr")) is None for r in runs)  # every run: the style's size
    codes = [r.find(qn("w:instrText")) for r in runs]
    assert [c.text for c in codes if c is not None] == ["PAGE", "NUMPAGES"]
    assert all(len(r) == 1 for r in runs if r.find(qn("w:fldChar")) is not None)
    assert footer.text.startswith(final.title) and "sida 1 av 1" in footer.text


# ---- 8. page 1 ---------------------------------------------------------------------------------
def test_page_1_holds_the_title_the_summary_and_the_first_chart(final):
    reader = _pdf(final)
    first = _flat(reader.pages[0].extract_text())
    assert final.title in first and "Sammanfattning" in first
    summary = next(b for b in final.blocks if isinstance(b, model.Text))
    assert _flat(model.typeset(summary.text))[-40:] in first
    assert len(reader.pages[0].images) == 1  # the chart, with its caption
    assert final.figures[0].caption[:40] in first
    # in Word too the chart comes before the first table
    kinds = [type(b) for b in final.blocks]
    assert kinds.index(model.Figure) < kinds.index(model.Table)


# ---- 9. the PDF is not tagged: it says so ------------------------------------------------------
def test_the_pdf_says_that_the_word_file_is_the_accessible_one(final):
    first = _flat(_pdf(final).pages[0].extract_text())
    assert "Den tillgängliga versionen av rapporten är Word-filen (.docx)" in first
    assert "Word-filen" not in final.text()  # the Word file does not say it of itself
