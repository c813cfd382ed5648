"""Budgetmål: a target level against the peers, what reaching it means in kronor, a glide path
to the target year, a what-if, and the report paragraph."""

from datetime import date

import pandas as pd
import streamlit as st

import ui
from benchmark import (
    analytics,
    budget,
    charts,
    figures,
    fmt,
    forecast_figures,
    glide,
    numbers,
    quality,
)
from benchmark.attribution import COMPUTED, RAW
from benchmark.escaping import escape_markdown
from kolada.catalogue import POPULATION
from kolada.errors import shorten
from ui import data, exports, lazy, notes, sidebar

ctx = sidebar.current()
a, kommun, span = ctx.area, ctx.view.kommun, ctx.span
st.title(f"Budgetmål – {a.title} – {ctx.kommun_md}")
st.caption(f"Jämförelsegrupp: {ctx.peers_md}")
notes.peer_note(ctx)

b = data.cached(figures.budget_base)(ctx.view)
choices = b.choices
if not choices:
    where = f"åren {span[0]}–{span[1]}"
    fetched = ctx.src.fetched_all([a.nka_pct])
    st.info(escape_markdown(figures.absent(fetched, f"{ctx.kommun_name} ({a.title})", where)))
    st.stop()
by_year = {c.year: c for c in choices}


def _keep_if_valid(key: str, options: list) -> None:
    """A choice that no longer exists (another kommun, another base year) starts over."""
    if st.session_state.get(key) not in options:
        st.session_state.pop(key, None)


view_key = (kommun, a.code, tuple(ctx.peers.ids), span)
if st.session_state.get("_budget_view") != view_key:  # a new view: its own default base year
    st.session_state["_budget_view"] = view_key
    st.session_state.pop("budget_base", None)

left, right = st.columns(2)
kind = left.radio("Mål", list(budget.TARGETS), format_func=budget.TARGETS.get, key="budget_kind")
custom = None
if kind == "custom":
    custom_text = left.text_input(
        "Egen nivå för nettokostnadsavvikelsen (%)",
        value="0,0",
        key="budget_custom",
        help="Skriv med decimalkomma, till exempel 2,5 eller −10,5.",
    )
    try:
        custom = numbers.parse_number(custom_text, numbers.PERCENT_UNITS)
    except numbers.NumberError as e:
        left.error(f"Egen nivå: {escape_markdown(e)}")
        st.stop()
base_options = list(by_year)
_keep_if_valid("budget_base", base_options)
base = right.selectbox(
    "Utgångsläge (senaste år med utfall)",
    base_options,
    index=base_options.index(b.default),
    format_func=lambda y: by_year[y].label,
    key="budget_base",
    help="Året som målet och beloppen räknas från. Förvalt är det senaste året med värde för "
    "kommunen där tillräckligt många jämförelsekommuner har värden (minst 3 och minst hälften).",
)
starts, start_default = budget.budget_years(date.today().year, base)
_keep_if_valid("budget_start", starts)
start = right.selectbox(
    "Första budgetår",
    starts,
    index=starts.index(start_default),
    key="budget_start",
    help="Vägen till målet börjar detta år (förvalt: nästa år).",
)
ends, end_default = budget.target_years(start)
_keep_if_valid("budget_year", ends)
target_year = right.selectbox("Målår", ends, index=ends.index(end_default), key="budget_year")

at = b.at(base)
choice, nka, ref, pop, pooled = at.choice, at.nka, at.ref, at.population, at.pooled
comparison = at.comparison(custom if kind == "custom" else None)
newer = b.newer_uncovered(base)
newest = b.newest(base)
if newest is not None:
    st.warning(escape_markdown(newest.text(ctx.kommun_name, base, [c.year for c in newer])))


def _comparison_table() -> None:
    st.subheader("Målen sida vid sida")
    shown = budget.comparison_rows(comparison, kind, chosen="**{}** (valt)")
    shown = shown[["Mål", "I kronor", "Nivå", "Läge"]].rename(columns={"Nivå": f"Nivå {base}"})
    st.table(shown, hide_index=True)  # a static table: its text wraps on a narrow screen
    st.caption(
        f"Skillnaden mellan nettokostnadsavvikelsen för {ctx.kommun_md} {base} och varje mål, "
        f"i kronor räknat på {base} års referenskostnad och invånarantal. Vägd nivå: hela "
        "gruppens nettokostnad mot hela gruppens referenskostnad, så att stora kommuner väger "
        f"tyngre, till skillnad från Koladas ovägda medel (Σ nettokostnad / Σ referenskostnad − 1 "
        f"över de {pooled.n} jämförelsekommuner som har båda; kronor = kr/invånare × invånare). "
        "Nettokostnadsavvikelsen mäts mot varje års nationella kostnadsnivå, så ett mål i "
        "procent är rörligt: samma procent kan motsvara ett annat belopp när riket ändras. "
        f"{COMPUTED}."
    )


def _in_parentheses(value: float) -> str:
    """A number inside a formula: "(−14,4)" when negative, so no "− −" appears."""
    text = fmt.number(value, 1)
    return f"({text})" if text.startswith(fmt.MINUS) else text


def _points_words(points: float) -> str:
    """A change of NKA in words: "1,9 p.e. lägre" / "2,0 p.e. högre" / "oförändrad"."""
    if round(points, 1) == 0:
        return "oförändrad"
    return f"{fmt.number(abs(points), 1)} p.e. {'lägre' if points < 0 else 'högre'}"


level = custom if kind == "custom" else at.levels.get(kind)
if isinstance(level, str):
    latest_ok = next((c.year for c in choices if c.covered), None)
    hint = f"Välj {latest_ok} som utgångsläge" if latest_ok else "Välj en annan jämförelsegrupp"
    st.warning(
        f"{budget.NAMES[kind].capitalize()} för {base} kan inte användas som mål: {level}. "
        f"{hint}, eller målet 0 % eller en egen nivå."
    )
    _comparison_table()
    st.stop()

position = budget.position_text(ctx.kommun_md, nka, level, kind)
facts = (
    f"**{position}.** Nettokostnadsavvikelsen {base} var {fmt.percent(nka)} och målnivån "
    f"{fmt.percent(level)}."
)
if ref is None:
    st.markdown(facts)
    st.warning(
        f"Kolada saknar referenskostnad för {base}, och den går inte att härleda (nettokostnad "
        "eller avvikelse i kronor saknas). Målet visas bara i procent."
    )
    st.metric(f"Mål för NKA ({target_year})", fmt.percent(level), border=True)
    _comparison_table()
    st.stop()

target = budget.make_target(nka, level, base, target_year, ref, start_year=start)
g = target.gap
words = budget.gap_words(g.mnkr)
per_words = budget.per_inhabitant_words(g.kr_per_inhabitant)
per_part = f" ({per_words})" if per_words and numbers.shown(g.mnkr) else ""
on_base = f"räknat på {base} års referenskostnad och invånarantal. {COMPUTED}."
if target.must_cut:
    headline = f"{facts} För att nå målet till {target_year}: **{words}**{per_part}, {on_base}"
else:
    headline = f"{facts} Ingen minskning behövs för att nå målet – **{words}**{per_part}, {on_base}"
st.markdown(headline)
if newest is not None:
    st.markdown(escape_markdown(newest.target_text(ctx.kommun_name, kind, level, base)))

cols = st.columns(4)
cols[0].metric(
    f"NKA {base} (utgångsläge)", fmt.percent(nka), help=f"{RAW} ({a.nka_pct}).", border=True
)
cols[1].metric(
    "Målnivå",
    fmt.percent(level),
    help=f"{budget.TARGETS[kind]}, {base}. {COMPUTED}.",
    border=True,
)
if target.must_cut:
    amount_label, per_label = "Minska nettokostnaden med", "Minska per invånare med"
elif numbers.shown(g.mnkr) < 0:
    amount_label, per_label = "Nettokostnaden under målet med", "Under målet per invånare"
else:
    amount_label, per_label = "Skillnad mot målet", "Skillnad per invånare"
amount_help = f"Räknat på {base} års referenskostnad och invånarantal. {COMPUTED}."
cols[2].metric(amount_label, numbers.money(abs(g.mnkr)), help=amount_help, border=True)
cols[3].metric(
    per_label,
    "saknas" if g.kr_per_inhabitant is None else fmt.kr(abs(g.kr_per_inhabitant)),
    help=amount_help,
    border=True,
)
with st.popover("Så räknas det", type="tertiary"):  # the formula behind the plain words
    st.markdown(
        "Skillnad i kronor = (NKA − målnivå) / 100 × referenskostnad (kr/invånare) × invånare = "
        f"({fmt.number(nka, 1)} − {_in_parentheses(level)}) / 100 × "
        + (
            f"{fmt.number(ref.kr_per_inhabitant, 0)} kr × {fmt.integer(pop)} invånare"
            if ref.kr_per_inhabitant is not None and pop
            else f"{fmt.mnkr(ref.total_mnkr)} (referenskostnad × invånare)"
        )
        + f" ≈ {numbers.money(g.mnkr)} → {words}. (Beloppet räknas med Koladas värden utan "
        "avrundning; de avrundade talen ovan ger därför inte exakt samma belopp.)"
    )

quality_now = data.cached(figures.quality_figures)(ctx.view)
if quality_now.positions and not quality_now.fetched:
    st.caption(escape_markdown(quality_now.not_fetched))
elif quality_now.positions:  # beside the target: what the money buys, by the latest values
    lead = f"Inför en sänkning till {budget.NAMES[kind]}" if target.must_cut else ""
    with st.container(border=True):
        st.markdown("**Kvalitet enligt de senaste värdena, mot samma jämförelsegrupp**")
        for line in quality.standing_today(quality_now.positions, ctx.kommun_name, lead):
            st.markdown(escape_markdown(line))
        st.caption(
            "Ett mål för kostnaden säger inget om vad som händer med kvaliteten. Varje mått gäller "
            "det senaste året då kommunen har ett värde; medianen visas bara när minst "
            f"{analytics.MIN_PEERS} och minst hälften av gruppen har värde. {RAW} "
            f"({', '.join(p.q.kpi for p in quality_now.positions)}). Median och läge: {COMPUTED}."
        )
        st.page_link(
            ui.PAGES["kvalitet"],
            label="Kostnad och kvalitet",
            icon=":material/scatter_plot:",
            query_params=ctx.view.to_params(),
        )

_comparison_table()

st.subheader("Indata")
ref_source = (
    f"räknad ur {ref.words}: {ref.how} ({COMPUTED})"
    if ref.derived
    else f"{RAW} ({a.reference_cost})"
)
inputs = pd.DataFrame(
    [
        (f"Nettokostnadsavvikelse {base}", fmt.percent(nka), f"{RAW} ({a.nka_pct})"),
        ("Målnivå", fmt.percent(level), f"{budget.TARGETS[kind]}; {COMPUTED}"),
        (f"Referenskostnad {base}, kr/invånare", fmt.number(ref.kr_per_inhabitant, 0), ref_source),
        (f"Invånare {base}", fmt.integer(pop), f"{RAW} ({POPULATION})"),
        (
            "Referenskostnad × invånare",
            fmt.mnkr(ref.total_mnkr),
            f"{ref_source}" if pop is None else COMPUTED,
        ),
        (
            f"Jämförelsekommuner med värde {base}",
            f"{choice.n} av {choice.total}",
            f"{RAW} ({a.nka_pct})",
        ),
        ("Första budgetår", str(start), "valt"),
        ("Målår", str(target_year), "valt"),
    ],
    columns=["Indata", "Värde", "Källa"],
)
st.table(inputs, hide_index=True)
st.caption(
    "Referenskostnaden och invånarantalet för kommande år är inte kända; beloppen räknas på "
    f"{base} års nivå."
)

# the what-if: a direction (minska/öka) and an amount without sign, so no "minska med −12,9".
# It starts at the gap when the cost must come down, and starts over when the target changes.
DIRECTIONS = {"minska": "Minska", "oka": "Öka"}
reaching = glide.amount_reaching(nka, ref, level, g.mnkr)  # lands on the target's rounded %
cut_key = (kommun, a.code, kind, round(level, 9), base)
if st.session_state.get("_budget_cut_for") != cut_key or "budget_cut" not in st.session_state:
    st.session_state["_budget_cut_for"] = cut_key
    st.session_state["budget_cut"] = reaching if target.must_cut else "0"
    st.session_state["budget_direction"] = "minska"
peer_values = at.peer_values
try:
    amount_text = st.session_state["budget_cut"]
    cut = numbers.parse_number(amount_text, numbers.MNKR_UNITS)
    if cut < 0:
        raise numbers.NumberError(
            f"”{shorten(amount_text, 40)}”: skriv beloppet utan minustecken och välj "
            "Minska eller Öka."
        )
    if st.session_state.get("budget_direction") == "oka":
        cut = -cut
    cut_error = None
except numbers.NumberError as e:
    cut, cut_error = None, str(e)
what_if = None
if cut is not None:
    new_nka = glide.nka_after_cut(nka, ref, cut)
    place, n_ranked = glide.rank_among(new_nka, peer_values)
    what_if = glide.WhatIf(cut, new_nka, place, n_ranked)

st.subheader(f"Väg till målet {target_year}")
path = glide.glide_path(target)
if target.must_cut:
    chart = exports.show_chart(
        charts.glide_chart, path, level,
        alt_text=f"Linjediagram: vägen från nettokostnadsavvikelsen i utgångsläget {base} till "
        f"målnivån {fmt.percent(level)}. Beloppen per år står i tabellen under.",
    )  # fmt: skip
    gap_years = f"Året {base + 1}" if start - base == 2 else f"Åren {base + 1}–{start - 1}"
    between = (
        f" {gap_years} ingår inte i vägen: beloppen räknas från utgångsläget."
        if start - base > 1
        else ""
    )
    st.caption(
        f"Diagram: nettokostnadsavvikelsen från utgångsläget {base} ({fmt.percent(nka)}) i lika "
        f"stora steg per budgetår {start}–{target_year} till {fmt.percent(level)} (linje), och "
        "hur mycket lägre nettokostnaden är sammanlagt varje budgetår (staplar)."
        f"{between} Stegen är avrundade så att de summerar till beloppet ovan. {COMPUTED}."
    )
    # four short columns: the table fits a phone (400 px) without a cut-off column
    table = glide.glide_rows(path)
    st.table(table, hide_index=True)
else:
    st.info(
        f"{position}: ingen minskning behövs för att nå målet till {target_year}. "
        f"{words[0].upper()}{words[1:]}."
    )
    chart = exports.show_chart(
        charts.glide_chart, path.iloc[:1], level,
        alt_text=f"Diagram: nettokostnadsavvikelsen i utgångsläget {base} ({fmt.percent(nka)}) "
        f"och målnivån {fmt.percent(level)}.",
    )  # fmt: skip
    st.caption(
        f"Diagram: nettokostnadsavvikelsen i utgångsläget {base} ({fmt.percent(nka)}) och "
        f"målnivån {fmt.percent(level)} (streckad linje). {COMPUTED}."
    )
exports.export_buttons(
    chart,
    glide.export_table(
        target,
        kind,
        [
            ("Nettokostnadsavvikelse", base, nka, "%", f"{RAW} ({a.nka_pct})"),
            ("Referenskostnad per invånare", base, ref.kr_per_inhabitant, "kr/inv", ref_source),
            ("Invånare", base, pop, "st", f"{RAW} ({POPULATION})"),
            ("Referenskostnad × invånare", base, ref.total_mnkr, "mnkr", COMPUTED),
            ("Jämförelsekommuner med värde", base, choice.n, "st", f"av {choice.total}"),
            ("Vägt: Σ nettokostnad", base, pooled.net_mnkr, "mnkr", COMPUTED),
            ("Vägt: Σ referenskostnad", base, pooled.reference_mnkr, "mnkr", COMPUTED),
            ("Vägt: jämförelsekommuner med båda", base, pooled.n, "st", f"av {pooled.total}"),
        ],
        comparison,
        what_if,
        COMPUTED,
    ),
    exports.export_info(
        ctx,
        f"budgetmal-{target_year}",
        f"Budgetmål: {budget.NAMES[kind]} till {target_year} (utgångsläge {base})",
        [a.nka_pct, a.reference_cost, a.net_cost, POPULATION],
        [
            "Skillnad i kronor = (NKA − målnivå) / 100 × referenskostnad × invånare "
            "(positivt: nettokostnaden behöver minska)",
            f"Referenskostnad: {ref.how}",
            "Vägt = Σ nettokostnad / Σ referenskostnad − 1 över jämförelsekommunerna "
            "(kronor = kr/invånare × invånare)",
            f"Lika stora steg per budgetår {start}–{target_year} från utgångsläget {base}, "
            "avrundade så att de summerar till det visade beloppet; referenskostnad och "
            "invånare på utgångslägets nivå.",
            "NKA mäts mot varje års nationella kostnadsnivå: ett mål i procent är rörligt.",
        ],
        years=(base, target_year),  # what the export shows: the base year and the path
    ),
)

st.subheader("Tänk om")


def _use_amount(direction: str, text: str) -> None:
    st.session_state["budget_direction"] = direction
    st.session_state["budget_cut"] = text


what_left, what_right = st.columns([1, 2])
what_left.radio(
    "Nettokostnaden",
    list(DIRECTIONS),
    format_func=DIRECTIONS.get,
    horizontal=True,
    key="budget_direction",
)
what_right.text_input(
    "Belopp (mnkr eller tkr)",
    key="budget_cut",
    help="Skriv med decimalkomma och utan minustecken, till exempel 2,5 (mnkr) eller 700 tkr.",
)
if numbers.shown(g.mnkr) != 0:
    st.button(
        ("Sätt till beloppet som når målet" if target.must_cut else "Sätt till målets nivå")
        + f" ({budget.change_words(g.mnkr)})",
        on_click=_use_amount,
        args=("minska" if g.mnkr > 0 else "oka", reaching),
    )
if cut_error is not None:
    st.error(f"Beloppet: {escape_markdown(cut_error)}")
else:
    now_place, _ = glide.rank_among(nka, peer_values)
    st.markdown(
        f"**{budget.change_words(cut).capitalize()}** → nettokostnadsavvikelsen "
        f"{fmt.percent(what_if.nka)} och plats {what_if.place} av {what_if.n} "
        f"(i dag {fmt.percent(nka)}, {now_place} av {what_if.n})."
    )
    cols = st.columns(2)
    cols[0].metric(
        "NKA efter förändringen",
        fmt.percent(what_if.nka),
        delta=_points_words(what_if.nka - nka),
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    cols[1].metric(
        "Plats efter förändringen",
        f"{what_if.place} av {what_if.n}",
        delta=f"i dag {now_place} av {what_if.n}",
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
st.caption(
    f"Med {base} års referenskostnad ({fmt.mnkr(ref.total_mnkr)}) och jämförelsekommunernas "
    f"värden för {base}. {COMPUTED}."
)

st.subheader(f"Prognos {start}")
fc = data.cached(forecast_figures.forecast_start)(ctx.view)
if fc.why_not(start) is not None:
    st.info(escape_markdown(fc.why_not(start)))
else:
    fc_key = (kommun, a.code, fc.base.year, start)
    if st.session_state.get("_forecast_for") != fc_key:  # a new view: start from its figures
        st.session_state["_forecast_for"] = fc_key
        st.session_state["forecast_budget"] = numbers.money_input(fc.net_mnkr, 1)
        st.session_state["forecast_growth"] = numbers.input_text(fc.default_growth_pct, 1)
        st.session_state["forecast_population"] = fmt.integer(fc.population)
    budget_col, growth_col, population_col = st.columns(3)
    budget_col.text_input(f"Budgeterad nettokostnad {start} (mnkr)", key="forecast_budget")
    growth_col.text_input(
        "Rikets kostnadsökning per år (%)",
        key="forecast_growth",
        help=f"Förvalt: rikets genomsnittliga ökning de tre åren fram till {fc.base.year}. "
        "Skriv till exempel SKR:s antagande från budgetcirkuläret.",
    )
    population_col.text_input(
        f"Invånare {start}",
        key="forecast_population",
        help=f"Förvalt: antalet {fc.base.year}. Skriv kommunens befolkningsprognos om den finns.",
    )
    try:
        prognosis = fc.prognosis(
            start,
            forecast_figures.read_budget(st.session_state["forecast_budget"]),
            forecast_figures.read_growth(st.session_state["forecast_growth"]),
            forecast_figures.read_population(st.session_state["forecast_population"]),
            target_name=forecast_figures.target_words(kind, base),
            target_level=level,
        )
    except numbers.NumberError as e:
        st.error(escape_markdown(str(e)))
        prognosis = None
    if prognosis is not None:
        for col, (label, value) in zip(st.columns(3), prognosis.metrics(), strict=True):
            col.metric(label, value, border=True)
        st.markdown(escape_markdown(prognosis.sentence()))
        st.caption(escape_markdown(prognosis.caption()))

with lazy.expander("Text till tjänsteskrivelse", "budget_text") as is_open:
    if is_open:
        report = b.report_text(
            at, ctx.kommun_name, ctx.peers.label, span, ctx.src.first_preliminary
        )
        target_text = " " + budget.target_sentence(ctx.kommun_name, kind, level, target)
        if newest is not None:  # the same year and group, then the newest value said apart
            target_text += (
                f" {newest.text(ctx.kommun_name, base)} "
                f"{newest.target_text(ctx.kommun_name, kind, level, base)}"
            )
        st.code(
            report.replace("\n\n", target_text + "\n\n", 1) + f"\n\n{RAW}; {COMPUTED}.",
            language=None,
            wrap_lines=True,
        )
