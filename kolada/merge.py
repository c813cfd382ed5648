"""How a refresh merges what Kolada sent into what the cache holds (pure): dated snapshots of
group membership, a full re-fetch of some KPIs, a ``from_date`` delta, and the count of values
added, changed and removed."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kolada.frames import GROUP_COLUMNS, VALUE_KEY

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
    old: pd.DataFrame | None, new: pd.DataFrame, kpis: list[str], years: list[int] | None = None
) -> tuple[pd.DataFrame, ValueChanges]:
    """Replace every row of ``kpis`` (within ``years``, if given) in ``old`` by ``new`` (a full
    fetch of those KPIs for those years); rows of other years are kept."""
    if old is None or old.empty:
        return _sorted(new), ValueChanges(added=len(new))
    mine = old["kpi"].isin(kpis)
    if years is not None:
        mine &= old["period"].between(min(years), max(years))
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
