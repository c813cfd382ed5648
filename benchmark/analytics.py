"""Peer statistics, placement, differences and kronor: pure pandas over tidy total values.

``values`` everywhere is a frame with columns ``kpi, municipality, period, value`` holding only
total (``T``) rows, as ``kolada.frames.totals`` gives. Everything computed here is "Egen
bearbetning av data från Kolada"; the raw values stay Kolada's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from benchmark.numbers import printed_difference
from kolada.catalogue import POPULATION, Area

METHOD_BREAK_YEAR = 2019  # new referenskostnad model from 2019: earlier years are not comparable
STAT_COLUMNS = ["period", "n", "N", "covered", "min", "q1", "median", "q3", "max", "mean"]
MIN_PEERS = 3  # a peer statistic needs at least this many peers with a value …
MIN_PEER_SHARE = 0.5  # … and at least this share of the group's members


def covered(n: int, total: int) -> bool:
    """Enough peers report for a peer statistic (median, mean, band, placement, target) to be
    shown: at least ``MIN_PEERS`` and at least ``MIN_PEER_SHARE`` of the ``total`` members."""
    return n >= MIN_PEERS and n >= MIN_PEER_SHARE * total


def coverage_text(n: int, total: int) -> str:
    """'för få jämförelsevärden (1 av 7)' — why a peer statistic is not shown."""
    return f"för få jämförelsevärden ({n} av {total})"


def _kpi(values: pd.DataFrame, kpi: str | None) -> pd.DataFrame:
    if kpi is None or values.empty:
        return values.iloc[0:0]
    return values[values["kpi"] == kpi]


def value_at(values: pd.DataFrame, kpi: str | None, municipality: str, year: int) -> float | None:
    """One raw value, or None when Kolada has none (missing row or null)."""
    rows = _kpi(values, kpi)
    hit = rows.loc[(rows["municipality"] == municipality) & (rows["period"] == year), "value"]
    if hit.empty or pd.isna(hit.iloc[0]):
        return None
    return float(hit.iloc[0])


def series(values: pd.DataFrame, kpi: str, municipality: str) -> pd.Series:
    """A municipality's values by year (nulls dropped)."""
    rows = _kpi(values, kpi)
    rows = rows[(rows["municipality"] == municipality) & rows["value"].notna()]
    return rows.set_index("period")["value"].sort_index().astype(float)


def years_with_data(values: pd.DataFrame, kpi: str, municipality: str) -> list[int]:
    return [int(y) for y in series(values, kpi, municipality).index]


def latest_year(
    values: pd.DataFrame, kpi: str, municipality: str, years: tuple[int, int]
) -> int | None:
    """The latest year in ``years`` (inclusive range) where the municipality has a value."""
    inside = [y for y in years_with_data(values, kpi, municipality) if years[0] <= y <= years[1]]
    return max(inside) if inside else None


def peer_stats(
    values: pd.DataFrame, kpi: str, peers: Iterable[str], years: tuple[int, int] | None = None
) -> pd.DataFrame:
    """Per year over the peers' values: n (with a value), N (members), ``covered`` (see
    ``covered``), min, quartiles, median, max and the unweighted mean ("ovägt medel").
    Callers show the statistics of a year only where ``covered`` is true."""
    peers = list(dict.fromkeys(peers))
    rows = _kpi(values, kpi)
    rows = rows[rows["municipality"].isin(peers) & rows["value"].notna()]
    if years:
        rows = rows[rows["period"].between(years[0], years[1])]
    if rows.empty:
        return pd.DataFrame(columns=STAT_COLUMNS)
    grouped = rows.groupby("period")["value"]
    out = pd.DataFrame(
        {
            "n": grouped.count(),
            "min": grouped.min(),
            "q1": grouped.quantile(0.25),
            "median": grouped.median(),
            "q3": grouped.quantile(0.75),
            "max": grouped.max(),
            "mean": grouped.mean(),
        }
    )
    out["N"] = len(peers)
    out["covered"] = [covered(int(n), len(peers)) for n in out["n"]]
    return out.reset_index()[STAT_COLUMNS].astype({"period": int, "n": int, "N": int})


def members_by_year_only(values: pd.DataFrame, by_year: Mapping[int, set]) -> pd.DataFrame:
    """Only the rows of kommuner that were peers in each row's year (``by_year``: year → ids)."""
    pairs = [(m, int(y)) for y, ms in by_year.items() for m in ms]
    if values.empty or not pairs:  # no peers at all: nothing (an empty list has no levels)
        return values.iloc[0:0]
    allowed = pd.MultiIndex.from_tuples(pairs)
    here = pd.MultiIndex.from_arrays([values["municipality"], values["period"].astype(int)])
    return values[here.isin(allowed)]


def peer_stats_by_year(
    values: pd.DataFrame, kpi: str, by_year: Mapping[int, set], years: tuple[int, int]
) -> pd.DataFrame:
    """``peer_stats`` where each year has its own peers (a peer group's edition in force that
    year): only those peers' values count that year, and N and ``covered`` are per year."""
    rows = members_by_year_only(_kpi(values, kpi), by_year)
    everyone = set().union(*by_year.values()) if by_year else set()
    stats = peer_stats(rows, kpi, sorted(everyone), years)
    if stats.empty:
        return stats
    stats["N"] = [len(by_year.get(int(p), ())) for p in stats["period"]]
    stats["covered"] = [
        covered(int(n), int(t)) for n, t in zip(stats["n"], stats["N"], strict=True)
    ]
    return stats


PEER_VALUES = ["min", "q1", "median", "q3", "max", "mean"]
# the statistics' column names in a table a reader sees (page, export, report)
STAT_TITLES = {
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


def only_covered(stats: pd.DataFrame) -> pd.DataFrame:
    """``peer_stats`` with the statistics of years without coverage blanked (NaN), so a chart
    or table shows no median of one peer; ``n`` and ``N`` stay, to say why."""
    out = stats.copy()
    if not out.empty:
        out.loc[~out["covered"].astype(bool), PEER_VALUES] = math.nan
    return out


def coverage_at(stats: pd.DataFrame, year: int) -> tuple[int, int, bool]:
    """(peers with a value, members, covered) for one year of ``peer_stats``."""
    row = stats[stats["period"] == year]
    if row.empty:
        total = int(stats["N"].iloc[0]) if not stats.empty else 0
        return 0, total, covered(0, total)
    return int(row["n"].iloc[0]), int(row["N"].iloc[0]), bool(row["covered"].iloc[0])


def latest_covered_year(
    values: pd.DataFrame, kpi: str, municipality: str, peers: Iterable[str], years: tuple[int, int]
) -> int | None:
    """The latest year in ``years`` where the kommun has a value and enough peers report:
    where a view's default range ends (Åtvidaberg IFO: 2022, not 2025)."""
    stats = peer_stats(values, kpi, peers, years)
    good = set(stats.loc[stats["covered"].astype(bool), "period"].astype(int))
    own = [y for y in years_with_data(values, kpi, municipality) if y in good]
    return max(own) if own else None


@dataclass(frozen=True)
class Placement:
    rank: int  # 1 = lowest value (lowest cost level relative to the reference)
    n: int  # kommun + peers with a value that year
    of_peers: int  # peers with a value
    peers_total: int  # peers in the group

    @property
    def text(self) -> str:
        return f"{self.rank} av {self.n}"


def placement(
    values: pd.DataFrame, kpi: str, municipality: str, peers: Iterable[str], year: int
) -> Placement | None:
    """Where the municipality stands among itself + peers in ``year``; None without a value."""
    peers = [p for p in dict.fromkeys(peers) if p != municipality]
    own = value_at(values, kpi, municipality, year)
    if own is None:
        return None
    rows = _kpi(values, kpi)
    peer_values = rows.loc[
        rows["municipality"].isin(peers) & (rows["period"] == year), "value"
    ].dropna()
    rank = int((peer_values < own).sum()) + 1
    return Placement(rank, len(peer_values) + 1, len(peer_values), len(peers))


@dataclass(frozen=True)
class ReferenceCost:
    """The kommun's referenskostnad for a year, per invånare and in total (mnkr) where known."""

    kr_per_inhabitant: float | None
    total_mnkr: float | None  # referenskostnad × invånare
    derived: bool  # True: not Kolada's own referenskostnad figure
    how: str  # the formula, with KPI ids: "N30005 / (1 + N30001/100)"
    words: str = "Koladas referenskostnad"  # plain words: "nettokostnaden och …"


MIN_NKA_FOR_MNKR_ROUTE = 1.0  # dividing by NKA % near zero amplifies rounding (peers.md §3.6)


def kommun_year(values: pd.DataFrame, municipality: str, year: int) -> dict[str, float]:
    """One kommun's values for one year, KPI → value (nulls left out): one filter, not one per
    KPI."""
    rows = values[(values["municipality"] == municipality) & (values["period"] == year)]
    return {str(k): float(v) for k, v in zip(rows["kpi"], rows["value"], strict=True) if v == v}


def by_kommun(values: pd.DataFrame, year: int, municipalities: Iterable[str]) -> dict[str, dict]:
    """``kommun_year`` for many kommuner at once (one pass over the year's rows)."""
    wanted = set(municipalities)
    rows = values[values["period"] == year]
    out: dict[str, dict[str, float]] = {m: {} for m in wanted}
    for m, k, v in zip(rows["municipality"], rows["kpi"], rows["value"], strict=True):
        if m in wanted and v == v:
            out[m][str(k)] = float(v)
    return out


def reference_cost(
    values: pd.DataFrame, area: Area, municipality: str, year: int
) -> ReferenceCost | None:
    """Referenskostnad for one kommun and year (see ``reference_cost_of``)."""
    return reference_cost_of(kommun_year(values, municipality, year), area)


def reference_cost_of(got: Mapping[str, float], area: Area) -> ReferenceCost | None:
    """Referenskostnad from one kommun-year's values (KPI → value), in this order of preference:

    1. Kolada's referenskostnad KPI (kr/inv) × invånare;
    2. derived: nettokostnad / (1 + NKA%/100) — NKA's definition turned around;
    3. derived in total: NKA mnkr / (NKA%/100), when |NKA %| ≥ 1 (per invånare with invånare).
    """
    pop = got.get(POPULATION)
    nka = got.get(area.nka_pct) if area.nka_pct else None

    def total(per_inhabitant: float) -> float | None:
        return per_inhabitant * pop / 1e6 if pop else None

    ref = got.get(area.reference_cost) if area.reference_cost else None
    if ref is not None:
        return ReferenceCost(ref, total(ref), False, f"Kolada {area.reference_cost}")
    net = got.get(area.net_cost) if area.net_cost else None
    if net is not None and nka is not None and nka > -100:
        per = net / (1 + nka / 100)
        how = f"{area.net_cost} / (1 + {area.nka_pct}/100)"
        return ReferenceCost(
            per, total(per), True, how, "nettokostnaden och nettokostnadsavvikelsen i procent"
        )
    mnkr = got.get(area.nka_mnkr) if area.nka_mnkr else None
    if mnkr is not None and nka is not None and abs(nka) >= MIN_NKA_FOR_MNKR_ROUTE:
        whole = mnkr / (nka / 100)
        per = whole * 1e6 / pop if pop else None
        how = f"{area.nka_mnkr} / ({area.nka_pct}/100)"
        return ReferenceCost(
            per, whole, True, how, "nettokostnadsavvikelsen i kronor och i procent"
        )
    return None


@dataclass(frozen=True)
class Gap:
    points: float  # own NKA % − target NKA %, in procentenheter
    kr_per_inhabitant: float | None
    mnkr: float | None


def gap(nka_own: float, nka_target: float, ref: ReferenceCost) -> Gap:
    """peers.md §3.6: gap_kr = (NKA%_own − NKA%_target)/100 × referenskostnad × invånare, with
    the one rounding rule for a gap: the difference of the two figures as shown (one decimal,
    ``numbers.printed_difference``), so that card, table, text and kronor all use one value."""
    points = printed_difference(nka_own, nka_target)
    per = points / 100 * ref.kr_per_inhabitant if ref.kr_per_inhabitant is not None else None
    whole = points / 100 * ref.total_mnkr if ref.total_mnkr is not None else None
    return Gap(points, per, whole)


def population(values: pd.DataFrame, municipality: str, year: int) -> float | None:
    return value_at(values, POPULATION, municipality, year)


def ranking(
    values: pd.DataFrame,
    kpi: str,
    municipality: str,
    peers: Iterable[str],
    year: int,
    names: Mapping[str, str],
) -> pd.DataFrame:
    """The kommun and its peers for one year, lowest value first, missing values last.

    Columns: municipality, title, value, rank (NaN when missing), focus, label.
    """
    members = [municipality, *[p for p in dict.fromkeys(peers) if p != municipality]]
    rows = _kpi(values, kpi)
    rows = rows[rows["period"] == year].set_index("municipality")["value"]
    frame = pd.DataFrame(
        {
            "municipality": members,
            "title": [names.get(m, m) for m in members],
            "value": [float(rows[m]) if m in rows.index else math.nan for m in members],
        }
    )
    frame["rank"] = frame["value"].rank(method="min")
    frame["focus"] = frame["municipality"] == municipality
    return frame.sort_values(["value", "title"], na_position="last", ignore_index=True)


def area_matrix(
    values: pd.DataFrame,
    municipality: str,
    areas: Iterable[Area],
    peers_by_area: Mapping[str, list[str] | Mapping[int, set]],
    years: tuple[int, int],
) -> pd.DataFrame:
    """The kommun's NKA % per area × year and the difference to each area's own peer median.

    Columns: area, area_title, period, nka, peer_median, peers_n, diff. Without coverage in a
    year (``covered``), its median and difference are NaN.
    """
    parts = []
    for area in areas:
        own = series(values, area.nka_pct, municipality)
        own = own[(own.index >= years[0]) & (own.index <= years[1])]
        peers = peers_by_area.get(area.code, [])
        if isinstance(peers, Mapping):  # peers per year (each year's edition)
            stats = peer_stats_by_year(values, area.nka_pct, peers, years)
        else:
            stats = peer_stats(values, area.nka_pct, peers, years)
        stats = only_covered(stats).set_index("period")
        for period, nka in own.items():
            median = stats["median"].get(period, math.nan)
            n = int(stats["n"].get(period, 0))
            parts.append(
                {
                    "area": area.code,
                    "area_title": area.title,
                    "period": int(period),
                    "nka": nka,
                    "peer_median": median,
                    "peers_n": n,
                    "diff": printed_difference(nka, median) if median == median else math.nan,
                }
            )
    return pd.DataFrame(
        parts, columns=["area", "area_title", "period", "nka", "peer_median", "peers_n", "diff"]
    )


def first_preliminary_year(kpi_meta: Mapping, fetched: date) -> int | None:
    """Values from this year on are preliminary: a value of the KPI's ``publ_period`` is
    preliminary when it was *fetched* before the KPI's final ``publication_date`` (a value
    fetched earlier stays preliminary in the cache until a refresh after that date confirms
    it); later years, should they exist, are preliminary too. ``fetched`` is when the KPI's
    values were last fetched (a refresh confirms every value of the KPI it asks for)."""
    period = kpi_meta.get("publ_period")
    published = kpi_meta.get("publication_date")
    if not period or pd.isna(period) or not str(period).isdigit():
        return None
    year = int(period)
    try:
        final = date.fromisoformat(str(published)[:10])
    except ValueError:
        return year  # no final date known: treat the latest period as preliminary
    return year if fetched < final else year + 1


def is_preliminary(period: int, first_preliminary: int | None) -> bool:
    return first_preliminary is not None and period >= first_preliminary


def spans_method_break(years: tuple[int, int]) -> bool:
    return years[0] < METHOD_BREAK_YEAR
