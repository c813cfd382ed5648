"""Prognos (issue 23): the NKA a budget gives, before Kolada publishes it.

1 + NKA/100 = n / r, with n the kommun's net cost per invånare and r its reference cost per
invånare. Write r = s × R, with R Riket's net cost per invånare for the area (Riket's NKA is 0
by construction) and s = r / R the kommun's structure index, which moves slowly. For a target
year T from a base year b: R_T = R_b × (1 + g)^(T − b), g Riket's yearly growth (extrapolated
from the years before b, or a figure the user sets, e.g. from SKR's budget circular), the
expected reference cost r_T = s_b × R_T, and for a budgeted net cost n_T the expected NKA
100 × (n_T / r_T − 1); turned around, the net cost that gives a chosen NKA is r_T × (1 +
NKA/100). Everything here is "Egen bearbetning av data från Kolada": a forecast, never Kolada's
figure.

``backtest`` runs the method on recorded years: it forecasts year b + h from year b with the
net cost actually spent in b + h, and compares with Kolada's NKA that year — with Riket's level
known, with Riket's growth extrapolated, and "NKA unchanged" as the yardstick. Pure: frames in,
frames out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from benchmark import analytics
from kolada.catalogue import RIKET, Area

GROWTH_YEARS = 3  # Riket's growth: the geometric mean of the last three yearly changes
KNOWN, EXTRAPOLATED, UNCHANGED = "riket_kand", "riket_framskriven", "oforandrad"
ASSUMPTIONS = (KNOWN, EXTRAPOLATED, UNCHANGED)  # Riket's level as it was / grown; NKA as it was
# LSS, tried: the reference cost follows the kommun's own volume; beside "unchanged" on the
# same kommun-years (fewer: the volume KPI starts later)
VOLUME, VOLUME_UNCHANGED = "volym_kand", "oforandrad_volymar"


@dataclass(frozen=True)
class Base:
    """The starting point of a forecast: a kommun's reference cost and Riket's net cost per
    invånare in ``year``, and the yearly growth of Riket's level assumed from then on."""

    year: int
    reference: float  # the kommun's reference cost, kr per invånare (Kolada's or derived)
    riket: float  # Riket's net cost for the area, kr per invånare
    growth: float  # Riket's yearly growth, as a fraction (0.03 = 3 %)

    @property
    def structure(self) -> float:
        """r / R: how much more (or less) the kommun's structure costs than Riket's average."""
        return self.reference / self.riket

    def riket_at(self, year: int) -> float:
        return self.riket * (1 + self.growth) ** (year - self.year)

    def reference_at(self, year: int) -> float:
        """The expected reference cost per invånare in ``year``: s × R_year."""
        return self.structure * self.riket_at(year)


def expected_nka(net_per_inhabitant: float, reference: float) -> float:
    """NKA % that a net cost per invånare gives against a reference cost per invånare."""
    return 100 * (net_per_inhabitant / reference - 1)


def net_for(nka: float, reference: float) -> float:
    """The net cost per invånare that gives ``nka`` % against ``reference``."""
    return reference * (1 + nka / 100)


def per_inhabitant(mnkr: float, population: float) -> float:
    """A budget in miljoner kronor as kronor per invånare."""
    return mnkr * 1e6 / population


def riket_growth(riket: Mapping[int, float], year: int, years: int = GROWTH_YEARS) -> float | None:
    """The geometric mean of Riket's yearly change over the ``years`` years up to ``year``
    (``riket``: year → Riket's net cost per invånare): it needs only the two ends, so a year
    missing in between (Kolada has no 2012 for Riket) does not matter; None without them."""
    first, last = riket.get(year - years), riket.get(year)
    if not (first and last and first > 0 and last > 0):
        return None
    return (last / first) ** (1 / years) - 1


def riket_series(values: pd.DataFrame, area: Area) -> dict[int, float]:
    """Riket's net cost per invånare for the area, by year."""
    return {int(y): float(v) for y, v in analytics.series(values, area.net_cost, RIKET).items()}


def base_at(
    values: pd.DataFrame, area: Area, kommun: str, year: int, riket: Mapping[int, float],
    growth: float,
) -> Base | None:  # fmt: skip
    """The forecast's starting point for a kommun in ``year`` (``riket``: ``riket_series``);
    None without a reference cost or Riket's net cost that year."""
    ref = analytics.reference_cost(values, area, kommun, year)
    level = riket.get(year)
    if ref is None or ref.kr_per_inhabitant is None or not level:
        return None
    return Base(year, ref.kr_per_inhabitant, level, growth)


# ---- the backtest ----------------------------------------------------------------------------
def crosses_method_break(base: int, target: int) -> bool:
    """RKA's reference cost model changed in 2019: a structure index before it says nothing of
    one after."""
    return base < analytics.METHOD_BREAK_YEAR <= target


def backtest(
    values: pd.DataFrame, area: Area, kommuner: Iterable[str], horizons: Iterable[int]
) -> pd.DataFrame:
    """Every forecast the recorded years allow: ``area, kommun, base, horizon, assumption,
    error`` (forecast − Kolada's NKA, in procentenheter), for the three assumptions on the same
    kommun-years (those with Riket's level three years before the base and in the target year).
    A pair of years across the 2019 method break is left out."""
    riket = riket_series(values, area)
    horizons = sorted(set(horizons))
    by_kommun = {m: f for m, f in values.groupby("municipality")}  # one small frame each
    rows = []
    for kommun in kommuner:
        local = by_kommun.get(kommun, values.iloc[0:0])
        own = {int(y): v for y, v in analytics.series(local, area.nka_pct, kommun).items()}
        net = {int(y): v for y, v in analytics.series(local, area.net_cost, kommun).items()}
        for base_year in sorted(own):
            known = base_at(local, area, kommun, base_year, riket, 0.0)
            if known is None:
                continue
            growth = riket_growth(riket, base_year)
            for h in horizons:
                target = base_year + h
                if target not in own or target not in net:
                    continue
                if crosses_method_break(base_year, target):
                    continue
                # every assumption on the same kommun-years, so that they compare fairly
                if growth is None or target not in riket:
                    continue
                actual, spent = own[target], net[target]
                forecasts = {
                    UNCHANGED: own[base_year],
                    # Riket's level as it turned out
                    KNOWN: expected_nka(spent, known.structure * riket[target]),
                    # Riket's growth extrapolated from the years before
                    EXTRAPOLATED: expected_nka(
                        spent, replace(known, growth=growth).reference_at(target)
                    ),
                }
                rows += [(kommun, base_year, h, k, f - actual) for k, f in forecasts.items()]
    frame = pd.DataFrame(rows, columns=["kommun", "base", "horizon", "assumption", "error"])
    return frame.assign(area=area.code)[["area", *frame.columns]]


def backtest_volume(
    values: pd.DataFrame, area: Area, kommuner: Iterable[str], horizons: Iterable[int],
    volume_kpi: str,
) -> pd.DataFrame:  # fmt: skip
    """The alternative tried for LSS, whose reference cost follows the kommun's own verkställda
    beslut: r_T = r_b × (v_T / v_b) × (U_T / U_b), with v the kommun's volume per invånare
    (``volume_kpi``) as it turned out in T — as if the kommun knew it when budgeting — and
    U = R / V Riket's net cost per unit of Riket's volume, as it turned out. Rows as
    ``backtest``'s, assumptions ``VOLUME`` and ``VOLUME_UNCHANGED`` ("NKA unchanged" on the
    same kommun-years); the unit of ``volume_kpi`` cancels out."""
    riket = riket_series(values, area)
    riket_volume = analytics.series(values, volume_kpi, RIKET)
    by_kommun = {m: f for m, f in values.groupby("municipality")}
    rows = []
    for kommun in kommuner:
        local = by_kommun.get(kommun, values.iloc[0:0])
        own = analytics.series(local, area.nka_pct, kommun)
        net = analytics.series(local, area.net_cost, kommun)
        volume = analytics.series(local, volume_kpi, kommun)
        for base_year in own.index:
            b = int(base_year)
            ref = analytics.reference_cost(local, area, kommun, b)
            for h in sorted(set(horizons)):
                t = b + h
                inputs = [volume.get(b), volume.get(t), riket_volume.get(b), riket_volume.get(t)]
                if t not in own.index or t not in net.index or crosses_method_break(b, t):
                    continue
                if ref is None or ref.kr_per_inhabitant is None or not all(inputs):
                    continue
                if b not in riket or t not in riket:
                    continue
                unit_growth = (riket[t] / inputs[3]) / (riket[b] / inputs[2])
                reference = ref.kr_per_inhabitant * inputs[1] / inputs[0] * unit_growth
                rows.append((kommun, b, h, VOLUME, expected_nka(net[t], reference) - own[t]))
                rows.append((kommun, b, h, VOLUME_UNCHANGED, own[b] - own[t]))
    frame = pd.DataFrame(rows, columns=["kommun", "base", "horizon", "assumption", "error"])
    return frame.assign(area=area.code)[["area", *frame.columns]]


def error_bands(errors: pd.DataFrame) -> pd.DataFrame:
    """Per area, horizon and assumption: n, the median absolute error, the 10th, 50th and 90th
    percentiles of the signed error (the band around a forecast), and the base years tried
    (first, last, how many)."""
    if errors.empty:
        return pd.DataFrame(columns=BAND_COLUMNS)
    grouped = errors.groupby(["area", "horizon", "assumption"])
    out = grouped["error"].agg(
        n="count",
        median_abs=lambda e: float(e.abs().median()),
        p10=lambda e: float(e.quantile(0.1)),
        p50=lambda e: float(e.quantile(0.5)),
        p90=lambda e: float(e.quantile(0.9)),
    )
    bases = grouped["base"].agg(first_base="min", last_base="max", base_years="nunique")
    return out.join(bases).reset_index()[BAND_COLUMNS]


BAND_COLUMNS = [
    "area", "horizon", "assumption", "n", "median_abs", "p10", "p50", "p90",
    "first_base", "last_base", "base_years",
]  # fmt: skip


def likely_range(point: float, p10: float, p90: float) -> tuple[float, float]:
    """Where Kolada's NKA is likely to land around a forecast, from the backtest's errors
    (forecast − actual): from point − p90 to point − p10, widened to hold the point itself (a
    method that erred one way in the backtest still gives its own forecast as a possibility)."""
    return min(point - p90, point), max(point - p10, point)


# ---- the bands the app shows (bench/forecast_backtest.py writes them) ------------------------
BANDS_FILE = Path(__file__).resolve().parent / "data" / "forecast_backtest.json"


@dataclass(frozen=True)
class Band:
    """How far the method erred when it was tried on recorded years, for one area and horizon
    with Riket's growth extrapolated, beside "NKA unchanged"."""

    horizon: int
    n: int
    median_abs: float
    p10: float
    p90: float
    unchanged_median_abs: float
    first_base: int = 0  # the base years the method was tried from
    last_base: int = 0
    base_years: int = 0

    @property
    def beats_unchanged(self) -> bool:
        return self.median_abs < self.unchanged_median_abs


def load_bands(path: Path = BANDS_FILE) -> pd.DataFrame:
    """The backtest's error bands (``error_bands``'s columns); empty when there is no file."""
    if not path.exists():
        return error_bands(pd.DataFrame())
    return pd.DataFrame(json.loads(path.read_text(encoding="utf-8"))["bands"])


def band_for(
    bands: pd.DataFrame,
    area_code: str,
    horizon: int,
    method: str = EXTRAPOLATED,
    yardstick: str = UNCHANGED,
) -> Band | None:
    """The band for an area and horizon (of ``method``, beside ``yardstick``); None where the
    backtest has none."""
    rows = bands[(bands["area"] == area_code) & (bands["horizon"] == horizon)]
    by = {r["assumption"]: r for _, r in rows.iterrows()}
    if method not in by or yardstick not in by:
        return None
    e = by[method]
    return Band(
        horizon, int(e["n"]), float(e["median_abs"]), float(e["p10"]), float(e["p90"]),
        float(by[yardstick]["median_abs"]), int(e["first_base"]), int(e["last_base"]),
        int(e["base_years"]),
    )  # fmt: skip


@dataclass(frozen=True)
class Outlook:
    """What a budget for ``year`` gives: the expected NKA and where Kolada's figure is likely
    to land, from ``base``."""

    base: Base
    year: int
    population: float
    budget_mnkr: float
    band: Band

    @property
    def reference(self) -> float:
        return self.base.reference_at(self.year)

    @property
    def nka(self) -> float:
        return expected_nka(per_inhabitant(self.budget_mnkr, self.population), self.reference)

    @property
    def likely(self) -> tuple[float, float]:
        return likely_range(self.nka, self.band.p10, self.band.p90)

    def budget_for(self, nka: float) -> float:
        """The budget (mnkr) that gives ``nka`` % in ``year``."""
        return net_for(nka, self.reference) * self.population / 1e6

    def with_growth(self, growth: float) -> Outlook:
        return replace(self, base=replace(self.base, growth=growth))

    def nka_if_riket(self, points: float) -> float:
        """The expected NKA if Riket's yearly growth were ``points`` procentenheter higher."""
        return self.with_growth(self.base.growth + points / 100).nka
