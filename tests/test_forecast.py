"""Prognos (issue 23): the formula's identities, Riket's growth, the backtest on a made-up
series whose answer is known, and the likely range around a forecast."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmark import forecast
from kolada.catalogue import POPULATION, RIKET, area

IFO = area("ifo")
finite = st.floats(min_value=-90, max_value=300, allow_nan=False)
positive = st.floats(min_value=100, max_value=100_000, allow_nan=False)


def test_a_net_cost_equal_to_the_expected_reference_cost_gives_zero():
    base = forecast.Base(2022, reference=5_000.0, riket=4_000.0, growth=0.04)
    r = base.reference_at(2024)
    assert r == pytest.approx(5_000 * 1.04**2)
    assert forecast.expected_nka(r, r) == 0
    assert base.reference_at(2022) == pytest.approx(base.reference)  # the base year itself
    assert base.structure == 1.25


@given(nka=finite, reference=positive)
def test_the_reverse_returns_the_input(nka, reference):
    assert forecast.expected_nka(forecast.net_for(nka, reference), reference) == pytest.approx(
        nka, abs=1e-9
    )


def test_a_budget_in_mnkr_per_invanare():
    assert forecast.per_inhabitant(120.0, 12_000) == 10_000


def test_riket_growth_is_the_geometric_mean_of_the_last_years():
    riket = {2019: 100.0, 2020: 110.0, 2021: 121.0, 2022: 133.1}
    assert forecast.riket_growth(riket, 2022) == pytest.approx(0.10)
    assert forecast.riket_growth(riket, 2021) is None  # 2018 missing
    assert forecast.riket_growth({**riket, 2019: 0.0}, 2022) is None
    # only the ends count: a year missing in between (Riket has no 2012 in Kolada) is fine
    assert forecast.riket_growth({2019: 100.0, 2022: 133.1}, 2022) == pytest.approx(0.10)


def frame(rows):
    return pd.DataFrame(rows, columns=["kpi", "municipality", "period", "value"])


def made_up(growth: float = 0.05, structure: float = 1.2):
    """A kommun whose structure index stays ``structure`` and whose net cost grows 8 % a year,
    Riket growing ``growth`` a year, 2015–2022: NKA follows from the definition."""
    rows = []
    for i, year in enumerate(range(2015, 2023)):
        riket, net = 4_000 * (1 + growth) ** i, 5_000 * 1.08**i
        reference = structure * riket
        rows += [
            (IFO.net_cost, RIKET, year, riket),
            (IFO.net_cost, "0561", year, net),
            (IFO.nka_pct, "0561", year, 100 * (net / reference - 1)),
            (POPULATION, "0561", year, 10_000.0),
        ]
    return frame(rows)


def test_the_backtest_is_exact_where_the_structure_and_riket_s_growth_hold():
    errors = forecast.backtest(made_up(), IFO, ["0561"], range(1, 6))
    assert set(errors["assumption"]) == set(forecast.ASSUMPTIONS)
    for name in ("riket_kand", "riket_framskriven"):
        assert errors.loc[errors["assumption"] == name, "error"].abs().max() < 1e-9
    unchanged = errors[errors["assumption"] == "oforandrad"]
    assert (unchanged["error"] < 0).all()  # the net cost outgrows Riket: NKA rises
    # no pair of years across the 2019 method break
    assert not ((errors["base"] < 2019) & (errors["base"] + errors["horizon"] >= 2019)).any()
    # Riket's growth needs the year three before the base (2018 is the first with it), and
    # every target from 2018 lies across the break: 2019 is the first base forecast from
    framskriven = errors[errors["assumption"] == "riket_framskriven"]
    assert framskriven["base"].min() == 2019


def test_error_bands_per_area_horizon_and_assumption():
    errors = forecast.backtest(made_up(), IFO, ["0561"], [1, 2])
    bands = forecast.error_bands(errors)
    row = bands[(bands["horizon"] == 1) & (bands["assumption"] == "riket_kand")].iloc[0]
    assert row["n"] == 6  # 2015→16 … 2017→18 and 2019→20 … 2021→22 (2018→19 crosses the break)
    assert math.isclose(row["median_abs"], 0, abs_tol=1e-9)
    assert list(bands.columns) == [
        "area", "horizon", "assumption", "n", "median_abs", "p10", "p50", "p90",
    ]  # fmt: skip


@given(point=finite, a=st.floats(-30, 30), b=st.floats(-30, 30))
def test_the_likely_range_holds_the_forecast(point, a, b):
    p10, p90 = min(a, b), max(a, b)
    low, high = forecast.likely_range(point, p10, p90)
    assert low <= point <= high
    assert high - low >= p90 - p10 - 1e-9


def test_an_outlook_a_budget_and_riket_s_growth():
    base = forecast.Base(2022, reference=5_000.0, riket=4_000.0, growth=0.03)
    band = forecast.Band(2, 100, 4.0, -5.0, 6.0, 9.0)
    o = forecast.Outlook(base, 2024, 10_000, 50.0, band)  # 5 000 kr per invånare
    assert o.nka == pytest.approx(100 * (5_000 / (5_000 * 1.03**2) - 1))
    assert o.budget_for(o.nka) == pytest.approx(50.0)  # the reverse
    assert o.nka_if_riket(1) < o.nka < o.nka_if_riket(-1)  # Riket costlier: a lower NKA
    assert o.likely == (pytest.approx(o.nka - 6.0), pytest.approx(o.nka + 5.0))
    assert band.beats_unchanged
