"""Kostnadsdrivare and "Varför ändrades NKA?" on the real recorded data (a full refresh from the
mirror), for the kommuner of the issue. Every figure is recomputed here from the raw values in
the cache, independently of benchmark/driver_figures.py."""

from __future__ import annotations

import statistics
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kolada.frames import totals
from kolada.store import Store
from tests.conftest import open_expanders, run_app

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("apptest_env")]
PAGE = "app_pages/kostnadsdrivare.py"
NBSP = "\u00a0"


def run(page: str | None = None, **params) -> AppTest:
    at = open_expanders(run_app(page, **params))
    assert not at.exception, at.exception
    return at


def plain(text: str) -> str:
    return text.replace("\\", "")


def raw(cache: Path, kpi: str, kommun: str, year: int) -> float | None:
    values = totals(Store(cache).values())
    row = values[(values.kpi == kpi) & (values.municipality == kommun) & (values.period == year)]
    value = row["value"].dropna()
    return float(value.iloc[0]) if len(value) else None


def peer_ids(at: AppTest, tree_index: int) -> list[str]:
    """The peers a tree's table was computed over, as the app's session holds them."""
    from benchmark.peers import part_peers, resolve_peers
    from kolada import IFO_PARTS

    ctx = at.session_state["_ctx"]
    if ctx.view.area != "ifo" or tree_index >= len(IFO_PARTS):
        return list(resolve_peers(ctx.view, ctx.src.groups, ctx.src.municipalities).ids)
    part = IFO_PARTS[tree_index]
    return list(part_peers(ctx.view, part, ctx.src.groups, ctx.src.municipalities).ids)


def row(table: pd.DataFrame, title_start: str) -> pd.Series:
    (found,) = [r for _, r in table.iterrows() if r["Nyckeltal"].startswith(title_start)]
    return found


def sv(value: float, decimals: int) -> str:
    text = f"{abs(value):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return ("−" if round(value, decimals) < 0 else "") + text


def test_atvidaberg_ifo_shows_each_part_with_a_table_charts_and_a_split(real_cache):
    at = run(PAGE, kommun="0561", omrade="ifo")
    assert [h.value for h in at.header] == [
        "Barn och unga",
        "Ekonomiskt bistånd",
        "Missbruk vuxna",
        "IFO totalt",
    ]
    tables = [d.value for d in at.table if "Nyckeltal" in d.value.columns]
    assert [len(t) for t in tables] == [5, 7, 2, 1]
    for t in tables:
        assert t["Vad det mäter"].str.len().min() > 20  # each driver says what it measures
    # the kommun's values are Kolada's, to the printed decimal
    hvb = row(tables[0], "Placerade på HVB")
    assert hvb["Åtvidaberg"] == sv(raw(real_cache, "N33816", "0561", 2022), 1)
    # one split (ekonomiskt bistånd) and one small chart per driver
    splits = [s.value for s in at.subheader if "volym × styckkostnad" in s.value]
    assert splits == ["Ekonomiskt bistånd: volym × styckkostnad 2022"]
    assert len(at.get("vega_lite_chart")) == 15 + 1
    assert not [i.value for i in at.info if "inga värden" in i.value]
    # no preliminary value up to 2022: the triangle is not explained
    assert not [c.value for c in at.caption if "▲" in c.value]


def test_umea_children_and_young_people_bought_care_and_hvb_against_the_median(real_cache):
    at = run(PAGE, kommun="2480", omrade="ifo")
    table = next(d.value for d in at.table if "Nyckeltal" in d.value.columns)
    peers = peer_ids(at, 0)
    for kpi, title, unit in (
        ("N33023", "Köp av barn- och ungdomsvård", f"{NBSP}%"),
        ("N33816", "Placerade på HVB", ""),
    ):
        own = raw(real_cache, kpi, "2480", 2022)
        others = [v for p in peers if (v := raw(real_cache, kpi, p, 2022)) is not None]
        r = row(table, title)
        assert r["Umeå"] == sv(own, 1) + unit
        assert r["Median"] == sv(statistics.median(others), 1) + unit
        assert r["Plats"] == f"{1 + sum(v < own for v in others)} av {len(others) + 1}"
        assert r["Med värde"] == f"{len(others)} av {len(peers)}"
    assert row(table, "Köp av barn- och ungdomsvård")["Plats"] == "8 av 8"
    assert row(table, "Placerade på HVB")["Plats"] == "8 av 8"
    sentence = next(plain(m.value) for m in at.markdown if "Störst skillnad" in m.value)
    assert sentence.startswith(
        "Störst skillnad mot jämförelsegruppen bland kostnadsdrivarna för barn och unga 2022: "
        "”Placerade i familjehem, antal/1 000 inv 0–20 år” är 7,3 mot medianen 4,0"
    )
    # 7,3 / 4,0 − 1 = 82,5 %: the percentage is taken from the figures as quoted
    assert f"det vill säga 82{NBSP}% högre, plats 7 av 8 där 1 är lägst, utanför" in sentence


def test_vaxjo_placements_2018_to_2021(real_cache):
    at = run(PAGE, kommun="0780", omrade="ifo", fran="2018", till="2021")
    assert "Kommunen mot jämförelsegruppen 2021" in [s.value for s in at.subheader]
    table = next(d.value for d in at.table if "Nyckeltal" in d.value.columns)
    for kpi, title in (
        ("N33001", "Kostnad barn och ungdomsvård"),
        ("N33816", "Placerade på HVB"),
        ("N33817", "Placerade i familjehem"),
    ):
        change = raw(real_cache, kpi, "0780", 2021) / raw(real_cache, kpi, "0780", 2018) - 1
        assert row(table, title)["Förändring i kommunen"] == (
            f"{sv(change * 100, 0)}{NBSP}% sedan 2018"
        )
    assert row(table, "Placerade på HVB")["Förändring i kommunen"] == f"−64{NBSP}% sedan 2018"
    # the HVB chart's table holds every year 2018–2021, the kommun's values as Kolada's
    over_time = [d.value for d in at.dataframe if "År" in d.value.columns]
    assert len(over_time) == 15 and all(  # one per driver of the four trees
        t["År"].tolist() == [2018, 2019, 2020, 2021] for t in over_time
    )
    hvb = [sv(raw(real_cache, "N33816", "0780", y), 1) for y in (2018, 2019, 2020, 2021)]
    assert hvb in [t["Växjö"].tolist() for t in over_time]


def test_atvidaberg_lss_boende_split_adds_up_and_reads_the_right_way(real_cache):
    """Against the group's pooled cost (Σ kostnad / Σ invånare), recomputed here from Kolada's
    raw values: the parts add up to the gap, and the sentence and table say so."""
    at = run(PAGE, kommun="0561", omrade="lss")
    peers = peer_ids(at, 0)
    inputs = [
        (c, v, b)
        for p in peers
        if (c := raw(real_cache, "N28012", p, 2022)) is not None
        and (v := raw(real_cache, "N28820", p, 2022)) is not None
        and (b := raw(real_cache, "N01951", p, 2022)) is not None
    ]
    pooled = sum(c * b for c, _, b in inputs) / sum(b for *_, b in inputs)
    vr = sum(v * b for _, v, b in inputs) / sum(b for *_, b in inputs)
    ur = pooled / (vr / 10_000)
    co, vo = raw(real_cache, "N28012", "0561", 2022), raw(real_cache, "N28820", "0561", 2022)
    uo = co / (vo / 10_000)
    population = raw(real_cache, "N01951", "0561", 2022)
    volume_part = (vo - vr) * (uo + ur) / 2 / 10_000 * population / 1e6
    unit_part = (uo - ur) * (vo + vr) / 2 / 10_000 * population / 1e6
    gap = (co - pooled) * population / 1e6
    assert volume_part + unit_part == pytest.approx(gap)
    sentence = next(plain(m.value) for m in at.markdown if "Kostnaden för LSS boende är" in m.value)
    assert sentence == (
        f"Kostnaden för LSS boende är {sv(gap, 1)}{NBSP}mnkr högre än jämförelsegruppens vägda "
        f"genomsnitt. Skillnaden består av fler brukare per invånare (+{sv(volume_part, 1)}"
        f"{NBSP}mnkr), medan lägre kostnad per brukare ({sv(unit_part, 1)}{NBSP}mnkr) drar åt "
        "andra hållet."
    )
    assert "+7,2" in sentence and "−2,4" in sentence and "4,9" in sentence
    (detail,) = [e for e in at.expander if e.label == "Tabell: LSS boende, volym × styckkostnad"]
    shown = detail.table[0].value.set_index("Uppgift")
    assert shown.loc["Kostnad, kr per invånare", "Gruppens genomsnitt, vägt"] == sv(pooled, 0)
    assert shown.loc["Volym", "Gruppens genomsnitt, vägt"] == sv(vr, 2)
    unit_row = "Styckkostnad, kr (härledd: kostnad ÷ volym)"
    assert shown.loc[unit_row, "Gruppens genomsnitt, vägt"] == sv(ur, 0)
    # the driver table shows the same reference beside the median: one figure, not two
    table = next(d.value for d in at.table if "Nyckeltal" in d.value.columns)
    assert (
        row(table, "Kostnad LSS boende, kr/inv")["Gruppens genomsnitt, vägt"]
        == f"{sv(pooled, 0)}{NBSP}kr"
    )
    n28892 = row(table, "Invånare med insatser enl. LSS")
    assert n28892["Åtvidaberg"].startswith("0,8 ⚠ enheten eller värdet stämmer inte med")
    assert n28892["Plats"] == "–"


def why(at: AppTest, start: int, end: int) -> str:
    at.selectbox(key="why_from").set_value(start).run()
    at.selectbox(key="why_to").set_value(end).run()
    assert not at.exception, at.exception
    (expander,) = [e for e in at.expander if e.label.startswith("Varför ändrades NKA")]
    return plain(expander.markdown[0].value)


def test_vasteras_why_nka_moved_2019_2020_and_2019_2022(real_cache):
    """Three parts: own net cost, Riket's level (N30005 for 0000) and the structure."""
    at = run(kommun="1980", omrade="ifo", fran="2019", till="2022")
    assert why(at, 2019, 2020) == (
        f"2019→2020 sjönk NKA 9,1 p.e.: nettokostnaden per invånare minskade 3,4{NBSP}% medan "
        f"referenskostnaden ökade 3,8{NBSP}% (referenskostnaden härledd ur nettokostnad och NKA). "
        f"Referenskostnadens ändring består av rikets kostnadsnivå för området, som ökade "
        f"4,1{NBSP}%, och kommunens struktur i förhållande till riket, som minskade 0,3{NBSP}%. "
        "Av NKA:s ändring kommer −4,4 p.e. från nettokostnaden, −5,1 p.e. från rikets nivå och "
        "+0,4 p.e. från strukturen."
    )
    assert why(at, 2019, 2022).startswith(
        f"2019→2022 sjönk NKA 27,5 p.e.: nettokostnaden per invånare minskade 12,2{NBSP}% medan "
        f"referenskostnaden ökade 10,9{NBSP}% (referenskostnaden härledd ur nettokostnad och NKA)."
    )
    # independently: NKA = nettokostnad / referenskostnad − 1; Riket's NKA is 0
    net = {y: raw(real_cache, "N30005", "1980", y) for y in (2019, 2020)}
    nka = {y: raw(real_cache, "N30001", "1980", y) for y in (2019, 2020)}
    riket = {y: raw(real_cache, "N30005", "0000", y) for y in (2019, 2020)}
    ref = {y: net[y] / (1 + nka[y] / 100) for y in net}
    assert round((net[2020] / net[2019] - 1) * 100, 1) == -3.4
    assert round((ref[2020] / ref[2019] - 1) * 100, 1) == 3.8
    assert round((riket[2020] / riket[2019] - 1) * 100, 1) == 4.1
    structure = (ref[2020] / riket[2020]) / (ref[2019] / riket[2019]) - 1
    assert round(structure * 100, 1) == -0.3


def test_vaxjo_why_nka_moved_across_the_method_break_says_so(real_cache):
    at = run(kommun="0780", omrade="ifo", fran="2018", till="2021")
    sentence = why(at, 2018, 2021)
    assert sentence.startswith("2018→2021 sjönk NKA 26,5 p.e.")
    assert sentence.endswith(
        "Åren ligger på var sin sida om metodbytet 2019, så referenskostnaderna är räknade med "
        "olika modeller."
    )
    # HVB 2,4 against the median 1,5 lies inside the peers' middle half (1,3–3,3, place 5 of
    # 8): not a material difference, and the report paragraph does not name it
    report = " ".join(c.value for c in at.code)
    assert "”Placerade på HVB, antal/1 000 inv 0–20 år” är 2,4" not in report


def test_no_driver_sentence_where_the_area_has_no_drivers(real_cache):
    at = run(kommun="0780", omrade="grundskola")
    assert "kostnadsdrivarna" not in " ".join(c.value for c in at.code)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert any("Kostnadsdrivare finns för" in i.value for i in at.info)


def test_a_paragraph_says_when_the_driver_is_of_another_year_and_group(real_cache):
    """Höör IFO: NKA 2025 against the IFO family; the largest driver difference is of 2022 and
    of the ekonomiskt bistånd family — the paragraph says so."""
    at = run(kommun="1267", omrade="ifo")
    report = " ".join(c.value for c in at.code)
    assert report.startswith("År 2025 var nettokostnadsavvikelsen")
    assert "Störst skillnad mot jämförelsegruppen bland kostnadsdrivarna för" in report
    assert (
        "(Uppgiften gäller 2022, det senaste året med kostnadsdrivare och jämförs med gruppen"
        in report
    )
    # and the trend names the lowest and highest years (the 2020 dip is not skipped)
    assert f"gått upp och ned: lägst −31,5{NBSP}% 2025 och högst 0,9{NBSP}% 2021" in report
