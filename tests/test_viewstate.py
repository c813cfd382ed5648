import pytest

from benchmark.viewstate import MAX_CUSTOM, View, parse_view

KOMMUNER = {f"{i:04d}": f"K{i}" for i in range(100, 140)} | {"0561": "Åtvidaberg", "1267": "Höör"}
YEARS = (2010, 2025)


def test_defaults_without_params():
    view, problems = parse_view({}, KOMMUNER, YEARS)
    assert view == View() and problems == []
    assert view.kommun == "0561" and view.area == "ifo" and view.first_year == 2019


def test_round_trip():
    view = View("1267", "aldreomsorg", "egen", ("0101", "0102"), 2015, 2024, 2022)
    params = view.to_params()
    assert params == {
        "kommun": "1267", "omrade": "aldreomsorg", "grupp": "egen", "egna": "0101,0102",
        "fran": "2015", "till": "2024", "ar": "2022",
    }  # fmt: skip
    assert parse_view(params, KOMMUNER, YEARS) == (view, [])


def test_leading_zero_is_restored():
    view, problems = parse_view({"kommun": "561"}, KOMMUNER, YEARS)
    assert view.kommun == "0561" and problems == []


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"kommun": "9999"}, "'9999'"),
        ({"kommun": "../x"}, "'../x'"),
        ({"omrade": "skola"}, "'skola'"),
        ({"grupp": "vänner"}, "'vänner'"),
        ({"fran": "1800"}, "'1800'"),
        ({"till": "abc"}, "'abc'"),
        ({"ar": "2099"}, "'2099'"),
    ],
)
def test_bad_values_fall_back_with_a_swedish_message(params, needle):
    view, problems = parse_view(params, KOMMUNER, YEARS)
    assert len(problems) == 1 and needle in problems[0]
    assert view.kommun == "0561" and view.area == "ifo" and view.group == "rka"


def test_start_after_end():
    view, problems = parse_view({"fran": "2024", "till": "2020"}, KOMMUNER, YEARS)
    assert "2024" in problems[0] and view.first_year <= view.last_year == 2020


def test_custom_group_is_validated_and_capped():
    ids = [f"{i:04d}" for i in range(100, 125)]
    view, problems = parse_view(
        {"grupp": "egen", "egna": ",".join([*ids, "0561", "9999"])}, KOMMUNER, YEARS
    )
    assert len(view.custom) == MAX_CUSTOM and "0561" not in view.custom
    assert any("'9999'" in p for p in problems) and any("högst 20" in p for p in problems)


def test_empty_custom_group_falls_back_to_rka():
    view, problems = parse_view({"grupp": "egen"}, KOMMUNER, YEARS)
    assert view.group == "rka" and "tom" in problems[0]


def test_a_repeated_key_uses_the_last_value_and_says_so():
    params = {"kommun": ["0561", "1267"], "omrade": ["ifo"], "grupp": "rka"}
    view, problems = parse_view(params, KOMMUNER, YEARS)
    assert view.kommun == "1267" and view.area == "ifo"
    assert problems == [
        "Parametern kommun förekommer flera gånger i länken; den sista ('1267') används."
    ]


def test_long_values_are_cut_in_messages():
    view, problems = parse_view({"kommun": "x" * 500, "egna": "y" * 500}, KOMMUNER, YEARS)
    assert view.kommun == "0561"
    assert len(problems) == 1 and len(problems[0]) < 150 and "…" in problems[0]
    _, problems = parse_view({"kommun": ["x" * 500, "z" * 500]}, KOMMUNER, YEARS)
    assert all(len(p) < 150 for p in problems) and len(problems) == 2


def test_messages_quote_the_raw_value_unescaped():
    _, problems = parse_view({"kommun": "[a](http://e.example)"}, KOMMUNER, YEARS)
    assert "'[a](http://e.example)'" in problems[0]


def test_a_custom_group_s_name_in_the_link():
    params = {"kommun": "0561", "grupp": "egen", "egna": "0101,0102", "namn": " Våra  grannar "}
    view, problems = parse_view(params, KOMMUNER, YEARS)
    assert view.name == "Våra grannar" and problems == []
    assert view.to_params()["namn"] == "Våra grannar"
    assert parse_view(view.to_params(), KOMMUNER, YEARS)[0] == view  # round trip
    # control characters dropped; a long name cut with a message; no name without a group
    view, _ = parse_view({**params, "namn": "A\x07B\u200bC"}, KOMMUNER, YEARS)
    assert view.name == "ABC"
    view, problems = parse_view({**params, "namn": "x" * 70}, KOMMUNER, YEARS)
    assert view.name == "x" * 60 and "längre än 60 tecken" in problems[0]
    view, _ = parse_view({"grupp": "rka", "namn": "Grannar"}, KOMMUNER, YEARS)
    assert view.name == "" and "namn" not in view.to_params()
