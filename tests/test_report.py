"""The report on the small fixture cache (no network): typography, Kolada's text as literal text in
Word and PDF (names written as markup, control characters), both files open, the command's
Swedish errors."""

from __future__ import annotations

import io
import re
from datetime import date

import docx
import pytest
from pypdf import PdfReader

from benchmark import cli
from benchmark.report import document, fonts, model
from benchmark.report import pdf as report_pdf
from benchmark.report import word as report_docx
from benchmark.source import Source
from benchmark.viewstate import View
from kolada.store import Store
from tests.conftest import FakeClient, fill_cache, load_fixture

KOMMUNER = [m["id"] for m in load_fixture("municipality.json")["values"] if m["type"] == "K"]
TODAY = date(2026, 12, 3)
MARKUP = "<b>Fet & </para> <img src=x>"


class MarkupClient(FakeClient):
    """Åtvidaberg's name as markup with a control character, as a hostile answer could have it."""

    def fetch_municipalities(self):
        return [
            {**m, "title": f"{MARKUP}\x07" if m["id"] == "0561" else m["title"]}
            for m in super().fetch_municipalities()
        ]


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Source:
    root = fill_cache(
        tmp_path_factory.mktemp("report"), MarkupClient(munis=[k for k in KOMMUNER if k != "2031"])
    )
    return Source(Store(root), today=TODAY)


def test_typeset_thin_spaces_between_thousands_only():
    assert model.typeset("11\u00a0506 invånare, 1 234 567 kr") == (
        "11\u202f506 invånare, 1\u202f234\u202f567 kr"
    )
    assert model.typeset("2019 2020 och 12,5 %") == "2019 2020 och 12,5 %"  # not years
    assert model.typeset("a\x07b\x1bc\td") == "abc\td"


def test_swedish_date():
    assert model.swedish_date(date(2026, 12, 3)) == "3 december 2026"
    assert model.swedish_date(date(2027, 1, 31)) == "31 januari 2027"


def test_kolada_text_is_literal_text_in_word_and_pdf(source):
    doc = document.make_document(source, View("0561", "ifo"), target="median", today=TODAY)
    assert doc.title.endswith(MARKUP)  # the control character is gone, the rest is text
    word = docx.Document(io.BytesIO(report_docx.to_docx(doc)))
    assert word.paragraphs[0].text == model.typeset(doc.title)
    assert word.core_properties.language == "sv-SE"
    section = word.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    pdf = PdfReader(io.BytesIO(report_pdf.to_pdf(doc)))
    first = re.sub(r"\s+", " ", pdf.pages[0].extract_text())
    assert MARKUP in first
    width, height = pdf.pages[0].mediabox.width, pdf.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 in points
    assert pdf.metadata.title == doc.title


def test_every_picture_in_word_has_its_caption_as_alt_text(source):
    doc = document.make_document(source, View("0561", "ifo"), target="median", today=TODAY)
    word = docx.Document(io.BytesIO(report_docx.to_docx(doc)))
    pictures = word.inline_shapes
    assert len(pictures) == len(doc.figures) >= 1
    captions = {model.typeset(f.caption) for f in doc.figures}
    for picture in pictures:
        assert picture._inline.docPr.get("descr") in captions


def test_a_kommun_without_values_gets_a_document_that_says_so(source):
    doc = document.make_document(source, View("2031", "ifo"), today=TODAY)  # no values here
    text = doc.text()
    assert "Kolada har inga värden" in text and not doc.figures
    assert report_pdf.to_pdf(doc)[:4] == b"%PDF"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--kommun", "9999"], "kommun='9999'"),
        (["--kommun", "0561", "--omrade", "skola"], "omrade='skola'"),
        (["--kommun", "0561", "--fran", "1999"], "fran='1999'"),
        (["--kommun", "0561", "--out", "rapport.odt"], "'rapport.odt'"),
        (["--kommun", "0561", "--budget", "sjuttio"], "--budget: ”sjuttio” är inte ett tal"),
        (["--kommun", "0561", "--budget", "−5"], "Budgeten ”−5” måste vara större än 0"),
        (["--kommun", "0561", "--budget", "70", "--riket-tillvaxt", "x"], "”x” är inte ett tal"),
        (["--kommun", "0561", "--riket-tillvaxt", "3"], "ange också --budget"),
        (["--kommun", "0561", "--budget", "70", "--invanare", "många"], "--invanare: ”många”"),
        (["--kommun", "0561", "--omrade", "alla", "--budget", "70"], "inte alla"),
    ],
)
def test_the_command_names_a_bad_value_in_swedish(source, args, needle, capsys):
    code = cli.main(["report", "--cache-dir", str(source.store.root), "--quiet", *args])
    err = capsys.readouterr().err
    assert code == 2 and needle in err and "Traceback" not in err


def test_the_command_says_when_the_cache_is_empty(tmp_path, capsys):
    code = cli.main(["report", "--kommun", "0561", "--cache-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "python -m kolada refresh" in err


def test_the_command_takes_a_name_and_writes_through_a_temporary_file(source, tmp_path, capsys):
    out = tmp_path / "r.pdf"
    code = cli.main(
        ["report", "--kommun", "växjö", "--out", str(out), "--cache-dir",
         str(source.store.root), "--quiet"]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert out.read_bytes()[:4] == b"%PDF" and not list(tmp_path.glob("*.tmp"))


def test_every_target_word_of_the_command_is_a_budget_target():
    from benchmark import budget

    assert set(cli.TARGET_WORDS.values()) <= set(budget.COMPARED)


def test_fit_widths_keeps_the_proportions_where_every_column_fits():
    assert model.fit_widths((1, 3), (10, 10), 100) == [25, 75]


def test_fit_widths_widens_a_narrow_column_at_the_others_expense():
    widths = model.fit_widths((4, 4, 1), (0, 0, 30), 100)
    assert widths[2] == 30 and sum(widths) == pytest.approx(100)
    assert widths[0] == widths[1] == pytest.approx(35)  # the rest, still in proportion


def test_fit_widths_holds_a_column_that_falls_below_its_minimum_on_the_way():
    # column 2 gets its 40, which pushes column 1 (minimum 30) below 30: it is held there too
    widths = model.fit_widths((6, 3, 1), (0, 30, 40), 100)
    assert widths == pytest.approx([30, 30, 40])
    # every column at its minimum: what is left is spread in proportion
    assert model.fit_widths((1, 1), (40, 40), 100) == pytest.approx([50, 50])


def test_fit_widths_gives_plain_proportions_when_the_minimums_cannot_fit():
    assert model.fit_widths((1, 1), (80, 80), 100) == [50, 50]


def test_a_table_never_breaks_a_word_in_word_or_pdf():
    """The all-areas summary's narrow last column once printed 'Placerin g' in the PDF."""
    table = model.Table(
        ("Område", "Placering"), (("Individ- och familjeomsorg", "5 av 8"),), widths=(12, 0.5)
    )
    doc = model.Document("Titel", "Åtvidaberg", TODAY, "t", [table])
    pdf = PdfReader(io.BytesIO(report_pdf.to_pdf(doc))).pages[0].extract_text()
    assert "Placering" in pdf.splitlines()
    cells = docx.Document(io.BytesIO(report_docx.to_docx(doc))).tables[0].rows[0].cells
    needed = fonts.text_width("Placering", 9, bold=True)
    assert cells[1].width.pt > needed > 0.5 / 12.5 * report_docx.TEXT_WIDTH_PT
    assert cells[0].width.pt + cells[1].width.pt == pytest.approx(report_docx.TEXT_WIDTH_PT, 0.01)


def test_word_core_properties_are_cut_to_their_limit():
    from benchmark.report.word import CORE_LIMIT, _core

    assert _core("kort") == "kort"
    cut = _core("Ä" * 300)
    assert len(cut) == CORE_LIMIT and cut.endswith("…")
