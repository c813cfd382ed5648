"""Budgetmål: a target level against the peers, what reaching it means in kronor, a glide path
to the target year, a what-if, and the report paragraph."""

from datetime import date

import pandas as pd
import streamlit as st

import ui
from benchmark import analytics, budget, charts, fmt, narrative
from benchmark.escaping import escape_markdown
from kolada.catalogue import POPULATION

ctx = ui.current("budget")
a, kommun, span = ctx.area, ctx.view.kommun, ctx.span
st.title(f"Budgetmål – {a.title} – {ctx.kommun_md}")
st.caption(f"Jämförelsegrupp: {ctx.peers_md}")
ui.peer_note(ctx)

vals = ui.values([*a.kpis, POPULATION], [kommun, *ctx.peers.ids])
base = analytics.latest_year(vals, a.nka_pct, kommun, span)
if base is None:
    st.info(f"Kolada har inga värden för {ctx.kommun_md} ({a.title}) åren {span[0]}–{span[1]}.")
    st.stop()
nka = analytics.value_at(vals, a.nka_pct, kommun, base)
stats = analytics.peer_stats(vals, a.nka_pct, ctx.peers.ids, (base, base))
row = stats.iloc[0] if not stats.empty else None
ref = analytics.reference_cost(vals, a, kommun, base)
pop = analytics.population(vals, kommun, base)

left, right = st.columns(2)
kind = left.radio("Mål", list(budget.TARGETS), format_func=budget.TARGETS.get, key="budget_kind")
custom = None
if kind == "custom":
    custom = left.number_input(
        "Egen nivå för nettokostnadsavvikelsen (%)", value=0.0, step=1.0, key="budget_custom"
    )
first_target = max(base + 1, date.today().year)
target_year = right.selectbox(
    "Målår", list(range(first_target, first_target + 6)), index=1, key="budget_year"
)
try:
    level = budget.target_level(kind, row, custom)
except ValueError as e:
    st.warning(f"Målet kan inte räknas ut: {escape_markdown(e)}. Välj ett annat mål.")
    st.stop()
if ref is None:
    st.warning(
        f"Kolada saknar referenskostnad för {base}, och den går inte att härleda (nettokostnad "
        "eller avvikelse i kronor saknas). Målet visas bara i procent."
    )
    st.metric(f"Mål för NKA ({target_year})", fmt.percent(level), border=True)
    st.stop()

target = budget.make_target(nka, level, base, target_year, ref)
g = target.gap
direction = "minska" if g.points > 0 else "öka"
cols = st.columns(4)
cols[0].metric(f"NKA {base}", fmt.percent(nka), help=f"{ui.RAW} ({a.nka_pct}).", border=True)
cols[1].metric(
    "Målnivå",
    fmt.percent(level),
    help=f"{budget.TARGETS[kind]}, {base}. {ui.COMPUTED}.",
    border=True,
)
cols[2].metric(
    "Skillnad, mnkr",
    fmt.mnkr(g.mnkr, sign=True),
    help=f"Positivt: nettokostnaden behöver {direction}. {ui.COMPUTED}.",
    border=True,
)
cols[3].metric(
    "Skillnad, kr/invånare",
    fmt.kr(g.kr_per_inhabitant, sign=True),
    help=f"{ui.COMPUTED}.",
    border=True,
)
st.markdown(
    f"För att nå målet behöver nettokostnaden **{direction} med omkring "
    f"{fmt.mnkr(abs(g.mnkr))}** till {target_year}, räknat på {base} års referenskostnad och "
    f"invånarantal. {ui.COMPUTED}."
)

st.subheader("Formel och indata")
st.markdown("Skillnad i kronor = (NKA − målnivå) / 100 × referenskostnad (kr/invånare) × invånare")
ref_source = (
    f"härledd: {ref.how} ({ui.COMPUTED})" if ref.derived else f"{ui.RAW} ({a.reference_cost})"
)
inputs = pd.DataFrame(
    [
        (f"Nettokostnadsavvikelse {base}", fmt.percent(nka), f"{ui.RAW} ({a.nka_pct})"),
        ("Målnivå", fmt.percent(level), f"{budget.TARGETS[kind]}; {ui.COMPUTED}"),
        (f"Referenskostnad {base}, kr/invånare", fmt.number(ref.kr_per_inhabitant, 0), ref_source),
        (f"Invånare {base}", fmt.integer(pop), f"{ui.RAW} ({POPULATION})"),
        (
            "Referenskostnad × invånare",
            fmt.mnkr(ref.total_mnkr),
            f"{ref_source}" if pop is None else ui.COMPUTED,
        ),
    ],
    columns=["Indata", "Värde", "Källa"],
)
st.dataframe(inputs, hide_index=True)
st.caption(
    "Referenskostnaden och invånarantalet för kommande år är inte kända; beloppen räknas på "
    f"{base} års nivå."
)

st.subheader(f"Väg till målet {target_year}")
path = budget.glide_path(target)
chart = charts.glide_chart(path, level)
st.altair_chart(chart, width="stretch")
st.caption(
    f"Diagram: nettokostnadsavvikelsen i lika stora steg från {fmt.percent(nka)} {base} till "
    f"{fmt.percent(level)} {target_year} (linje), och den ackumulerade förändringen av "
    f"nettokostnaden i mnkr (staplar; negativt = lägre kostnad). {ui.COMPUTED}."
)
shown = path.copy()
for col in shown.columns[1:]:
    shown[col] = shown[col].map(fmt.number)
st.dataframe(shown, hide_index=True)
ui.export_buttons(
    chart,
    path,
    ui.export_info(
        ctx,
        f"budgetmal-{target_year}",
        f"Väg till målet: {budget.TARGETS[kind].lower()} {target_year}",
        [a.nka_pct, a.reference_cost, a.net_cost, POPULATION],
        [
            "Skillnad i kronor = (NKA − målnivå) / 100 × referenskostnad × invånare",
            f"Referenskostnad: {ref.how}",
            "Lika stora steg per år; referenskostnad och invånare på basårets nivå.",
        ],
    ),
)

st.subheader("Tänk om")


def _use_gap(amount: float) -> None:
    st.session_state["budget_cut"] = amount


cut = st.number_input(
    "Sänk nettokostnaden med (mnkr; negativt = höj)", value=g.mnkr, step=0.5, key="budget_cut"
)
st.button(
    f"Sätt till skillnaden mot målet ({fmt.mnkr(g.mnkr, sign=True)})",
    on_click=_use_gap,
    args=(g.mnkr,),
)
new_nka = budget.nka_after_cut(nka, ref, cut)
peer_values = vals[(vals["kpi"] == a.nka_pct) & (vals["period"] == base)]
peer_values = peer_values[peer_values["municipality"].isin(ctx.peers.ids)]["value"]
place, n = budget.rank_among(new_nka, peer_values)
now_place, _ = budget.rank_among(nka, peer_values)
cols = st.columns(2)
cols[0].metric(
    "NKA efter förändringen",
    fmt.percent(new_nka),
    delta=fmt.points(new_nka - nka, short=True),
    delta_color="off",
    border=True,
)
cols[1].metric(
    "Placering efter förändringen",
    f"{place} av {n}",
    delta=f"nu {now_place} av {n}",
    delta_color="off",
    border=True,
)
st.caption(
    f"Med {base} års referenskostnad ({fmt.mnkr(ref.total_mnkr)}) och jämförelsekommunernas "
    f"värden för {base}. {ui.COMPUTED}."
)

with st.expander("Text till tjänsteskrivelse"):
    own = analytics.series(vals, a.nka_pct, kommun)
    own = own[(own.index >= span[0]) & (own.index <= span[1])]
    prel_from = ui.first_preliminary(a.nka_pct)
    report = narrative.report_paragraph(
        narrative.ReportFacts(
            kommun=ctx.kommun_name,
            area=a.title,
            year=base,
            nka=nka,
            series={int(y): float(v) for y, v in own.items()},
            first_shown_year=span[0],
            preliminary=prel_from is not None and base >= prel_from,
            group=ctx.peers.label,
            median=None if row is None else float(row["median"]),
            peers_with_value=0 if row is None else int(row["n"]),
            peers_total=len(ctx.peers.ids),
            placement=analytics.placement(vals, a.nka_pct, kommun, ctx.peers.ids, base),
            gap_to_median=None if row is None else analytics.gap(nka, float(row["median"]), ref),
            population=pop,
        )
    )
    target_text = (
        f" Målet {budget.TARGETS[kind].lower()} ({fmt.percent(level)}) till {target_year} "
        f"motsvarar att nettokostnaden {direction}r med omkring {fmt.mnkr(abs(g.mnkr))}, "
        f"räknat på {base} års referenskostnad."
    )
    st.code(
        report.text().replace("\n\n", target_text + "\n\n", 1) + f"\n\n{ui.RAW}; {ui.COMPUTED}.",
        language=None,
        wrap_lines=True,
    )
