"""Which kommuner a view compares with: RKA's "Liknande kommuner", SKR's kommungrupp, the län,
all kommuner, or a custom pick — and the lookup of a kommun's group in Kolada's groups (its
edition, its newest membership snapshot). Pure over the cached groups and municipalities
frames."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pandas as pd

from benchmark.viewstate import View
from kolada.catalogue import LAN_GROUPS, SKR_KOMMUNGRUPPER, Part, area
from kolada.errors import BadInput


# ---- Kolada's groups -------------------------------------------------------------------------
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


# ---- a view's peers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Peers:
    kind: str
    label: str  # e.g. "Liknande kommuner IFO, Åtvidaberg, 2024 (G36722)"
    members: tuple[tuple[str, str], ...]  # (id, name), never the kommun itself
    group: PeerGroup | None = None  # the Kolada group used, with its edition and snapshot
    note: str | None = None  # why the requested kind could not be used
    name: str = ""  # a custom group's name, when the link gives one

    @property
    def ids(self) -> list[str]:
        return [m for m, _ in self.members]

    @property
    def called(self) -> str:
        """How a title names the group: its own name, else "jämförelsegruppen"."""
        return self.name or "jämförelsegruppen"


def kommun_names(municipalities: pd.DataFrame) -> dict[str, str]:
    kommuner = municipalities[municipalities["type"] == "K"]
    return dict(zip(kommuner["id"], kommuner["title"], strict=True))


def _from_group(kind: str, group: PeerGroup, kommun: str) -> Peers:
    members = tuple((m, t) for m, t in group.members if m != kommun)
    edition = f", utgåva {group.edition_year}" if group.edition_year else ""
    return Peers(kind, f"{group.title} ({group.id}{edition})", members, group)


def resolve_peers(view: View, groups: pd.DataFrame, municipalities: pd.DataFrame) -> Peers:
    """The peers for a view; when the chosen kind has no group for this kommun, all kommuner
    are used and ``note`` says why."""
    names = kommun_names(municipalities)
    kommun = view.kommun
    if view.group == "egen" and view.custom:
        members = tuple((m, names.get(m, m)) for m in view.custom if m != kommun)
        count = f"{len(members)} kommun{'' if len(members) == 1 else 'er'}"
        label = f"{view.name} (egen grupp, {count})" if view.name else f"Egen grupp ({count})"
        return Peers("egen", label, members, name=view.name)
    if view.group in ("rka", "kommungrupp", "lan"):
        if view.group == "rka":
            group = find_peer_group(groups, municipalities, kommun, view.area)
        else:
            ids = SKR_KOMMUNGRUPPER if view.group == "kommungrupp" else LAN_GROUPS
            group = find_member_group(groups, kommun, ids)
        if group is not None:
            return _from_group(view.group, group, kommun)
        note = (
            f"Kolada har ingen sådan jämförelsegrupp för {names.get(kommun, kommun)} "
            f"({area(view.area).title}); alla kommuner används i stället."
        )
    else:
        note = None
    members = tuple((m, t) for m, t in names.items() if m != kommun)
    return Peers("alla", f"Alla kommuner ({len(members)} st.)", members, note=note)


def part_peers(view: View, part: Part, groups: pd.DataFrame, municipalities: pd.DataFrame) -> Peers:
    """The peers for an IFO part, whatever area the sidebar shows: with RKA's groups, the part's
    own family ("Liknande kommuner ekonomiskt bistånd") where the kommun has one, else IFO's;
    with any other kind, the same peers as for IFO."""
    ifo_view = replace(view, area="ifo")
    if view.group == "rka" and part.peer_family:
        group = find_family_group(groups, municipalities, view.kommun, part.peer_family)
        if group is not None:
            return _from_group("rka", group, view.kommun)
    return resolve_peers(ifo_view, groups, municipalities)
