"""The figures Översikt shows for a view (pure): the kommun's NKA for the latest year with a
value, the peers' statistics by year, coverage, placement and the gap to the median in kronor.
The page and the report both take them from here, so a report says what the page shows."""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass

import pandas as pd

from benchmark import analytics, narrative
from benchmark.numbers import printed_difference
from kolada.catalogue import Area


@dataclass(frozen=True)
class Overview:
    own: pd.Series  # the kommun's NKA % in the span, by year (Källa: Kolada)
    stats: pd.DataFrame  # the peers' statistics by year, with n, N and coverage
    year: int | None  # the latest year in the span with the kommun's value
    nka: float | None
    nka_mnkr: float | None  # Kolada's NKA in mnkr, where the area has one
    prel_from: int | None  # the first preliminary year of the NKA KPI
    peers_n: int
    peers_total: int
    median: float | None  # None when too few peers report: never a median of one
    placement: analytics.Placement | None
    ref: analytics.ReferenceCost | None
    gap: analytics.Gap | None  # to the median, in p.e., kr/invånare and mnkr
    population: float | None
    shown_stats: pd.DataFrame  # ``stats`` without band or median where too few peers report

    @property
    def preliminary(self) -> bool:
        return self.year is not None and analytics.is_preliminary(self.year, self.prel_from)

    @property
    def covered(self) -> bool:
        return self.median is not None

    @property
    def to_median(self) -> float | None:
        """The kommun's NKA − the peers' median, in p.e., between the two figures as shown
        (None without coverage)."""
        return None if self.median is None else printed_difference(self.nka, self.median)

    @property
    def too_few(self) -> str:
        return analytics.coverage_text(self.peers_n, self.peers_total)

    @property
    def uncovered_years(self) -> list[int]:
        """Years in the span whose peer statistics are not shown (too few peers report)."""
        s = self.stats
        return [int(y) for y in s.loc[~s["covered"].astype(bool), "period"]]

    @property
    def series(self) -> dict[int, float]:
        return {int(y): float(v) for y, v in self.own.items()}


def overview(
    values: pd.DataFrame,
    a: Area,
    kommun: str,
    by_year: Mapping[int, Set[str]],
    span: tuple[int, int],
    prel_from: int | None,
) -> Overview:
    """``values`` holds the area's KPIs and the population for the kommun and every peer of
    ``by_year`` (the peers of each year: one edition for all years, or each year's own)."""
    own = analytics.series(values, a.nka_pct, kommun)
    own = own[(own.index >= span[0]) & (own.index <= span[1])]
    stats = analytics.peer_stats_by_year(values, a.nka_pct, by_year, span)
    year = analytics.latest_year(values, a.nka_pct, kommun, span)
    shown = analytics.only_covered(stats)
    if year is None:
        return Overview(
            own, stats, None, None, None, prel_from, 0, 0, None, None, None, None, None, shown
        )
    nka = analytics.value_at(values, a.nka_pct, kommun, year)
    row = stats[stats["period"] == year]
    n, total, has_cover = analytics.coverage_at(stats, year)
    median = float(row["median"].iloc[0]) if has_cover else None
    place = (
        analytics.placement(values, a.nka_pct, kommun, sorted(by_year[year]), year)
        if has_cover
        else None
    )
    ref = analytics.reference_cost(values, a, kommun, year)
    gap = analytics.gap(nka, median, ref) if median is not None and ref is not None else None
    return Overview(
        own,
        stats,
        year,
        nka,
        analytics.value_at(values, a.nka_mnkr, kommun, year) if a.nka_mnkr else None,
        prel_from,
        n,
        total,
        median,
        place,
        ref,
        gap,
        analytics.population(values, kommun, year),
        shown,
    )


def report_facts(
    o: Overview, kommun_name: str, area_title: str, group_label: str, span: tuple[int, int],
    peers_total: int,
) -> narrative.ReportFacts:  # fmt: skip
    """The facts behind the report paragraph ("Text till tjänsteskrivelse")."""
    return narrative.ReportFacts(
        kommun=kommun_name,
        area=area_title,
        year=o.year,
        nka=o.nka,
        series=o.series,
        first_shown_year=span[0],
        preliminary=o.preliminary,
        group=group_label,
        median=o.median,
        peers_with_value=o.peers_n,
        peers_total=peers_total,
        placement=o.placement,
        gap_to_median=o.gap,
        population=o.population,
    )


def sentence_facts(
    o: Overview, kommun_name: str, area_title: str, peers, edition: str | None = None,
    peers_total: int | None = None,
) -> narrative.Facts:  # fmt: skip
    """The facts behind Översikt's short text (``narrative.overview_sentences``); ``edition``
    names the year's edition in per-year mode, ``peers_total`` its size."""
    return narrative.Facts(
        kommun=kommun_name,
        area=area_title,
        year=o.year,
        nka=o.nka,
        preliminary=o.preliminary,
        median=o.median,
        peers_with_value=o.peers_n,
        peers_total=len(peers.ids) if peers_total is None else peers_total,
        placement=o.placement,
        series=o.series,
        gap_to_median=o.gap,
        edition=edition,
    )


def series_table(o: Overview, kommun_name: str) -> pd.DataFrame:
    """The values behind Översikt's chart, a row a year: the kommun's NKA, whether it is
    preliminary, and the peers' statistics where they are covered (indexed by year)."""
    table = (
        o.shown_stats.drop(columns=["covered", "coverage"], errors="ignore")
        .rename(columns=analytics.STAT_TITLES)
        .set_index("År")
    )
    table = table.reindex(sorted(set(table.index) | set(o.own.index)))
    table.index.name = "År"
    table.insert(0, kommun_name, o.own.reindex(table.index))
    table.insert(
        1,
        "Preliminärt",
        ["ja" if analytics.is_preliminary(y, o.prel_from) else "" for y in table.index],
    )
    return table


def with_driver(text: str, driver: str | None) -> str:
    """The report paragraph with the driver sentence at the end of its first paragraph."""
    if driver is None:
        return text
    return text.replace("\n\n", f" {driver}\n\n", 1) if "\n\n" in text else f"{text} {driver}"
