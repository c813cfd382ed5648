"""Översikt: the kommun's NKA % over time against its peers, metric cards for the latest year,
and a short text that states only what the data supports."""

import streamlit as st

import ui
from benchmark import (
    analytics,
    charts,
    editions,
    figures,
    fmt,
    kronor_figures,
    narrative,
    nka_change,
)
from benchmark.attribution import COMPUTED, RAW
from benchmark.escaping import escape_markdown
from benchmark.numbers import money
from ui import data, exports, lazy, notes, sidebar

ctx = sidebar.current()
a, view = ctx.area, ctx.view
area_text = narrative.area_in_sentence(a.title)  # "LSS", "grundskola F-9"
f = data.cached(figures.overview_figures)(view)
span = f.span
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
notes.peer_note(ctx)
notes.edition_note(f.peer_years)
group, held = ctx.peers.group, f.peer_years.held
o = f.o
year, prel_from = o.year, o.prel_from
if year is None:
    st.info(escape_markdown(f.without_value))
    st.stop()
preliminary, nka, median, place = o.preliminary, o.nka, o.median, o.placement
ref, gap, peers_n, peers_total, too_few = o.ref, o.gap, o.peers_n, o.peers_total, o.too_few

prel_text = f" {fmt.PRELIMINARY}" if preliminary else ""
cards = st.container(horizontal=True)  # a row that wraps (two cards a row on a phone)
cols = [cards] * 4
cols[0].metric(
    f"NKA {year}{prel_text}",
    fmt.percent(nka),
    help=f"Nettokostnadsavvikelse. {RAW} ({a.nka_pct}). Positivt värde: högre kostnad än "
    "strukturen motiverar.",
    border=True,
)
cols[1].metric(
    f"NKA i mnkr {year}",
    fmt.mnkr(o.nka_mnkr),
    help=f"{RAW} ({a.nka_mnkr}): nettokostnad minus referenskostnad."
    if a.nka_mnkr
    else "Kolada publicerar ingen avvikelse i kronor för detta område.",
    border=True,
)
cols[2].metric(
    f"Plats {year}",
    place.text if place else "–",
    delta=None if place else too_few,  # the reason in small text, wrapped on a phone
    delta_color="off",
    delta_arrow="off",
    help="1 = lägst kostnadsnivå i förhållande till referenskostnaden (lägst NKA) bland "
    f"kommunen och jämförelsekommunerna med värde. {COMPUTED}.",
    border=True,
)
cols[3].metric(
    "Mot gruppens median",
    fmt.points(o.to_median, short=True) if o.covered else "–",
    help=f"Skillnad i procentenheter mot medianen av {peers_n} av {peers_total} "
    f"jämförelsekommuner med värde {year}. Visas bara när minst {analytics.MIN_PEERS} och "
    f"minst hälften av gruppen har värde. {COMPUTED}.",
    border=True,
)
if gap is not None:
    cols = [st.container(horizontal=True)] * 2  # long labels: one a row on a phone
    cols[0].metric(
        "Mot medianen, kr/invånare",
        fmt.kr(gap.kr_per_inhabitant, sign=True),
        help=f"(NKA − median)/100 × referenskostnad per invånare. {COMPUTED}.",
        border=True,
    )
    cols[1].metric(
        "Mot medianen, kronor",
        money(gap.mnkr, sign=True),
        help=f"(NKA − median)/100 × referenskostnad × invånare. {COMPUTED}.",
        border=True,
    )
    if ref.derived:
        ref_text = (
            f"Beloppen räknas på en referenskostnad som appen har räknat fram ur {ref.words}, "
            f"eftersom Kolada inte har publicerat referenskostnaden för {year}."
        )
    else:
        ref_text = f"Beloppen räknas på {ref.words} ({a.reference_cost})."
    if ref.kr_per_inhabitant is None:
        ref_text += " Invånarantal saknas för året, så beloppet per invånare kan inte räknas."
    st.caption(f"{ref_text} {COMPUTED}.")
    with st.popover("Så räknas det", type="tertiary"):
        titles = ctx.src.kpi_titles
        if ref.derived:
            named = [k for k in (a.net_cost, a.nka_pct, a.nka_mnkr) if k and k in ref.how]
            ref_line = f"Referenskostnad {year} = {ref.how}" + "".join(
                f"; {k}: {titles.get(k, k)}" for k in named
            )
        else:
            ref_line = f"Referenskostnad {year}: {a.reference_cost} från Kolada"
        st.markdown(
            "- Mot medianen, kronor = (NKA − median) / 100 × referenskostnad × invånare.\n"
            "- Mot medianen, kr/invånare = (NKA − median) / 100 × referenskostnad per "
            f"invånare.\n- {escape_markdown(ref_line)}.\n"
            f"- Median: jämförelsekommunernas mittersta NKA {year}. {COMPUTED}."
        )

shown_stats, lines = o.shown_stats, f.lines  # no band or median where too few peers report
peer_rows, peer_names = None, {}
if st.toggle("Visa varje jämförelsekommun", key="w_peer_lines"):
    peer_rows = f.peer_lines
    peer_names = {m: ctx.names.get(m, m) for m in set(peer_rows["municipality"])}


def trend_with_peers(lines, stats, name, peer_rows, peer_names):
    chart = charts.trend_chart(lines, stats, name, "Nettokostnadsavvikelse (%)")
    return chart if peer_rows is None else charts.with_peer_lines(chart, peer_rows, peer_names)


chart = exports.show_chart(
    trend_with_peers, lines, shown_stats, ctx.kommun_name, peer_rows, peer_names,
    alt_text=f"Linjediagram: {narrative.genitive(ctx.kommun_name)} nettokostnadsavvikelse för "
    f"{area_text} {span[0]}–{span[1]} jämfört med jämförelsegruppens median, ovägda medel och "
    "spridning. Samma värden står i tabellen under diagrammet.",
)  # fmt: skip
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
    + f". {RAW} (kommunens värden). Median, medel och fält: {COMPUTED}."
)
table = f.table
chart_data = table.reset_index()
info = exports.export_info(
    ctx,
    "nka",
    f"Nettokostnadsavvikelse {area_text}, {ctx.kommun_name} och {ctx.peers.called}",
    [a.nka_pct],
    ["Median, kvartiler och ovägt medel över jämförelsekommunerna med värde varje år."],
    units={c: "%" for c in chart_data.columns if c not in ("År", "Preliminärt")}
    | {"Kommuner med värde": "st", "Kommuner i gruppen": "st"},
    matrix=f.matrix,
)
exports.export_buttons(chart, chart_data, info)

st.markdown(" ".join(narrative.overview_sentences(f.sentence_facts)))
if f.earlier_edition is not None:
    st.caption(escape_markdown(f.earlier_edition))
notes.method_break_note(span[0])
if preliminary:
    st.caption(
        f"{fmt.PRELIMINARY}: värden från {prel_from} är preliminära (hämtade före Koladas "
        "slutliga publicering) och kan revideras."
    )


with lazy.expander("Tabell: värdena bakom diagrammet", "oversikt_tabell") as is_open:
    if is_open:
        shown = table.drop(columns="Preliminärt").apply(lambda col: col.map(fmt.number)).astype(str)
        shown[ctx.kommun_name] = [
            f"{v} {fmt.PRELIMINARY}" if analytics.is_preliminary(y, prel_from) else v
            for y, v in shown[ctx.kommun_name].items()
        ]
        for column in ("Kommuner med värde", "Kommuner i gruppen"):
            shown[column] = ["–" if n != n else str(int(n)) for n in table[column]]
        st.dataframe(shown)
        st.caption(f"{RAW} ({ctx.kommun_md}). Övriga kolumner: {COMPUTED}.")

if group is not None:
    with lazy.expander(
        f"Om jämförelsegruppen: {escape_markdown(group.title)}", "oversikt_grupp"
    ) as is_open:
        if is_open:
            current = held[-1] if held else None
            members = f.members
            latest = f.member_nka
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
            st.caption(f"NKA: {RAW} ({a.nka_pct}). Gruppens medlemmar: Kolada.")

st.subheader("Kronor per invånare")
kf = data.cached(kronor_figures.kronor_figures)(view)
if kf is None:
    st.info(
        f"Kolada publicerar ingen nettokostnad per invånare för {area_text}."
        if a.net_cost is None
        else escape_markdown(
            figures.absent(
                ctx.src.fetched_all([a.net_cost]),
                f"nettokostnad per invånare för {ctx.kommun_name} ({a.net_cost})",
                f"åren {span[0]}–{span[1]}",
            )
        )
    )
else:
    cards = st.container(horizontal=True)
    helps = [
        f"{RAW} ({a.net_cost}). Löpande priser.",
        "Jämförelsekommunernas mittersta nettokostnad per invånare; visas bara när minst "
        f"{analytics.MIN_PEERS} och minst hälften av gruppen har värde. {COMPUTED}.",
        f"Härledd: nettokostnad / (1 + NKA/100). {COMPUTED}."
        if kf.latest["Referenskostnad härledd"]
        else f"{RAW} ({a.reference_cost}).",
    ]
    for (label, value), help_text in zip(kf.cards(), helps, strict=True):
        cards.metric(label, value, help=help_text, border=True)
    st.markdown(escape_markdown(kf.sentence))
    left_t, right_t = st.columns(2)
    with_riket = left_t.toggle("Visa riket", key="w_kr_riket")
    with_lan = right_t.toggle("Visa länets median", key="w_kr_lan")
    kr_chart = exports.show_chart(
        charts.kronor_chart, kf.lines(with_riket, with_lan), ctx.kommun_name,
        alt_text=f"Linjediagram: {narrative.genitive(ctx.kommun_name)} nettokostnad och "
        f"referenskostnad per invånare för {area_text} {span[0]}–{span[1]} och "
        "jämförelsegruppens median för nettokostnaden, i kronor. Samma värden står i tabellen "
        "under diagrammet.",
    )  # fmt: skip
    st.caption(escape_markdown(f"Linjediagram: {kf.caption(with_riket, with_lan)}"))
    kr_info = exports.export_info(
        ctx,
        "kronor",
        f"Nettokostnad och referenskostnad per invånare, {area_text}, {ctx.kommun_name}",
        [a.net_cost, a.nka_pct, a.reference_cost],
        [
            "Referenskostnad per invånare = nettokostnad / (1 + NKA/100) där Kolada inte "
            "publicerar den.",
            "Medianer över jämförelsekommunerna med värde; länet: länets övriga kommuner.",
        ],
        units={c: "kr" for c in kf.table.columns if c.endswith("(kr/inv)")},
        matrix=kf.matrix,
        matrix_unit="kr",
    )
    exports.export_buttons(kr_chart, kf.table, kr_info)
    with lazy.expander("Tabell: kronor per invånare", "oversikt_kronor") as is_open:
        if is_open:
            st.dataframe(kf.shown(), hide_index=True)
            st.caption(
                f"Kronor per invånare, löpande priser. {ctx.kommun_md} och riket: {RAW}. "
                f"Medianer och härledd referenskostnad: {COMPUTED}."
            )

with lazy.expander(
    "Varför ändrades NKA? Nettokostnaden och referenskostnaden", "oversikt_varfor"
) as is_open:
    if is_open:
        why_years = f.why_years  # years with both NKA and net cost
        if len(why_years) < 2:
            st.info(
                f"Det behövs två år med både NKA och nettokostnad för {ctx.kommun_md} åren "
                f"{span[0]}–{span[1]}."
            )
        else:
            left_year, right_year = st.columns(2)
            first, _ = nka_change.default_pair(why_years)  # from 2019 when the years hold two
            from_year = left_year.selectbox(
                "Från år", why_years[:-1], index=why_years.index(first), key="why_from"
            )
            later = [y for y in why_years if y > from_year]
            to_year = right_year.selectbox("Till år", later, index=len(later) - 1, key="why_to")
            change = f.why(from_year, to_year)
            st.markdown(escape_markdown(nka_change.change_sentence(change)))
            st.table(nka_change.change_table(change), hide_index=True)  # wraps, and prints whole
            st.caption(
                f"{nka_change.METHOD_TEXT} Därav riket: rikets nettokostnad per invånare för "
                "området; därav struktur: kommunens referenskostnad delad med rikets (en kvot). "
                + (
                    f"Referenskostnaden är härledd: nettokostnad ({a.net_cost}) / (1 + NKA/100). "
                    if change.reference_derived
                    else f"Referenskostnad: {RAW} ({a.reference_cost}). "
                )
                + f"NKA och nettokostnad: {RAW} ({a.nka_pct}, {a.net_cost}; rikets "
                f"nettokostnad: {a.net_cost} för Riket). Kronor i löpande priser. {COMPUTED}."
            )

with lazy.expander("Text till tjänsteskrivelse", "oversikt_text") as is_open:
    if is_open:
        # with the largest material cost-driver difference
        trees = data.cached(figures.tree_views)(view, span)  # as Kostnadsdrivare: cached once
        text = f.report_text(figures.largest_sentence(trees, *f.paragraph_year_and_group))
        st.code(text + f"\n\n{RAW}; {COMPUTED}.", language=None, wrap_lines=True)
        st.caption(
            "Kopiera med knappen uppe till höger. Texten innehåller bara påståenden som "
            "stöds av datan ovan."
        )
