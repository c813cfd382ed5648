"""Report-ready exports (pure): a chart with title, subtitle and source line as PNG (print
resolution) or SVG, its data as CSV and Excel, and a zip bundle with a metadata sheet.

Rendering uses vl-convert (no browser). Names in the data come from Kolada: in CSV and Excel a
text that a spreadsheet would read as a formula is written as text (see ``as_text``).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field

import altair as alt
import pandas as pd
import vl_convert as vlc

EXPORT_WIDTH = 760  # layout width in CSS px
PRINT_PPI = 300  # PNG pixels per inch (vl-convert scales by ppi/72: ~3 300 px wide, 300 dpi)
TERMS = (
    'Data från Kolada (RKA), Koladas öppna API. Obearbetade värden: "Källa: Kolada". '
    'Medianer, medel, placeringar, skillnader och belopp: "Egen bearbetning av data från '
    'Kolada"; Kolada är inte källa till dem.'
)


# OWASP's rule for CSV injection: a cell starting with one of these is a formula to Excel,
# LibreOffice and Google Sheets; a leading single quote makes it text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def as_text(value: object) -> object:
    """A string a spreadsheet would run as a formula, prefixed with ``'``; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its column names and text cells through ``as_text``; numeric columns are
    left as they are (a negative number stays a number)."""
    out = frame.copy()
    out.columns = [as_text(c) for c in frame.columns]
    for i, dtype in enumerate(frame.dtypes):
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            out.isetitem(i, frame.iloc[:, i].map(as_text))
    return out


@dataclass(frozen=True)
class ExportInfo:
    name: str  # file name stem, e.g. "nka-atvidaberg-ifo"
    title: str
    subtitle: str  # kommun, område, jämförelsegrupp, years
    source: str  # "Källa: Kolada (hämtad …). Egen bearbetning av data från Kolada."
    kpis: list[tuple[str, str]] = field(default_factory=list)  # (id, title)
    group: str = ""  # peer group: id, title, edition
    members: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    fetched_at: str = ""
    formulas: list[str] = field(default_factory=list)

    def metadata(self) -> pd.DataFrame:
        rows = [
            ("Titel", self.title),
            ("Urval", self.subtitle),
            ("Källa", self.source),
            ("Hämtad från Kolada (UTC)", self.fetched_at),
            ("Jämförelsegrupp", self.group),
            ("Jämförelsekommuner", ", ".join(f"{n} ({i})" for i, n in self.members)),
        ]
        rows += [(f"Nyckeltal {i}", title) for i, title in self.kpis]
        rows += [("Formel", f) for f in self.formulas]
        rows.append(("Villkor", TERMS))
        return pd.DataFrame(rows, columns=["Fält", "Värde"])


def framed(chart: alt.TopLevelMixin, info: ExportInfo) -> alt.VConcatChart:
    """The chart with its title and subtitle on top and the source line below."""
    body = chart.properties(
        width=EXPORT_WIDTH,
        title=alt.TitleParams(
            text=info.title, subtitle=[info.subtitle], anchor="start", fontSize=16
        ),
    )
    source = (
        alt.Chart(pd.DataFrame({"text": [info.source]}))
        .mark_text(align="left", baseline="top", fontSize=10, color="#333")
        .encode(text="text:N", x=alt.value(0), y=alt.value(0))
        .properties(width=EXPORT_WIDTH, height=14)
    )
    return alt.vconcat(body, source, spacing=6).configure_view(stroke=None)


def to_png(chart: alt.TopLevelMixin, info: ExportInfo, ppi: int = PRINT_PPI) -> bytes:
    return vlc.vegalite_to_png(framed(chart, info).to_dict(), ppi=ppi)


def to_svg(chart: alt.TopLevelMixin, info: ExportInfo) -> str:
    return vlc.vegalite_to_svg(framed(chart, info).to_dict())


def to_csv(data: pd.DataFrame) -> bytes:
    """Semicolon-separated with decimal comma and a BOM, as Swedish Excel opens it. No field
    starts a formula, and CRLF line ends make the writer quote a field holding a bare CR (which
    a spreadsheet would otherwise take as a new row)."""
    safe = spreadsheet_safe(data)
    csv = safe.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    return csv.encode("utf-8-sig")


def to_xlsx(data: pd.DataFrame, info: ExportInfo) -> bytes:
    """Two sheets: Data (the values behind the chart) and Metadata. No cell is a formula or a
    link: xlsxwriter is told to write strings as strings, and they go through ``as_text``."""
    out = io.BytesIO()
    sheets = {"Data": spreadsheet_safe(data), "Metadata": spreadsheet_safe(info.metadata())}
    with pd.ExcelWriter(
        out, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}
    ) as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for col, title in enumerate(frame.columns):
                cells = frame.iloc[:200, col]
                width = max([len(str(title)), *(len(str(v)) for v in cells)])
                sheet.set_column(col, col, min(max(10, width + 2), 80))
    return out.getvalue()


def bundle(chart: alt.TopLevelMixin, data: pd.DataFrame, info: ExportInfo) -> bytes:
    """A zip with the chart as PNG and SVG, the data as .xlsx and .csv, and metadata.json."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{info.name}.png", to_png(chart, info))
        z.writestr(f"{info.name}.svg", to_svg(chart, info))
        z.writestr(f"{info.name}.xlsx", to_xlsx(data, info))
        z.writestr(f"{info.name}.csv", to_csv(data))
        meta = {
            "title": info.title,
            "subtitle": info.subtitle,
            "source": info.source,
            "fetched_at": info.fetched_at,
            "group": info.group,
            "members": [{"id": i, "name": n} for i, n in info.members],
            "kpis": [{"id": i, "title": t} for i, t in info.kpis],
            "formulas": info.formulas,
            "terms": TERMS,
        }
        z.writestr("metadata.json", json.dumps(meta, ensure_ascii=False, indent=2))
    return out.getvalue()
