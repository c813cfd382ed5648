import math

import pytest

from benchmark import fmt


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1234.56, 1, "1\u00a0234,6"),
        (-20.7972, 1, "\u221220,8"),
        (0.04, 1, "0,0"),
        (-0.04, 1, "0,0"),  # no "−0,0"
        (1234567, 0, "1\u00a0234\u00a0567"),
        (None, 1, "saknas"),
        (math.nan, 1, "saknas"),
    ],
)
def test_number(value, decimals, text):
    assert fmt.number(value, decimals) == text


def test_units():
    assert fmt.percent(-20.7972) == "\u221220,8\u00a0%"
    assert fmt.points(12.34) == "+12,3 procentenheter"
    assert fmt.points(-0.5) == "\u22120,5 procentenheter"
    assert fmt.mnkr(-14.519) == "\u221214,5\u00a0mnkr"
    assert fmt.mnkr(3.21, sign=True) == "+3,2\u00a0mnkr"
    assert fmt.kr_per_inhabitant(1234.4) == "1\u00a0234\u00a0kr/invånare"
    assert fmt.percent(None) == fmt.mnkr(math.nan) == "saknas"


def test_years_text_joins_runs():
    from benchmark.fmt import years_text

    assert years_text([2019]) == "2019"
    assert years_text([2021, 2019, 2020]) == "2019–2021"
    assert years_text([2019, 2020, 2021, 2023]) == "2019–2021 och 2023"
    assert years_text([2015, 2017, 2019, 2020]) == "2015, 2017 och 2019–2020"


def test_local_time_is_swedish_time_summer_and_winter():
    assert fmt.local_time("2026-12-03T05:00:00+00:00") == "2026-12-03 06:00"  # CET
    assert fmt.local_time("2026-07-03T05:00:00+00:00") == "2026-07-03 07:00"  # CEST
    assert fmt.local_time("2026-07-03T05:00:00") == "2026-07-03 07:00"  # no offset: UTC
    assert fmt.local_time(None) == fmt.local_time("nonsense") == "okänt"
