"""The one read path (``benchmark.source``): what was fetched and empty vs never fetched, the
words each gets, and a report that does not depend on what was fetched before it. No network:
a small cache filled by the fake client."""

from __future__ import annotations

from datetime import date

import pytest

import kolada
from benchmark import figures
from benchmark.report import document
from benchmark.source import Source, fetch_missing, known
from benchmark.viewstate import View
from kolada.catalogue import POPULATION, area
from kolada.drivers import trees_for
from kolada.refresh import refresh
from kolada.store import Store
from tests.conftest import FakeClient, load_fixture

TODAY = date(2026, 12, 3)
KOMMUNER = [m["id"] for m in load_fixture("municipality.json")["values"] if m["type"] == "K"]
SERVED = [k for k in KOMMUNER if k != "2031"]  # Kolada answers, but without values for 2031
SPAN = (2019, 2022)


def _filled(root, kpis=None) -> Source:
    refresh(Store(root), FakeClient(munis=SERVED), kpis=kpis)
    return Source(Store(root), today=TODAY)


@pytest.fixture(scope="module")
def only_the_area(tmp_path_factory) -> Source:
    """What the first run of Översikt fetched before this issue: IFO's KPIs and population."""
    return _filled(tmp_path_factory.mktemp("area"), [*area("ifo").kpis, POPULATION])


@pytest.fixture(scope="module")
def everything(tmp_path_factory) -> Source:
    return _filled(tmp_path_factory.mktemp("all"))


def test_fetched_and_never_fetched_are_told_apart(only_the_area: Source):
    tree = trees_for("ifo")[0]
    assert only_the_area.fetched_all(area("ifo").kpis)
    assert only_the_area.unfetched(area("ifo").kpis) == []
    assert only_the_area.unfetched(tree.kpis) == sorted(set(tree.kpis))
    assert not only_the_area.fetched_all([*area("ifo").kpis, tree.kpis[0]])


def test_never_fetched_is_never_said_to_be_koladas_answer(only_the_area: Source):
    tree = trees_for("ifo")[0]
    t = figures.tree_view(only_the_area, View("0561", "ifo"), SPAN, tree)
    assert t.figures.year is None and not t.fetched
    text = t.without_year("Åtvidaberg", SPAN)
    assert "inte hämtade från Kolada ännu" in text
    assert "Kolada har inga värden" not in text
    doc = document.make_document(only_the_area, View("0561", "ifo"), today=TODAY)
    assert "Kolada har inga värden" not in doc.text()
    # each driver tree, and the quality KPIs of Kostnad och kvalitet
    assert doc.text().count("inte hämtade från Kolada ännu") == len(trees_for("ifo")) + 1
    assert "Värdena för kvalitetsmåtten för individ- och familjeomsorg är inte" in doc.text()


def test_fetched_and_empty_is_koladas_answer(everything: Source):
    o = figures.overview_figures(everything, View("2031", "ifo"))
    assert o.o.year is None and o.fetched
    assert o.without_value.startswith("Kolada har inga värden för ")
    tree = figures.tree_view(everything, View("2031", "ifo"), SPAN, trees_for("ifo")[0])
    assert tree.without_year("Hjo", SPAN).startswith("Kolada har inga värden för ")


def test_the_one_policy_for_unknown_ids():
    assert known(["N1", "N2"], ["0561", "9999"], {"N1"}, {"0561"}) == (["N1"], ["0561"])
    assert known(["N2"], None, {"N1"}, {"0561"}) is None  # nothing the cache knows
    assert known(["N1"], ["9999"], {"N1"}, {"0561"}) is None


def test_unknown_ids_are_left_out_of_a_read(everything: Source):
    got = everything.values(["N30001", "N99999"], ["0561", "9999"])
    assert set(got["kpi"]) == {"N30001"} and set(got["municipality"]) == {"0561"}


def test_readings_are_shared_within_a_source(everything: Source):
    first = everything.values(["N30001"], ["0561", "0780"])
    assert everything.values(["N30001"], ["0780", "0561", "0561"]) is first
    view = View("0561", "ifo")
    assert everything.peer_years(view, SPAN).peers is everything.peers(view)


def test_a_report_needs_what_every_part_of_it_reads(tmp_path, monkeypatch, everything: Source):
    """From a cache that holds only the area, fetching what the report needs first gives the
    same document as a cache that holds everything (text of every paragraph and table)."""
    source = _filled(tmp_path, [*area("ifo").kpis, POPULATION])
    real = kolada.refresh
    asked = []

    def fake(store, **options):
        asked.append(options["kpis"])
        return real(store, FakeClient(munis=SERVED), **options)

    monkeypatch.setattr(kolada, "refresh", fake)
    view = View("0561", "ifo")
    needed = document.needed_kpis(view)
    assert set(needed) >= {k for t in trees_for("ifo") for k in t.kpis} | {POPULATION}
    missing = source.unfetched(needed)
    assert missing and fetch_missing(source.store, needed) == missing
    assert asked == [missing]  # only what was missing
    assert fetch_missing(source.store, needed) == []  # nothing more the second time
    after = Source(Store(tmp_path), today=TODAY)
    made = document.make_document(after, view, target="median", today=TODAY)
    full = document.make_document(everything, view, target="median", today=TODAY)
    assert _without_fetch_times(made.text()) == _without_fetch_times(full.text())


def test_read_only_never_fetches(tmp_path, monkeypatch):
    source = _filled(tmp_path, [*area("ifo").kpis, POPULATION])
    monkeypatch.setenv("KOLADA_READ_ONLY", "1")
    monkeypatch.setattr(kolada, "refresh", lambda *a, **k: pytest.fail("fetched"))
    assert fetch_missing(source.store, document.needed_kpis(View("0561", "ifo"))) == []


def _without_fetch_times(text: str) -> str:
    """The appendix says when each KPI was fetched: that differs by design."""
    import re

    return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "<tid>", text)


def test_the_report_command_fetches_what_it_lacks_or_says_so(tmp_path, monkeypatch, capsys):
    from benchmark import cli

    _filled(tmp_path, [*area("ifo").kpis, POPULATION])
    out = tmp_path / "r.docx"
    args = ["report", "--cache-dir", str(tmp_path), "--kommun", "0561", "--quiet"]
    monkeypatch.setenv("KOLADA_READ_ONLY", "1")  # a job beside read-only replicas
    assert cli.main([*args, "--out", str(out)]) == 0
    assert not Source(Store(tmp_path)).fetched_all(trees_for("ifo")[0].kpis)
    monkeypatch.delenv("KOLADA_READ_ONLY")
    real = kolada.refresh
    monkeypatch.setattr(
        kolada, "refresh", lambda store, **o: real(store, FakeClient(munis=SERVED), **o)
    )
    assert cli.main([*args, "--out", str(out)]) == 0
    assert Source(Store(tmp_path)).fetched_all(document.needed_kpis(View("0561", "ifo")))
    monkeypatch.setattr(kolada, "refresh", lambda *a, **o: (_ for _ in ()).throw(OSError(30, "ro")))
    assert cli.main([*args, "--out", str(out), "--omrade", "lss"]) == 0  # written all the same
    assert "Kunde inte hämta allt från Kolada" in capsys.readouterr().err
