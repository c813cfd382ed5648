import pandas as pd
import pytest

from benchmark import budget
from benchmark.analytics import ReferenceCost

REF = ReferenceCost(kr_per_inhabitant=3000.0, total_mnkr=30.0, derived=False, how="Kolada N30007")
ROW = pd.Series({"median": 10.0, "mean": 12.0, "q1": 4.0})


@pytest.mark.parametrize(
    ("kind", "custom", "level"),
    [("median", None, 10.0), ("mean", None, 12.0), ("q1", None, 4.0), ("zero", None, 0.0),
     ("custom", -5.0, -5.0)],
)  # fmt: skip
def test_target_levels(kind, custom, level):
    assert budget.target_level(kind, ROW, custom) == level


def test_target_level_errors():
    with pytest.raises(ValueError, match="egen nivå"):
        budget.target_level("custom", ROW, None)
    with pytest.raises(ValueError, match="saknar värden"):
        budget.target_level("median", None)
    with pytest.raises(ValueError, match="'x'"):
        budget.target_level("x", ROW)


def test_gap_in_kronor():
    t = budget.make_target(25.0, 10.0, 2024, 2027, REF)
    assert t.gap.points == 15.0
    assert t.gap.kr_per_inhabitant == pytest.approx(450.0)
    assert t.gap.mnkr == pytest.approx(4.5)


def test_glide_path_equal_steps_to_the_target():
    path = budget.glide_path(budget.make_target(25.0, 10.0, 2024, 2027, REF))
    assert path["År"].tolist() == [2024, 2025, 2026, 2027]
    assert path["NKA (%)"].tolist() == pytest.approx([25.0, 20.0, 15.0, 10.0])
    steps = path["Förändring av nettokostnaden per år (mnkr)"].tolist()
    assert steps == pytest.approx([0.0, -1.5, -1.5, -1.5])
    assert path["Ackumulerad förändring (mnkr)"].iloc[-1] == pytest.approx(-4.5)
    assert path["Ackumulerad förändring (kr/inv)"].iloc[-1] == pytest.approx(-450.0)


def test_glide_path_upwards_when_below_target():
    path = budget.glide_path(budget.make_target(-20.0, 0.0, 2024, 2026, REF))
    assert path["Ackumulerad förändring (mnkr)"].iloc[-1] == pytest.approx(6.0)


def test_target_year_before_base_year():
    with pytest.raises(ValueError, match="2020"):
        budget.make_target(1.0, 0.0, 2024, 2020, REF)


@pytest.mark.parametrize(("now", "target"), [(25.0, 10.0), (-20.0, 3.5), (7.0, 7.0)])
def test_what_if_round_trip_lands_on_the_target(now, target):
    t = budget.make_target(now, target, 2024, 2026, REF)
    assert budget.nka_after_cut(now, REF, t.gap.mnkr) == pytest.approx(target)


def test_what_if_needs_the_reference_cost_in_kronor():
    with pytest.raises(ValueError, match="okänd"):
        budget.nka_after_cut(1.0, ReferenceCost(None, None, True, "x"), 1.0)


def test_rank_among_peers():
    peers = pd.Series([1.0, 5.0, float("nan"), 9.0])
    assert budget.rank_among(4.0, peers) == (2, 4)
    assert budget.rank_among(0.0, peers) == (1, 4)
