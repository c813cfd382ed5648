"""What a view shows, read through a ``Source`` and computed once: Översikt's figures, why NKA
moved, Budgetmål's base year and targets, a driver tree's figures, the largest driver
difference, the area matrix and the quality positions and scatter of Kostnad och kvalitet. The
pages render these objects (``ui.data.cached`` keeps them per published cache) and the report
lays out the very same ones, so the two cannot drift.

Each function reads, then hands the frames to the pure modules (``overview``, ``budget``,
``nka_change``, ``driver_figures``, ``quality``, ``matrix``, ``analytics``) that do the
arithmetic. (About 700 lines: one section per view — Översikt, Jämförelse, IFO i delar,
Kostnadsdrivare, Budgetmål, Alla områden, Kostnad och kvalitet — each a reader and the object its
page and the report share; its one reason to change is how a view reads the store. Översikt's
kronor: ``kronor_figures``; Budgetmål's forecast: ``forecast_figures``.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import pandas as pd

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
    quality,
)
from benchmark.matrix import decimals_for, peer_matrix, stats_by_year
from benchmark.numbers import printed_difference
from benchmark.source import PeerYears, Source
from benchmark.viewstate import View
from kolada.catalogue import AREAS, POPULATION, RIKET, Area, Part, area
from kolada.drivers import DriverTree, trees_for
from kolada.quality import QUALITY_BY_KPI, QualityKpi, quality_for


def needed_kpis(area_codes: Iterable[str]) -> list[str]:
    """Every KPI the figures of these areas read — the area's KPIs, the population, every
    driver tree's and the quality KPIs — so that one fetch brings all of them and no page (nor
    the report) depends on another page having been visited."""
    kpis = {POPULATION}
    for code in area_codes:
        kpis |= set(area(code).kpis)
        kpis |= {k for tree in trees_for(code) for k in tree.kpis}
        kpis |= {q.kpi for q in quality_for(code)}
    return sorted(kpis)


def kpis_with_values(
    src: Source, kpis: Iterable[str], municipalities: list[str], span: tuple[int, int]
) -> list[str]:
    """``kpis`` (in order) that have a value for any of ``municipalities`` in ``span``."""
    wanted = list(dict.fromkeys(kpis))
    vals = src.values(wanted, municipalities)
    vals = vals[vals["period"].between(*span) & vals["value"].notna()]
    held = set(vals["kpi"])
    return [k for k in wanted if k in held]


def absent(fetched: bool, what: str, where: str) -> str:
    """Why a view has no values of ``what``: Kolada's answer only where Kolada was asked."""
    if fetched:
        return f"Kolada har inga värden för {what} {where}."
    return f"Värdena för {what} är inte hämtade från Kolada ännu (de hämtas vid nästa uppdatering)."


# ---- Översikt --------------------------------------------------------------------------------
@dataclass(frozen=True)
class OverviewFigures:
    """Översikt's figures for a view: its years, peers per year, the values read and the
    figures computed from them (``overview.Overview``)."""

    view: View
    area: Area
    kommun_name: str
    span: tuple[int, int]
    peer_years: PeerYears
    values: pd.DataFrame  # the area's KPIs and the population, the kommun and every peer
    o: overview.Overview
    fetched: bool  # the NKA KPI was fetched (else a missing value says nothing of Kolada)
    lines: pd.DataFrame  # the chart's lines (``charts.trend_data``): the kommun, median, mean
    table: pd.DataFrame  # the values behind the chart, by year (for the table and downloads)
    names: Mapping[str, str]  # id → name, every kommun

    @property
    def matrix(self) -> pd.DataFrame:
        """Every kommun compared × every year shown, with the statistics (``matrix``)."""
        return peer_matrix(
            self.values, self.area.nka_pct, self.view.kommun, self.peer_years, self.names,
            list(range(self.span[0], self.span[1] + 1)), None, self.o.prel_from,
        )  # fmt: skip

    @property
    def peers(self):
        return self.peer_years.peers

    @property
    def without_value(self) -> str:
        """Why there are no figures: the kommun has no value in the years shown."""
        where = f"åren {self.span[0]}–{self.span[1]}"
        return absent(self.fetched, f"{self.kommun_name} ({self.area.title})", where)

    @property
    def why_years(self) -> list[int]:
        """The years "Varför ändrades NKA?" can compare (NKA and net cost both present)."""
        return nka_change.comparable_years(self.values, self.area, self.view.kommun, self.o.own)

    def why(self, first: int, last: int) -> nka_change.NkaChange:
        return nka_change.change_between(self.values, self.area, self.view.kommun, first, last)

    @property
    def why_default(self) -> nka_change.NkaChange | None:
        """ "Varför ändrades NKA?" as the page opens: from 2019 (or the first year) to the last."""
        pair = nka_change.default_pair(self.why_years)
        return None if pair is None else self.why(*pair)

    @property
    def sentence_facts(self) -> narrative.Facts:
        year = self.o.year
        edition = self.peer_years.edition_at(year) if year is not None else None
        return overview.sentence_facts(
            self.o,
            self.kommun_name,
            self.area.title,
            self.peers,
            None if edition is None else f"utgåva {edition.year}, som gällde {year}",
            None if year is None else len(self.peer_years.members_at(year)),
        )

    def report_text(self, driver: str | None) -> str:
        """The report paragraph ("Text till tjänsteskrivelse") with the driver sentence."""
        year = self.o.year
        label = self.peer_years.label_for(year) if year is not None else self.peers.label
        total = len(self.peer_years.members_at(year)) if year is not None else len(self.peers.ids)
        facts = overview.report_facts(
            self.o, self.kommun_name, self.area.title, label, self.span, total
        )
        return overview.with_driver(narrative.report_paragraph(facts).text(), driver)

    @property
    def paragraph_year_and_group(self) -> tuple[int | None, str]:
        """The year and group label of the report paragraph (for ``largest_sentence``)."""
        year = self.o.year
        return year, self.peer_years.label_for(year) if year is not None else self.peers.label

    @property
    def earlier_edition(self) -> str | None:
        """With today's members for every year, and an earlier edition held that was in force
        in the latest year with other members: the gap with that edition, in one sentence."""
        year, py, kommun = self.o.year, self.peer_years, self.view.kommun
        if year is None or py.per_edition or len(py.held) < 2:
            return None
        edition = editions.edition_for_year(list(py.held), year)
        ids = sorted(edition.member_ids - {kommun})
        if set(ids) == set(py.peers.ids) - {kommun}:
            return None
        stats = analytics.peer_stats(self.values, self.area.nka_pct, ids, (year, year))
        if stats.empty or not bool(stats["covered"].iloc[0]):
            return None
        median = float(stats["median"].iloc[0])
        diff = printed_difference(self.o.nka, median)
        where = (
            "i nivå med den"
            if diff == 0
            else f"{fmt.number(abs(diff), 1)} procentenheter {'över' if diff > 0 else 'under'} den"
        )
        return (
            f"Med utgåva {edition.year}, som gällde {year}, var medianen {fmt.percent(median)} "
            f"och {self.kommun_name} låg {where}."
        )

    @property
    def members(self) -> list[tuple[str, str]]:
        """The group's members in the latest year, (id, name): that year's edition in per-year
        mode, today's group otherwise — the ones the text's median is over."""
        return self.peer_years.named_members_at(self.o.year)

    @property
    def member_nka(self) -> dict[str, float | None]:
        """Each member (``members``): its NKA in the latest year (Kolada's)."""
        v, year = self.values, self.o.year
        return {m: analytics.value_at(v, self.area.nka_pct, m, year) for m, _ in self.members}

    @property
    def peer_lines(self) -> pd.DataFrame:
        """Each peer's NKA in the years it is a peer (the chart's "visa varje
        jämförelsekommun")."""
        v = self.values
        rows = v[(v["kpi"] == self.area.nka_pct) & v["period"].between(*self.span)]
        return analytics.members_by_year_only(rows, self.peer_years.by_year)


def overview_figures(src: Source, view: View) -> OverviewFigures:
    a = area(view.area)
    span = src.span(view)
    py = src.peer_years(view, span)
    # Riket too: its net cost is the national level in "Varför ändrades NKA?"; and every
    # member of an edition held, for the gap with an earlier edition
    held = {m for e in py.held for m in e.member_ids}
    values = src.values([*a.kpis, POPULATION], [view.kommun, *py.everyone, *held, RIKET])
    o = overview.overview(
        values, a, view.kommun, py.by_year, span, src.first_preliminary(a.nka_pct)
    )
    name = src.names.get(view.kommun, view.kommun)
    return OverviewFigures(
        view, a, name, span, py, values, o, src.fetched_all([a.nka_pct]),
        charts.trend_data(o.own, o.shown_stats, name, o.prel_from),
        overview.series_table(o, name), src.names,
    )  # fmt: skip


# ---- Jämförelse -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Ranking:
    """Every peer's NKA in one year beside the kommun's, ranked (1 = lowest cost level); no
    placement where too few peers report."""

    year: int
    years: list[int]  # the years with any value, newest first (the page's choice)
    default_year: int  # the latest in the span with the kommun's value and enough peers
    frame: pd.DataFrame  # analytics.ranking; ``rank`` blank when not covered
    with_value: int  # peers with a value
    total: int  # peers in the group
    preliminary: bool

    @property
    def covered(self) -> bool:
        return analytics.covered(self.with_value, self.total)

    @property
    def own_value(self) -> float | None:
        v = self.frame.loc[self.frame["focus"], "value"]
        return None if v.isna().any() or v.empty else float(v.iloc[0])

    @property
    def ranked(self) -> int:
        """How many are ranked: the peers with a value and the kommun."""
        return self.with_value + 1

    @property
    def own_rank(self) -> int | None:
        if not self.covered or self.own_value is None:
            return None
        return int(self.frame.loc[self.frame["focus"], "rank"].iloc[0])


def ranking(src: Source, view: View, year: int | None = None) -> Ranking | None:
    """The ranking for ``year`` (default: ``Ranking.default_year``); None without values."""
    a, span = area(view.area), src.span(view)
    peers = src.peers(view).ids
    vals = src.values([a.nka_pct], [view.kommun, *peers])
    years = sorted({int(y) for y in vals["period"]}, reverse=True)
    if not years:
        return None
    default = (
        analytics.latest_covered_year(vals, a.nka_pct, view.kommun, peers, span)
        or analytics.latest_year(vals, a.nka_pct, view.kommun, span)
        or years[0]
    )
    year = year if year in years else default
    frame = analytics.ranking(vals, a.nka_pct, view.kommun, peers, year, src.names)
    others = frame[~frame["focus"]]
    with_value, total = int(others["value"].notna().sum()), len(others)
    if not analytics.covered(with_value, total):  # Kolada's values shown; a placement not
        frame = frame.assign(rank=float("nan"))
    prel = analytics.is_preliminary(year, src.first_preliminary(a.nka_pct))
    return Ranking(year, years, default, frame, with_value, total, prel)


# ---- IFO i delar -----------------------------------------------------------------------------
@dataclass(frozen=True)
class PartSeries:
    """An IFO part's cost per invånare over the years against its peers: the net cost, or the
    gross cost where Kolada has no net cost for the part."""

    part: Part
    peer_years: PeerYears
    kpi: str
    gross: bool  # Kolada has no net cost for the part: the cost before income is shown
    own: pd.Series
    stats: pd.DataFrame  # only the covered years
    first_preliminary: int | None
    fetched: bool
    values: pd.DataFrame
    names: Mapping[str, str]
    kommun: str

    @property
    def matrix(self) -> pd.DataFrame:
        """Every kommun's cost per invånare × every year, the statistics under them."""
        span = self.peer_years.span
        return peer_matrix(
            self.values, self.kpi, self.kommun, self.peer_years, self.names,
            list(range(span[0], span[1] + 1)), None, self.first_preliminary, decimals=0,
        )  # fmt: skip

    @property
    def measure(self) -> str:
        return "Kostnad före intäkter" if self.gross else "Nettokostnad"

    @property
    def empty(self) -> bool:
        return self.own.empty and self.stats.empty

    @property
    def last_value(self) -> int | None:
        return None if self.own.empty else int(self.own.index.max())

    @property
    def preliminary_shown(self) -> bool:
        prel = self.first_preliminary
        return prel is not None and self.last_value is not None and self.last_value >= prel

    def table(self, kommun_name: str) -> pd.DataFrame:
        """The values behind the chart, a row a year (kr/invånare)."""
        titles = {
            k: v if k in ("period", "n", "N") else f"{v} (kr/inv)"
            for k, v in analytics.STAT_TITLES.items()
        }
        table = (
            self.stats.drop(columns=["covered"], errors="ignore")
            .rename(columns=titles)
            .set_index("År")
        )
        table = table.reindex(sorted(set(table.index) | set(self.own.index)))
        table.insert(0, f"{kommun_name} (kr/inv)", self.own.reindex(table.index))
        table.index.name = "År"
        return table.reset_index()


def part_series(src: Source, view: View, span: tuple[int, int], part: Part) -> PartSeries:
    py = src.peer_years(view, span, part)
    vals = src.values([part.net_cost, part.cost], [view.kommun, *py.everyone])
    gross = False
    kpi = part.net_cost
    own = analytics.series(vals, kpi, view.kommun)
    if own.empty and analytics.peer_stats_by_year(vals, kpi, py.by_year, span).empty:
        kpi, gross = part.cost, True
        own = analytics.series(vals, kpi, view.kommun)
    own = own[(own.index >= span[0]) & (own.index <= span[1])]
    stats = analytics.only_covered(analytics.peer_stats_by_year(vals, kpi, py.by_year, span))
    fetched = src.fetched_all([part.net_cost, part.cost])
    return PartSeries(
        part, py, kpi, gross, own, stats, src.first_preliminary(kpi), fetched, vals, src.names,
        view.kommun,
    )  # fmt: skip


# ---- Kostnadsdrivare -------------------------------------------------------------------------
@dataclass(frozen=True)
class TreeView:
    """One driver tree of a view: its peers (an IFO part has its own family) and figures."""

    tree: DriverTree
    peer_years: PeerYears
    figures: driver_figures.TreeFigures
    first_preliminary: dict[str, int | None]
    fetched: bool
    values: pd.DataFrame
    names: Mapping[str, str]
    kommun: str

    @property
    def peers(self):
        return self.peer_years.peers

    def matrix(self, series: driver_figures.DriverSeries) -> pd.DataFrame:
        """Every kommun's value of a driver × every year, the statistics under them."""
        d, span = series.driver, self.peer_years.span
        return peer_matrix(
            self.values, d.kpi, self.kommun, self.peer_years, self.names,
            # the driver's own statistics: implausible values are left out of them
            list(range(span[0], span[1] + 1)), stats_by_year(series.stats),
            self.first_preliminary.get(d.kpi), decimals_for(d.unit),
        )  # fmt: skip

    @property
    def largest(self) -> driver_figures.DriverFigure | None:
        return driver_figures.largest_difference(self.figures.figures)

    def without_year(self, kommun_name: str, span: tuple[int, int]) -> str:
        """Why the tree has no figures: no year with the kommun's value and enough peers."""
        return absent(
            self.fetched,
            f"{self.tree.drivers[0].title.lower()} för {kommun_name}",
            f"åren {span[0]}–{span[1]} där tillräckligt många jämförelsekommuner har värden",
        )


def tree_view(src: Source, view: View, span: tuple[int, int], tree: DriverTree) -> TreeView:
    py = src.peer_years(view, span, tree.code)
    vals = src.values([*tree.kpis, POPULATION], [view.kommun, *py.everyone])
    prel = {k: src.first_preliminary(k) for k in tree.kpis}
    name = src.names.get(view.kommun, view.kommun)
    tf = driver_figures.tree_figures(
        vals, tree, view.kommun, py.peers.ids, py.by_year, span, name, prel
    )
    return TreeView(
        tree, py, tf, prel, src.fetched_all([tree.drivers[0].kpi]), vals, src.names, view.kommun
    )


def tree_views(src: Source, view: View, span: tuple[int, int]) -> list[TreeView]:
    return [tree_view(src, view, span, t) for t in trees_for(view.area)]


def largest_sentence(
    trees: list[TreeView], year: int | None = None, group: str | None = None
) -> str | None:
    """The sentence about the area's driver furthest from its peers' median (over every tree),
    when the peers cover it and the difference is material; None otherwise. One paragraph is
    one year and one group: where the driver's year or group is not the paragraph's (``year``,
    ``group``), the sentence says which."""
    found = [(t.largest, t) for t in trees if t.largest is not None]
    if not found:
        return None
    best, t = max(found, key=lambda f: abs(f[0].relative))
    text = driver_figures.difference_sentence(best, narrative.area_in_sentence(t.tree.title))
    label = t.peer_years.label_for(best.year)
    other = []
    if year is not None and best.year != year:
        other.append(f"gäller {best.year}, det senaste året med kostnadsdrivare")
    if group is not None and label != group:
        other.append(f"jämförs med gruppen {narrative.group_label(label)}")
    if other:
        text += f" (Uppgiften {' och '.join(other)}.)"
    return text


# ---- Budgetmål -------------------------------------------------------------------------------
@dataclass(frozen=True)
class BudgetBase:
    """Budgetmål's starting point for a view: the years that can be the base (utgångsläge)
    and the default one; per base year, the figures every target is computed from."""

    area: Area
    kommun: str
    peers: list[str]
    values: pd.DataFrame
    stats: pd.DataFrame
    choices: tuple[budget.BaseChoice, ...]
    default: int | None

    def at(self, base: int) -> budget.BaseFigures:
        return budget.base_figures(
            self.values, self.area, self.kommun, self.peers, self.stats, base, self.choices
        )

    def report_text(
        self, at: budget.BaseFigures, kommun_name: str, group: str, span: tuple[int, int],
        first_preliminary,
    ) -> str:  # fmt: skip
        """The report paragraph for the base year (Budgetmål's "Text till tjänsteskrivelse")."""
        own = analytics.series(self.values, self.area.nka_pct, self.kommun)
        own = own[(own.index >= span[0]) & (own.index <= span[1])]
        prel_from = first_preliminary(self.area.nka_pct)
        row = at.stats_row
        median = None if row is None else float(row["median"])
        facts = narrative.ReportFacts(
            kommun=kommun_name,
            area=self.area.title,
            year=at.year,
            nka=at.nka,
            series={int(y): float(v) for y, v in own.items()},
            first_shown_year=span[0],
            preliminary=prel_from is not None and at.year >= prel_from,
            group=group,
            median=median,
            peers_with_value=0 if row is None else int(row["n"]),
            peers_total=len(self.peers),
            placement=analytics.placement(
                self.values, self.area.nka_pct, self.kommun, self.peers, at.year
            ),
            gap_to_median=None if median is None else analytics.gap(at.nka, median, at.ref),
            population=at.population,
        )
        return narrative.report_paragraph(facts).text()

    def newest(self, base: int) -> budget.Newest | None:
        """The kommun's newest value, when it is newer than ``base``."""
        return budget.newest_value(self.values, self.area, self.kommun, self.choices, base)

    def newer_uncovered(self, base: int) -> list[budget.BaseChoice]:
        """Years after ``base`` with the kommun's value, when none of them has enough peers."""
        newer = [c for c in self.choices if c.year > base]
        return newer if newer and not any(c.covered for c in newer) else []


def budget_base(src: Source, view: View) -> BudgetBase:
    a = area(view.area)
    span = src.span(view)
    last = max(span[1], (src.years or span)[1])  # a newer year may be the base too
    peers = src.peers(view).ids
    vals = src.values([*a.kpis, POPULATION], [view.kommun, *peers])
    own = [
        y for y in analytics.years_with_data(vals, a.nka_pct, view.kommun) if span[0] <= y <= last
    ]
    stats = analytics.peer_stats(vals, a.nka_pct, peers, (span[0], last))
    choices = tuple(budget.base_choices(own, stats, len(peers)))
    return BudgetBase(
        a, view.kommun, list(peers), vals, stats, choices, budget.default_base(choices, span[1])
    )


# ---- Alla områden ----------------------------------------------------------------------------
@dataclass(frozen=True)
class AreaMatrix:
    """NKA % per area × year for a kommun, and the difference to each area's peer median."""

    matrix: pd.DataFrame  # analytics.area_matrix with a ``preliminary`` column
    labels: dict[str, str]  # area code → its peer group's label
    members: list[str]  # every peer of any area (sorted)
    fetched: bool


def area_matrix(src: Source, view: View, span: tuple[int, int]) -> AreaMatrix:
    by_area, labels = {}, {}
    for a in AREAS:
        py = src.peer_years(replace(view, area=a.code), span)
        by_area[a.code], labels[a.code] = py.by_year, py.peers.label
    members = sorted(set().union(*(m for y in by_area.values() for m in y.values())))
    kpis = [a.nka_pct for a in AREAS]
    matrix = analytics.area_matrix(
        src.values(kpis, [view.kommun, *members]), view.kommun, AREAS, by_area, span
    )
    prel = {a.code: src.first_preliminary(a.nka_pct) for a in AREAS}
    matrix["preliminary"] = [
        analytics.is_preliminary(int(y), prel[c])
        for c, y in zip(matrix["area"], matrix["period"], strict=True)
    ]
    return AreaMatrix(
        matrix, labels, [m for m in members if m != view.kommun], src.fetched_all(kpis)
    )


# ---- Kostnad och kvalitet --------------------------------------------------------------------
@dataclass(frozen=True)
class QualityScatter:
    """One quality KPI against the area's NKA in one year: the kommun and its peers as points,
    the kommun's trail over the years, and its quadrant against the peers' medians."""

    q: QualityKpi
    year: int
    years: list[int]  # years with the kommun's NKA and quality value (the page's choice)
    points: pd.DataFrame  # quality.points: the kommun first
    trail: pd.DataFrame  # quality.trail
    position: quality.Position  # the quality KPI at ``year``
    nka_median: float | None  # the peers' median NKA at ``year`` (None: too few)
    nka_n: int
    preliminary: bool  # the NKA of ``year`` is preliminary

    @property
    def quadrant(self) -> quality.Quadrant | None:
        own = self.points.loc[self.points["focus"], "nka"]
        if self.nka_median is None or own.isna().any() or self.position.own is None:
            return None
        return quality.Quadrant(self.year, float(own.iloc[0]), self.nka_median, self.position)

    @property
    def medians(self) -> tuple[float | None, float | None]:
        """The peers' medians of NKA and of the quality KPI at ``year`` (None: too few)."""
        return self.nka_median, self.position.median

    @property
    def chart_args(self) -> tuple:
        """``charts.quadrant_chart``'s arguments, the same in the page and the report."""
        q = self.q
        prel = f" {fmt.PRELIMINARY}" if self.preliminary else ""
        better_up = "" if q.higher_is_better else f" ({q.comparatives[1]} uppåt)"
        return (
            self.points, self.trail, f"Nettokostnadsavvikelse (%){prel}", q.title + better_up,
            self.medians, q.higher_is_better, quality.UNIT_SUFFIX.get(q.unit, ""),
        )  # fmt: skip

    def table(self) -> pd.DataFrame:
        """The values behind the chart (``quality.points_table``)."""
        return quality.points_table(self.points, self.q, self.medians)

    @property
    def both(self) -> int:
        """Peers drawn: with both values."""
        peers = self.points[~self.points["focus"]]
        return int((peers["nka"].notna() & peers["quality"].notna()).sum())


@dataclass(frozen=True)
class QualityFigures:
    """An area's quality KPIs for a view: the kommun's position on each against the view's
    peers (its latest year with a value), and what a scatter of one of them needs."""

    view: View
    area: Area
    kommun_name: str
    span: tuple[int, int]
    peer_years: PeerYears
    positions: tuple[quality.Position, ...]
    values: pd.DataFrame  # the NKA and the quality KPIs, the kommun and every peer
    names: dict[str, str]
    first_preliminary: int | None  # of the NKA
    fetched: bool

    def matrix(self, kpi: str) -> pd.DataFrame:
        """Every kommun's value of a quality KPI × every year shown, the statistics under."""
        return peer_matrix(
            self.values, kpi, self.view.kommun, self.peer_years, self.names,
            list(range(self.span[0], self.span[1] + 1)), None, None,
            decimals_for(QUALITY_BY_KPI[kpi].unit),
        )  # fmt: skip

    @property
    def nka_year(self) -> int | None:
        """The latest year of the span with the kommun's NKA (a quality KPI may end earlier)."""
        return analytics.latest_year(self.values, self.area.nka_pct, self.view.kommun, self.span)

    def lag_note(self, s: QualityScatter) -> str:
        """'Diagrammet visar 2022 …' when the cost has a later year than the scatter's."""
        if self.nka_year is None or self.nka_year <= s.year:
            return ""
        what = f"”{s.q.title}”"
        return (
            f"Diagrammet visar {s.year}, det senaste året med både NKA och {what} för "
            f"{self.kommun_name}; NKA finns till {self.nka_year}."
        )

    @property
    def default_kpi(self) -> str | None:
        """The KPI a scatter shows first: the first with a peer median, else the first with
        the kommun's value; None when the kommun has none."""
        covered = [p.q.kpi for p in self.positions if p.median is not None]
        valued = [p.q.kpi for p in self.positions if p.own is not None]
        return (covered or valued or [None])[0]

    @property
    def not_fetched(self) -> str:
        """What to say instead of positions when the quality KPIs were never fetched."""
        return absent(
            False, f"kvalitetsmåtten för {narrative.area_in_sentence(self.area.title)}", ""
        )

    def without_values(self) -> str:
        """Why no quality KPI can be shown for the kommun."""
        where = f"åren {self.span[0]}–{self.span[1]}"
        return absent(self.fetched, f"kvalitetsmåtten för {self.kommun_name}", where)

    def scatter(self, kpi: str, year: int | None = None) -> QualityScatter | None:
        """``kpi`` against the NKA in ``year`` (default: the latest year of the span with both
        of the kommun's values); None when the kommun has no such year."""
        q, nka, kommun = QUALITY_BY_KPI[kpi], self.area.nka_pct, self.view.kommun
        years = [
            y
            for y in quality.years_with_both(self.values, nka, q, kommun)
            if self.span[0] <= y <= self.span[1]
        ]
        if not years:
            return None
        year = year if year in years else years[-1]
        peers = self.peer_years.members_at(year)
        by_year = {year: peers}
        position = quality.position(self.values, q, kommun, by_year, (year, year))
        stats = analytics.peer_stats(self.values, nka, peers, (year, year))
        n, _, covered = analytics.coverage_at(stats, year)
        return QualityScatter(
            q, year, years,
            quality.points(self.values, nka, q, kommun, peers, year, self.names),
            quality.trail(self.values, nka, q, kommun, self.span),
            position,
            float(stats.set_index("period").at[year, "median"]) if covered else None,
            n,
            analytics.is_preliminary(year, self.first_preliminary),
        )  # fmt: skip


def quality_figures(src: Source, view: View) -> QualityFigures:
    a = area(view.area)
    span = src.span(view)
    py = src.peer_years(view, span)
    qs = quality_for(a.code)
    kpis = [q.kpi for q in qs]
    values = src.values([a.nka_pct, *kpis], [view.kommun, *py.everyone])
    positions = tuple(quality.position(values, q, view.kommun, py.by_year, span) for q in qs)
    names = {m: src.names.get(m, m) for m in [view.kommun, *py.everyone]}
    return QualityFigures(
        view, a, names[view.kommun], span, py, positions, values, names,
        src.first_preliminary(a.nka_pct), src.fetched_all(kpis),
    )  # fmt: skip


def quality_by_area(src: Source, view: View) -> list[QualityFigures]:
    """``quality_figures`` of every area with quality KPIs, each against its own peers (as
    Alla områden compares each area with its own group)."""
    return [quality_figures(src, replace(view, area=a.code)) for a in AREAS if quality_for(a.code)]
