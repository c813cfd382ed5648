"""One seeded fault run against the mirror (shared by the integration test and bench/)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kolada.refresh import RefreshFailed, refresh
from kolada.store import Store
from tests.conftest import digest

FAULTS = ("--fail-rate", "0.3", "--truncate-rate", "0.1", "--malformed-rate", "0.05")


@dataclass(frozen=True)
class Outcome:
    kind: str  # "finished", "failed cleanly" or "silent loss"
    requests: int
    detail: str = ""


def comparable(store_root: Path) -> dict[str, pd.DataFrame]:
    """The cached data without fetch times, in a fixed order."""
    data = Store(store_root).read_all()
    out = {}
    for entity, ds in data.items():
        frame = ds.frame.drop(columns=["first_seen", "last_seen"], errors="ignore")
        out[entity] = frame.sort_values(list(frame.columns[:4])).reset_index(drop=True)
    return out


def same_data(a: Path, b: Path) -> bool:
    left, right = comparable(a), comparable(b)
    if sorted(left) != sorted(right):
        return False
    return all(left[e].equals(right[e]) for e in left)


def reference(clean_mirror, root: Path) -> Path:
    """A full default refresh from the clean mirror."""
    with clean_mirror.client(max_rps=50) as client:
        refresh(Store(root), client)
    return root


def fault_run(clean_mirror, faulty_mirror, reference_root: Path, root: Path) -> Outcome:
    """An older, smaller cache, then a full refresh against the faulty mirror."""
    with clean_mirror.client(max_rps=0) as clean:
        refresh(Store(root), clean, kpis=["N30001", "N01951"], from_year=2018)
    before = digest(root)
    with faulty_mirror.client(max_rps=50) as client:
        try:
            result = refresh(Store(root), client, full=True)
        except RefreshFailed as failure:
            kind = "failed cleanly" if digest(root) == before else "silent loss"
            return Outcome(kind, client.requests_sent, str(failure)[:100])
    kind = "finished" if same_data(root, reference_root) else "silent loss"
    return Outcome(kind, result.requests)
