"""The report for the nämnd (pure content): what a Word or PDF document says about a view —
title line, key figures, the Översikt chart, the report paragraph, the cost drivers, the
Budgetmål table when a target is chosen, the caveats that apply, the peer list and a source and
method appendix — as a list of blocks that ``report_docx`` and ``report_pdf`` lay out.

Every figure comes from the same functions as the pages (``overview``, ``driver_figures``,
``budget``), so the document says what the app shows.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import altair as alt
import pandas as pd
import vl_convert as vlc

from benchmark import (
    analytics,
    budget,
    charts,
    driver_figures,
    editions,
    fmt,
    narrative,
    nka_change,
    overview,
)
from benchmark.exports import METHOD_BREAK_NOTE, TERMS
from benchmark.numbers import money
from benchmark.peers import Peers
from benchmark.source import StoreSource, largest_sentence
from benchmark.viewstate import GROUP_KINDS, View
from kolada.catalogue import AREAS, IFO_PARTS, POPULATION, Area, area
from kolada.drivers import DriverTree, trees_for

RAW = "Källa: Kolada"
COMPUTED = "Egen bearbetning av data från Kolada"
SOURCE_LINE = "Källa: Kolada; egen bearbetning"
CHART_WIDTH = 640  # px of layout; the document scales the image to the text width
CHART_PPI = 150  # 640 px of layout → 1 333 px, about 210 dpi at the A4 text width
ALL = "alla"  # --omrade alla: every area in one document

Progress = Callable[[float, str], None]


# ---- blocks ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Text:
    text: str
    kind: str = "body"  # body | caption


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    numeric: tuple[int, ...] = ()  # right-aligned columns
    widths: tuple[float, ...] = ()  # relative column widths


@dataclass(frozen=True)
class Figure:
    png: bytes
    caption: str

    @property
    def size(self) -> tuple[int, int]:
        """Width and height in pixels, from the PNG header."""
        return struct.unpack(">II", self.png[16:24])


Block = Heading | Text | Bullets | Table | Figure


@dataclass
class Document:
    title: str
    subtitle: str  # kommun · område · jämförelsegrupp · år
    made: date
    stem: str  # file name without extension
    blocks: list[Block] = field(default_factory=list)

    @property
    def title_line(self) -> str:
        return f"{self.subtitle} · {swedish_date(self.made)} · {SOURCE_LINE}"

    @property
    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]

    def text(self) -> str:
        """All text, in order (tests, search)."""
        parts = [self.title, self.title_line]
        for b in self.blocks:
            if isinstance(b, Heading | Text):
                parts.append(b.text)
            elif isinstance(b, Bullets):
                parts.extend(b.items)
            elif isinstance(b, Table):
                parts.extend([" | ".join(b.header), *(" | ".join(r) for r in b.rows), b.caption])
            elif isinstance(b, Figure):
                parts.append(b.caption)
        return "\n".join(p for p in parts if p)


# ---- typography ------------------------------------------------------------------------------
_GROUPED = re.compile(r"(?<=\d)[\u00a0 ](?=\d{3}(?!\d))")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


def typeset(text: str) -> str:
    """Print typography: a thin no-break space (U+202F) between thousands ("12 345"), no control
    characters (Kolada's text is data, not layout)."""
    return _GROUPED.sub("\u202f", _CONTROL.sub("", text))


_BREAKS = re.compile(r"[ \t\n]+")  # where a line may break (not U+00A0, U+202F)


def fit_widths(shares: Sequence[float], minimums: Sequence[float], total: float) -> list[float]:
    """Column widths that add up to ``total``: in proportion to ``shares``, but none narrower
    than its minimum (its longest word, so a header never breaks inside a word); what a narrow
    column gains, the others give up in proportion. Plain proportions when the minimums
    cannot all fit."""
    if sum(minimums) > total:
        return [total * s / sum(shares) for s in shares]
    fixed: dict[int, float] = {}  # columns held at their minimum
    while True:
        free = total - sum(fixed.values())
        rest = sum(s for i, s in enumerate(shares) if i not in fixed)
        if not rest:  # every column at its minimum: what is left, in proportion
            return [fixed[i] + free * s / sum(shares) for i, s in enumerate(shares)]
        widths = [fixed[i] if i in fixed else free * s / rest for i, s in enumerate(shares)]
        short = {i: minimums[i] for i, w in enumerate(widths) if i not in fixed and w < minimums[i]}
        if not short:
            return widths
        fixed |= short


def words(table: Table) -> Iterable[tuple[int, str, bool]]:
    """Every word a table prints, as (column, word, is header): what a line never breaks inside
    (typeset text split at ordinary spaces and line breaks; a no-break space joins)."""
    for row, header in ((table.header, True), *((r, False) for r in table.rows)):
        for i, cell in enumerate(row):
            for word in _BREAKS.split(typeset(cell)):
                if word:
                    yield i, word, header


def swedish_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def png(chart: alt.TopLevelMixin) -> bytes:
    """A chart as PNG for the document (a single chart gets the layout width first)."""
    if not isinstance(chart, alt.ConcatChart):
        chart = chart.properties(width=CHART_WIDTH)
    return vlc.vegalite_to_png(charts.to_spec(chart.configure_view(stroke=None)), ppi=CHART_PPI)


# ---- one area --------------------------------------------------------------------------------
@dataclass(frozen=True)
class AreaData:
    """What the sections of one area are made from."""

    view: View
    area: Area
    kommun_name: str
    span: tuple[int, int]
    peers: Peers
    held: list  # editions of the RKA group the store holds
    by_year: dict
    values: pd.DataFrame
    o: overview.Overview


def read_area(src: StoreSource, view: View) -> AreaData:
    a = area(view.area)
    span = src.span(view)
    peers = src.peers(view)
    held = src.editions(peers.group.id) if peers.group is not None else []
    by_year = editions.yearly_members(held, peers.ids, view.kommun, span, view.per_edition)
    everyone = set().union(*by_year.values()) | set(peers.ids)
    values = src.area_values(view, everyone)
    o = overview.overview(values, a, view.kommun, by_year, span, src.first_preliminary(a.nka_pct))
    return AreaData(
        view, a, src.names.get(view.kommun, view.kommun), span, peers, held, by_year, values, o
    )


def _prel(text: str, preliminary: bool) -> str:
    return f"{text} {fmt.PRELIMINARY}" if preliminary else text


def key_figures(d: AreaData) -> Table:
    """The key figures of the latest year as on Översikt, each with its source."""
    a, o, year = d.area, d.o, d.o.year
    rows = [
        (
            f"Nettokostnadsavvikelse {year}",
            _prel(fmt.percent(o.nka), o.preliminary),
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
        rows.append(("Skillnad mot medianen", fmt.points(o.nka - o.median, short=True), COMPUTED))
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
            "Placering (1 = lägst kostnadsnivå)",
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


def trend_figure(d: AreaData) -> Figure:
    o, span = d.o, d.span
    lines = charts.trend_data(o.own, o.shown_stats, d.kommun_name, o.prel_from)
    chart = charts.trend_chart(lines, o.shown_stats, d.kommun_name, "Nettokostnadsavvikelse (%)")
    area_text = narrative.area_in_sentence(d.area.title)
    caption = (
        f"{narrative.genitive(d.kommun_name)} nettokostnadsavvikelse för {area_text} "
        f"{span[0]}–{span[1]} jämfört med jämförelsegruppens median, ovägda medel och spridning "
        "(ljust fält: lägsta–högsta värde; mörkare fält: mittersta hälften)"
        + ("; trianglar: preliminära värden" if lines["preliminary"].any() else "")
        + (
            f"; streckad lodrät linje: ny modell för referenskostnaden från "
            f"{analytics.METHOD_BREAK_YEAR}"
            if span[0] < analytics.METHOD_BREAK_YEAR <= span[1]
            else ""
        )
        + f". Kommunens värden – {RAW}. Median, medel och fält – {COMPUTED}."
    )
    return Figure(png(chart), caption)


def series_table(d: AreaData) -> Table:
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
                _prel(fmt.percent(own), analytics.is_preliminary(y, o.prel_from))
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


def report_text(d: AreaData, driver: str | None) -> str:
    """The report paragraph of Översikt ("Text till tjänsteskrivelse"), with the driver sentence."""
    facts = overview.report_facts(
        d.o, d.kommun_name, d.area.title, d.peers.label, d.span, len(d.peers.ids)
    )
    return overview.with_driver(narrative.report_paragraph(facts).text(), driver)


def why_nka_moved(d: AreaData) -> str | None:
    """'Varför ändrades NKA?' from the first year of the new model (or the first year shown)
    to the latest year, when both have NKA and net cost."""
    a, kommun, vals = d.area, d.view.kommun, d.values
    if not a.net_cost:
        return None
    years = [int(y) for y in d.o.own.index if analytics.value_at(vals, a.net_cost, kommun, y)]
    if len(years) < 2:
        return None
    after = [y for y in years if y >= analytics.METHOD_BREAK_YEAR]
    first = after[0] if len(after) > 1 else years[0]
    last = years[-1]
    figures = [
        nka_change.YearFigures(
            y,
            analytics.value_at(vals, a.nka_pct, kommun, y),
            analytics.value_at(vals, a.net_cost, kommun, y),
            analytics.value_at(vals, a.reference_cost, kommun, y),
        )
        for y in (first, last)
    ]
    return nka_change.change_sentence(nka_change.nka_change(*figures))


# ---- drivers ---------------------------------------------------------------------------------
GRID_GAP = 18  # px between small multiples


def _mini(over: driver_figures.DriverSeries, name: str, columns: int) -> alt.LayerChart:
    """One driver over time, sized so that ``columns`` of them fill the chart width."""
    width = (CHART_WIDTH - GRID_GAP * (columns - 1)) // columns - 45  # the y axis beside it
    chart = charts.trend_chart(
        over.lines,
        over.stats,
        name,
        over.driver.unit,
        method_break=False,
        height=150 if columns > 1 else 220,
        legends=False,
    )
    return chart.properties(width=width, title=alt.TitleParams(over.driver.title, fontSize=11))


def driver_section(
    src: StoreSource, d: AreaData, tree: DriverTree, progress: Callable[[str], None]
) -> tuple[list[Block], driver_figures.DriverFigure | None]:
    """One driver tree's table, sentences and small multiples, and its largest material
    difference (for the report paragraph)."""
    parts = {p.code: p for p in IFO_PARTS}
    peers = src.peers(d.view, parts[tree.code]) if tree.code in parts else d.peers
    held = src.editions(peers.group.id) if peers.group is not None else []
    by_year = editions.yearly_members(held, peers.ids, d.view.kommun, d.span, d.view.per_edition)
    everyone = set().union(*by_year.values()) | set(peers.ids)
    vals = src.values([*tree.kpis, POPULATION], [d.view.kommun, *everyone])
    prel = {k: src.first_preliminary(k) for k in tree.kpis}
    tf = driver_figures.tree_figures(
        vals, tree, d.view.kommun, peers.ids, by_year, d.span, d.kommun_name, prel
    )
    blocks: list[Block] = [
        Heading(tree.title, 3),
        Text(f"Jämförelsegrupp: {peers.label}.", "caption"),
    ]
    if tf.year is None:
        blocks.append(
            Text(
                f"Kolada har inga värden för {tree.drivers[0].title.lower()} för "
                f"{d.kommun_name} åren {d.span[0]}–{d.span[1]} där tillräckligt många "
                "jämförelsekommuner har värden."
            )
        )
        return blocks, None
    rows = []
    for f in tf.figures:
        shown = driver_figures.value_text(f.value, f.driver.unit)
        if f.value is not None and analytics.is_preliminary(f.year, prel[f.driver.kpi]):
            shown += f" {fmt.PRELIMINARY}"
        rows.append(
            (
                f"{f.driver.title} ({f.driver.kpi})",
                shown,
                driver_figures.value_text(f.median, f.driver.unit) if f.median is not None else "–",
                f.placement.text if f.placement is not None else "–",
                f"{f.n} av {f.total}",
            )
        )
    blocks.append(
        Table(
            ("Nyckeltal", d.kommun_name, "Median", "Placering", "Med värde"),
            tuple(rows),
            caption=f"{tf.year}. Kommunens värden – {RAW}. Median och placering (1 = lägst "
            f"värde) – {COMPUTED}; visas bara när minst {analytics.MIN_PEERS} och minst hälften av "
            "jämförelsekommunerna har värde. Ett lågt värde är inte i sig bättre.",
            numeric=(1, 2),
            widths=(4.4, 1.8, 1.6, 1.2, 1.2),
        )
    )
    largest = driver_figures.largest_difference(tf.figures)
    if largest is not None:
        blocks.append(
            Text(
                driver_figures.difference_sentence(largest, narrative.area_in_sentence(tree.title))
            )
        )
    for fig in tf.identities:
        if fig.split is not None:
            blocks.append(
                Text(
                    fig.sentence(narrative.area_in_sentence(fig.identity.name))
                    + f" (Volym × styckkostnad mot en referens med gruppens medianer; {COMPUTED}.)"
                )
            )
    drawn = [o for o in tf.over_time if not (o.own.empty and o.stats.empty)]
    if drawn:
        progress(f"diagram: {tree.title}")
        columns = min(3, len(drawn))
        grid = alt.concat(
            *(_mini(o, d.kommun_name, columns) for o in drawn), columns=columns, spacing=GRID_GAP
        )
        blocks.append(
            Figure(
                png(grid),
                f"{tree.title} {d.span[0]}–{d.span[1]}: {d.kommun_name} (blå linje, ▲ = "
                "preliminärt) mot jämförelsegruppens median (grå linje), ovägda medel "
                "(streckad), mittersta hälften (mörkt band) och lägst–högst (ljust band). "
                f"{RAW}. {COMPUTED}.",
            )
        )
    return blocks, largest


# ---- Budgetmål -------------------------------------------------------------------------------
def budget_section(d: AreaData, kind: str, today: date) -> list[Block]:
    """The target side by side with the others, the gap in kronor and the glide path, for the
    default utgångsläge and budget years (as Budgetmål opens)."""
    a, kommun, vals = d.area, d.view.kommun, d.values
    last_cached = d.span[1]
    own_years = [
        y
        for y in analytics.years_with_data(vals, a.nka_pct, kommun)
        if d.span[0] <= y <= last_cached
    ]
    stats = analytics.peer_stats(vals, a.nka_pct, d.peers.ids, (d.span[0], last_cached))
    choices = budget.base_choices(own_years, stats, len(d.peers.ids))
    blocks: list[Block] = [Heading("Budgetmål", 2)]
    if not choices:
        return [*blocks, Text("Inget utgångsläge: kommunen saknar värden.")]
    base = budget.default_base(choices, d.span[1])
    choice = next(c for c in choices if c.year == base)
    row = stats[stats["period"] == base]
    row = row.iloc[0] if not row.empty else None
    nka = analytics.value_at(vals, a.nka_pct, kommun, base)
    ref = analytics.reference_cost(vals, a, kommun, base)
    pooled = budget.pooled_level(vals, a, d.peers.ids, base)
    levels = budget.target_levels(choice, row, pooled)
    comparison = budget.compare_targets(nka, ref, levels)
    level = levels[kind]
    table = Table(
        ("Mål", f"Nivå {base}", "Läge", "I kronor"),
        tuple(
            (
                f"{name} (valt)" if k == kind else name,
                "–" if pd.isna(lvl) else fmt.percent(lvl),
                budget.side_text(p),
                words or note,
            )
            for k, name, lvl, p, words, note in zip(
                comparison.index,
                comparison["Mål"],
                comparison["Nivå (%)"],
                comparison["Skillnad (p.e.)"],
                comparison["I kronor"],
                comparison["Anmärkning"],
                strict=True,
            )
        ),
        caption=f"Skillnaden mellan nettokostnadsavvikelsen {base} (utgångsläge) och varje mål, i "
        f"kronor räknat på {base} års referenskostnad och invånarantal. Vägt = Σ nettokostnad / "
        "Σ referenskostnad − 1 över jämförelsekommunerna. NKA mäts mot varje års nationella "
        f"kostnadsnivå, så ett mål i procent är rörligt. {COMPUTED}.",
        widths=(2.2, 1.4, 1.8, 4.6),
    )
    if isinstance(level, str):
        blocks += [
            Text(
                f"{budget.NAMES[kind].capitalize()} för {base} kan inte användas som mål: {level}."
            ),
            table,
        ]
        return blocks
    if ref is None:
        return [
            *blocks,
            Text(
                f"Kolada saknar referenskostnad för {base}; målet visas bara i "
                f"procent ({fmt.percent(level)})."
            ),
            table,
        ]
    starts, start = budget.budget_years(today.year, base)
    _, target_year = budget.target_years(start)
    target = budget.make_target(nka, level, base, target_year, ref, start_year=start)
    blocks.append(
        Text(
            budget.position_text(d.kommun_name, nka - level, kind)
            + ". "
            + budget.target_sentence(d.kommun_name, kind, level, target)
        )
    )
    blocks.append(table)
    if target.must_cut:
        path = budget.glide_path(target)
        blocks.append(
            Table(
                ("År", "NKA", "Minskning under året", "Sammanlagt lägre nettokostnad"),
                tuple(
                    (
                        str(p),
                        fmt.percent(n),
                        "–" if i == 0 else money(-step),
                        "–" if i == 0 else f"{money(-acc)} ({fmt.kr(-per)}/inv.)",
                    )
                    for i, (p, n, step, acc, per) in enumerate(
                        zip(
                            path["Period"],
                            path["NKA (%)"],
                            path["Förändring av nettokostnaden per år (mnkr)"],
                            path["Ackumulerad förändring (mnkr)"],
                            path["Ackumulerad förändring (kr/inv)"],
                            strict=True,
                        )
                    )
                ),
                caption=f"Väg till målet {target_year}: lika stora steg per budgetår {start}–"
                f"{target_year} från utgångsläget {base}, avrundade så att de summerar till "
                f"beloppet; referenskostnad och invånare på {base} års nivå. {COMPUTED}.",
                numeric=(1, 2, 3),
                widths=(2, 1.4, 2.2, 3.4),
            )
        )
    return blocks


# ---- caveats, peers, sources -----------------------------------------------------------------
def caveats(d: AreaData) -> list[str]:
    """The caveats that apply to this view, and only those."""
    out = []
    if analytics.spans_method_break(d.span):
        out.append(METHOD_BREAK_NOTE)
    missing = [y for y in d.o.uncovered_years if y in set(d.o.own.index)]
    if missing:
        out.append(
            f"För få jämförelsevärden {_years_text(missing)}: gruppens median, spridning och "
            f"placering visas bara när minst {analytics.MIN_PEERS} och minst hälften av "
            "jämförelsekommunerna har värde."
        )
    prel = [int(y) for y in d.o.own.index if analytics.is_preliminary(int(y), d.o.prel_from)]
    if prel:
        out.append(
            f"Preliminära värden ({fmt.PRELIMINARY}): {_years_text(prel)} hämtades före Koladas "
            "slutliga publicering och kan revideras."
        )
    group = d.peers.group
    if group is not None:
        out.append(
            editions.note(group.title, group.edition_year, d.held, d.span, d.view.per_edition)
            + " RKA bildar om grupperna varje år."
        )
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


def peer_section(d: AreaData) -> list[Block]:
    year = d.o.year
    group = d.peers.group
    rows = tuple(
        (
            name,
            m,
            _prel(
                fmt.percent(analytics.value_at(d.values, d.area.nka_pct, m, year)), d.o.preliminary
            ),
        )
        for m, name in d.peers.members
    )
    about = [f"{d.peers.label}."]
    if group is not None:
        about.append(f"Utgåva {group.edition_year or '–'} ({group.id}).")
        current = d.held[-1] if d.held else None
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
    "Placering: 1 = lägst NKA (lägst kostnadsnivå) bland kommunen och jämförelsekommunerna med "
    "värde.",
    "Varför NKA ändrades: NKA = nettokostnad / referenskostnad − 1; ändringen delas symmetriskt "
    "i en del från nettokostnaden och en del från referenskostnaden.",
    "Kostnadsdrivare: volym × styckkostnad mot en referens med gruppens medianvolym och "
    "medianstyckkostnad; volymdel = (V − Vref) × (S + Sref)/2, styckkostnadsdel = "
    "(S − Sref) × (V + Vref)/2. En skillnad är väsentlig när värdet ligger minst "
    f"{round(driver_figures.MATERIAL * 100)} % från medianen.",
    "Budgetmål: skillnad i kronor = (NKA − målnivå) / 100 × referenskostnad × invånare; vägt "
    "= Σ nettokostnad / Σ referenskostnad − 1.",
)


def sources_section(src: StoreSource, kpis: Iterable[str]) -> list[Block]:
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
        Bullets(FORMULAS),
    ]


# ---- documents -------------------------------------------------------------------------------
def _quiet(*_args) -> None:
    return None


def area_blocks(
    src: StoreSource,
    d: AreaData,
    *,
    target: str | None,
    today: date,
    titled: bool,
    progress: Callable[[str], None],
) -> tuple[list[Block], list[str]]:
    """The sections of one area and the KPIs they use; ``titled``: under a heading with the
    area's name (a document of every area), its sections one level down."""
    a, o = d.area, d.o
    h = 2 if titled else 1
    if o.year is None:
        return [
            Heading(a.title, 1),
            Text(
                f"Kolada har inga värden för {d.kommun_name} "
                f"({a.title}) åren {d.span[0]}–{d.span[1]}."
            ),
        ], []
    kpis = [*a.kpis, POPULATION]
    progress(f"nyckeltal: {a.title}")
    blocks: list[Block] = [
        *([Heading(a.title, 1)] if titled else []),
        Heading(f"Nyckeltal {o.year}", h),
        key_figures(d),
    ]
    progress(f"diagram: {a.title}")
    blocks += [trend_figure(d), series_table(d)]
    trees = trees_for(a.code)
    sections = [(tree, *driver_section(src, d, tree, progress)) for tree in trees]
    driver = largest_sentence((best, tree) if best else None for tree, _, best in sections)
    blocks += [Heading("Bedömning", h)]
    blocks += [Text(p) for p in report_text(d, driver).split("\n\n")]
    why = why_nka_moved(d)
    if why:
        blocks.append(Text(f"Varför ändrades NKA? {why}"))
    if trees:
        blocks.append(Heading("Kostnadsdrivare", h))
        blocks.append(
            Text(
                "Vad som driver kostnaden per invånare: hur många som får insatser (volym), vad en "
                "insats kostar (styckkostnad) och hur mycket som köps från andra.",
                "caption",
            )
        )
        for tree, tree_blocks, _ in sections:
            blocks += tree_blocks
            kpis += list(tree.kpis)
    if target:
        blocks += [
            replace(b, level=h) if isinstance(b, Heading) else b
            for b in budget_section(d, target, today)
        ]
    notes = caveats(d)
    if notes:
        blocks += [Heading("Att tänka på", h), Bullets(tuple(notes))]
    return blocks, kpis


def area_document(
    src: StoreSource,
    view: View,
    *,
    target: str | None = None,
    today: date,
    progress: Progress = _quiet,
) -> Document:
    d = read_area(src, view)
    steps = 2 + len(trees_for(d.area.code))  # key figures, the chart, each tree's charts
    done = [0]

    def step(message: str) -> None:
        done[0] += 1
        progress(min(done[0] / steps, 1.0), message)

    blocks, kpis = area_blocks(src, d, target=target, today=today, titled=False, progress=step)
    if d.o.year is not None:
        blocks += peer_section(d)
    blocks += sources_section(src, kpis)
    progress(1.0, "klart")
    return Document(
        title=f"{d.area.title} – {d.kommun_name}",
        subtitle=" · ".join(
            [
                d.kommun_name,
                d.area.title,
                f"Jämförelsegrupp: {d.peers.label}",
                f"År {d.span[0]}–{d.span[1]}",
            ]
        ),
        made=today,
        stem=f"rapport-{view.kommun}-{view.area}",
        blocks=blocks,
    )


def all_areas_document(
    src: StoreSource, view: View, *, today: date, progress: Progress = _quiet
) -> Document:
    """Every area: a summary table and the heatmap, then each area's key figures, chart, text
    and drivers."""
    names = src.names
    kommun_name = names.get(view.kommun, view.kommun)
    datas = []
    for i, a in enumerate(AREAS):
        progress(i / (len(AREAS) * 3), f"läser {a.title}")
        datas.append(read_area(src, replace(view, area=a.code)))
    rows = tuple(
        (
            d.area.title,
            str(d.o.year) if d.o.year else "–",
            _prel(fmt.percent(d.o.nka), d.o.preliminary) if d.o.year else fmt.MISSING,
            fmt.percent(d.o.median) if d.o.covered else (d.o.too_few if d.o.year else "–"),
            fmt.points(d.o.nka - d.o.median, short=True) if d.o.covered else "–",
            money(d.o.gap.mnkr, sign=True) if d.o.gap and d.o.gap.mnkr is not None else "–",
            d.o.placement.text if d.o.placement else "–",
        )
        for d in datas
    )
    blocks: list[Block] = [
        Heading("Sammanfattning", 1),
        Table(
            ("Område", "År", "NKA", "Median", "Skillnad", "Mot medianen", "Placering"),
            rows,
            caption=f"Senaste år med värde för kommunen i varje område. NKA: {RAW}. Median, "
            f"skillnad, belopp (tkr eller mnkr) och placering (1 = lägst kostnadsnivå): "
            f"{COMPUTED}. Varje område jämförs med sin egen jämförelsegrupp.",
            numeric=(2, 3, 4, 5),
            widths=(3.2, 0.9, 1.7, 1.5, 1.4, 1.7, 1.2),
        ),
    ]
    span = (min(d.span[0] for d in datas), max(d.span[1] for d in datas))
    matrix = analytics.area_matrix(
        src.values(
            [a.nka_pct for a in AREAS],
            [view.kommun, *{m for d in datas for ids in d.by_year.values() for m in ids}],
        ),
        view.kommun,
        AREAS,
        {d.area.code: d.by_year for d in datas},
        span,
    )
    if not matrix.empty:
        prel = {a.code: src.first_preliminary(a.nka_pct) for a in AREAS}
        matrix["preliminary"] = [
            analytics.is_preliminary(int(y), prel[c])
            for c, y in zip(matrix["area"], matrix["period"], strict=True)
        ]
        progress(0.4, "diagram: alla områden")
        blocks.append(
            Figure(
                png(charts.heatmap(matrix, "nka", "Avvikelse (%)")),
                f"{narrative.genitive(kommun_name)} nettokostnadsavvikelse per verksamhetsområde "
                f"och år {span[0]}–{span[1]}. Blått: lägre kostnad än referenskostnaden; "
                f"orange: högre. {RAW}.",
            )
        )
    kpis: list[str] = []
    for i, d in enumerate(datas):
        progress(0.4 + 0.55 * i / len(datas), f"avsnitt: {d.area.title}")
        more, used = area_blocks(src, d, target=None, today=today, titled=True, progress=_quiet)
        blocks += more
        if d.o.year is not None:
            blocks.append(
                Text(
                    f"Jämförelsegrupp: {d.peers.label}. Medlemmar: "
                    + ", ".join(n for _, n in d.peers.members)
                    + ".",
                    "caption",
                )
            )
        kpis += used
    blocks += sources_section(src, kpis)
    progress(1.0, "klart")
    group = GROUP_KINDS.get(view.group, view.group)
    return Document(
        title=f"Alla verksamhetsområden – {kommun_name}",
        subtitle=f"{kommun_name} · Alla verksamhetsområden · Jämförelsegrupp: {group}, varje "
        f"område med sin egen grupp · År {span[0]}–{span[1]}",
        made=today,
        stem=f"rapport-{view.kommun}-alla",
        blocks=blocks,
    )


def make_document(
    src: StoreSource,
    view: View,
    *,
    all_areas: bool = False,
    target: str | None = None,
    today: date,
    progress: Progress = _quiet,
) -> Document:
    if all_areas:
        return all_areas_document(src, view, today=today, progress=progress)
    return area_document(src, view, target=target, today=today, progress=progress)
