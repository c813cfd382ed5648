"""Charts on a page and their downloads: a chart drawn from a spec cached per view, and the
row of download buttons under it (PNG, SVG, CSV, Excel, zip) whose files are made on click."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.dataframe_util import convert_anything_to_arrow_bytes

from benchmark import charts, exports
from benchmark.attribution import COMPUTED, RAW
from ui.sidebar import Context


def export_info(
    ctx: Context,
    name: str,
    title: str,
    kpis: list[str],
    formulas: list[str] | None = None,
    *,
    years: tuple[int, int] | None = None,
    shows: str | None = None,
    group_label: str | None = None,
    group: str | None = None,
    members: list[tuple[str, str]] | None = None,
    units: dict[str, str] | None = None,
    matrix: pd.DataFrame | None = None,
    matrix_unit: str = "%",
) -> exports.ExportInfo:
    """Title, subtitle and source line for a chart of the current view, with its metadata.

    ``years``: the years the export shows (default: the view's span); years before 2019 put
    the method-break note in the source line and the metadata. ``shows``: what the chart shows,
    for the subtitle (default: the area). ``group_label`` (subtitle), ``group`` and ``members``
    (metadata): when the chart does not use the view's one peer group. ``units``: column →
    "%", "p.e.", "kr", "mnkr" (columns named "… (%)" etc. are found without it). ``matrix``:
    every kommun × year behind the chart (``benchmark.matrix``), in its unit. Only KPIs the
    cache holds values for are listed."""
    fetched = ctx.src.fetched_at()
    titles = ctx.src.kpi_titles
    first, last = years or ctx.span
    peer_group = ctx.peers.group
    group_text = ctx.peers.label
    if peer_group is not None and peer_group.first_seen:
        group_text += f"; medlemmar enligt Kolada {peer_group.first_seen[:10]}"
    year_text = str(first) if first == last else f"{first}–{last}"
    held = ctx.src.fetched_kpis
    used = [k for k in dict.fromkeys(kpis) if not held or k in held]
    return exports.ExportInfo(
        name=f"{name}-{ctx.view.kommun}-{ctx.view.area}",
        title=title,
        subtitle=" · ".join(
            [ctx.kommun_name, shows or ctx.area.title, group_label or ctx.peers.label, year_text]
        ),
        source=f"{RAW} (hämtad {fetched[:10]}). Jämförelsevärden: {COMPUTED}.",
        kpis=[(k, titles.get(k, "")) for k in used],
        group=group if group is not None else group_text,
        members=list(ctx.peers.members) if members is None else members,
        fetched_at=fetched,
        formulas=formulas or [],
        years=(first, last),
        units=units or {},
        matrix=matrix,
        matrix_unit=matrix_unit,
    )


@st.cache_data(ttl=timedelta(hours=1), max_entries=512, show_spinner=False)
def _chart_spec(key: str, _build: Callable[..., alt.TopLevelMixin], args: tuple) -> dict:
    spec = charts.to_spec(_build(*args))
    # the data as Arrow bytes, as Streamlit would convert it on every run otherwise
    spec["datasets"] = {
        name: convert_anything_to_arrow_bytes(pd.DataFrame(rows))
        for name, rows in spec.get("datasets", {}).items()
    }
    return spec


def show_chart(
    build: Callable[..., alt.TopLevelMixin], *args, alt_text: str
) -> Callable[[], alt.TopLevelMixin]:
    """Draw ``build(*args)`` across the container, with ``alt_text`` (plain text: what the
    chart shows, in one or two sentences) for screen readers. The spec is cached by the builder
    and its arguments (frames by content), so a rerun with the same view neither builds nor
    converts the Altair chart again. Returns a function that builds the chart for the export
    buttons, which only run it when a file is asked for."""
    key = f"{build.__code__.co_filename}:{build.__qualname__}"
    st.vega_lite_chart(_chart_spec(key, build, args), width="stretch", alt=alt_text)
    return lambda: build(*args)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_buttons(
    chart: Callable[[], alt.TopLevelMixin], data: pd.DataFrame, info: exports.ExportInfo
) -> None:
    """Download buttons under a chart (``chart`` builds it; see ``show_chart``), in a row that
    wraps on a narrow screen; files are made only when a button is clicked."""
    row = st.container(horizontal=True, gap="small")
    buttons = [
        ("PNG", "png", "image/png", lambda: exports.to_png(chart(), info)),
        ("SVG", "svg", "image/svg+xml", lambda: exports.to_svg(chart(), info)),
        ("CSV", "csv", "text/csv", lambda: exports.to_csv(data, info)),
        ("Excel", "xlsx", XLSX, lambda: exports.to_xlsx(data, info)),
        ("Paket (.zip)", "zip", "application/zip", lambda: exports.bundle(chart(), data, info)),
    ]
    if info.matrix is not None:  # every kommun × every year shown, on its own
        buttons.append(
            ("Alla värden (Excel)", "alla.xlsx", XLSX, lambda: exports.matrix_xlsx(info))
        )
    for label, ext, mime, make in buttons:
        row.download_button(
            f"⬇ {label}",
            make,
            file_name=f"{info.name}.{ext}",
            mime=mime,
            key=f"dl-{info.name}-{ext}",
            on_click="ignore",
        )
