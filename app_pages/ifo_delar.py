"""IFO i delar: barn och unga, ekonomiskt bistånd, missbruk vuxna — nettokostnad per invånare
against the peers over time (these parts have no NKA of their own). Each part is compared with
IFO's peer group (or the part's own RKA family), whatever area the sidebar shows; where Kolada
has no net cost for a part, its gross cost is shown, labelled as such."""

import streamlit as st

from benchmark import charts, figures, fmt, narrative
from benchmark.attribution import COMPUTED, RAW
from benchmark.escaping import escape_markdown
from kolada import IFO_PARTS
from ui import data, exports, lazy, notes, sidebar
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
    ps = data.cached(figures.part_series)(ctx.view, span, part)
    peers, kpi, measure, own, stats, prel = (
        ps.peer_years.peers,
        ps.kpi,
        ps.measure,
        ps.own,
        ps.stats,
        ps.first_preliminary,
    )
    st.caption(f"Jämförelsegrupp: {escape_markdown(peers.label)}")
    notes.edition_note(ps.peer_years)
    if ps.gross:
        st.caption(
            f"Kolada har ingen nettokostnad för {part_text} ({part.net_cost}); "
            f"diagrammet visar i stället kostnaden före avdrag för intäkter ({part.cost})."
        )
    if peers.note:
        st.info(escape_markdown(peers.note))
    if ps.empty:
        where = f"åren {span[0]}–{span[1]}"
        st.info(escape_markdown(figures.absent(ps.fetched, part_text, where)))
        continue
    lines = charts.trend_data(own, stats, ctx.kommun_name, prel, unit="kr")
    chart = exports.show_chart(
        charts.trend_chart, lines, stats, ctx.kommun_name, f"{measure} (kr/invånare)", False,
        alt_text=f"Linjediagram: {measure.lower()} för {part_text} i kronor per invånare för "
        f"{ctx.kommun_name} {span[0]}–{span[1]} jämfört med jämförelsegruppens median. Samma "
        "värden står i tabellen under.",
    )  # fmt: skip
    last_value = ps.last_value
    if last_value is not None and last_value < span[1]:
        st.caption(
            f"Kolada har värden för {part_text} till och med {last_value}; åren "
            f"{last_value + 1}–{span[1]} saknas i diagrammet."
        )
    prel_note = (
        f" Trianglar ({fmt.PRELIMINARY}): preliminära värden från {prel}."
        if ps.preliminary_shown
        else ""
    )
    st.caption(
        f"{measure} per invånare. {RAW} ({ctx.kommun_md}, {kpi}). Median, medel, fält: "
        f"{COMPUTED}." + prel_note
    )
    table = ps.table(ctx.kommun_name)
    with lazy.expander(f"Tabell: {part.title}", f"delar_tabell_{part.code}") as is_open:
        if is_open:
            st.dataframe(table.map(lambda v: fmt.number(v, 0) if isinstance(v, float) else v),
                         hide_index=True)  # fmt: skip
    exports.export_buttons(
        chart,
        table,
        exports.export_info(
            ctx,
            f"ifo-{part.code}",
            f"{measure} per invånare, {part_text}: {ctx.kommun_name} och {ctx.peers.called}",
            [kpi],
            ["Median, kvartiler och ovägt medel över jämförelsekommunerna med värde varje år."],
            years=span,
            shows=part.title,
            group_label=peers.label,
            group=peers.label,
            members=list(peers.members),
            matrix=ps.matrix,
            matrix_unit="kr",
        ),
    )
