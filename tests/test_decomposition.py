import math
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.decomposition import (
    FactorWords,
    Split,
    pooled_reference,
    split_sentence,
    split_two_factors,
    to_mnkr,
    usable_inputs,
)

NBSP = "\u00a0"
LSS = FactorWords(
    volume_more="fler brukare per invånare",
    volume_less="färre brukare per invånare",
    volume_noun="antalet brukare per invånare",
    unit_more="högre kostnad per brukare",
    unit_less="lägre kostnad per brukare",
    unit_noun="kostnaden per brukare",
)
# the reference: 40 brukare per 10 000 invånare at 1 000 000 kr each = 4 000 kr/inv
REF_V, REF_U, POP = 0.004, 1_000_000.0, 10_000


def lss(own_volume, own_unit_cost, population=POP):
    split = split_two_factors(own_volume, own_unit_cost, REF_V, REF_U)
    return split_sentence("LSS-boende", split, LSS, population).replace(NBSP, " ")


# ---- the arithmetic ---------------------------------------------------------------------------
volumes = st.floats(min_value=1e-4, max_value=1e4, allow_nan=False, allow_infinity=False)
unit_costs = st.floats(min_value=1e-2, max_value=1e7, allow_nan=False, allow_infinity=False)
factors = st.floats(min_value=1e-4, max_value=1e3, allow_nan=False, allow_infinity=False)


@settings(database=None, max_examples=500)
@given(volumes, unit_costs, volumes, unit_costs, factors)
def test_parts_add_up_to_the_difference(vo, uo, vr, ur, f):
    s = split_two_factors(vo, uo, vr, ur, f)
    scale = max(abs(s.own_cost), abs(s.reference_cost), abs(s.volume_part), abs(s.unit_cost_part))
    assert abs(s.volume_part + s.unit_cost_part - s.difference) <= 1e-9 * scale
    assert math.isclose(s.own_cost, vo * uo * f) and math.isclose(s.reference_cost, vr * ur * f)
    # symmetric: swapping the kommun and the reference negates both parts, exactly
    back = split_two_factors(vr, ur, vo, uo, f)
    assert (back.volume_part, back.unit_cost_part) == (-s.volume_part, -s.unit_cost_part)


@settings(database=None, max_examples=200)
@given(volumes, unit_costs, unit_costs, factors)
def test_a_factor_that_does_not_differ_has_no_part(v, u1, u2, f):
    assert split_two_factors(v, u1, v, u2, f).volume_part == 0
    assert split_two_factors(u1, v, u2, v, f).unit_cost_part == 0


@settings(database=None, max_examples=300)
@given(volumes, unit_costs, volumes, unit_costs, st.sampled_from([None, 800, 25_000, 900_000]))
def test_direction_words_match_the_signs(vo, uo, vr, ur, population):
    text = split_sentence("LSS-boende", split_two_factors(vo, uo, vr, ur), LSS, population)
    for word in ("fler brukare per invånare", "högre kostnad per brukare"):
        assert f"{word} (−" not in text and f"{word} (0" not in text
    for word in ("färre brukare per invånare", "lägre kostnad per brukare"):
        assert f"{word} (+" not in text and f"{word} (0" not in text
    head = text.split(". Skillnaden")[0]
    if head.endswith("högre än jämförelsegruppens vägda genomsnitt"):
        assert split_two_factors(vo, uo, vr, ur).difference > 0
    elif head.endswith("lägre än jämförelsegruppens vägda genomsnitt"):
        assert split_two_factors(vo, uo, vr, ur).difference < 0
    else:
        assert "i nivå med jämförelsegruppens vägda genomsnitt" in head
    assert text.count(".") >= 1 and text.endswith(".") and "  " not in text


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="volymen"):
        split_two_factors(math.nan, 1, 1, 1)
    with pytest.raises(ValueError, match="styckkostnad"):
        split_two_factors(1, 1, 1, -5)
    with pytest.raises(ValueError, match="faktorn"):
        split_two_factors(1, 1, 1, 1, 0)


def test_example_split_in_kronor():
    s = split_two_factors(0.0043, 990_000, REF_V, REF_U)
    # volume: 0,0003 × 995 000 = 298,5; unit cost: −10 000 × 0,00415 = −41,5 (kr/inv)
    assert s.volume_part == pytest.approx(298.5) and s.unit_cost_part == pytest.approx(-41.5)
    assert s.difference == pytest.approx(257.0) and s.reference_cost == pytest.approx(4000)
    assert to_mnkr(257.0, 10_000) == pytest.approx(2.57)
    assert isinstance(s, Split)


# ---- the reference from the peers ---------------------------------------------------------------
def test_the_reference_is_the_groups_pooled_cost():
    costs = pd.Series({"0001": 30.0, "0002": 20.0, "0003": 60.0, "0004": 99.0, "0005": 10.0})
    volumes = pd.Series({"0001": 1.0, "0002": 2.0, "0003": 3.0, "0004": None, "0005": 1.0})
    bases = pd.Series({"0001": 100.0, "0002": 300.0, "0003": 100.0, "0004": 50.0, "0005": 0.0})
    # 0004 lacks a volume and 0005 has no inhabitants: both are left out of every sum
    inputs = usable_inputs(
        (c, None if v != v else v, b) for c, v, b in zip(costs, volumes, bases, strict=True)
    )
    assert len(inputs) == 3
    ref = pooled_reference(inputs, factor=0.5)
    # Σ c·b = 3 000 + 6 000 + 6 000 = 15 000 kr; Σ b = 500; users Σ v·f·b = 50 + 300 + 150 = 500
    assert ref.n == 3 and ref.cost == pytest.approx(30.0)
    assert ref.volume == pytest.approx(2.0) and ref.unit_cost == pytest.approx(30.0)
    assert ref.volume * ref.unit_cost * 0.5 == pytest.approx(ref.cost)
    with pytest.raises(ValueError, match="ingen jämförelsekommun"):
        pooled_reference(usable_inputs([(99.0, None, 50.0)]), 1.0)


@settings(database=None, max_examples=300)
@given(st.lists(st.tuples(volumes, unit_costs, st.floats(1, 1e6)), min_size=1, max_size=12))
def test_the_split_against_the_pooled_cost_adds_up_to_the_gap(rows):
    """With the kommun's unit cost = cost / (volume × factor), the parts add up to its cost
    minus the group's pooled cost, whatever the group."""
    f = 1e-4
    ids = [f"{i:04d}" for i in range(len(rows))]
    v = pd.Series([r[0] for r in rows], index=ids)
    c = pd.Series([r[0] * r[1] * f for r in rows], index=ids)
    b = pd.Series([r[2] for r in rows], index=ids)
    ref = pooled_reference(usable_inputs(zip(c, v, b, strict=True)), f)
    assert ref.cost == pytest.approx(float((c * b).sum() / b.sum()), rel=1e-9)
    own_v, own_c = 0.004, 4200.0
    s = split_two_factors(own_v, own_c / (own_v * f), ref.volume, ref.unit_cost, f)
    assert s.own_cost == pytest.approx(own_c, rel=1e-12)
    assert s.volume_part + s.unit_cost_part == pytest.approx(own_c - ref.cost, rel=1e-9, abs=1e-6)


# ---- the sentence -----------------------------------------------------------------------------
HEAD = "Kostnaden för LSS-boende är {} än jämförelsegruppens vägda genomsnitt. Skillnaden består "


def test_above_mostly_by_volume():
    # volume +298,5 kr/inv = +2,985 mnkr; unit cost −41,5 kr/inv = −415 tkr
    assert lss(0.0043, 990_000) == HEAD.format("2,6 mnkr högre") + (
        "av fler brukare per invånare (+3,0 mnkr), medan lägre kostnad per brukare (−415 tkr) "
        "drar åt andra hållet."
    )


def test_above_mostly_by_unit_cost():
    # volume −0,0001 × 1 060 000 = −106 kr/inv; unit cost 120 000 × 0,00395 = +474 kr/inv
    assert lss(0.0039, 1_120_000) == HEAD.format("3,7 mnkr högre") + (
        "av högre kostnad per brukare (+4,7 mnkr), medan färre brukare per invånare (−1,1 mnkr) "
        "drar åt andra hållet."
    )
    # both the same way, unit cost dominating (3,2 of 4,2 mnkr ≥ 3/4)
    assert lss(0.0041, 1_080_000) == HEAD.format("4,3 mnkr högre") + (
        "till största delen av högre kostnad per brukare (+3,2 mnkr) och i mindre mån av fler "
        "brukare per invånare (+1,0 mnkr)."
    )


def test_both_parts_the_same_way():
    # volume 0,0004 × 1 025 000 = 410 kr/inv; unit cost 50 000 × 0,0042 = 210 kr/inv
    assert lss(0.0044, 1_050_000) == HEAD.format("6,2 mnkr högre") + (
        "både av fler brukare per invånare (+4,1 mnkr) och av högre kostnad per brukare "
        "(+2,1 mnkr)."
    )


def test_below_the_reference():
    # volume −0,0005 × 975 000 = −487,5; unit cost −50 000 × 0,00375 = −187,5 (kr/inv)
    assert lss(0.0035, 950_000) == HEAD.format("6,8 mnkr lägre") + (
        "både av färre brukare per invånare (−4,9 mnkr) och av lägre kostnad per brukare "
        "(−1,9 mnkr)."
    )
    assert lss(0.0035, 1_050_000) == HEAD.format("3,2 mnkr lägre") + (
        "av färre brukare per invånare (−5,1 mnkr), medan högre kostnad per brukare (+1,9 mnkr) "
        "drar åt andra hållet."
    )


def test_a_part_that_rounds_to_zero():
    assert lss(0.0045, 1_000_000) == HEAD.format("5,0 mnkr högre") + (
        "av fler brukare per invånare (+5,0 mnkr); kostnaden per brukare ligger i nivå med "
        "gruppens."
    )
    # 4 kr per brukare × 0,00375 × 10 000 invånare = 150 kr: "0 tkr", told as level
    assert lss(0.0035, 1_000_004).endswith("; kostnaden per brukare ligger i nivå med gruppens.")
    assert lss(0.004, 1_000_000) == (
        "Kostnaden för LSS-boende ligger i nivå med jämförelsegruppens vägda genomsnitt: både "
        "antalet brukare per invånare och kostnaden per brukare ligger i nivå med gruppens."
    )


def test_parts_that_cancel_and_parts_that_nearly_cancel():
    # 0,005 × 800 000 = 4 000 kr/inv: the same cost by more brukare at a lower cost each
    text = lss(0.005, 800_000)
    assert text.startswith(
        "Kostnaden för LSS-boende ligger i nivå med jämförelsegruppens vägda genomsnitt: "
    )
    assert "(+9,0 mnkr)" in text and "(−9,0 mnkr)" in text and "vägs upp av" in text
    # +3,05 and −3,0 mnkr → both "3,0 mnkr" as shown, but the total is +50 tkr
    split = Split(4005.0, 4000.0, 305.0, -300.0, 0.0, 0.0, 0.0, 0.0)
    assert split_sentence("LSS-boende", split, LSS, 10_000).replace(NBSP, " ") == HEAD.format(
        "50 tkr högre"
    ) + (
        "av fler brukare per invånare (+3,0 mnkr), som väger något tyngre än lägre kostnad per "
        "brukare (−3,0 mnkr)."
    )


def test_kronor_per_inhabitant_without_a_population():
    assert lss(0.0043, 990_000, population=None) == HEAD.format("257 kr/invånare högre") + (
        "av fler brukare per invånare (+298 kr/invånare), medan lägre kostnad per brukare "
        "(−42 kr/invånare) drar åt andra hållet."
    )
    assert not re.search(r"\d\.\d", lss(0.0043, 990_000, population=None))
