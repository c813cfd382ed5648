"""The matrix behind a chart (issue 24): every kommun compared, every year shown — the table a
controller pastes into a tjänsteskrivelse's appendix — with the statistics under it, the
group's edition per year and which values are preliminary. Pure: frames in, a frame out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from benchmark import analytics

if TYPE_CHECKING:  # the reader's object; this module only reads its attributes
    from benchmark.source import PeerYears

MISSING = "saknas"  # a peer that year, and Kolada has no value
NOT_PEER = "ej i gruppen"  # not a member of that year's edition
NO_STAT = "–"  # too few peers with values for a statistic that year
KOMMUN, PEER, STAT, COUNT, GROUP = "Vald kommun", "Jämförelsekommun", "Statistik", "Antal", "Grupp"
STAT_ROWS = ("Lägst", "Nedre kvartil", "Median", "Övre kvartil", "Högst", "Ovägt medel")
COUNT_ROWS = ("Kommuner med värde", "Kommuner i gruppen")
EDITION_ROW = "Jämförelsegrupp"


def peer_matrix(
    values: pd.DataFrame,
    kpi: str,
    kommun: str,
    peer_years: PeerYears,
    names: Mapping[str, str],
    years: list[int],
    stats: pd.DataFrame | None,
    prel_from: int | None,
    decimals: int = 1,
) -> pd.DataFrame:
    """Columns Kommun, Kommun-id, Roll, one per year (as text: "2019" …) and Preliminärt; a
    row for the kommun, one per peer in any year shown (by name), then the peers' statistics
    turned on its side — ``stats`` (a frame by year with ``analytics.STAT_TITLES``' columns, as
    ``stats_by_year`` gives) or, when None, computed here from ``values`` over each year's
    peers — and the group each year was compared with. Values rounded to ``decimals`` as the app
    shows them; "saknas" where Kolada has none, "ej i gruppen" for a year a kommun was not a
    member of that year's edition."""
    if stats is None:
        stats = stats_by_year(
            analytics.peer_stats_by_year(values, kpi, peer_years.by_year, (years[0], years[-1]))
        )
    rows = values[(values["kpi"] == kpi) & values["period"].isin(years)].dropna(subset=["value"])
    by = {(m, int(p)): float(v) for m, p, v in rows[["municipality", "period", "value"]].values}
    peers = sorted(peer_years.everyone, key=lambda m: (names.get(m, m).casefold(), m))

    def cell(m: str, year: int, member: bool) -> object:
        if not member:
            return NOT_PEER
        value = by.get((m, year))
        return MISSING if value is None else _round(value, decimals)

    out = [
        (names.get(kommun, kommun), kommun, KOMMUN, *(cell(kommun, y, True) for y in years)),
        *(
            (
                names.get(m, m),
                m,
                PEER,
                *(cell(m, y, m in peer_years.members_at(y)) for y in years),
            )
            for m in peers
        ),
    ]
    if not stats.empty:
        for title in (*STAT_ROWS, *COUNT_ROWS):
            if title not in stats.columns:
                continue
            column = stats[title].reindex(years)
            digits = 0 if title in COUNT_ROWS else decimals
            out.append(
                (
                    title,
                    "",
                    COUNT if title in COUNT_ROWS else STAT,
                    *(NO_STAT if v != v else _round(v, digits) for v in column),
                )
            )
    out.append((EDITION_ROW, "", GROUP, *(_edition(peer_years, y) for y in years)))
    frame = pd.DataFrame(out, columns=["Kommun", "Kommun-id", "Roll", *map(str, years)])
    frame["Preliminärt"] = [_preliminary(row, years, prel_from) for row in out]
    return frame


def stats_by_year(stats: pd.DataFrame) -> pd.DataFrame:
    """``analytics.peer_stats_by_year``'s frame as ``peer_matrix`` takes it: every year with
    its counts, the statistics only where covered (enough peers report; else "–"), by year,
    Swedish titles."""
    if stats.empty:
        return pd.DataFrame()
    out = stats.copy()
    if "covered" in out:
        uncovered = ~out["covered"].fillna(False).astype(bool)
        out.loc[uncovered, [c for c in analytics.PEER_VALUES if c in out]] = float("nan")
    return out.rename(columns=analytics.STAT_TITLES).set_index("År")


def decimals_for(unit: str) -> int:
    """Kronor whole, everything else (%, per 10 000 …) with one decimal, as the app shows."""
    return 0 if unit.startswith("kr") else 1


def sheet_unit(unit: str) -> str | None:
    """The Excel number format of a KPI's unit: kronor, per cent, or none (a rate per 10 000)."""
    return "kr" if unit.startswith("kr") else "%" if unit == "%" else None


def _round(value: float, digits: int) -> float | int:
    return int(round(value)) if digits == 0 else round(float(value), digits)


def _edition(peer_years: PeerYears, year: int) -> str:
    """The group a year is compared with: that year's edition (per-year mode), else today's."""
    edition = peer_years.edition_at(year)
    if edition is not None:
        return f"{edition.group_id} (utgåva {edition.year})"
    group = peer_years.peers.group
    if group is not None:
        return f"{group.id} (utgåva {group.edition_year or '–'})"
    return peer_years.peers.label


def _preliminary(row: tuple, years: list[int], prel_from: int | None) -> str:
    """The years of a row whose value is preliminary ("2022"), "" where none is."""
    if row[2] not in (KOMMUN, PEER, STAT):  # counts and the group are not Kolada's values
        return ""
    numbers = [
        str(y)
        for y, v in zip(years, row[3:], strict=True)
        if analytics.is_preliminary(y, prel_from) and isinstance(v, int | float)
    ]
    return ", ".join(numbers)
