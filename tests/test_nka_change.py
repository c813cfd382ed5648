import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.nka_change import (
    DERIVED_NOTE,
    NkaChange,
    YearFigures,
    change_sentence,
    method_break_note,
    nka_change,
)
from benchmark.numbers import printed_difference, tenths

NBSP = "\u00a0"


def sentence(before, after, **kw):
    return change_sentence(nka_change(before, after), **kw).replace(NBSP, " ")


# ---- the arithmetic ---------------------------------------------------------------------------
nets = st.floats(min_value=100, max_value=500_000, allow_nan=False, allow_infinity=False)
nkas = st.floats(min_value=-95, max_value=300, allow_nan=False, allow_infinity=False)
years = st.integers(min_value=2010, max_value=2030)


@st.composite
def derived_changes(draw) -> NkaChange:
    y1 = draw(years)
    y2 = draw(st.integers(min_value=y1 + 1, max_value=y1 + 5))
    return nka_change(
        YearFigures(y1, draw(nkas), draw(nets)), YearFigures(y2, draw(nkas), draw(nets))
    )


@settings(database=None, max_examples=500)
@given(derived_changes())
def test_parts_add_up_to_the_nka_change(c):
    assert c.reference_derived
    scale = max(1.0, abs(c.net_part), abs(c.reference_part), 100 + abs(c.nka_from))
    assert abs(c.net_part + c.reference_part - c.points) <= 1e-9 * scale
    assert abs(c.residual) <= 1e-9 * scale


@settings(database=None, max_examples=500)
@given(derived_changes())
def test_nka_to_from_nka_from_and_the_two_changes(c):
    ratio = (1 + c.net_change_pct / 100) / (1 + c.reference_change_pct / 100)
    assert math.isclose((1 + c.nka_from / 100) * ratio, 1 + c.nka_to / 100, rel_tol=1e-9)


@settings(database=None, max_examples=300)
@given(nets, nets, nets, nets)
def test_with_koladas_reference_the_parts_add_up_to_the_implied_change(n1, n2, r1, r2):
    c = nka_change(
        YearFigures(2020, round((n1 / r1 - 1) * 100, 2), n1, r1),
        YearFigures(2021, round((n2 / r2 - 1) * 100, 2), n2, r2),
    )
    assert not c.reference_derived and (c.reference_from, c.reference_to) == (r1, r2)
    implied = 100 * (n2 / r2 - n1 / r1)
    assert math.isclose(c.net_part + c.reference_part, implied, rel_tol=1e-9, abs_tol=1e-9)
    assert abs(c.residual) <= 0.01 + 1e-9 * abs(implied)  # Kolada's NKA rounded to 2 decimals


@settings(database=None, max_examples=500)
@given(derived_changes())
def test_sentence_directions_and_printed_difference(c):
    text = change_sentence(c).replace(NBSP, " ")
    t = tenths(c.nka_to) - tenths(c.nka_from)
    hit = re.match(r"\d{4}→\d{4} (steg|sjönk) NKA (\d+,\d) p\.e\.: ", text)
    if t == 0:
        assert " var NKA oförändrad: " in text and hit is None
    else:
        assert hit and hit[1] == ("steg" if t > 0 else "sjönk")
        assert hit[2] == f"{abs(printed_difference(c.nka_to, c.nka_from)):.1f}".replace(".", ",")
    tn, tr = tenths(c.net_change_pct), tenths(c.reference_change_pct)
    verb = re.search(r"nettokostnaden per invånare (?:och referenskostnaden )?(\w+)", text)
    assert verb[1] == ("ökade" if tn > 0 else "minskade" if tn < 0 else "var")
    assert (" medan " in text) == (tn * tr < 0 or (tn == 0) != (tr == 0))
    assert text.count(DERIVED_NOTE.strip()) == 1
    assert "−" not in text and "-" not in text  # sizes only: direction is in the words


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="ligger inte före"):
        nka_change(YearFigures(2020, 1, 100), YearFigures(2020, 1, 100))
    with pytest.raises(ValueError, match="kan inte härledas"):
        nka_change(YearFigures(2019, -100, 100), YearFigures(2020, 1, 100))
    with pytest.raises(ValueError, match="nettokostnaden 2020"):
        nka_change(YearFigures(2019, 1, 100), YearFigures(2020, 1, 0))
    with pytest.raises(ValueError, match="NKA 2019"):
        nka_change(YearFigures(2019, math.nan, 100, 90), YearFigures(2020, 1, 100, 90))


# ---- sentences --------------------------------------------------------------------------------
# The issue's example: NKA 30,0 % → 20,9 % (52 000 / 40 000 → 49 816 / 41 200 kr/inv),
# nettokostnad −4,2 %, referenskostnad +3,0 %; Kolada's NKA with two decimals.
EXAMPLE = (YearFigures(2019, 30.0, 52_000, 40_000), YearFigures(2020, 20.91, 49_816, 41_200))


def test_the_issues_example():
    assert sentence(*EXAMPLE) == (
        "2019→2020 sjönk NKA 9,1 p.e.: nettokostnaden per invånare minskade 4,2 % medan "
        "referenskostnaden ökade 3,0 %."
    )
    c = nka_change(*EXAMPLE)
    assert c.net_change_pct == pytest.approx(-4.2) and c.reference_change_pct == pytest.approx(3)
    assert c.net_part + c.reference_part == pytest.approx(20.9126 - 30.0, abs=1e-4)
    assert abs(c.residual) < 0.01


def test_a_derived_reference_is_said_once():
    before, after = (YearFigures(f.year, f.nka, f.net_cost) for f in EXAMPLE)
    assert sentence(before, after) == (
        "2019→2020 sjönk NKA 9,1 p.e.: nettokostnaden per invånare minskade 4,2 % medan "
        "referenskostnaden ökade 3,0 % (referenskostnaden härledd ur nettokostnad och NKA)."
    )
    mixed = nka_change(EXAMPLE[0], after)  # one year's referenskostnad derived is enough
    assert mixed.reference_derived and change_sentence(mixed).count("härledd") == 1


# NKA 10,0 % (44 000 / 40 000 kr/inv) to three ends:
BASE = YearFigures(2021, 10.0, 44_000, 40_000)


def test_nka_rising_because_the_net_cost_rose_more():
    # 46 640 / 40 800 = 1,143137…: NKA 14,3 %
    assert sentence(BASE, YearFigures(2022, 14.31, 46_640, 40_800)) == (
        "2021→2022 steg NKA 4,3 p.e.: nettokostnaden per invånare ökade 6,0 % och "
        "referenskostnaden 2,0 %."
    )


def test_nka_falling_though_the_net_cost_rose():
    # 44 880 / 41 600 = 1,078846…: NKA 7,9 %
    assert sentence(BASE, YearFigures(2022, 7.88, 44_880, 41_600)) == (
        "2021→2022 sjönk NKA 2,1 p.e.: nettokostnaden per invånare ökade 2,0 % men "
        "referenskostnaden ökade mer, 4,0 %."
    )
    # both fall, the reference more: 43 120 / 38 400 = 1,122917…: NKA 12,3 %
    assert sentence(BASE, YearFigures(2022, 12.29, 43_120, 38_400)) == (
        "2021→2022 steg NKA 2,3 p.e.: nettokostnaden per invånare minskade 2,0 % men "
        "referenskostnaden minskade mer, 4,0 %."
    )


def test_unchanged_figures():
    assert sentence(BASE, YearFigures(2022, 10.0, 44_000, 40_000)) == (
        "2021→2022 var NKA oförändrad: nettokostnaden per invånare och referenskostnaden var "
        "oförändrade."
    )
    assert sentence(BASE, YearFigures(2022, 10.0, 45_320, 41_200)) == (
        "2021→2022 var NKA oförändrad: nettokostnaden per invånare och referenskostnaden ökade "
        "båda 3,0 %."
    )
    # 44 000 / 41 200 = 1,067961…: NKA 6,8 %
    assert sentence(BASE, YearFigures(2022, 6.8, 44_000, 41_200)) == (
        "2021→2022 sjönk NKA 3,2 p.e.: nettokostnaden per invånare var oförändrad medan "
        "referenskostnaden ökade 3,0 %."
    )


def test_the_method_break():
    before = YearFigures(2018, 10.0, 44_000, 40_000)
    text = sentence(before, YearFigures(2019, 14.31, 46_640, 40_800))
    assert text == (
        "2018→2019 steg NKA 4,3 p.e.: nettokostnaden per invånare ökade 6,0 % och "
        "referenskostnaden 2,0 %. Åren ligger på var sin sida om metodbytet 2019, så "
        "referenskostnaderna är räknade med olika modeller."
    )
    assert method_break_note() in text
    # both years on the same side: no note; another break year can be given
    assert "metodbytet" not in sentence(BASE, YearFigures(2022, 14.31, 46_640, 40_800))
    assert "metodbytet" not in sentence(
        before, YearFigures(2019, 14.31, 46_640, 40_800), method_break_year=2018
    )


def test_negative_nka_falling_is_told_as_falling():
    # −9,3 % → −31,5 %: the deviation grows, but NKA "sjönk", never "ökade"
    text = sentence(YearFigures(2019, -9.3, 30_000), YearFigures(2020, -31.5, 24_000))
    assert text == (
        "2019→2020 sjönk NKA 22,2 p.e.: nettokostnaden per invånare minskade 20,0 % medan "
        "referenskostnaden ökade 5,9 % (referenskostnaden härledd ur nettokostnad och NKA)."
    )
    # and rising towards 0 is "steg"
    assert sentence(YearFigures(2020, -31.5, 24_000), YearFigures(2021, -9.3, 30_000)).startswith(
        "2020→2021 steg NKA 22,2 p.e.: nettokostnaden per invånare ökade 25,0 % medan "
        "referenskostnaden minskade 5,6 %"
    )


def test_the_difference_quoted_is_that_of_the_printed_values():
    # 2,549 → −13,249 is 15,798 exactly, but printed 2,5 and −13,2: 15,7
    text = sentence(YearFigures(2020, 2.549, 30_000), YearFigures(2021, -13.249, 26_000))
    assert text.startswith("2020→2021 sjönk NKA 15,7 p.e.: ")


# ---- the national level and the kommun's structure ------------------------------------------
@settings(database=None, max_examples=300)
@given(
    st.floats(1_000, 20_000), st.floats(1_000, 20_000), st.floats(1_000, 20_000),
    st.floats(1_000, 20_000), st.floats(1_000, 20_000), st.floats(1_000, 20_000),
)  # fmt: skip
def test_the_reference_part_splits_exactly_into_national_level_and_structure(
    n1, n2, r1, r2, R1, R2
):
    c = nka_change(YearFigures(2019, 0.0, n1, r1), YearFigures(2020, 0.0, n2, r2), riket=(R1, R2))
    assert c.national_part + c.structure_part == pytest.approx(c.reference_part, abs=1e-9)
    # symmetric: going back negates every part
    back = nka_change(
        YearFigures(2019, 0.0, n2, r2), YearFigures(2020, 0.0, n1, r1), riket=(R2, R1)
    )
    assert back.national_part == pytest.approx(-c.national_part, abs=1e-9)
    assert back.structure_part == pytest.approx(-c.structure_part, abs=1e-9)
    # the structure does not move when the reference follows Riket's level
    same = nka_change(
        YearFigures(2019, 0.0, n1, r1), YearFigures(2020, 0.0, n2, r1 * R2 / R1), riket=(R1, R2)
    )
    assert same.structure_part == pytest.approx(0, abs=1e-9)
    assert same.national_part == pytest.approx(same.reference_part, abs=1e-9)


def test_without_riket_there_is_no_national_part():
    c = nka_change(YearFigures(2019, 10.0, 5000.0), YearFigures(2020, 5.0, 5100.0))
    assert not c.has_national and "rikets" not in change_sentence(c)
    c = nka_change(YearFigures(2019, 10.0, 5000.0), YearFigures(2020, 5.0, 5100.0), (None, 4000))
    assert not c.has_national


def test_the_change_table_shows_the_three_parts():
    from benchmark.nka_change import change_table

    c = nka_change(
        YearFigures(2019, 32.2, 6434.0), YearFigures(2020, 23.1, 6217.0), riket=(4492.0, 4676.0)
    )
    table = change_table(c)
    assert list(table.columns) == [
        "År", "NKA", "Nettokostnad (kr/inv)", "Referenskostnad (kr/inv) härledd",
        "därav riket (kr/inv)", "därav struktur (kvot)",
    ]  # fmt: skip
    assert table["därav riket (kr/inv)"].tolist()[:2] == ["4\u00a0492", "4\u00a0676"]
    assert (
        change_table(nka_change(YearFigures(2019, 1.0, 10.0), YearFigures(2020, 2.0, 11.0))).shape[
            1
        ]
        == 4
    )
