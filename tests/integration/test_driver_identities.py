"""The cost-driver identities on real figures through the mirror: for every kommun-year
2019–2022 with all inputs, volume × unit_cost × factor reproduces Kolada's cost per inhabitant.

Run with ``-s`` to see the measured shares. The refresh behind ``reference_cache`` fetches the
driver KPIs because ``catalogue_kpis()`` includes them.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kolada.catalogue import POPULATION
from kolada.drivers import (
    DRIVER_TREES,
    Identity,
    basis_population,
    derived_unit_cost,
    driver_kpis,
)
from kolada.frames import totals
from kolada.store import Store

pytestmark = pytest.mark.integration

YEARS = (2019, 2022)
TOLERANCE = 0.005  # 0.5 % of Kolada's cost KPI
MIN_SHARE = 0.95
IDENTITIES = [i for t in DRIVER_TREES for i in t.identities]
PRODUCTS = [i for i in IDENTITIES if i.unit_cost is not None]


def _cost(identity: Identity, volume: float | None, unit_cost: float | None) -> float | None:
    """The identity: cost per invånare of the basis = volume × unit cost × factor."""
    if volume is None or unit_cost is None:
        return None
    return volume * unit_cost * identity.factor


@pytest.fixture(scope="module")
def cache(reference_cache) -> Store:
    return Store(reference_cache)


@pytest.fixture(scope="module")
def wide(cache) -> pd.DataFrame:
    """Kommun-year × KPI, gender T, kommuner only (no regions, no Riket)."""
    munis = cache.read_all()["municipalities"].frame
    kommuner = set(munis.loc[munis["type"] == "K", "id"])
    kpis = sorted({k for i in IDENTITIES for k in i.kpis} | {POPULATION})
    values = totals(cache.values(kpis, years=YEARS))
    values = values[values["municipality"].isin(kommuner)]
    table = values.pivot_table(index=["municipality", "period"], columns="kpi", values="value")
    return table.reindex(columns=kpis)


def test_every_driver_is_in_koladas_catalogue_with_values(cache):
    data = cache.read_all()
    titles = data["kpis"].frame.set_index("id")["title"]
    values = totals(cache.values(driver_kpis(), years=YEARS)).dropna(subset=["value"])
    assert set(driver_kpis()) <= set(titles.index)
    assert set(driver_kpis()) == set(values["kpi"])
    for tree in DRIVER_TREES:
        for d in tree.drivers:
            # the unit we show is the one in Kolada's title ("…, antal/1000 inv", "…, andel (%)")
            title = str(titles[d.kpi]).strip()
            unit = d.unit.replace(" 0–20 år", "").replace("1 000", "1000")
            assert ("(%)" in title) if unit == "%" else title.endswith(unit), (d.kpi, title)


@pytest.mark.parametrize("identity", PRODUCTS, ids=lambda i: i.name)
def test_volume_times_unit_cost_is_koladas_cost(wide, identity: Identity):
    rows = wide[[identity.cost, identity.volume, identity.unit_cost]].dropna()
    cost = rows[identity.cost]
    product = pd.Series(
        [
            _cost(identity, v, u)
            for v, u in zip(rows[identity.volume], rows[identity.unit_cost], strict=True)
        ],
        index=rows.index,
    )
    off = (product - cost).abs()
    ok = off <= TOLERANCE * cost.abs()  # 0 = 0 counts as reproduced
    share = ok.mean()
    misses = rows[~ok]
    below = int((product[~ok] < cost[~ok]).sum())
    print(
        f"\n{identity.name}: {identity.volume} × {identity.unit_cost} × {identity.factor:g} = "
        f"{identity.cost} within 0.5 % for {ok.sum()} of {len(rows)} kommun-years "
        f"{YEARS[0]}–{YEARS[1]} ({share:.1%}); misses: {len(misses)}, product below cost in "
        f"{below}; largest miss {(off / cost.abs()).replace(float('inf'), 0).max():.1%}; "
        f"kommun-years without every input: {len(wide) - len(rows)}"
    )
    assert len(rows) >= 1000  # 290 kommuner × 4 years, less the few without an input
    assert share >= MIN_SHARE


@pytest.mark.parametrize("identity", PRODUCTS, ids=lambda i: i.name)
def test_the_count_gives_back_the_basis_population(wide, identity: Identity):
    rows = wide[[identity.count, identity.volume, POPULATION]].dropna()
    rows = rows[rows[identity.volume] > 0]
    basis = pd.Series(
        [
            basis_population(identity, c, v)
            for c, v in zip(rows[identity.count], rows[identity.volume], strict=True)
        ],
        index=rows.index,
    )
    ratio = basis / rows[POPULATION]
    print(
        f"\n{identity.name}: {identity.count} / ({identity.volume} × {identity.factor:g}) / "
        f"{POPULATION} over {len(rows)} kommun-years: {ratio.min():.4f}–{ratio.max():.4f}"
    )
    assert len(rows) >= 1000
    if identity.basis == "invånare":
        assert ((ratio - 1).abs() <= 0.01).mean() >= MIN_SHARE
    else:  # invånare 65+: a part of the population
        assert ((ratio > 0.05) & (ratio < 0.6)).all()


def test_derived_unit_cost_of_ekonomiskt_bistand_is_positive(wide):
    (identity,) = [i for i in IDENTITIES if i.unit_cost is None]
    rows = wide[[identity.cost, identity.volume]].dropna()
    per_recipient = pd.Series(
        [
            derived_unit_cost(identity, c, v)
            for c, v in zip(rows[identity.cost], rows[identity.volume], strict=True)
        ],
        index=rows.index,
    )
    print(
        f"\n{identity.name}: {identity.cost} / ({identity.volume} × {identity.factor:g}) for "
        f"{len(rows)} kommun-years: {per_recipient.min():,.0f}–{per_recipient.max():,.0f} kr "
        f"per invånare med bistånd, median {per_recipient.median():,.0f}"
    )
    assert len(rows) >= 1000
    assert per_recipient.notna().all() and (per_recipient > 0).all()
