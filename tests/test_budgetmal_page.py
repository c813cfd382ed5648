"""AppTest of Budgetmål on a small cache with believable IFO figures: targets from the base
year, signs in words, coverage, the targets side by side and numbers typed with a decimal comma.

The fixture's IFO values (made up, in Kolada's shapes): Åtvidaberg lies above its RKA group's
median, Höör far below every peer level; for the latest year only Åtvidaberg and Höör have
values, so that year has too few peers for a peer-based target.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from benchmark import numbers
from kolada.catalogue import POPULATION, area
from tests.conftest import FakeClient, fill_cache, load_fixture, run_app, use_cache
from tests.markdown_support import visible

pytestmark = pytest.mark.usefixtures("apptest_env")

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/budgetmal.py"
KOMMUNER = [m["id"] for m in load_fixture("municipality.json")["values"] if m["type"] == "K"]
WITHOUT_VALUES = "2031"  # Rättvik, a member of Åtvidaberg's IFO group
IFO = area("ifo")
LATEST = date.today().year  # the fake client serves values up to this year
NBSP = "\u00a0"
NEXT_YEAR = date.today().year + 1


def nka(muni: str, year: int) -> float:
    if muni == "0561":  # Åtvidaberg: above its group's median (26 %)
        return 30.0 + 0.5 * (year - 2024)
    if muni == "1267":  # Höör: below every peer level
        return -5.3 + 0.1 * (year - 2024)
    return 10.0 + int(muni) % 23


def reference(muni: str, year: int) -> float:
    return 4000.0 + 20 * (year - 2020) + int(muni) % 100


def population(muni: str) -> float:
    return 10_000.0 + int(muni)


def ifo_value(kpi: str, muni: str, year: int) -> float | None:
    if year == LATEST and muni not in ("0561", "1267"):
        return None  # the latest year: too few peers report
    p, r = nka(muni, year), reference(muni, year)
    return {
        IFO.nka_pct: p,
        IFO.reference_cost: r,
        IFO.net_cost: r * (1 + p / 100),
        IFO.nka_mnkr: p / 100 * r * population(muni) / 1e6,
        POPULATION: population(muni),
    }.get(kpi)


class BudgetClient(FakeClient):
    """The repo's fake Kolada with believable IFO figures and population."""

    def fetch_values(self, kpis, municipalities, years, *, from_date=None, on_page=None):
        rows = super().fetch_values(
            kpis, municipalities, years, from_date=from_date, on_page=on_page
        )
        for row in rows:
            if row["kpi"] in (*IFO.kpis, POPULATION) and row["kpi"] != IFO.standard_cost:
                value = ifo_value(row["kpi"], row["municipality"], row["period"])
                row["values"][0]["value"] = None if value is None else round(value, 4)
        return rows


def client() -> BudgetClient:
    return BudgetClient(munis=[k for k in KOMMUNER if k != WITHOUT_VALUES])


@pytest.fixture(scope="session")
def budget_filled(tmp_path_factory) -> Path:
    return fill_cache(tmp_path_factory.mktemp("budgetcache"), client())


@pytest.fixture
def cache(budget_filled, tmp_path, monkeypatch) -> Path:
    return use_cache(budget_filled, tmp_path, monkeypatch, client)


def budgetmal(**params) -> AppTest:
    at = run_app(PAGE, **params)
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in (*at.warning, *at.info, *at.error)]
    return "\n".join(visible(p) for p in parts)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def table(at: AppTest, column: str):
    return next(t.value for t in (*at.table, *at.dataframe) if column in t.value.columns)


def test_atvidaberg_above_the_median_cuts_in_words_from_the_budget_year(cache):
    at = budgetmal(kommun="0561")
    base = LATEST - 1  # the latest year has too few peers
    assert at.title[0].value == "Budgetmål – Individ- och familjeomsorg – Åtvidaberg"
    assert at.selectbox(key="budget_base").value == base
    assert f"har värden (inte {LATEST})" in texts(at)  # the newest year lacks enough peers
    assert at.selectbox(key="budget_start").value == NEXT_YEAR
    assert at.selectbox(key="budget_year").value == NEXT_YEAR + 2

    first = visible(at.markdown[0].value)
    assert first.startswith("Åtvidaberg ligger 4,5 p.e. över medianen")  # 30,5 vs 26,0 %
    assert "minska nettokostnaden med" in first and "behöver öka" not in texts(at)
    assert (
        metric(at, f"NKA {base} (utgångsläge)")
        == f"{30.0 + 0.5 * (base - 2024):.1f}".replace(".", ",") + f"{NBSP}%"
    )
    amount = metric(at, "Minska nettokostnaden med")
    assert amount.endswith("mnkr") and not amount.startswith(("+", "\u2212"))

    # the glide path: the base named as such, then the budget years; steps add up to the amount
    path = table(at, "Minskning under året")
    assert path["År"].tolist() == [
        f"Utgångsläge {base}",
        *map(str, range(NEXT_YEAR, NEXT_YEAR + 3)),
    ]
    steps = [numbers.parse_number(s, numbers.MNKR_UNITS) for s in path.iloc[1:, 2]]
    assert numbers.money(sum(steps)) == amount
    assert path.iloc[-1, 3].startswith(f"{amount} (") and path.iloc[-1, 3].endswith("/inv.)")

    # every target side by side, with the pooled level and the moving-target caveat
    compared = table(at, "I kronor")
    assert compared["Mål"].tolist() == [
        "**Median** (valt)", "Ovägt medel", "Vägd nivå",
        "Bästa kvartilen", "0 % (referenskostnadens nivå)",
    ]  # fmt: skip
    assert all(t.startswith(("minska", "nettokostnaden ligger")) for t in compared["I kronor"])
    assert "ett mål i procent är rörligt" in texts(at)
    assert "Egen bearbetning av data från Kolada" in texts(at)


def test_hoor_already_below_the_median_says_so_first(cache):
    at = budgetmal(kommun="1267", grupp="alla")
    first = visible(at.markdown[0].value)
    assert first.startswith("Höör ligger redan "), first
    assert "Ingen minskning behövs" in first
    assert re.search(r"nettokostnaden ligger [0-9,]+\s(mnkr|tkr) under målet", first), first
    everything = texts(at)
    assert "behöver öka" not in everything and "nettokostnaden öka" not in everything
    assert metric(at, "Nettokostnaden under målet med").endswith("mnkr")
    assert any("ingen minskning behövs" in i.value for i in at.info)
    assert at.text_input(key="budget_cut").value == "0"  # no cut proposed below the target


def test_hoor_rka_group_is_too_small_for_a_peer_target(cache):
    at = budgetmal(kommun="1267")  # Höör's RKA group has two members here
    warning = " ".join(visible(w.value) for w in at.warning)
    assert (
        f"Medianen för {LATEST} kan inte användas som mål: för få jämförelsevärden (0 av 2)"
        in warning
    )
    assert "Välj en annan jämförelsegrupp, eller målet 0 % eller en egen nivå" in warning
    at.selectbox(key="budget_base").set_value(LATEST - 1).run()
    assert "för få jämförelsevärden (2 av 2)" in table(at, "I kronor")["I kronor"].tolist()
    at.radio(key="budget_kind").set_value("zero").run()
    assert not at.exception
    assert visible(at.markdown[0].value).startswith(
        "Höör ligger redan 5,2 p.e. under referenskostnadens nivå (0 %)."
    )


def test_what_if_with_a_decimal_comma(cache):
    at = budgetmal(kommun="0561")
    at.text_input(key="budget_cut").input("2,5").run()
    assert not at.exception
    assert f"Minska nettokostnaden med 2,5{NBSP}mnkr" in texts(at)
    assert f"25,0{NBSP}mnkr" not in texts(at)
    after = metric(at, "NKA efter förändringen")
    at.text_input(key="budget_cut").input("2.5").run()
    assert metric(at, "NKA efter förändringen") == after
    at.text_input(key="budget_cut").input("700 tkr").run()
    assert f"Minska nettokostnaden med 700{NBSP}tkr" in texts(at)
    at.text_input(key="budget_cut").input("1,5").run()
    at.radio(key="budget_direction").set_value("oka").run()
    assert f"Öka nettokostnaden med 1,5{NBSP}mnkr" in texts(at)
    assert "med −" not in texts(at) and "med −1" not in texts(at)
    at.text_input(key="budget_cut").input("2,5,1").run()
    assert not at.exception
    assert any("Beloppet: ”2,5,1” är inte ett tal" in visible(e.value) for e in at.error)
    at.text_input(key="budget_cut").input("−1,5").run()  # a sign is the direction's job
    assert not at.exception
    assert any(
        "Beloppet: ”−1,5”: skriv beloppet utan minustecken och välj Minska eller Öka"
        in visible(e.value)
        for e in at.error
    )


def test_hoor_below_the_target_sets_the_what_if_to_an_increase_without_double_negative(cache):
    at = budgetmal(kommun="1267", grupp="alla")
    assert at.radio(key="budget_direction").value == "minska"
    assert at.text_input(key="budget_cut").value == "0"
    (button,) = [b for b in at.button if b.label.startswith("Sätt till målets nivå")]
    assert "(öka nettokostnaden med " in button.label
    button.click().run()
    assert at.radio(key="budget_direction").value == "oka"
    amount = at.text_input(key="budget_cut").value
    assert not amount.startswith(("-", "−"))
    assert metric(at, "NKA efter förändringen") == metric(at, "Målnivå")
    assert "Öka nettokostnaden med" in texts(at) and "med −" not in texts(at)


def test_what_if_starts_over_when_the_target_changes(cache):
    at = budgetmal(kommun="0561")
    default = at.text_input(key="budget_cut").value
    assert default.count(",") == 1 and "." not in default  # the gap, with a decimal comma
    at.text_input(key="budget_cut").input("2,5").run()
    at.selectbox(key="budget_year").set_value(NEXT_YEAR + 4).run()
    assert at.text_input(key="budget_cut").value == "2,5"  # the target year is not the target
    at.radio(key="budget_kind").set_value("zero").run()
    assert at.text_input(key="budget_cut").value not in ("2,5", default)
    at.button[0].click().run()  # "set to the amount that reaches the target"
    assert metric(at, "NKA efter förändringen") == f"0,0{NBSP}%"


def test_custom_level_with_a_decimal_comma(cache):
    at = budgetmal(kommun="0561")
    at.radio(key="budget_kind").set_value("custom").run()
    at.text_input(key="budget_custom").input("10,5").run()
    assert metric(at, "Målnivå") == f"10,5{NBSP}%"
    at.text_input(key="budget_custom").input("10,5 %").run()
    assert metric(at, "Målnivå") == f"10,5{NBSP}%"
    at.button[0].click().run()  # the what-if set to the gap lands on the target level
    assert metric(at, "NKA efter förändringen") == f"10,5{NBSP}%"
    at.text_input(key="budget_cut").input("0").run()
    assert metric(at, "NKA efter förändringen") == metric(at, f"NKA {LATEST - 1} (utgångsläge)")
    at.text_input(key="budget_custom").input("tio").run()
    assert not at.exception
    assert any("Egen nivå: ”tio” är inte ett tal" in visible(e.value) for e in at.error)


def test_an_uncovered_base_year_is_refused_with_the_reason(cache):
    at = budgetmal(kommun="0561")
    at.selectbox(key="budget_base").set_value(LATEST).run()
    assert not at.exception
    assert any(
        f"Medianen för {LATEST} kan inte användas som mål: för få jämförelsevärden (0 av 7)"
        in visible(w.value)
        for w in at.warning
    )
    assert f"Välj {LATEST - 1} som utgångsläge" in texts(at)
    at.radio(key="budget_kind").set_value("zero").run()  # 0 % needs no peers
    assert metric(at, "Målnivå") == f"0,0{NBSP}%"


def test_base_and_budget_year_and_target_year_are_choosable(cache):
    at = budgetmal(kommun="0561")
    at.selectbox(key="budget_base").set_value(2020).run()
    at.selectbox(key="budget_start").set_value(NEXT_YEAR + 1).run()
    at.selectbox(key="budget_year").set_value(NEXT_YEAR + 1).run()
    path = table(at, "Minskning under året")
    assert path["År"].tolist() == ["Utgångsläge 2020", str(NEXT_YEAR + 1)]
    assert path.iloc[1, 2] == metric(at, "Minska nettokostnaden med")  # one step: the whole
    inputs = table(at, "Källa")
    assert inputs["Källa"].str.contains("Källa: Kolada").any()
    assert inputs["Källa"].str.contains("N30007").any()
    assert any("tjänsteskrivelse" in e.label for e in at.expander)
