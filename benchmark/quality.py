"""Cost beside what it buys (issue 22): where the kommun stands on a quality KPI against its
peers, which quadrant of cost × quality it is in, and the words for both — direction-aware (a
waiting time is better short) and only where enough peers report (``analytics.covered``).

Pure functions over tidy total values (``kpi, municipality, period, value``). The kommun's and
the peers' values are Kolada's; medians, sides, quadrants and the sentences are "Egen
bearbetning av data från Kolada". A quadrant describes a position, never a cause.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from benchmark import analytics, fmt
from benchmark.numbers import printed_difference
from kolada.quality import QualityKpi

UNIT_SUFFIX = {"%": f"{fmt.SPACE}%", "dagar": f"{fmt.SPACE}dagar"}
BETTER, SAME, WORSE = 1, 0, -1
QUALITY_WORDS = {BETTER: "bättre resultat", SAME: "resultat som medianen", WORSE: "sämre resultat"}
COST_WORDS = {1: "högre kostnad", 0: "kostnad som medianen", -1: "lägre kostnad"}
NOT_A_CAUSE = (
    "Rutan beskriver ett läge, inte ett samband: en hög kostnad köper inte i sig bättre "
    "kvalitet, och kvaliteten beror också på sådant kostnaden inte fångar."
)


def value_text(value: float | None, unit: str) -> str:
    """93.0 → '93 %', 56.248 → '56,2', 23.5 dagar → '23,5 dagar': a whole number without
    decimals (as Kolada writes user ratings), else one decimal."""
    if value is None or value != value:
        return fmt.MISSING
    decimals = 0 if float(value).is_integer() else 1
    return f"{fmt.number(value, decimals)}{UNIT_SUFFIX.get(unit, '')}"


def side(q: QualityKpi, own: float, median: float) -> int:
    """BETTER, SAME or WORSE than the median, by the KPI's direction, on the values as printed
    (one decimal): a shorter waiting time is better."""
    diff = printed_difference(own, median)
    if diff == 0:
        return SAME
    return BETTER if (diff > 0) == q.higher_is_better else WORSE


def cost_side(own: float, median: float) -> int:
    """1 (higher NKA than the median), 0 (the same as printed) or -1."""
    diff = printed_difference(own, median)
    return 0 if diff == 0 else (1 if diff > 0 else -1)


@dataclass(frozen=True)
class Position:
    """The kommun's value of a quality KPI in its latest year with one, and the peers' median
    that year (None where too few peers report, or there is no year)."""

    q: QualityKpi
    year: int | None
    own: float | None
    median: float | None
    n: int  # peers with a value in ``year``
    total: int  # peers in the group that year

    @property
    def covered(self) -> bool:
        return self.year is not None and analytics.covered(self.n, self.total)

    @property
    def side(self) -> int | None:
        if self.own is None or self.median is None:
            return None
        return side(self.q, self.own, self.median)

    @property
    def verdict(self) -> str:
        """'bättre resultat', 'sämre resultat', 'resultat som medianen', 'för få värden (2 av
        7)' or 'inget värde'."""
        if self.own is None:
            return "inget värde"
        if self.side is None:
            return f"för få värden ({self.n} av {self.total})"
        return QUALITY_WORDS[self.side]

    def comparison(self, *, with_year: bool = True) -> str:
        """'högre andel nöjda med hemtjänsten än gruppens median (93 % mot 88 %, 2022)'; empty
        where there is no median to compare with."""
        if self.side is None or self.own is None or self.median is None:
            return ""
        own, median = value_text(self.own, self.q.unit), value_text(self.median, self.q.unit)
        year = f", {self.year}" if with_year else ""
        if self.side == SAME:
            return f"samma {self.q.measure} som gruppens median ({own}{year})"
        more, less = self.q.comparatives
        word = more if printed_difference(self.own, self.median) > 0 else less
        hint = "" if self.q.higher_is_better else f"; {less} är bättre"
        return f"{word} {self.q.measure} än gruppens median ({own} mot {median}{year}{hint})"


def _values_at(values: pd.DataFrame, kpi: str, year: int) -> dict[str, float]:
    """Every kommun's value of ``kpi`` in ``year`` (nulls left out): one pass over the frame."""
    rows = values[(values["kpi"] == kpi) & (values["period"] == year) & values["value"].notna()]
    return dict(zip(rows["municipality"], rows["value"].astype(float), strict=True))


def position(
    values: pd.DataFrame,
    q: QualityKpi,
    kommun: str,
    by_year: Mapping[int, Iterable[str]],
    span: tuple[int, int],
) -> Position:
    """``q`` for the kommun in the latest year of ``span`` where it has a value; the peers of
    that year (``by_year``) and their median where enough of them report."""
    year = analytics.latest_year(values, q.kpi, kommun, span)
    if year is None:
        return Position(q, None, None, None, 0, len(set(by_year.get(span[1], ()))))
    peers = set(by_year.get(year, ())) - {kommun}
    at = _values_at(values, q.kpi, year)
    got = [at[m] for m in peers if m in at]
    median = float(pd.Series(got).median()) if analytics.covered(len(got), len(peers)) else None
    return Position(q, year, at.get(kommun), median, len(got), len(peers))


@dataclass(frozen=True)
class Quadrant:
    """The kommun's cost (NKA %) and quality in one year against the peers' medians."""

    year: int
    nka: float
    nka_median: float
    quality: Position  # at ``year``

    @property
    def cost(self) -> int:
        return cost_side(self.nka, self.nka_median)

    @property
    def label(self) -> str:
        """'högre kostnad, bättre resultat' — the quadrant's name in the chart and the table."""
        return quadrant_label(self.cost, self.quality.side)

    def sentence(self, kommun_name: str, area_text: str) -> str:
        """Where the kommun is, against what: 'Åtvidaberg hade 2022 högre kostnad för
        äldreomsorgen än gruppens median (NKA 12,3 % mot 4,1 %) och högre andel nöjda med
        hemtjänsten än gruppens median (93 % mot 88 %) – i rutan högre kostnad, bättre
        resultat.' Empty where the quality KPI has no median that year."""
        quality = self.quality.comparison(with_year=False)
        if not quality:
            return ""
        nka = fmt.percent(self.nka)
        if self.cost == 0:
            cost = f"samma kostnad för {area_text} som gruppens median (NKA {nka})"
        else:
            median = fmt.percent(self.nka_median)
            cost = (
                f"{COST_WORDS[self.cost]} för {area_text} än gruppens median "
                f"(NKA {nka} mot {median})"
            )
        return f"{kommun_name} hade {self.year} {cost} och {quality} – i rutan {self.label}."


def quadrant_label(cost: int, quality: int | None) -> str:
    """'högre kostnad, sämre resultat'; empty without a quality side."""
    if quality is None:
        return ""
    return f"{COST_WORDS[cost]}, {QUALITY_WORDS[quality]}"


def years_with_both(values: pd.DataFrame, nka_kpi: str, q: QualityKpi, kommun: str) -> list[int]:
    """Years where the kommun has both its NKA and the quality KPI (ascending)."""
    both = set(analytics.years_with_data(values, nka_kpi, kommun))
    return sorted(both & set(analytics.years_with_data(values, q.kpi, kommun)))


def points(
    values: pd.DataFrame,
    nka_kpi: str,
    q: QualityKpi,
    kommun: str,
    peers: Iterable[str],
    year: int,
    names: Mapping[str, str],
) -> pd.DataFrame:
    """One row per kommun (the kommun first, then the peers by name) with its NKA and quality
    value in ``year``: ``municipality, name, nka, quality, focus``; missing values are NaN."""
    nka, value = _values_at(values, nka_kpi, year), _values_at(values, q.kpi, year)
    order = [kommun, *sorted(set(peers) - {kommun}, key=lambda m: names.get(m, m))]
    return pd.DataFrame(
        {
            "municipality": order,
            "name": [names.get(m, m) for m in order],
            "nka": [nka.get(m, math.nan) for m in order],
            "quality": [value.get(m, math.nan) for m in order],
            "focus": [m == kommun for m in order],
        },
        columns=["municipality", "name", "nka", "quality", "focus"],
    ).astype({"nka": float, "quality": float})


def trail(
    values: pd.DataFrame, nka_kpi: str, q: QualityKpi, kommun: str, span: tuple[int, int]
) -> pd.DataFrame:
    """The kommun's (NKA, quality) pairs over the years of ``span`` where it has both."""
    nka = analytics.series(values, nka_kpi, kommun)
    value = analytics.series(values, q.kpi, kommun)
    years = [int(y) for y in nka.index.intersection(value.index) if span[0] <= y <= span[1]]
    return pd.DataFrame(
        {
            "period": years,
            "nka": [float(nka[y]) for y in years],
            "quality": [float(value[y]) for y in years],
        },
        columns=["period", "nka", "quality"],
    )


def positions_table(positions: Iterable[Position], kommun_name: str) -> pd.DataFrame:
    """Every quality KPI of an area, a row each: the kommun's value in its latest year with
    one, the peers' median that year, how many report, and which side of the median the kommun
    is on (by the KPI's direction). Text cells, for the page, the report and the downloads'
    readers alike."""
    rows = [
        {
            "Mått": p.q.title,
            "Typ": p.q.kind_title,
            "År": str(p.year) if p.year is not None else "–",
            kommun_name: value_text(p.own, p.q.unit) if p.own is not None else "–",
            "Gruppens median": value_text(p.median, p.q.unit) if p.median is not None else "–",
            "Med värde": f"{p.n} av {p.total}" if p.year is not None else "–",
            "Läge": "för få värden" if p.own is not None and p.side is None else p.verdict,
            "Bättre är": p.q.comparatives[0 if p.q.higher_is_better else 1],
        }
        for p in positions
    ]
    return pd.DataFrame(rows)


def points_table(
    points: pd.DataFrame, q: QualityKpi, medians: tuple[float | None, float | None]
) -> pd.DataFrame:
    """The values behind a cost × quality chart, a row per kommun (the kommun first): its NKA,
    its quality value and its quadrant against the peers' medians ("–" where a value or a
    median is missing). Numbers stay numbers (the downloads need them)."""
    nka_median, quality_median = medians
    labels = []
    for nka, value in zip(points["nka"], points["quality"], strict=True):
        if nka_median is None or quality_median is None or nka != nka or value != value:
            labels.append("–")
        else:
            labels.append(
                quadrant_label(cost_side(nka, nka_median), side(q, value, quality_median))
            )
    return pd.DataFrame(
        {
            "Kommun": points["name"],
            "NKA (%)": points["nka"],
            q.title: points["quality"],
            "Ruta": labels,
        }
    )


def _in_turn(items: list[str]) -> str:
    """Items that hold commas of their own, in a sentence: "a; b och c"."""
    return items[0] if len(items) == 1 else f"{'; '.join(items[:-1])} och {items[-1]}"


def standing_today(positions: Iterable[Position], kommun_name: str, lead: str = "") -> list[str]:
    """Where the kommun stands on the area's quality KPIs against its peers, by the latest
    values, for the place where a budget target is set: "Inför en sänkning till medianen:
    Åtvidaberg har enligt de senaste värdena högre andel nöjda med hemtjänsten än gruppens
    median (93 % mot 91 %, 2022); …". Then the KPIs that cannot be compared, grouped by why.
    Empty without quality KPIs."""
    positions = list(positions)
    compared = [p.comparison() for p in positions if p.side is not None]
    out = []
    if compared:
        head = f"{lead}: " if lead else ""
        out.append(f"{head}{kommun_name} har enligt de senaste värdena {_in_turn(compared)}.")
    no_value = [p.q.title for p in positions if p.own is None]
    too_few = [
        f"{p.q.title} ({p.n} av {p.total})"
        for p in positions
        if p.own is not None and p.side is None
    ]
    if no_value:
        out.append(f"Inget värde för {kommun_name}: {_in_turn(no_value)}.")
    if too_few:
        out.append(f"För få jämförelsekommuner med värde för att jämföra: {_in_turn(too_few)}.")
    return out


NOT_FETCHED = "inte hämtade ännu"


def summary_row(title: str, positions: Iterable[Position], fetched: bool = True) -> dict[str, str]:
    """An area's quality position in one row: how many of its quality KPIs the kommun is better
    on than its peers' median, as good, worse, and how many cannot be compared (too few peers
    with a value, or no value of its own), with the years the KPIs are from. KPIs never
    fetched are said to be so, not counted as without a value."""
    positions = list(positions)
    if not fetched:
        cells = ("Bättre än medianen", "Som medianen", "Sämre än medianen", "Utan jämförelse")
        return {"Område": title, **dict.fromkeys(cells, "–"), "År för jämförelserna": NOT_FETCHED}
    sides = [p.side for p in positions]
    years = sorted({p.year for p in positions if p.side is not None})
    return {
        "Område": title,
        "Bättre än medianen": str(sides.count(BETTER)),
        "Som medianen": str(sides.count(SAME)),
        "Sämre än medianen": str(sides.count(WORSE)),
        "Utan jämförelse": str(sides.count(None)),
        "År för jämförelserna": fmt.years_text(years) if years else "–",
    }
