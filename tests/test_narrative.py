from analytics import Gap, Placement
from narrative import Facts, overview_sentences

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
