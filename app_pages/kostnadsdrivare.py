"""Kostnadsdrivare: where and why the kommun's cost differs from its peers — volumes, unit
costs and purchased shares per part of the area (IFO's three parts, LSS, äldreomsorg), the
volume × unit-cost split where Kolada's figures multiply back to the cost, and each driver over
time."""

from functools import partial

import pandas as pd
import streamlit as st

from benchmark import analytics, charts, driver_figures, figures, fmt, matrix, narrative
from benchmark.attribution import COMPUTED, RAW
from benchmark.escaping import escape_markdown
from kolada.catalogue import POPULATION
from kolada.drivers import trees_for
from ui import data, exports, lazy, notes, sidebar

MEDIAN_NOTE = "Median, kvartiler och ovägt medel över jämförelsekommunerna med värde."
ctx = sidebar.current()
a, view, kommun, span = ctx.area, ctx.view, ctx.view.kommun, ctx.span
st.title(f"Kostnadsdrivare – {a.title} – {ctx.kommun_md}")
trees = trees_for(a.code)
if not trees:
    st.info(
        "Kostnadsdrivare finns för individ- och familjeomsorg, LSS och äldreomsorg. Välj ett av "
        "dem som verksamhetsområde i sidomenyn."
    )
    st.stop()
st.caption(
    "Varför skiljer sig kostnaden från jämförelsegruppens? Här visas vad som driver kostnaden "
    "per invånare: hur många som får insatser (volym), vad en insats kostar (styckkostnad) och "
    "hur mycket som köps från andra. Volymerna är inte behovsjusterade: kommunernas struktur "
    "(ålder, socioekonomi, geografi) skiljer sig, och ett lågt värde är inte i sig bättre. "
    f"{RAW} (kommunens värden). Medianer, kvartiler, vägda genomsnitt, platser i rangordningen "
    f"och uppdelningar: {COMPUTED}."
)


def _mini(lines: pd.DataFrame, stats: pd.DataFrame, name: str, y_title: str):
    """A small multiple: no legends (explained once above the grid); the export has them."""
    return charts.trend_chart(
        lines, stats, name, y_title, method_break=False, height=200, legends=False
    )


for t in data.cached(figures.tree_views)(view, span):
    tree, peers, shown, prel = t.tree, t.peers, t.figures, t.first_preliminary
    st.header(tree.title, divider="gray")
    year = t.figures.year
    label = t.peer_years.label_for(year) if year is not None else peers.label
    members = t.peer_years.named_members_at(year)
    st.caption(f"Jämförelsegrupp: {escape_markdown(label)}")
    if peers.note:
        st.info(escape_markdown(peers.note))
    kpis = [d.kpi for d in tree.drivers]
    notes.edition_note(t.peer_years)
    year, figs = shown.year, shown.figures
    if year is None:
        st.info(escape_markdown(t.without_year(ctx.kommun_name, span)))
        continue
    own = {o.driver.kpi: o.own for o in shown.over_time}

    table = pd.DataFrame(
        {
            "Nyckeltal": [f.driver.title for f in figs],
            # st.table renders headers and cells as Markdown: Kolada's name as literal text
            escape_markdown(ctx.kommun_name): [
                driver_figures.shown_value(f, prel[f.driver.kpi]) for f in figs
            ],
            "Förändring i kommunen": [
                driver_figures.change_text(own[f.driver.kpi], year, f.driver.unit, f.driver.kpi)
                for f in figs
            ],
            "Median": [driver_figures.median_text(f) for f in figs],
            "Gruppens genomsnitt, vägt": [driver_figures.pooled_text(f) for f in figs],
            "Mittersta hälften": [
                f"{driver_figures.value_text(f.q1, f.driver.unit)}–"
                f"{driver_figures.value_text(f.q3, f.driver.unit)}"
                if f.covered
                else "–"
                for f in figs
            ],
            "Plats": [f.placement.text if f.placement is not None else "–" for f in figs],
            "Med värde": [f"{f.n} av {f.total}" for f in figs],
            "Vad det mäter": [f.driver.means for f in figs],
        }
    )
    st.subheader(f"Kommunen mot jämförelsegruppen {year}")
    st.table(table, hide_index=True)  # static: every column shown, text wraps
    st.caption(
        "Plats: 1 = lägst värde bland kommunen och jämförelsekommunerna med värde; ett lågt "
        "värde är inte i sig bättre. Gruppens genomsnitt, vägt: jämförelsekommunernas samlade "
        "kostnad delad med deras samlade invånare"
        + (
            " (invånare 65+ härledda ur hemtjänsttagare 65+ och deras andel)"
            if any(f.pooled is not None and f.driver.unit == "kr/inv 65+" for f in figs)
            else ""
        )
        + f". {driver_figures.RULE_TEXT} Förändring i kommunen: från det första "
        f"året med värde i "
        f"den valda perioden till {year}, i procent (andelar i procentenheter; kronor i löpande "
        f"priser, inte justerade för pris- och löneökningar). {RAW} (kommunens värden: "
        f"{', '.join(kpis)}). Förändring, median, kvartiler, vägt genomsnitt och "
        f"plats: {COMPUTED}; de visas bara "
        f"när minst {analytics.MIN_PEERS} och minst hälften av jämförelsekommunerna har värde."
    )
    if t.largest is not None:
        part_text = narrative.area_in_sentence(tree.title)
        st.markdown(escape_markdown(driver_figures.difference_sentence(t.largest, part_text)))

    for fig in shown.identities:
        identity = fig.identity
        st.subheader(f"{identity.name}: volym × styckkostnad {year}")
        if fig.split is None:
            st.info(f"Ingen uppdelning för {identity.name.lower()} {year}: {fig.why_not}.")
            continue
        s = fig.split
        what = narrative.area_in_sentence(identity.name)
        st.markdown(escape_markdown(fig.sentence(what)))
        mnkr = fig.basis_population is not None
        split_parts = fig.parts()
        chart = exports.show_chart(
            charts.split_chart, split_parts, "Miljoner kronor" if mnkr else "Kronor per invånare",
            alt_text=f"Stapeldiagram: skillnaden i kostnad för {what} {year} mot "
            "jämförelsegruppen, uppdelad i volym och kostnad per enhet. Samma belopp står i "
            "texten och tabellen under.",
        )  # fmt: skip
        basis = identity.basis
        detail = pd.DataFrame(
            {
                "Uppgift": [
                    f"Kostnad, kr per {basis}",
                    "Volym",
                    "Styckkostnad, kr (härledd: kostnad ÷ volym)",
                    f"Volymdel, kr per {basis}",
                    f"Styckkostnadsdel, kr per {basis}",
                ],
                escape_markdown(ctx.kommun_name): [
                    fmt.number(s.own_cost, 0),
                    fmt.number(s.own_volume, 2),
                    fmt.number(s.own_unit_cost, 0),
                    fmt.number(s.volume_part, 0, sign=True),
                    fmt.number(s.unit_cost_part, 0, sign=True),
                ],
                "Gruppens genomsnitt, vägt": [
                    fmt.number(s.reference_cost, 0),
                    fmt.number(s.reference_volume, 2),
                    fmt.number(s.reference_unit_cost, 0),
                    "",
                    "",
                ],
            }
        )
        st.caption(
            f"{driver_figures.SPLIT_TEXT} ({fig.n} av {fig.total} jämförelsekommuner har "
            "kostnad, volym och invånare)."
            + (
                f" Beloppen i kronor: kr per {basis} × {fmt.integer(fig.basis_population)} {basis}."
                if mnkr
                else ""
            )
            + f" {COMPUTED}."
        )
        with lazy.expander(
            f"Tabell: {identity.name}, volym × styckkostnad", f"drivare_split_{identity.cost}"
        ) as is_open:
            if is_open:
                st.table(detail, hide_index=True)
        exports.export_buttons(
            chart,
            split_parts.rename(columns={"del": "Del", "value": "Belopp", "text": "Text"}),
            exports.export_info(
                ctx,
                f"drivare-{tree.code}-{identity.cost}",
                f"{identity.name}: volym × styckkostnad, {ctx.kommun_name} {year}",
                list(identity.kpis) + ([POPULATION] if basis == "invånare" else []),
                [
                    "Referens = jämförelsegruppens vägda genomsnitt: Σ kostnad / Σ invånare = "
                    "volym × styckkostnad för hela gruppen.",
                    "Volymdel = (v − V) × (s + S)/2; styckkostnadsdel = (s − S) × "
                    "(v + V)/2; summan = skillnaden i kostnad. Styckkostnaden är härledd: "
                    "kostnad ÷ volym.",
                ],
                years=(year, year),
                shows=f"{tree.title}: {identity.name}",
                group_label=label,
                group=label,
                members=members,
                units={"Belopp": "mnkr" if mnkr else "kr"},
            ),
        )

    st.subheader("Över tid")
    st.caption(
        f"Blå linje med punkter: {ctx.kommun_md}"
        + (" (▲ = preliminärt)" if shown.preliminary else "")
        + ". Grå linje: "
        "jämförelsegruppens median; streckad: ovägt medel. Mörkt band: mittersta hälften av "
        "jämförelsekommunerna; ljust band: lägst–högst. Inget gruppvärde för år då för få "
        "jämförelsekommuner har värde."
    )
    changes = {
        note: [
            o.driver.kpi
            for o in shown.over_time
            if driver_figures.definition_note(o.driver, span) == note
        ]
        for note in {driver_figures.definition_note(o.driver, span) for o in shown.over_time}
        - {None}
    }
    for note, ids in changes.items():
        st.caption(f"⚠ {note} Gäller {', '.join(ids)}.")
    for i, over in enumerate(shown.over_time):
        d, stats = over.driver, over.stats
        if i % 2 == 0:  # a row per pair: on a phone the charts stack in the table's order
            grid = st.columns(2)
        with grid[i % 2]:
            changed = driver_figures.definition_note(d, span)
            mark = " (nytt räknesätt 2021)" if changed is not None else ""
            st.markdown(f"**{escape_markdown(d.title)}**{mark}")
            st.caption(escape_markdown(d.means))
            if over.flag is not None:
                st.warning(escape_markdown(over.flag))
            if over.empty:
                if over.flag is not None:
                    continue
                fetched = ctx.src.fetched_all([d.kpi])
                where = f"åren {span[0]}–{span[1]}"
                st.info(escape_markdown(figures.absent(fetched, d.kpi, where)))
                continue
            exports.show_chart(
                _mini, over.lines, stats, ctx.kommun_name, d.unit,
                alt_text=f"Linjediagram: {d.title} för {ctx.kommun_name} {span[0]}–{span[1]} "
                "jämfört med jämförelsegruppens median. Värdena står i tabellen ovan.",
            )  # fmt: skip
            # the export: full size, with legends
            full = partial(charts.trend_chart, over.lines, stats, ctx.kommun_name, d.unit, False)
            series_data = over.table(ctx.kommun_name)
            with lazy.expander("Tabell och nedladdning", f"drivare_tabell_{d.kpi}") as is_open:
                if is_open:
                    st.dataframe(
                        series_data.map(lambda v: fmt.number(v, 1) if isinstance(v, float) else v),
                        hide_index=True,
                    )
                    exports.export_buttons(
                        full,
                        series_data,
                        exports.export_info(
                            ctx,
                            f"drivare-{d.kpi}",
                            f"{d.title}: {ctx.kommun_name} och {ctx.peers.called}",
                            [d.kpi],
                            [MEDIAN_NOTE],
                            shows=f"{tree.title}: {d.title}"
                            + ("" if d.unit in d.title else f" ({d.unit})"),
                            group_label=label,
                            group=label,
                            members=members,
                            matrix=t.matrix(over),
                            matrix_unit=matrix.sheet_unit(d.unit),
                        ),
                    )
