"""Explanations that cannot contradict their tables, on every kommun-year the mirror holds.

For every identity (LSS boende, LSS daglig verksamhet, hemtjänst, ekonomiskt bistånd), every
kommun and every year with a split against its peer group (the tree's RKA family):

- the two parts add up to the kommun's gap to the group's pooled cost;
- the kommun's cost is Kolada's, the reference is the pooled cost the driver table shows
  ("Gruppens genomsnitt, vägt") and an independent Σ(c·b)/Σb over the same peers;
- the sentence's direction ("högre", "lägre", "i nivå med") is the sign of that gap as shown.

Run with ``-s`` to see the counts.
"""

from __future__ import annotations

import math

import pytest

from benchmark import analytics, figures, narrative, plausibility
from benchmark import driver_figures as df
from benchmark.numbers import money, shown
from benchmark.source import Source
from benchmark.viewstate import View
from kolada.catalogue import POPULATION
from kolada.drivers import COST_BASIS, DRIVER_TREES, inhabitants
from kolada.store import Store

pytestmark = pytest.mark.integration

TREES = [t for t in DRIVER_TREES if t.identities]


@pytest.fixture(scope="module")
def src(reference_cache) -> Source:
    return Source(Store(reference_cache))


def _kommuner(src: Source) -> list[str]:
    munis = src.store.read_all()["municipalities"].frame
    return sorted(munis.loc[munis["type"] == "K", "id"])


def _head_direction(sentence: str) -> str:
    head = sentence.split(". Skillnaden")[0]
    if "ligger i nivå med jämförelsegruppens vägda genomsnitt" in head:
        return "level"
    return "higher" if head.endswith("högre än jämförelsegruppens vägda genomsnitt") else "lower"


def _shown_gap(split, population) -> float:
    if population is None:
        return float(round(split.difference))
    return shown(split.difference * population / 1e6)


def test_every_split_adds_up_to_the_gap_its_table_shows_and_reads_its_way(src):
    checked = contradictions = 0
    kommuner = _kommuner(src)
    for tree in TREES:
        kpis = sorted({*tree.kpis, POPULATION})
        raw = src.values(kpis, None)
        units = df.tree_units(tree)
        screened = plausibility.screen(raw, units, {d.kpi: d.title for d in tree.drivers})
        values = screened.values
        by_year = {
            int(y): analytics.by_kommun(f, int(y), kommuner) for y, f in values.groupby("period")
        }
        for kommun in kommuner:
            peers = src.peer_years(View(kommun=kommun, area=tree.area), (2019, 2022), tree.code)
            ids = [p for p in peers.peers.ids if p != kommun]
            for year, rows in by_year.items():
                for identity in tree.identities:
                    fig = df.identity_split(rows, identity, kommun, ids, year)
                    if fig.split is None:
                        continue
                    s, pop = fig.split, fig.basis_population
                    checked += 1
                    scale = max(abs(s.own_cost), abs(s.reference_cost))
                    assert math.isclose(
                        s.volume_part + s.unit_cost_part, s.difference, abs_tol=1e-9 * scale
                    )
                    assert math.isclose(s.own_cost, rows[kommun][identity.cost], rel_tol=1e-9)
                    assert math.isclose(s.reference_cost, _pooled(rows, identity, ids))
                    # the driver table's "Gruppens genomsnitt, vägt": the same figure
                    shown_ref = df.pooled_cost(rows, tree.driver(identity.cost), ids, tree)
                    assert math.isclose(shown_ref, s.reference_cost, rel_tol=1e-9)
                    gap = _shown_gap(s, pop)
                    said = _head_direction(fig.sentence("x"))
                    want = "level" if gap == 0 else "higher" if s.difference > 0 else "lower"
                    if said != want:
                        contradictions += 1
                    if pop is not None and gap != 0:
                        assert money(abs(s.difference * pop / 1e6)) in fig.sentence("x")
    print(f"\nsplits checked over every kommun-year: {checked}; contradictions: {contradictions}")
    assert checked > 4_000
    assert contradictions == 0


def _pooled(rows, identity, peers) -> float:
    """Σ(c·b)/Σb over the peers with cost, volume and basis: written again, apart from the app."""
    kronor = inhabitants_sum = 0.0
    for p in peers:
        kv = rows.get(p, {})
        c, v = kv.get(identity.cost), kv.get(identity.volume)
        if c is None or v is None:
            continue
        if identity.basis == "invånare":
            b = inhabitants(COST_BASIS[identity.basis], kv)
        else:
            count = kv.get(identity.count)
            b = count / (v * identity.factor) if count and v else None
        if b is None or b <= 0:
            continue
        kronor += c * b
        inhabitants_sum += b
    return kronor / inhabitants_sum


def test_n28892_in_per_cent_is_flagged_not_shown_as_per_10_000(src):
    """Åtvidaberg 2022: the cache holds N28892 in per cent (0,834) beside N28820 37,4 per
    10 000; the row carries the warning and the sentence never names it."""
    view = View(kommun="0561", area="lss")
    tv = figures.tree_view(src, view, (2019, 2022), next(t for t in TREES if t.code == "lss"))
    row = next(f for f in tv.figures.figures if f.driver.kpi == "N28892")
    text = df.shown_value(row, None)
    assert row.year == 2022 and text.startswith("0,8 ⚠ enheten eller värdet stämmer inte med")
    assert row.median is None and row.placement is None
    assert tv.largest is None or tv.largest.driver.kpi != "N28892"
    assert narrative.area_in_sentence("LSS")  # the page words the part as before
