"""The nämnd report on the mirror's real data: the Word file opened with python-docx and the PDF
with pypdf say what Översikt shows (its cards, read through AppTest), hold every chart, the
caveats that apply and none that don't, the sources, Swedish number formats. The first two PDF
pages are rendered to PNG in ``test-artifacts/rapport/`` when pdftoppm is installed."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from benchmark import figures
from benchmark.exports import METHOD_BREAK_NOTE
from benchmark.report import document, sections
from benchmark.report import pdf as report_pdf
from benchmark.report import word as report_docx
from benchmark.source import Source
from benchmark.viewstate import View
from kolada.store import Store

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "rapport"
TODAY = date(2026, 12, 3)
THIN = "\u202f"
ASCII_MINUS_NUMBER = re.compile(r"(?<![\w\-–/(])-\d")  # "-3,8" instead of "−3,8"


def docx_text(data: bytes) -> tuple[str, docx.document.Document]:
    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        parts += [" | ".join(c.text for c in row.cells) for row in t.rows]
    return "\n".join(parts), d


def pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(p.extract_text() for p in reader.pages), reader


def flat(text: str) -> str:
    """Text with its line breaks and spaces as one kind (a PDF breaks lines anywhere)."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


@pytest.fixture(scope="module")
def atvidaberg(reference_cache):
    src = Source(Store(reference_cache), today=TODAY)
    doc = document.make_document(src, View("0561", "ifo"), target="median", today=TODAY)
    return doc, report_docx.to_docx(doc), report_pdf.to_pdf(doc)


def test_the_report_says_what_oversikt_shows(atvidaberg, real_cache, apptest_env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["kommun"] = "0561"
    at.run()
    cards = {m.label: m.value.replace("\xa0", " ") for m in at.metric}
    nka, against = cards["NKA 2022"], cards["Mot gruppens median"]
    assert nka == "32,0 %" and against == "+1,9 p.e."
    doc, docx_bytes, pdf_bytes = atvidaberg
    text, d = docx_text(docx_bytes)
    key = {row.cells[0].text: row.cells[1].text for row in d.tables[0].rows}
    assert key["Nettokostnadsavvikelse 2022"].replace("\xa0", " ") == nka
    assert key["Skillnad mot medianen"].replace("\xa0", " ") == against
    assert key["Jämförelsegruppens median 2022"].replace("\xa0", " ") == "30,1 %"
    assert key["Plats (1 = lägst kostnadsnivå)"] == cards["Plats 2022"] == "5 av 8"
    gap = cards["Mot medianen, kronor"]
    assert key["Skillnad mot medianen, kronor"].replace("\xa0", " ") == gap
    # below 1 mnkr the gap is in tkr, the same amount the paragraph names (not "+0,7 mnkr")
    assert gap == "+753 tkr" and "753 tkr" in flat(text)  # 1,9 p.e. as shown × referenskostnad
    assert key["Invånare 2022"] == f"11{THIN}506"  # a thin space between thousands
    assert len(d.tables[0].rows) == 1 + 10  # header + the ten key figures of this view
    pdf, reader = pdf_text(pdf_bytes)
    for shown in (nka, against, "30,1 %", "5 av 8", "11 506"):
        assert shown in flat(text) and shown in flat(pdf), shown
    assert len(reader.pages) >= 5


def test_every_chart_is_in_both_files(atvidaberg):
    doc, docx_bytes, pdf_bytes = atvidaberg
    # Översikt, its kronor, one small-multiple grid per IFO driver tree, Kostnad och kvalitet
    assert len(doc.figures) == 7
    _, d = docx_text(docx_bytes)
    assert len(d.inline_shapes) == len(doc.figures)
    _, reader = pdf_text(pdf_bytes)
    assert sum(len(p.images) for p in reader.pages) == len(doc.figures)
    for f in doc.figures:
        w, h = f.size
        assert w >= 1000 and 200 < h < 3000  # sharp at the A4 text width


def test_text_tables_sources_and_budget(atvidaberg):
    doc, docx_bytes, pdf_bytes = atvidaberg
    for text in (docx_text(docx_bytes)[0], pdf_text(pdf_bytes)[0]):
        t = flat(text)
        assert (
            "År 2022 var nettokostnadsavvikelsen för individ- och familjeomsorg i Åtvidaberg" in t
        )
        assert "Varför ändrades NKA? 2019→2022 sjönk NKA 24,2 p.e." in t
        assert "Störst skillnad mot jämförelsegruppen bland kostnadsdrivarna" in t
        assert "Kostnaden för ekonomiskt bistånd är" in t and "Skillnaden består" in t
        assert "beror på" not in t  # an accounting split is not worded as a cause
        # Budgetmål: the median target, from the gap as shown (32,0 − 30,1 = 1,9 p.e.)
        assert "minska nettokostnaden med 753 tkr" in t
        assert "Median (valt)" in t and "2029" in t  # the glide path to the default target year
        assert "Källa: Kolada (N30001)" in t and "Egen bearbetning av data från Kolada" in t
        assert "Källa: Kolada; egen bearbetning" in t  # the title line
        assert "3 december 2026" in t
        for member in ("Hörby", "Tanum", "Herrljunga", "Forshaga", "Rättvik"):
            assert member in t
        assert "N33816" in t and "Formler" in t and "Hämtad (UTC)" in t
        # the appendix lists only KPIs with values in the report: not N30007 and N30014
        appendix = t[t.index("Hämtad (UTC)") :]
        assert "N30007" not in appendix and "N30014" not in appendix
        assert not ASCII_MINUS_NUMBER.search(text), ASCII_MINUS_NUMBER.search(text)
    assert "−" in flat(docx_text(docx_bytes)[0])  # real minus signs ("−346 tkr")


def test_the_driver_sentence_is_the_one_oversikt_gives(atvidaberg, reference_cache):
    doc, _, _ = atvidaberg
    src = Source(Store(reference_cache), today=TODAY)
    trees = figures.tree_views(src, View("0561", "ifo"), (2019, 2022))
    sentence = figures.largest_sentence(trees)  # what Översikt's text adds
    assert (
        sentence
        and sentence in doc.text().split("\n")[doc.text().split("\n").index("Sammanfattning") + 1]
    )


def test_caveats_that_apply_and_none_that_dont(atvidaberg, reference_cache):
    doc, _, pdf_bytes = atvidaberg
    text = flat(pdf_text(pdf_bytes)[0])
    assert "Gruppens utgåva 2024; samma medlemmar används för alla år som visas" in text
    assert "ny modell för referenskostnaden" not in text  # 2019–2022: no method break shown
    assert "För få jämförelsevärden" not in text and "Preliminära värden" not in text

    src = Source(Store(reference_cache), today=TODAY)
    hoor = figures.overview_figures(src, View("1267", "ifo", first_year=2014, last_year=2025))
    notes = sections.caveats(hoor)
    assert METHOD_BREAK_NOTE in notes
    assert not any(n.startswith("För få") for n in notes)
    alvesta = figures.overview_figures(src, View("0764", "ifo", first_year=2019, last_year=2025))
    assert any("För få jämförelsevärden 2023–2025" in n for n in sections.caveats(alvesta))
    fetched_early = replace(hoor, o=replace(hoor.o, prel_from=2024))
    assert any(
        n.startswith("Preliminära värden (▲ prel.): 2024–2025")
        for n in sections.caveats(fetched_early)
    )
    assert METHOD_BREAK_NOTE in flat(
        document.make_document(src, View("1267", "ifo", first_year=2014), today=TODAY).text()
    )


def test_all_areas_in_one_document(reference_cache):
    src = Source(Store(reference_cache), today=TODAY)
    doc = document.make_document(src, View("0561"), all_areas=True, today=TODAY)
    text, d = docx_text(report_docx.to_docx(doc))
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    for title in ("Individ- och familjeomsorg", "LSS", "Grundskola F-9", "Äldreomsorg"):
        assert title in headings
    assert headings[0] == "Sammanfattning" and headings[-1] == "Källor och metod"
    assert len(d.tables[0].rows) == 1 + 8  # one summary row per area
    assert len(d.inline_shapes) == len(doc.figures) >= 9  # heatmap + one chart per area + drivers


def test_the_command_writes_both_formats(reference_cache, tmp_path):
    env = {**os.environ, "KOLADA_CACHE_DIR": str(reference_cache)}
    for fmt in ("docx", "pdf"):
        out = tmp_path / f"rapport.{fmt}"
        done = subprocess.run(
            [sys.executable, "-m", "benchmark", "report", "--kommun", "0561", "--omrade", "ifo",
             "--format", fmt, "--out", str(out), "--quiet"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert f"Skrev {out}" in done.stdout
        data = out.read_bytes()
        assert data[:4] == (b"PK\x03\x04" if fmt == "docx" else b"%PDF")
        text = flat(docx_text(data)[0] if fmt == "docx" else pdf_text(data)[0])
        assert "32,0 %" in text and "Liknande kommuner IFO, Åtvidaberg, 2024" in text
        if fmt == "pdf":
            keep_first_pages(out)
    bad = subprocess.run(
        [sys.executable, "-m", "benchmark", "report", "--kommun", "Atlantis"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and "Atlantis" in bad.stderr and "Traceback" not in bad.stderr


def keep_first_pages(pdf: Path) -> None:
    """The first two pages as PNG in test-artifacts/rapport/ (pdftoppm, Debian's poppler-utils)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("pdftoppm saknas (poppler-utils): inga PNG-sidor i test-artifacts/rapport/")
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("sida-*.png"):  # pdftoppm names "sida-1" or "sida-01" by length
        old.unlink()
    subprocess.run(
        [pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "2", str(pdf), str(ARTIFACTS / "sida")],
        check=True, timeout=60,
    )  # fmt: skip
    pages = sorted(ARTIFACTS.glob("sida-*.png"))
    assert len(pages) == 2 and all(p.stat().st_size > 20_000 for p in pages)
