#!/usr/bin/env python3
"""Before/after counts for issue 19, over every kommun of one year (default 2022, the last year
all 290 have): explanations that contradict their tables, driver differences named, and gaps
shown two ways.

- **Contradictions**: the old split (against median volume × median unit cost) whose net sign
  differs from the sign of the kommun's gap to the peers' median cost in the table beside it,
  against the new split (against the group's pooled cost, the same figure the table shows).
- **Named driver differences**: kommun–driver pairs the old rule (±25 % from the median)
  flagged, against the new rule (``driver_figures.material``); and how many of the old ones
  lay inside the peers' middle half.
- **Gap mismatches**: kommun-areas where the card's gap (the rounded exact difference) differs
  from the text's (the difference of the rounded figures), against the one rule now used.

Fills a cache from the mirror unless ``--cache`` names one.

    .venv/bin/python bench/driver_rules.py [--cache PATH] [--year 2022]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmark import analytics, driver_figures, plausibility  # noqa: E402
from benchmark.numbers import printed_difference, shown  # noqa: E402
from benchmark.source import Source  # noqa: E402
from benchmark.viewstate import View  # noqa: E402
from kolada.catalogue import AREAS, POPULATION  # noqa: E402
from kolada.drivers import DRIVER_TREES  # noqa: E402
from kolada.store import Store  # noqa: E402
from tests.integration.conftest import fill_from_mirror  # noqa: E402


def _old_split_sign(rows, identity, kommun, peers) -> float | None:
    """The old method's net difference: own v × s against median(v) × median(s), where s is
    Kolada's unit cost (or cost / volume)."""

    def unit(kv):
        if identity.unit_cost is not None:
            return kv.get(identity.unit_cost)
        c, v = kv.get(identity.cost), kv.get(identity.volume)
        return c / (v * identity.factor) if c is not None and v else None

    both = [
        (kv[identity.volume], u)
        for p in peers
        if identity.volume in (kv := rows.get(p, {})) and (u := unit(kv)) is not None
    ]
    own = rows.get(kommun, {})
    if not analytics.covered(len(both), len(peers)) or identity.volume not in own:
        return None
    u_own = unit(own)
    if u_own is None:
        return None
    vr = statistics.median(v for v, _ in both)
    ur = statistics.median(u for _, u in both)
    return own[identity.volume] * u_own - vr * ur


def _split_is_right(fig) -> bool:
    """The new sentence's direction is the sign of the gap as shown."""
    s, pop = fig.split, fig.basis_population
    as_shown = shown(s.difference * pop / 1e6) if pop else round(s.difference)
    said = fig.sentence("x").split(". Skillnaden")[0]
    if as_shown == 0:
        return "i nivå" in said
    return said.endswith("högre än jämförelsegruppens vägda genomsnitt") == (s.difference > 0)


def drivers(src: Source, kommuner: list[str], year: int) -> None:
    print("Motsägelser (split mot tabellens skillnad):")
    named_old = named_new = inside_old = pairs = 0
    for tree in DRIVER_TREES:
        raw = src.values([*tree.kpis, POPULATION], None)
        screened = plausibility.screen(
            raw, driver_figures.tree_units(tree), {d.kpi: d.title for d in tree.drivers}
        )
        rows = analytics.by_kommun(screened.values, year, kommuner)
        raw_rows = analytics.by_kommun(raw, year, kommuner)
        counts = {i.name: [0, 0, 0] for i in tree.identities}  # old wrong, new wrong, n
        for kommun in kommuner:
            peers = src.peer_years(View(kommun=kommun, area=tree.area), (year, year), tree.code)
            ids = [p for p in peers.peers.ids if p != kommun]
            for identity in tree.identities:
                cost = raw_rows.get(kommun, {}).get(identity.cost)
                costs = [c for p in ids if (c := raw_rows.get(p, {}).get(identity.cost))]
                old = _old_split_sign(raw_rows, identity, kommun, ids)
                if cost is None or old is None or not analytics.covered(len(costs), len(ids)):
                    continue
                gap = cost - statistics.median(costs)
                counts[identity.name][2] += 1
                counts[identity.name][0] += bool(gap and old and (gap > 0) != (old > 0))
                fig = driver_figures.identity_split(rows, identity, kommun, ids, year)
                counts[identity.name][1] += fig.split is not None and not _split_is_right(fig)
            for f in driver_figures.driver_figures(raw, tree, kommun, ids, year, screened):
                if f.driver.kind not in driver_figures.COMPARED_KINDS:
                    continue
                pairs += 1
                old_rule = f.covered and f.value is not None and f.median
                if old_rule and abs(f.value / f.median - 1) >= 0.25:
                    named_old += 1
                    inside_old += f.q1 is not None and f.q1 <= f.value <= f.q3
                named_new += driver_figures.material(f)
        for name, (old_wrong, new_wrong, n) in counts.items():
            print(f"  {name:24} före {old_wrong:3} av {n}   efter {new_wrong} av {n}")
    print("\nNämnda skillnader bland kostnadsdrivarna (par kommun–drivare):")
    print(f"  före (±25 % från medianen): {named_old} av {pairs} ({named_old / pairs:.0%}),")
    print(f"    varav inom mittersta hälften: {inside_old} ({inside_old / max(named_old, 1):.0%})")
    print(f"  efter (utanför mittersta hälften + tröskel + minst 10 personer): {named_new}")


def gaps(src: Source, kommuner: list[str], year: int) -> None:
    print("\nSkillnad mot medianen visad på två sätt (kommun-områden):")
    before = n = 0
    for a in AREAS:
        rows = analytics.by_kommun(src.values([a.nka_pct], None), year, kommuner)
        for kommun in kommuner:
            peers = [p for p in src.peers(View(kommun=kommun, area=a.code)).ids if p != kommun]
            nka = rows.get(kommun, {}).get(a.nka_pct)
            vals = [v for p in peers if (v := rows.get(p, {}).get(a.nka_pct)) is not None]
            if nka is None or not analytics.covered(len(vals), len(peers)):
                continue
            n += 1
            median = statistics.median(vals)
            before += round(nka - median, 1) != printed_difference(nka, median)
    print(f"  före: {before} av {n}; efter: 0 av {n} (en regel: skillnaden av de visade)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, help="a filled cache (default: fill from mirror)")
    parser.add_argument("--year", type=int, default=2022)
    args = parser.parse_args()
    root = args.cache
    if root is None:
        root = Path(tempfile.mkdtemp()) / "cache"
        fill_from_mirror(root.parent)
    src = Source(Store(root))
    munis = src.store.read_all()["municipalities"].frame
    kommuner = sorted(munis.loc[munis["type"] == "K", "id"])
    print(f"Kommuner {len(kommuner)}, år {args.year}\n")
    drivers(src, kommuner, args.year)
    gaps(src, kommuner, args.year)


if __name__ == "__main__":
    main()
