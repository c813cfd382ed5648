"""Översikt: the kommun's NKA % over time against its peers, metric cards for the latest year,
and a short text that states only what the data supports."""

import streamlit as st

import ui
from benchmark import analytics, charts, editions, fmt, narrative, nka_change, overview
from benchmark.escaping import escape_markdown
from benchmark.numbers import money
from kolada.catalogue import POPULATION

ctx = ui.current("oversikt")
a, view, kommun = ctx.area, ctx.view, ctx.view.kommun
area_text = narrative.area_in_sentence(a.title)  # "LSS", "grundskola F-9"
span = ctx.span
st.title(f"{a.title} – {ctx.kommun_md}")
st.caption(f"Jämförelsegrupp: {ctx.peers_md} · År {span[0]}–{span[1]}")
if st.button(
    "Skapa rapport",
    icon=":material/description:",
    key="oversikt_report",
    help="Word och PDF till nämnden för den här vyn (sidan Rapport).",
):
    st.session_state["_make_report"] = True
    st.switch_page(ui.PAGES["rapport"], query_params=view.to_params())
ui.peer_note(ctx)
group = ctx.peers.group
held = ui.group_editions(group.id) if group is not None else []
by_year = ui.edition_note(ctx.peers, view, span, ctx.meta)  # peers per year, and says which

everyone = set().union(*by_year.values()) | set(ctx.peers.ids)
vals = ui.values([*a.kpis, POPULATION], [kommun, *sorted(everyone)])
prel_from = ui.first_preliminary(a.nka_pct)
o = overview.overview(vals, a, kommun, by_year, span, prel_from)
own, stats, year = o.own, o.stats, o.year
if year is None:
    st.info(f"Kolada har inga värden för {ctx.kommun_md} ({a.title}) åren {span[0]}–{span[1]}.")
    st.stop()
preliminary, nka, median, place = o.preliminary, o.nka, o.median, o.placement
ref, gap, peers_n, peers_total, too_few = o.ref, o.gap, o.peers_n, o.peers_total, o.too_few

prel_text = f" {fmt.PRELIMINARY}" if preliminary else ""
cards = st.container(horizontal=True)  # a row that wraps (two cards a row on a phone)
cols = [cards] * 4
cols[0].metric(
    f"NKA {year}{prel_text}",
    fmt.percent(nka),
    help=f"Nettokostnadsavvikelse. {ui.RAW} ({a.nka_pct}). Positivt värde: högre kostnad än "
    "strukturen motiverar.",
    border=True,
)
cols[1].metric(
    f"NKA i mnkr {year}",
    fmt.mnkr(o.nka_mnkr),
    help=f"{ui.RAW} ({a.nka_mnkr}): nettokostnad minus referenskostnad."
    if a.nka_mnkr
    else "Kolada publicerar ingen avvikelse i kronor för detta område.",
    border=True,
)
cols[2].metric(
    f"Placering {year}",
    place.text if place else too_few,
    help="1 = lägst kostnadsnivå i förhållande till referenskostnaden (lägst NKA) bland "
    f"kommunen och jämförelsekommunerna med värde. {ui.COMPUTED}.",
    border=True,
)
cols[3].metric(
    "Mot gruppens median",
    fmt.points(nka - median, short=True) if median is not None else "–",
    help=f"Skillnad i procentenheter mot medianen av {peers_n} av {peers_total} "
    f"jämförelsekommuner med värde {year}. Visas bara när minst {analytics.MIN_PEERS} och "
    f"minst hälften av gruppen har värde. {ui.COMPUTED}.",
    border=True,
)
if gap is not None:
    cols = [st.container(horizontal=True)] * 2  # long labels: one a row on a phone
    cols[0].metric(
        "Mot medianen, kr/invånare",
        fmt.kr(gap.kr_per_inhabitant, sign=True),
        help=f"(NKA − median)/100 × referenskostnad per invånare. {ui.COMPUTED}.",
        border=True,
    )
    cols[1].metric(
        "Mot medianen, kronor",
        money(gap.mnkr, sign=True),
        help=f"(NKA − median)/100 × referenskostnad × invånare. {ui.COMPUTED}.",
        border=True,
    )
    if ref.derived:
        ref_text = (
            f"Referenskostnaden är härledd ({ref.how}) eftersom Kolada saknar "
            f"{a.reference_cost} för {year}."
        )
    else:
        ref_text = f"Referenskostnad: {ref.how}."
    if ref.kr_per_inhabitant is None:
        ref_text += " Invånarantal saknas för året, så beloppet per invånare kan inte räknas."
    st.caption(f"{ref_text} {ui.COMPUTED}.")

shown_stats = o.shown_stats  # no band or median where too few peers report
lines = charts.trend_data(own, shown_stats, ctx.kommun_name, prel_from)
peer_rows, peer_names = None, {}
if st.toggle("Visa varje jämförelsekommun", key="w_peer_lines"):
    peer_rows = analytics.members_by_year_only(
        vals[(vals["kpi"] == a.nka_pct) & vals["period"].between(*span)], by_year
    )
    peer_names = {m: ctx.names.get(m, m) for m in set(peer_rows["municipality"])}


def trend_with_peers(lines, stats, name, peer_rows, peer_names):
    chart = charts.trend_chart(lines, stats, name, "Nettokostnadsavvikelse (%)")
    return chart if peer_rows is None else charts.with_peer_lines(chart, peer_rows, peer_names)


chart = ui.show_chart(trend_with_peers, lines, shown_stats, ctx.kommun_name, peer_rows, peer_names)
st.caption(
    f"Linjediagram: {ctx.kommun_genitive_md} nettokostnadsavvikelse för {area_text} "
    f"{span[0]}–{span[1]} jämfört med jämförelsegruppens median, ovägda medel och spridning. "
    "Ljust grått fält: lägsta–högsta värde; mörkare fält: mittersta hälften (kvartilavstånd)"
    + ("; trianglar: preliminära värden" if lines["preliminary"].any() else "")
    + (
        ". Streckad lodrät linje: ny modell för referenskostnaden från "
        f"{analytics.METHOD_BREAK_YEAR}"
        if span[0] < analytics.METHOD_BREAK_YEAR <= span[1]
        else ""
    )
    + f". Kommunens värden: {ui.RAW}. Median, medel och fält: {ui.COMPUTED}."
)
table = (
    shown_stats.drop(columns=["covered", "coverage"], errors="ignore")
    .rename(
        columns={
            "period": "År",
            "n": "Kommuner med värde",
            "N": "Kommuner i gruppen",
            "min": "Lägst",
            "q1": "Nedre kvartil",
            "median": "Median",
            "q3": "Övre kvartil",
            "max": "Högst",
            "mean": "Ovägt medel",
        }
    )
    .set_index("År")
)
table = table.reindex(sorted(set(table.index) | set(own.index)))
table.index.name = "År"
table.insert(0, ctx.kommun_name, own.reindex(table.index))
table.insert(
    1, "Preliminärt", ["ja" if analytics.is_preliminary(y, prel_from) else "" for y in table.index]
)
data = table.reset_index()
info = ui.export_info(
    ctx,
    "nka",
    f"Nettokostnadsavvikelse {area_text}, {ctx.kommun_name} och jämförelsegruppen",
    [a.nka_pct],
    ["Median, kvartiler och ovägt medel över jämförelsekommunerna med värde varje år."],
    units={c: "%" for c in data.columns if c not in ("År", "Preliminärt")}
    | {"Kommuner med värde": "st", "Kommuner i gruppen": "st"},
)
ui.export_buttons(chart, data, info)

facts = narrative.Facts(
    kommun=ctx.kommun_name,
    area=a.title,
    year=year,
    nka=nka,
    preliminary=preliminary,
    median=median,
    peers_with_value=peers_n,
    peers_total=len(ctx.peers.ids),
    placement=place,
    series={int(y): float(v) for y, v in own.items()},
    gap_to_median=gap,
)
st.markdown(" ".join(narrative.overview_sentences(facts)))
ui.method_break_note(span[0])
if preliminary:
    st.caption(
        f"{fmt.PRELIMINARY}: värden från {prel_from} är preliminära (hämtade före Koladas "
        "slutliga publicering) och kan revideras."
    )

if group is not None:
    with st.expander(f"Om jämförelsegruppen: {escape_markdown(group.title)}"):
        current = held[-1] if held else None
        members = ctx.peers.members
        latest = {m: analytics.value_at(vals, a.nka_pct, m, year) for m, _ in members}
        st.dataframe(
            {
                "Kommun": [n for _, n in members],
                f"NKA {year} (%)": [fmt.percent(latest[m]) for m, _ in members],
            },
            hide_index=True,
        )
        seen = (
            f"Medlemmarna hämtades första gången {current.first_seen[:10]} och senast "
            f"{current.last_seen[:10]}."
            if current and current.first_seen and current.last_seen
            else ""
        )
        st.markdown(
            f"Utgåva {group.edition_year or '–'} ({escape_markdown(group.id)}). {seen} "
            f"{editions.HOW_RKA_FORMS_GROUPS}"
        )
        if len(held) > 1:
            change = editions.changes(held[-2], held[-1])
            added, removed = (
                ", ".join(escape_markdown(n) for _, n in pairs) or "inga"
                for pairs in (change.added, change.removed)
            )
            st.markdown(
                f"Mot föregående utgåva som appen har sparat ({held[-2].year or '–'}): "
                f"tillkomna {added}; borttagna {removed}."
            )
        st.caption(f"NKA: {ui.RAW} ({a.nka_pct}). Gruppens medlemmar: Kolada.")

with st.expander("Varför ändrades NKA? Nettokostnaden och referenskostnaden"):
    why_years = [  # years with both NKA and net cost (the area may have no net cost KPI)
        int(y) for y in own.index if a.net_cost and analytics.value_at(vals, a.net_cost, kommun, y)
    ]
    if len(why_years) < 2:
        st.info(
            f"Det behövs två år med både NKA och nettokostnad för {ctx.kommun_md} åren "
            f"{span[0]}–{span[1]}."
        )
    else:
        after_break = [y for y in why_years if y >= analytics.METHOD_BREAK_YEAR]
        left_year, right_year = st.columns(2)
        # default: from the first year of the new model (2019) when the range holds two
        first = after_break[0] if len(after_break) > 1 else why_years[0]
        from_year = left_year.selectbox(
            "Från år", why_years[:-1], index=why_years.index(first), key="why_from"
        )
        later = [y for y in why_years if y > from_year]
        to_year = right_year.selectbox("Till år", later, index=len(later) - 1, key="why_to")
        figures = [
            nka_change.YearFigures(
                int(y),
                analytics.value_at(vals, a.nka_pct, kommun, int(y)),
                analytics.value_at(vals, a.net_cost, kommun, int(y)),
                analytics.value_at(vals, a.reference_cost, kommun, int(y)),
            )
            for y in (from_year, to_year)
        ]
        change = nka_change.nka_change(*figures)
        st.markdown(escape_markdown(nka_change.change_sentence(change)))
        st.dataframe(
            {
                "År": [str(from_year), str(to_year), "Bidrag till förändringen"],
                "NKA": [
                    fmt.percent(change.nka_from),
                    fmt.percent(change.nka_to),
                    fmt.points(change.points),
                ],
                "Nettokostnad (kr/inv)": [
                    fmt.number(change.net_from, 0),
                    fmt.number(change.net_to, 0),
                    fmt.points(change.net_part),
                ],
                "Referenskostnad (kr/inv)" + (" härledd" if change.reference_derived else ""): [
                    fmt.number(change.reference_from, 0),
                    fmt.number(change.reference_to, 0),
                    fmt.points(change.reference_part),
                ],
            },
            hide_index=True,
        )
        st.caption(
            "NKA = nettokostnad / referenskostnad − 1. Ändringen delas symmetriskt i en del från "
            "nettokostnaden per invånare och en del från referenskostnaden; delarna summerar "
            "till ändringen. "
            + (
                f"Referenskostnaden är härledd: nettokostnad ({a.net_cost}) / (1 + NKA/100). "
                if change.reference_derived
                else f"Referenskostnad: {ui.RAW} ({a.reference_cost}). "
            )
            + f"NKA och nettokostnad: {ui.RAW} ({a.nka_pct}, {a.net_cost}). {ui.COMPUTED}."
        )

with st.expander("Tabell: värdena bakom diagrammet"):
    shown = table.drop(columns="Preliminärt").apply(lambda col: col.map(fmt.number)).astype(str)
    shown[ctx.kommun_name] = [
        f"{v} {fmt.PRELIMINARY}" if analytics.is_preliminary(y, prel_from) else v
        for y, v in shown[ctx.kommun_name].items()
    ]
    for column in ("Kommuner med värde", "Kommuner i gruppen"):
        shown[column] = ["–" if n != n else str(int(n)) for n in table[column]]
    st.dataframe(shown)
    st.caption(f"{ctx.kommun_md}: {ui.RAW}. Övriga kolumner: {ui.COMPUTED}.")

with st.expander("Text till tjänsteskrivelse", expanded=False):
    report = narrative.report_paragraph(
        overview.report_facts(
            o, ctx.kommun_name, a.title, ctx.peers.label, span, len(ctx.peers.ids)
        )
    )
    # with the largest material cost-driver difference
    text = overview.with_driver(report.text(), ui.driver_sentence(view, span))
    st.code(text + f"\n\n{ui.RAW}; {ui.COMPUTED}.", language=None, wrap_lines=True)
    st.caption(
        "Kopiera med knappen uppe till höger. Texten innehåller bara påståenden som "
        "stöds av datan ovan."
    )
