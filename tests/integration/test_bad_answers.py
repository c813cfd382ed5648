"""The real client and refresh against a fake Kolada on loopback that answers HTTP 200 with
plausible but wrong bodies: the cache stays byte-identical (or the outcome is exactly right), no
request reaches another server, and the time stays under its bound."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kolada.client import MAX_PAGES, MUNICIPALITIES_MAX, KoladaClient, most_rows
from kolada.errors import KoladaError
from kolada.refresh import RefreshFailed, refresh
from kolada.store import Store
from tests.conftest import digest
from tests.fake_kolada import INJECTED, KOMMUNER, KPIS, YEARS, FakeKolada

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def other():
    """Another server on another loopback port: nothing may ever reach it."""
    with FakeKolada() as server:
        yield server


@pytest.fixture
def kolada(other):
    with FakeKolada(other_port=other.port) as server:
        yield server


def run(root: Path, kolada: FakeKolada, **kw) -> object:
    client_kw = kw.pop("client_kw", {})
    with KoladaClient(kolada.base_url, max_rps=0, **client_kw) as client:
        return refresh(Store(root), client, kpis=KPIS, from_year=YEARS[0], to_year=YEARS[-1], **kw)


@pytest.fixture
def cached(tmp_path, kolada) -> Path:
    """A cache filled from the fake Kolada while it answered correctly."""
    root = tmp_path / "cache"
    result = run(root, kolada)
    assert result.rows == len(KPIS) * len(KOMMUNER) * len(YEARS)
    return root


BAD_ANSWERS = [
    ("empty_page", "N30001: 0 kommun-år från Kolada mot 20 i cachen"),
    ("half", "N30001: 10 kommun-år från Kolada mot 20 i cachen"),
    ("count_lie", "angav 40 rader men skickade 13"),
    ("null_kpi", "nyckeltal som inte efterfrågades: None"),
    ("foreign_kpi", "nyckeltal som inte efterfrågades: 'N99999'"),
    ("bad_value", "värdet är inte ett tal: '12,5'"),
    ("bad_year", "år utanför det efterfrågade: 1850"),
    ("empty_municipalities", "tom lista med kommuner"),
    ("next_other_port", "annan server"),
    ("redirect_other_port", "annan server"),
    ("next_backslash", "annan server"),
]


@pytest.mark.parametrize(("scenario", "message"), BAD_ANSWERS)
def test_bad_answer_leaves_the_cache_byte_identical(cached, kolada, other, scenario, message):
    before = digest(cached)
    last_before = Store(cached).last_refresh()
    kolada.scenario = scenario
    start = time.monotonic()
    with pytest.raises(RefreshFailed) as failure:
        run(cached, kolada, full=True)
    seconds = time.monotonic() - start
    text = str(failure.value)
    assert message in text
    assert "oförändrad" in text and "\n" not in text
    assert digest(cached) == before
    assert other.paths == []  # nothing reached the other port
    assert seconds < 10
    last = Store(cached).last_refresh()
    assert last["ok"] is False and message in last["message"] and last != last_before


def test_another_port_is_named_with_the_page_that_pointed_there(cached, kolada, other):
    kolada.scenario = "next_other_port"
    with pytest.raises(RefreshFailed) as failure:
        run(cached, kolada, full=True)
    text = str(failure.value)
    assert f"127.0.0.1:{other.port}" in text and f"127.0.0.1:{kolada.port}" in text


def test_accept_shrink_commits_and_says_what_it_removes(cached, kolada):
    kolada.scenario = "half"
    result = run(cached, kolada, full=True, accept_shrink=True)
    assert "borttaget enligt --accept-shrink" in result.summary()
    assert "N30001: 10 kommun-år från Kolada mot 20 i cachen (10 skulle tas bort)" in (
        result.summary()
    )
    values = Store(cached).values()
    assert set(values["municipality"]) == {"0561", "0780"}


def test_first_refresh_with_empty_pages_writes_nothing(tmp_path, kolada):
    kolada.scenario = "empty_page"
    with pytest.raises(RefreshFailed, match="inga värden alls"):
        run(tmp_path, kolada)
    assert not Store(tmp_path).read_all()


def test_same_host_redirect_and_paging_are_followed(tmp_path, kolada, other):
    kolada.scenario = "redirect_same"
    run(tmp_path / "a", kolada)
    kolada.scenario = "paged"
    run(tmp_path / "b", kolada)
    a, b = Store(tmp_path / "a").values(), Store(tmp_path / "b").values()
    assert len(a) == len(b) == len(KPIS) * len(KOMMUNER) * len(YEARS)
    assert other.paths == []


def test_endless_next_url_ends_within_a_few_requests(kolada):
    """Empty pages that point further forever: three requests, not 1 356 before the deadline."""
    kolada.scenario = "endless_next"
    start = time.monotonic()
    with KoladaClient(kolada.base_url, max_rps=0) as client:
        with pytest.raises(KoladaError, match="3 tomma sidor i rad"):
            client.fetch_values(KPIS, None, YEARS)
        assert client.requests_sent == 3
    assert time.monotonic() - start < 10


def test_endless_full_pages_end_when_the_query_cannot_hold_more_rows(kolada):
    """Full pages that point further forever: stopped when the rows exceed what the query can
    hold (KPIs × every municipality × years), long before the page cap or the deadline."""
    kolada.scenario = "endless_full"
    per_page = len(KPIS) * len(KOMMUNER) * len(YEARS)  # the fake sends every row on each page
    most = most_rows({"kpi": KPIS, "year": [str(y) for y in YEARS]})
    assert most == len(KPIS) * MUNICIPALITIES_MAX * len(YEARS)
    with KoladaClient(kolada.base_url, max_rps=0) as client:
        with pytest.raises(KoladaError, match=f"fler än {most} rader"):
            client.fetch_values(KPIS, None, YEARS)
        assert client.requests_sent == most // per_page + 1 < MAX_PAGES
    print(f"endless full pages: {client.requests_sent} requests (cap {MAX_PAGES})")


def test_a_failed_part_cuts_the_hung_one_at_once(cached, kolada):
    """One listing fails while another hangs: the refresh fails at once, not when the hung
    request reaches its own deadline (here 30 s)."""
    before = digest(cached)
    kolada.scenario = "fail_while_hung"
    start = time.monotonic()
    with pytest.raises(RefreshFailed, match="kommuner"):
        run(cached, kolada, full=True, client_kw={"request_deadline": 30})
    seconds = time.monotonic() - start
    assert seconds < 5, seconds
    assert digest(cached) == before


@pytest.mark.parametrize("scenario", ["drip", "header_drip", "retry_after"])
def test_a_slow_answer_ends_at_the_request_deadline(cached, kolada, scenario):
    """A body or headers dripped byte by byte, or a 'Retry-After: 50': cut at 2 s, not at each
    byte's read timeout nor after the asked-for pause."""
    before = digest(cached)
    kolada.scenario = scenario
    start = time.monotonic()
    with pytest.raises(RefreshFailed, match="inte färdigt inom 2 s"):
        run(cached, kolada, full=True, client_kw={"request_deadline": 2})
    assert time.monotonic() - start < 6
    assert digest(cached) == before


def test_refresh_deadline_bounds_a_hung_kolada(cached, kolada):
    before = digest(cached)
    kolada.scenario = "hang"
    start = time.monotonic()
    with pytest.raises(RefreshFailed, match=r"Tidsgränsen för uppdateringen \(2 s\)"):
        run(cached, kolada, full=True, deadline=2)
    assert time.monotonic() - start < 6
    assert digest(cached) == before


def test_oversized_body_is_refused(cached, kolada):
    before = digest(cached)
    kolada.scenario = "oversized"
    with pytest.raises(RefreshFailed, match="större än 1 MB"):
        run(cached, kolada, full=True, client_kw={"max_body_bytes": 2**20})
    assert digest(cached) == before


def test_injected_titles_are_stored_exactly_as_sent(tmp_path, kolada):
    kolada.scenario = "titles"
    run(tmp_path, kolada)
    data = Store(tmp_path).read_all()
    frame = data["municipalities"].frame
    titles = dict(zip(frame["id"], frame["title"], strict=True))
    assert titles["1266"] == INJECTED["kommun"]
    assert set(data["groups"].frame["title"]) == {INJECTED["group"]}
    assert set(data["kpis"].frame["title"]) == {f"{INJECTED['kpi']} {k}" for k in KPIS}


def test_app_first_run_gives_up_on_a_hung_kolada(tmp_path, kolada, monkeypatch):
    """Empty cache, Kolada accepts connections but never answers: the first-run fetch stops at
    its deadline and the page says so in Swedish."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from ui import fetch

    kolada.scenario = "hang"
    monkeypatch.setenv("KOLADA_BASE_URL", kolada.base_url)
    monkeypatch.setenv("KOLADA_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(fetch, "FETCH_DEADLINE", 2.0)
    st.cache_data.clear()
    st.cache_resource.clear()
    start = time.monotonic()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    seconds = time.monotonic() - start
    assert not at.exception, at.exception
    text = "\n".join(e.value for e in (*at.error, *at.caption)).replace("\\", "")  # unescaped
    assert "Det finns ingen sparad data ännu, och Kolada gick inte att nå" in text
    assert "Tidsgränsen för uppdateringen (2 s) överskreds" in text
    assert seconds < 10
    assert not Store(tmp_path).read_all()
