"""The real client over HTTP against the recorded-data mirror: paging, chunking, genders, nulls,
groups, faults, rate limits and concurrent refreshes."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from benchmark.peers import find_peer_group
from kolada.catalogue import catalogue_kpis, missing_kpis
from kolada.client import KoladaClient
from kolada.errors import KoladaError
from kolada.frames import tidy_groups, tidy_kpis, tidy_values, totals
from kolada.refresh import RefreshFailed, refresh
from kolada.store import ENTITIES, Store
from tests.conftest import digest
from tests.integration.conftest import copy_cache
from tests.integration.faults import FAULTS, comparable, fault_run

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
MUNIS_30 = [
    "0114", "0115", "0117", "0120", "0123", "0125", "0126", "0127", "0128", "0136",
    "0138", "0139", "0140", "0160", "0162", "0163", "0180", "0181", "0182", "0183",
    "0184", "0186", "0187", "0188", "0191", "0192", "0305", "0319", "0330", "0331",
]  # fmt: skip


def assert_same_data(a: Path, b: Path) -> None:
    left, right = comparable(a), comparable(b)
    assert sorted(left) == sorted(right)
    for entity in left:
        pd.testing.assert_frame_equal(left[entity], right[entity], obj=entity)


def test_paging_with_small_pages_gives_the_same_rows(mirror, mirror_factory):
    small = mirror_factory("--max-per-page", "50")
    args = (["N30001", "N30026"], MUNIS_30, range(2015, 2023))
    with small.client(max_rps=0) as paged, mirror.client(max_rps=0) as whole:
        rows_paged = paged.fetch_values(*args)
        rows_whole = whole.fetch_values(*args)
        assert whole.requests_sent == 2  # 30 ids → 25 + 5, one page each
        expected_pages = math.ceil(2 * 25 * 8 / 50) + math.ceil(2 * 5 * 8 / 50)
        assert paged.requests_sent >= expected_pages - 2  # a few kommun-years have no row
        assert small.stats()["requests"] == paged.requests_sent
    assert len(rows_paged) == len(rows_whole) > 400
    pd.testing.assert_frame_equal(tidy_values(rows_paged), tidy_values(rows_whole))


def test_more_than_25_ids_are_chunked(mirror):
    with mirror.client(max_rps=0) as client:
        rows = client.fetch_values(["N30001"], MUNIS_30 + ["0561", "0780"], [2020])
    assert {r["municipality"] for r in rows} == set(MUNIS_30) | {"0561", "0780"}


def test_422_from_a_stricter_server_is_split_further(mirror, mirror_factory):
    strict = mirror_factory("--max-ids", "10")
    with strict.client(max_rps=0) as client, mirror.client(max_rps=0) as normal:
        rows = client.fetch_values(["N30001"], MUNIS_30, [2019, 2020])
        assert strict.stats().get("status_422", 0) >= 1
        expected = normal.fetch_values(["N30001"], MUNIS_30, [2019, 2020])
    pd.testing.assert_frame_equal(tidy_values(rows), tidy_values(expected))


def test_gender_rows_come_before_the_total(mirror):
    with mirror.client(max_rps=0) as client:
        rows = client.fetch_values(["N01951"], ["0561"], [2020])
    assert [v["gender"] for v in rows[0]["values"]] == ["K", "M", "T"]
    frame = tidy_values(rows)
    pop = totals(frame)["value"].tolist()
    assert pop == [11427.0]
    assert frame.loc[frame["gender"] != "T", "value"].sum() == pop[0]


def test_null_value_for_vaxjo_2017(mirror):
    with mirror.client(max_rps=0) as client:
        frame = tidy_values(client.fetch_values(["N30001"], ["0780"], [2016, 2017, 2018]))
    by_year = frame.set_index("period")["value"]
    assert math.isnan(by_year[2017])
    assert not math.isnan(by_year[2016]) and not math.isnan(by_year[2018])


def test_group_id_as_municipality_is_the_unweighted_member_mean(mirror):
    with mirror.client(max_rps=0) as client:
        (group,) = client.fetch_groups(["G36722"])
        members = [m["member_id"] for m in group["members"]]
        frame = tidy_values(client.fetch_values(["N30001"], ["G36722", *members], [2020]))
    values = frame.set_index("municipality")
    member_values = values.loc[members, "value"]
    assert values.loc["G36722", "count"] == member_values.notna().sum() == 7
    assert values.loc["G36722", "value"] == pytest.approx(member_values.mean(), abs=1e-5)


def test_atvidaberg_ifo_peer_group(mirror, reference_cache):
    data = Store(reference_cache).read_all()
    group = find_peer_group(data["groups"].frame, data["municipalities"].frame, "0561", "ifo")
    assert group.id == "G36722"
    assert group.title == "Liknande kommuner IFO, Åtvidaberg, 2024"
    assert group.edition_year == 2024
    assert dict(group.members) == {
        "1266": "Hörby", "1435": "Tanum", "1466": "Herrljunga", "1763": "Forshaga",
        "1907": "Surahammar", "2023": "Malung-Sälen", "2031": "Rättvik",
    }  # fmt: skip
    with mirror.client(max_rps=0) as client:
        titles = tidy_groups(client.fetch_groups(title="Åtvidaberg"))
    assert "G36722" in set(titles["group_id"])


def test_catalogue_ids_exist_in_the_api_catalogue(mirror, reference_cache):
    with mirror.client(max_rps=0) as client:
        kpis = tidy_kpis(client.fetch_kpis(catalogue_kpis()))
    assert missing_kpis(catalogue_kpis(), kpis) == []
    values = Store(reference_cache).values()
    without_data = sorted(set(catalogue_kpis()) - set(values["kpi"]))
    assert "N30007" in without_data  # referenskostnad IFO: in the catalogue, no recorded values


def test_reference_refresh_holds_kolada_values(reference_cache):
    store = Store(reference_cache)
    values = totals(store.values(kpis=["N30001"], municipalities=["1267", "0561"]))
    by_key = values.set_index(["municipality", "period"])["value"]
    assert by_key[("1267", 2024)] == -20.7972
    assert by_key[("0561", 2020)] == 44.9338
    assert len(set(store.values()["municipality"])) >= 290
    meta = store.meta("values")
    assert meta["requests"] >= 2 and meta["rows"] == len(store.values())


def test_v2_is_gone(mirror):
    with pytest.raises(KoladaError, match="HTTP 410"):
        KoladaClient(mirror.root + "/v2", max_rps=0).fetch_municipalities()


@pytest.mark.parametrize("seed", range(1, 21))
def test_faults_finish_with_clean_data_or_leave_old_cache(
    seed, mirror, mirror_factory, reference_cache, tmp_path
):
    """20 seeds (50 in bench/fault_runs.py): never a silent loss."""
    faulty = mirror_factory(*FAULTS, "--seed", str(seed))
    try:
        outcome = fault_run(mirror, faulty, reference_cache, tmp_path / "cache")
    finally:
        faulty.stop()
    print(f"seed {seed}: {outcome}")
    assert outcome.kind in ("finished", "failed cleanly"), outcome
    if outcome.kind == "finished":
        clean = sum(Store(reference_cache).meta(e)["requests"] for e in ENTITIES)
        assert outcome.requests > clean  # the faults cost retries


def test_rate_limit_is_respected(mirror_factory, reference_cache, tmp_path):
    limited = mirror_factory("--rate-limit", "5")
    with limited.client() as client:  # default politeness: ≤ ~5 requests per second
        result = refresh(Store(tmp_path), client)
    stats = limited.stats()
    print(f"rate limit 5/s: {result.requests} requests, {result.seconds:.1f} s, mirror {stats}")
    assert stats.get("status_429", 0) <= 3, stats
    assert stats["requests"] == result.requests  # every request we sent, 429s included
    assert_same_data(tmp_path, reference_cache)


def test_incremental_refresh_picks_up_revisions(mirror_factory, reference_cache, tmp_path):
    revised = mirror_factory("--revise", "400", "--seed", "7")
    cache = copy_cache(reference_cache, tmp_path / "cache")
    with revised.client(max_rps=0) as client:
        result = refresh(Store(cache), client, ttl=pd.Timedelta(0).to_pytimedelta())
        assert result.changes.changed > 0
        assert result.rows < 2000  # only the changed values travelled
        full = refresh(Store(tmp_path / "full"), client)
    assert full.changes.added > result.rows
    assert_same_data(cache, tmp_path / "full")


def test_two_refreshes_started_at_once(mirror, reference_cache, tmp_path):
    env = {**os.environ, "KOLADA_BASE_URL": mirror.base_url, "KOLADA_CACHE_DIR": str(tmp_path)}
    mirror.reset()
    cmd = [sys.executable, "-m", "kolada", "refresh", "--quiet"]
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    lines = sorted(out.decode().strip() for out, _ in outs)
    fetched = [line for line in lines if f"{len(catalogue_kpis())} nyckeltal hämtade" in line]
    assert len(fetched) == 1, lines
    assert any(line.startswith("Klart: 0 anrop") for line in lines), lines  # waited, then fresh
    sent = int(re.match(r"Klart: (\d+) anrop", fetched[0]).group(1))
    assert mirror.stats()["requests"] == sent  # the fetching process's own count, all of them
    assert_same_data(tmp_path, reference_cache)


@pytest.mark.parametrize("fault", [("--malformed-rate", "1"), ("--fail-rate", "1")])
def test_refresh_that_cannot_finish_leaves_the_old_cache(
    fault, mirror_factory, reference_cache, tmp_path
):
    broken = mirror_factory(*fault)
    cache = copy_cache(reference_cache, tmp_path / "cache")
    before = digest(cache)
    with broken.client(max_rps=0) as client, pytest.raises(RefreshFailed) as failure:
        refresh(Store(cache), client, full=True)
    assert broken.base_url in str(failure.value)
    assert "oförändrad" in str(failure.value)
    assert digest(cache) == before
    assert not list(cache.glob(".*.tmp"))
