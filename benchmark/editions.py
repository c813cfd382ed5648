"""Editions of an RKA peer group (pure): RKA re-matches "Liknande kommuner …" every year; the
group id stays and the members change. The store keeps every membership it has seen as a dated
snapshot (``first_seen``/``last_seen``); this module reads them as editions, says what changed,
and picks for each year the edition that was in force then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

HOW_RKA_FORMS_GROUPS = (
    "RKA bildar grupperna av kommuner som liknar varandra i de strukturfaktorer som påverkar "
    "kostnaderna inom området (t.ex. befolkning, ålder, socioekonomi, geografi) – inte av hur "
    "mycket de faktiskt kostar."
)


@dataclass(frozen=True)
class Edition:
    group_id: str
    title: str
    year: int | None  # the edition year in the title ("…, 2024")
    members: tuple[tuple[str, str], ...]  # (id, name)
    first_seen: str | None  # when we first/last fetched this membership (UTC ISO)
    last_seen: str | None

    @property
    def member_ids(self) -> set[str]:
        return {m for m, _ in self.members}


def editions(groups: pd.DataFrame, group_id: str) -> list[Edition]:
    """Every membership snapshot of a group the store holds, oldest first."""
    rows = groups[groups["group_id"] == group_id]
    if rows.empty:
        return []
    key = "first_seen" if "first_seen" in rows.columns else "title"
    out = []
    for _, snap in rows.groupby(key, sort=True):
        first = snap.iloc[0]
        year = first.get("edition_year")
        out.append(
            Edition(
                group_id=group_id,
                title=str(first["title"]),
                year=None if pd.isna(year) else int(year),
                members=tuple(zip(snap["member_id"], snap["member_title"], strict=True)),
                first_seen=_text(first.get("first_seen")),
                last_seen=_text(first.get("last_seen")),
            )
        )
    return out


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


@dataclass(frozen=True)
class Change:
    added: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]


def changes(previous: Edition, current: Edition) -> Change:
    """Members added and removed between two editions, by name order."""
    before, after = dict(previous.members), dict(current.members)
    added = tuple(sorted(((m, after[m]) for m in after if m not in before), key=lambda x: x[1]))
    removed = tuple(sorted(((m, before[m]) for m in before if m not in after), key=lambda x: x[1]))
    return Change(added, removed)


def edition_for_year(items: list[Edition], year: int) -> Edition:
    """The edition in force for a year: the newest whose edition year is not after it (the
    oldest we hold, for years before all of them)."""
    dated = [e for e in items if e.year is not None and e.year <= year]
    if dated:
        return max(dated, key=lambda e: (e.year, e.first_seen or ""))
    return items[0]


def members_by_year(items: list[Edition], years: Iterable[int], kommun: str) -> dict[int, set]:
    """For each year, the peers of that year's edition (the kommun itself left out)."""
    return {y: edition_for_year(items, y).member_ids - {kommun} for y in years}


def summary(items: list[Edition], years: tuple[int, int]) -> str:
    """'2019–2023: utgåva 2022; 2024–2025: utgåva 2024' — which edition each run of years uses."""
    runs: list[list] = []
    for year in range(years[0], years[1] + 1):
        edition = edition_for_year(items, year)
        label = f"utgåva {edition.year}" if edition.year else edition.title
        if runs and runs[-1][2] == label:
            runs[-1][1] = year
        else:
            runs.append([year, year, label])
    return "; ".join(f"{a}–{b}: {label}" if a != b else f"{a}: {label}" for a, b, label in runs)


def yearly_members(
    held: list[Edition], ids: Iterable[str], kommun: str, years: tuple[int, int], per_edition: bool
) -> dict[int, set]:
    """The peers for each year of ``years``: today's ``ids`` for every year, or — with
    ``per_edition`` and more than one edition held — each year's own edition."""
    span = range(years[0], years[1] + 1)
    if per_edition and len(held) > 1:
        return members_by_year(held, span, kommun)
    return {y: set(ids) for y in span}


def note(
    title: str, edition_year: int | None, held: list[Edition], years, per_edition: bool
) -> str:
    """The sentence a view says about the edition it uses."""
    if per_edition and len(held) > 1:
        return f"Varje år jämförs med den utgåva som gällde då: {summary(held, years)}."
    if edition_year is None:  # the title has no year: name the group
        return f"{title}: samma medlemmar används för alla år som visas."
    # the group's title is said just before (the view's caption): only its edition here
    text = f"Gruppens utgåva {edition_year}; samma medlemmar används för alla år som visas."
    if years[0] < edition_year:
        text += (
            f" Åren före {edition_year} jämförs alltså med dagens medlemmar – en "
            "bakåtskattning: gruppen kan ha sett annorlunda ut då."
        )
    older = [e for e in held if e.year is not None and e.year < edition_year]
    if older:
        text += (
            f" Appen har också sparat utgåva {older[-1].year} med andra medlemmar; slå på "
            "”Jämför varje år med den utgåva som gällde då” i sidomenyn för att jämföra varje "
            "år med sin utgåva."
        )
    return text
