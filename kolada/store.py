"""The Parquet cache: one file per entity (kpis, municipalities, groups, values).

- Writes are atomic: a temp file in the same folder, fsync, then ``os.replace``. A refresh
  writes all its temp files first and only then replaces, under a short commit lock that readers
  also take, so a reader never sees half a file nor a mix of two refreshes.
- Provenance (fetched_at UTC, base URL, requests, rows, KPIs …) lives in the Parquet schema
  metadata under the key ``kolada``.
- Group memberships are dated snapshots (``first_seen``/``last_seen``): a group id keeps its past
  memberships when Kolada re-matches its members.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from kolada.errors import BadInput
from kolada.frames import GROUP_COLUMNS, VALUE_KEY
from kolada.ids import require_known, validate_kpi_ids, validate_municipality_ids, validate_years

ENTITIES = ("kpis", "municipalities", "groups", "values")
META_KEY = b"kolada"
DEFAULT_CACHE_DIR = Path(__file__).resolve().parents[1] / "data" / "cache"


def cache_dir_from_env() -> Path:
    """``KOLADA_CACHE_DIR`` if set, else ``data/cache`` beside the app."""
    return Path(os.environ.get("KOLADA_CACHE_DIR") or DEFAULT_CACHE_DIR)


@dataclass(frozen=True)
class Dataset:
    frame: pd.DataFrame
    meta: dict


class Store:
    """A cache folder. Cheap to create; touches the disk only when asked."""

    def __init__(self, root: Path | str | None = None, *, lock_timeout: float = 900):
        self.root = Path(root) if root is not None else cache_dir_from_env()
        self.lock_timeout = lock_timeout

    def path(self, entity: str) -> Path:
        if entity not in ENTITIES:
            raise BadInput(f"Okänd datamängd {entity!r}: välj bland {', '.join(ENTITIES)}.")
        return self.root / f"{entity}.parquet"

    # ---- locks -----------------------------------------------------------------------------
    @contextmanager
    def refresh_lock(self, timeout: float | None = None) -> Iterator[None]:
        """Held for a whole refresh, so two refreshes never interleave (across processes)."""
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(
            self.root / ".refresh.lock", timeout=self.lock_timeout if timeout is None else timeout
        )
        try:
            with lock:
                yield
        except Timeout:
            raise BadInput(
                f"En annan uppdatering av {self.root} pågår fortfarande; försök igen senare."
            ) from None

    @contextmanager
    def _commit_lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with FileLock(self.root / ".commit.lock", timeout=60):
            yield

    # ---- read ------------------------------------------------------------------------------
    def exists(self, entity: str) -> bool:
        return self.path(entity).exists()

    def meta(self, entity: str) -> dict:
        """The provenance of a dataset, or {} when it is not cached."""
        path = self.path(entity)
        return _provenance(pq.read_schema(path)) if path.exists() else {}

    def read(
        self, entity: str, *, filters: list | None = None, columns: list | None = None
    ) -> Dataset | None:
        """A cached dataset with its provenance, or None when it is not cached."""
        with self._commit_lock():
            return self._load(entity, filters, columns)

    def read_all(self) -> dict[str, Dataset]:
        """Every cached dataset, read as one consistent set."""
        with self._commit_lock():
            loaded = {entity: self._load(entity) for entity in ENTITIES}
        return {entity: data for entity, data in loaded.items() if data is not None}

    def _load(self, entity: str, filters=None, columns=None) -> Dataset | None:
        path = self.path(entity)
        if not path.exists():
            return None
        table = pq.read_table(path, filters=filters, columns=columns)
        return Dataset(table.to_pandas(), _provenance(table.schema))

    def known_ids(self, entity: str) -> set[str] | None:
        """The ids in a cached metadata dataset (``kpis`` or ``municipalities``), None if absent."""
        data = self.read(entity, columns=["id"])
        return set(data.frame["id"]) if data else None

    def values(
        self,
        kpis: list[str] | None = None,
        municipalities: list[str] | None = None,
        years: tuple[int, int] | None = None,
    ) -> pd.DataFrame:
        """Cached values filtered at read time (empty frame when nothing is cached).

        Ids are checked against their patterns and, where the metadata is cached, against the
        KPIs and municipalities Kolada knows: a bad or unknown id is a ``BadInput`` naming it.
        """
        filters = []
        if kpis is not None:
            kpis = validate_kpi_ids(kpis)
            known = self.known_ids("kpis")
            if known is not None:
                require_known(kpis, known, "nyckeltal")
            filters.append(("kpi", "in", kpis))
        if municipalities is not None:
            municipalities = validate_municipality_ids(municipalities, allow_groups=False)
            known = self.known_ids("municipalities")
            if known is not None:
                require_known(municipalities, known, "kommun-id")
            filters.append(("municipality", "in", municipalities))
        if years:
            first, last = validate_years(list(years))[0], validate_years(list(years))[-1]
            filters += [("period", ">=", first), ("period", "<=", last)]
        data = self.read("values", filters=filters or None)
        return data.frame if data else pd.DataFrame()

    # ---- the last refresh's outcome (for the app's banner) -----------------------------------
    def record_refresh(self, ok: bool, message: str, at: str) -> None:
        """Note how the latest refresh ended, in ``last_refresh.json`` (atomic; never touches
        the datasets)."""
        self.root.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"ok": ok, "message": message, "at": at}, ensure_ascii=False)
        fd, temp = tempfile.mkstemp(prefix=".last_refresh.", suffix=".tmp", dir=self.root)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
        os.replace(temp, self.root / "last_refresh.json")

    def last_refresh(self) -> dict | None:
        path = self.root / "last_refresh.json"
        try:
            return json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None

    # ---- write -----------------------------------------------------------------------------
    def commit(self, datasets: dict[str, Dataset]) -> None:
        """Write several datasets so that either all or none of them change on disk."""
        self.root.mkdir(parents=True, exist_ok=True)
        temps: dict[str, str] = {}
        try:
            for entity, data in datasets.items():
                temps[entity] = self._write_temp(entity, data)
            with self._commit_lock():
                for entity, temp in temps.items():
                    os.replace(temp, self.path(entity))
            temps.clear()
            _fsync_dir(self.root)
        finally:
            for temp in temps.values():
                Path(temp).unlink(missing_ok=True)

    def _write_temp(self, entity: str, data: Dataset) -> str:
        table = pa.Table.from_pandas(data.frame, preserve_index=False)
        metadata = dict(table.schema.metadata or {})
        metadata[META_KEY] = json.dumps(data.meta, ensure_ascii=False, sort_keys=True).encode()
        table = table.replace_schema_metadata(metadata)
        fd, temp = tempfile.mkstemp(prefix=f".{entity}.", suffix=".tmp", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as fh:
                pq.write_table(table, fh, compression="zstd")
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return temp


def _provenance(schema: pa.Schema) -> dict:
    raw = (schema.metadata or {}).get(META_KEY)
    return json.loads(raw) if raw else {}


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # not possible on every platform
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- pure merges -----------------------------------------------------------------------------
SNAPSHOT_COLUMNS = [*GROUP_COLUMNS, "first_seen", "last_seen"]


def merge_group_snapshots(
    old: pd.DataFrame | None, new: pd.DataFrame, seen_at: str
) -> pd.DataFrame:
    """Add a fetched groups frame to the snapshot history.

    A group whose title and members equal its newest snapshot only gets ``last_seen = seen_at``;
    a group that changed gets a new snapshot (``first_seen = last_seen = seen_at``). Past
    snapshots and groups that disappeared are kept.
    """
    fresh = new[GROUP_COLUMNS].copy()
    fresh["first_seen"] = seen_at
    fresh["last_seen"] = seen_at
    if old is None or old.empty:
        return fresh.astype({"first_seen": "string", "last_seen": "string"}).reset_index(drop=True)
    old = old[SNAPSHOT_COLUMNS].copy()
    newest = old.groupby("group_id")["first_seen"].transform("max")
    current = old[old["first_seen"] == newest]

    def signature(frame: pd.DataFrame) -> pd.Series:
        return frame.groupby("group_id").apply(
            lambda g: (str(g["title"].iloc[0]), tuple(sorted(g["member_id"]))), include_groups=False
        )

    before, after = signature(current), signature(fresh)
    same = [g for g in after.index if g in before.index and before[g] == after[g]]
    keep_new = fresh[~fresh["group_id"].isin(same)]
    touched = old["group_id"].isin(same) & (old["first_seen"] == newest)
    old.loc[touched, "last_seen"] = seen_at
    merged = pd.concat([old, keep_new], ignore_index=True)
    merged = merged.astype({"first_seen": "string", "last_seen": "string"})
    return merged.sort_values(["group_id", "first_seen", "member_id"], ignore_index=True)


@dataclass(frozen=True)
class ValueChanges:
    added: int = 0
    changed: int = 0
    removed: int = 0

    def __add__(self, other: ValueChanges) -> ValueChanges:
        return ValueChanges(
            self.added + other.added, self.changed + other.changed, self.removed + other.removed
        )


def replace_kpis(
    old: pd.DataFrame | None, new: pd.DataFrame, kpis: list[str]
) -> tuple[pd.DataFrame, ValueChanges]:
    """Replace every row of ``kpis`` in ``old`` by ``new`` (a full fetch of those KPIs)."""
    if old is None or old.empty:
        return _sorted(new), ValueChanges(added=len(new))
    mine = old["kpi"].isin(kpis)
    changes = compare_values(old[mine], new)
    return _sorted(pd.concat([old[~mine], new], ignore_index=True)), changes


def apply_delta(old: pd.DataFrame, delta: pd.DataFrame) -> tuple[pd.DataFrame, ValueChanges]:
    """Apply values changed since a date (``delta`` has an ``isdeleted`` column): a delta row
    replaces the stored row with the same key; a deleted row removes it."""
    if delta.empty:
        return old, ValueChanges()
    key = pd.MultiIndex.from_frame(delta[VALUE_KEY])
    stored = pd.MultiIndex.from_frame(old[VALUE_KEY])
    hit = stored.isin(key)
    live = delta[~delta["isdeleted"]].drop(columns="isdeleted")
    dead = pd.MultiIndex.from_frame(delta.loc[delta["isdeleted"], VALUE_KEY])
    before = old[hit]
    changes = compare_values(before[~pd.MultiIndex.from_frame(before[VALUE_KEY]).isin(dead)], live)
    removed = int(pd.MultiIndex.from_frame(before[VALUE_KEY]).isin(dead).sum())
    merged = pd.concat([old[~hit], live], ignore_index=True)
    return _sorted(merged), ValueChanges(changes.added, changes.changed, removed)


def compare_values(before: pd.DataFrame, after: pd.DataFrame) -> ValueChanges:
    """How many keys were added, removed, or changed value between two value frames."""
    joined = before[[*VALUE_KEY, "value"]].merge(
        after[[*VALUE_KEY, "value"]],
        on=VALUE_KEY,
        how="outer",
        suffixes=("_old", "_new"),
        indicator=True,
    )
    both = joined[joined["_merge"] == "both"]
    a, b = both["value_old"], both["value_new"]
    changed = int((~((a == b) | (a.isna() & b.isna()))).sum())
    return ValueChanges(
        added=int((joined["_merge"] == "right_only").sum()),
        changed=changed,
        removed=int((joined["_merge"] == "left_only").sum()),
    )


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(VALUE_KEY, ignore_index=True)
