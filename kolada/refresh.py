"""Refresh the Parquet cache from Kolada: metadata, then the catalogue KPIs for every kommun.

Incremental: a dataset or KPI fetched within the TTL is skipped; a stale KPI whose year range is
already cached is asked only for values changed since its last fetch (``from_date``). Everything
is fetched into memory first and committed at the end, so a failed refresh leaves the previous
cache byte-identical.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from kolada.catalogue import catalogue_kpis, missing_kpis
from kolada.client import KoladaClient
from kolada.errors import BadInput, KoladaError
from kolada.frames import tidy_groups, tidy_kpis, tidy_municipalities, tidy_values
from kolada.ids import chunked, require_known, validate_kpi_ids, validate_years
from kolada.store import (
    Dataset,
    Store,
    ValueChanges,
    apply_delta,
    merge_group_snapshots,
    replace_kpis,
)

FIRST_YEAR = 2010
DEFAULT_TTL = timedelta(hours=24)
DELTA_OVERLAP = timedelta(days=2)  # ask for changes from a little before the last fetch


@dataclass(frozen=True)
class Progress:
    step: int
    total: int
    message: str
    requests: int


@dataclass
class RefreshResult:
    requests: int = 0
    rows: int = 0
    seconds: float = 0.0
    written: list[str] = field(default_factory=list)
    fetched_kpis: list[str] = field(default_factory=list)
    fresh_kpis: list[str] = field(default_factory=list)
    missing_kpis: list[str] = field(default_factory=list)
    changes: ValueChanges = field(default_factory=ValueChanges)
    chunks: list[dict] = field(default_factory=list)  # per data request path: kpis, rows, pages

    def summary(self) -> str:
        c = self.changes
        line = (
            f"Klart: {self.requests} anrop, {self.rows} rader, {self.seconds:.1f} s"
            f" ({len(self.fetched_kpis)} nyckeltal hämtade, {len(self.fresh_kpis)} redan färska;"
            f" {c.added} nya, {c.changed} ändrade, {c.removed} borttagna värden)"
        )
        if self.missing_kpis:
            line += f" – saknas i Kolada: {', '.join(self.missing_kpis)}"
        return line


class RefreshFailed(KoladaError):
    """A refresh stopped; the cache is as it was before."""


ProgressFn = Callable[[Progress], None]


def refresh(
    store: Store | None = None,
    client: KoladaClient | None = None,
    *,
    kpis: list[str] | None = None,
    from_year: int = FIRST_YEAR,
    to_year: int | None = None,
    ttl: timedelta = DEFAULT_TTL,
    full: bool = False,
    progress: ProgressFn | None = None,
    now: datetime | None = None,
) -> RefreshResult:
    """Bring the cache up to date; see the module doc. Raises ``BadInput`` before any request for
    bad arguments, and ``RefreshFailed`` (cache unchanged) when Kolada fails."""
    now = now or datetime.now(UTC)
    explicit = kpis is not None
    wanted = validate_kpi_ids(kpis) if explicit else catalogue_kpis()
    to_year = now.year if to_year is None else to_year
    if from_year > to_year:
        raise BadInput(f"Startåret {from_year} ligger efter slutåret {to_year}.")
    years = validate_years(range(from_year, to_year + 1), today=now.date())
    if ttl < timedelta(0):
        raise BadInput(f"Ogiltig TTL {ttl}: den kan inte vara negativ.")
    store = store or Store()
    own_client = client is None
    client = client or KoladaClient()
    try:
        with store.refresh_lock():
            run = _Run(store, client, now, ttl, full, progress)
            return run.execute(wanted, explicit, years)
    finally:
        if own_client:
            client.close()


def _is_fresh(fetched_at: str | None, now: datetime, ttl: timedelta) -> bool:
    if not fetched_at:
        return False
    return now - datetime.fromisoformat(fetched_at) < ttl


class _Run:
    """One refresh: plans the tasks, fetches into memory, commits at the end."""

    def __init__(self, store, client, now, ttl, full, progress):
        self.store: Store = store
        self.client: KoladaClient = client
        self.now: datetime = now
        self.stamp = now.isoformat(timespec="seconds")
        self.ttl = ttl
        self.full = full
        self.progress = progress
        self.result = RefreshResult()
        self.start_requests = client.requests_sent
        self.step = 0
        self.total = 0

    def _report(self, message: str) -> None:
        if self.progress:
            requests = self.client.requests_sent - self.start_requests
            self.progress(Progress(self.step, self.total, message, requests))

    def _fetch(self, task: str, fn, *args, **kwargs):
        """Run one fetch task, naming it in progress and in the error if it fails."""
        self.step += 1
        self._report(task)
        try:
            return fn(*args, **kwargs)
        except KoladaError as e:
            raise RefreshFailed(
                f"Uppdateringen misslyckades vid {task}: {e}. Cachen i {self.store.root} är "
                "oförändrad.",
                status=e.status,
            ) from e

    def _stale(self, data: Dataset | None) -> bool:
        return (
            self.full
            or data is None
            or not _is_fresh(data.meta.get("fetched_at"), self.now, self.ttl)
        )

    def _meta(self, rows: int, requests: int, **extra) -> dict:
        return {
            "fetched_at": self.stamp,
            "base_url": self.client.base_url,
            "requests": requests,
            "rows": rows,
            **extra,
        }

    def execute(self, wanted: list[str], explicit: bool, years: list[int]) -> RefreshResult:
        t0 = time.perf_counter()
        cached = self.store.read_all()
        out: dict[str, Dataset] = {}

        kpi_data = cached.get("kpis")
        known = set(kpi_data.frame["id"]) if kpi_data else set()
        need_kpi_meta = self._stale(kpi_data) or not set(wanted) <= known
        munis_stale = self._stale(cached.get("municipalities"))
        groups_stale = self._stale(cached.get("groups"))
        self.total = need_kpi_meta + munis_stale + groups_stale + 2  # data: at least ~2 chunks

        if need_kpi_meta:
            ids = sorted(set(wanted) | known)
            before = self.client.requests_sent
            frame = tidy_kpis(self._fetch("nyckeltal (metadata)", self.client.fetch_kpis, ids))
            kpi_data = Dataset(
                frame,
                self._meta(len(frame), self.client.requests_sent - before, kpis=list(frame["id"])),
            )
            out["kpis"] = kpi_data
        available = list(kpi_data.frame["id"])
        if explicit:
            require_known(wanted, available, "nyckeltal")
        self.result.missing_kpis = missing_kpis(wanted, kpi_data.frame)
        wanted = [k for k in wanted if k in set(available)]

        if munis_stale:
            before = self.client.requests_sent
            frame = tidy_municipalities(self._fetch("kommuner", self.client.fetch_municipalities))
            out["municipalities"] = Dataset(
                frame, self._meta(len(frame), self.client.requests_sent - before)
            )
        if groups_stale:
            before = self.client.requests_sent
            fetched = tidy_groups(self._fetch("kommungrupper", self.client.fetch_groups))
            old = cached["groups"].frame if "groups" in cached else None
            frame = merge_group_snapshots(old, fetched, self.stamp)
            out["groups"] = Dataset(
                frame,
                self._meta(
                    len(frame),
                    self.client.requests_sent - before,
                    groups=int(fetched["group_id"].nunique()),
                ),
            )

        values = self._refresh_values(cached.get("values"), wanted, years)
        if values is not None:
            out["values"] = values
        if out:
            self.store.commit(out)
        self.result.written = sorted(out)
        self.result.requests = self.client.requests_sent - self.start_requests
        self.result.seconds = time.perf_counter() - t0
        self._report(self.result.summary())
        return self.result

    def _refresh_values(
        self, cached: Dataset | None, wanted: list[str], years: list[int]
    ) -> Dataset | None:
        per_kpi: dict[str, dict] = dict(cached.meta.get("kpis", {})) if cached else {}
        frame = cached.frame if cached else None
        full_kpis, deltas = [], {}
        for kpi in wanted:
            info = per_kpi.get(kpi)
            covered = info and info["from_year"] <= years[0] and info["to_year"] >= years[-1]
            if covered and not self.full and _is_fresh(info["fetched_at"], self.now, self.ttl):
                self.result.fresh_kpis.append(kpi)
            elif covered and not self.full:
                since = datetime.fromisoformat(info["fetched_at"]) - DELTA_OVERLAP
                deltas.setdefault(since.date(), []).append(kpi)
            else:
                full_kpis.append(kpi)
        tasks = [(chunk, None) for chunk in chunked(full_kpis)]
        tasks += [(chunk, since) for since, ks in sorted(deltas.items()) for chunk in chunked(ks)]
        self.total = self.step + len(tasks)
        if not tasks:
            return None

        before = self.client.requests_sent
        changes = ValueChanges()
        for chunk, since in tasks:
            frame, delta = self._fetch_chunk(frame, chunk, since, years)
            changes += delta
            for kpi in chunk:
                per_kpi[kpi] = {
                    "fetched_at": self.stamp,
                    "from_year": min(years[0], per_kpi.get(kpi, {}).get("from_year", years[0]))
                    if since
                    else years[0],
                    "to_year": years[-1],
                }
            self.result.fetched_kpis += chunk
        self.result.changes = changes
        self.result.rows = sum(c["rows"] for c in self.result.chunks)
        return Dataset(
            frame,
            self._meta(
                len(frame),
                self.client.requests_sent - before,
                kpis=per_kpi,
                changes={
                    "added": changes.added,
                    "changed": changes.changed,
                    "removed": changes.removed,
                },
            ),
        )

    def _fetch_chunk(
        self, frame: pd.DataFrame | None, chunk: list[str], since: date | None, years: list[int]
    ) -> tuple[pd.DataFrame, ValueChanges]:
        label = f"värden {chunk[0]}–{chunk[-1]} ({len(chunk)} nyckeltal)"
        if since:
            label += f", ändringar sedan {since.isoformat()}"
        pages = 0

        def on_page(url: str) -> None:
            nonlocal pages
            pages += 1
            self._report(f"{label}: sida {pages}")

        raw = self._fetch(
            label,
            self.client.fetch_values,
            chunk,
            None,
            years,
            from_date=since.isoformat() if since else None,
            on_page=on_page,
        )
        self.result.chunks.append(
            {"kpis": chunk, "rows": len(raw), "pages": pages, "delta": since is not None}
        )
        if since and frame is not None:
            return apply_delta(frame, tidy_values(raw, keep_deleted=True))
        return replace_kpis(frame, tidy_values(raw), chunk)
