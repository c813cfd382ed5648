"""Reading what a view needs from the Parquet store, without Streamlit: for the report command
(``python -m benchmark report``) and the Rapport page. The app's pages read through ``ui``,
which caches these same readings per published cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property

import pandas as pd

import kolada
from benchmark import analytics, driver_figures, editions, narrative
from benchmark.peers import Peers, kommun_names, part_peers, resolve_peers
from benchmark.viewstate import View
from kolada.catalogue import IFO_PARTS, POPULATION, Part, area
from kolada.drivers import trees_for
from kolada.frames import totals

VALUE_COLUMNS = ["kpi", "municipality", "period", "value"]


def no_values() -> pd.DataFrame:
    return pd.DataFrame(columns=VALUE_COLUMNS)


def read_values(store: kolada.Store, kpis: list[str], munis: list[str] | None) -> pd.DataFrame:
    """Total values (gender ``T`` where Kolada splits by gender) for KPIs and municipalities."""
    frame = store.values(kpis, munis)
    if frame.empty:
        return no_values()
    return totals(frame)[VALUE_COLUMNS]


def first_preliminary(store: kolada.Store, kpis: pd.DataFrame, kpi: str, today: date) -> int | None:
    """The first year whose values of ``kpi`` are preliminary in the cache: judged by when they
    were fetched (``values`` metadata), not by today's date."""
    row = kpis[kpis["id"] == kpi]
    if row.empty:
        return None
    fetched = store.meta("values").get("kpis", {}).get(kpi, {}).get("fetched_at")
    when = datetime.fromisoformat(fetched).date() if fetched else today
    return analytics.first_preliminary_year(row.iloc[0].to_dict(), when)


def known(
    kpis: Iterable[str],
    municipalities: Iterable[str] | None,
    kpi_ids: Set[str],
    municipality_ids: Set[str],
) -> tuple[list[str], list[str] | None] | None:
    """The KPIs and municipalities the cache knows (sorted, once each); None when none is left.
    KPIs not fetched yet, and group members that Kolada's municipality list does not know (a
    merged kommun, say), are left out, not an error."""
    kpis = sorted({k for k in kpis if k in kpi_ids})
    if not kpis:
        return None
    if municipalities is None:
        return kpis, None
    munis = sorted({m for m in municipalities if m in municipality_ids})
    return (kpis, munis) if munis else None


def peers_for(view: View, part: Part | None, groups: pd.DataFrame, municipalities: pd.DataFrame):
    """The peers of a view, or of an IFO part (its own RKA family)."""
    if part is None:
        return resolve_peers(view, groups, municipalities)
    return part_peers(view, part, groups, municipalities)


def latest_covered(
    view: View,
    years: tuple[int, int],
    peers_of: Callable[[View, Part | None], Peers],
    values_of: Callable[[list[str], list[str]], pd.DataFrame],
) -> int:
    """Where a view's default range ends: the latest year where the kommun has a value and
    enough peers report (Åtvidaberg IFO: 2022, not 2025); the cache's last year when none."""
    ids = peers_of(view, None).ids
    kpi = area(view.area).nka_pct
    vals = values_of([kpi], [view.kommun, *ids])
    return analytics.latest_covered_year(vals, kpi, view.kommun, ids, years) or years[1]


def largest_driver_difference(
    view: View,
    span: tuple[int, int],
    peers_of: Callable[[View, Part | None], Peers],
    values_of: Callable[[list[str], list[str]], pd.DataFrame],
) -> str | None:
    """The sentence about the area's driver furthest from the peers' median (over all its driver
    trees), when the peers cover it and the difference is material; None otherwise."""
    return largest_sentence(driver_differences(view, span, peers_of, values_of))


def largest_sentence(found: Iterable) -> str | None:
    """Of (largest material difference, tree) per tree (or None), the sentence about the one
    furthest from its median."""
    found = [f for f in found if f is not None]
    if not found:
        return None
    best, tree = max(found, key=lambda t: abs(t[0].relative))
    return driver_figures.difference_sentence(best, narrative.area_in_sentence(tree.title))


def driver_differences(view, span, peers_of, values_of) -> list:
    """Per driver tree of the view's area: (largest material difference, tree) or None."""
    parts = {p.code: p for p in IFO_PARTS}
    out = []
    for tree in trees_for(view.area):
        ids = peers_of(view, parts.get(tree.code)).ids
        vals = values_of([d.kpi for d in tree.drivers], [view.kommun, *ids])
        year = driver_figures.latest_year(vals, tree, view.kommun, ids, span)
        best = None
        if year is not None:
            best = driver_figures.largest_difference(
                driver_figures.driver_figures(vals, tree, view.kommun, ids, year)
            )
        out.append(None if best is None else (best, tree))
    return out


@dataclass
class StoreSource:
    """A view's data from one store, read once per instance (make a new one after a refresh)."""

    store: kolada.Store
    today: date | None = None

    @cached_property
    def _meta(self) -> dict:
        names = ("municipalities", "groups", "kpis")
        data = {n: self.store.read(n) for n in names}
        missing = [n for n in names if data[n] is None]
        if not self.store.exists("values"):
            missing.append("values")
        if missing:
            raise kolada.BadInput(
                f"Cachen i {self.store.root} saknar {', '.join(sorted(missing))}: kör "
                "python -m kolada refresh först."
            )
        return {k: d.frame for k, d in data.items()}

    @property
    def municipalities(self) -> pd.DataFrame:
        return self._meta["municipalities"]

    @property
    def groups(self) -> pd.DataFrame:
        return self._meta["groups"]

    @property
    def kpis(self) -> pd.DataFrame:
        return self._meta["kpis"]

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
    def years(self) -> tuple[int, int]:
        periods = self.store.read("values", columns=["period"]).frame["period"]
        return int(periods.min()), int(periods.max())

    def values(self, kpis: Iterable[str], municipalities: Iterable[str] | None = None):
        """As ``ui.values`` (``known``), read straight from the store."""
        found = known(kpis, municipalities, self.kpi_ids, self.municipality_ids)
        return no_values() if found is None else read_values(self.store, *found)

    def peers(self, view: View, part: Part | None = None) -> Peers:
        return peers_for(view, part, self.groups, self.municipalities)

    def editions(self, group_id: str) -> list[editions.Edition]:
        return editions.editions(self.groups, group_id)

    def first_preliminary(self, kpi: str) -> int | None:
        today = self.today or datetime.now(UTC).date()
        return first_preliminary(self.store, self.kpis, kpi, today)

    def fetched_at(self, kpi: str | None = None) -> str:
        """When the values (of one KPI) were fetched from Kolada (ISO, UTC); "" if unknown."""
        meta = self.store.meta("values")
        if kpi is None:
            return meta.get("fetched_at", "")
        return meta.get("kpis", {}).get(kpi, {}).get("fetched_at", "")

    def span(self, view: View) -> tuple[int, int]:
        """The view's years, its last year by default as the app's (``latest_covered``)."""
        last = view.last_year or latest_covered(view, self.years, self.peers, self.values)
        return (min(view.first_year, last), last)

    def area_values(self, view: View, peer_ids: Iterable[str]) -> pd.DataFrame:
        return self.values([*area(view.area).kpis, POPULATION], [view.kommun, *peer_ids])

    def driver_sentence(self, view: View, span: tuple[int, int]) -> str | None:
        return largest_driver_difference(view, span, self.peers, self.values)
