"""Plausibility before use (benchmark/plausibility.py): values that fail a range or a cross
check are taken out of the statistics and carry a warning."""

import pandas as pd

from benchmark import driver_figures as df
from benchmark.plausibility import WARNING, screen
from kolada.catalogue import POPULATION
from kolada.drivers import LSS

Y = 2022
UNITS = {d.kpi: d.unit for d in LSS.drivers}
TITLES = {d.kpi: d.title for d in LSS.drivers}


def frame(rows):
    return pd.DataFrame(rows, columns=["kpi", "municipality", "period", "value"])


def lss_year(kommun, any_lss, boende, year=Y):
    return [("N28892", kommun, year, any_lss), ("N28820", kommun, year, boende)]


def test_a_rate_below_one_of_its_parts_is_flagged_and_taken_out():
    # Åtvidaberg 2022 as cached: N28892 0,834 (per cent) beside N28820 37,4 per 10 000
    rows = lss_year("0561", 0.834, 37.37) + lss_year("P1", 90.0, 30.0) + lss_year("P2", 80.0, 25.0)
    s = screen(frame(rows), UNITS, TITLES)
    assert set(s.flags) == {("N28892", "0561", Y)}
    assert s.flags[("N28892", "0561", Y)].startswith(WARNING)
    assert "Personer med boende enligt LSS" in s.flags[("N28892", "0561", Y)]
    assert "37,4" in s.flags[("N28892", "0561", Y)]
    assert len(s.values) == len(rows) - 1
    assert not ((s.values.kpi == "N28892") & (s.values.municipality == "0561")).any()


def test_a_unit_wrong_for_most_kommuner_flags_every_value_of_that_year():
    # two of three fail the cross check: the unit is wrong, so the third (0,3 ≥ 0,2) goes too
    rows = lss_year("A", 0.8, 37.0) + lss_year("B", 0.7, 30.0) + lss_year("C", 0.3, 0.2)
    rows += lss_year("A", 90.0, 37.0, Y - 1) + lss_year("B", 80.0, 30.0, Y - 1)
    s = screen(frame(rows), UNITS, TITLES)
    assert {k for k in s.flags} == {("N28892", m, Y) for m in "ABC"}
    assert "enheten är troligen inte antal/10 000 inv" in s.flags[("N28892", "C", Y)]


def test_a_share_outside_0_100_is_flagged():
    rows = [("N28027", "K", Y, 104.2), ("N28027", "P", Y, 30.0), ("N28027", "Q", Y, -1.0)]
    s = screen(frame(rows), UNITS, TITLES)
    assert set(s.flags) == {("N28027", "K", Y), ("N28027", "Q", Y)}
    assert "mellan 0 och 100" in s.flags[("N28027", "K", Y)]


def test_nothing_to_flag_leaves_the_frame_as_it_was():
    rows = lss_year("A", 90.0, 37.0) + [(POPULATION, "A", Y, 10_000.0)]
    values = frame(rows)
    s = screen(values, UNITS, TITLES)
    assert s.flags == {} and s.values is values


def test_a_flagged_value_is_shown_with_the_warning_and_never_compared():
    peers = ["P1", "P2", "P3"]
    rows = lss_year("K", 0.834, 37.37)
    for p, v in zip(peers, [90.0, 95.0, 100.0], strict=True):
        rows += lss_year(p, v, 30.0)
    values = frame(rows)
    figs = {
        f.driver.kpi: f
        for f in df.driver_figures(values, LSS, "K", peers, Y, screen(values, UNITS, TITLES))
    }
    f = figs["N28892"]
    assert f.value == 0.834 and f.flag.startswith(WARNING)
    assert f.usable is None and f.relative is None and f.placement is None
    assert f.median == 95.0  # the peers' plausible values only
    assert df.shown_value(f, None).startswith("0,8 ⚠ enheten eller värdet stämmer inte med")
    assert df.largest_difference(figs.values()) is not f
