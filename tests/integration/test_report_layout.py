"""The report as a reader meets it, on the mirror's real data (review of the documents, issue
21): Åtvidaberg IFO and every area say each sentence once, mark nothing as preliminary when
nothing is, print chart text at 7 pt or more, and the PDF of every area has a heading and a
contents entry per area. Then the Word file as LibreOffice lays it out (Calibri missing: DejaVu
Sans in its place): no word in a table broken across lines, the footer's page numbers in the
footer's size, the summary and the chart on page 1, no heading or lead-in caption at the
bottom of a page without its table. The LibreOffice tests are skipped, saying why, where
soffice (libreoffice-writer-nogui) or pdftotext (poppler-utils) is missing."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from benchmark.report import document, model, sections
from benchmark.report import pdf as report_pdf
from benchmark.report import word as report_docx
from benchmark.source import Source
from benchmark.viewstate import View
from kolada.catalogue import AREAS
from kolada.store import Store
from tests.test_report_documents import repeated_sentences

pytestmark = pytest.mark.integration
TODAY = date(2026, 12, 3)


@pytest.fixture(scope="module")
def reports(reference_cache) -> dict[str, model.Document]:
    src = Source(Store(reference_cache), today=TODAY)
    return {
        "ifo": document.make_document(src, View("0561", "ifo"), target="median", today=TODAY),
        "alla": document.make_document(src, View("0561"), all_areas=True, today=TODAY),
    }


def test_each_sentence_once(reports):
    for doc in reports.values():
        assert repeated_sentences(doc) == [], doc.title


def test_nothing_is_marked_preliminary_when_nothing_is(reports):
    """Åtvidaberg's values end in 2022, long published: no ▲, no word of it."""
    for doc in reports.values():
        assert "▲" not in doc.text() and "prelimin" not in doc.text().lower()


def test_chart_text_is_at_least_7_pt_as_printed(reports):
    for doc in reports.values():
        for f in doc.figures:
            placed = min(report_docx.figure_width(f), report_pdf.figure_width(f))
            printed = sections.printed_size(sections.LABEL_SIZE, f.size[0], placed)
            assert printed >= sections.MIN_PRINTED, (f.caption[:60], printed)


def test_every_area_has_a_heading_and_a_contents_entry_in_the_pdf(reports):
    reader = PdfReader(io.BytesIO(report_pdf.to_pdf(reports["alla"])))
    top = [o.title for o in reader.outline if not isinstance(o, list)]
    assert top == ["Sammanfattning", "Att tänka på", *(a.title for a in AREAS), "Källor och metod"]
    first = reader.pages[0].extract_text(extraction_mode="layout")
    assert "Innehåll" in first and all(title in first for title in top)


# ---- the Word file in LibreOffice ------------------------------------------------------------
def _tools() -> tuple[str, str]:
    soffice, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    if soffice is None:
        pytest.skip("LibreOffice saknas (soffice, Debian: libreoffice-writer-nogui)")
    if pdftotext is None:
        pytest.skip("pdftotext saknas (Debian: poppler-utils)")
    return soffice, pdftotext


def _convert(soffice: str, docx_file: Path) -> Path:
    """The Word file as LibreOffice prints it, with a profile of its own (no other instance)."""
    out = docx_file.parent
    profile = (out / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(docx_file)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return docx_file.with_suffix(".pdf")


def _pages(pdftotext: str, pdf: Path) -> list[str]:
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


def _layout(pdftotext: str, pdf: Path) -> str:
    return subprocess.run(
        [pdftotext, "-bbox-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<')


@pytest.fixture(scope="module")
def ifo_in_libreoffice(reports, tmp_path_factory) -> tuple[Path, str]:
    soffice, pdftotext = _tools()
    path = tmp_path_factory.mktemp("libreoffice") / "rapport.docx"
    path.write_bytes(report_docx.to_docx(reports["ifo"]))
    return _convert(soffice, path), pdftotext


def test_libreoffice_never_breaks_a_word_in_a_table(reports, ifo_in_libreoffice):
    """Each text block's lines: where one line ends and the next begins with the two halves of a
    word in a table ("Placerin" / "g", "(referenskostnaden" / "s nivå)"), the column was too
    narrow for it."""
    pdf, pdftotext = ifo_in_libreoffice
    doc = reports["ifo"]
    table_words = {
        w for b in doc.blocks if isinstance(b, model.Table) for _, w, _ in model.words(b)
    }
    broken = []
    for block in _layout(pdftotext, pdf).split("<block ")[1:]:
        lines = [_WORD.findall(line) for line in block.split("<line ")[1:]]
        for above, below in zip(lines, lines[1:], strict=False):
            if above and below:
                a, b = html.unescape(above[-1][3]), html.unescape(below[0][3])
                if a + b in table_words:
                    broken.append(f"{a}|{b}")
    assert len(table_words) > 200 and broken == []


def test_libreoffice_prints_the_page_numbers_in_the_footers_size(ifo_in_libreoffice):
    pdf, pdftotext = ifo_in_libreoffice
    page = _layout(pdftotext, pdf).split("<page ")[1]
    words = [(float(y1) - float(y0), text) for _, y0, y1, text in _WORD.findall(page)]
    sida = next(i for i, (_, text) in enumerate(words) if text == "sida")
    footer = words[sida : sida + 4]  # sida 1 av N
    assert [t for _, t in footer][:3] == ["sida", "1", "av"]
    assert max(h for h, _ in footer) - min(h for h, _ in footer) < 0.5, footer


def test_libreoffice_page_1_holds_the_summary_and_the_chart(reports, ifo_in_libreoffice):
    pdf, pdftotext = ifo_in_libreoffice
    listed = subprocess.run(
        [str(Path(pdftotext).with_name("pdfimages")), "-list", "-f", "1", "-l", "1", str(pdf)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    kinds = [line.split()[2] for line in listed.splitlines()[2:]]
    assert kinds.count("image") == 1  # the chart (its transparency is an "smask")
    text = re.sub(r"\s+", " ", _pages(pdftotext, pdf)[0])
    assert "Sammanfattning" in text and "Störst skillnad mot jämförelsegruppen" in text
    caption = model.typeset(reports["ifo"].figures[0].caption)
    assert re.sub(r"\s+", " ", caption)[:50] in text


def test_libreoffice_leaves_no_heading_at_the_bottom_of_a_page(reports, ifo_in_libreoffice):
    pdf, pdftotext = ifo_in_libreoffice
    doc = reports["ifo"]
    leads = {b.text for b in doc.blocks if isinstance(b, model.Heading)}
    for i, page in enumerate(_pages(pdftotext, pdf)[:-1]):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[-2] not in leads, (i + 1, lines[-2])  # the last line above the footer


def test_libreoffice_keeps_a_heading_and_its_lead_in_with_the_tables_first_rows(tmp_path):
    """Sections on pages of their own, each with one more line of text above its heading than
    the last — 50 sections, more lines than a page holds, so that the headings fall at every
    height, the foot of a page too: each heading, the caption leading into its table and the
    table's first row on one page (with the caption not kept with its table, two were not)."""
    soffice, pdftotext = _tools()
    lines = range(20, 70)
    blocks: list[model.Block] = []
    for k in lines:
        blocks += [model.Text(f"Stycke {k}.{i} fyller sidan.") for i in range(k)]
        blocks += [
            model.Heading(f"Rubrik {k}", 2),
            model.Text(f"Leder in {k}.", "caption"),
            model.Table(
                ("Kolumn", "Värde"), ((f"Första {k}", "1"), ("Andra", "2"), ("Tredje", "3"))
            ),
        ]
    made = docx.Document(
        io.BytesIO(report_docx.to_docx(model.Document("T", "R", TODAY, "s", blocks)))
    )
    for p in made.paragraphs:
        if p.text.startswith("Stycke") and ".0 " in p.text:
            p.paragraph_format.page_break_before = True
    path = tmp_path / "sektioner.docx"
    made.save(str(path))
    pages = _pages(pdftotext, _convert(soffice, path))

    def page_of(needle: str) -> int:
        return next(i for i, p in enumerate(pages) if re.search(rf"{needle}\b", p))

    for k in lines:
        at = page_of(f"Rubrik {k}")
        assert page_of(f"Leder in {k}") == at == page_of(f"Första {k}"), k
