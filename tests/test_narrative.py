from benchmark.analytics import Gap, Placement
from benchmark.narrative import Facts, overview_sentences
from tests.markdown_support import render, unsafe_html, visible

BASE = Facts(kommun="Höör", area="individ- och familjeomsorg", year=2024, nka=-20.7972)


def text(**kw):
    return " ".join(overview_sentences(Facts(**{**BASE.__dict__, **kw})))


def test_level_sentence_only_with_the_value():
    out = overview_sentences(BASE)
    assert out == [
        "År 2024 var nettokostnadsavvikelsen för individ- och familjeomsorg i Höör −20,8\u00a0%: "
        "kostnaden låg 20,8\xa0% under den referenskostnad som kommunens struktur motiverar."
    ]


def test_median_and_missing_peers():
    t = text(median=4.4, peers_with_value=6, peers_total=7)
    assert "6 av 7 jämförelsekommuner har värde" in t
    assert "25,2 procentenheter under medianen" in t
    # no peer with a value: the comparison is not made, and the text says why
    assert "Jämförelse med gruppen görs inte för 2024: för få jämförelsevärden (0 av 7)." in text(
        peers_total=7
    )


def test_placement_and_trend():
    peers = dict(median=4.4, peers_with_value=7, peers_total=7)
    t = text(placement=Placement(2, 8, 7, 7), series={2019: -9.3, 2024: -20.8}, **peers)
    assert "plats 2 av 8" in t and "sjunkit med 11,5 procentenheter" in t
    assert "legat i stort sett oförändrad" in text(series={2019: -20.6})
    assert "stigit med" in text(series={2019: -30.0})


def test_preliminary_and_kronor():
    peers = dict(median=4.4, peers_with_value=7, peers_total=7)
    assert "(preliminärt värde)" in text(preliminary=True)
    t = text(gap_to_median=Gap(-25.2, None, -17.6), **peers)
    assert "högre nettokostnad med omkring 17,6\u00a0mnkr år 2024" in t
    assert "mnkr" not in text(gap_to_median=Gap(-25.2, None, None), **peers)


# ---- the report paragraph ----------------------------------------------------------------------
from benchmark.narrative import ReportFacts, report_paragraph  # noqa: E402

R = ReportFacts(
    kommun="Höör",
    area="individ- och familjeomsorg",
    year=2024,
    nka=-20.8,
    series={2022: -2.2, 2023: -9.8, 2024: -20.8},
    first_shown_year=2019,
    group="Liknande kommuner IFO, Höör, 2024 (G36535)",
    median=4.4,
    peers_with_value=7,
    peers_total=7,
    placement=Placement(2, 8, 7, 7),
    gap_to_median=Gap(-25.2, None, -17.6),
    population=25000,
)


def report(**kw):
    return report_paragraph(ReportFacts(**{**R.__dict__, **kw}))


def test_full_report_for_hoor():
    r = report()
    assert r.sentences == [
        "År 2024 var nettokostnadsavvikelsen för individ- och familjeomsorg i Höör −20,8\u00a0%, "
        "det vill säga kostnaden låg 20,8\xa0% under referenskostnaden.",
        "Sedan 2022 har Höörs nettokostnadsavvikelse sjunkit med 18,6 procentenheter, från "
        "−2,2\u00a0% till −20,8\u00a0% 2024.",
        "Medianen i jämförelsegruppen ”Liknande kommuner IFO, Höör, 2024” (G36535) var "
        "4,4\u00a0%; Höör låg 25,2 procentenheter under medianen.",
        "Höör har plats 2 av 8 (plats 1 har lägst kostnadsnivå) bland kommunen och "
        "jämförelsekommunerna med värde.",
        "På medianens nivå hade nettokostnaden varit omkring 17,6\u00a0mnkr högre, räknat på 2024 "
        "års referenskostnad.",
    ]
    assert r.caveats[-1].startswith("Nettokostnadsavvikelsen visar kostnadsläget")
    assert "Att beakta:" in r.text()


def test_trend_rising_falling_flat_and_missing():
    assert (
        "nettokostnadsavvikelse stigit med 10,0"
        in report(series={2022: 0.0, 2024: 10.0}, nka=10.0).text()
    )
    assert "nettokostnadsavvikelse sjunkit" in report().text()
    flat = report(series={2022: -20.5, 2024: -20.8}).text()
    assert "Sedan 2022 har Höörs nettokostnadsavvikelse legat i stort sett oförändrad" in flat
    # values over less than three years: no trend sentence at all
    assert "Sedan" not in report(series={2023: 1.0, 2024: -20.8}).text()


def test_above_below_and_no_median():
    above = report(nka=14.4, gap_to_median=Gap(10.0, 900.0, 15.0)).text()
    assert "10,0 procentenheter över medianen" in above
    assert "nettokostnaden minskar med omkring 15,0\u00a0mnkr (900\u00a0kr/invånare)" in above
    assert "under medianen" in report().text()
    none = report(median=None, peers_with_value=0, gap_to_median=None).text()
    assert "medianen" not in none


def test_caveats_each_exactly_when_it_holds():
    assert report().caveats == [report().caveats[-1]]  # no caveat but the general one
    assert any("saknar värde för 2024" in c for c in report(peers_with_value=5).caveats)
    assert "2 av 7 jämförelsekommuner saknar värde" in report(peers_with_value=5).text()
    assert any("preliminärt" in c for c in report(preliminary=True).caveats)
    assert "(preliminärt)" in report(preliminary=True).sentences[0]
    assert any("ny modell" in c for c in report(first_shown_year=2015).caveats)
    swing = report(series={2022: -2.2, 2023: -9.8, 2024: -20.8}, population=9000)
    assert any("mindre kommun (9\u00a0000 invånare)" in c for c in swing.caveats)
    assert not any("mindre kommun" in c for c in report(population=90000).caveats)
    calm = report(series={2022: -19.0, 2023: -20.0, 2024: -20.8}, population=9000)
    assert not any("mindre kommun" in c for c in calm.caveats)


def test_overview_shows_a_crafted_kommun_name_as_text():
    name = "![x](http://evil.example/x.png) **fet**"
    t = text(kommun=name, median=4.4, peers_with_value=6, peers_total=7,
             placement=Placement(2, 8, 7, 7))  # fmt: skip
    assert unsafe_html(t) == [] and "<strong>" not in render(t)
    assert visible(t).count(name) == 3


# ---- issue 8 §3: words that read the right way -------------------------------------------------
import random  # noqa: E402
import re  # noqa: E402

import pytest  # noqa: E402

from benchmark import fmt  # noqa: E402
from benchmark.analytics import METHOD_BREAK_YEAR  # noqa: E402
from benchmark.narrative import (  # noqa: E402
    TREND_POINTS,
    area_in_sentence,
    genitive,
    group_label,
    peer_count,
    trend_sentence,
)

PEERS = dict(median=4.4, peers_with_value=7, peers_total=7)
VASTERAS = {
    2014: 5.0,
    2015: 9.1,
    2016: 14.2,
    2017: 20.3,
    2018: 26.0,
    2019: 32.0,
    2020: 24.4,
    2021: 17.5,
    2022: 12.0,
}
NUMBER = r"[−-]?\d+(?:\u00a0\d{3})*,\d"


def parse(number: str) -> float:
    return float(number.replace("\u00a0", "").replace("−", "-").replace(",", "."))


def trend(series, who="Höörs"):
    return trend_sentence(series, who)


def test_direction_comes_from_the_values_not_the_word_avvikelse():
    # Höör: −9,3 % → −31,5 %: the figure fell (the deviation grew); say what the figure did
    t = text(year=2025, nka=-31.5, series={2019: -9.3, 2021: -20.0, 2025: -31.5})
    assert "sjunkit med 22,2 procentenheter, från −9,3\u00a0% till −31,5\u00a0% 2025" in t
    assert "kostnaden låg 31,5\xa0% under den referenskostnad" in t  # the sign of the level
    for word in ("minskat", "ökat", "avvikelsen har"):
        assert word not in t
    up = text(year=2025, nka=-9.3, series={2019: -31.5, 2025: -9.3})
    assert "stigit med 22,2 procentenheter, från −31,5\u00a0% till −9,3\u00a0% 2025" in up
    r = report(year=2025, nka=-31.5, series={2019: -9.3, 2022: -20.0, 2025: -31.5}).text()
    assert "nettokostnadsavvikelse sjunkit med 22,2 procentenheter" in r
    assert "minskat" not in r and "ökat" not in r


def test_a_turn_in_the_series_is_named():
    t = trend(VASTERAS, "Västerås")
    assert t.startswith(
        "Sedan 2014 har Västerås nettokostnadsavvikelse först stigit från 5,0\u00a0% till "
        "32,0\u00a0% 2019 och därefter sjunkit till 12,0\u00a0% 2022"
    )
    dip = trend({2019: 10.0, 2020: -5.0, 2021: -9.0, 2022: 3.0})
    assert (
        "först sjunkit från 10,0\u00a0% till −9,0\u00a0% 2021 och därefter stigit till 3,0" in dip
    )
    two = trend({2019: 0.0, 2020: 10.0, 2021: -10.0, 2022: 1.0})
    # turning more than once: the lowest and the highest year are named, and the latest
    assert (
        "gått upp och ned: lägst −10,0\u00a0% 2021 och högst 10,0\u00a0% 2020; 2022 var den "
        "1,0\u00a0%."
    ) in two
    # Höör IFO 2019–2025: the dip to −14,4 % in 2020 is no longer skipped
    hoor = trend(
        {2019: -9.3, 2020: -14.4, 2021: 0.9, 2022: -2.2, 2023: -9.8, 2024: -20.8, 2025: -31.5}
    )
    assert "gått upp och ned: lägst −31,5\u00a0% 2025 och högst 0,9\u00a0% 2021." in hoor
    # the same start and end but a peak between: a turn, never "oförändrad"
    peak = trend({2019: 10.0, 2020: 14.0, 2021: 10.0})
    assert "först stigit" in peak and "oförändrad" not in peak
    # the overview and the report use the whole series, not two endpoints
    assert "32,0\u00a0% 2019" in text(year=2022, nka=12.0, series=VASTERAS)
    assert "32,0\u00a0% 2019" in report(year=2022, nka=12.0, series=VASTERAS).text()


def test_unchanged_only_when_no_year_moves_by_the_threshold():
    flat = trend({2019: 10.0, 2020: 10.2, 2021: 9.8, 2022: 10.1})
    assert "legat i stort sett oförändrad, mellan 9,8\u00a0% och 10,2\u00a0%" in flat
    assert "på 10,0\u00a0%" in trend({2019: 10.0, 2022: 10.04})
    below = TREND_POINTS - 0.1
    assert "oförändrad" in trend({2019: 10.0, 2020: 10.0 + below, 2021: 10.0})
    moved = trend({2019: 10.0, 2020: 10.0 + TREND_POINTS, 2021: 10.0})
    assert "oförändrad" not in moved and "först stigit" in moved
    # ends level, the years between within the threshold of both ends, yet moving: said so
    varied = trend({2019: 10.0, 2020: 10.3, 2021: 9.7, 2022: 10.0})
    assert "varierat mellan 9,7\u00a0% 2021 och 10,3\u00a0% 2020 och var 10,0\u00a0% 2022" in varied
    assert "oförändrad" not in varied


def test_method_break_is_named_in_the_sentence_that_crosses_it():
    note = f"ny modell från {METHOD_BREAK_YEAR}, så åren före är inte direkt jämförbara"
    t = text(year=2022, nka=12.0, series=VASTERAS)
    sentence = next(s for s in re.split(r"(?<=\.) ", t) if s.startswith("Sedan 2014"))
    assert note in sentence
    assert f"– observera att referenskostnaden beräknas med en {note}." in sentence
    assert note not in trend({2019: 1.0, 2022: 5.0})  # all after the break
    assert note not in trend({2014: 1.0, 2018: 5.0})  # all before it
    r = report(year=2022, nka=12.0, series=VASTERAS, first_shown_year=2014)
    assert any(note in s and s.startswith("Sedan 2014") for s in r.sentences)
    assert not any("ny modell" in c for c in r.caveats)  # said once, where it applies


def _numbers(sentence: str) -> list[float]:
    return [parse(n) for n in re.findall(NUMBER, sentence)]


def test_a_printed_difference_is_the_difference_of_the_printed_figures():
    # Vallentuna: 2,5 → −13,3 is 15,8 (2.549 − (−13.251) = 15.80 would print 15,8 only by luck)
    assert "sjunkit med 15,8 procentenheter" in trend({2020: 2.549, 2022: -13.251})
    assert "sjunkit med 15,8 procentenheter" in trend({2020: 2.5, 2022: -13.26})
    rng = random.Random(8)
    for _ in range(3000):
        a, b = rng.uniform(-60, 60), rng.uniform(-60, 60)
        if rng.random() < 0.3:  # values close to a rounding edge
            a = round(a, 1) + rng.choice([0.049, 0.051, -0.049, -0.051])
            b = round(b, 1) + rng.choice([0.049, 0.051, -0.049, -0.051])
        t = trend({2019: a, 2024: b})
        if "med" in t:
            d, start, end = _numbers(t.split(" med ", 1)[1])[:3]
            assert d == pytest.approx(abs(end - start)), t
            assert (start, end) == (parse(fmt.number(a)), parse(fmt.number(b))), t
        m = text(nka=a, **{**PEERS, "median": b})
        level = _numbers(m.split(" var ", 1)[1])[0]
        median = _numbers(m.split("Medianen i jämförelsegruppen var ", 1)[1])[0]
        if "i nivå med medianen" in m:
            assert level == median, m
        else:
            diff = _numbers(m.split(";", 1)[1])[0]
            assert diff == pytest.approx(abs(level - median)), m
            assert ("över medianen" in m) == (level > median), m
        r = report(nka=a, median=b, series={2022: b, 2023: a, 2024: a}).text()
        if " sjunkit med " in r or " stigit med " in r:
            d, start, end = _numbers(re.split(r" (?:sjunkit|stigit) med ", r, maxsplit=1)[1])[:3]
            assert d == pytest.approx(abs(end - start)), r


def test_placement_words_count_from_the_lowest_cost_level():
    first = text(placement=Placement(1, 8, 7, 7), **PEERS)
    assert "plats 1 av 8 (lägst kostnadsnivå)" in first
    last = text(placement=Placement(8, 8, 7, 7), **PEERS)
    assert "plats 8 av 8 (högst kostnadsnivå)" in last
    mid = report(placement=Placement(3, 8, 7, 7)).text()
    assert "plats 3 av 8 (plats 1 har lägst kostnadsnivå)" in mid
    for t in (first, last, mid, report(placement=Placement(1, 8, 7, 7)).text()):
        assert "avvikelse." not in t and "lägst avvikelse" not in t


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Västerås", "Västerås"),
        ("Höör", "Höörs"),
        ("Alvesta", "Alvestas"),
        ("Åre", "Åres"),
        ("Luleå", "Luleås"),
        ("Umeå", "Umeås"),
        ("Hofors", "Hofors"),
        ("Lax", "Lax"),
        ("Katz", "Katz"),
    ],
)
def test_swedish_genitive(name, expected):
    assert genitive(name) == expected
    assert f"har {expected} nettokostnadsavvikelse" in trend({2019: 1.0, 2024: 9.0}, genitive(name))
    assert f"Sedan 2022 har {expected} nettokostnadsavvikelse" in report(kommun=name).text()


def test_area_names_as_kolada_writes_them():
    assert area_in_sentence("LSS") == "LSS"
    assert area_in_sentence("Grundskola F-9") == "grundskola F-9"
    assert area_in_sentence("Individ- och familjeomsorg") == "individ- och familjeomsorg"
    assert area_in_sentence("Totalt (exkl. LSS)") == "totalt (exkl. LSS)"
    assert "nettokostnadsavvikelsen för LSS i Höör" in text(area="LSS")
    assert (
        "nettokostnadsavvikelsen för grundskola F-9 i Höör" in report(area="Grundskola F-9").text()
    )
    for t in (text(area="LSS"), report(area="Totalt (exkl. LSS)").text()):
        assert "lss" not in t and "f-9" not in t


def test_singular_and_plural_of_jamforelsekommun():
    assert peer_count(1) == "1 jämförelsekommun"
    assert peer_count(7) == "7 jämförelsekommuner"
    assert "6 av 7 jämförelsekommuner har värde" in text(**{**PEERS, "peers_with_value": 6})
    for n in range(0, 8):
        for total in range(1, 8):
            t = text(**{**PEERS, "peers_with_value": min(n, total), "peers_total": total})
            r = report(peers_with_value=min(n, total), peers_total=total).text()
            assert " 1 jämförelsekommuner" not in t + r


def _depth(text: str) -> int:
    depth = deepest = 0
    for c in text:
        depth += {"(": 1, ")": -1}.get(c, 0)
        deepest = max(deepest, depth)
    assert depth == 0, text
    return deepest


def test_no_nested_parentheses_and_no_ovagt_medel():
    labels = [
        "Liknande kommuner IFO, Höör, 2024 (G36535, utgåva 2024)",
        "Storstäder (ovägt medel) (G92787, utgåva 2017)",
        "Skåne läns kommuner (ovägt medel) (G33625)",
        "Egen grupp (2 kommuner)",
        "Alla kommuner (289 st.)",
    ]
    assert group_label(labels[1]) == "”Storstäder” (G92787, utgåva 2017)"
    assert group_label("Alla kommuner") == "”Alla kommuner”"
    for label in labels:
        for area in ("Totalt (exkl. LSS)", "LSS"):
            for prel in (False, True):
                kw = dict(area=area, preliminary=prel, placement=Placement(2, 8, 7, 7))
                r = report(group=label, first_shown_year=2015, population=9000, **kw).text()
                t = text(series=VASTERAS, year=2022, nka=12.0, **PEERS, **kw)
                assert _depth(r) <= 1 and _depth(t) <= 1, r + t
                assert "ovägt medel" not in r


def test_no_peer_statistic_without_coverage():
    few = dict(placement=Placement(2, 2, 1, 7), peers_with_value=1, peers_total=7)
    t = text(**{**PEERS, **few}, gap_to_median=Gap(-25.2, None, -17.6))
    r = report(**few)
    sentence = "Jämförelse med gruppen görs inte för 2024: för få jämförelsevärden (1 av 7)."
    for out in (t, r.text()):
        assert sentence in out
        assert "medianen" not in out and "plats" not in out and "mnkr" not in out
    assert not any("saknar värde" in c for c in r.caveats)  # said once, in the sentence
    # the boundary is analytics.covered: at least 3 peers and at least half the group
    assert "görs inte" in report(peers_with_value=3, peers_total=7).text()
    assert "Medianen" in report(peers_with_value=4, peers_total=7).text()
    assert "görs inte" in report(peers_with_value=2, peers_total=3).text()
    assert "Medianen" in report(peers_with_value=3, peers_total=3).text()
    # no median given at all (the page blanks it): still said why
    assert sentence in text(median=None, peers_with_value=1, peers_total=7)


def test_overview_escapes_the_kommun_name_in_the_genitive_too():
    name = "![x](http://evil.example/x.png) **fet**"
    t = text(kommun=name, series={2019: 1.0, 2024: -20.8})
    assert unsafe_html(t) == [] and "<strong>" not in render(t)
    assert f"har {name}s nettokostnadsavvikelse" in visible(t)
