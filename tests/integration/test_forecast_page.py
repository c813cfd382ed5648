"""Prognos in Budgetmål (issue 23) on the mirror's data: Åtvidaberg IFO gets a forecast with
its band for next year's budget, a lower budget gives a lower NKA, and LSS says why it gets
none. Each figure is recomputed here from the raw values and the band file."""

from __future__ import annotations

import pytest

from benchmark import forecast
from benchmark.numbers import parse_number
from benchmark.source import Source
from kolada.catalogue import RIKET, area
from kolada.store import Store
from tests.conftest import run_app

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("apptest_env")]
PAGE = "app_pages/budgetmal.py"


def metric(at, start: str) -> str:
    (found,) = [m.value for m in at.metric if m.label.startswith(start)]
    return found


def percent(text: str) -> float:
    return parse_number(text.replace("\u2212", "-"), {"%": 1.0})


def test_atvidaberg_ifo_next_years_budget_gives_an_nka_and_its_band(real_cache):
    at = run_app(PAGE, kommun="0561", omrade="ifo")
    assert not at.exception
    (subheader,) = [h.value for h in at.subheader if h.value.startswith("Prognos")]
    budget = parse_number(at.text_input(key="forecast_budget").value, {"mnkr": 1.0})
    nka = percent(metric(at, "Förväntad NKA"))
    low, high = (percent(t) for t in metric(at, "Trolig nivå").split(" till "))
    assert low <= nka <= high
    # recomputed: 2022's structure index × Riket's level grown at its 2019–2022 pace
    a, src = area("ifo"), Source(Store(real_cache))
    vals = src.values([a.net_cost, a.nka_pct, "N01951"], ["0561", RIKET])

    def get(kpi: str, muni: str, year: int) -> float:
        row = vals[(vals.kpi == kpi) & (vals.municipality == muni) & (vals.period == year)]
        return float(row["value"].iloc[0])

    ref = get(a.net_cost, "0561", 2022) / (1 + get(a.nka_pct, "0561", 2022) / 100)
    growth = (get(a.net_cost, RIKET, 2022) / get(a.net_cost, RIKET, 2019)) ** (1 / 3) - 1
    shown = parse_number(at.text_input(key="forecast_growth").value, {"%": 1.0})
    assert shown == round(100 * growth, 1)  # the field holds it; the page uses what it shows
    growth = shown / 100
    year = int(subheader.split()[-1])
    expected_ref = ref * (1 + growth) ** (year - 2022)
    per_inv = budget * 1e6 / get("N01951", "0561", 2022)
    assert nka == pytest.approx(100 * (per_inv / expected_ref - 1), abs=0.05)
    band = forecast.band_for(forecast.load_bands(), "ifo", year - 2022)
    assert (low, high) == (
        pytest.approx(nka - band.p90, abs=0.1),
        pytest.approx(nka - band.p10, abs=0.1),
    )
    assert any(c.value.startswith("Prognos – egen bearbetning") for c in at.caption)
    # a budget 5 % lower gives a lower NKA
    at.text_input(key="forecast_budget").set_value(f"{budget * 0.95:.1f}".replace(".", ",")).run()
    assert not at.exception
    assert percent(metric(at, "Förväntad NKA")) < nka - 3


def test_lss_without_the_volume_input_says_why_there_is_no_forecast(real_cache):
    at = run_app(PAGE, kommun="0561", omrade="lss")
    assert not at.exception
    infos = [i.value.replace("\\", "") for i in at.info]
    assert any(
        i.startswith("Ingen prognos för LSS: när metoden prövades") and "verkställda beslut" in i
        for i in infos
    )
    assert not [m for m in at.metric if m.label.startswith("Förväntad NKA")]
