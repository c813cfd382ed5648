"""The one read path: everything that shows a view's data — the pages (through ``ui.data``,
which keeps one ``Source`` per published cache), the report, its command and the benchmarks —
reads the Parquet store through a ``Source``.

A ``Source`` knows, per KPI, whether it was **fetched** (the store has asked Kolada for it: it
may still have no values for a kommun) or **never fetched** (``unfetched``), so that "Kolada
har inga värden" is said only where Kolada was asked (``figures.absent``). One policy for
ids the store does not know: they are left out of a read, never an error (``known``). Its
readings are memoised for the life of the instance: make a new one after a refresh (the UI's
is keyed by the store's stamp).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property

import pandas as pd

import kolada
from benchmark import analytics, editions
from benchmark.peers import Peers, kommun_names, part_peers, resolve_peers
from benchmark.viewstate import View
from kolada.catalogue import IFO_PARTS, Part, area
from kolada.frames import totals

VALUE_COLUMNS = ["kpi", "municipality", "period", "value"]
PARTS = {p.code: p for p in IFO_PARTS}
MEMO_SIZE = 256  # readings a Source keeps (values frames, peers, editions …), least used go
READ_ONLY = "KOLADA_READ_ONLY"  # =1: a replica that serves the shared cache and never fetches


def read_only() -> bool:
    """A replica behind a load balancer (or a report job beside it): the cache is written only
    by the scheduled job (``python -m kolada refresh``), never by this process."""
    return os.environ.get(READ_ONLY, "").strip().lower() in ("1", "true", "ja", "yes")


def fetch_missing(store: kolada.Store, kpis: Iterable[str], **refresh_options) -> list[str]:
    """Fetch from Kolada what a view of ``kpis`` lacks: metadata that is missing or damaged,
    and the KPIs never fetched (nothing in read-only mode); the ids asked for.
    ``refresh_options`` go to ``kolada.refresh`` (progress, deadline, lock_timeout); its errors
    (``KoladaError``, ``BadInput``) pass."""
    src = Source(store)
    missing = src.unfetched(kpis)
    if read_only() or (src.ready and not missing):
        return []
    kolada.refresh(store, kpis=missing or sorted(set(kpis)), **refresh_options)
    return missing


def no_values() -> pd.DataFrame:
    return pd.DataFrame(columns=VALUE_COLUMNS)


def known(
    kpis: Iterable[str],
    municipalities: Iterable[str] | None,
    kpi_ids: Set[str],
    municipality_ids: Set[str],
) -> tuple[list[str], list[str] | None] | None:
    """The KPIs and municipalities the cache knows (sorted, once each); None when none is left.
    KPIs that Kolada's catalogue does not list, and group members that Kolada's municipality
    list does not know (a merged kommun, say), are left out, not an error."""
    kpis = sorted({k for k in kpis if k in kpi_ids})
    if not kpis:
        return None
    if municipalities is None:
        return kpis, None
    munis = sorted({m for m in municipalities if m in municipality_ids})
    return (kpis, munis) if munis else None


@dataclass(frozen=True)
class PeerYears:
    """A view's peers (or an IFO part's) and who they are each year of ``span``: today's
    members for every year, or each year's own edition of the RKA group (``per_edition``)."""

    peers: Peers
    held: tuple[editions.Edition, ...]  # the editions of the RKA group the store holds
    by_year: dict[int, set[str]]
    span: tuple[int, int]
    per_edition: bool

    @property
    def everyone(self) -> list[str]:
        """Every kommun that is a peer in some year shown, or today (sorted)."""
        return sorted(set().union(*self.by_year.values()) | set(self.peers.ids))

    def edition_at(self, year: int) -> editions.Edition | None:
        """The edition a year is compared with: that year's own in per-year mode (with more
        than one held), else None (today's group)."""
        if not (self.per_edition and len(self.held) > 1):
            return None
        return editions.edition_for_year(list(self.held), year)

    def label_for(self, year: int) -> str:
        """The group's label for a sentence about ``year``: the edition in force that year in
        per-year mode, else today's group."""
        edition = self.edition_at(year)
        if edition is None:
            return self.peers.label
        return f"{edition.title} ({edition.group_id}, utgåva {edition.year}, som gällde {year})"

    def named_members_at(self, year: int | None) -> list[tuple[str, str]]:
        """(id, name) of the members compared with in ``year``: that year's edition in
        per-year mode, today's group otherwise (the kommun itself left out)."""
        edition = self.edition_at(year) if year is not None else None
        if edition is None:
            return list(self.peers.members)
        peers = self.by_year.get(year, set())  # the kommun is never among them
        return [(m, n) for m, n in edition.members if m in peers]

    def members_at(self, year: int) -> list[str]:
        """The peers compared with in ``year`` (sorted)."""
        return sorted(self.by_year.get(year, set(self.peers.ids)))

    @property
    def note(self) -> str | None:
        """Which edition of the RKA group is used (None for the other kinds of group)."""
        group = self.peers.group
        if group is None:
            return None
        return editions.note(
            group.title, group.edition_year, list(self.held), self.span, self.per_edition
        )


@dataclass(eq=False)
class Source:
    """A view's data from one store, each reading done once per instance."""

    store: kolada.Store
    today: date | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _memo: OrderedDict = field(default_factory=OrderedDict, repr=False)

    def _once(self, key: tuple, make):
        """``make()`` the first time ``key`` is asked for; the same object after that, while it
        is among the ``MEMO_SIZE`` readings used last. The objects are shared (by the sessions
        of one replica): callers never change them."""
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        made = make()
        with self._lock:
            kept = self._memo.setdefault(key, made)
            self._memo.move_to_end(key)
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
            return kept

    # ---- metadata --------------------------------------------------------------------------
    @cached_property
    def _meta(self) -> dict[str, pd.DataFrame | None]:
        names = ("municipalities", "groups", "kpis")
        return {n: (d.frame if (d := self.store.read(n)) is not None else None) for n in names}

    @property
    def ready(self) -> bool:
        """The metadata is cached (municipalities, groups, KPIs): a view can be shown."""
        return all(frame is not None for frame in self._meta.values())

    def _metadata(self, name: str) -> pd.DataFrame:
        if not self.ready:
            missing = sorted(n for n, frame in self._meta.items() if frame is None)
            raise kolada.BadInput(
                f"Cachen i {self.store.root} saknar {', '.join(missing)}: kör "
                "python -m kolada refresh först."
            )
        return self._meta[name]

    @property
    def municipalities(self) -> pd.DataFrame:
        return self._metadata("municipalities")

    @property
    def groups(self) -> pd.DataFrame:
        return self._metadata("groups")

    @property
    def kpis(self) -> pd.DataFrame:
        return self._metadata("kpis")

    @cached_property
    def names(self) -> dict[str, str]:
        return kommun_names(self.municipalities)

    @cached_property
    def kpi_ids(self) -> frozenset[str]:
        return frozenset(self.kpis["id"])

    @cached_property
    def municipality_ids(self) -> frozenset[str]:
        return frozenset(self.municipalities["id"])

    @cached_property
    def kpi_titles(self) -> dict[str, str]:
        return dict(zip(self.kpis["id"], self.kpis["title"], strict=True))

    @cached_property
    def years(self) -> tuple[int, int] | None:
        """The first and last year the cache holds values for (None: no values yet)."""
        data = self.store.read("values", columns=["period"])
        if data is None or data.frame.empty:
            return None
        periods = data.frame["period"]
        return int(periods.min()), int(periods.max())

    # ---- what was fetched --------------------------------------------------------------------
    @cached_property
    def _values_meta(self) -> dict:
        return self.store.meta("values")

    @cached_property
    def fetched_kpis(self) -> frozenset[str]:
        """The KPIs the store has asked Kolada for (whatever Kolada answered)."""
        return frozenset(self._values_meta.get("kpis", {}))

    def unfetched(self, kpis: Iterable[str]) -> list[str]:
        """Of ``kpis``, those never fetched: their absence says nothing about Kolada."""
        return sorted(set(kpis) - self.fetched_kpis)

    def fetched_at(self, kpi: str | None = None) -> str:
        """When the values (of one KPI) were fetched from Kolada (ISO, UTC); "" if unknown."""
        if kpi is None:
            return self._values_meta.get("fetched_at", "")
        return self._values_meta.get("kpis", {}).get(kpi, {}).get("fetched_at", "")

    def fetched_all(self, kpis: Iterable[str]) -> bool:
        """Every one of ``kpis`` was fetched: a missing value is Kolada's answer."""
        return not self.unfetched(kpis)

    # ---- values ------------------------------------------------------------------------------
    def values(self, kpis: Iterable[str], municipalities: Iterable[str] | None = None):
        """Total values (gender ``T`` where Kolada splits by gender) for the KPIs and
        municipalities the store knows (``known``)."""
        found = known(kpis, municipalities, self.kpi_ids, self.municipality_ids)
        if found is None:
            return no_values()
        kpis, munis = found
        key = ("values", tuple(kpis), None if munis is None else tuple(munis))
        return self._once(key, lambda: self._read_values(kpis, munis))

    def _read_values(self, kpis: list[str], munis: list[str] | None) -> pd.DataFrame:
        frame = self.store.values(kpis, munis)
        if frame.empty:
            return no_values()
        return totals(frame)[VALUE_COLUMNS]

    def first_preliminary(self, kpi: str) -> int | None:
        """The first year whose values of ``kpi`` are preliminary in the cache: judged by when
        they were fetched, not by today's date."""
        return self._once(("prel", kpi), lambda: self._first_preliminary(kpi))

    def _first_preliminary(self, kpi: str) -> int | None:
        row = self.kpis[self.kpis["id"] == kpi]
        if row.empty:
            return None
        fetched = self.fetched_at(kpi)
        today = self.today or datetime.now(UTC).date()
        when = datetime.fromisoformat(fetched).date() if fetched else today
        return analytics.first_preliminary_year(row.iloc[0].to_dict(), when)

    # ---- peers -------------------------------------------------------------------------------
    def peers(self, view: View, part: Part | None = None) -> Peers:
        """The peers of a view, or of an IFO part (its own RKA family). Only the kommun, area,
        group kind and custom pick matter."""
        key = ("peers", view.kommun, view.area, view.group, view.custom, view.name, part)
        return self._once(key, lambda: self._peers(view, part))

    def _peers(self, view: View, part: Part | None) -> Peers:
        if part is None:
            return resolve_peers(view, self.groups, self.municipalities)
        return part_peers(view, part, self.groups, self.municipalities)

    def editions(self, group_id: str) -> tuple[editions.Edition, ...]:
        return self._once(
            ("editions", group_id), lambda: tuple(editions.editions(self.groups, group_id))
        )

    def peer_years(
        self, view: View, span: tuple[int, int], part: Part | str | None = None
    ) -> PeerYears:
        """The peers of a view (or of the IFO part, or driver tree, ``part``) and who they are
        each year of ``span``."""
        if isinstance(part, str):
            part = PARTS.get(part)
        peers = self.peers(view, part)
        held = self.editions(peers.group.id) if peers.group is not None else ()
        by_year = editions.yearly_members(
            list(held), peers.ids, view.kommun, span, view.per_edition
        )
        return PeerYears(peers, held, by_year, span, view.per_edition)

    # ---- defaults ----------------------------------------------------------------------------
    def latest_covered(self, view: View) -> int:
        """Where a view's default range ends: the latest year where the kommun has a value and
        enough peers report (Åtvidaberg IFO: 2022, not 2025); the cache's last year when none."""
        years = self.years or (date.today().year - 5, date.today().year)
        key = ("latest", view.kommun, view.area, view.group, view.custom)

        def find() -> int:
            ids = self.peers(view).ids
            kpi = area(view.area).nka_pct
            vals = self.values([kpi], [view.kommun, *ids])
            return analytics.latest_covered_year(vals, kpi, view.kommun, ids, years) or years[1]

        return self._once(key, find)

    def require_values(self) -> tuple[int, int]:
        """The years the cache holds, or a ``BadInput`` saying it holds no values yet."""
        if self.years is None:
            raise kolada.BadInput(
                f"Cachen i {self.store.root} saknar values: kör python -m kolada refresh först."
            )
        return self.years

    def span(self, view: View) -> tuple[int, int]:
        """The view's years, its last year by default the latest covered one."""
        last = view.last_year or self.latest_covered(view)
        return (min(view.first_year, last), last)
