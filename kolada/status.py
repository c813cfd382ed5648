"""What is cached, and how old it is (pure over the store's provenance)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kolada.store import ENTITIES, Store


@dataclass(frozen=True)
class EntityStatus:
    entity: str
    cached: bool
    rows: int = 0
    fetched_at: str | None = None
    age: timedelta | None = None
    base_url: str | None = None
    requests: int | None = None
    stale: bool = True
    damaged: bool = False
    file: str | None = None  # the damaged file, relative to the cache folder

    @property
    def state(self) -> str:
        """In a word: skadad, saknas, inaktuell or aktuell."""
        if self.damaged:
            return "skadad"
        if not self.cached:
            return "saknas"
        return "inaktuell" if self.stale else "aktuell"

    def line(self) -> str:
        if self.damaged:
            where = f": {self.file}" if self.file else ""
            return (
                f"{self.entity:<15} skadad{where} (den föregående sparade versionen läses i "
                "stället där den finns; nästa uppdatering skriver om den)"
            )
        if not self.cached:
            return f"{self.entity:<15} saknas i cachen"
        state = "inaktuell" if self.stale else "färsk"
        return (
            f"{self.entity:<15} {self.rows:>8} rader  hämtad {self.fetched_at} "
            f"({format_age(self.age)} sedan, {state})  från {self.base_url}"
        )


def format_age(age: timedelta | None) -> str:
    if age is None:
        return "okänt"
    minutes = int(age.total_seconds() // 60)  # a no-break space: "8 h" never splits a line
    if minutes < 60:
        return f"{minutes}\u00a0min"
    if minutes < 48 * 60:
        return f"{minutes // 60}\u00a0h"
    return f"{minutes // (24 * 60)}\u00a0dagar"


def cache_status(
    store: Store | None = None,
    *,
    ttl: timedelta = timedelta(hours=24),
    now: datetime | None = None,
    deep: bool = False,
) -> list[EntityStatus]:
    """One status per entity, from the Parquet footer and schema metadata (with ``deep``, each
    file is read whole, so damage inside it shows too)."""
    store = store or Store()
    now = now or datetime.now(UTC)
    out = []
    for entity in ENTITIES:
        health = store.health(entity, deep=deep)
        meta = store.meta(entity) if health == "ok" else {}
        if not meta:
            damaged = health == "skadad"
            file = store.path(entity).relative_to(store.root).as_posix() if damaged else None
            out.append(EntityStatus(entity, cached=False, damaged=damaged, file=file))
            continue
        fetched = meta.get("fetched_at")
        age = now - datetime.fromisoformat(fetched) if fetched else None
        out.append(
            EntityStatus(
                entity,
                cached=True,
                rows=int(meta.get("rows", 0)),
                fetched_at=fetched,
                age=age,
                base_url=meta.get("base_url"),
                requests=meta.get("requests"),
                stale=age is None or age >= ttl,
            )
        )
    return out
