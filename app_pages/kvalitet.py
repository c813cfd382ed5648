"""Kostnad och kvalitet: what the money buys — the kommun and its peers with the area's NKA on
one axis and a quality KPI on the other (quadrants at the peers' medians, the kommun's trail
over the years), then where the kommun stands on each of the area's quality KPIs."""

from dataclasses import replace

import streamlit as st

from benchmark import analytics, charts, figures, fmt, matrix, narrative, quality
from benchmark.attribution import COMPUTED, RAW
from benchmark.escaping import escape_markdown
from kolada.catalogue import area
from kolada.quality import QUALITY_BY_KPI, areas_with_quality
from ui import data, exports, lazy, notes, sidebar

ctx = sidebar.current()
a, view = ctx.area, ctx.view
area_text = narrative.area_in_sentence(a.title)
st.title(f"Kostnad och kvalitet – {a.title} – {ctx.kommun_md}")
f = data.cached(figures.quality_figures)(view)
if not f.positions:
    others = [narrative.area_in_sentence(area(c).title) for c in areas_with_quality()]
    st.info(
        f"Appen har inga kvalitetsmått för {escape_markdown(area_text)}. Kvalitetsmått finns "
        f"för {narrative.listed(others)}: välj ett av dem som verksamhetsområde i sidomenyn."
    )
    st.stop()
st.caption(
    f"Vad får kommunen för pengarna? Kostnaden, nettokostnadsavvikelsen (NKA), ställd mot "
    f"Koladas kvalitetsmått för {escape_markdown(area_text)}: brukarnas bedömningar, resultat, "
    "väntetider och RKA:s index. Jämförelsegrupp: "
    f"{ctx.peers_md}. {RAW} (kommunernas värden, RKA:s index som RKA räknat dem). Medianer, "
    f"lägen och rutor: {COMPUTED}."
)
notes.peer_note(ctx)
notes.edition_note(f.peer_years)

if not f.fetched:  # read-only, before the scheduled refresh has fetched them
    st.info(escape_markdown(f.not_fetched))
    st.stop()
choices = [p.q.kpi for p in f.positions if p.own is not None]
if not choices:
    st.info(escape_markdown(f.without_values()))
    st.stop()
kpi = st.selectbox(
    "Kvalitetsmått",
    choices,
    index=choices.index(f.default_kpi),
    format_func=lambda k: QUALITY_BY_KPI[k].title,
    key="quality_kpi",
)
s = f.scatter(kpi, view.year)
if s is None:
    title = escape_markdown(QUALITY_BY_KPI[kpi].title)
    st.info(f"{ctx.kommun_md} har inget år med både NKA och {title} åren {f.span[0]}–{f.span[1]}.")
    st.stop()
year = st.selectbox("År", s.years[::-1], index=s.years[::-1].index(s.year), key="quality_year")
sidebar.remember(replace(view, year=year))
s = f.scatter(kpi, year)
q, position = s.q, s.position
what = f"”{q.title}”"  # the KPI's title mid-sentence
st.subheader(f"{q.title}, {year}")
if f.lag_note(s):
    st.caption(escape_markdown(f.lag_note(s)))
st.markdown(escape_markdown(q.means) + (f" {escape_markdown(q.caveat)}" if q.caveat else ""))
chart = exports.show_chart(
    charts.quadrant_chart,
    *s.chart_args,
    alt_text=(
        f"Punktdiagram {year}: {f.kommun_name} och {s.both} jämförelsekommuner med "
        f"nettokostnadsavvikelsen åt sidan och {what} på höjden, med streckade "
        f"linjer vid gruppens medianer och {narrative.genitive(f.kommun_name)} väg över åren. "
        "Samma värden står i tabellen under diagrammet."
    ),
)
table = s.table()
info = exports.export_info(
    ctx,
    f"kvalitet-{q.kpi}",
    f"Kostnad och kvalitet: {q.title}, {f.kommun_name} och {ctx.peers.called}",
    [a.nka_pct, q.kpi],
    [
        "Ruta: kommunens NKA och kvalitetsvärde mot jämförelsekommunernas medianer samma år; "
        f"bättre betyder {q.comparatives[0 if q.higher_is_better else 1]} värde."
    ],
    years=(year, year),
    units={"NKA (%)": "%"},
    matrix=f.matrix(q.kpi),  # the quality KPI, every kommun and year shown
    matrix_unit=matrix.sheet_unit(q.unit),
)
exports.export_buttons(chart, table, info)

members = len(s.points) - 1
st.markdown(
    f"**{s.both} av {members} jämförelsekommuner** har både NKA och {escape_markdown(what)} "
    f"för {year}; de syns i diagrammet."
)
quadrant = s.quadrant
if quadrant is not None and quadrant.sentence(f.kommun_name, area_text):
    st.markdown(escape_markdown(quadrant.sentence(f.kommun_name, area_text)))
else:
    missing = []
    if s.nka_median is None:
        missing.append(f"NKA: {s.nka_n} av {members}")
    if position.median is None:
        missing.append(f"{escape_markdown(what)}: {position.n} av {position.total}")
    st.info(
        f"{ctx.kommun_md} jämförs inte med gruppens median {year}: för få jämförelsekommuner "
        f"har värde ({'; '.join(missing)}). Medianen visas när minst {analytics.MIN_PEERS} och "
        "minst hälften av gruppen har värde."
    )
lines = []  # which medians are drawn, over how many peers each
if s.nka_median is not None:
    lines.append(f"NKA-medianen av de {s.nka_n} jämförelsekommunerna med NKA")
if position.median is not None:
    lines.append(f"kvalitetsmedianen av de {position.n} med värde för måttet")
st.caption(
    (f"Streckade linjer {year}: {' och '.join(lines)}. " if lines else "")
    + (f"{quality.NOT_A_CAUSE} " if quadrant is not None else "")
    + (
        f"Axeln för {escape_markdown(what)} är vänd: {q.comparatives[1]} är bättre och står högre. "
        if not q.higher_is_better
        else ""
    )
    + f"Den tunna linjen: {ctx.kommun_genitive_md} värden de år som har båda måtten. "
    f"{RAW} ({a.nka_pct}, {q.kpi}). Medianer och rutor: {COMPUTED}."
)
with lazy.expander("Tabell: värdena bakom diagrammet", "kvalitet_tabell") as is_open:
    if is_open:
        shown = table.assign(
            Kommun=[escape_markdown(n) for n in table["Kommun"]],  # st.table renders Markdown
            **{
                "NKA (%)": [fmt.percent(v) for v in table["NKA (%)"]],
                q.title: [quality.value_text(v, q.unit) for v in table[q.title]],
            },
        )
        st.table(shown, hide_index=True)  # static: every column shown, a list on a phone

st.subheader("Alla kvalitetsmått för området")
st.table(quality.positions_table(f.positions, escape_markdown(f.kommun_name)), hide_index=True)
st.caption(
    "Varje mått visas för det senaste året då kommunen har ett värde; kvalitetsmåtten kan "
    "sluta ett eller flera år före kostnaden. Läge: bättre eller sämre än jämförelsekommunernas "
    "median, efter måttets riktning (en kortare väntetid är bättre). Gruppens median visas bara "
    f"när minst {analytics.MIN_PEERS} och minst hälften av jämförelsekommunerna har värde, "
    f"annars står det för få värden. {RAW} ({', '.join(p.q.kpi for p in f.positions)}). "
    f"Median och läge: {COMPUTED}."
)
with lazy.expander("Vad måtten mäter", "kvalitet_matt") as is_open:
    if is_open:
        for p in f.positions:
            st.markdown(
                f"**{escape_markdown(p.q.title)}** ({p.q.kpi}, {p.q.kind_in_sentence}): "
                f"{escape_markdown(p.q.means)} {escape_markdown(p.q.caveat)}"
            )
