import json
import math

import pandas as pd
import pyarrow.parquet as pq
import pytest

from kolada.errors import BadInput
from kolada.frames import tidy_groups, tidy_values
from kolada.merge import apply_delta, compare_values, merge_group_snapshots, replace_kpis
from kolada.store import Dataset, Store
from tests.conftest import digest, load_fixture


@pytest.fixture
def values():
    return tidy_values(load_fixture("data_mixed.json")["values"])


def test_commit_round_trip_with_provenance_in_schema_metadata(tmp_path, values):
    store = Store(tmp_path)
    meta = {"fetched_at": "2026-11-22T10:00:00+00:00", "base_url": "u", "requests": 3, "rows": 7}
    store.commit({"values": Dataset(values, meta)})
    raw = pq.read_schema(store.path("values")).metadata[b"kolada"]
    assert json.loads(raw) == meta
    back = store.read("values")
    assert back.meta == meta
    pd.testing.assert_frame_equal(back.frame, values, check_dtype=False)
    assert store.meta("kpis") == {} and store.read("kpis") is None


def test_the_first_commit_into_an_empty_cache_warns_of_nothing(tmp_path, values, caplog):
    # the new folder, before its manifest is written, is not a lost manifest
    store = Store(tmp_path)
    store.commit({"values": Dataset(values, {}), "kpis": Dataset(values.iloc[0:0], {})})
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == []
    assert store.read("values") is not None


def test_values_filters_at_read_time(tmp_path, values):
    store = Store(tmp_path)
    store.commit({"values": Dataset(values, {})})
    got = store.values(kpis=["N30001"], municipalities=["0780"], years=(2010, 2020))
    assert got["period"].tolist() == [2017]
    assert Store(tmp_path / "empty").values().empty


def test_failed_commit_leaves_old_files_byte_identical(tmp_path, values, monkeypatch):
    store = Store(tmp_path)
    store.commit({"values": Dataset(values, {"v": 1}), "kpis": Dataset(values, {"v": 1})})
    before = digest(tmp_path)
    calls = []
    real = pq.write_table

    def failing(table, where, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(table, where, **kw)

    monkeypatch.setattr(pq, "write_table", failing)
    with pytest.raises(OSError, match="disk full"):
        store.commit({"values": Dataset(values.head(1), {"v": 2}), "kpis": Dataset(values, {})})
    assert digest(tmp_path) == before
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_entity_names_are_checked_before_they_become_paths(tmp_path):
    with pytest.raises(BadInput, match="'../x'"):
        Store(tmp_path).path("../x")


def test_cache_dir_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("KOLADA_CACHE_DIR", str(tmp_path / "c"))
    assert Store().root == tmp_path / "c"


def test_replace_kpis_counts_changes(values):
    new = values[values["kpi"] == "N30001"].copy()
    new.loc[new["municipality"] == "0180", "value"] = 1.0
    merged, changes = replace_kpis(values, new.iloc[:-1], ["N30001"])
    assert (changes.added, changes.changed, changes.removed) == (0, 1, 1)
    assert len(merged) == len(values) - 1


def _row(kpi, muni, year, value, deleted=False):
    cell = {"gender": "T", "count": 1, "status": "", "value": value, "isdeleted": deleted}
    return {"kpi": kpi, "municipality": muni, "period": year, "values": [cell]}


def test_apply_delta_replaces_adds_and_deletes(values):
    delta = tidy_values(
        [
            _row("N30001", "0180", 2019, -4.0),
            _row("N30001", "0561", 2024, 30.0),
            _row("N30026", "0561", 2020, None, deleted=True),
        ],
        keep_deleted=True,
    )
    merged, changes = apply_delta(values, delta)
    assert (changes.added, changes.changed, changes.removed) == (1, 1, 1)
    key = merged.set_index(["kpi", "municipality", "period", "gender"])["value"]
    assert key[("N30001", "0180", 2019, "T")] == -4.0
    assert key[("N30001", "0561", 2024, "T")] == 30.0
    assert ("N30026", "0561", 2020, "T") not in key.index
    assert len(merged) == len(values)


def test_compare_values_treats_nan_as_equal(values):
    assert compare_values(values, values.copy()) == compare_values(values.head(0), values.head(0))
    nan_row = values[values["value"].isna()]
    assert math.isnan(nan_row["value"].iloc[0])
    assert compare_values(nan_row, nan_row).changed == 0


def test_group_snapshots_keep_history():
    groups = tidy_groups(load_fixture("municipality_groups.json")["values"])
    first = merge_group_snapshots(None, groups, "2026-01-01T00:00:00+00:00")
    same = merge_group_snapshots(first, groups, "2026-02-01T00:00:00+00:00")
    assert len(same) == len(first)
    assert set(same["last_seen"]) == {"2026-02-01T00:00:00+00:00"}
    assert set(same["first_seen"]) == {"2026-01-01T00:00:00+00:00"}

    changed = groups.copy()
    g = changed["group_id"] == "G36722"
    changed.loc[g, "title"] = "Liknande kommuner IFO, Åtvidaberg, 2026"
    changed.loc[g, "edition_year"] = 2026
    later = merge_group_snapshots(same, changed, "2026-03-01T00:00:00+00:00")
    atv = later[later["group_id"] == "G36722"]
    assert sorted(set(atv["first_seen"])) == [
        "2026-01-01T00:00:00+00:00",
        "2026-03-01T00:00:00+00:00",
    ]
    assert len(atv) == 14  # both memberships kept
    other = later[later["group_id"] == "G37598"]
    assert set(other["last_seen"]) == {"2026-03-01T00:00:00+00:00"} and len(other) == 2


def test_readers_never_see_a_half_written_file(tmp_path, values):
    """The replace is atomic: the final name only ever points at a complete Parquet file."""
    store = Store(tmp_path)
    store.commit({"values": Dataset(values, {"n": 1})})
    big = pd.concat([values] * 2000, ignore_index=True)
    import threading

    stop = threading.Event()
    errors = []

    def read_loop():
        while not stop.is_set():
            try:
                n = len(Store(tmp_path).read("values").frame)
                assert n in (len(values), len(big))
            except Exception as e:  # noqa: BLE001 - collect any failure
                errors.append(e)

    reader = threading.Thread(target=read_loop)
    reader.start()
    for i in range(10):
        store.commit({"values": Dataset(big if i % 2 == 0 else values, {"n": i})})
    stop.set()
    reader.join()
    assert errors == []
