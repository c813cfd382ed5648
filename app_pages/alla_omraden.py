"""Alla områden: the kommun's NKA % per area × year, and the difference to each area's peer
median (with RKA's groups, each area uses its own "Liknande kommuner" group)."""

from dataclasses import replace

import pandas as pd
import streamlit as st

import ui
from benchmark import analytics, charts, figures, fmt, narrative, quality
from benchmark.attribution import COMPUTED, RAW
from benchmark.escaping import escape_markdown
from benchmark.viewstate import GROUP_KINDS
from kolada import AREAS
from kolada.quality import quality_kpis
from ui import data, exports, lazy, notes, sidebar
from ui.fetch import ensure_data

ctx = sidebar.current()
kommun, span = ctx.view.kommun, ctx.span
st.title(f"Alla områden – {ctx.kommun_md}")
ensure_data([a.nka_pct for a in AREAS] + quality_kpis())  # the quality table reads these

if ctx.view.group == "rka":
    st.caption(
        "Varje område och år jämförs med den utgåva av områdets grupp som gällde då."
        if ctx.view.per_edition
        else "Varje område jämförs med sin egen grupp av liknande kommuner (dagens utgåva); "
        "samma medlemmar används för alla år som visas."
    )
m = data.cached(figures.area_matrix)(ctx.view, span)
matrix, labels = m.matrix, m.labels
if matrix.empty:
    where = f"åren {span[0]}–{span[1]}"
    st.info(escape_markdown(figures.absent(m.fetched, ctx.kommun_name, where)))
    st.stop()

notes.method_break_note(span[0])
table = matrix.rename(
    columns={
        "area": "Område-id",
        "area_title": "Område",
        "period": "År",
        "nka": "Avvikelse (%)",
        "peer_median": "Gruppens median (%)",
        "peers_n": "Kommuner med värde",
        "diff": "Skillnad (p.e.)",
        "preliminary": "Preliminärt",
    }
)
table["Preliminärt"] = table["Preliminärt"].map({True: "ja", False: ""})
shown_areas = set(matrix["area"])  # the metadata lists the KPIs behind the cells shown
kpis = [a.nka_pct for a in AREAS if a.code in shown_areas]
diff_areas = set(matrix.dropna(subset=["diff"])["area"])
groups = dict(
    group_label=f"{GROUP_KINDS[ctx.view.group]}, varje område med sin egen grupp"
    if ctx.view.group == "rka"
    else None,
    group="; ".join(f"{a.title}: {labels[a.code]}" for a in AREAS if a.code in shown_areas),
    members=[(p, ctx.names.get(p, p)) for p in m.members],
)
st.subheader("Nettokostnadsavvikelse (%)")
genitive = narrative.genitive(ctx.kommun_name)
nka_chart = exports.show_chart(
    charts.heatmap, matrix, "nka", "Avvikelse (%)",
    alt_text=f"Rutdiagram: {genitive} nettokostnadsavvikelse per verksamhetsområde och år, "
    "med värdet i varje ruta. Samma värden står i tabellen längst ned.",
)  # fmt: skip
st.caption(
    f"Rutdiagram: {ctx.kommun_genitive_md} nettokostnadsavvikelse per verksamhetsområde och år; "
    f"varje ruta har sitt värde utskrivet. Blått: lägre kostnad än referenskostnaden; orange: "
    f"högre; skalan är lika lång åt båda hållen från 0. {fmt.PRELIMINARY.split()[0]} efter "
    "värdet: preliminärt. "
    + (
        f"Svart lodrät linje: ny modell för referenskostnaden från {analytics.METHOD_BREAK_YEAR}. "
        if span[0] < analytics.METHOD_BREAK_YEAR <= span[1]
        else ""
    )
    + f"{RAW}."
)
exports.export_buttons(
    nka_chart,
    table,
    exports.export_info(
        ctx,
        "omraden-nka",
        f"Nettokostnadsavvikelse per område, {ctx.kommun_name}",
        kpis,
        shows="Nettokostnadsavvikelse (%) per verksamhetsområde och år",
        **groups,
    ),
)
st.subheader("Skillnad mot jämförelsegruppens median (procentenheter)")
diff_chart = exports.show_chart(
    charts.heatmap, matrix.dropna(subset=["diff"]), "diff", "Skillnad (p.e.)",
    alt_text=f"Rutdiagram: skillnaden i procentenheter mellan {genitive} avvikelse och "
    "jämförelsegruppens median, per område och år. Samma värden står i tabellen längst ned.",
)  # fmt: skip
exports.export_buttons(
    diff_chart,
    table,
    exports.export_info(
        ctx,
        "omraden-skillnad",
        f"Skillnad mot jämförelsegruppens median per område, {ctx.kommun_name}",
        [a.nka_pct for a in AREAS if a.code in diff_areas],
        ["Skillnad = kommunens NKA % − medianen av områdets jämförelsekommuner med värde."],
        shows="Skillnad mot varje områdes median (procentenheter) per verksamhetsområde och år",
        **groups,
    ),
)
st.caption(
    f"Rutdiagram: skillnaden i procentenheter mellan {ctx.kommun_genitive_md} avvikelse och "
    f"jämförelsegruppens median, per område och år. {COMPUTED}. Tom ruta: för få "
    f"jämförelsevärden (medianen visas bara när minst {analytics.MIN_PEERS} och minst hälften "
    "av gruppen har värde). "
    "Varje område jämförs med sin egen grupp: "
    + "; ".join(f"{a.title}: {escape_markdown(labels[a.code])}" for a in AREAS)
)

st.subheader("Kvalitet per område")
by_area = data.cached(figures.quality_by_area)(ctx.view)
st.table(
    pd.DataFrame([quality.summary_row(q.area.title, q.positions, q.fetched) for q in by_area]),
    hide_index=True,
)
st.caption(
    f"För varje område: på hur många av dess kvalitetsmått {ctx.kommun_md} ligger bättre än, "
    "som eller sämre än jämförelsegruppens median, efter varje måtts riktning (en kortare "
    "väntetid är bättre). Varje område jämförs med sin egen grupp och varje mått med det "
    "senaste året då kommunen har ett värde. Utan jämförelse: kommunen saknar värde, eller för "
    f"få jämförelsekommuner har värde (minst {analytics.MIN_PEERS} och minst hälften av gruppen "
    f"krävs). {RAW} (kommunernas värden). Median och läge: {COMPUTED}."
)
st.markdown("Kostnad och kvalitet för:")
row = st.container(horizontal=True)  # links in the table's order, also for a screen reader
for q in by_area:
    params = replace(ctx.view, area=q.area.code).to_params()
    row.page_link(ui.PAGES["kvalitet"], label=f"{q.area.title}, kvalitet", query_params=params)

st.subheader("Gå till översikten för ett område")
cols = st.columns(4)
for i, a in enumerate(AREAS):
    params = replace(ctx.view, area=a.code).to_params()
    cols[i % 4].page_link(ui.PAGES["oversikt"], label=a.title, query_params=params)

with lazy.expander("Tabell: värdena bakom diagrammen", "alla_tabell") as is_open:
    if is_open:
        shown = table.drop(columns="Område-id")  # Swedish number format, as in every table
        for column in ("Avvikelse (%)", "Gruppens median (%)"):
            shown[column] = shown[column].map(fmt.number)
        shown["Skillnad (p.e.)"] = shown["Skillnad (p.e.)"].map(lambda v: fmt.number(v, sign=True))
        shown["Kommuner med värde"] = shown["Kommuner med värde"].map(fmt.integer)
        shown["År"] = shown["År"].astype(str)
        st.dataframe(shown, hide_index=True)
