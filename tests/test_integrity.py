"""A cache that proves its bytes (issue 20): the manifest records each file's size and SHA-256;
a file that does not match is "skadad" and the previous kept set is read instead; a manifest
that is missing, undecodable or names files that are not there never costs data. No network:
the refreshes use the fake client."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path

import pytest

import kolada.store as store_module
from kolada.refresh import RefreshFailed
from kolada.status import cache_status
from kolada.store import MANIFEST, Store
from tests.conftest import FakeClient
from tests.test_damaged_cache import NOW, fill


@pytest.fixture
def twice(tmp_path) -> Path:
    """Two commits: a current and a previous set."""
    fill(tmp_path)
    fill(tmp_path, now=NOW + timedelta(days=2), full=True)
    return tmp_path


@pytest.fixture(autouse=True)
def fresh_process_memory():
    """Each test starts as a new process would: nothing verified or found damaged yet."""
    store_module._VERIFIED.clear()
    store_module._DAMAGED.clear()
    yield
    store_module._VERIFIED.clear()
    store_module._DAMAGED.clear()


def folders(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "versions").iterdir())


def unreachable() -> FakeClient:
    client = FakeClient()
    client.fail_on = "kpis"
    return client


def test_the_manifest_records_size_and_sha256_of_every_published_file(twice):
    manifest = json.loads((twice / MANIFEST).read_text("utf-8"))
    assert manifest["format"] == 2
    names = {*manifest["datasets"].values(), *manifest["previous"].values()}
    assert set(manifest["files"]) == names
    for name in names:
        assert manifest["files"][name] == store_module._checksum(twice / name)
    for folder in (twice / "versions").iterdir():
        sums = json.loads((folder / "checksums.json").read_text("utf-8"))
        assert {f"{p.name}" for p in folder.glob("*.parquet")} == set(sums)


@pytest.mark.parametrize("how", ["missing", "names a version that does not exist", "not utf-8"])
def test_a_lost_manifest_and_an_unreachable_kolada_cost_no_data(twice, how):
    manifest = twice / MANIFEST
    before = folders(twice)
    values = Store(twice).values()
    if how == "missing":
        manifest.unlink()
    elif how == "not utf-8":
        manifest.write_bytes(b"\xff\xfe" + manifest.read_bytes()[2:])
    else:
        body = json.loads(manifest.read_text("utf-8"))
        body["datasets"] = {e: f"versions/vgone/{e}.parquet" for e in body["datasets"]}
        manifest.write_text(json.dumps(body), "utf-8")
    assert Store(twice).values().equals(values)  # readers carry on with the newest set
    with pytest.raises(RefreshFailed):
        fill(twice, unreachable(), now=NOW + timedelta(days=4), full=True)
    assert folders(twice) == before  # nothing deleted
    assert Store(twice).values().equals(values)
    fill(twice, now=NOW + timedelta(days=6), full=True)  # Kolada back: a good manifest again
    assert json.loads(manifest.read_text("utf-8"))["format"] == 2


def test_noise_inside_values_is_damage_and_the_previous_set_is_read(twice):
    store = Store(twice)
    path = store.path("values")
    good = store.values()
    body = bytearray(path.read_bytes())
    middle = len(body) // 2
    body[middle : middle + 4096] = random.Random(1).randbytes(min(4096, len(body) - middle))
    path.write_bytes(bytes(body))
    assert store.health("values") == "skadad"
    assert store.damaged() == [path.relative_to(twice).as_posix()]
    assert store.values().equals(good)  # the previous kept set, verified
    lines = [s.line() for s in cache_status(store, ttl=timedelta(hours=24))]
    assert any("skadad" in line and path.name in line for line in lines), lines


def test_single_bit_flips_are_all_found(twice):
    path = Store(twice).path("values")
    original = path.read_bytes()
    rng = random.Random(7)
    found = 0
    for _ in range(60):
        store_module._VERIFIED.clear()
        store_module._DAMAGED.clear()
        body = bytearray(original)
        i = rng.randrange(len(body))
        body[i] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(body))
        found += Store(twice).health("values") == "skadad"
    path.write_bytes(original)
    assert found == 60


def test_group_history_survives_a_damaged_groups_file(twice):
    store = Store(twice)
    first_seen = store.read("groups").frame["first_seen"].min()
    path = store.path("groups")
    path.write_bytes(path.read_bytes()[:-100] + b"\x00" * 100)
    fill(twice, now=NOW + timedelta(days=8), full=True)
    store_module._DAMAGED.clear()
    groups = Store(twice).read("groups").frame
    assert groups["first_seen"].min() == first_seen  # not rebuilt with today's date
