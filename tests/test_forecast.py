"""Prognos (issue 23): the formula's identities, Riket's growth, the backtest on a made-up
series whose answer is known, and the likely range around a forecast."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmark import forecast, forecast_figures
from benchmark.numbers import NumberError
from kolada.catalogue import POPULATION, RIKET, area

IFO, LSS = area("ifo"), area("lss")
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
    # 2019→20 … 2021→22: 2018→19 crosses the break, and 2015–2017 lack Riket three years before
    assert row["n"] == 3 and (row["first_base"], row["last_base"], row["base_years"]) == (
        2019,
        2021,
        3,
    )
    assert math.isclose(row["median_abs"], 0, abs_tol=1e-9)
    assert list(bands.columns) == forecast.BAND_COLUMNS


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


def test_the_volume_backtest_is_exact_where_the_reference_follows_the_volume():
    """LSS's alternative: a kommun whose reference cost is its volume × Riket's cost per unit
    of volume × a constant is forecast exactly from the volume as it turned out."""
    rows = []
    for i, year in enumerate(range(2019, 2023)):
        riket_volume, volume = 0.7 + 0.01 * i, 0.8 * 1.05**i
        riket, net = 5_000 * 1.04**i, 6_000 * 1.06**i
        reference = 1.3 * volume * riket / riket_volume
        rows += [
            (LSS.net_cost, RIKET, year, riket),
            ("N28892", RIKET, year, riket_volume),
            ("N28892", "0561", year, volume),
            (LSS.net_cost, "0561", year, net),
            (LSS.nka_pct, "0561", year, 100 * (net / reference - 1)),
        ]
    errors = forecast.backtest_volume(frame(rows), LSS, ["0561"], [1, 2], "N28892")
    by = errors.groupby("assumption")["error"]
    assert by.count().to_dict() == {forecast.VOLUME: 5, forecast.VOLUME_UNCHANGED: 5}
    assert errors.loc[errors["assumption"] == forecast.VOLUME, "error"].abs().max() < 1e-9
    band = forecast.band_for(
        forecast.error_bands(errors), "lss", 1, forecast.VOLUME, forecast.VOLUME_UNCHANGED
    )
    assert band.n == 3 and band.beats_unchanged


def start(bands=None) -> forecast_figures.ForecastStart:
    base = forecast.Base(2022, reference=5_000.0, riket=4_000.0, growth=0.03)
    if bands is None:
        bands = pd.DataFrame(
            [
                ("ifo", 2, forecast.EXTRAPOLATED, 100, 4.0, -5.0, 1.0, 6.0, 2019, 2020, 2),
                ("ifo", 2, forecast.UNCHANGED, 100, 9.0, -12.0, 0.0, 12.0, 2019, 2020, 2),
            ],
            columns=forecast.BAND_COLUMNS,
        )
    return forecast_figures.ForecastStart(IFO, base, 10_000.0, 50.0, [-3.0, 1.0, 8.0], bands)


def test_a_prognosis_says_what_its_figures_show():
    p = start().prognosis(2024, 50.0, None, target_name="medianen", target_level=1.0)
    o = p.outlook
    assert o.base.growth == 0.03  # None: Riket's growth as extrapolated
    low, high = o.likely
    (nka_label, nka), (likely_label, likely), (place_label, place) = p.metrics()
    assert (nka_label, likely_label) == ("Förväntad NKA 2024", "Trolig nivå (80\xa0%)")
    assert place_label == "Plats mot gruppens NKA 2022" and place == "1 av 4"  # −5,7 %: lowest
    sentence = p.sentence()
    assert f"enligt prognosen {nka}" in sentence and f"{likely.split(' till ')[0]} och" in sentence
    assert "Medianen (1,0\xa0%) nås med en nettokostnad på 53,6\xa0mnkr" in sentence
    assert sentence.endswith(
        f"{forecast_figures.fmt.percent(o.nka_if_riket(1))}, en procentenhet mindre "
        f"{forecast_figures.fmt.percent(o.nka_if_riket(-1))}."
    )
    assert p.caption().startswith("Prognos – egen bearbetning av data från Kolada")
    rows = dict(p.assumptions())
    assert (
        rows["Rikets kostnadsökning per år"]
        == "+3,0\xa0% (rikets genomsnittliga ökning de 3 åren fram till 2022)"
    )
    assert rows["Förväntad NKA 2024"] == nka and rows["Nettokostnad som ger medianen (1,0\xa0%)"]
    typed = start().prognosis(2024, 50.0, 4.0, target_name="medianen", target_level=None)
    assert (
        dict(typed.assumptions())["Rikets kostnadsökning per år"] == "+4,0\xa0% (angivet antagande)"
    )
    assert "nås" not in typed.sentence() and typed.outlook.nka < o.nka
    grown = start().prognosis(2024, 50.0, None, 11_000, target_name="medianen", target_level=1.0)
    assert dict(grown.assumptions())["Invånare 2024 (angivet)"] == "11\xa0000"
    assert grown.outlook.nka < o.nka  # the same budget spread over more invånare
    assert "Invånare (2022)" in dict(p.assumptions())


def test_no_prognosis_where_the_method_is_not_tried_or_not_better():
    assert start().prognosis(2025, 50.0, target_name="medianen", target_level=0.0) is None
    assert "inte prövats 3 år framåt" in start().why_not(2025)
    worse = start().bands.assign(median_abs=[9.5, 9.0])
    assert start(worse).prognosis(2024, 50.0, target_name="medianen", target_level=0.0) is None
    assert "inte bättre än att anta oförändrad" in start(worse).why_not(2024)


@pytest.mark.parametrize(
    ("reader", "text", "needle"),
    [
        (forecast_figures.read_budget, "abc", "”abc” är inte ett tal"),
        (forecast_figures.read_budget, "0", "”0” måste vara större än 0 mnkr"),
        (forecast_figures.read_budget, "−12,5", "”−12,5” måste vara större än 0"),
        (forecast_figures.read_growth, "75 %", "”75 %” är orimlig"),
        (forecast_figures.read_growth, "", "Fältet är tomt"),
        (forecast_figures.read_population, "11 506,5", "”11 506,5” måste vara ett helt tal"),
        (forecast_figures.read_population, "0", "”0” måste vara ett helt tal över 0"),
    ],
)
def test_a_bad_budget_or_growth_is_named(reader, text, needle):
    with pytest.raises(NumberError, match=needle):
        reader(text)
    assert forecast_figures.read_budget("1 234,5 mnkr") == 1234.5
    assert forecast_figures.read_growth("−0,5 %") == -0.5
    assert forecast_figures.read_population("11 506") == 11_506


def test_a_budget_or_population_far_from_the_base_year_is_refused():
    fc = start()  # 50 mnkr for 10 000 invånare in 2022
    with pytest.raises(
        NumberError, match="Budgeten 50\xa0000,0\xa0mnkr ger 1\xa0000,0 gånger så hög"
    ):
        fc.prognosis(2024, 50_000.0, target_name="medianen", target_level=0.0)  # kronor typed
    with pytest.raises(NumberError, match="Invånarantalet 100\xa0000 ligger långt från 10\xa0000"):
        fc.prognosis(2024, 50.0, None, 100_000, target_name="medianen", target_level=0.0)
    assert fc.prognosis(2024, 60.0, None, 12_000, target_name="medianen", target_level=0.0)


def test_the_target_says_its_level_once_and_a_peer_level_its_year():
    assert forecast_figures.target_words("median", 2019) == "medianen 2019"
    zero = forecast_figures.target_words("zero", 2019)
    p = start().prognosis(2024, 50.0, target_name=zero, target_level=0.0)
    assert "Referenskostnadens nivå (0 %) nås" in p.sentence() and "(0,0" not in p.sentence()
    assert forecast_figures.budget_year(2022, 2026) == 2027
    assert forecast_figures.budget_year(None, 2026) == 2027


def test_the_caption_says_which_base_years_the_band_comes_from():
    p = start().prognosis(2024, 50.0, target_name="medianen", target_level=0.0)
    assert "100 kommun-år från basåren 2019–2020:" in p.caption()
    old = start().bands.assign(first_base=2013, last_base=2013)
    p = start(old).prognosis(2024, 50.0, target_name="medianen", target_level=0.0)
    assert "från basåret 2013, alla före metodbytet 2019, så spridningen bygger på" in p.caption()
    assert start(old).backtest_rows()[0][:3] == ("2", "100", "2013")


def test_an_area_never_backtested_gets_the_reason_not_a_guess():
    other = replace(start(), area=area("aldreomsorg"))
    assert "metoden har inte prövats för området" in other.why_not(2024)
