"""Report-ready exports (pure): a chart with title, subtitle and source line as PNG (print
resolution) or SVG, its data as CSV and Excel, and a zip bundle with a metadata sheet.

Rendering uses vl-convert (no browser).
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
    """Semicolon-separated with decimal comma and a BOM, as Swedish Excel opens it."""
    return data.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")


def to_xlsx(data: pd.DataFrame, info: ExportInfo) -> bytes:
    """Two sheets: Data (the values behind the chart) and Metadata."""
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="xlsxwriter") as writer:
        data.to_excel(writer, sheet_name="Data", index=False)
        info.metadata().to_excel(writer, sheet_name="Metadata", index=False)
        for name, frame in (("Data", data), ("Metadata", info.metadata())):
            sheet = writer.sheets[name]
            for col, title in enumerate(frame.columns):
                width = max([len(str(title)), *(len(str(v)) for v in frame[title].head(200))])
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
