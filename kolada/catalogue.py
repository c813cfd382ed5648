"""The areas we benchmark, as data: their KPI ids and RKA peer-group family.

Ids from ``shared/reference/kolada-api.md`` §2 (v3 catalogue of 2026-03). ``missing_kpis`` checks
them against the catalogue the API returns; ``find_peer_group`` finds a kommun's
"Liknande kommuner <område>, <kommun>, <år>" group in the groups frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from kolada.drivers import driver_kpis
from kolada.errors import BadInput
from kolada.quality import quality_kpis


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
RIKET = "0000"  # Kolada's id for Riket (the whole country)

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
    drivers of ``kolada/drivers.py`` and the quality KPIs of ``kolada/quality.py`` (so a
    refresh fetches them too)."""
    ids = {k for a in AREAS for k in a.kpis}
    ids |= {k for p in IFO_PARTS for k in (p.net_cost, p.cost)}
    ids.add(POPULATION)
    ids |= set(driver_kpis())
    ids |= set(quality_kpis())
    return sorted(ids)


def missing_kpis(catalogue: Iterable[str], kpis: pd.DataFrame) -> list[str]:
    """Catalogue ids that the API's KPI list does not contain."""
    have = set(kpis["id"])
    return [k for k in catalogue if k not in have]
