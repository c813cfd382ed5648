"""Refresh the Parquet cache from Kolada: metadata, then the catalogue KPIs for every kommun.

(About 500 lines: one transaction — plan, fetch, check, merge, commit and record the outcome —
whose steps share the deadline, the lock and the all-or-nothing rule; the pure checks and merges
live in ``checks`` and ``merge``.)

Incremental: a dataset or KPI fetched within the TTL is skipped; a stale KPI whose year range is
already cached is asked only for values changed since its last fetch (``from_date``). Everything
is fetched into memory first, checked, and committed at the end, so a failed refresh leaves the
previous cache byte-identical.

Checked before commit (``kolada.checks``): every data page (KPI and kommun ids, years, values,
genders); every metadata listing (not empty, not far shorter than the cached one); and every KPI
fetched in full, which must bring back at least 90 % of the kommun-years the cache holds for it
(``accept_shrink`` for the day Kolada really removes data: the summary says what was removed).
A refresh has a deadline (``deadline`` seconds, requests included), so a hung Kolada cannot hold
the refresh lock for long. Every failure ends as ``RefreshFailed`` (one Swedish line, recorded in
``last_refresh.json``) or, for bad arguments, ``BadInput``.

The fetch tasks (one per metadata entity and per ≤25-KPI chunk) run on two worker threads that
share the client's throttle, so the request rate stays polite while one task waits on the network
and another parses. Progress is reported on the calling thread only (Streamlit needs that).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from kolada.catalogue import POPULATION, catalogue_kpis, missing_kpis
from kolada.checks import (
    check_kept_kommuner,
    check_listing,
    check_value_page,
    check_values_frame,
    find_rewrites,
    find_shrinks,
    find_unit_changes,
    shrink_error,
)
from kolada.client import KoladaClient
from kolada.drivers import DRIVER_TREES
from kolada.errors import BadInput, Busy, KoladaError, os_error_text, shorten
from kolada.frames import VALUE_KEY, tidy_groups, tidy_kpis, tidy_municipalities, tidy_values
from kolada.ids import chunked, require_known, validate_kpi_ids, validate_years
from kolada.merge import ValueChanges, apply_delta, merge_group_snapshots, replace_kpis
from kolada.store import Dataset, Store

logger = logging.getLogger(__name__)

# KPIs that count persons or inhabitants: never negative
COUNTS = frozenset(
    {POPULATION} | {d.kpi for t in DRIVER_TREES for d in t.drivers if d.kind == "count"}
)
DEFAULT_FROM_YEAR = 2010
DEFAULT_TTL = timedelta(hours=24)
DELTA_OVERLAP = timedelta(days=2)  # ask for changes from a little before the last fetch
WORKERS = 2
DEFAULT_DEADLINE = 300.0  # seconds for a whole refresh (a cold full refresh takes ~12 s)


@dataclass(frozen=True)
class Progress:
    step: int  # tasks finished
    total: int  # tasks planned
    message: str
    requests: int  # requests sent so far in this refresh


@dataclass
class RefreshResult:
    requests: int = 0
    rows: int = 0  # data rows (v3 objects) received
    seconds: float = 0.0
    written: list[str] = field(default_factory=list)
    fetched_kpis: list[str] = field(default_factory=list)
    fresh_kpis: list[str] = field(default_factory=list)
    missing_kpis: list[str] = field(default_factory=list)
    changes: ValueChanges = field(default_factory=ValueChanges)
    chunks: list[dict] = field(default_factory=list)  # per ≤25-KPI chunk: kpis, rows, pages
    shrinks: list = field(default_factory=list)  # accepted with accept_shrink
    removed_leftovers: list[str] = field(default_factory=list)
    unit_changes: list = field(default_factory=list)  # checks.UnitChange

    def summary(self) -> str:
        c = self.changes
        seconds = f"{self.seconds:.1f}".replace(".", ",")
        line = (
            f"Klart: {self.requests} anrop, {_thousands(self.rows)} rader, {seconds} s"
            f" ({len(self.fetched_kpis)} nyckeltal hämtade, {len(self.fresh_kpis)} redan färska;"
            f" {_thousands(c.added)} nya, {_thousands(c.changed)} ändrade,"
            f" {_thousands(c.removed)} borttagna värden; en rad kan ha värden för kvinnor, män och"
            " totalt)"
        )
        if self.missing_kpis:
            line += f" – saknas i Kolada: {', '.join(self.missing_kpis)}"
        if self.unit_changes:
            line += " – troligen ny enhet i Kolada (kontrollera titeln): " + "; ".join(
                u.line() for u in self.unit_changes
            )
        if self.shrinks:
            line += " – borttaget enligt --accept-shrink: " + "; ".join(
                s.line() for s in self.shrinks
            )
        return line


class RefreshFailed(KoladaError):
    """A refresh stopped; the cache is as it was before."""


ProgressFn = Callable[[Progress], None]


def refresh(
    store: Store | None = None,
    client: KoladaClient | None = None,
    *,
    kpis: list[str] | None = None,
    from_year: int = DEFAULT_FROM_YEAR,
    to_year: int | None = None,
    ttl: timedelta = DEFAULT_TTL,
    full: bool = False,
    accept_shrink: bool = False,
    deadline: float | None = DEFAULT_DEADLINE,
    lock_timeout: float | None = None,
    progress: ProgressFn | None = None,
    now: datetime | None = None,
) -> RefreshResult:
    """Bring the cache up to date; see the module doc. Raises ``BadInput`` before any request for
    bad arguments, ``Busy`` when another refresh holds the lock past ``lock_timeout``, and
    ``RefreshFailed`` (cache unchanged) for everything else that goes wrong."""
    now = now or datetime.now(UTC)
    explicit = kpis is not None
    wanted = validate_kpi_ids(kpis) if explicit else catalogue_kpis()
    to_year = now.year if to_year is None else to_year
    validate_years([from_year, to_year], today=now.date())
    if from_year > to_year:
        raise BadInput(f"Startåret {from_year} ligger efter slutåret {to_year}.")
    years = validate_years(range(from_year, to_year + 1), today=now.date())
    if ttl < timedelta(0):
        raise BadInput(f"Ogiltig TTL {ttl}: den kan inte vara negativ.")
    if deadline is not None and not deadline > 0:
        raise BadInput(f"Ogiltig tidsgräns {deadline!r}: ange sekunder > 0.")
    store = store or Store()
    own_client = client is None
    client = client or KoladaClient()
    stamp = now.isoformat(timespec="seconds")
    try:
        with store.refresh_lock(lock_timeout):  # Busy (not recorded) when another refresh runs
            try:
                result = _guarded(
                    _Run(store, client, now, ttl, full, accept_shrink, progress),
                    wanted,
                    explicit,
                    years,
                    deadline,
                )
            except RefreshFailed as e:
                record_outcome(store, False, str(e), stamp)
                raise
            record_outcome(store, True, result.summary(), stamp)
            return result
    except Busy:
        raise
    except OSError as e:  # the lock or the folder: the cache path is a file, read-only, …
        failure = RefreshFailed(_disk_message(store, e))
        record_outcome(store, False, str(failure), stamp)
        raise failure from e
    finally:
        if own_client:
            client.close()


def _guarded(run: _Run, wanted, explicit, years, deadline) -> RefreshResult:
    """Run a refresh and turn whatever goes wrong into ``RefreshFailed`` (``BadInput`` passes)."""
    try:
        with run.client.deadline(deadline, f"uppdateringen ({deadline:g} s)" if deadline else ""):
            return run.execute(wanted, explicit, years)
    except (BadInput, RefreshFailed):
        raise
    except KoladaError as e:
        raise run.failed("kontrollen av svaren", e) from e
    except OSError as e:
        raise RefreshFailed(_disk_message(run.store, e)) from e
    except (ValueError, KeyError, TypeError, OverflowError, AttributeError) as e:
        raise RefreshFailed(
            f"Uppdateringen misslyckades: oväntat svar från Kolada ({type(e).__name__}: "
            f"{_cut(e)}). Cachen i {run.store.root} är oförändrad."
        ) from e
    except Exception as e:  # the last resort: still one line, recorded, cache unchanged
        raise RefreshFailed(
            f"Uppdateringen misslyckades: oväntat fel ({type(e).__name__}: {_cut(e)}). "
            f"Cachen i {run.store.root} är oförändrad."
        ) from e


def _disk_message(store: Store, error: OSError) -> str:
    if not error.filename:
        error = OSError(error.errno, error.strerror, str(store.root))
    return (
        f"Uppdateringen misslyckades: kunde inte använda cachen: {os_error_text(error)}. "
        f"Cachen i {store.root} är oförändrad."
    )


def _thousands(n: int) -> str:
    """83858 → '83 858' (Swedish: a no-break space between thousands)."""
    return f"{n:,}".replace(",", "\u00a0")


def _cut(error: Exception, limit: int = 120) -> str:
    return shorten(" ".join(str(error).split()), limit)


def record_outcome(store: Store, ok: bool, message: str, at: str) -> None:
    """``last_refresh.json``, when the folder can be written at all. A failure that cannot be
    written (a full disk) removes the previous outcome, which would still say "ok": removing
    a file needs no space."""
    try:
        store.record_refresh(ok, message, at)
    except OSError as e:
        logger.warning(
            "kunde inte spara uppdateringens utfall i %s: %s", store.root, os_error_text(e)
        )
        if not ok:
            with contextlib.suppress(OSError):
                (store.root / "last_refresh.json").unlink(missing_ok=True)


def is_fresh(fetched_at: str | None, now: datetime, ttl: timedelta) -> bool:
    if not fetched_at:
        return False
    return now - datetime.fromisoformat(fetched_at) < ttl


@dataclass(frozen=True)
class _Chunk:
    kpis: list[str]
    since: date | None  # None: a full fetch of these KPIs

    @property
    def label(self) -> str:
        text = f"värden {self.kpis[0]}–{self.kpis[-1]} ({len(self.kpis)} nyckeltal)"
        return text + (f", ändringar sedan {self.since.isoformat()}" if self.since else "")


class _Run:
    """One refresh: plan the tasks, fetch them into memory, build the frames, commit."""

    def __init__(self, store, client, now, ttl, full, accept_shrink, progress):
        self.store: Store = store
        self.client: KoladaClient = client
        self.now: datetime = now
        self.stamp = now.isoformat(timespec="seconds")
        self.ttl = ttl
        self.full = full
        self.accept_shrink = accept_shrink
        self.progress = progress
        self.result = RefreshResult()
        self.known_kpis = 0
        self.first_request = client.requests_sent
        self.events: queue.Queue[str] = queue.Queue()  # page reports from worker threads
        self.done = 0
        self.total = 0

    # ---- helpers -----------------------------------------------------------------------------
    def _requests(self) -> int:
        return self.client.requests_sent - self.first_request

    def _report(self, message: str) -> None:
        if self.progress:
            self.progress(Progress(self.done, self.total, message, self._requests()))

    def _stale(self, data: Dataset | None) -> bool:
        fetched = data.meta.get("fetched_at") if data else None
        return self.full or not is_fresh(fetched, self.now, self.ttl)

    def _meta(self, rows: int, requests: int, **extra) -> dict:
        return {
            "fetched_at": self.stamp,
            "base_url": self.client.base_url,
            "requests": requests,
            "rows": rows,
            **extra,
        }

    def failed(self, task: str, error: KoladaError) -> RefreshFailed:
        failed = RefreshFailed(
            f"Uppdateringen misslyckades vid {task}: {error}. "
            f"Cachen i {self.store.root} är oförändrad.",
            status=error.status,
        )
        failed.url = error.url
        return failed

    # ---- fetching ----------------------------------------------------------------------------
    def _counted(self, fn: Callable[[], object]) -> Callable[[], tuple[object, int]]:
        """Wrap a fetch so it also returns how many requests it sent."""

        def run() -> tuple[object, int]:
            before = self.client.thread_requests()
            rows = fn()
            return rows, self.client.thread_requests() - before

        return run

    def _run_tasks(self, tasks: dict[str, Callable[[], object]]) -> dict[str, tuple[object, int]]:
        """Run fetch tasks on worker threads; report progress here; stop at the first failure."""
        self.total = self.done + len(tasks)
        results: dict[str, tuple[object, int]] = {}
        if not tasks:
            return results
        with ThreadPoolExecutor(WORKERS, thread_name_prefix="kolada") as pool:
            futures: dict[Future, str] = {
                pool.submit(self._counted(fn)): name for name, fn in tasks.items()
            }
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, timeout=0.1, return_when=FIRST_EXCEPTION)
                self._drain()
                for future in finished:
                    name = futures[future]
                    error = future.exception()
                    if error is not None:
                        self.client.abort("uppdateringen (en annan del misslyckades)")
                        for other in pending:
                            other.cancel()
                        if isinstance(error, KoladaError):
                            raise self.failed(name, error) from error
                        raise error
                    results[name] = future.result()
                    self.done += 1
                    self._report(f"{name}: klart")
        self._drain()
        return results

    def _drain(self) -> None:
        while True:
            try:
                message = self.events.get_nowait()
            except queue.Empty:
                return
            self._report(message)

    def _values_task(self, chunk: _Chunk, years: list[int]) -> Callable[[], pd.DataFrame]:
        seen = [0]
        last_url = [""]
        asked, in_range = set(chunk.kpis), set(years)

        def on_page(url: str) -> None:
            seen[0] += 1
            last_url[0] = url
            self.events.put(f"{chunk.label}: sida {seen[0]}")

        def run() -> pd.DataFrame:
            keep_deleted = chunk.since is not None
            frames, rows = [], 0
            pages = self.client.iter_value_pages(
                chunk.kpis,
                None,
                years,
                from_date=chunk.since.isoformat() if chunk.since else None,
                on_page=on_page,
            )
            for page in pages:  # tidy page by page: the raw JSON of a chunk is never all held
                check_value_page(page, last_url[0], kpis=asked, years=in_range)
                rows += len(page)
                frames.append(tidy_values(page, keep_deleted=keep_deleted))
            self.result.chunks.append(
                {"kpis": chunk.kpis, "rows": rows, "pages": seen[0], "delta": keep_deleted}
            )
            tidy = (
                pd.concat(frames, ignore_index=True)
                if frames
                else tidy_values([], keep_deleted=keep_deleted)
            )
            check_values_frame(tidy, last_url[0] or chunk.label, None, COUNTS)
            return tidy.sort_values(VALUE_KEY, ignore_index=True)

        return run

    # ---- the refresh -------------------------------------------------------------------------
    def execute(self, wanted: list[str], explicit: bool, years: list[int]) -> RefreshResult:
        t0 = time.perf_counter()
        self.result.removed_leftovers = self.store.heal()
        cached = self.store.read_all(strict=True)
        out: dict[str, Dataset] = {}

        kpi_data = cached.get("kpis")
        known = set(kpi_data.frame["id"]) if kpi_data else set()
        self.known_kpis = len(known)
        tasks: dict[str, Callable[[], object]] = {}
        if self._stale(kpi_data) or not set(wanted) <= known:
            ids = sorted(set(wanted) | known)
            tasks["nyckeltal (metadata)"] = lambda: self.client.fetch_kpis(ids)
            if explicit:  # unknown ids must be named before any data request is sent
                fetched = self._run_tasks(tasks).pop("nyckeltal (metadata)")
                kpi_data = self._kpi_dataset(fetched, wanted)
                out["kpis"] = kpi_data
                tasks = {}
        if explicit and kpi_data is not None:
            require_known(wanted, kpi_data.frame["id"], "nyckeltal")
        if self._stale(cached.get("municipalities")):
            tasks["kommuner"] = self.client.fetch_municipalities
        if self._stale(cached.get("groups")):
            tasks["kommungrupper"] = self.client.fetch_groups

        chunks = self._plan_values(cached.get("values"), wanted, years)
        for chunk in chunks:
            tasks[chunk.label] = self._values_task(chunk, years)
        results = self._run_tasks(tasks)

        if "nyckeltal (metadata)" in results:
            kpi_data = self._kpi_dataset(results["nyckeltal (metadata)"])
            out["kpis"] = kpi_data
        self.result.missing_kpis = missing_kpis(wanted, kpi_data.frame)
        if "kommuner" in results:
            rows, requests = results["kommuner"]
            frame = tidy_municipalities(rows)
            old = cached.get("municipalities")
            check_listing("kommuner", len(frame), len(old.frame) if old else 0)
            check_kept_kommuner(old.frame if old else None, frame)
            out["municipalities"] = Dataset(frame, self._meta(len(frame), requests))
        if "kommungrupper" in results:
            out["groups"] = self._groups_dataset(cached.get("groups"), *results["kommungrupper"])
        if chunks:
            self._check_municipalities(
                out.get("municipalities") or cached.get("municipalities"), chunks, results
            )
            out["values"] = self._values_dataset(cached.get("values"), chunks, results, years)

        if out:
            self.store.commit(out)
        self.result.written = sorted(out)
        self.result.requests = self._requests()
        self.result.seconds = time.perf_counter() - t0
        self._report(self.result.summary())
        return self.result

    def _check_values(self, old: pd.DataFrame | None, new: pd.DataFrame, chunks, years) -> None:
        """No KPI may lose more than a tenth of its kommun-years — within the years fetched in
        full, or over all years for changes since a date — and a first fetch of several KPIs
        must bring something back; unless ``accept_shrink`` (the summary names what went)."""
        full = [k for c in chunks if c.since is None for k in c.kpis]
        delta = [k for c in chunks if c.since is not None for k in c.kpis]
        full_rows = sum(c["rows"] for c in self.result.chunks if not c["delta"])
        cold = old is None or old.empty
        if cold and len(full) > 1 and not full_rows and not self.accept_shrink:
            shown = ", ".join(full[:3]) + (" …" if len(full) > 3 else "")
            raise KoladaError(
                f"Kolada skickade inga värden alls för {len(full)} nyckeltal ({shown}); "
                "svaret godtas inte"
            )
        self.result.unit_changes = find_unit_changes(old, new, [*full, *delta])
        shrinks = find_shrinks(old, new, full, years=years) + find_shrinks(old, new, delta)
        shrinks += find_rewrites(old, new, full, years, self.now.year)
        if shrinks and not self.accept_shrink:
            raise shrink_error(shrinks)
        self.result.shrinks = shrinks

    @staticmethod
    def _check_municipalities(listing: Dataset | None, chunks, results: dict) -> None:
        """Values only for the kommuner, regions and Riket of Kolada's municipality listing."""
        if listing is None:
            return
        known = set(listing.frame["id"])
        for chunk in chunks:
            tidy, _ = results[chunk.label]
            check_values_frame(tidy, chunk.label, known, ())

    def _kpi_dataset(self, fetched: tuple[object, int], wanted: Sequence[str] = ()) -> Dataset:
        """The KPI listing, checked; ``wanted`` ids asked for by name that Kolada does not list
        are named (``BadInput``) when there is no cached listing to compare with."""
        rows, requests = fetched
        frame = tidy_kpis(rows)
        if not self.known_kpis:
            require_known(wanted, frame["id"], "nyckeltal")
        check_listing("nyckeltal", len(frame), self.known_kpis)
        return Dataset(frame, self._meta(len(frame), requests, kpis=list(frame["id"])))

    def _groups_dataset(self, cached: Dataset | None, rows: list, requests: int) -> Dataset:
        fetched = tidy_groups(rows)
        before = _current_groups(cached.frame) if cached else 0
        check_listing("kommungrupper", int(fetched["group_id"].nunique()), before)
        frame = merge_group_snapshots(cached.frame if cached else None, fetched, self.stamp)
        groups = int(fetched["group_id"].nunique())
        return Dataset(frame, self._meta(len(frame), requests, groups=groups))

    def _plan_values(self, cached: Dataset | None, wanted: list[str], years: list[int]):
        """Which KPIs are fresh (skipped), stale (changes since last fetch) or new (full fetch)."""
        per_kpi = cached.meta.get("kpis", {}) if cached else {}
        full, deltas = [], {}
        for kpi in wanted:
            info = per_kpi.get(kpi)
            covered = bool(info) and info["from_year"] <= years[0] and info["to_year"] >= years[-1]
            if not covered or self.full:
                full.append(kpi)
            elif is_fresh(info["fetched_at"], self.now, self.ttl):
                self.result.fresh_kpis.append(kpi)
            else:
                since = (datetime.fromisoformat(info["fetched_at"]) - DELTA_OVERLAP).date()
                deltas.setdefault(since, []).append(kpi)
        chunks = [_Chunk(c, None) for c in chunked(full)]
        chunks += [_Chunk(c, s) for s, ks in sorted(deltas.items()) for c in chunked(ks)]
        return chunks

    def _values_dataset(
        self, cached: Dataset | None, chunks: list[_Chunk], results: dict, years: list[int]
    ) -> Dataset:
        per_kpi: dict[str, dict] = dict(cached.meta.get("kpis", {})) if cached else {}
        frame: pd.DataFrame | None = cached.frame if cached else None
        changes = ValueChanges()
        requests = 0
        for chunk in chunks:
            tidy, sent = results[chunk.label]
            requests += sent
            if chunk.since:
                frame, delta = apply_delta(frame, tidy)
            else:
                frame, delta = replace_kpis(frame, tidy, chunk.kpis, years)
            changes += delta
            for kpi in chunk.kpis:  # the years now known to be current (a narrower fetch
                # narrows them, so the next default refresh fetches the rest again in full)
                first = per_kpi[kpi]["from_year"] if chunk.since else years[0]
                per_kpi[kpi] = {"fetched_at": self.stamp, "from_year": first, "to_year": years[-1]}
            self.result.fetched_kpis += chunk.kpis
        self._check_values(cached.frame if cached else None, frame, chunks, years)
        self.result.changes = changes
        self.result.rows = sum(c["rows"] for c in self.result.chunks)
        counts = {"added": changes.added, "changed": changes.changed, "removed": changes.removed}
        return Dataset(frame, self._meta(len(frame), requests, kpis=per_kpi, changes=counts))


def _current_groups(snapshots: pd.DataFrame) -> int:
    """Groups in the newest snapshot we hold (those Kolada listed at the last fetch)."""
    if snapshots.empty:
        return 0
    newest = snapshots["last_seen"].max()
    return int(snapshots.loc[snapshots["last_seen"] == newest, "group_id"].nunique())
