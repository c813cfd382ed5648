import math
from datetime import date

import pandas as pd
import pytest

from benchmark import analytics
from kolada.catalogue import area

IFO = area("ifo")


def frame(rows):
    return pd.DataFrame(rows, columns=["kpi", "municipality", "period", "value"])


@pytest.fixture
def vals():
    rows = [
        ("N30001", "0001", 2023, 10.0),
        ("N30001", "0001", 2024, 20.0),
        ("N30001", "0002", 2024, -10.0),
        ("N30001", "0003", 2024, 0.0),
        ("N30001", "0004", 2024, 30.0),
        ("N30001", "0005", 2024, math.nan),  # Kolada's null
        ("N30001", "0002", 2023, -5.0),
        ("N30026", "0001", 2024, 5.0),
        ("N30005", "0001", 2024, 3600.0),
        ("N01951", "0001", 2024, 10000.0),
    ]
    return frame(rows)


def test_peer_stats_counts_only_values_and_uses_unweighted_mean(vals):
    stats = analytics.peer_stats(vals, "N30001", ["0002", "0003", "0004", "0005"])
    y2024 = stats.set_index("period").loc[2024]
    assert y2024["n"] == 3
    assert y2024["min"] == -10 and y2024["max"] == 30
    assert y2024["median"] == 0
    assert y2024["mean"] == pytest.approx(20 / 3)
    assert y2024["q1"] == -5 and y2024["q3"] == 15
    assert stats.set_index("period").loc[2023, "n"] == 1


def test_peer_stats_empty_has_columns(vals):
    assert list(analytics.peer_stats(vals, "N30001", ["9999"]).columns) == analytics.STAT_COLUMNS


def test_placement_counts_only_those_with_values(vals):
    p = analytics.placement(vals, "N30001", "0001", ["0002", "0003", "0004", "0005"], 2024)
    assert (p.rank, p.n, p.of_peers, p.peers_total) == (3, 4, 3, 4)
    assert p.text == "3 av 4"
    assert analytics.placement(vals, "N30001", "0005", ["0001"], 2024) is None


def test_latest_year_in_range(vals):
    assert analytics.latest_year(vals, "N30001", "0001", (2019, 2024)) == 2024
    assert analytics.latest_year(vals, "N30001", "0001", (2019, 2023)) == 2023
    assert analytics.latest_year(vals, "N30001", "0005", (2019, 2024)) is None


def test_reference_cost_from_kolada_kpi_first():
    vals = frame(
        [("N30007", "0001", 2024, 3000.0), ("N01951", "0001", 2024, 10000.0),
         ("N30005", "0001", 2024, 3600.0), ("N30001", "0001", 2024, 20.0)]
    )  # fmt: skip
    ref = analytics.reference_cost(vals, IFO, "0001", 2024)
    assert (ref.kr_per_inhabitant, ref.total_mnkr, ref.derived) == (3000.0, 30.0, False)


def test_reference_cost_derived_from_net_cost(vals):
    ref = analytics.reference_cost(vals, IFO, "0001", 2024)
    assert ref.derived and ref.kr_per_inhabitant == pytest.approx(3000.0)
    assert ref.total_mnkr == pytest.approx(30.0)
    assert "N30005" in ref.how


def test_reference_cost_derived_from_mnkr_without_population():
    vals = frame([("N30001", "0001", 2024, -20.0), ("N30026", "0001", 2024, -14.0)])
    ref = analytics.reference_cost(vals, IFO, "0001", 2024)
    assert ref.derived and ref.kr_per_inhabitant is None
    assert ref.total_mnkr == pytest.approx(70.0)


def test_reference_cost_refuses_mnkr_route_near_zero():
    vals = frame([("N30001", "0001", 2024, 0.3), ("N30026", "0001", 2024, 0.2)])
    assert analytics.reference_cost(vals, IFO, "0001", 2024) is None


def test_gap_formula_peers_3_6(vals):
    ref = analytics.reference_cost(vals, IFO, "0001", 2024)  # 3000 kr/inv, 10 000 inv
    g = analytics.gap(20.0, 5.0, ref)
    assert g.points == 15.0
    assert g.kr_per_inhabitant == pytest.approx(450.0)  # 0.15 × 3000
    assert g.mnkr == pytest.approx(4.5)  # 450 × 10 000 / 1e6


def test_ranking_lowest_first_missing_last(vals):
    names = {"0001": "Ett", "0002": "Två", "0003": "Tre", "0004": "Fyra", "0005": "Fem"}
    r = analytics.ranking(vals, "N30001", "0001", ["0002", "0003", "0004", "0005"], 2024, names)
    assert r["title"].tolist() == ["Två", "Tre", "Ett", "Fyra", "Fem"]
    assert r["focus"].tolist() == [False, False, True, False, False]
    assert math.isnan(r["rank"].iloc[-1]) and r["rank"].iloc[2] == 3


def test_area_matrix_uses_each_areas_peers():
    vals = frame(
        [("N30001", "0001", 2024, 10.0), ("N30001", "0002", 2024, 4.0),
         ("N30001", "0004", 2024, 3.0), ("N30001", "0005", 2024, 5.0),
         ("N20900", "0001", 2024, -3.0), ("N20900", "0003", 2024, 1.0),
         ("N20900", "0002", 2024, 99.0)]
    )  # fmt: skip
    m = analytics.area_matrix(
        vals, "0001", [IFO, area("aldreomsorg")],
        {"ifo": ["0002", "0004", "0005"], "aldreomsorg": ["0003"]}, (2019, 2024),
    )  # fmt: skip
    by_area = m.set_index("area")
    assert by_area.loc["ifo", "diff"] == 6.0  # median of 4, 3, 5
    assert math.isnan(by_area.loc["aldreomsorg", "diff"])  # one peer: no median
    assert by_area.loc["aldreomsorg", "peers_n"] == 1


def test_coverage_rule_needs_three_peers_and_half_the_group():
    assert analytics.covered(3, 6) and analytics.covered(4, 7)
    assert not analytics.covered(2, 2) and not analytics.covered(1, 1)
    assert not analytics.covered(3, 7) and not analytics.covered(9, 20)
    assert analytics.coverage_text(1, 7) == "för få jämförelsevärden (1 av 7)"


def test_peer_stats_reports_coverage_and_only_covered_blanks_the_rest():
    rows = [("N30001", p, 2021, v) for p, v in (("0002", 1.0), ("0003", 2.0), ("0004", 3.0))]
    rows += [("N30001", "0002", 2022, 9.0)]
    stats = analytics.peer_stats(frame(rows), "N30001", ["0002", "0003", "0004", "0005"])
    assert stats[["period", "n", "N", "covered"]].values.tolist() == [
        [2021, 3, 4, True],
        [2022, 1, 4, False],
    ]
    shown = analytics.only_covered(stats).set_index("period")
    assert shown.loc[2021, "median"] == 2.0
    assert math.isnan(shown.loc[2022, "median"]) and shown.loc[2022, "n"] == 1
    assert analytics.coverage_at(stats, 2022) == (1, 4, False)
    assert analytics.coverage_at(stats, 2030) == (0, 4, False)


def test_latest_covered_year_ends_the_default_range():
    rows = [("N30001", p, y, 1.0) for p in ("0002", "0003", "0004") for y in (2021, 2022)]
    rows += [("N30001", "0002", 2023, 1.0)]
    rows += [("N30001", "0001", y, 5.0) for y in (2021, 2022, 2023)]
    vals = frame(rows)
    peers = ["0002", "0003", "0004"]
    assert analytics.latest_covered_year(vals, "N30001", "0001", peers, (2019, 2025)) == 2022
    assert analytics.latest_covered_year(vals, "N30001", "0009", peers, (2019, 2025)) is None


def test_first_preliminary_year():
    meta = {"publ_period": "2025", "publication_date": "2026-09-30"}
    assert analytics.first_preliminary_year(meta, date(2026, 8, 1)) == 2025
    assert analytics.first_preliminary_year(meta, date(2026, 11, 22)) == 2026
    assert analytics.first_preliminary_year({"publ_period": None}, date(2026, 1, 1)) is None


def test_method_break():
    assert analytics.spans_method_break((2018, 2024))
    assert not analytics.spans_method_break((2019, 2024))
