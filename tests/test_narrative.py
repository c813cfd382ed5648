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
        "kostnaden låg 20,8 % under den referenskostnad som kommunens struktur motiverar."
    ]


def test_median_and_missing_peers():
    t = text(median=4.4, peers_with_value=6, peers_total=7)
    assert "6 av 7 jämförelsekommuner har värde" in t
    assert "25,2 procentenheter under medianen" in t
    assert "Ingen av jämförelsekommunerna" in text(peers_total=7)


def test_placement_and_trend():
    t = text(placement=Placement(2, 8, 7, 7), first_year=2019, first_nka=-9.3)
    assert "plats 2 av 8" in t and "minskat med 11,5 procentenheter" in t
    assert "legat i stort sett oförändrad" in text(first_year=2019, first_nka=-20.6)
    assert "ökat" in text(first_year=2019, first_nka=-30.0)


def test_preliminary_and_kronor():
    assert "(preliminärt värde)" in text(preliminary=True)
    t = text(gap_to_median=Gap(-25.2, None, -17.6))
    assert "högre nettokostnad med omkring 17,6\u00a0mnkr år 2024" in t
    assert "mnkr" not in text(gap_to_median=Gap(-25.2, None, None))


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
        "det vill säga kostnaden låg 20,8 % under referenskostnaden.",
        "Avvikelsen har minskat med 18,6 procentenheter de senaste tre åren "
        "(från −2,2\u00a0% 2022).",
        "Det är 25,2 procentenheter under medianen i jämförelsegruppen (Liknande kommuner IFO, "
        "Höör, 2024 (G36535)), som var 4,4\u00a0%.",
        "Höör har plats 2 av 8 bland kommunen och jämförelsekommunerna med värde, räknat från "
        "lägst avvikelse.",
        "På medianens nivå hade nettokostnaden varit omkring 17,6\u00a0mnkr högre, räknat på 2024 "
        "års referenskostnad.",
    ]
    assert r.caveats[-1].startswith("Nettokostnadsavvikelsen visar kostnadsläget")
    assert "Att beakta:" in r.text()


def test_trend_rising_falling_flat_and_missing():
    assert "har ökat med 10,0" in report(series={2022: 0.0, 2024: 10.0}, nka=10.0).text()
    assert "har minskat" in report().text()
    flat = report(series={2022: -20.5, 2024: -20.8}).text()
    assert "i stort sett oförändrad de senaste tre åren (2022–2024)" in flat
    assert "senaste tre åren" not in report(series={2023: 1.0, 2024: -20.8}).text()


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
