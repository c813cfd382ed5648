"""Cost drivers of one kommun against its peers (pure): each driver's value, the peers'
median and quartiles, placement and coverage for a year; the volume × unit-cost split where an
identity holds; the largest material difference for the report text.

The driver trees are data (``kolada.drivers``); this module only computes and words them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass

import pandas as pd

from benchmark import analytics, charts, fmt, narrative
from benchmark.decomposition import (
    FactorWords,
    Split,
    peers_with_both,
    reference_from_peers,
    split_sentence,
    split_two_factors,
)
from benchmark.numbers import money
from kolada.catalogue import POPULATION
from kolada.drivers import (
    Driver,
    DriverTree,
    Identity,
    basis_population,
    derived_unit_cost,
)

# A driver differs materially from the peers when the kommun's value is at least this far
# from their median (relative): 0.25 = 25 % higher or lower. Stated in Om data.
MATERIAL = 0.25
COMPARED_KINDS = ("volume", "unit_cost", "share")  # what the report sentence picks among

# How each identity's two factors read in a sentence (mid-sentence, Swedish).
FACTOR_WORDS: Mapping[str, FactorWords] = {
    "LSS boende": FactorWords(
        "fler brukare per invånare",
        "färre brukare per invånare",
        "antalet brukare per invånare",
        "högre kostnad per brukare",
        "lägre kostnad per brukare",
        "kostnaden per brukare",
    ),
    "LSS daglig verksamhet": FactorWords(
        "fler deltagare per invånare",
        "färre deltagare per invånare",
        "antalet deltagare per invånare",
        "högre kostnad per deltagare",
        "lägre kostnad per deltagare",
        "kostnaden per deltagare",
    ),
    "Hemtjänst": FactorWords(
        "en större andel äldre med hemtjänst",
        "en mindre andel äldre med hemtjänst",
        "andelen äldre med hemtjänst",
        "högre kostnad per hemtjänsttagare",
        "lägre kostnad per hemtjänsttagare",
        "kostnaden per hemtjänsttagare",
    ),
    "Ekonomiskt bistånd": FactorWords(
        "en större andel invånare med bistånd",
        "en mindre andel invånare med bistånd",
        "andelen invånare med bistånd",
        "högre kostnad per biståndsmottagare",
        "lägre kostnad per biståndsmottagare",
        "kostnaden per biståndsmottagare",
    ),
}
DEFAULT_WORDS = FactorWords(
    "högre volym", "lägre volym", "volymen", "högre styckkostnad", "lägre styckkostnad",
    "styckkostnaden",
)  # fmt: skip


def value_text(value: float | None, unit: str) -> str:
    """A driver's value in its unit, Swedish style: "12,3 %", "4 512 kr", "6,1", "1 234"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return fmt.MISSING
    if unit == "%":
        return fmt.percent(value)
    if unit.startswith("kr"):
        return f"{fmt.number(value, 0)}{fmt.SPACE}kr"
    if unit == "antal":
        return fmt.integer(value)
    return fmt.number(value, 1)


def shown_value(f: DriverFigure, first_preliminary: int | None) -> str:
    """The kommun's value as shown, marked when it is preliminary."""
    text = value_text(f.value, f.driver.unit)
    if f.value is not None and analytics.is_preliminary(f.year, first_preliminary):
        text += f" {fmt.PRELIMINARY}"
    return text


@dataclass(frozen=True)
class DriverFigure:
    driver: Driver
    year: int
    value: float | None  # the kommun's (Källa: Kolada)
    median: float | None  # peers' statistics: None when too few peers report
    q1: float | None
    q3: float | None
    n: int  # peers with a value
    total: int  # peers in the group
    placement: analytics.Placement | None  # among the kommun and peers with a value

    @property
    def covered(self) -> bool:
        return analytics.covered(self.n, self.total)

    @property
    def relative(self) -> float | None:
        """(value / median − 1): how far from the peers' median, when both are known."""
        if self.value is None or self.median is None or self.median == 0:
            return None
        return self.value / self.median - 1


def driver_figures(
    values: pd.DataFrame, tree: DriverTree, kommun: str, peers: Iterable[str], year: int
) -> list[DriverFigure]:
    """Every driver of ``tree`` for ``year``: the kommun's value and the peers' statistics
    (shown only where enough peers report, ``analytics.covered``)."""
    peers = [p for p in dict.fromkeys(peers) if p != kommun]
    out = []
    for d in tree.drivers:
        stats = analytics.peer_stats(values, d.kpi, peers, (year, year))
        row = stats.iloc[0] if not stats.empty else None
        n = int(row["n"]) if row is not None else 0
        ok = analytics.covered(n, len(peers))

        def stat(column: str, row=row, ok=ok) -> float | None:
            return float(row[column]) if ok and row is not None else None

        out.append(
            DriverFigure(
                d,
                year,
                analytics.value_at(values, d.kpi, kommun, year),
                stat("median"),
                stat("q1"),
                stat("q3"),
                n,
                len(peers),
                analytics.placement(values, d.kpi, kommun, peers, year) if ok else None,
            )
        )
    return out


def latest_year(
    values: pd.DataFrame, tree: DriverTree, kommun: str, peers: Iterable[str], span: tuple
) -> int | None:
    """The latest year in ``span`` where the kommun has a value of the tree's first driver and
    enough peers report it."""
    first = tree.drivers[0].kpi
    return analytics.latest_covered_year(values, first, kommun, list(peers), span)


def largest_difference(figures: Iterable[DriverFigure]) -> DriverFigure | None:
    """The volume, unit-cost or share driver furthest from the peers' median, when the peers
    cover it and the difference is material (``MATERIAL``); else None."""
    found = [
        f
        for f in figures
        if f.driver.kind in COMPARED_KINDS
        and f.covered
        and f.relative is not None
        and abs(f.relative) >= MATERIAL
    ]
    return max(found, key=lambda f: abs(f.relative), default=None)


def difference_sentence(f: DriverFigure, part: str) -> str:
    """'Störst skillnad mot jämförelsegruppen bland kostnadsdrivarna för barn och unga 2022:
    ”Placerade på HVB, antal/1 000 inv 0–20 år” är 6,1 mot medianen 3,2, det vill säga 91 %
    högre, plats 7 av 8 där 1 är lägst.' A share in % differs in procentenheter."""
    value, median = value_text(f.value, f.driver.unit), value_text(f.median, f.driver.unit)
    word = "högre" if f.relative > 0 else "lägre"
    if f.driver.unit == "%":
        diff = narrative.printed_difference(f.value, f.median)
        how_far = f"{fmt.number(abs(diff), 1)} p.e. {word}"
    else:
        how_far = f"{fmt.number(abs(f.relative) * 100, 0)}{fmt.SPACE}% {word}"
    place = f", plats {f.placement.text} där 1 är lägst" if f.placement is not None else ""
    return (
        f"Störst skillnad mot jämförelsegruppen bland kostnadsdrivarna för {part} {f.year}: "
        f"”{f.driver.title}” är {value} mot medianen {median}, det vill säga {how_far}{place}."
    )


def change_text(own: pd.Series, year: int, unit: str) -> str:
    """The kommun's own change from the first year it has a value (in ``own``) to ``year``:
    "−63 % sedan 2018"; a share in procentenheter ("−1,9 p.e. sedan 2018"). "–" without an
    earlier value to compare with."""
    earlier = own[(own.index < year) & own.notna()]
    if earlier.empty or year not in own.index or pd.isna(own[year]):
        return "–"
    first = int(earlier.index.min())
    start, end = float(earlier[first]), float(own[year])
    if unit == "%":
        return f"{fmt.number(end - start, 1, sign=True)}{fmt.SPACE}p.e. sedan {first}"
    if start == 0:
        return "–"
    return f"{fmt.number((end / start - 1) * 100, 0, sign=True)}{fmt.SPACE}% sedan {first}"


# ---- volume × unit cost ----------------------------------------------------------------------
@dataclass(frozen=True)
class IdentityFigure:
    identity: Identity
    year: int
    split: Split | None  # None: the kommun lacks an input, or too few peers have both
    n: int  # peers with both volume and unit cost
    total: int
    basis_population: float | None  # invånare of the basis, for mnkr
    unit_cost_derived: bool
    why_not: str | None = None  # why there is no split

    def parts(self) -> pd.DataFrame:
        """The split as a chart shows it: volume part, unit-cost part and their sum, in mnkr
        when the basis population is known (else kr per invånare), with the text of each."""
        s, population = self.split, self.basis_population
        values = [s.volume_part, s.unit_cost_part, s.difference]
        if population is None:
            texts = [fmt.kr_per_inhabitant(v, sign=True) for v in values]
        else:
            texts = [money(v * population / 1e6, sign=True) for v in values]
        scale = 1 if population is None else population / 1e6
        return pd.DataFrame(
            {
                "del": ["Volymdel", "Styckkostnadsdel", "Skillnad"],
                "value": [v * scale for v in values],
                "text": texts,
            }
        )

    def sentence(self, what: str) -> str | None:
        if self.split is None:
            return None
        words = FACTOR_WORDS.get(self.identity.name, DEFAULT_WORDS)
        return split_sentence(what, self.split, words, self.basis_population)


def _unit_costs(values: pd.DataFrame, identity: Identity, ids: list[str], year: int) -> dict:
    """Each kommun's unit cost: Kolada's where the identity names one, else derived as
    cost / (volume × factor)."""
    rows = analytics.by_kommun(values, year, ids)
    out = {}
    for m, kv in rows.items():
        if identity.unit_cost is not None:
            if identity.unit_cost in kv:
                out[m] = kv[identity.unit_cost]
        else:
            unit = derived_unit_cost(identity, kv.get(identity.cost), kv.get(identity.volume))
            if unit is not None:
                out[m] = unit
    return out


def identity_figure(
    values: pd.DataFrame, identity: Identity, kommun: str, peers: Iterable[str], year: int
) -> IdentityFigure:
    """The kommun's cost difference to a reference of the peers' median volume and median unit
    cost, split into a volume part and a unit-cost part that add up to it exactly."""
    peers = [p for p in dict.fromkeys(peers) if p != kommun]
    derived = identity.unit_cost is None
    rows = analytics.by_kommun(values, year, [kommun, *peers])
    volumes = pd.Series({m: kv[identity.volume] for m, kv in rows.items() if identity.volume in kv})
    units = pd.Series(_unit_costs(values, identity, [kommun, *peers], year), dtype=float)
    peer_volumes = volumes.reindex(peers)
    peer_units = units.reindex(peers)
    n = peers_with_both(peer_volumes, peer_units)

    def without(reason: str) -> IdentityFigure:
        return IdentityFigure(identity, year, None, n, len(peers), None, derived, reason)

    own = rows.get(kommun, {})
    if identity.volume not in own or kommun not in units:
        return without(f"Kolada har inga värden för kommunen {year}")
    if not analytics.covered(n, len(peers)):
        return without(analytics.coverage_text(n, len(peers)))
    ref_volume, ref_unit = reference_from_peers(peer_volumes, peer_units)
    split = split_two_factors(
        own[identity.volume], units[kommun], ref_volume, ref_unit, identity.factor
    )
    return IdentityFigure(identity, year, split, n, len(peers), _basis(identity, own), derived)


def _basis(identity: Identity, own: Mapping[str, float]) -> float | None:
    """The invånare of the identity's basis: the population, or (65+) the kommun's own count
    of users / (volume × factor)."""
    if identity.basis == "invånare":
        return own.get(POPULATION)
    if identity.count and own.get(identity.count):
        return basis_population(identity, own[identity.count], own.get(identity.volume))
    return None


# ---- one tree, as a page shows it --------------------------------------------------------------
@dataclass(frozen=True)
class DriverSeries:
    driver: Driver
    own: pd.Series  # the kommun's values in the span, by year (Källa: Kolada)
    stats: pd.DataFrame  # the peers' statistics by year; years without coverage blanked
    lines: pd.DataFrame  # the two for ``charts.trend_chart``, values written in the unit


@dataclass(frozen=True)
class TreeFigures:
    year: int | None  # the latest covered year; None: no figures, no split
    figures: tuple[DriverFigure, ...]
    identities: tuple[IdentityFigure, ...]
    over_time: tuple[DriverSeries, ...]


def tree_figures(
    values: pd.DataFrame,
    tree: DriverTree,
    kommun: str,
    peers: Iterable[str],
    by_year: Mapping[int, Set[str]],
    span: tuple[int, int],
    kommun_name: str,
    first_preliminary: Mapping[str, int | None],
) -> TreeFigures:
    """Everything the Kostnadsdrivare page shows for one tree: the drivers for the latest
    covered year, the volume × unit-cost splits of that year, and each driver over ``span``
    with the peers of each year (``by_year``); a kommun's value from the KPI's
    ``first_preliminary`` year on is marked preliminary."""
    peers = list(peers)
    year = latest_year(values, tree, kommun, peers, span)
    figures = driver_figures(values, tree, kommun, peers, year) if year is not None else []
    splits = (
        [identity_figure(values, i, kommun, peers, year) for i in tree.identities]
        if year is not None
        else []
    )
    over_time = []
    for d in tree.drivers:
        own = analytics.series(values, d.kpi, kommun)
        own = own[(own.index >= span[0]) & (own.index <= span[1])]
        stats = analytics.only_covered(analytics.peer_stats_by_year(values, d.kpi, by_year, span))
        lines = charts.trend_data(
            own,
            stats,
            kommun_name,
            first_preliminary.get(d.kpi),
            unit=lambda v, u=d.unit: value_text(v, u),
        )
        over_time.append(DriverSeries(d, own, stats, lines))
    return TreeFigures(year, tuple(figures), tuple(splits), tuple(over_time))
