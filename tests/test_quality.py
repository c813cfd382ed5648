"""Kostnad och kvalitet (issue 22): the quality KPIs as data, the direction-aware words, the
coverage rule and the quadrant — on small frames in the tidy shape the store gives."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmark import figures, quality
from kolada import catalogue
from kolada.catalogue import AREAS
from kolada.quality import KINDS, QUALITY, QUALITY_BY_KPI, areas_with_quality, quality_for

NBSP = "\u00a0"
SATISFIED = QUALITY_BY_KPI["U21468"]  # brukarbedömning hemtjänst, %, higher is better
WAIT = QUALITY_BY_KPI["U23401"]  # väntetid till särskilt boende, dagar, lower is better
STAFF = QUALITY_BY_KPI["U21401"]  # personalkontinuitet, fewer is better


def frame(rows: list[tuple[str, str, int, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["kpi", "municipality", "period", "value"])


def peers(n: int) -> list[str]:
    return [f"{i:04d}" for i in range(1, n + 1)]


# ---- the data ---------------------------------------------------------------------------------
def test_every_quality_kpi_is_described_with_a_kind_unit_and_direction():
    assert len(QUALITY) == len(QUALITY_BY_KPI)  # each id once
    codes = {a.code for a in AREAS}
    for q in QUALITY:
        assert q.area in codes and q.kind in KINDS
        assert q.means.endswith(".") and len(q.means) > 30
        assert q.measure and q.measure == q.measure.lower()[:1] + q.measure[1:]
        assert q.unit in ("%", "dagar", "index", "meritvärde", "antal personal")
    # waiting times and staff met are better low; everything else here is better high
    assert {q.kpi for q in QUALITY if not q.higher_is_better} == {
        "U33401", "U31402", "U23401", "U21401",
    }  # fmt: skip
    # RKA's resursindex is the NKA rescaled: not a quality KPI
    assert not {"U20008", "U28001", "U15010", "U31002", "U17001", "U11001"} & set(QUALITY_BY_KPI)


def test_the_refresh_and_every_view_fetch_the_quality_kpis_of_their_area():
    assert set(QUALITY_BY_KPI) <= set(catalogue.catalogue_kpis())
    for a in AREAS:
        assert {q.kpi for q in quality_for(a.code)} <= set(figures.needed_kpis([a.code]))
    assert "fritidshem" not in areas_with_quality() and "totalt" not in areas_with_quality()
    assert areas_with_quality()[:2] == ["ifo", "aldreomsorg"]


# ---- direction-aware words --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("q", "own", "median", "side", "words"),
    [
        (SATISFIED, 93.0, 91.0, quality.BETTER, "högre andel nöjda med hemtjänsten"),
        (SATISFIED, 88.0, 91.0, quality.WORSE, "lägre andel nöjda med hemtjänsten"),
        (WAIT, 40.0, 55.5, quality.BETTER, "kortare väntetid till särskilt boende"),
        (WAIT, 70.0, 55.5, quality.WORSE, "längre väntetid till särskilt boende"),
        (STAFF, 12.0, 16.0, quality.BETTER, "färre personal som en hemtjänsttagare möter"),
        (SATISFIED, 91.04, 91.0, quality.SAME, "samma andel nöjda med hemtjänsten som"),
    ],
)
def test_the_side_follows_the_direction_of_the_kpi_and_the_words_say_which(
    q, own, median, side, words
):
    p = quality.Position(q, 2022, own, median, 7, 7)
    assert p.side == side
    assert p.comparison().startswith(words)
    # a KPI that is better low says so ("kortare är bättre")
    end = ", 2022)" if q.higher_is_better else f", 2022; {q.comparatives[1]} är bättre)"
    assert p.comparison().endswith(end)
    assert p.verdict == quality.QUALITY_WORDS[side]


def test_a_waiting_time_in_the_sentence_carries_its_unit_and_both_values():
    p = quality.Position(WAIT, 2021, 40.0, 55.5, 5, 8)
    assert p.comparison() == (
        f"kortare väntetid till särskilt boende än gruppens median (40{NBSP}dagar mot "
        f"55,5{NBSP}dagar, 2021; kortare är bättre)"
    )


# ---- the coverage rule ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("with_value", "members", "covered"),
    [(2, 3, False), (3, 6, True), (3, 7, False), (4, 7, True), (7, 7, True), (0, 0, False)],
)
def test_a_median_needs_three_peers_and_half_the_group(with_value, members, covered):
    group = peers(members)
    rows = [("U21468", "0561", 2022, 90.0)]
    rows += [("U21468", m, 2022, 80.0 + i) for i, m in enumerate(group[:with_value])]
    rows += [("U21468", m, 2022, None) for m in group[with_value:]]  # fetched, no value
    p = quality.position(frame(rows), SATISFIED, "0561", {2022: group}, (2019, 2022))
    assert (p.n, p.total) == (with_value, members)
    assert (p.median is not None) == covered == (p.side is not None)
    if not covered:
        assert p.verdict == f"för få värden ({with_value} av {members})"
        assert p.comparison() == ""


def test_the_latest_year_with_the_kommuns_value_is_used_and_named():
    group = peers(4)
    rows = [("U21468", "0561", 2020, 90.0), ("U21468", "0561", 2022, None)]
    rows += [("U21468", m, y, 85.0) for m in group for y in (2020, 2022)]
    p = quality.position(frame(rows), SATISFIED, "0561", {2020: group, 2022: group}, (2019, 2022))
    assert (p.year, p.own, p.median) == (2020, 90.0, 85.0)
    none = quality.position(frame(rows[:1]), SATISFIED, "0561", {2022: group}, (2021, 2022))
    assert (none.year, none.verdict, none.total) == (None, "inget värde", 4)


# ---- the quadrant ------------------------------------------------------------------------------
def test_the_quadrant_sentence_names_both_positions_and_never_a_cause():
    p = quality.Position(SATISFIED, 2022, 88.0, 91.0, 7, 7)
    q = quality.Quadrant(2022, 12.3, 4.1, p)
    assert q.label == "högre kostnad, sämre resultat"
    sentence = q.sentence("Åtvidaberg", "äldreomsorg")
    assert sentence == (
        f"Åtvidaberg hade 2022 högre kostnad för äldreomsorg än gruppens median (NKA 12,3{NBSP}% "
        f"mot 4,1{NBSP}%) och lägre andel nöjda med hemtjänsten än gruppens median (88{NBSP}% mot "
        f"91{NBSP}%) – i rutan högre kostnad, sämre resultat."
    )
    for cause in ("därför", "eftersom", "leder till", "beror på"):
        assert cause not in sentence


def test_a_shorter_wait_at_a_lower_cost_is_the_good_corner():
    p = quality.Position(WAIT, 2022, 30.0, 50.0, 5, 7)
    q = quality.Quadrant(2022, -3.0, 2.0, p)
    assert q.label == "lägre kostnad, bättre resultat"
    assert "kortare väntetid" in q.sentence("Höör", "äldreomsorg")


def test_the_same_cost_as_printed_is_said_as_the_same():
    p = quality.Position(SATISFIED, 2022, 93.0, 91.0, 7, 7)
    q = quality.Quadrant(2022, 4.14, 4.06, p)  # both print 4,1 %
    assert q.cost == 0
    assert "samma kostnad för äldreomsorg som gruppens median (NKA 4,1" in q.sentence(
        "X", "äldreomsorg"
    )


def test_no_quadrant_sentence_without_a_quality_median():
    p = quality.Position(SATISFIED, 2022, 93.0, None, 2, 7)
    assert quality.Quadrant(2022, 1.0, 2.0, p).sentence("X", "äldreomsorg") == ""


def test_the_table_behind_the_chart_labels_each_kommun_against_the_medians():
    points = pd.DataFrame(
        {
            "municipality": ["0561", "0001", "0002", "0003"],
            "name": ["Åtvidaberg", "A", "B", "C"],
            "nka": [-5.7, 10.0, 1.0, float("nan")],
            "quality": [40.0, 70.0, 50.0, 60.0],
            "focus": [True, False, False, False],
        }
    )
    table = quality.points_table(points, WAIT, (5.0, 55.0))
    assert list(table["Ruta"]) == [
        "lägre kostnad, bättre resultat",
        "högre kostnad, sämre resultat",
        "lägre kostnad, bättre resultat",
        "–",  # no NKA: no quadrant
    ]
    assert list(table.columns) == ["Kommun", "NKA (%)", WAIT.title, "Ruta"]
    assert table["NKA (%)"].iloc[0] == -5.7  # numbers stay numbers for the downloads
    assert list(quality.points_table(points, WAIT, (None, 55.0))["Ruta"]) == ["–"] * 4


def test_standing_today_lists_what_can_be_compared_and_why_the_rest_cannot():
    positions = [
        quality.Position(SATISFIED, 2022, 93.0, 91.0, 7, 7),
        quality.Position(WAIT, 2022, 70.0, 55.0, 5, 7),
        quality.Position(STAFF, 2022, 20.0, None, 2, 7),
        quality.Position(QUALITY_BY_KPI["U20404"], None, None, None, 0, 7),
    ]
    lines = quality.standing_today(positions, "Åtvidaberg", "Inför en sänkning till medianen")
    assert lines[0].startswith(
        "Inför en sänkning till medianen: Åtvidaberg har enligt de senaste värdena högre andel "
        "nöjda med hemtjänsten"
    )
    assert "; längre väntetid till särskilt boende" not in lines[0]  # two items: "och"
    assert " och längre väntetid till särskilt boende än gruppens median" in lines[0]
    assert lines[1:] == [
        "Inget värde för Åtvidaberg: Kvalitetsindex äldreomsorg.",
        "För få jämförelsekommuner med värde för att jämföra: Personalkontinuitet i "
        "hemtjänsten, antal personal (2 av 7).",
    ]
    assert quality.standing_today([], "X") == []
    row = quality.summary_row("Äldreomsorg", positions)
    assert row == {
        "Område": "Äldreomsorg",
        "Bättre än medianen": "1",
        "Som medianen": "0",
        "Sämre än medianen": "1",
        "Utan jämförelse": "2",
        "År för jämförelserna": "2022",
    }


def test_values_print_as_kolada_writes_them():
    assert quality.value_text(93.0, "%") == f"93{NBSP}%"
    assert quality.value_text(56.248, "index") == "56,2"
    assert quality.value_text(23.5, "dagar") == f"23,5{NBSP}dagar"
    assert quality.value_text(None, "%") == "saknas"
