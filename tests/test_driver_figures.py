"""Cost-driver figures of one kommun against its peers (benchmark/driver_figures.py), on small
hand-made frames in the tidy shape (kpi, municipality, period, value)."""

import math

import pandas as pd
import pytest

from benchmark import driver_figures as df
from kolada.catalogue import POPULATION
from kolada.drivers import ALDREOMSORG, EKONOMISKT_BISTAND, LSS, TREES_BY_CODE

NBSP = "\u00a0"
Y = 2022
PEERS = ["P1", "P2", "P3", "P4"]


def frame(rows, year=Y):
    return pd.DataFrame(
        [(k, m, year, v) for k, m, v in rows], columns=["kpi", "municipality", "period", "value"]
    )


def lss_rows(kommun, volume, unit_cost, population=10_000.0):
    """LSS boende for one kommun: volume per 10 000 inv, kr per brukare, and the cost per
    invånare that Kolada's figures multiply back to."""
    return [
        ("N28820", kommun, volume),
        ("N28013", kommun, unit_cost),
        ("N28012", kommun, volume * unit_cost / 10_000),
        (POPULATION, kommun, population),
    ]


@pytest.fixture
def lss_values():
    rows = lss_rows("K", 20.0, 1_200_000.0, 12_000.0)
    for p, v, u in zip(
        PEERS, [10.0, 12.0, 14.0, 16.0], [900_000.0, 1_000_000.0, 1.1e6, 1.2e6], strict=True
    ):
        rows += lss_rows(p, v, u)
    return frame(rows)


def test_figures_hold_the_kommuns_value_and_the_peers_statistics(lss_values):
    figs = {f.driver.kpi: f for f in df.driver_figures(lss_values, LSS, "K", PEERS, Y)}
    assert set(figs) == set(LSS.kpis)
    vol = figs["N28820"]
    assert vol.value == 20.0
    assert vol.median == pytest.approx(13.0)  # median of 10, 12, 14, 16
    assert (vol.q1, vol.q3) == (pytest.approx(11.5), pytest.approx(14.5))
    assert (vol.n, vol.total) == (4, 4) and vol.covered
    assert vol.placement.text == "5 av 5"  # highest of kommun + 4 peers
    assert vol.relative == pytest.approx(20 / 13 - 1)
    # a driver nobody reports: no value, no statistics, not covered
    none = figs["N28892"]
    assert none.value is None and none.median is None and not none.covered
    assert none.placement is None and none.relative is None


def test_the_kommun_itself_is_never_counted_among_its_peers(lss_values):
    figs = df.driver_figures(lss_values, LSS, "K", ["K", *PEERS], Y)
    assert next(f for f in figs if f.driver.kpi == "N28820").total == 4


def test_no_statistics_when_too_few_peers_report():
    rows = lss_rows("K", 20.0, 1e6)
    rows += lss_rows("P1", 10.0, 1e6) + lss_rows("P2", 12.0, 1e6)  # 2 of 4 peers: too few
    figs = {f.driver.kpi: f for f in df.driver_figures(frame(rows), LSS, "K", PEERS, Y)}
    f = figs["N28820"]
    assert f.value == 20.0 and (f.n, f.total) == (2, 4)
    assert not f.covered and f.median is None and f.q1 is None and f.placement is None
    assert df.largest_difference(figs.values()) is None  # nothing is compared without coverage


def test_largest_difference_is_the_furthest_covered_volume_unit_cost_or_share(lss_values):
    figs = df.driver_figures(lss_values, LSS, "K", PEERS, Y)
    best = df.largest_difference(figs)
    # volume 20 vs 13 (+54 %), unit cost 1.2 M vs 1.05 M (+14 %); the cost N28012 (+75 %) is
    # a cost, not a driver, and is not picked
    assert best.driver.kpi == "N28820"


def test_a_difference_below_the_material_threshold_is_not_told():
    rows = lss_rows("K", 13.0 * (1 + df.RELATIVE * 0.9), 1.05e6)
    for p, v in zip(PEERS, [10.0, 12.0, 14.0, 16.0], strict=True):
        rows += lss_rows(p, v, 1.05e6)
    figs = df.driver_figures(frame(rows), LSS, "K", PEERS, Y)
    assert df.largest_difference(figs) is None
    rows[0] = ("N28820", "K", 13.0 * (1 + df.RELATIVE * 1.01))
    figs = df.driver_figures(frame(rows), LSS, "K", PEERS, Y)
    assert df.largest_difference(figs).driver.kpi == "N28820"


def test_difference_sentence_reads_the_right_way(lss_values):
    figs = df.driver_figures(lss_values, LSS, "K", PEERS, Y)
    text = df.difference_sentence(df.largest_difference(figs), "LSS")
    assert text == (
        f"Störst skillnad mot jämförelsegruppen bland kostnadsdrivarna för LSS {Y}: "
        "”Personer med boende enligt LSS, antal/10 000 inv” är 20,0 mot medianen 13,0, det vill "
        f"säga 54{NBSP}% högre, plats 5 av 5 där 1 är lägst, utanför gruppens mittersta hälft "
        "(11,5–14,5)."
    )


def test_a_share_differs_in_percentage_points_and_a_lower_value_reads_lower():
    tree = TREES_BY_CODE["barn_unga"]
    rows = [("N33023", "K", 20.0)] + [
        ("N33023", p, v) for p, v in zip(PEERS, [40.0, 50.0, 60.0, 70.0], strict=True)
    ]
    figs = df.driver_figures(frame(rows), tree, "K", PEERS, Y)
    best = df.largest_difference(figs)
    assert best.driver.kpi == "N33023"
    text = df.difference_sentence(best, "barn och unga")
    assert f"är 20,0{NBSP}% mot medianen 55,0{NBSP}%" in text
    assert "35,0 p.e. lägre" in text and "plats 1 av 5 där 1 är lägst" in text


def test_value_text_in_each_unit():
    assert df.value_text(12.345, "%") == f"12,3{NBSP}%"
    assert df.value_text(4512.4, "kr/brukare") == f"4{NBSP}512{NBSP}kr"
    assert df.value_text(1234.0, "antal") == f"1{NBSP}234"
    assert df.value_text(6.06, "antal/1 000 inv 0–20 år") == "6,1"
    assert df.value_text(None, "%") == df.value_text(math.nan, "kr/inv") == "saknas"


def test_identity_parts_add_up_to_the_difference_to_the_reference(lss_values):
    identity = LSS.identities[0]  # LSS boende
    fig = df.identity_figure(lss_values, identity, "K", PEERS, Y)
    s = fig.split
    assert (fig.n, fig.total) == (4, 4)
    # the group's pooled cost: (900 + 1 200 + 1 540 + 1 920) kr/inv over equal populations
    assert s.reference_cost == pytest.approx(1390.0)
    assert s.reference_volume == pytest.approx(13.0)  # (10 + 12 + 14 + 16) / 4 per 10 000
    assert s.reference_unit_cost == pytest.approx(1390 / 13e-4)  # kronor / brukare
    assert s.own_cost == pytest.approx(20 * 1.2e6 / 10_000)
    assert s.volume_part + s.unit_cost_part == pytest.approx(s.difference)
    assert s.volume_part > s.unit_cost_part > 0
    assert fig.basis_population == 12_000.0
    sentence = fig.sentence("LSS boende")
    assert "fler brukare per invånare" in sentence and "högre kostnad per brukare" in sentence
    assert "mnkr" in sentence or "tkr" in sentence


def test_identity_with_a_derived_unit_cost():
    identity = EKONOMISKT_BISTAND.identities[0]  # cost N31001, volume N31807 (%), no unit cost
    rows = [("N31001", "K", 1500.0), ("N31807", "K", 5.0), (POPULATION, "K", 10_000.0)]
    for p, cost, share in zip(
        PEERS, [800.0, 900.0, 1000.0, 1100.0], [4.0, 4.0, 5.0, 5.0], strict=True
    ):
        rows += [("N31001", p, cost), ("N31807", p, share), (POPULATION, p, 10_000.0)]
    fig = df.identity_figure(frame(rows), identity, "K", PEERS, Y)
    assert fig.split.own_unit_cost == pytest.approx(1500 / 0.05)
    assert fig.split.own_cost == pytest.approx(1500.0)
    assert fig.split.volume_part + fig.split.unit_cost_part == pytest.approx(fig.split.difference)


def test_no_split_without_the_kommuns_inputs_or_enough_peers(lss_values):
    identity = LSS.identities[0]
    missing = lss_values[~((lss_values.municipality == "K") & (lss_values.kpi == "N28012"))]
    fig = df.identity_figure(missing, identity, "K", PEERS, Y)
    assert fig.split is None and fig.sentence("LSS boende") is None
    assert fig.why_not == f"kommunen saknar ett värde {Y} (eller värdet är inte rimligt)"
    few = lss_values[lss_values.municipality.isin(["K", "P1"])]
    fig = df.identity_figure(few, identity, "K", PEERS, Y)
    assert fig.split is None and "1 av 4" in fig.why_not


def test_basis_of_65_plus_comes_from_the_kommuns_own_count():
    identity = ALDREOMSORG.identities[0]  # hemtjänst: volume in % of 65+, count N21702
    rows = [("N21701", "K", 8.0), ("N21006", "K", 300_000.0), ("N21702", "K", 240.0)]
    rows.append(("N21009", "K", 8.0 * 300_000 / 100))
    for p in PEERS:
        rows += [("N21701", p, 6.0), ("N21006", p, 280_000.0), ("N21702", p, 120.0)]
        rows += [("N21009", p, 6.0 * 280_000 / 100)]
    fig = df.identity_figure(frame(rows), identity, "K", PEERS, Y)
    assert fig.basis_population == pytest.approx(240 / 0.08)  # 3 000 invånare 65+
    assert fig.split.volume_part > 0


def test_latest_year_needs_the_kommuns_value_and_coverage():
    first = LSS.drivers[0].kpi  # the tree's first driver decides the year
    rows = frame([(first, m, 5000.0) for m in ["K", *PEERS]], year=Y)
    alone = frame([(first, "K", 5100.0)], year=Y + 1)  # no peer reports Y + 1
    peers_only = frame([(first, p, 5000.0) for p in PEERS], year=Y + 2)  # no value for K
    values = pd.concat([rows, alone, peers_only])
    assert df.latest_year(values, LSS, "K", PEERS, (2018, Y + 2)) == Y
    assert df.latest_year(values, LSS, "K", PEERS, (Y + 1, Y + 2)) is None


def _volume_figure(value, persons=None, kind_kpi="N28820"):
    """A driver figure with peers 10, 12, 14, 16 (median 13, middle half 11,5–14,5)."""
    driver = next(d for t in TREES_BY_CODE.values() for d in t.drivers if d.kpi == kind_kpi)
    return df.DriverFigure(driver, Y, value, 13.0, 11.5, 14.5, 4, 4, None, persons=persons)


def test_material_needs_outside_the_middle_half_the_threshold_and_enough_persons():
    assert df.material(_volume_figure(20.0))
    assert not df.material(_volume_figure(14.4))  # inside the middle half
    assert not df.material(_volume_figure(16.0))  # outside it, but only +23 %
    assert not df.material(_volume_figure(20.0, persons=5))  # five persons: not named
    assert df.material(_volume_figure(20.0, persons=10))
    share = _volume_figure(20.0, kind_kpi="N28027")  # a share: 7 p.e. is not enough
    assert share.driver.kind == "share" and not df.material(share)
    assert df.material(_volume_figure(23.1, kind_kpi="N28027"))  # 10,1 p.e.


def test_a_count_has_no_median_or_placement(lss_values):
    rows = [("N28801", m, v) for m, v in zip(["K", *PEERS], [24, 10, 12, 14, 16], strict=True)]
    figs = {f.driver.kpi: f for f in df.driver_figures(frame(rows), LSS, "K", PEERS, Y)}
    count = figs["N28801"]
    assert count.value == 24 and count.median is None and count.placement is None
    assert not count.covered and df.median_text(count) == df.UNCOMPARED


def test_persons_behind_a_value_come_from_the_count_or_the_rate(lss_values):
    rows = lss_rows("K", 20.0, 1.2e6, 12_000.0) + [("N28801", "K", 24.0)]
    figs = {f.driver.kpi: f for f in df.driver_figures(frame(rows), LSS, "K", PEERS, Y)}
    assert figs["N28820"].persons == 24.0 and figs["N28013"].persons == 24.0
    bu = TREES_BY_CODE["barn_unga"]
    rows = [("N33816", "K", 2.0), (POPULATION, "K", 11_506.0)]
    hvb = next(
        f for f in df.driver_figures(frame(rows), bu, "K", PEERS, Y) if f.driver.kpi == "N33816"
    )
    assert hvb.persons == pytest.approx(2.0 / 1000 * 11_506 * 0.24)  # about five children


def test_the_pooled_cost_beside_the_median(lss_values):
    figs = {f.driver.kpi: f for f in df.driver_figures(lss_values, LSS, "K", PEERS, Y)}
    assert figs["N28012"].pooled == pytest.approx(1390.0)  # the split's reference, the same
    split = df.identity_figure(lss_values, LSS.identities[0], "K", PEERS, Y).split
    assert split.reference_cost == pytest.approx(figs["N28012"].pooled)
    assert figs["N28820"].pooled is None  # a volume has no pooled cost


def test_a_year_uses_that_years_members(lss_values):
    """Per-year editions: the table and the split of a year use that year's peers, not
    today's (``peers``)."""
    rows = lss_rows("Q4", 5.0, 1.0e6)
    rows += [("N28016", m, 5000.0) for m in ["K", *PEERS, "Q4"]]
    values = pd.concat([lss_values, frame(rows)], ignore_index=True)
    by_year = {Y: {"P1", "P2", "P3", "Q4"}}
    tf = df.tree_figures(values, LSS, "K", PEERS, by_year, (Y, Y), "K", {})
    figs = {f.driver.kpi: f for f in tf.figures}
    assert tf.year == Y and figs["N28820"].total == 4
    assert figs["N28820"].median == pytest.approx(11.0)  # 5, 10, 12, 14: not P4's 16
    split = tf.identities[0].split
    assert split.reference_volume == pytest.approx((5 + 10 + 12 + 14) / 4)
    today = df.tree_figures(values, LSS, "K", PEERS, {Y: set(PEERS)}, (Y, Y), "K", {})
    assert {f.driver.kpi: f for f in today.figures}["N28820"].median == pytest.approx(13.0)


def test_a_change_across_a_documented_definition_change_is_marked():
    own = pd.Series({2019: 5.0, 2020: 5.2, 2022: 6.0})
    assert (
        df.change_text(own, 2022, "%", "N21701")
        == f"+1,0{NBSP}p.e. sedan 2019 (nytt räknesätt 2021)"
    )
    assert df.change_text(own, 2020, "%", "N21701") == f"+0,2{NBSP}p.e. sedan 2019"
    assert df.change_text(own, 2022, "%", "N33023") == f"+1,0{NBSP}p.e. sedan 2019"
    hemtjanst = ALDREOMSORG.driver("N21701")
    assert df.definition_note(hemtjanst, (2019, 2022)).startswith("Från 2021 räknas")
    assert df.definition_note(hemtjanst, (2021, 2022)) is None


def test_a_negative_cost_or_volume_gives_no_split_and_no_crash(lss_values):
    identity = LSS.identities[0]
    bad = lss_values.copy()
    bad.loc[(bad.municipality == "K") & (bad.kpi == "N28012"), "value"] = -5.0
    fig = df.identity_figure(bad, identity, "K", PEERS, Y)
    assert fig.split is None and "negativ kostnad" in fig.why_not
    bad = lss_values.copy()
    bad.loc[(bad.municipality == "P1") & (bad.kpi == "N28820"), "value"] = -3.0
    assert df.identity_figure(bad, identity, "K", PEERS, Y).n == 3  # the peer is left out


def test_the_tree_knows_whether_a_preliminary_value_is_drawn(lss_values):
    """Kostnadsdrivare explains the ▲ only when a chart over time draws one."""
    final = df.tree_figures(lss_values, LSS, "K", PEERS, {Y: set(PEERS)}, (Y, Y), "K", {})
    first = {d.kpi: Y for d in LSS.drivers}
    prel = df.tree_figures(lss_values, LSS, "K", PEERS, {Y: set(PEERS)}, (Y, Y), "K", first)
    assert not final.preliminary and prel.preliminary


def test_the_table_behind_a_chart_over_time_names_its_statistics_in_swedish(lss_values):
    tf = df.tree_figures(lss_values, LSS, "K", PEERS, {Y: set(PEERS)}, (Y, Y), "K", {})
    table = tf.over_time[0].table("Kommunen")
    assert list(table.columns[:2]) == ["År", "Kommunen"]
    assert {"Lägst", "Nedre kvartil", "Median", "Övre kvartil", "Högst"} <= set(table.columns)
    assert not {"min", "q1", "q3", "max", "n", "N"} & set(table.columns)
