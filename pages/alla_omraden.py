"""Alla områden: the kommun's NKA % per area × year, and the difference to each area's peer
median (with RKA's groups, each area uses its own "Liknande kommuner" group)."""

from dataclasses import replace

import streamlit as st

import ui
from benchmark import analytics, charts, editions, fmt
from benchmark.escaping import escape_markdown
from benchmark.viewstate import GROUP_KINDS
from kolada import AREAS

ctx = ui.current("alla")
kommun, span = ctx.view.kommun, ctx.span
st.title(f"Alla områden – {ctx.kommun_md}")
ui.ensure_data([a.nka_pct for a in AREAS])

peers_by_area, labels = {}, {}
for a in AREAS:
    p = ui.peers(replace(ctx.view, area=a.code))
    held = ui.group_editions(p.group.id) if p.group is not None else []
    by_year = editions.yearly_members(held, p.ids, kommun, span, ctx.view.per_edition)
    peers_by_area[a.code], labels[a.code] = by_year, p.label
every_peer = sorted(
    set().union(*(m for y in peers_by_area.values() for m in y.values())) | {kommun}
)
if ctx.view.group == "rka":
    st.caption(
        "Varje område och år jämförs med den utgåva av områdets grupp som gällde då."
        if ctx.view.per_edition
        else "Varje område jämförs med sin egen grupp av liknande kommuner (dagens utgåva); "
        "samma medlemmar används för alla år som visas."
    )
vals = ui.values([a.nka_pct for a in AREAS], every_peer)
matrix = analytics.area_matrix(vals, kommun, AREAS, peers_by_area, span)
first_prel = {a.code: ui.first_preliminary(a.nka_pct) for a in AREAS}
matrix["preliminary"] = [
    analytics.is_preliminary(int(y), first_prel[c])
    for c, y in zip(matrix["area"], matrix["period"], strict=True)
]
if matrix.empty:
    st.info(f"Kolada har inga värden för {ctx.kommun_md} åren {span[0]}–{span[1]}.")
    st.stop()

ui.method_break_note(span[0])
data = matrix.rename(
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
data["Preliminärt"] = data["Preliminärt"].map({True: "ja", False: ""})
shown_areas = set(matrix["area"])  # the metadata lists the KPIs behind the cells shown
kpis = [a.nka_pct for a in AREAS if a.code in shown_areas]
diff_areas = set(matrix.dropna(subset=["diff"])["area"])
groups = dict(
    group_label=f"{GROUP_KINDS[ctx.view.group]}, varje område med sin egen grupp"
    if ctx.view.group == "rka"
    else None,
    group="; ".join(f"{a.title}: {labels[a.code]}" for a in AREAS if a.code in shown_areas),
    members=[(m, ctx.names.get(m, m)) for m in every_peer if m != kommun],
)
st.subheader("Nettokostnadsavvikelse (%)")
nka_chart = ui.show_chart(charts.heatmap, matrix, "nka", "Avvikelse (%)")
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
    + f"{ui.RAW}."
)
ui.export_buttons(
    nka_chart,
    data,
    ui.export_info(
        ctx,
        "omraden-nka",
        f"Nettokostnadsavvikelse per område, {ctx.kommun_name}",
        kpis,
        shows="Nettokostnadsavvikelse (%) per verksamhetsområde och år",
        **groups,
    ),
)
st.subheader("Skillnad mot jämförelsegruppens median (procentenheter)")
diff_chart = ui.show_chart(
    charts.heatmap, matrix.dropna(subset=["diff"]), "diff", "Skillnad (p.e.)"
)
ui.export_buttons(
    diff_chart,
    data,
    ui.export_info(
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
    f"jämförelsegruppens median, per område och år. {ui.COMPUTED}. Tom ruta: för få "
    f"jämförelsevärden (medianen visas bara när minst {analytics.MIN_PEERS} och minst hälften "
    "av gruppen har värde). "
    "Varje område jämförs med sin egen grupp: "
    + "; ".join(f"{a.title}: {escape_markdown(labels[a.code])}" for a in AREAS)
)

st.subheader("Gå till översikten för ett område")
cols = st.columns(4)
for i, a in enumerate(AREAS):
    params = replace(ctx.view, area=a.code).to_params()
    cols[i % 4].page_link(ui.PAGES["oversikt"], label=a.title, query_params=params)

with st.expander("Tabell: värdena bakom diagrammen"):
    st.dataframe(data.drop(columns="Område-id"), hide_index=True)
