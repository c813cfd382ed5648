"""Short Swedish text that states only what the data supports (pure)."""

from __future__ import annotations

from dataclasses import dataclass

import fmt
from analytics import Gap, Placement

FLAT_POINTS = 0.5  # a change smaller than this (procentenheter) is called unchanged


@dataclass(frozen=True)
class Facts:
    kommun: str
    area: str  # e.g. "individ- och familjeomsorg"
    year: int
    nka: float
    preliminary: bool = False
    median: float | None = None
    peers_with_value: int = 0
    peers_total: int = 0
    placement: Placement | None = None
    first_year: int | None = None  # the first year in the range with a value
    first_nka: float | None = None
    gap_to_median: Gap | None = None


def _over_under(value: float) -> str:
    return "över" if value > 0 else "under"


def overview_sentences(f: Facts) -> list[str]:
    out = []
    prel = " (preliminärt värde)" if f.preliminary else ""
    if abs(f.nka) < 0.05:
        level = "i nivå med den referenskostnad som kommunens struktur motiverar"
    else:
        level = (
            f"{fmt.number(abs(f.nka))} % {_over_under(f.nka)} den referenskostnad som "
            "kommunens struktur motiverar"
        )
    out.append(
        f"År {f.year} var nettokostnadsavvikelsen för {f.area} i {f.kommun} "
        f"{fmt.percent(f.nka)}{prel}: kostnaden låg {level}."
    )
    if f.median is not None and f.peers_with_value:
        diff = f.nka - f.median
        where = (
            "i nivå med medianen"
            if abs(diff) < 0.05
            else f"{fmt.number(abs(diff))} procentenheter {_over_under(diff)} medianen"
        )
        out.append(
            f"Medianen i jämförelsegruppen var {fmt.percent(f.median)} "
            f"({f.peers_with_value} av {f.peers_total} jämförelsekommuner har värde); "
            f"{f.kommun} låg {where}."
        )
    elif f.peers_total:
        out.append(f"Ingen av jämförelsekommunerna har värde för {f.year}.")
    if f.placement is not None and f.placement.n > 1:
        out.append(
            f"Bland kommunen och jämförelsekommunerna med värde har {f.kommun} plats "
            f"{f.placement.text}, räknat från lägst avvikelse."
        )
    if f.first_year is not None and f.first_nka is not None and f.first_year < f.year:
        change = f.nka - f.first_nka
        if abs(change) < FLAT_POINTS:
            trend = "legat i stort sett oförändrad"
        else:
            verb = "ökat" if change > 0 else "minskat"
            trend = f"{verb} med {fmt.number(abs(change))} procentenheter"
        out.append(
            f"Sedan {f.first_year} har avvikelsen {trend} "
            f"(från {fmt.percent(f.first_nka)} till {fmt.percent(f.nka)})."
        )
    g = f.gap_to_median
    if g is not None and g.mnkr is not None and abs(g.points) >= 0.05:
        direction = "lägre" if g.points > 0 else "högre"
        per = (
            f" ({fmt.kr_per_inhabitant(abs(g.kr_per_inhabitant))})"
            if g.kr_per_inhabitant is not None
            else ""
        )
        out.append(
            f"Att ligga på gruppens median skulle motsvara en {direction} nettokostnad med "
            f"omkring {fmt.mnkr(abs(g.mnkr))}{per} år {f.year}, räknat på kommunens "
            "referenskostnad."
        )
    return out
