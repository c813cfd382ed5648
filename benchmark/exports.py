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

from benchmark.analytics import METHOD_BREAK_YEAR
from benchmark.numbers import shown as mnkr_as_shown
from kolada.frames import without_noncharacters

EXPORT_WIDTH = 760  # layout width in CSS px
PRINT_PPI = 300  # PNG pixels per inch (vl-convert scales by ppi/72: ~3 300 px wide, 300 dpi)
TERMS = (
    'Data från Kolada (RKA), Koladas öppna API. Obearbetade värden: "Källa: Kolada". '
    "Medianer, medel, platser i rangordningen, skillnader och belopp: "
    '"Egen bearbetning av data från Kolada"; Kolada är inte källa till dem.'
)


METHOD_BREAK_NOTE = (
    f"Från och med {METHOD_BREAK_YEAR} beräknas nettokostnadsavvikelsen med en ny modell för "
    f"referenskostnaden. Värden före {METHOD_BREAK_YEAR} är inte direkt jämförbara med senare år."
)

# Units of the numbers in an export: values are rounded as the app shows them, and Excel cells
# get a number format. Format codes are stored in Excel's invariant syntax ("," thousands, "."
# decimals), which a Swedish Excel shows as "# ##0 kr" and "32,0 %". NKA values are percent
# numbers (32.0, not 0.32), so "%" is a literal suffix here, never Excel's percent format.
DECIMALS = {"%": 1, "p.e.": 1, "kr": 0, "st": 0}  # mnkr: as shown (numbers.shown)
NUMBER_FORMATS = {
    "%": '0.0" %"',
    "p.e.": '+0.0" p.e.";-0.0" p.e.";0.0" p.e."',
    "kr": '#,##0" kr"',
    "mnkr": '[>=1]#,##0.0" mnkr";[<=-1]-#,##0.0" mnkr";0.000" mnkr"',
    "st": "0",
}
# how a column name or a row's "Enhet" names a unit
UNIT_WORDS = {
    "(%)": "%", "%": "%", "(p.e.)": "p.e.", "p.e.": "p.e.", "(kr/inv)": "kr", "kr/inv": "kr",
    "(kr/invånare)": "kr", "kr/invånare": "kr", "(kr)": "kr", "kr": "kr", "(mnkr)": "mnkr",
    "mnkr": "mnkr", "st": "st",
}  # fmt: skip


def column_units(data: pd.DataFrame, units: dict[str, str] | None = None) -> dict[str, str]:
    """The unit of each numeric column: given in ``units``, or read from the end of its name
    ("Avvikelse (%)", "Skillnad (p.e.)", "Nettokostnad (kr/inv)")."""
    out = {}
    for column in data.columns:
        if not pd.api.types.is_numeric_dtype(data[column]) or data[column].dtype == bool:
            continue
        name = str(column)
        given = (units or {}).get(name)
        found = next((u for w, u in UNIT_WORDS.items() if w.startswith("(") and
                      name.endswith(w)), None)  # fmt: skip
        if given or found:
            out[name] = UNIT_WORDS.get(given, given) if given else found
    return out


def _round(value: object, unit: str | None) -> object:
    if unit is None or not isinstance(value, (int, float)) or value != value:
        return value
    if unit == "mnkr":
        return mnkr_as_shown(float(value))
    return round(float(value), DECIMALS[unit]) if unit in DECIMALS else value


def row_units(data: pd.DataFrame) -> list[str | None] | None:
    """A long table with a "Värde" and an "Enhet" column (Budgetmål): each row's unit."""
    if not {"Värde", "Enhet"} <= set(data.columns):
        return None
    return [UNIT_WORDS.get(str(u).strip()) if isinstance(u, str) else None for u in data["Enhet"]]


def rounded(data: pd.DataFrame, units: dict[str, str] | None = None) -> pd.DataFrame:
    """``data`` with every number rounded as the app shows it: 1 decimal for % and p.e., whole
    kronor, mnkr as ``numbers.shown``; counts and years untouched."""
    out = data.copy()
    for column, unit in column_units(data, units).items():
        out[column] = [_round(v, unit) for v in data[column]]
        if DECIMALS.get(unit) == 0:  # whole kronor and counts are written without ",0"
            out[column] = pd.array(out[column], dtype="Float64").round().astype("Int64")
    per_row = row_units(data)
    if per_row is not None:
        out["Värde"] = [_round(v, u) for v, u in zip(data["Värde"], per_row, strict=True)]
    return out


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
    years: tuple[int, int] | None = None  # the years the export shows (first, last)
    units: dict[str, str] = field(default_factory=dict)  # column → "%", "p.e.", "kr", "mnkr"
    # every kommun × every year shown (``matrix.peer_matrix``) and the unit of its values
    matrix: pd.DataFrame | None = None
    matrix_unit: str | None = "%"  # None: numbers without a unit's format (a count per 10 000)

    @property
    def matrix_years(self) -> tuple[int, int] | None:
        """The first and last year of the matrix's columns."""
        if self.matrix is None:
            return None
        years = [int(c) for c in self.matrix.columns if str(c).isdigit()]
        return (min(years), max(years)) if years else None

    @property
    def method_break(self) -> bool:
        """Years before the 2019 method break are shown (in the chart or its matrix): every
        export says so."""
        firsts = [y[0] for y in (self.years, self.matrix_years) if y is not None]
        return bool(firsts) and min(firsts) < METHOD_BREAK_YEAR

    @property
    def notes(self) -> list[str]:
        return [METHOD_BREAK_NOTE] if self.method_break else []

    @property
    def source_lines(self) -> list[str]:
        """The source line under a chart, and the method-break note when it applies."""
        return [self.source, *self.notes]

    def metadata(self) -> pd.DataFrame:
        rows = [
            ("Titel", self.title),
            ("Urval", self.subtitle),
            ("Källa", self.source),
            ("Hämtad från Kolada (UTC)", self.fetched_at),
            ("Jämförelsegrupp", self.group),
            ("Jämförelsekommuner", ", ".join(f"{n} ({i})" for i, n in self.members)),
        ]
        if self.years is not None:
            rows.append(("År", f"{self.years[0]}–{self.years[1]}"))
        if self.matrix_years is not None and self.matrix_years != self.years:
            first, last = self.matrix_years
            rows.append(("År i Alla värden", f"{first}–{last}"))
        rows += [("Metodbyte", n) for n in self.notes]
        rows += [(f"Nyckeltal {i}", title) for i, title in self.kpis]
        rows += [("Formel", f) for f in self.formulas]
        rows.append(("Villkor", TERMS))
        return pd.DataFrame(rows, columns=["Fält", "Värde"])


def framed(chart: alt.TopLevelMixin, info: ExportInfo) -> alt.VConcatChart:
    """The chart with its title and subtitle on top and the source line below (with the
    method-break note on a line of its own when years before 2019 are shown)."""
    body = chart.properties(
        width=EXPORT_WIDTH,
        title=alt.TitleParams(
            text=info.title, subtitle=[info.subtitle], anchor="start", fontSize=16
        ),
    )
    lines = info.source_lines
    source = (
        alt.Chart(pd.DataFrame({"text": ["\n".join(lines)]}))
        .mark_text(align="left", baseline="top", fontSize=10, color="#333", lineBreak="\n")
        .encode(text="text:N", x=alt.value(0), y=alt.value(0))
        .properties(width=EXPORT_WIDTH, height=14 * len(lines))
    )
    # the chart keeps its own legends (top and bottom of the chart, not of the whole figure)
    own = {ch: "independent" for ch in ("color", "fill", "shape", "strokeDash", "stroke")}
    return alt.vconcat(body, source, spacing=6).resolve_legend(**own).configure_view(stroke=None)


def renderable(spec: object) -> object:
    """A Vega-Lite spec with every string free of Unicode noncharacters: the renderer
    (vl-convert, Rust) aborts the whole process on U+FFFE, so such input must never reach it,
    whatever text came from Kolada or a user."""
    if isinstance(spec, str):
        return without_noncharacters(spec)
    if isinstance(spec, dict):
        return {renderable(k): renderable(v) for k, v in spec.items()}
    if isinstance(spec, list):
        return [renderable(v) for v in spec]
    return spec


def to_png(chart: alt.TopLevelMixin, info: ExportInfo, ppi: int = PRINT_PPI) -> bytes:
    return vlc.vegalite_to_png(renderable(framed(chart, info).to_dict()), ppi=ppi)


def to_svg(chart: alt.TopLevelMixin, info: ExportInfo) -> str:
    return vlc.vegalite_to_svg(renderable(framed(chart, info).to_dict()))


def to_csv(data: pd.DataFrame, info: ExportInfo | None = None) -> bytes:
    """Semicolon-separated with decimal comma and a BOM, as Swedish Excel opens it; numbers
    rounded as shown (``rounded``). No field starts a formula, and CRLF line ends make the
    writer quote a field holding a bare CR (which a spreadsheet would otherwise take as a new
    row). With a matrix (``ExportInfo.matrix``) it follows the chart's data after an empty
    line: every kommun and year, the statistics under them."""
    safe = spreadsheet_safe(rounded(data, info.units if info else None))
    csv = safe.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    if info is not None and info.matrix is not None:
        matrix = _matrix_cells(info.matrix)
        csv += "\r\n" + matrix.to_csv(index=False, sep=";", lineterminator="\r\n")
    return csv.encode("utf-8-sig")


def _matrix_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A matrix as CSV cells: words through ``as_text`` (a name never starts a formula), then
    numbers with a decimal comma — a negative number stays a number ("-3,6"), not text."""

    def cell(v: object) -> object:
        if isinstance(v, str):
            return as_text(v)
        if isinstance(v, float):
            return str(v).replace(".", ",")
        return v

    out = frame.map(cell)
    out.columns = [as_text(c) for c in frame.columns]
    return out


def _write_matrix(writer: pd.ExcelWriter, matrix: pd.DataFrame, unit: str, formats) -> None:
    """The sheet "Alla värden": numbers as numbers with their unit's format (counts as whole
    numbers), words as text."""
    sheet = writer.book.add_worksheet("Alla värden")
    writer.sheets["Alla värden"] = sheet
    bold = writer.book.add_format({"bold": True})
    safe = spreadsheet_safe(matrix)
    for col, title in enumerate(safe.columns):
        sheet.write_string(0, col, str(title), bold)
        width = max([len(str(title)), *(len(str(v)) for v in safe.iloc[:, col])])
        sheet.set_column(col, col, min(max(8, width + 2), 60))
    counts = set(matrix.index[matrix["Roll"] == "Antal"])
    for row, (index, values) in enumerate(safe.iterrows(), start=1):
        for col, value in enumerate(values):
            if isinstance(value, bool) or value is None:
                sheet.write_string(row, col, "" if value is None else str(value))
            elif isinstance(value, int | float):
                sheet.write_number(row, col, value, formats.get("st" if index in counts else unit))
            else:
                sheet.write_string(row, col, str(value))
    sheet.freeze_panes(1, 3)


def to_xlsx(data: pd.DataFrame, info: ExportInfo) -> bytes:
    """Two sheets: Data (the values behind the chart, rounded as shown, numbers stored as
    numbers with a number format for their unit: ``0.0" %"``, ``#,##0" kr"`` …) and Metadata;
    with a matrix, "Alla värden" first (every kommun × year, ``_write_matrix``).
    No cell is a formula or a link: xlsxwriter is told to write strings as strings, and they go
    through ``as_text``."""
    out = io.BytesIO()
    values = rounded(data, info.units)
    units = column_units(data, info.units)
    per_row = row_units(data)
    sheets = {"Data": spreadsheet_safe(values), "Metadata": spreadsheet_safe(info.metadata())}
    with pd.ExcelWriter(
        out, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}
    ) as writer:
        formats = {u: writer.book.add_format({"num_format": f}) for u, f in NUMBER_FORMATS.items()}
        if info.matrix is not None:  # first: what a controller pastes
            _write_matrix(writer, info.matrix, info.matrix_unit, formats)
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for col, title in enumerate(frame.columns):
                cells = frame.iloc[:200, col]
                width = max([len(str(title)), *(len(str(v)) for v in cells)])
                unit = units.get(str(data.columns[col])) if name == "Data" else None
                sheet.set_column(col, col, min(max(10, width + 4), 80), formats.get(unit))
            if name == "Data" and per_row is not None:
                col = list(values.columns).index("Värde")
                for row, (value, unit) in enumerate(zip(values["Värde"], per_row, strict=True)):
                    if unit in formats and isinstance(value, (int, float)) and value == value:
                        sheet.write_number(row + 1, col, value, formats[unit])
    return out.getvalue()


def matrix_xlsx(info: ExportInfo) -> bytes:
    """ "Alla värden" alone: the matrix and the metadata sheet."""
    out = io.BytesIO()
    with pd.ExcelWriter(
        out, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}
    ) as writer:
        formats = {u: writer.book.add_format({"num_format": f}) for u, f in NUMBER_FORMATS.items()}
        _write_matrix(writer, info.matrix, info.matrix_unit, formats)
        meta = spreadsheet_safe(info.metadata())
        meta.to_excel(writer, sheet_name="Metadata", index=False)
        writer.sheets["Metadata"].set_column(0, 0, 28)
        writer.sheets["Metadata"].set_column(1, 1, 80)
    return out.getvalue()


def bundle(chart: alt.TopLevelMixin, data: pd.DataFrame, info: ExportInfo) -> bytes:
    """A zip with the chart as PNG and SVG, the data as .xlsx and .csv, and metadata.json."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{info.name}.png", to_png(chart, info))
        z.writestr(f"{info.name}.svg", to_svg(chart, info))
        z.writestr(f"{info.name}.xlsx", to_xlsx(data, info))
        z.writestr(f"{info.name}.csv", to_csv(data, info))
        meta = {
            "title": info.title,
            "subtitle": info.subtitle,
            "source": info.source,
            "years": list(info.years) if info.years else None,
            "notes": info.notes,
            "fetched_at": info.fetched_at,
            "group": info.group,
            "members": [{"id": i, "name": n} for i, n in info.members],
            "kpis": [{"id": i, "title": t} for i, t in info.kpis],
            "formulas": info.formulas,
            "terms": TERMS,
        }
        z.writestr("metadata.json", json.dumps(meta, ensure_ascii=False, indent=2))
    return out.getvalue()
