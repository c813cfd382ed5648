"""The areas we benchmark, as data: their KPI ids and RKA peer-group family.

Ids from ``shared/reference/kolada-api.md`` §2 (v3 catalogue of 2026-03). ``missing_kpis`` checks
them against the catalogue the API returns; ``find_peer_group`` finds a kommun's
"Liknande kommuner <område>, <kommun>, <år>" group in the groups frame.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from kolada.drivers import driver_kpis
from kolada.errors import BadInput


@dataclass(frozen=True)
class Area:
    code: str
    title: str
    nka_pct: str
    nka_mnkr: str | None
    reference_cost: str | None
    standard_cost: str | None
    net_cost: str | None
    peer_family: str  # group title up to ", <kommun>, <år>"

    @property
    def kpis(self) -> tuple[str, ...]:
        ids = (self.nka_pct, self.nka_mnkr, self.reference_cost, self.standard_cost, self.net_cost)
        return tuple(i for i in ids if i)


@dataclass(frozen=True)
class Part:
    """A part of an area with cost KPIs but no NKA of its own (IFO's parts)."""

    code: str
    title: str
    net_cost: str  # nettokostnad kr/inv (Kolada has none for some parts)
    cost: str  # kostnad (brutto) kr/inv: shown, labelled as such, where the net cost is missing
    peer_family: str | None = None  # RKA's own "Liknande kommuner …" family, where one exists


AREAS: tuple[Area, ...] = (
    Area(
        "ifo",
        "Individ- och familjeomsorg",
        "N30001",
        "N30026",
        "N30007",
        "N30014",
        "N30005",
        "Liknande kommuner IFO",
    ),
    Area(
        "aldreomsorg",
        "Äldreomsorg",
        "N20900",
        "N20029",
        "N20016",
        "N21013",
        "N20014",
        "Liknande kommuner äldreomsorg",
    ),
    Area("lss", "LSS", "N28018", "N28021", "N28026", "N28017", "N28016", "Liknande kommuner LSS"),
    Area(
        "forskola",
        "Förskola",
        "N11024",
        "N11038",
        "N11025",
        "N11019",
        "N11031",
        "Liknande kommuner förskola",
    ),
    Area(
        "fritidshem",
        "Fritidshem",
        "N13020",
        "N13032",
        "N13021",
        None,
        "N13027",
        "Liknande kommuner fritidshem",
    ),
    Area(
        "grundskola",
        "Grundskola F-9",
        "N15001",
        "N15045",
        "N15018",
        "N15029",
        "N15028",
        "Liknande kommuner grundskola",
    ),
    Area(
        "gymnasieskola",
        "Gymnasieskola",
        "N17001",
        "N17030",
        "N17016",
        "N17022",
        "N17014",
        "Liknande kommuner gymnasieskola",
    ),
    Area(
        "totalt",
        "Totalt (exkl. LSS)",
        "N00097",
        None,
        None,
        None,
        None,
        "Liknande kommuner, övergripande",
    ),
)

IFO_PARTS: tuple[Part, ...] = (
    Part("barn_unga", "Barn och unga", "N33016", "N33001"),
    Part(
        "ekonomiskt_bistand",
        "Ekonomiskt bistånd",
        "N31008",
        "N31001",
        "Liknande kommuner ekonomiskt bistånd",
    ),
    Part("missbruk_vuxna", "Missbruk vuxna", "N35019", "N35001"),
)

POPULATION = "N01951"  # Invånare totalt, antal

AREAS_BY_CODE = {a.code: a for a in AREAS}

# SKR's kommungrupper (2017 classification) and the län groups, as Kolada's group ids
SKR_KOMMUNGRUPPER = tuple(f"G{i}" for i in range(92786, 92795))
LAN_GROUPS = tuple(f"G{i}" for i in range(33612, 33633))


def area(code: str) -> Area:
    try:
        return AREAS_BY_CODE[code]
    except KeyError:
        known = ", ".join(AREAS_BY_CODE)
        raise BadInput(f"Okänt verksamhetsområde {code!r}: välj bland {known}.") from None


def catalogue_kpis() -> list[str]:
    """Every KPI the app uses, sorted: the areas', IFO's parts', population and the cost
    drivers of ``kolada/drivers.py`` (so a refresh fetches them too)."""
    ids = {k for a in AREAS for k in a.kpis}
    ids |= {k for p in IFO_PARTS for k in (p.net_cost, p.cost)}
    ids.add(POPULATION)
    ids |= set(driver_kpis())
    return sorted(ids)


def missing_kpis(catalogue: Iterable[str], kpis: pd.DataFrame) -> list[str]:
    """Catalogue ids that the API's KPI list does not contain."""
    have = set(kpis["id"])
    return [k for k in catalogue if k not in have]


@dataclass(frozen=True)
class PeerGroup:
    id: str
    title: str
    edition_year: int | None
    members: tuple[tuple[str, str], ...]  # (member_id, member_title)
    first_seen: str | None = None  # snapshot dates (UTC ISO) when known
    last_seen: str | None = None

    @property
    def member_ids(self) -> list[str]:
        return [m for m, _ in self.members]


def find_peer_group(
    groups: pd.DataFrame, municipalities: pd.DataFrame, municipality_id: str, area_code: str
) -> PeerGroup | None:
    """The RKA peer group of a kommun for an area, newest edition first; None if Kolada has none.

    ``groups`` is the long frame (``group_id, title, edition_year, member_id, member_title``,
    optionally with snapshot columns ``first_seen``/``last_seen``: the newest snapshot is used).
    """
    return find_family_group(groups, municipalities, municipality_id, area(area_code).peer_family)


def find_family_group(
    groups: pd.DataFrame, municipalities: pd.DataFrame, municipality_id: str, family: str
) -> PeerGroup | None:
    """A kommun's group in an RKA family ("Liknande kommuner ekonomiskt bistånd"), newest
    edition first; None if Kolada has none."""
    names = municipalities.loc[municipalities["id"] == municipality_id, "title"]
    if names.empty:
        raise BadInput(f"Okänd kommun {municipality_id!r}.")
    pattern = re.compile(rf"{re.escape(family)}, {re.escape(names.iloc[0])}, (\d{{4}})")
    current = latest_snapshot(groups)
    titles = current.drop_duplicates("group_id")
    hits = titles[titles["title"].str.fullmatch(pattern.pattern).fillna(False).astype(bool)]
    if hits.empty:
        return None
    best = hits.sort_values("edition_year", ascending=False, na_position="last").iloc[0]
    return peer_group(current, str(best["group_id"]))


def find_member_group(
    groups: pd.DataFrame, municipality_id: str, candidates: Iterable[str]
) -> PeerGroup | None:
    """The first of ``candidates`` (group ids) whose newest membership includes the kommun."""
    current = latest_snapshot(groups)
    hits = current[current["group_id"].isin(list(candidates))]
    hits = hits[hits["member_id"] == municipality_id]
    if hits.empty:
        return None
    return peer_group(current, str(hits["group_id"].iloc[0]))


def latest_snapshot(groups: pd.DataFrame) -> pd.DataFrame:
    """Only each group's newest membership snapshot (all rows if there are no snapshot columns)."""
    if "first_seen" not in groups.columns or groups.empty:
        return groups
    newest = groups.groupby("group_id")["first_seen"].transform("max")
    return groups[groups["first_seen"] == newest]


def peer_group(groups: pd.DataFrame, group_id: str, as_of: str | None = None) -> PeerGroup:
    """A group's members: the newest snapshot, or the one in force at ``as_of`` (ISO date)."""
    rows = groups[groups["group_id"] == group_id]
    if rows.empty:
        raise BadInput(f"Okänd jämförelsegrupp {group_id!r}.")
    if "first_seen" in rows.columns:
        seen = rows["first_seen"]
        eligible = seen[seen <= as_of] if as_of else seen
        chosen = eligible.max() if not eligible.empty else seen.min()
        rows = rows[rows["first_seen"] == chosen]
    first = rows.iloc[0]
    return PeerGroup(
        id=group_id,
        title=str(first["title"]),
        edition_year=None if pd.isna(first["edition_year"]) else int(first["edition_year"]),
        members=tuple(zip(rows["member_id"], rows["member_title"], strict=True)),
        first_seen=_opt(first, "first_seen"),
        last_seen=_opt(first, "last_seen"),
    )


def _opt(row: pd.Series, col: str) -> str | None:
    return None if col not in row.index or pd.isna(row[col]) else str(row[col])
