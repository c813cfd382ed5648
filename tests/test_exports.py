import io
import json
import struct
import zipfile

import altair as alt
import pandas as pd
import pytest

import exports

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
