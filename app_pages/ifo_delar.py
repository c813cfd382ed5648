"""IFO i delar: barn och unga, ekonomiskt bistånd, missbruk vuxna — nettokostnad per invånare
against the peers over time (these parts have no NKA of their own). Each part is compared with
IFO's peer group (or the part's own RKA family), whatever area the sidebar shows; where Kolada
has no net cost for a part, its gross cost is shown, labelled as such."""

import streamlit as st

from benchmark import analytics, charts, fmt, narrative
from benchmark.attribution import COMPUTED, RAW
from benchmark.escaping import escape_markdown
from kolada import IFO_PARTS
from ui import exports, notes, sidebar
from ui.fetch import ensure_data

ctx = sidebar.current()
kommun, span = ctx.view.kommun, ctx.span
st.title(f"IFO i delar – {ctx.kommun_md}")
st.caption(
    f"År {span[0]}–{span[1]}. Kolada har ingen nettokostnadsavvikelse för delarna, så här "
    "jämförs kostnaden i kronor per invånare; den tar inte hänsyn till skillnader i struktur. "
    "Varje del jämförs med individ- och familjeomsorgens jämförelsegrupp, eller med delens egen "
    "grupp av liknande kommuner där RKA har en."
)
ensure_data([k for p in IFO_PARTS for k in (p.net_cost, p.cost)])

for part in IFO_PARTS:
    st.subheader(part.title)
    part_text = narrative.area_in_sentence(part.title)
    peers = ctx.src.peers(ctx.view, part)
    st.caption(f"Jämförelsegrupp: {escape_markdown(peers.label)}")
    py = ctx.src.peer_years(ctx.view, span, part)
    notes.edition_note(py)
    by_year = py.by_year
    vals = ctx.src.values([part.net_cost, part.cost], [kommun, *py.everyone])
    kpi, measure = part.net_cost, "Nettokostnad"
    own = analytics.series(vals, kpi, kommun)
    if own.empty and analytics.peer_stats_by_year(vals, kpi, by_year, span).empty:
        kpi, measure = part.cost, "Kostnad före intäkter"  # Kolada has no net cost for this part
        own = analytics.series(vals, kpi, kommun)
        st.caption(
            f"Kolada har ingen nettokostnad för {part_text} ({part.net_cost}); "
            f"diagrammet visar i stället kostnaden före avdrag för intäkter ({part.cost})."
        )
    own = own[(own.index >= span[0]) & (own.index <= span[1])]
    stats = analytics.peer_stats_by_year(vals, kpi, by_year, span)
    if peers.note:
        st.info(escape_markdown(peers.note))
    if own.empty and stats.empty:
        st.info(f"Kolada har inga värden för {part_text} åren {span[0]}–{span[1]}.")
        continue
    prel = ctx.src.first_preliminary(kpi)
    stats = analytics.only_covered(stats)  # no band or median where too few peers report
    lines = charts.trend_data(own, stats, ctx.kommun_name, prel, unit="kr")
    chart = exports.show_chart(
        charts.trend_chart, lines, stats, ctx.kommun_name, f"{measure} (kr/invånare)", False
    )
    last_value = int(own.index.max()) if not own.empty else None
    if last_value is not None and last_value < span[1]:
        st.caption(
            f"Kolada har värden för {part_text} till och med {last_value}; åren "
            f"{last_value + 1}–{span[1]} saknas i diagrammet."
        )
    prel_note = (
        f" Trianglar ({fmt.PRELIMINARY}): preliminära värden från {prel}."
        if prel is not None and not own.empty and own.index.max() >= prel
        else ""
    )
    st.caption(
        f"{measure} per invånare. {ctx.kommun_md}: {RAW} ({kpi}). Median, medel, fält: "
        f"{COMPUTED}." + prel_note
    )
    table = (
        stats.drop(columns=["covered"], errors="ignore")
        .rename(
            columns={
                "period": "År",
                "n": "Kommuner med värde",
                "N": "Kommuner i gruppen",
                "min": "Lägst (kr/inv)",
                "q1": "Nedre kvartil (kr/inv)",
                "median": "Median (kr/inv)",
                "q3": "Övre kvartil (kr/inv)",
                "max": "Högst (kr/inv)",
                "mean": "Ovägt medel (kr/inv)",
            }
        )
        .set_index("År")
    )
    table = table.reindex(sorted(set(table.index) | set(own.index)))
    table.insert(0, f"{ctx.kommun_name} (kr/inv)", own.reindex(table.index))
    table.index.name = "År"
    data = table.reset_index()
    with st.expander(f"Tabell: {part.title}"):
        st.dataframe(data.map(lambda v: fmt.number(v, 0) if isinstance(v, float) else v),
                     hide_index=True)  # fmt: skip
    exports.export_buttons(
        chart,
        data,
        exports.export_info(
            ctx,
            f"ifo-{part.code}",
            f"{measure} per invånare, {part_text}: {ctx.kommun_name} och jämförelsegruppen",
            [kpi],
            ["Median, kvartiler och ovägt medel över jämförelsekommunerna med värde varje år."],
            years=span,
            shows=part.title,
            group_label=peers.label,
            group=peers.label,
            members=list(peers.members),
        ),
    )
