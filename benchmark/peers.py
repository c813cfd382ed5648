"""Which kommuner a view compares with: RKA's "Liknande kommuner", SKR's kommungrupp, the län,
all kommuner, or a custom pick. Pure over the cached groups and municipalities frames."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from benchmark.viewstate import View
from kolada.catalogue import (
    LAN_GROUPS,
    SKR_KOMMUNGRUPPER,
    Part,
    PeerGroup,
    area,
    find_family_group,
    find_member_group,
    find_peer_group,
)


@dataclass(frozen=True)
class Peers:
    kind: str
    label: str  # e.g. "Liknande kommuner IFO, Åtvidaberg, 2024 (G36722)"
    members: tuple[tuple[str, str], ...]  # (id, name), never the kommun itself
    group: PeerGroup | None = None  # the Kolada group used, with its edition and snapshot
    note: str | None = None  # why the requested kind could not be used

    @property
    def ids(self) -> list[str]:
        return [m for m, _ in self.members]


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
        return Peers("egen", f"Egen grupp ({len(members)} kommuner)", members)
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
