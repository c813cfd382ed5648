"""The report's sections for one area (pure content): key figures, the Översikt chart and the
values behind it, the report paragraph and why NKA moved, the caveats that apply, the peer
list and the sources — each laid out from the figures the pages show (``benchmark.figures``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import altair as alt
import vl_convert as vlc

from benchmark import (
    analytics,
    charts,
    driver_figures,
    editions,
    fmt,
    narrative,
    nka_change,
    overview,
)
from benchmark.attribution import COMPUTED, RAW
from benchmark.exports import METHOD_BREAK_NOTE, TERMS, renderable
from benchmark.figures import OverviewFigures
from benchmark.numbers import money
from benchmark.report.model import Block, Bullets, Figure, Heading, Table, Text
from benchmark.source import Source
from kolada.catalogue import POPULATION

CHART_WIDTH = 640  # px of layout; the document scales the image to the text width
CHART_PPI = 150  # 640 px of layout → 1 333 px, about 210 dpi at the A4 text width
# Axis and legend text, px of layout. A chart about 700 px wide printed 16 cm (453 pt) wide is
# scaled by about 0,65: Vega's default 10 px would print at 6,5 pt, 12 px prints at 7,5–8 pt.
LABEL_SIZE = 12
TREND_HEIGHT = 230  # px: the Översikt chart, low enough to share the first page with the text
MIN_PRINTED = 7.0  # points: the smallest text a printed chart may have


def png(chart: alt.TopLevelMixin) -> bytes:
    """A chart as PNG for the document (a single chart gets the layout width first), its axis
    and legend text at ``LABEL_SIZE``."""
    if not isinstance(chart, alt.ConcatChart):
        chart = chart.properties(width=CHART_WIDTH)
    chart = (
        chart.configure_view(stroke=None)
        .configure_axis(labelFontSize=LABEL_SIZE, titleFontSize=LABEL_SIZE)
        .configure_legend(labelFontSize=LABEL_SIZE, titleFontSize=LABEL_SIZE)
    )
    return vlc.vegalite_to_png(renderable(charts.to_spec(chart)), ppi=CHART_PPI)


def printed_size(size: float, png_width: int, placed_width: float) -> float:
    """Points that text of ``size`` px of layout measures on paper, in a chart rendered
    ``png_width`` pixels wide (``CHART_PPI``) and placed ``placed_width`` points wide."""
    return size * CHART_PPI / 72 * placed_width / png_width


def prel(text: str, preliminary: bool) -> str:
    return f"{text} {fmt.PRELIMINARY}" if preliminary else text


def key_figures(d: OverviewFigures) -> Table:
    """The key figures of the latest year as on Översikt, each with its source."""
    a, o, year = d.area, d.o, d.o.year
    rows = [
        (
            f"Nettokostnadsavvikelse {year}",
            prel(fmt.percent(o.nka), o.preliminary),
            f"{RAW} ({a.nka_pct})",
        ),
    ]
    if a.nka_mnkr:
        rows.append(
            (f"Nettokostnadsavvikelse {year}, mnkr", fmt.mnkr(o.nka_mnkr), f"{RAW} ({a.nka_mnkr})")
        )
    rows.append(
        (
            f"Jämförelsegruppens median {year}",
            fmt.percent(o.median) if o.covered else o.too_few,
            COMPUTED,
        )
    )
    if o.covered:
        rows.append(("Skillnad mot medianen", fmt.points(o.to_median, short=True), COMPUTED))
    if o.gap is not None:
        rows += [
            (
                "Skillnad mot medianen, kr/invånare",
                fmt.kr_per_inhabitant(o.gap.kr_per_inhabitant, sign=True),
                COMPUTED,
            ),
            ("Skillnad mot medianen, kronor", money(o.gap.mnkr, sign=True), COMPUTED),
        ]
    rows.append(
        (
            "Plats (1 = lägst kostnadsnivå)",
            o.placement.text if o.placement is not None else o.too_few,
            COMPUTED,
        )
    )
    rows.append(
        (f"Jämförelsekommuner med värde {year}", f"{o.peers_n} av {o.peers_total}", COMPUTED)
    )
    if o.ref is not None and o.ref.kr_per_inhabitant is not None:
        source = f"härledd: {o.ref.how}; {COMPUTED}" if o.ref.derived else f"{RAW} ({o.ref.how})"
        rows.append(
            (
                f"Referenskostnad {year}, kr/invånare",
                fmt.number(o.ref.kr_per_inhabitant, 0) + f"{fmt.SPACE}kr",
                source,
            )
        )
    if o.population is not None:
        rows.append((f"Invånare {year}", fmt.integer(o.population), f"{RAW} ({POPULATION})"))
    return Table(("Nyckeltal", "Värde", "Källa"), tuple(rows), widths=(4, 2.2, 3.8))


def trend_figure(d: OverviewFigures) -> Figure:
    o, span = d.o, d.span
    chart = charts.trend_chart(
        d.lines, o.shown_stats, d.kommun_name, "Nettokostnadsavvikelse (%)", height=TREND_HEIGHT
    )
    area_text = narrative.area_in_sentence(d.area.title)
    caption = (
        f"{narrative.genitive(d.kommun_name)} nettokostnadsavvikelse för {area_text} "
        f"{span[0]}–{span[1]} jämfört med jämförelsegruppens median, ovägda medel och spridning "
        "(ljust fält: lägsta–högsta värde; mörkare fält: mittersta hälften)"
        + ("; trianglar: preliminära värden" if d.lines["preliminary"].any() else "")
        + (
            f"; streckad lodrät linje: ny modell för referenskostnaden från "
            f"{analytics.METHOD_BREAK_YEAR}"
            if span[0] < analytics.METHOD_BREAK_YEAR <= span[1]
            else ""
        )
        + f". Kommunens värden – {RAW}. Median, medel och fält – {COMPUTED}."
    )
    return Figure(png(chart), caption)


def series_table(d: OverviewFigures) -> Table:
    """The values behind the chart, year by year."""
    o = d.o
    stats = o.stats.set_index("period")
    rows = []
    for y in range(d.span[0], d.span[1] + 1):
        own = o.own.get(y)
        covered = y in stats.index and bool(stats.at[y, "covered"])
        n = int(stats.at[y, "n"]) if y in stats.index else 0
        total = int(stats.at[y, "N"]) if y in stats.index else len(d.peers.ids)
        rows.append(
            (
                str(y),
                prel(fmt.percent(own), analytics.is_preliminary(y, o.prel_from))
                if own is not None
                else fmt.MISSING,
                fmt.percent(stats.at[y, "median"]) if covered else "–",
                fmt.percent(stats.at[y, "q1"]) + "–" + fmt.percent(stats.at[y, "q3"])
                if covered
                else "–",
                f"{n} av {total}",
            )
        )
    return Table(
        ("År", d.kommun_name, "Median", "Mittersta hälften", "Med värde"),
        tuple(rows),
        caption=f"{d.kommun_name} – {RAW} ({d.area.nka_pct}). Median och kvartiler – {COMPUTED}; "
        f"visas bara när minst {analytics.MIN_PEERS} och minst hälften av gruppen har värde.",
        numeric=(1, 2, 3),
        widths=(1, 2, 1.6, 3, 1.4),
    )


def summary(d: OverviewFigures, driver: str | None) -> tuple[list[str], list[str]]:
    """The report paragraph as Översikt gives it (``OverviewFigures.report_text``) in two
    parts: its sentences, with the ``driver`` sentence, for "Sammanfattning"; its caveats for
    "Att tänka på", less the method break and the preliminary value, which ``caveats`` says
    for every year shown (the paragraph's facts for one year without them)."""
    year, label = d.paragraph_year_and_group
    total = len(d.peer_years.members_at(year)) if year is not None else len(d.peers.ids)
    facts = overview.report_facts(d.o, d.kommun_name, d.area.title, label, d.span, total)
    text = narrative.report_paragraph(facts)
    rest = narrative.report_paragraph(replace(facts, first_shown_year=year, preliminary=False))
    return [*text.sentences, *([driver] if driver else [])], rest.caveats


def why_nka_moved(d: OverviewFigures) -> str | None:
    """'Varför ändrades NKA?' as Översikt opens it (``OverviewFigures.why_default``)."""
    change = d.why_default
    return None if change is None else nka_change.change_sentence(change)


# ---- caveats, peers, sources -----------------------------------------------------------------
def caveats(d: OverviewFigures) -> list[str]:
    """The caveats that apply to this view, and only those."""
    out = []
    if analytics.spans_method_break(d.span):
        out.append(METHOD_BREAK_NOTE)
    missing = [y for y in d.o.uncovered_years if y in set(d.o.own.index)]
    if missing:
        out.append(
            f"För få jämförelsevärden {_years_text(missing)}: gruppens median, spridning och "
            f"plats i rangordningen visas bara när minst {analytics.MIN_PEERS} och minst hälften "
            "av jämförelsekommunerna har värde."
        )
    prel = [int(y) for y in d.o.own.index if analytics.is_preliminary(int(y), d.o.prel_from)]
    if prel:
        out.append(
            f"Preliminära värden ({fmt.PRELIMINARY}): {_years_text(prel)} hämtades före Koladas "
            "slutliga publicering och kan revideras."
        )
    if d.peer_years.note is not None:  # the second on its own: the same for every edition
        out += [d.peer_years.note, "RKA bildar om grupperna varje år."]
    if d.peers.note:
        out.append(d.peers.note)
    return out


def _years_text(years: list[int]) -> str:
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def peer_section(d: OverviewFigures) -> list[Block]:
    year = d.o.year
    group = d.peers.group
    latest = d.member_nka
    rows = tuple(
        (name, m, prel(fmt.percent(latest[m]), d.o.preliminary)) for m, name in d.peers.members
    )
    about = [f"{d.peers.label}."]
    if group is not None:
        about.append(f"Utgåva {group.edition_year or '–'} ({group.id}).")
        current = d.peer_years.held[-1] if d.peer_years.held else None
        if current and current.first_seen and current.last_seen:
            about.append(
                f"Medlemmarna hämtades första gången {current.first_seen[:10]} och "
                f"senast {current.last_seen[:10]}."
            )
        about.append(editions.HOW_RKA_FORMS_GROUPS)
    return [
        Heading("Jämförelsegruppen", 1),
        Text(" ".join(about)),
        Table(
            ("Kommun", "Kommun-id", f"NKA {year}"),
            rows,
            caption=f"NKA: {RAW} ({d.area.nka_pct}). Gruppens medlemmar: Kolada.",
            numeric=(2,),
            widths=(3, 1.5, 2),
        ),
    ]


FORMULAS = (
    "Nettokostnadsavvikelse (NKA, %) = (nettokostnad − referenskostnad) / referenskostnad × 100 "
    "(Kolada).",
    "Skillnad mot medianen i kronor = (NKA − median) / 100 × referenskostnad per invånare × "
    "invånare.",
    "Median, kvartiler och ovägt medel över jämförelsekommunerna med värde; visas när minst "
    f"{analytics.MIN_PEERS} och minst hälften av gruppen har värde.",
    "Plats: 1 = lägst NKA (lägst kostnadsnivå) bland kommunen och jämförelsekommunerna med värde.",
    f"Varför NKA ändrades: {nka_change.METHOD_TEXT}",
    "Kostnadsdrivare: volym × styckkostnad mot gruppens vägda genomsnitt (samlad kostnad / "
    "samlade invånare = gruppens volym × gruppens styckkostnad); volymdel = (v − V) × (s + S)/2, "
    "styckkostnadsdel = (s − S) × (v + V)/2; delarna summerar exakt till skillnaden. Kommunens "
    f"styckkostnad är härledd (kostnad / volym). {driver_figures.RULE_TEXT} Värden som inte "
    "klarar rimlighetskontrollen (enhet, intervall, del mot helhet) används inte.",
    "Budgetmål: skillnad i kronor = (NKA − målnivå) / 100 × referenskostnad × invånare; vägt "
    "= Σ nettokostnad / Σ referenskostnad − 1.",
)


def sources_section(
    src: Source, kpis: Iterable[str], formulas: tuple[str, ...] = FORMULAS
) -> list[Block]:
    used = [k for k in dict.fromkeys(kpis) if k in src.kpi_titles]
    rows = tuple(
        (k, src.kpi_titles[k], (src.fetched_at(k) or src.fetched_at())[:16].replace("T", " "))
        for k in used
    )
    return [
        Heading("Källor och metod", 1),
        Text(TERMS),
        Table(
            ("Id", "Nyckeltal", "Hämtad (UTC)"),
            rows,
            caption="Nyckeltalen i rapporten, med titel och tid för hämtningen från Koladas "
            "öppna API (api.kolada.se, v3).",
            widths=(1.2, 6, 2.2),
        ),
        Heading("Formler", 2),
        Bullets(formulas),
    ]
