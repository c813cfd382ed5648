"""Prognos in Budgetmål (issue 23) on the mirror's data: Åtvidaberg IFO gets a forecast with
its band for next year's budget, a lower budget gives a lower NKA, and LSS says why it gets
none. Each figure is recomputed here from the raw values and the band file."""

from __future__ import annotations

from datetime import date

import pytest

from benchmark import forecast
from benchmark.numbers import parse_number
from benchmark.report import document
from benchmark.report.forecast import BudgetInput
from benchmark.report.model import Bullets, Heading
from benchmark.source import Source
from benchmark.viewstate import parse_view
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
    # the population as Kolada had it, and a forecast of it typed in: more invånare, lower NKA
    assert at.text_input(key="forecast_population").value == "11\xa0506"
    lower = percent(metric(at, "Förväntad NKA"))
    at.text_input(key="forecast_population").set_value("12 000").run()
    assert not at.exception
    assert percent(metric(at, "Förväntad NKA")) == pytest.approx(
        100 * ((1 + lower / 100) * 11_506 / 12_000 - 1), abs=0.06
    )


def test_lss_without_the_volume_input_says_why_there_is_no_forecast(real_cache):
    at = run_app(PAGE, kommun="0561", omrade="lss")
    assert not at.exception
    infos = [i.value.replace("\\", "") for i in at.info]
    assert any(
        i.startswith("Ingen prognos för LSS: när metoden prövades")
        and "verkställda beslut" in i
        and "Inte heller med antalet invånare med insatser enligt LSS känt i förväg blev den "
        "bättre (3 år framåt: 5,2 mot 2,8)"
        in i
        for i in infos
    ), infos
    assert not [m for m in at.metric if m.label.startswith("Förväntad NKA")]


def test_the_report_says_what_budgetmal_says_for_the_same_budget(real_cache):
    """The budget typed in Budgetmål goes to Rapport's field; the document's Prognos section is
    the page's sentence and figures, word for word, with the backtest in the appendix."""
    at = run_app(PAGE, kommun="0561", omrade="ifo")
    at.text_input(key="forecast_budget").set_value("70,5").run()
    assert not at.exception
    (subheader,) = [h.value for h in at.subheader if h.value.startswith("Prognos")]
    year = int(subheader.split()[-1])
    said = [m.value.replace("\\", "") for m in at.markdown if "enligt prognosen" in m.value]
    cards = [(m.label, m.value) for m in at.metric if m.label.startswith(("Förväntad", "Trolig"))]
    at.switch_page("app_pages/rapport.py").run()
    assert at.text_input(key="report_budget").value == "70,5"  # carried over, visibly
    at.text_input(key="report_budget").set_value("sjuttio").run()
    assert [e.value.replace("\\", "") for e in at.error] == [
        "”sjuttio” är inte ett tal. Skriv till exempel 2,5 eller −1 234,5."
    ]
    at.text_input(key="report_budget").set_value("70,5").run()
    at.button(key="report_make").click().run()
    assert not at.exception and "Rapporten är klar" in at.success[0].value

    src = Source(Store(real_cache))
    view = parse_view({"kommun": "0561", "omrade": "ifo"}, src.names, src.require_values())[0]
    doc = document.make_document(src, view, budget_input=BudgetInput(70.5), today=date.today())
    headings = [b.text for b in doc.blocks if isinstance(b, Heading)]
    i = headings.index(f"Prognos {year}")
    after = doc.blocks[doc.blocks.index(Heading(f"Prognos {year}", 1)) + 1 :]
    assert [after[0].text] == said
    table = after[1]
    assert set(cards) <= set(table.rows)
    assert table.caption.startswith("Prognos – egen bearbetning av data från Kolada")
    assert "Prognosmetoden prövad (Individ- och familjeomsorg)" in headings[i:]
    bullets = [b for b in doc.blocks if isinstance(b, Bullets)][-1]
    assert bullets.items[-1].startswith("Prognos: NKA (%) = (n / r − 1) × 100")
    plain = document.make_document(src, view, today=date.today())
    assert not [b for b in plain.blocks if isinstance(b, Heading) and "Prognos" in b.text]


def test_the_band_file_is_what_the_backtest_gives_on_the_mirror(real_cache):
    """The app's bands come from the file, and the file from one command: IFO one and two
    years ahead, recomputed here, equal it (rounded as written)."""
    src = Source(Store(real_cache))
    a = area("ifo")
    kommuner = sorted(m for m in src.municipalities.query("type == 'K'")["id"] if m != RIKET)
    values = src.values([a.nka_pct, a.net_cost, a.nka_mnkr, "N01951"])
    fresh = forecast.error_bands(forecast.backtest(values, a, kommuner, [1, 2]))
    stored = forecast.load_bands()
    for _, row in fresh.iterrows():
        (match,) = [
            r
            for _, r in stored.iterrows()
            if (r["area"], r["horizon"], r["assumption"])
            == (row["area"], row["horizon"], row["assumption"])
        ]
        assert match["n"] == row["n"] and match["first_base"] == row["first_base"]
        for column in ("median_abs", "p10", "p50", "p90"):
            assert match[column] == pytest.approx(round(row[column], 2), abs=1e-9), column
    print(f"\n{len(fresh)} bands recomputed and equal to the file")
