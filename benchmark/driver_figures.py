"""Cost drivers of one kommun against its peers (pure): each driver's value, the peers'
median and quartiles, the group's pooled cost ("vägt genomsnitt"), placement and coverage for
a year; the volume × unit-cost split against the group's pooled cost where an identity holds;
the largest material difference for the text. Values that fail a plausibility check
(``plausibility``) are shown with a warning and never used in a statistic, split or sentence.
Counts (antal) are shown without median and placement: a count depends on the kommun's size.

The driver trees are data (``kolada.drivers``); this module only computes and words them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass

import pandas as pd

from benchmark import analytics, charts, fmt, plausibility
from benchmark.decomposition import (
    FactorWords,
    Split,
    pooled_reference,
    split_sentence,
    split_two_factors,
    usable_inputs,
)
from benchmark.numbers import money, printed_difference, tenths
from kolada.catalogue import POPULATION
from kolada.drivers import (
    COST_BASIS,
    DEFINITION_CHANGES,
    Driver,
    DriverTree,
    Identity,
    basis_population,
    derived_unit_cost,
    inhabitants,
    persons,
)

# When a driver differs materially from the peers (stated on Om data): the kommun's value lies
# outside the peers' middle half, and beyond a threshold that fits its kind — a rate or a unit
# cost at least RELATIVE from the median, a share at least SHARE_POINTS procentenheter — and
# at least MIN_PERSONS persons stand behind it (where their number is known).
RELATIVE = 0.25
SHARE_POINTS = 10.0
MIN_PERSONS = 10
COMPARED_KINDS = ("volume", "unit_cost", "share")  # what the sentence picks among
UNCOMPARED = "ingen median: ett antal följer kommunens storlek"
RULE_TEXT = (
    "Störst skillnad nämns bara när kommunens värde ligger utanför jämförelsegruppens mittersta "
    f"hälft och minst {fmt.number(RELATIVE * 100, 0)}{fmt.SPACE}% från medianen (andelar minst "
    f"{fmt.number(SHARE_POINTS, 0)} procentenheter), med minst {MIN_PERSONS} personer bakom "
    "värdet där antalet är känt."
)
SPLIT_TEXT = (
    "Jämförelsen görs mot gruppens vägda genomsnitt: jämförelsekommunernas samlade kostnad "
    "delad med deras samlade invånare, som är gruppens samlade volym × gruppens styckkostnad "
    "(samlad kostnad ÷ samlat antal brukare; antalet härlett ur andel × invånare). Skillnaden "
    "delas symmetriskt: volymdel = volymskillnad × genomsnittlig styckkostnad, "
    "styckkostnadsdel = styckkostnadsskillnad × genomsnittlig volym; delarna summerar exakt "
    "till skillnaden. Kommunens styckkostnad är härledd (kostnad ÷ volym). Uppdelningen är "
    "räkning, inte en förklaring av orsaker"
)

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


def median_text(f: DriverFigure) -> str:
    """The Median column: the median, why there is none for a count, or too few peers."""
    if f.driver.kind == "count":
        return UNCOMPARED
    if f.covered:
        return value_text(f.median, f.driver.unit)
    return analytics.coverage_text(f.n, f.total)


def pooled_text(f: DriverFigure) -> str:
    """The "Gruppens genomsnitt, vägt" column: the pooled cost, or "–" where none is made."""
    return "–" if f.pooled is None else value_text(f.pooled, f.driver.unit)


def shown_value(f: DriverFigure, first_preliminary: int | None) -> str:
    """The kommun's value as shown, marked when it is preliminary, with the warning when it
    failed a plausibility check."""
    text = value_text(f.value, f.driver.unit)
    if f.value is not None and analytics.is_preliminary(f.year, first_preliminary):
        text += f" {fmt.PRELIMINARY}"
    if f.flag is not None:
        text += f" {f.flag}"
    return text


@dataclass(frozen=True)
class DriverFigure:
    driver: Driver
    year: int
    value: float | None  # the kommun's (Källa: Kolada)
    median: float | None  # peers' statistics: None when too few peers report, or a count
    q1: float | None
    q3: float | None
    n: int  # peers with a (plausible) value
    total: int  # peers in the group that year
    placement: analytics.Placement | None  # among the kommun and peers with a value
    pooled: float | None = None  # cost drivers: the group's pooled cost, Σ(c·b)/Σb
    flag: str | None = None  # why the kommun's value is not used ("⚠ enheten …")
    persons: float | None = None  # persons behind the kommun's value, where known

    @property
    def covered(self) -> bool:
        return self.driver.kind != "count" and analytics.covered(self.n, self.total)

    @property
    def usable(self) -> float | None:
        """The kommun's value where it may be compared: None when it failed a check."""
        return None if self.flag is not None else self.value

    @property
    def relative(self) -> float | None:
        """(value / median − 1) between the two figures as shown, when both are known."""
        if self.usable is None or self.median is None:
            return None
        own, median = (
            _as_shown(self.value, self.driver.unit),
            _as_shown(self.median, self.driver.unit),
        )
        return None if median == 0 else own / median - 1

    @property
    def points(self) -> float | None:
        """value − median in procentenheter between the two figures as shown (shares)."""
        if self.usable is None or self.median is None:
            return None
        return printed_difference(self.value, self.median)


def _as_shown(value: float, unit: str) -> float:
    """A value rounded as ``value_text`` shows it."""
    if unit.startswith("kr") or unit == "antal":
        return float(round(value))
    return tenths(value) / 10


def driver_figures(
    values: pd.DataFrame,
    tree: DriverTree,
    kommun: str,
    peers: Iterable[str],
    year: int,
    screened: plausibility.Screened | None = None,
) -> list[DriverFigure]:
    """Every driver of ``tree`` for ``year``: the kommun's value and the peers' statistics
    (shown only where enough peers report, ``analytics.covered``; never for a count).
    With ``screened`` (``plausibility.screen`` of ``values``), the statistics use its values
    only; a value of the kommun's that it took out is shown with the warning why."""
    flags = screened.flags if screened is not None else {}
    raw = values
    values = screened.values if screened is not None else values
    peers = [p for p in dict.fromkeys(peers) if p != kommun]
    rows = analytics.by_kommun(values, year, [kommun, *peers])
    own = rows.get(kommun, {})
    out = []
    for d in tree.drivers:
        flag = flags.get((d.kpi, kommun, year))
        value = analytics.value_at(raw, d.kpi, kommun, year) if flag else own.get(d.kpi)
        if d.kind == "count":
            n = sum(1 for p in peers if d.kpi in rows.get(p, {}))
            out.append(
                DriverFigure(d, year, value, None, None, None, n, len(peers), None, flag=flag)
            )
            continue
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
                value,
                stat("median"),
                stat("q1"),
                stat("q3"),
                n,
                len(peers),
                analytics.placement(values, d.kpi, kommun, peers, year)
                if ok and flag is None
                else None,
                pooled_cost(rows, d, peers, tree) if ok and d.kind == "cost" else None,
                flag,
                persons(d.kpi, own, own.get(POPULATION)),
            )
        )
    return out


def pooled_cost(
    rows: Mapping[str, Mapping[str, float]], d: Driver, peers: list[str], tree: DriverTree
) -> float | None:
    """The peers' pooled cost per inhabitant, Σ(c·b)/Σb over the peers with a cost and a
    basis (``inhabitants``); for an identity's cost, over the peers its split uses, so that
    the table and the split show one reference. None where the basis cannot be had or too
    few peers have it."""
    identity = next((i for i in tree.identities if i.cost == d.kpi), None)
    if identity is not None:
        inputs = _pooled_inputs(rows, identity, peers)
    else:
        kvs = [rows.get(p, {}) for p in peers]
        inputs = usable_inputs((kv.get(d.kpi), 1.0, inhabitants(d.unit, kv)) for kv in kvs)
    if not analytics.covered(len(inputs), len(peers)):
        return None
    return sum(c * b for c, _, b in inputs) / sum(b for _, _, b in inputs)


def latest_year(
    values: pd.DataFrame,
    tree: DriverTree,
    kommun: str,
    peers: Iterable[str],
    span: tuple,
    by_year: Mapping[int, Set[str]] | None = None,
) -> int | None:
    """The latest year in ``span`` where the kommun has a value of the tree's first driver and
    enough of that year's peers (``by_year``, else ``peers``) report it."""
    first = tree.drivers[0].kpi
    if not by_year:
        return analytics.latest_covered_year(values, first, kommun, list(peers), span)
    stats = analytics.peer_stats_by_year(values, first, by_year, span)
    good = (
        set(stats.loc[stats["covered"].astype(bool), "period"].astype(int)) if len(stats) else set()
    )
    own = [y for y in analytics.years_with_data(values, first, kommun) if y in good]
    return max(own) if own else None


def material(f: DriverFigure) -> bool:
    """The kommun's value differs materially from its peers (the rule at the top)."""
    if f.driver.kind not in COMPARED_KINDS or not f.covered or f.relative is None:
        return False
    if f.q1 is not None and f.q3 is not None and f.q1 <= f.value <= f.q3:
        return False
    if f.persons is not None and f.persons < MIN_PERSONS:
        return False
    if f.driver.kind == "share":
        return abs(f.points) >= SHARE_POINTS
    return abs(f.relative) >= RELATIVE


def largest_difference(figures: Iterable[DriverFigure]) -> DriverFigure | None:
    """The material difference (``material``) furthest from the peers' median, relative;
    None when no driver differs materially."""
    found = [f for f in figures if material(f)]
    return max(found, key=lambda f: abs(f.relative), default=None)


def difference_sentence(f: DriverFigure, part: str) -> str:
    """'Störst skillnad mot jämförelsegruppen bland kostnadsdrivarna för barn och unga 2022:
    ”Placerade på HVB, antal/1 000 inv 0–20 år” är 6,1 mot medianen 3,2, det vill säga 91 %
    högre, plats 7 av 8 där 1 är lägst, utanför gruppens mittersta hälft (2,0–4,1).' A share
    in % differs in procentenheter. Both differences are between the figures as quoted."""
    value, median = value_text(f.value, f.driver.unit), value_text(f.median, f.driver.unit)
    word = "högre" if f.relative > 0 else "lägre"
    if f.driver.unit == "%":
        how_far = f"{fmt.number(abs(f.points), 1)} p.e. {word}"
    else:
        how_far = f"{fmt.number(abs(f.relative) * 100, 0)}{fmt.SPACE}% {word}"
    place = f", plats {f.placement.text} där 1 är lägst" if f.placement is not None else ""
    band = (
        f"{value_text(f.q1, f.driver.unit)}–{value_text(f.q3, f.driver.unit)}"
        if f.q1 is not None and f.q3 is not None
        else ""
    )
    outside = f", utanför gruppens mittersta hälft ({band})" if band else ""
    return (
        f"Störst skillnad mot jämförelsegruppen bland kostnadsdrivarna för {part} {f.year}: "
        f"”{f.driver.title}” är {value} mot medianen {median}, det vill säga "
        f"{how_far}{place}{outside}."
    )


def change_text(own: pd.Series, year: int, unit: str, kpi: str | None = None) -> str:
    """The kommun's own change from the first year it has a value (in ``own``) to ``year``:
    "−63 % sedan 2018"; a share in procentenheter ("−1,9 p.e. sedan 2018"). "–" without an
    earlier value to compare with. A change across a definition change Kolada documents
    (``DEFINITION_CHANGES``) is marked: "+12 % sedan 2019 (nytt räknesätt 2021)"."""
    earlier = own[(own.index < year) & own.notna()]
    if earlier.empty or year not in own.index or pd.isna(own[year]):
        return "–"
    first = int(earlier.index.min())
    start, end = float(earlier[first]), float(own[year])
    if unit == "%":
        text = f"{fmt.number(end - start, 1, sign=True)}{fmt.SPACE}p.e. sedan {first}"
    elif start == 0:
        return "–"
    else:
        text = f"{fmt.number((end / start - 1) * 100, 0, sign=True)}{fmt.SPACE}% sedan {first}"
    changed = DEFINITION_CHANGES.get(kpi or "")
    if changed is not None and first < changed[0] <= year:
        text += f" (nytt räknesätt {changed[0]})"
    return text


def definition_note(d: Driver, span: tuple[int, int]) -> str | None:
    """The definition change Kolada documents for the driver, when it falls in ``span``."""
    changed = DEFINITION_CHANGES.get(d.kpi)
    if changed is None or not span[0] < changed[0] <= span[1]:
        return None
    return changed[1]


# ---- volume × unit cost ----------------------------------------------------------------------
@dataclass(frozen=True)
class IdentityFigure:
    identity: Identity
    year: int
    split: Split | None  # None: the kommun lacks an input, or too few peers have them
    n: int  # peers with cost, volume and basis
    total: int
    basis_population: float | None  # the kommun's invånare of the basis, for mnkr
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


def identity_figure(
    values: pd.DataFrame, identity: Identity, kommun: str, peers: Iterable[str], year: int
) -> IdentityFigure:
    """The kommun's cost difference to the group's pooled cost (``pooled_reference``), split
    into a volume part and a unit-cost part that add up to it exactly. The kommun's figures are
    Kolada's cost and volume; its unit cost is cost / (volume × factor), so that volume × unit
    cost × factor is the cost the table shows. ``values`` are screened (``plausibility``)."""
    peers = [p for p in dict.fromkeys(peers) if p != kommun]
    return identity_split(
        analytics.by_kommun(values, year, [kommun, *peers]), identity, kommun, peers, year
    )


def identity_split(
    rows: Mapping[str, Mapping[str, float]],
    identity: Identity,
    kommun: str,
    peers: list[str],
    year: int,
) -> IdentityFigure:
    """``identity_figure`` from the year's values by kommun (``analytics.by_kommun``);
    ``peers`` without the kommun."""
    inputs = _pooled_inputs(rows, identity, peers)
    n = len(inputs)

    def without(reason: str) -> IdentityFigure:
        return IdentityFigure(identity, year, None, n, len(peers), None, reason)

    own = rows.get(kommun, {})
    cost, volume = own.get(identity.cost), own.get(identity.volume)
    if cost is None or volume is None:
        return without(f"kommunen saknar ett värde {year} (eller värdet är inte rimligt)")
    if volume <= 0 or cost < 0:
        return without(f"kommunen har ingen volym eller en negativ kostnad {year}")
    if not analytics.covered(n, len(peers)):
        return without(analytics.coverage_text(n, len(peers)))
    ref = pooled_reference(inputs, identity.factor)
    unit_cost = derived_unit_cost(identity, cost, volume)  # so that v × s × factor = cost
    split = split_two_factors(volume, unit_cost, ref.volume, ref.unit_cost, identity.factor)
    return IdentityFigure(identity, year, split, n, len(peers), _basis(identity, own))


def _pooled_inputs(
    rows: Mapping[str, Mapping[str, float]], identity: Identity, peers: list[str]
) -> list[tuple[float, float, float]]:
    """The (cost, volume, basis) of each peer that has them, for ``pooled_reference``."""
    kvs = [rows.get(p, {}) for p in peers]
    return usable_inputs(
        (kv.get(identity.cost), kv.get(identity.volume), _basis(identity, kv)) for kv in kvs
    )


def _basis(identity: Identity, own: Mapping[str, float]) -> float | None:
    """The invånare of the identity's basis: the population, or (65+) the kommun's own count
    of users / (volume × factor)."""
    if identity.basis == "invånare":
        return inhabitants(COST_BASIS[identity.basis], own)
    return basis_population(identity, own.get(identity.count or ""), own.get(identity.volume))


# ---- one tree, as a page shows it --------------------------------------------------------------
@dataclass(frozen=True)
class DriverSeries:
    driver: Driver
    own: pd.Series  # the kommun's values in the span, by year (Källa: Kolada)
    stats: pd.DataFrame  # the peers' statistics by year; years without coverage blanked
    lines: pd.DataFrame  # the two for ``charts.trend_chart``, values written in the unit
    flag: str | None = None  # why some of the kommun's values are not shown

    @property
    def empty(self) -> bool:
        """Nothing to draw: no value of the kommun's and no peer statistic (a count has none)."""
        peers = self.stats.reindex(columns=analytics.PEER_VALUES)
        return self.own.empty and bool(peers.isna().all().all())

    def table(self, kommun_name: str) -> pd.DataFrame:
        """The values behind the chart, a row a year: the kommun's, then the peers' statistics
        under their Swedish names (page table and export alike)."""
        table = self.stats.drop(columns=["covered"], errors="ignore").rename(
            columns=analytics.STAT_TITLES
        )
        table.insert(1, kommun_name, self.own.reindex(table["År"]).to_numpy())
        return table


@dataclass(frozen=True)
class TreeFigures:
    year: int | None  # the latest covered year; None: no figures, no split
    figures: tuple[DriverFigure, ...]
    identities: tuple[IdentityFigure, ...]
    over_time: tuple[DriverSeries, ...]

    @property
    def preliminary(self) -> bool:
        """A preliminary value is drawn in some chart over time (its ▲ needs explaining)."""
        return any(not o.empty and bool(o.lines["preliminary"].any()) for o in self.over_time)


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
    screened = plausibility.screen(values, tree_units(tree), {d.kpi: d.title for d in tree.drivers})
    clean = screened.values
    year = latest_year(clean, tree, kommun, peers, span, by_year)
    figures, splits = [], []
    if year is not None:
        members = sorted(by_year.get(year, set(peers)))
        figures = driver_figures(values, tree, kommun, members, year, screened)
        splits = [identity_figure(clean, i, kommun, members, year) for i in tree.identities]
    over_time = []
    for d in tree.drivers:
        own = analytics.series(clean, d.kpi, kommun)
        own = own[(own.index >= span[0]) & (own.index <= span[1])]
        stats = analytics.peer_stats_by_year(clean, d.kpi, by_year, span)
        if d.kind == "count" and not stats.empty:  # a count: the years, no statistics
            stats["covered"] = False
        stats = analytics.only_covered(stats)
        lines = charts.trend_data(
            own,
            stats,
            kommun_name,
            first_preliminary.get(d.kpi),
            unit=lambda v, u=d.unit: value_text(v, u),
        )
        dropped = sorted(
            p
            for (k, m, p) in screened.flags
            if k == d.kpi and m == kommun and span[0] <= p <= span[1]
        )
        flag = (
            f"{_sentence(screened.flags[(d.kpi, kommun, dropped[-1])])} – kommunens värden "
            f"{fmt.years_text(dropped)} visas inte."
            if dropped
            else None
        )
        over_time.append(DriverSeries(d, own, stats, lines, flag))
    return TreeFigures(year, tuple(figures), tuple(splits), tuple(over_time))


def tree_units(tree: DriverTree) -> dict[str, str]:
    return {d.kpi: d.unit for d in tree.drivers}


def _sentence(warning: str) -> str:
    """'⚠ enheten …' → '⚠ Enheten …': a warning that stands alone starts a sentence."""
    head, _, rest = warning.partition(" ")
    return f"{head} {rest[:1].upper()}{rest[1:]}"
