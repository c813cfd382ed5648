"""Two editions of every RKA group in the cache (a refresh from a mirror serving the 2022
editions, then from a default one): with "utgåva per år" every figure of a year uses that
year's edition — Kostnadsdrivare's table, its over-time tables, Översikt's text and member list;
with one edition for all years the note says that earlier years are a back-cast and offers
the gap with the earlier edition."""

from __future__ import annotations

import statistics

import pytest

from kolada.store import Store
from tests.conftest import copy_cache, open_expanders, run_app
from tests.integration.test_drivers_page import NBSP, plain, raw, row, sv

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("apptest_env")]
GROUP = "G36722"  # Liknande kommuner IFO, Åtvidaberg


@pytest.fixture(scope="module")
def two_editions(mirror_factory, tmp_path_factory):
    root = tmp_path_factory.mktemp("two-editions")
    old = mirror_factory("--groups", "2024-04")
    with old.client(max_rps=50) as client:
        from kolada.refresh import refresh

        refresh(Store(root), client)
    new = mirror_factory()
    with new.client(max_rps=50) as client:
        refresh(Store(root), client, full=True)
    return root


@pytest.fixture
def cache(two_editions, tmp_path, monkeypatch):
    path = copy_cache(two_editions, tmp_path / "cache")
    monkeypatch.setenv("KOLADA_CACHE_DIR", str(path))
    monkeypatch.setenv("KOLADA_READ_ONLY", "1")
    return path


def _members(cache, year: int) -> list[str]:
    groups = Store(cache).read_all()["groups"].frame
    from benchmark.editions import edition_for_year, editions

    held = editions(groups, GROUP)
    assert [e.year for e in held] == [2022, 2024]
    return sorted(edition_for_year(held, year).member_ids - {"0561"})


def test_kostnadsdrivare_per_year_uses_the_2022_edition(cache):
    at = open_expanders(
        run_app("app_pages/kostnadsdrivare.py", kommun="0561", omrade="ifo", utgava="per-ar")
    )
    assert not at.exception, at.exception
    old, new = _members(cache, 2022), _members(cache, 2024)
    assert not set(old) & set(new)  # Åtvidaberg's 2022 edition shares no member with 2024's
    table = next(d.value for d in at.table if "Nyckeltal" in d.value.columns)
    median_2022 = statistics.median(raw(cache, "N33001", p, 2022) for p in old)
    median_2024 = statistics.median(raw(cache, "N33001", p, 2022) for p in new)
    shown = row(table, "Kostnad barn och ungdomsvård")["Median"]
    assert shown == f"{sv(median_2022, 0)}{NBSP}kr" and shown != f"{sv(median_2024, 0)}{NBSP}kr"
    over_time = [d.value for d in at.dataframe if "År" in d.value.columns]
    assert len(over_time) == 15 and all(len(t) > 0 for t in over_time)


def test_oversikt_per_year_names_the_edition_of_its_year(cache):
    at = open_expanders(run_app(None, kommun="0561", omrade="ifo", utgava="per-ar"))
    assert not at.exception, at.exception
    old = _members(cache, 2022)
    median = statistics.median(raw(cache, "N30001", p, 2022) for p in old)
    text = " ".join(plain(m.value) for m in at.markdown)
    assert (
        f"Medianen i jämförelsegruppen (utgåva 2022, som gällde 2022) var {sv(median, 1)}{NBSP}%"
        in text
    )
    report = " ".join(c.value for c in at.code)
    assert "(G36722, utgåva 2022, som gällde 2022) var" in report
    (members,) = [d.value for d in at.dataframe if "Kommun" in d.value.columns]
    names = dict(Store(cache).read_all()["municipalities"].frame[["id", "title"]].values)
    assert sorted(members["Kommun"]) == sorted(names[m] for m in old)


def test_one_edition_says_back_cast_and_offers_the_earlier_editions_gap(cache):
    at = run_app(None, kommun="0561", omrade="ifo")
    assert not at.exception, at.exception
    captions = " ".join(plain(c.value) for c in at.caption)
    assert "Åren före 2024 jämförs alltså med dagens medlemmar – en bakåtskattning" in captions
    old = _members(cache, 2022)
    median = statistics.median(raw(cache, "N30001", p, 2022) for p in old)
    gap = round(raw(cache, "N30001", "0561", 2022), 1) - round(median, 1)
    assert (
        f"Med utgåva 2022, som gällde 2022, var medianen {sv(median, 1)}{NBSP}% och Åtvidaberg "
        f"låg {sv(gap, 1)} procentenheter över den."
    ) in captions
