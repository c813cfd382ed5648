"""refresh() with a fake client: planning, incremental runs, failure atomicity. No network."""

import threading
from datetime import UTC, datetime, timedelta

import pytest

from kolada.catalogue import catalogue_kpis
from kolada.errors import BadInput
from kolada.refresh import RefreshFailed, refresh
from kolada.store import Store
from tests.conftest import FakeClient, digest

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def run(tmp_path, client, **kw):
    kw.setdefault("now", NOW)
    return refresh(Store(tmp_path), client, **kw)


def test_first_refresh_fetches_metadata_and_every_catalogue_kpi(tmp_path, fake_client):
    result = run(tmp_path, fake_client)
    kinds = [c[0] for c in fake_client.calls]
    assert kinds.count("kpis") == 1 and kinds.count("municipalities") == 1
    assert kinds.count("groups") == 1
    value_calls = [c for c in fake_client.calls if c[0] == "values"]
    n = len(catalogue_kpis())
    chunks = [25] * (n // 25) + ([n % 25] if n % 25 else [])
    assert [len(c[1]) for c in value_calls] == chunks  # ≤25 KPIs per request path
    assert all(c[2] is None for c in value_calls)  # full fetch, no from_date
    assert sorted(result.fetched_kpis) == catalogue_kpis()
    assert result.written == ["groups", "kpis", "municipalities", "values"]
    years = 2026 - 2010 + 1
    assert result.rows == n * 3 * years
    assert result.requests == fake_client.requests_sent
    store = Store(tmp_path)
    values = store.values()
    assert len(values) == n * 3 * years
    assert values["period"].min() == 2010 and values["period"].max() == 2026
    meta = store.meta("values")
    assert meta["fetched_at"] == "2026-11-22T12:00:00+00:00"
    assert meta["base_url"] == FakeClient.base_url
    assert meta["rows"] == len(values)
    assert meta["kpis"]["N30001"] == {
        "fetched_at": "2026-11-22T12:00:00+00:00", "from_year": 2010, "to_year": 2026,
    }  # fmt: skip
    assert store.meta("groups")["groups"] == 7
    assert "Klart: " in result.summary() and f"{result.requests} anrop" in result.summary()


def test_second_refresh_within_ttl_sends_nothing_and_writes_nothing(tmp_path, fake_client):
    run(tmp_path, fake_client)
    before = digest(tmp_path)
    fake_client.calls.clear()
    result = run(tmp_path, fake_client, now=NOW + timedelta(hours=1))
    assert fake_client.calls == [] and result.requests == 0
    assert len(result.fresh_kpis) == len(catalogue_kpis()) and result.written == []
    assert digest(tmp_path) == before


def test_stale_refresh_asks_only_for_changes_since_last_fetch(tmp_path, fake_client):
    run(tmp_path, fake_client)
    fake_client.calls.clear()
    fake_client.offset = 0.5  # Kolada revised every value
    fake_client.deleted = {("N30001", "0561", 2020)}
    result = run(tmp_path, fake_client, now=NOW + timedelta(days=2))
    value_calls = [c for c in fake_client.calls if c[0] == "values"]
    assert {c[2] for c in value_calls} == {"2026-11-20"}  # from_date = last fetch - overlap
    years = 17
    assert result.changes.changed == len(catalogue_kpis()) * 3 * years - 1
    assert result.changes.removed == 1
    values = Store(tmp_path).values(kpis=["N30001"], municipalities=["0561"])
    assert 2020 not in set(values["period"])


def test_ttl_and_full_are_honoured(tmp_path, fake_client):
    run(tmp_path, fake_client)
    fake_client.calls.clear()
    run(tmp_path, fake_client, ttl=timedelta(0))
    assert {c[2] for c in fake_client.calls if c[0] == "values"} == {"2026-11-20"}
    fake_client.calls.clear()
    run(tmp_path, fake_client, full=True)
    assert {c[2] for c in fake_client.calls if c[0] == "values"} == {None}


def test_wider_year_range_refetches_in_full(tmp_path, fake_client):
    run(tmp_path, fake_client, kpis=["N30001"], from_year=2018)
    fake_client.calls.clear()
    run(tmp_path, fake_client, kpis=["N30001"], from_year=2015, now=NOW + timedelta(hours=1))
    assert [c for c in fake_client.calls if c[0] == "values"] == [("values", ("N30001",), None)]
    assert Store(tmp_path).values()["period"].min() == 2015


def test_failed_refresh_leaves_cache_byte_identical(tmp_path, fake_client):
    run(tmp_path, fake_client, kpis=["N30001", "N30026"])
    before = digest(tmp_path)
    fake_client.fail_on = "values"
    with pytest.raises(RefreshFailed, match="oförändrad") as err:
        run(tmp_path, fake_client, full=True)
    assert "värden" in str(err.value) and err.value.url.endswith("/values")
    assert digest(tmp_path) == before
    last = Store(tmp_path).last_refresh()
    assert last["ok"] is False and "oförändrad" in last["message"]
    run(tmp_path, FakeClient(), kpis=["N30001"])
    assert Store(tmp_path).last_refresh()["ok"] is True


def test_failed_first_refresh_writes_nothing(tmp_path, fake_client):
    fake_client.fail_on = "groups"
    with pytest.raises(RefreshFailed, match="kommungrupper"):
        run(tmp_path, fake_client)
    assert digest(tmp_path) == {}


def test_unknown_kpi_is_named_before_any_data_request(tmp_path, fake_client):
    with pytest.raises(BadInput, match="N99999"):
        run(tmp_path, fake_client, kpis=["N30001", "N99999"])
    assert [c[0] for c in fake_client.calls] == ["kpis"]
    assert digest(tmp_path) == {}


def test_only_unknown_kpis_are_named_not_called_an_empty_listing(tmp_path, fake_client):
    """`refresh --kpi N99999` on an empty cache: Kolada lists nothing for it, and the message
    names the id instead of "Kolada skickade en tom lista med nyckeltal"."""
    with pytest.raises(BadInput, match=r"Okänt nyckeltal i Kolada: N99999\."):
        run(tmp_path, fake_client, kpis=["N99999"])
    assert [c[0] for c in fake_client.calls] == ["kpis"]
    assert digest(tmp_path) == {}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kpis": ["../x"]}, "'../x'"),
        ({"kpis": []}, "Tom lista"),
        ({"from_year": 1800}, "1800"),
        ({"from_year": 2020, "to_year": 2019}, "2020"),
        ({"to_year": 2099}, "2099"),
        ({"ttl": timedelta(hours=-1)}, "TTL"),
    ],
)
def test_bad_arguments_before_any_request(tmp_path, fake_client, kwargs, message):
    with pytest.raises(BadInput, match=message):
        run(tmp_path, fake_client, **kwargs)
    assert fake_client.calls == []


def test_progress_is_reported_on_the_calling_thread(tmp_path, fake_client):
    seen = []
    caller = threading.current_thread().name
    run(tmp_path, fake_client, progress=lambda p: seen.append((threading.current_thread().name, p)))
    assert {name for name, _ in seen} == {caller}
    steps = [p for _, p in seen]
    chunks = -(-len(catalogue_kpis()) // 25)  # ≤25 KPIs per value request path
    assert steps[-1].step == steps[-1].total == 3 + chunks  # 3 metadata + the value chunks
    assert steps[-1].message.startswith("Klart:")
    assert any("sida" in p.message for p in steps)
    assert [p.step for p in steps] == sorted(p.step for p in steps)
    assert len(fake_client.threads - {caller}) >= 1  # the fetching ran on worker threads


def test_group_snapshots_accumulate_across_refreshes(tmp_path, fake_client):
    run(tmp_path, fake_client)
    run(tmp_path, fake_client, now=NOW + timedelta(days=3))
    groups = Store(tmp_path).read("groups").frame
    atv = groups[groups["group_id"] == "G36722"]
    assert set(atv["first_seen"]) == {"2026-11-22T12:00:00+00:00"}
    assert set(atv["last_seen"]) == {"2026-11-25T12:00:00+00:00"}
