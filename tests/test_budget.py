import math
import random

import pandas as pd
import pytest

from benchmark import budget, exports, fmt, glide, numbers
from benchmark.analytics import ReferenceCost, peer_stats
from kolada.catalogue import POPULATION, area

REF = ReferenceCost(kr_per_inhabitant=3000.0, total_mnkr=30.0, derived=False, how="Kolada N30007")
ROW = pd.Series({"median": 10.0, "mean": 12.0, "q1": 4.0, "pooled": 11.0})
NBSP = "\u00a0"


def test_base_figures_compare_every_target_and_a_custom_level():
    pooled = budget.Pooled(11.0, 7, 7, 1.0, 1.0)
    choice = budget.BaseChoice(2024, 7, 7, True)
    levels = budget.target_levels(choice, ROW.to_dict(), pooled)
    at = budget.BaseFigures(2024, choice, 25.0, REF, 10_000, pooled, ROW, levels, pd.Series())
    table = at.comparison()
    assert list(table.index) == ["median", "mean", "pooled", "q1", "zero"]
    assert list(table["Nivå (%)"]) == [10.0, 12.0, 11.0, 4.0, 0.0]
    mine = at.comparison(-5.0)
    assert mine.loc["custom", "Nivå (%)"] == -5.0 and "custom" not in at.levels


def test_gap_in_kronor():
    t = budget.make_target(25.0, 10.0, 2024, 2027, REF)
    assert t.gap.points == 15.0
    assert t.gap.kr_per_inhabitant == pytest.approx(450.0)
    assert t.gap.mnkr == pytest.approx(4.5)
    assert t.must_cut


# ---- the glide path starts at the budget year ------------------------------------------------
def test_glide_path_starts_at_the_budget_year_from_the_base():
    # data up to 2022, budget for 2027, target 2029: the base is named, then 2027–2029
    t = budget.make_target(25.0, 10.0, 2022, 2029, REF, start_year=2027)
    path = glide.glide_path(t)
    assert path["År"].tolist() == [2022, 2027, 2028, 2029]
    assert path["Period"].tolist() == ["Utgångsläge 2022", "2027", "2028", "2029"]
    assert path["NKA (%)"].tolist() == pytest.approx([25.0, 20.0, 15.0, 10.0])
    steps = path["Förändring av nettokostnaden per år (mnkr)"].tolist()
    assert steps == pytest.approx([0.0, -1.5, -1.5, -1.5])
    assert path["Ackumulerad förändring (mnkr)"].iloc[-1] == pytest.approx(-4.5)
    assert path["Ackumulerad förändring (kr/inv)"].iloc[-1] == pytest.approx(-450.0)


def test_glide_path_default_start_is_the_year_after_the_base():
    path = glide.glide_path(budget.make_target(25.0, 10.0, 2024, 2027, REF))
    assert path["År"].tolist() == [2024, 2025, 2026, 2027]


def test_glide_path_upwards_when_below_target():
    t = budget.make_target(-20.0, 0.0, 2024, 2026, REF)
    assert not t.must_cut
    assert glide.glide_path(t)["Ackumulerad förändring (mnkr)"].iloc[-1] == pytest.approx(6.0)


@pytest.mark.parametrize(
    ("base", "start", "target", "match"),
    [(2024, 2020, 2027, "första budgetåret 2020"), (2024, 2027, 2026, "målåret 2026")],
)
def test_years_in_the_wrong_order(base, start, target, match):
    with pytest.raises(ValueError, match=match):
        budget.make_target(1.0, 0.0, base, target, REF, start_year=start)


def test_budget_years_default_to_next_year():
    years, default = budget.budget_years(2026, 2022)
    assert default == 2027 and years[0] == 2026 and 2027 in years
    years, default = budget.budget_years(2026, 2026)  # data for this year already: next year
    assert default == 2027 and years[0] == 2027
    years, default = budget.target_years(2027)
    assert default == 2029 and years[0] == 2027


# ---- steps add up to the total shown ----------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "decimals", "rounded"),
    [
        ([0.7 / 3] * 3, 3, [0.234, 0.233, 0.233]),
        ([-0.7 / 3] * 3, 3, [-0.233, -0.233, -0.234]),
        ([4.55 / 2] * 2, 1, [2.3, 2.2]),
        ([1.5, 1.5, 1.5], 1, [1.5, 1.5, 1.5]),
        ([0.26, 0.26, 0.48], 1, [0.3, 0.2, 0.5]),  # largest remainders first
    ],
)
def test_largest_remainder(values, decimals, rounded):
    assert glide.largest_remainder(values, decimals) == pytest.approx(rounded)
    assert sum(rounded) == pytest.approx(round(sum(values), decimals))


def test_largest_remainder_to_a_given_total():
    assert glide.largest_remainder([1.0, 1.0, 1.0], 1, total=2.8) == pytest.approx([1.0, 0.9, 0.9])
    assert glide.largest_remainder([0.5, 0.5], 0, total=1.0) == [1.0, 0.0]  # a tie: the first


def test_steps_add_up_to_the_total_shown():
    rng = random.Random(8)
    for _ in range(300):
        now, level = rng.uniform(-40, 60), rng.uniform(-20, 30)
        ref = ReferenceCost(rng.uniform(500, 9000), rng.uniform(0.5, 400), False, "x")
        start = rng.randint(2025, 2027)
        t = budget.make_target(now, level, 2024, start + rng.randint(0, 6), ref, start_year=start)
        path = glide.glide_path(t)
        steps = path["Förändring av nettokostnaden per år (mnkr)"]
        total_shown = numbers.shown(-t.gap.mnkr)
        assert steps.sum() == pytest.approx(total_shown, abs=1e-9)
        assert path["Ackumulerad förändring (mnkr)"].iloc[-1] == pytest.approx(total_shown)
        # every step is a whole unit of what is shown (0,1 mnkr or 1 tkr)
        unit = 10 ** -numbers.money_decimals(total_shown)
        assert all(abs(s / unit - round(s / unit)) < 1e-6 for s in steps)
        per = path["Förändring av nettokostnaden per år (kr/inv)"]
        assert per.sum() == pytest.approx(round(-t.gap.kr_per_inhabitant), abs=1e-9)


def test_small_totals_are_shown_and_stepped_in_tkr():
    t = budget.make_target(12.0, 10.0, 2024, 2029, REF, start_year=2027)  # 0,6 mnkr over 3 y
    path = glide.glide_path(t)
    assert [numbers.money(-s) for s in path.iloc[1:, 4]] == [f"200{NBSP}tkr"] * 3
    assert budget.gap_words(t.gap.mnkr) == f"minska nettokostnaden med 600{NBSP}tkr"


# ---- the base year: the latest covered one ----------------------------------------------------
def _stats(counts: dict[int, int], total: int = 7) -> pd.DataFrame:
    rows = [
        {"kpi": "N30001", "municipality": f"{m:04d}", "period": year, "value": float(m)}
        for year, n in counts.items()
        for m in range(1, n + 1)
    ]
    return peer_stats(pd.DataFrame(rows), "N30001", [f"{m:04d}" for m in range(1, total + 1)])


def test_base_is_the_latest_covered_year_with_the_kommuns_value():
    stats = _stats({2022: 7, 2023: 6, 2024: 3, 2025: 1})
    choices = budget.base_choices([2021, 2022, 2023, 2024, 2025], stats, 7)
    assert [c.year for c in choices] == [2025, 2024, 2023, 2022, 2021]
    assert [c.covered for c in choices] == [False, False, True, True, False]
    assert budget.default_base(choices) == 2023  # 2024: 3 of 7 is under half the group
    assert choices[0].label == "2025 – för få jämförelsevärden (1 av 7)"
    assert choices[2].label == "2023"
    assert budget.default_base(choices, last=2022) == 2022  # the view ends in 2022
    # the kommun's own value decides too: no value 2023 → 2022
    assert budget.default_base(budget.base_choices([2022, 2025], stats, 7)) == 2022


def test_no_covered_year_falls_back_to_the_latest_year():
    choices = budget.base_choices([2023, 2024], _stats({2023: 1, 2024: 2}), 7)
    assert budget.default_base(choices) == 2024
    assert budget.default_base([]) is None


# ---- signs in words --------------------------------------------------------------------------
def test_gap_in_words_both_directions():
    assert budget.gap_words(4.52) == f"minska nettokostnaden med 4,5{NBSP}mnkr"
    assert budget.gap_words(0.7) == f"minska nettokostnaden med 700{NBSP}tkr"
    assert budget.gap_words(-12.94) == f"nettokostnaden ligger 12,9{NBSP}mnkr under målet"
    assert budget.gap_words(-0.25) == f"nettokostnaden ligger 250{NBSP}tkr under målet"
    assert budget.gap_words(0.0001) == "nettokostnaden ligger på målet"
    for words in (budget.gap_words(4.5), budget.gap_words(-12.9)):
        assert "+" not in words and "\u2212" not in words and "öka" not in words


def test_position_is_said_in_words():
    assert budget.position_text("Höör", -20.2, 5.0, "median") == (
        "Höör ligger redan 25,2 p.e. under medianen"
    )
    assert budget.position_text("Åtvidaberg", 6.12, 2.0, "mean") == (
        "Åtvidaberg ligger 4,1 p.e. över det ovägda medlet"
    )
    assert budget.position_text("Höör", 0.01, 0.0, "zero") == (
        "Höör ligger på referenskostnadens nivå (0 %)"
    )
    # the difference of the figures as shown, 2,5 − (−1,6) = 4,1, not the exact 4,02
    assert budget.position_text("Alvesta", 2.46, -1.56, "median") == (
        "Alvesta ligger 4,1 p.e. över medianen"
    )


def test_what_if_amount_in_words():
    assert budget.change_words(2.5) == f"minska nettokostnaden med 2,5{NBSP}mnkr"
    assert budget.change_words(-2.5) == f"öka nettokostnaden med 2,5{NBSP}mnkr"
    assert budget.change_words(0.0) == "oförändrad nettokostnad"


def test_target_sentence_never_says_the_cost_must_rise():
    below = budget.make_target(-5.3, 19.9, 2024, 2029, REF, start_year=2027)
    text = budget.target_sentence("Höör", "median", 19.9, below)
    assert text.startswith("Höör ligger redan 25,2 p.e. under medianen (2024)")
    assert f"nettokostnaden ligger 7,6{NBSP}mnkr under målet" in text
    assert "öka" not in text
    above = budget.make_target(25.0, 10.0, 2024, 2029, REF, start_year=2027)
    text = budget.target_sentence("Åtvidaberg", "median", 10.0, above)
    assert f"minska nettokostnaden med 4,5{NBSP}mnkr" in text and "2029" in text


# ---- the pooled peer level ("vägt") -----------------------------------------------------------
IFO = area("ifo")


def _values(rows: list[tuple[str, str, float | None]], year: int = 2024) -> pd.DataFrame:
    return pd.DataFrame(
        [(k, m, year, v) for k, m, v in rows], columns=["kpi", "municipality", "period", "value"]
    )


def test_pooled_level_against_a_hand_computation():
    values = _values(
        [
            # A: Kolada's referenskostnad and nettokostnad, 10 000 invånare
            (IFO.reference_cost, "A", 4000.0), (IFO.net_cost, "A", 5000.0),
            (POPULATION, "A", 10_000.0), (IFO.nka_pct, "A", 25.0),
            # B: no referenskostnad KPI: derived as nettokostnad / (1 + NKA/100)
            (IFO.net_cost, "B", 2700.0), (IFO.nka_pct, "B", -10.0), (POPULATION, "B", 40_000.0),
            # C: nothing in kronor: left out
            (IFO.nka_pct, "C", 50.0),
        ]
    )  # fmt: skip
    pooled = budget.pooled_level(values, IFO, ["A", "B", "C"], 2024)
    # A: net 50 mnkr, ref 40 mnkr; B: net 108 mnkr, ref 108 / 0.9 = 120 mnkr
    assert pooled.net_mnkr == pytest.approx(158.0)
    assert pooled.reference_mnkr == pytest.approx(160.0)
    assert pooled.level == pytest.approx((158 / 160 - 1) * 100)  # −1,25 %
    assert (pooled.n, pooled.total, pooled.covered) == (2, 3, False)  # 2 < 3 peers
    # Kolada's ovägt medel of the three would be 21,7 %: the pooled level weighs by kronor
    assert budget.pooled_level(values, IFO, ["C"], 2024).level is None


# ---- targets side by side --------------------------------------------------------------------
def test_targets_side_by_side():
    table = budget.compare_targets(
        25.0, REF, {"median": 10.0, "mean": 30.0, "pooled": "för få jämförelsevärden (2 av 7)",
                    "zero": 0.0}
    )  # fmt: skip
    assert table.loc["median", "I kronor"] == (
        f"minska nettokostnaden med 4,5{NBSP}mnkr (450{NBSP}kr per invånare)"
    )
    assert table.loc["mean", "I kronor"] == (
        f"nettokostnaden ligger 1,5{NBSP}mnkr under målet (150{NBSP}kr per invånare)"
    )
    assert table.loc["pooled", "Anmärkning"] == "för få jämförelsevärden (2 av 7)"
    assert math.isnan(table.loc["pooled", "Skillnad (mnkr)"])
    assert table.loc["zero", "Skillnad (mnkr)"] == pytest.approx(7.5)
    assert table["Mål"].tolist()[2] == budget.SHORT["pooled"]


# ---- the export holds the target, the gap and every input -------------------------------------
def test_export_table_holds_target_gap_inputs_and_what_if(tmp_path):
    t = budget.make_target(25.0, 10.0, 2024, 2029, REF, start_year=2027)
    comparison = budget.compare_targets(25.0, REF, {"median": 10.0, "zero": 0.0})
    inputs = [("Nettokostnadsavvikelse", 2024, 25.0, "%", "Källa: Kolada (N30001)"),
              ("Invånare", 2024, 10_000.0, "st", "Källa: Kolada (N01951)")]  # fmt: skip
    what_if = glide.WhatIf(2.5, glide.nka_after_cut(25.0, REF, 2.5), 3, 8)
    frame = glide.export_table(t, "median", inputs, comparison, what_if, "Egen bearbetning")
    by = {(r["Avsnitt"], r["Uppgift"]): r for _, r in frame.iterrows()}
    assert by[("Indata", "Invånare")]["Värde"] == 10_000
    assert by[("Mål", "Målnivå för NKA")]["Värde"] == 10.0
    assert by[("Mål", "Första budgetår")]["År"] == 2027
    assert by[("Mål", "Målår")]["År"] == 2029
    gap_row = by[("Skillnad", "Belopp (positivt = minska)")]
    assert gap_row["Värde"] == pytest.approx(4.5)
    assert gap_row["Text"] == f"minska nettokostnaden med 4,5{NBSP}mnkr"
    assert by[("Tänk om", "Minska nettokostnaden med")]["Värde"] == 2.5
    assert by[("Tänk om", "NKA efter förändringen")]["Värde"] == pytest.approx(16.6666667)
    path = frame[frame["Avsnitt"] == "Väg till målet"]
    assert sorted(set(path["År"])) == [2027, 2028, 2029]
    # and it goes through the Excel export as numbers
    info = exports.ExportInfo("x", "t", "s", "k")
    read = pd.read_excel(pd.io.common.BytesIO(exports.to_xlsx(frame, info)), sheet_name="Data")
    assert read["Värde"].dtype.kind == "f" and len(read) == len(frame)


# ---- what-if ---------------------------------------------------------------------------------
def test_target_year_before_base_year():
    with pytest.raises(ValueError, match="2020"):
        budget.make_target(1.0, 0.0, 2024, 2020, REF)


@pytest.mark.parametrize(("now", "target"), [(25.0, 10.0), (-20.0, 3.5), (7.0, 7.0)])
def test_what_if_round_trip_lands_on_the_target(now, target):
    t = budget.make_target(now, target, 2024, 2026, REF)
    assert glide.nka_after_cut(now, REF, t.gap.mnkr) == pytest.approx(target)


def test_what_if_needs_the_reference_cost_in_kronor():
    with pytest.raises(ValueError, match="okänd"):
        glide.nka_after_cut(1.0, ReferenceCost(None, None, True, "x"), 1.0)


def test_rank_among_peers():
    peers = pd.Series([1.0, 5.0, float("nan"), 9.0])
    assert glide.rank_among(4.0, peers) == (2, 4)
    assert glide.rank_among(0.0, peers) == (1, 4)


# ---- Swedish numbers -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2,5", 2.5), ("2.5", 2.5), ("−2,5", -2.5), ("-2,5", -2.5), ("– 2,5", -2.5),
        ("+3", 3.0), ("1 234,5", 1234.5), ("1\u00a0234,5", 1234.5), ("1\u202f234,5", 1234.5),
        ("1.234,5", 1234.5), ("1 234 567", 1234567.0), ("1.234.567", 1234567.0), (",5", 0.5),
        ("  10  ", 10.0), ("0", 0.0), ("1,234", 1.234), ("12345,5", 12345.5),
    ],
)  # fmt: skip
def test_parse_swedish_numbers(text, value):
    assert numbers.parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "units", "value"),
    [
        ("2,5 mnkr", numbers.MNKR_UNITS, 2.5),
        ("700 tkr", numbers.MNKR_UNITS, 0.7),
        ("−700 tkr", numbers.MNKR_UNITS, -0.7),
        ("10,5 %", numbers.PERCENT_UNITS, 10.5),
        ("10,5%", numbers.PERCENT_UNITS, 10.5),
    ],
)
def test_parse_numbers_with_units(text, units, value):
    assert numbers.parse_number(text, units) == value


@pytest.mark.parametrize(
    "text",
    ["abc", "2,5,1", "1.2.3", "12 34", "1 234.5,6", "2,5 kr", "nan", "inf", "1e3", "--2", "²",
     "0x10", "2 ,5", "mnkr", "10,5 %"],
)  # fmt: skip
def test_bad_numbers_give_a_swedish_message_naming_the_value(text):
    with pytest.raises(numbers.NumberError) as e:
        numbers.parse_number(text, numbers.MNKR_UNITS)
    assert f"”{text}” är inte ett tal" in str(e.value)
    assert "2,5" in str(e.value)  # an example of what works


def test_empty_and_long_values():
    with pytest.raises(numbers.NumberError, match="tomt"):
        numbers.parse_number("  ")
    with pytest.raises(numbers.NumberError) as e:
        numbers.parse_number("x" * 200)
    assert "…" in str(e.value) and len(str(e.value)) < 120


@pytest.mark.parametrize("value", [2.5, -2.5, 1234.5, 0.0, -0.04, 12.0])
def test_input_text_has_a_decimal_comma_and_reads_back(value):
    text = numbers.input_text(value)
    assert "." not in text and NBSP not in text
    assert numbers.parse_number(text) == pytest.approx(round(value, 1))


def test_money_in_tkr_below_one_mnkr():
    assert numbers.money(0.7) == f"700{NBSP}tkr"
    assert numbers.money(-0.25) == f"\u2212250{NBSP}tkr"
    assert numbers.money(0.9996) == f"1,0{NBSP}mnkr"
    assert numbers.money(12.94) == f"12,9{NBSP}mnkr"
    assert numbers.money(None) == "saknas"
    assert numbers.money_input(0.7) == "700 tkr"
    assert numbers.money_input(4.52) == "4,5"
    assert numbers.parse_number(numbers.money_input(-0.7), numbers.MNKR_UNITS) == -0.7


def test_the_amount_that_reaches_the_target_lands_on_the_rounded_target_level():
    ref = ReferenceCost(kr_per_inhabitant=None, total_mnkr=90.0, derived=False, how="test")
    gap_mnkr = (0.0 - -14.37) / 100 * 90.0  # 12.933: "12,9" would land on −14,3 %
    text = glide.amount_reaching(0.0, ref, -14.37, gap_mnkr)
    assert text == "12,93"
    after = glide.nka_after_cut(0.0, ref, numbers.parse_number(text, numbers.MNKR_UNITS))
    assert fmt.percent(after) == fmt.percent(-14.37)
    # where one decimal is enough it stays short; below the target the amount has no sign
    assert glide.amount_reaching(0.0, ref, -10.0, 9.0) == "9,0"
    assert glide.amount_reaching(0.0, ref, 10.0, -9.0) == "9,0"
    # below 1 mnkr: whole tkr
    assert glide.amount_reaching(0.0, ref, -0.8, 0.72) == "720 tkr"


def test_money_input_with_more_decimals():
    assert numbers.money_input(12.9337) == "12,9"
    assert numbers.money_input(12.9337, 2) == "12,93"
    assert numbers.money_input(0.7354) == "735 tkr"
    assert numbers.money_input(0.7354, 4) == "735,4 tkr"


def test_target_levels_say_why_a_peer_target_has_none():
    row = {"median": 30.1, "mean": 29.1, "q1": 13.1}
    covered = budget.target_levels(
        budget.BaseChoice(2022, 7, 7, True), row, budget.Pooled(31.1, 7, 7, 1.0, 1.0)
    )
    assert covered == {"median": 30.1, "mean": 29.1, "pooled": 31.1, "q1": 13.1, "zero": 0.0}
    few = budget.target_levels(
        budget.BaseChoice(2025, 1, 7, False), row, budget.Pooled(None, 1, 7, 1.0, 1.0)
    )
    assert few["median"] == few["q1"] == few["pooled"] == "för få jämförelsevärden (1 av 7)"
    assert few["zero"] == 0.0


@pytest.mark.parametrize(
    ("points", "text"),
    [(1.94, "1,9 p.e. över"), (-18.93, "18,9 p.e. under"), (0.04, "på målet"), (math.nan, "–")],
)
def test_side_text(points, text):
    assert budget.side_text(points) == text


def test_the_newest_value_is_named_with_the_target_applied_to_it():
    ref = ReferenceCost(5_000.0, 100.0, False, "N30007")
    newest = budget.Newest(2025, 32.3, ref)
    assert newest.text("Bjuv", 2022) == (
        "Bjuvs senaste värde, 2025: 32,3 % — jämförelsen görs för 2022, det senaste år då "
        "tillräckligt många i gruppen har värden."
    ).replace(" %", "\u00a0%")
    assert newest.text("Bjuv", 2022, [2023, 2024, 2025]).endswith("har värden (inte 2023–2025).")
    text = newest.target_text("Bjuv", "median", 13.9, 2022)
    assert "(medianen 2022 var 13,9\u00a0%)" in text
    # 32,3 − 13,9 = 18,4 p.e. of 100 mnkr = 18,4 mnkr
    assert text.startswith("Tillämpat på 2025: Bjuv ligger 18,4 p.e. över medianen")
    assert "minska nettokostnaden med 18,4\u00a0mnkr, räknat på 2025 års referenskostnad" in text
    no_ref = budget.Newest(2025, 32.3, None).target_text("Bjuv", "median", 13.9, 2022)
    assert no_ref.endswith("Kolada saknar referenskostnad för 2025, så inget belopp.")
