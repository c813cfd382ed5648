"""The kronor arithmetic on real figures through the mirror: NKA % × referenskostnad × invånare
reproduces Kolada's own NKA mnkr (N30026) for kommuner that have all inputs."""

from __future__ import annotations

import pytest

from benchmark import analytics, budget, glide
from kolada.catalogue import POPULATION, area
from kolada.frames import totals
from kolada.store import Store

pytestmark = pytest.mark.integration
IFO = area("ifo")


@pytest.fixture(scope="module")
def ifo_values(reference_cache):
    kpis = [IFO.nka_pct, IFO.nka_mnkr, IFO.net_cost, IFO.reference_cost, POPULATION]
    frame = totals(Store(reference_cache).values(kpis, years=(2019, 2025)))
    return frame[["kpi", "municipality", "period", "value"]]


def test_nka_times_reference_cost_times_population_is_koladas_mnkr(ifo_values):
    wide = ifo_values.pivot_table(
        index=["municipality", "period"], columns="kpi", values="value"
    ).dropna(subset=[IFO.nka_pct, IFO.nka_mnkr, IFO.net_cost, POPULATION])
    assert len(wide) > 1000  # 290 kommuner × 2019–2022 with every input
    worst = 0.0
    for (muni, year), row in wide.iterrows():
        ref = analytics.reference_cost(ifo_values, IFO, muni, int(year))
        assert ref is not None and ref.kr_per_inhabitant is not None
        mnkr = row[IFO.nka_pct] / 100 * ref.kr_per_inhabitant * row[POPULATION] / 1e6
        worst = max(worst, abs(mnkr - row[IFO.nka_mnkr]))
        assert mnkr == pytest.approx(row[IFO.nka_mnkr], abs=0.1), (muni, year)
    print(f"{len(wide)} kommun-years, largest difference {worst:.4f} mnkr")


def test_gap_to_zero_is_koladas_mnkr_and_what_if_round_trips(ifo_values):
    # Åtvidaberg 2022: the gap to 0 % is Kolada's own NKA mnkr, to the one rounding rule for a
    # gap: it is computed from NKA as shown (one decimal), so it may differ by ≤ 0,05 % of the
    # reference cost, and cutting it leaves NKA within 0,05 p.e. of 0 (shown as 0,0 %)
    nka = analytics.value_at(ifo_values, IFO.nka_pct, "0561", 2022)
    ref = analytics.reference_cost(ifo_values, IFO, "0561", 2022)
    target = budget.make_target(nka, 0.0, 2022, 2026, ref)
    kolada_mnkr = analytics.value_at(ifo_values, IFO.nka_mnkr, "0561", 2022)
    slack = 0.05 / 100 * ref.total_mnkr
    assert target.gap.mnkr == pytest.approx(kolada_mnkr, abs=slack)
    assert target.gap.mnkr == pytest.approx(round(nka, 1) / 100 * ref.total_mnkr, abs=1e-9)
    assert glide.nka_after_cut(nka, ref, target.gap.mnkr) == pytest.approx(0.0, abs=0.05)
    path = glide.glide_path(target)
    assert path["NKA (%)"].iloc[-1] == pytest.approx(0.0, abs=0.05)
    assert path["Ackumulerad förändring (mnkr)"].iloc[-1] == pytest.approx(-kolada_mnkr, abs=0.1)


def test_mnkr_route_for_years_without_net_cost(ifo_values):
    # Höör 2024: only N30001 and N30026 are recorded; the reference cost comes from them
    ref = analytics.reference_cost(ifo_values, IFO, "1267", 2024)
    nka = analytics.value_at(ifo_values, IFO.nka_pct, "1267", 2024)
    assert ref.derived and ref.kr_per_inhabitant is None
    gap_to_zero = analytics.gap(nka, 0.0, ref)
    kolada_mnkr = analytics.value_at(ifo_values, IFO.nka_mnkr, "1267", 2024)
    # from NKA as shown: Kolada's mnkr × (NKA as shown / NKA)
    assert gap_to_zero.mnkr == pytest.approx(kolada_mnkr * round(nka, 1) / nka, abs=1e-9)
