"""IFO i delar: barn och unga, ekonomiskt bistånd, missbruk vuxna — nettokostnad per invånare
against the peers over time (these parts have no NKA of their own)."""

import streamlit as st

import ui
from benchmark import analytics, charts, fmt
from kolada import IFO_PARTS

ctx = ui.current("delar")
kommun, span = ctx.view.kommun, ctx.span
st.title(f"IFO i delar – {ctx.kommun_md}")
st.caption(
    f"Jämförelsegrupp: {ctx.peers_md} · År {span[0]}–{span[1]}. Kolada har ingen "
    "nettokostnadsavvikelse för delarna, så här jämförs nettokostnaden i kronor per invånare; "
    "den tar inte hänsyn till skillnader i struktur."
)
ui.peer_note(ctx)
ui.ensure_data([p.net_cost for p in IFO_PARTS])
vals = ui.values([p.net_cost for p in IFO_PARTS], [kommun, *ctx.peers.ids])

for part in IFO_PARTS:
    st.subheader(part.title)
    own = analytics.series(vals, part.net_cost, kommun)
    own = own[(own.index >= span[0]) & (own.index <= span[1])]
    stats = analytics.peer_stats(vals, part.net_cost, ctx.peers.ids, span)
    if own.empty and stats.empty:
        st.info(f"Kolada har inga värden för {part.title.lower()} åren {span[0]}–{span[1]}.")
        continue
    prel = ui.first_preliminary(part.net_cost)
    stats = analytics.only_covered(stats)  # no band or median where too few peers report
    lines = charts.trend_data(own, stats, ctx.kommun_name, prel, unit="kr")
    st.altair_chart(
        charts.trend_chart(lines, stats, ctx.kommun_name, "Nettokostnad (kr/invånare)"),
        width="stretch",
    )
    prel_note = (
        f" Trianglar ({fmt.PRELIMINARY}): preliminära värden från {prel}."
        if prel is not None and not own.empty and own.index.max() >= prel
        else ""
    )
    st.caption(
        f"{ctx.kommun_md}: {ui.RAW} ({part.net_cost}). Median, medel, fält: {ui.COMPUTED}."
        + prel_note
    )
