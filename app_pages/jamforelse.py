"""Jämförelse: ranking bars for one year — the kommun highlighted, peers named, missing values
shown as "saknas" and counted — with a table beside it."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from benchmark import analytics, charts, figures, fmt, narrative
from benchmark.attribution import COMPUTED
from benchmark.escaping import escape_markdown
from ui import data, exports, notes, sidebar

ctx = sidebar.current()
a, kommun = ctx.area, ctx.view.kommun
area_text = narrative.area_in_sentence(a.title)  # "LSS", "grundskola F-9"
st.title(f"Jämförelse – {a.title}")
st.caption(f"Jämförelsegrupp: {ctx.peers_md}")
notes.peer_note(ctx)

rank_of = data.cached(figures.ranking)
shown = rank_of(ctx.view)
if shown is None:
    fetched = ctx.src.fetched_all([a.nka_pct])
    st.info(escape_markdown(figures.absent(fetched, a.title, "i den här jämförelsen")))
    st.stop()
# the default year: the latest in the sidebar's range where the kommun has a value and peers
# are covered (as Översikt's range), not a later year only a few kommuner report
years = shown.years
wanted = ctx.view.year if ctx.view.year in years else shown.default_year
year = st.selectbox("År", years, index=years.index(wanted), key="w_year")
sidebar.remember(replace(ctx.view, year=year))
notes.method_break_note(year)
r = rank_of(ctx.view, year)
frame, preliminary = r.frame, r.preliminary
if preliminary:
    st.caption(
        f"{fmt.PRELIMINARY}: värdena för {year} är preliminära (hämtade före Koladas slutliga "
        "publicering) och kan revideras."
    )
missing_own = f" {ctx.kommun_md} saknar värde för {year}." if r.own_value is None else ""
if r.own_rank is not None:
    placed = f" {ctx.kommun_md} har plats {r.own_rank} av {r.ranked} (1 = lägst kostnadsnivå)."
elif not r.covered:
    placed = (
        f" Ingen plats i rangordningen visas: {analytics.coverage_text(r.with_value, r.total)}"
        f" – det krävs minst {analytics.MIN_PEERS} och minst hälften av gruppen."
    )
else:
    placed = ""
st.markdown(
    f"**{r.with_value} av {r.total} jämförelsekommuner har värde** för {year}."
    + missing_own
    + placed
)
prel_label = f" {fmt.PRELIMINARY}" if preliminary else ""
left, right = st.columns([3, 2])
with left:
    chart = exports.show_chart(
        charts.ranking_chart, frame, f"Nettokostnadsavvikelse {year} (%){prel_label}",
        alt_text=f"Stapeldiagram: nettokostnadsavvikelsen för {area_text} {year} för "
        f"{ctx.kommun_name} och jämförelsekommunerna, från lägst till högst. Samma värden står "
        "i tabellen bredvid.",
    )  # fmt: skip
with right:
    table = frame.assign(
        Plats=[fmt.integer(r) if r == r else "–" for r in frame["rank"]],
        Kommun=[
            f"{t} (vald)" if f else t for t, f in zip(frame["title"], frame["focus"], strict=True)
        ],
        Värde=[fmt.percent(v) + (prel_label if v == v else "") for v in frame["value"]],
    )[["Plats", "Kommun", "Värde"]]
    st.dataframe(table, hide_index=True)
chart_data = pd.DataFrame(
    {
        "Plats": frame["rank"],
        "Kommun": frame["title"],
        "Kommun-id": frame["municipality"],
        "Vald kommun": frame["focus"],
        f"NKA {year} (%)": frame["value"],
        "Preliminärt": "ja" if preliminary else "",
    }
)
info = exports.export_info(
    ctx,
    f"ranking-{year}",
    f"Nettokostnadsavvikelse {area_text} {year}: {ctx.kommun_name} och {ctx.peers.called}",
    [a.nka_pct],
    [
        "Plats: 1 = lägst kostnadsnivå i förhållande till referenskostnaden (lägst NKA) "
        "bland kommunerna med värde."
    ],
    years=(year, year),
    # every year shown, every kommun: what a controller pastes (the same as Översikt's)
    matrix=data.cached(figures.overview_figures)(ctx.view).matrix,
)
exports.export_buttons(chart, chart_data, info)
st.caption(
    f"Stapeldiagram: nettokostnadsavvikelsen {year} för {ctx.kommun_md} ("
    + (
        "mörkblå stapel med namn och värde ovanför; med så många kommuner står namnen i "
        "tabellen, markerad '(vald)'"
        if len(frame) > charts.MANY_BARS
        else "mörkblå stapel med svart kant, markerad '(vald)' i tabellen"
    )
    + ") och varje jämförelsekommun. "
    "Staplarna är sorterade från lägst till högst kostnadsnivå i förhållande till "
    "referenskostnaden. "
    + (
        "Streckad linje: jämförelsekommunernas median. "
        if charts.peer_median(frame) is not None
        else ""
    )
    + "Färgerna skiljer bara vald kommun "
    "från jämförelsekommunerna; en negativ avvikelse är inte i sig bra och en positiv inte dålig. "
    f"Värden från Kolada ({a.nka_pct}). Plats i rangordningen: {COMPUTED}."
)
